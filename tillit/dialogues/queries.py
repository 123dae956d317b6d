"""Reading a dialogue: who takes part, which statements a participant sees and in which order, the moderation
lists, and the stored results. No function here writes.

**Which statement comes next.** Like Pol.is, the next statement is drawn at random with a probability proportional
to its priority, computed by the latest analysis (`analysis.routing`):

    importance = (1 − (P+1)/(S+2)) · (E+1) · (A+1)/(S+2)
    priority   = (importance · (1 + 8 · 2^(−S/5)))²

where A, D, P are the agree, disagree and pass votes so far, S = A + D + P the votes seen, and E the statement's
extremity on the opinion map. Statements with few votes get a large novelty boost that halves every 5 votes;
statements that split opinion (far from the centre) and that are not mostly passed rank higher. A statement added
since the last analysis counts as one with no votes. The draw is seeded by the participant and how many votes they
have cast, so reloading the page shows the same statement; a statement the participant has voted on (or written) is
never shown again.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.tokens import hash_token, keyed_digests
from tillit.dialogues import reporting
from tillit.dialogues.analysis.routing import UNSEEN_PRIORITY
from tillit.dialogues.models import (
    Dialogue,
    DialogueAnalysis,
    DialogueParticipant,
    Flag,
    Statement,
    Vote,
    VoteTally,
)
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.ongoing import Ongoing
from tillit.privacy.suppression import Cell, count

FLAGGED = "flagged"  # the moderation list's filter for statements participants have reported


# Who takes part ---------------------------------------------------------------------------------------------------


def member_token_hash(dialogue: Dialogue, membership: Membership) -> str:
    """A member's key in an internal dialogue: an HMAC under the data key, so the participant row does not name the
    member (`tillit.core.tokens`)."""
    return member_keys(dialogue.pk, membership.pk)[0]


def member_keys(dialogue_id: int, membership_id: int) -> list[str]:
    """The member's key under the data key, then under each older key still accepted (a key being rotated)."""
    return [digest.hex() for digest in keyed_digests(f"dialogue:{dialogue_id}:membership:{membership_id}")]


def participation_of_member(dialogue: Dialogue, membership: Membership) -> DialogueParticipant | None:
    """The member's participation in an internal dialogue, or None before they have joined."""
    return DialogueParticipant.objects.filter(
        dialogue=dialogue, token_hash__in=member_keys(dialogue.pk, membership.pk)
    ).first()


def dialogues_joined_by(membership: Membership, dialogues: list[Dialogue]) -> set[int]:
    """Which of these internal dialogues the member has joined (their pks), in one query."""
    if not dialogues:
        return set()
    keys = {dialogue.pk: member_keys(dialogue.pk, membership.pk) for dialogue in dialogues}
    found = DialogueParticipant.objects.filter(
        dialogue_id__in=keys, token_hash__in=[key for own in keys.values() for key in own]
    ).values_list("dialogue_id", "token_hash")
    return {dialogue_id for dialogue_id, token_hash in found if token_hash in keys[dialogue_id]}


def participation_with_token(dialogue: Dialogue, token: str) -> DialogueParticipant | None:
    """The participation in an open dialogue whose random token (from the participant's cookie) is `token`."""
    if not token:
        return None
    return DialogueParticipant.objects.filter(dialogue=dialogue, token_hash=hash_token(token)).first()


def _members_to_write_to(dialogue: Dialogue, besides: Membership | None) -> QuerySet[Membership]:
    """The members of an internal dialogue's organisation whose account is active and has an address, but
    `besides` (the one writing); none for an open dialogue, which has no list of members."""
    if not dialogue.is_internal:
        return Membership.objects.none()
    members = Membership.objects.filter(organisation_id=dialogue.organisation_id, user__is_active=True).exclude(
        user__email=""
    )
    return members if besides is None else members.exclude(pk=besides.pk)


def addresses_to_invite(dialogue: Dialogue, *, besides: Membership | None) -> list[str]:
    """Where an internal dialogue's invitation goes: every active member of its organisation with an address, but
    `besides` (the one inviting)."""
    return list(_members_to_write_to(dialogue, besides).order_by("pk").values_list("user__email", flat=True))


