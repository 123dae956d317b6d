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
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.tokens import hash_token, keyed_digest
from tillit.dialogues import reporting
from tillit.dialogues.analysis.routing import UNSEEN_PRIORITY
from tillit.dialogues.models import Dialogue, DialogueAnalysis, DialogueParticipant, Statement, Vote
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.ongoing import Ongoing
from tillit.privacy.suppression import Cell, count

FLAGGED = "flagged"  # the moderation list's filter for statements participants have reported


# Who takes part ---------------------------------------------------------------------------------------------------


def member_token_hash(dialogue: Dialogue, membership: Membership) -> str:
    """A member's key in an internal dialogue: an HMAC, so the participant row does not name the member."""
    return _member_key(dialogue.pk, membership.pk)


def _member_key(dialogue_id: int, membership_id: int) -> str:
    return keyed_digest(f"dialogue:{dialogue_id}:membership:{membership_id}").hex()


def participation_of_member(dialogue: Dialogue, membership: Membership) -> DialogueParticipant | None:
    """The member's participation in an internal dialogue, or None before they have joined."""
    token_hash = member_token_hash(dialogue, membership)
    return DialogueParticipant.objects.filter(dialogue=dialogue, token_hash=token_hash).first()


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
    return [address for pk, address in members if _member_key(dialogue.pk, pk) not in joined]


def dialogues_of(organisation: Organisation) -> QuerySet[Dialogue]:
    """The organisation's dialogues for its list, newest first, with their analysis rows."""
    return Dialogue.objects.in_organisation(organisation).select_related("analysis")


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


def moderation_queue(dialogue: Dialogue, *, status: str = "") -> QuerySet[Statement]:
    """Every statement with its flags and votes, waiting and flagged ones first; only those with `status` (a
    `Statement.Status`, or FLAGGED for those participants have reported) when one is given."""
    statements = (
        Statement.objects.filter(dialogue=dialogue)
        .annotate(flag_count=Count("flags", distinct=True), vote_count=Count("votes", distinct=True))
        .select_related("merged_into")
        .order_by("-flag_count", "number")
    )
    if status == FLAGGED:
        return statements.filter(flag_count__gt=0)
    if status:
        return statements.filter(status=status)
    return statements


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


def statement_counts(dialogue: Dialogue) -> dict[str, int | Cell[int]]:
    """How many statements there are in each state, and how many people and votes: the last two as
    `privacy.count` cells, since a count of fewer than k people is a figure about them."""
    counts: dict[str, int | Cell[int]] = dict(
        Statement.objects.filter(dialogue=dialogue).aggregate(
            pending=Count("pk", filter=Q(status=Statement.Status.PENDING)),
            accepted=Count("pk", filter=Q(status=Statement.Status.ACCEPTED)),
            rejected=Count("pk", filter=Q(status=Statement.Status.REJECTED)),
            flagged=Count("pk", filter=Q(flags__isnull=False), distinct=True),
        )
    )
    k = dialogue.anonymity_threshold
    counts["participants"] = count(DialogueParticipant.objects.filter(dialogue=dialogue).count(), k=k)
    counts["votes"] = count(Vote.objects.filter(dialogue=dialogue).count(), k=k)
    return counts


def with_vote_counts(dialogue: Dialogue, statements: Iterable[Statement]) -> list[tuple[Statement, Cell[int]]]:
    """Each statement of the moderation list with its number of votes as a `privacy.count` cell."""
    k = dialogue.anonymity_threshold
    return [(statement, count(statement.vote_count, k=k)) for statement in statements]  # type: ignore[attr-defined]  # annotated by moderation_queue


# Results ----------------------------------------------------------------------------------------------------------


def results_version(dialogue: Dialogue) -> str:
    """What the results page's poll compares: when the stored analysis was computed (one small query)."""
    computed_at = DialogueAnalysis.objects.filter(dialogue=dialogue).values_list("computed_at", flat=True).first()
    return computed_at.isoformat() if computed_at else ""


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
    found = []
    for dialogue in dialogues.order_by("closes_on", "question"):
        joined = dialogue.is_internal and participation_of_member(dialogue, membership) is not None
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
