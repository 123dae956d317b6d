"""Reads of the barometer that pages, reports, exports and other parts need. None of them writes.

The answers a report reads are aggregated here (`report_answers`, `open_answer_writers`, `population_by_cell`), so
that `reporting` computes from plain numbers; the unit tree a round was fixed with is `Round.parents()`, walked with
`tillit.organisations.tree`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

import numpy as np
import rules
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.barometer.models import (
    DONT_KNOW_BYTE,
    Instrument,
    Invitation,
    Item,
    OpenAnswer,
    PendingResponse,
    PopulationCount,
    PreparedExport,
    Response,
    Round,
)
from tillit.barometer.tally import VALUES
from tillit.organisations import personal_links, tree
from tillit.organisations.door import Access
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit
from tillit.organisations.ongoing import Ongoing
from tillit.organisations.queries import unit_tree

TOKEN_MAX_LENGTH = personal_links.TOKEN_MAX_LENGTH

Atom = tuple[int | None, int | None, int | None]  # unit, level, actor group


# Rounds ---------------------------------------------------------------------------------------------------------


def round_named_by(public_id: UUID) -> Round | None:
    """The round with this public id, with its organisation and questionnaire, or None."""
    return Round.objects.select_related("organisation", "instrument").filter(public_id=public_id).first()


def closed_filter(today: datetime.date | None = None) -> Q:
    """The database form of `Round.is_closed`: closed by a process leader, or launched and past its closing date."""
    today = today or timezone.localdate()
    return Q(closed_at__isnull=False) | Q(opened_at__isnull=False, closes_on__lt=today)


def accepting_filter(today: datetime.date | None = None) -> Q:
    """The database form of `Round.accepts_answers`."""
    today = today or timezone.localdate()
    return Q(opened_at__isnull=False, closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today)


def rounds_of(organisation: Organisation) -> QuerySet[Round]:
    """Every round of the organisation, newest first."""
    return Round.objects.in_organisation(organisation).select_related("organisation", "instrument")


def closed_rounds_of(organisation: Organisation) -> QuerySet[Round]:
    """The organisation's closed rounds: those whose results are open or being prepared."""
    return rounds_of(organisation).filter(closed_filter())


def accepting_rounds_of(organisation: Organisation) -> QuerySet[Round]:
    """The organisation's rounds that take answers today."""
    return rounds_of(organisation).filter(accepting_filter())


def open_or_closed_rounds_of(organisation: Organisation) -> QuerySet[Round]:
    """The organisation's rounds that take answers today or have closed: what a member who runs none of them sees."""
    return rounds_of(organisation).filter(accepting_filter() | closed_filter())


def previous_round(round: Round) -> Round | None:
    """The organisation's last round before this one whose results are open (closed and sealed), for the trend."""
    return (
        Round.objects.filter(
            organisation_id=round.organisation_id, sealed_at__isnull=False, opens_on__lt=round.opens_on
        )
        .filter(closed_filter())
        .exclude(pk=round.pk)
        .select_related("organisation", "instrument")
        .order_by("-opens_on", "-pk")
        .first()
    )


def rounds_due_for_sealing(today: datetime.date | None = None) -> QuerySet[Round]:
    """Closed rounds whose answers are not sealed yet: those a process leader closed, when sealing failed, and
    those whose closing date has passed without anyone closing them."""
    return Round.objects.filter(closed_filter(today), sealed_at__isnull=True).order_by("pk")


# Participation: counts a process leader sees while a round runs ---------------------------------------------------


def members_in_population(round: Round) -> QuerySet[Membership]:
    """The members a round counts in its population and invites: the active members placed in the units it covers,
    or every active member when it covers the whole organisation (members placed on no unit included)."""
    members = Membership.objects.filter(organisation_id=round.organisation_id, user__is_active=True)
    if round.covers_everyone:
        return members
    return members.filter(unit_id__in=round.covered_unit_ids())


def members_to_invite(round: Round) -> int:
    """How many members opening the round would e-mail (active, with an e-mail address, in the units it covers)."""
    return members_in_population(round).exclude(user__email="").count()


def covered_unit_paths(round: Round) -> list[str]:
    """The units chosen for the round, by their full paths in tree order ("Socialförvaltningen / Hemtjänst
    Norr"), each standing for itself and everything below it; empty when the round covers the whole organisation."""
    chosen = round.chosen_unit_ids()
    if not chosen:
        return []
    return [node.path for node in unit_tree(round.organisation, include_closed=True) if node.unit.pk in chosen]


def invitations_sent(round: Round) -> int:
    """How many personal links were e-mailed."""
    return Invitation.objects.filter(round=round, sent_at__isnull=False).count()


@dataclass(frozen=True)
class InvitationCounts:
    answered: int
    waiting: int


def invitation_counts(round: Round) -> InvitationCounts:
    """How many invitations were answered and how many were not, in one query."""
    counts = Invitation.objects.filter(round=round).aggregate(
        answered_count=Count("pk", filter=Q(answered=True)), waiting_count=Count("pk", filter=Q(answered=False))
    )
    return InvitationCounts(counts["answered_count"], counts["waiting_count"])