def addresses_not_taking_part(dialogue: Dialogue, *, besides: Membership | None) -> list[str]:
    """Where an internal dialogue's reminder goes: those of `addresses_to_invite` who have no participation in it.
    A participation is known only by its keyed hash, so each member's hash is computed and looked for among the
    dialogue's. Never shown, nor counted on a page: who and how many stay unknown to the one reminding."""
    joined = set(DialogueParticipant.objects.filter(dialogue=dialogue).values_list("token_hash", flat=True))
    members = _members_to_write_to(dialogue, besides).order_by("pk").values_list("pk", "user__email")
    return [address for pk, address in members if joined.isdisjoint(member_keys(dialogue.pk, pk))]


def dialogues_of(organisation: Organisation) -> QuerySet[Dialogue]:
    """The organisation's dialogues for its list, newest first, with their analysis rows."""
    return Dialogue.objects.in_organisation(organisation).select_related("analysis")


def participant_count(dialogue: Dialogue) -> int:
    """How many take part in the dialogue (a count of people: callers publish it only through `privacy.count`);
    for a live meeting's screen while the dialogue's voting runs there."""
    return DialogueParticipant.objects.filter(dialogue=dialogue).count()


# Statements -------------------------------------------------------------------------------------------------------


def shown_statements(dialogue: Dialogue) -> QuerySet[Statement]:
    """Statements participants vote on: accepted ones, and under post-moderation those not yet moderated."""
    shown = Q(status=Statement.Status.ACCEPTED)
    if dialogue.moderation == Dialogue.Moderation.POST:
        shown |= Q(status=Statement.Status.PENDING)
    return Statement.objects.filter(shown, dialogue=dialogue)


def is_shown(statement: Statement) -> bool:
    """Whether participants are shown the statement (see `shown_statements`)."""
    return shown_statements(statement.dialogue).filter(pk=statement.pk).exists()


@dataclass(frozen=True)
class Progress:
    voted: int
    total: int

    @property
    def remaining(self) -> int:
        return max(self.total - self.voted, 0)


def next_statement(participant: DialogueParticipant) -> tuple[Statement | None, Progress]:
    """The statement the participant is shown next (None when they have voted on every one), and their progress."""
    dialogue = participant.dialogue
    voted_ids = set(Vote.objects.filter(participant=participant).values_list("statement_id", flat=True))
    shown = list(shown_statements(dialogue).values_list("id", "number"))
    candidates = [(pk, number) for pk, number in shown if pk not in voted_ids]
    progress = Progress(voted=len(shown) - len(candidates), total=len(shown))
    if not candidates:
        return None, progress
    priorities = _priorities(dialogue)
    weights = [max(priorities.get(str(number), UNSEEN_PRIORITY), 1e-9) for _pk, number in candidates]
    seed = hashlib.sha256(f"{participant.token_hash}:{len(voted_ids)}".encode()).digest()
    chosen, _number = random.Random(seed).choices(candidates, weights=weights, k=1)[0]  # noqa: S311 - ordering, not security
    return Statement.objects.get(pk=chosen), progress


def _priorities(dialogue: Dialogue) -> dict[str, float]:
    """The routing weights of the latest analysis: only that key of the stored report is read."""
    routing = DialogueAnalysis.objects.filter(dialogue=dialogue).values_list("report__routing", flat=True).first()
    return routing if isinstance(routing, dict) else {}


@dataclass(frozen=True)
class ModerationRow:
    statement: Statement
    votes: Cell[int]  # a `privacy.count` cell: a count of fewer than k people is a figure about them
    reports: int  # how many participants reported it


@dataclass(frozen=True)
class Moderation:
    rows: list[ModerationRow]  # reported statements first, then by number
    counts: dict[str, int | Cell[int]]  # see `moderation`


