"""Reads of rating campaigns: the organisation's campaigns, whom a campaign reaches, a personal link's invitation,
the signals a rater is asked about, how many have rated (through `tillit.privacy`), and the start page's list."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tillit.core.collation import swedish_sort_key
from tillit.organisations import personal_links, tree
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.ongoing import Ongoing
from tillit.organisations.queries import unit_parents
from tillit.privacy.suppression import HIDDEN, Cell, NotAFigure, count
from tillit.steering.models import Campaign, CampaignInvitation, CampaignSignal, Signal

__all__ = [
    "CampaignCounts",
    "Reach",
    "accepting_campaigns",
    "campaign_counts",
    "campaign_named_by",
    "campaigns_due_for_sealing",
    "campaigns_of",
    "closed_campaign_filter",
    "invitation_for_token",
    "members_reached",
    "members_to_invite",
    "ongoing_for",
    "reach_now",
    "reaches",
    "signals_to_rate",
]


# Campaigns ----------------------------------------------------------------------------------------------------------


def campaigns_of(organisation: Organisation) -> QuerySet[Campaign]:
    """Every campaign of the organisation, the latest first."""
    return Campaign.objects.filter(organisation=organisation).select_related("organisation")


def campaign_named_by(public_id: UUID) -> Campaign | None:
    """The campaign with this public id, with its organisation, or None (the rating pages, outside the door)."""
    return Campaign.objects.select_related("organisation").filter(public_id=public_id).first()


def closed_campaign_filter(today: datetime.date | None = None) -> Q:
    """The database form of `Campaign.is_closed`."""
    today = today or timezone.localdate()
    return Q(closed_at__isnull=False) | Q(opened_at__isnull=False, closes_on__lt=today)


def accepting_campaigns(today: datetime.date | None = None) -> QuerySet[Campaign]:
    """Campaigns taking ratings now (the database form of `Campaign.accepts_ratings`)."""
    today = today or timezone.localdate()
    return Campaign.objects.filter(opened_at__isnull=False, closed_at__isnull=True, opens_on__lte=today).filter(
        closes_on__gte=today
    )


def campaigns_due_for_sealing(today: datetime.date | None = None) -> QuerySet[Campaign]:
    """Closed campaigns not sealed yet: closed by a process leader when sealing failed, or past their closing date."""
    return Campaign.objects.filter(closed_campaign_filter(today), sealed_at__isnull=True).order_by("pk")


# Reach --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """The unit tree now, and the units each signal of the catalogue reaches in it (subtrees expanded)."""

    parents: Mapping[int, int | None]
    signals: Mapping[int, frozenset[int]]  # signal id -> unit ids


def reaches(reached: frozenset[int], unit_id: int | None, all_units: frozenset[int]) -> bool:
    """Whether a signal reaching `reached` reaches a rater of `unit_id`. A member placed on no unit is reached by the
    signals that reach the whole organisation (every unit of the tree)."""
    if unit_id is None:
        return reached == all_units
    return unit_id in reached


def reach_now(organisation: Organisation) -> Reach:
    """Whom each signal of the catalogue reaches in today's tree (`organisations.tree.covered`: a signal's units
    with everything below them; none chosen: every unit)."""
    parents = unit_parents(organisation)
    chosen: dict[int, set[int]] = {}
    for signal_id, unit_id in Signal.objects.filter(organisation=organisation).values_list("pk", "units"):
        units = chosen.setdefault(signal_id, set())
        if unit_id is not None:
            units.add(unit_id)
    return Reach(parents, {signal_id: tree.covered(parents, units) for signal_id, units in chosen.items()})


def members_reached(organisation: Organisation, reach: Reach) -> QuerySet[Membership]:
    """The organisation's active members whom at least one signal reaches."""
    all_units = frozenset(reach.parents)
    units = frozenset().union(*reach.signals.values()) if reach.signals else frozenset()
    placed = Q(unit_id__in=units)
    if any(reaches(reached, None, all_units) for reached in reach.signals.values()):
        placed |= Q(unit__isnull=True)
    return Membership.objects.filter(placed, organisation=organisation, user__is_active=True)


def members_to_invite(campaign: Campaign) -> int:
    """How many members opening the campaign now would e-mail."""
    reach = reach_now(campaign.organisation)
    if not reach.signals:
        return 0
    return members_reached(campaign.organisation, reach).exclude(user__email="").count()


# Rating -------------------------------------------------------------------------------------------------------------


def invitation_for_token(campaign: Campaign, token: str | None) -> CampaignInvitation | None:
    """The campaign's invitation whose personal link holds `token`, or None."""
    return personal_links.find_link(CampaignInvitation.objects.filter(campaign=campaign), token)


def signals_to_rate(campaign: Campaign, unit_id: int | None) -> list[Signal]:
    """The signals of an open campaign that reach a rater of `unit_id`, as fixed when it opened, in Swedish order,
    with their owners."""
    all_units = frozenset(int(unit) for unit in campaign.unit_parents)
    rows = CampaignSignal.objects.filter(campaign=campaign).values_list("signal_id", "reached_unit_ids")
    wanted = [signal_id for signal_id, reached in rows if reaches(frozenset(reached), unit_id, all_units)]
    signals = Signal.objects.filter(pk__in=wanted).select_related("owner")
    return sorted(signals, key=lambda signal: swedish_sort_key(signal.name))


@dataclass(frozen=True)
class CampaignCounts:
    """What a process leader sees of a campaign: never who, only how many, and those only from k on."""

    invited: NotAFigure[int]  # personal links made: the members with an address, not a count of ratings
    answered: Cell[int]
    not_answered: Cell[int]  # hidden while fewer than k have rated: invited minus it would be that count
    k: NotAFigure[int]


def campaign_counts(campaign: Campaign) -> CampaignCounts:
    """How many were invited, have rated and have not, through `privacy.count`."""
    invitations = CampaignInvitation.objects.filter(campaign=campaign)
    invited = invitations.count()
    answered = invitations.filter(answered=True).count()
    k = campaign.k
    shown = count(answered, k=k)
    waiting = invited - answered
    not_answered: Cell[int] = Cell(waiting, waiting) if answered >= k else Cell(HIDDEN, HIDDEN)
    return CampaignCounts(invited=invited, answered=shown, not_answered=not_answered, k=k)


def ongoing_for(request: HttpRequest, membership: Membership) -> list[Ongoing]:
    """The organisation's campaigns taking ratings now, for the start page (`organisations.ongoing`): about the
    campaign only, never whether the member has rated."""
    found = []
    for campaign in accepting_campaigns().filter(organisation_id=membership.organisation_id).order_by("closes_on"):
        url = reverse("steering:campaigns", kwargs={"organisation": membership.organisation.slug})
        waiting = _(
            "Those the steering signals reach rate them with the personal link in their e-mail, until %(closes)s."
        ) % {"closes": date_format(campaign.closes_on)}
        found.append(Ongoing(_("Rating of steering signals"), campaign.name, url, waiting, _("Read more")))
    return found