def respondent_count(round: Round) -> int:
    """How many have answered: the responses, and those still waiting in the inbox to be mixed in."""
    return round.response_count()


# Answering ------------------------------------------------------------------------------------------------------


def invitation_for_token(round: Round, token: str | None) -> Invitation | None:
    """The round's invitation whose personal link holds `token`, or None."""
    return personal_links.find_link(Invitation.objects.filter(round=round), token)


def has_personal_link(round: Round, user: User | AnonymousUser) -> bool:
    """Whether the signed-in person was invited to the round with a personal link."""
    if not isinstance(user, User):
        return False
    return Invitation.objects.filter(round=round, membership__user=user).exists()


def population_of(round: Round, unit: Unit) -> int:
    """How many members the unit had when the round opened."""
    return sum(PopulationCount.objects.filter(round=round, unit=unit).values_list("count", flat=True))


def responses_in(round: Round, unit: Unit) -> int:
    """How many responses name the unit, through every link, those in the inbox included."""
    return (
        Response.objects.filter(round=round, unit=unit).count()
        + PendingResponse.objects.filter(round=round, unit=unit).count()
    )


def questionnaire_items(round: Round) -> list[Item]:
    """The round's questions, in the questionnaire's order."""
    return list(round.instrument.items.all())


# The questionnaire ----------------------------------------------------------------------------------------------


def newest_instrument(organisation: Organisation) -> Instrument | None:
    """The organisation's newest questionnaire version, or None before the first."""
    return Instrument.objects.filter(organisation=organisation).order_by("-version").first()


def item_codes(instrument: Instrument) -> set[str]:
    return set(instrument.items.values_list("code", flat=True))


def has_references(instrument: Instrument) -> bool:
    """Whether an item of the version has a national reference figure."""
    return instrument.items.filter(reference_share__isnull=False).exists()


def rounds_using(instrument: Instrument) -> QuerySet[Round]:
    """The rounds that opened with this version, oldest first."""
    return instrument.rounds.filter(opened_at__isnull=False).order_by("opens_on")


def item_of_questionnaire(organisation: Organisation, instrument: Instrument, item_id: int) -> Item | None:
    """An item of the organisation's current questionnaire version; None for anything else."""
    return Item.objects.filter(pk=item_id, instrument=instrument, instrument__organisation=organisation).first()


# Reports: the answers of a round, aggregated ----------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerCounts:
    """A round's scale answers by atom (unit, level, actor group): how many responded, how many of them through the
    open link, and an items × values array of answer counts (1–5, "vet ej")."""

    respondents: dict[Atom, int]
    unverified: dict[Atom, int]
    counts: dict[Atom, np.ndarray]


def report_answers(round: Round, item_count: int) -> AnswerCounts:
    """The round's responses counted per atom. Reads one short row per response (`Response.scale_answers`) and
    counts with NumPy."""
    rows = Response.objects.filter(round=round).values_list(
        "unit_id", "level_id", "actor_group_id", "verified", "scale_answers"
    )
    atom_of: dict[Atom, int] = {}
    positions: list[int] = []
    packed: list[bytes] = []
    unverified: dict[Atom, int] = defaultdict(int)
    for unit, level, group, verified, answers in rows.order_by().iterator(chunk_size=5000):
        positions.append(atom_of.setdefault((unit, level, group), len(atom_of)))
        packed.append(bytes(answers).ljust(item_count, b"\0")[:item_count])
        if not verified:
            unverified[(unit, level, group)] += 1
    if not atom_of:
        return AnswerCounts({}, {}, {})
    atom = np.array(positions)
    values = np.frombuffer(b"".join(packed), dtype=np.uint8).reshape(len(positions), item_count).astype(np.int64)
    if values.max(initial=0) > DONT_KNOW_BYTE:
        raise ValueError(f"A stored answer of round {round.pk} is off the scale.")
    # Bins per atom and item: 0 not answered, 1–5, 6 "vet ej"; the first is dropped.
    bins = (atom[:, None] * item_count + np.arange(item_count)[None, :]) * (VALUES + 1) + values
    counted = np.bincount(bins.ravel(), minlength=len(atom_of) * item_count * (VALUES + 1))
    counted = counted.reshape(len(atom_of), item_count, VALUES + 1)[:, :, 1:].astype(float)
    respondents = dict(zip(atom_of, np.bincount(atom).tolist(), strict=True))
    return AnswerCounts(respondents, dict(unverified), {key: counted[index] for key, index in atom_of.items()})


Writers = dict[int, dict[int | None, int]]  # per open question, per unit: how many wrote an answer