def moderation(dialogue: Dialogue, *, status: str = "") -> Moderation:
    """The moderation page: every statement with its votes and reports, reported ones first; only those with
    `status` (a `Statement.Status`, or FLAGGED for those participants have reported) when one is given. And how many
    statements there are in each state, how many people take part and how many votes there are, the last two as
    `privacy.count` cells.

    Six queries whatever the size: the votes come from the tally the analysis keeps (`loading`) plus the votes it has
    not counted yet, the reports (few) from one grouped count, never a count over the votes per statement."""
    k = dialogue.anonymity_threshold
    votes = vote_counts(dialogue)
    reports = dict(
        Flag.objects.filter(statement__dialogue=dialogue)
        .order_by()
        .values_list("statement_id")
        .annotate(reports=Count("pk"))
        .values_list("statement_id", "reports")
    )
    statements = Statement.objects.filter(dialogue=dialogue).select_related("merged_into").order_by("number")
    if status and status != FLAGGED:
        statements = statements.filter(status=status)
    rows = [
        ModerationRow(statement, count(votes.get(statement.pk, 0), k=k), reports.get(statement.pk, 0))
        for statement in statements
        if status != FLAGGED or statement.pk in reports
    ]
    rows.sort(key=lambda row: -row.reports)  # stable: by number within the same number of reports
    counts: dict[str, int | Cell[int]] = dict(
        Statement.objects.filter(dialogue=dialogue).aggregate(
            pending=Count("pk", filter=Q(status=Statement.Status.PENDING)),
            accepted=Count("pk", filter=Q(status=Statement.Status.ACCEPTED)),
            rejected=Count("pk", filter=Q(status=Statement.Status.REJECTED)),
        )
    )
    counts["flagged"] = len(reports)
    counts["participants"] = count(DialogueParticipant.objects.filter(dialogue=dialogue).count(), k=k)
    counts["votes"] = count(sum(votes.values()), k=k)
    return Moderation(rows, counts)


def vote_counts(dialogue: Dialogue) -> dict[int, int]:
    """Votes per statement id: those the analysis has released, from its tally, and those it has not yet, counted
    (few while it keeps up; found through the partial index on them). The tally is read first, so a release
    committed in between is missed for a moment rather than counted twice. A dialogue its analysis has not tallied
    yet (analysed before tallies existed) has its votes counted until it has."""
    tallied = VoteTally.objects.filter(dialogue=dialogue).values_list("by_statement", flat=True).first()
    votes = Vote.objects.filter(dialogue=dialogue).order_by()
    if tallied is None:
        return dict(votes.values_list("statement_id").annotate(n=Count("pk")).values_list("statement_id", "n"))
    counts = {int(pk): int(n) for pk, n in tallied.items()}
    for pk, n in (
        votes.filter(release__isnull=True)
        .values_list("statement_id")
        .annotate(n=Count("pk"))
        .values_list("statement_id", "n")
    ):
        counts[pk] = counts.get(pk, 0) + n
    return counts


def merge_candidates(duplicate: Statement) -> QuerySet[Statement]:
    """The statements a duplicate can be merged into: the others of its dialogue that are not removed."""
    return (
        Statement.objects.filter(dialogue_id=duplicate.dialogue_id)
        .exclude(pk=duplicate.pk)
        .exclude(status=Statement.Status.REJECTED)
    )


def statement_named_by(dialogue: Dialogue, public_id: UUID) -> Statement | None:
    """A statement of this dialogue by its public id; None for any other, another dialogue's included."""
    return Statement.objects.filter(dialogue=dialogue, public_id=public_id).first()


# Results ----------------------------------------------------------------------------------------------------------


def results_version(dialogue: Dialogue) -> str:
    """What the results page's poll compares: when the stored analysis was computed (one small query)."""
    computed_at = DialogueAnalysis.objects.filter(dialogue=dialogue).values_list("computed_at", flat=True).first()
    return computed_at.isoformat() if computed_at else ""


def results_state(dialogue: Dialogue) -> tuple[str, bool]:
    """When the stored analysis was computed and whether it is due again: all of the results page that can change
    while the dialogue's row does not (one small query; `stored_pages`)."""
    state = DialogueAnalysis.objects.filter(dialogue=dialogue).values_list("computed_at", "dirty").first()
    if state is None:
        return "", True
    computed_at, dirty = state
    return (computed_at.isoformat() if computed_at else ""), dirty


def results_view(dialogue: Dialogue) -> reporting.ResultsView:
    """The stored results as pages and exports read them: two queries, whatever the size of the dialogue, and no
    write (a report stored in an older format reads as being updated; the worker redoes it, see reporting)."""
    stored = DialogueAnalysis.objects.filter(dialogue=dialogue).defer("state").first()
    texts = {
        number: (text, public_id)
        for number, text, public_id in Statement.objects.filter(dialogue=dialogue).values_list(
            "number", "text", "public_id"
        )
    }
    return reporting.read_back(
        dialogue,
        stored.report if stored is not None and stored.computed_at else None,
        texts=texts,
        computed_at=stored.computed_at if stored is not None else None,
        dirty=stored is None or stored.dirty,
    )


# The member's start page ------------------------------------------------------------------------------------------

RESULTS_LISTED_FOR = datetime.timedelta(days=30)  # how long after closing a dialogue stays on the start page


def ongoing_for(request: HttpRequest, membership: Membership) -> list[Ongoing]:
    """The organisation's dialogues open now, and those closed in the last 30 days whose results the member may read,
    with what waits for them: the start page's list (`tillit.organisations.ongoing`).

    In an internal dialogue the member's own participation is found by its keyed hash, as the dialogue's pages do.
    In an open one it lives in a cookie that only the dialogue's own pages receive, so it cannot be known here: open
    dialogues are listed for taking part, and their results only for the process leaders, who may always read them.
    """
    today = timezone.localdate()
    dialogues = Dialogue.objects.filter(
        organisation_id=membership.organisation_id, opens_on__lte=today, closes_on__gte=today - RESULTS_LISTED_FOR
    )
    listed = list(dialogues.order_by("closes_on", "question"))
    joined_ones = dialogues_joined_by(membership, [dialogue for dialogue in listed if dialogue.is_internal])
    found = []
    for dialogue in listed:
        joined = dialogue.pk in joined_ones
        if dialogue.is_open:
            url = reverse("dialogues:participate", kwargs={"dialogue": dialogue.public_id})
            if joined:
                waiting, urgent = _("You take part: vote on the statements that are new to you."), False
            elif dialogue.is_internal:
                waiting, urgent = _("Vote on the statements and add your own."), True
            else:
                waiting, urgent = _("Open to anyone with the link: vote on the statements and add your own."), False
            found.append(Ongoing(_("Dialogue"), dialogue.question, url, waiting, _("Take part"), urgent))
        elif dialogue.results_are_open and (joined or membership.is_facilitator):  # dialogues.read_results
            url = reverse("dialogues:results", kwargs={"dialogue": dialogue.public_id})
            found.append(
                Ongoing(
                    _("Dialogue"),
                    dialogue.question,
                    url,
                    _("The dialogue has closed: its results are open."),
                    _("Read the results"),
                )
            )
    return found


@dataclass(frozen=True)
class AnalysisState:
    """Where the dialogue's analysis stands, for those who run the dialogue (tasks.py keeps it)."""

    computed_at: datetime.datetime | None
    waiting: bool  # changes not analysed yet
    running: bool  # a run holds the analysis now
    failures: int  # runs that failed since the last that succeeded
    next_try: datetime.datetime | None  # after a failure: when it is tried again


def analysis_state(dialogue: Dialogue) -> AnalysisState:
    row = (
        DialogueAnalysis.objects.filter(dialogue=dialogue)
        .values_list("computed_at", "dirty", "leased_until", "failures")
        .first()
    )
    if row is None:
        return AnalysisState(None, True, False, 0, None)
    computed_at, dirty, leased_until, failures = row
    held = leased_until is not None and leased_until > timezone.now()
    return AnalysisState(
        computed_at=computed_at,
        waiting=dirty,
        running=held and not failures,
        failures=failures,
        next_try=leased_until if failures and held else None,
    )