def open_answer_writers(round: Round) -> tuple[Writers, Writers]:
    """Per open question and unit, how many wrote an answer, and how many of them through the open link."""
    writers: Writers = defaultdict(dict)
    unverified: Writers = defaultdict(dict)
    rows = (
        OpenAnswer.objects.filter(response__round=round)
        .values("item_id", "response__unit_id", "response__verified")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        item, unit, n = row["item_id"], row["response__unit_id"], row["n"]
        writers[item][unit] = writers[item].get(unit, 0) + n
        if not row["response__verified"]:
            unverified[item][unit] = unverified[item].get(unit, 0) + n
    return dict(writers), dict(unverified)


def population_counts(round: Round) -> list[tuple[int | None, int | None, int | None, int]]:
    """The population snapshot at opening: members per unit, level and actor group."""
    return list(
        PopulationCount.objects.filter(round=round).values_list("unit_id", "level_id", "actor_group_id", "count")
    )


def open_answer_texts(round: Round, item_ids: Collection[int], unit_id: int | None = None) -> dict[int, list[str]]:
    """The answers to the open questions `item_ids`: of the whole organisation (`unit_id` None) or of a unit with
    everything below it in the tree the round opened with. Alphabetical, never in the order they were written.
    The caller has decided that they may be read there."""
    if not item_ids:
        return {}
    answers = OpenAnswer.objects.filter(response__round=round, item_id__in=item_ids)
    if unit_id is not None:
        answers = answers.filter(response__unit_id__in=tree.subtree(unit_id, round.parents()))
    found: dict[int, list[str]] = {item: [] for item in item_ids}
    for item_id, text in answers.values_list("item_id", "text"):
        found[item_id].append(text)
    return {item_id: sorted(texts, key=str.casefold) for item_id, texts in found.items()}


# The organisation's groups, as a report lists them ------------------------------------------------------------------


def levels_of(organisation: Organisation) -> QuerySet[Level]:
    return Level.objects.in_organisation(organisation).order_by("rank", "name")


def actor_groups_of(organisation: Organisation) -> QuerySet[ActorGroup]:
    return ActorGroup.objects.in_organisation(organisation).order_by("position", "name")


def level_named_by(organisation: Organisation, public_id: UUID) -> Level | None:
    return Level.objects.in_organisation(organisation).filter(public_id=public_id).first()


def actor_group_named_by(organisation: Organisation, public_id: UUID) -> ActorGroup | None:
    return ActorGroup.objects.in_organisation(organisation).filter(public_id=public_id).first()


@dataclass(frozen=True)
class ReportUnit:
    pk: int
    public_id: UUID
    name: str
    parent_id: int | None
    closed_at: datetime.datetime | None


def report_units(organisation: Organisation) -> list[ReportUnit]:
    """Every unit of the organisation, closed ones too, with what a report's navigation needs."""
    rows = Unit.objects.in_organisation(organisation).values_list("pk", "public_id", "name", "parent_id", "closed_at")
    return [ReportUnit(*row) for row in rows]


# The member's start page ----------------------------------------------------------------------------------------

RESULTS_LISTED_FOR = datetime.timedelta(days=30)  # how long after its results open a round stays on the start page


def ongoing_for(request: HttpRequest, membership: Membership) -> list[Ongoing]:
    """What waits for the member in the organisation's barometer: the start page's list
    (`tillit.organisations.ongoing`).

    A round taking answers is listed with the member's own personal link while their invitation is not answered: the
    member sees this about themselves only, and nothing here tells anyone else who has answered. A round whose
    results opened in the last 30 days is listed when the member may read some of them (`barometer.read_results`).
    """
    from tillit.barometer.actions.rounds import invitation_token  # actions read queries: imported when called
    from tillit.barometer.permissions import READ_RESULTS

    found = []
    invitations = (
        Invitation.objects.filter(
            membership=membership,
            answered=False,
            round__in=Round.objects.filter(accepting_filter(), organisation_id=membership.organisation_id),
        )
        .select_related("round")
        .order_by("round__closes_on", "round__name")
    )
    for invitation in invitations:
        round = invitation.round
        link = reverse("barometer:respond", args=[round.public_id, invitation_token(invitation)])
        waiting = _("Answer the barometer with your personal link; it is open until %(closes)s.") % {
            "closes": date_format(round.closes_on)
        }
        found.append(Ongoing(_("Barometer round"), round.name, link, waiting, _("Answer"), True))
    since = timezone.now() - RESULTS_LISTED_FOR
    closed = Round.objects.filter(closed_filter(), organisation_id=membership.organisation_id, sealed_at__gte=since)
    for round in closed.select_related("organisation").order_by("-sealed_at"):
        access = Access(request, round, round.organisation, membership)
        if round.results_open and rules.has_perm(READ_RESULTS, access):
            url = reverse("barometer:report", kwargs={"round": round.public_id})
            found.append(
                Ongoing(_("Barometer round"), round.name, url, _("The results are open."), _("Read the results"))
            )
    return found


def prepared_export(round: Round, kind: str, scope: str, language: str) -> PreparedExport | None:
    """The results file prepared for this scope of readers and language, whatever its state."""
    return PreparedExport.objects.filter(round=round, kind=kind, scope=scope, language=language).first()
