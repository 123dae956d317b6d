"""Reads of tidstjuvar: the members' results (what became of them, never who reported them), the process leaders'
triage list, and the choices of the report form.

**Counts of tidstjuvar are not figures about people.** A tidstjuv is a report, not an answer: one person may
report many and a report says nothing of how anyone rated anything, the reporter is never shown to members, and
every member reads each decided report in full on the same page, with its status. Counting them tells nothing the
list does not, so the counts by status and the hours freed (an estimate typed by a process leader) are declared
`NotAFigure`, as Brukarrösten's counts of suggestions are, not passed through `privacy.count`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from tillit.core.collation import SwedishCollate
from tillit.organisations.models import Organisation, Unit
from tillit.privacy.identifying import Flag, flag_identifying_details
from tillit.privacy.suppression import NotAFigure
from tillit.steering import burden, triage
from tillit.steering.models import Owner, Signal, TimeThief

__all__ = [
    "OwnerRow",
    "ThiefSummary",
    "decided_time_thieves",
    "escalated_to",
    "identifying_details_of",
    "owners_overview",
    "signals_of_owner",
    "signals_to_link",
    "thief_summary",
    "time_thieves_to_triage",
    "units_to_choose",
]


@dataclass(frozen=True)
class ThiefSummary:
    """What the members' page sums up: the hours freed a year (estimate) and how many reports are in each
    status (see the module docstring for why these are not figures about people)."""

    hours_freed: NotAFigure[Decimal]
    by_status: dict[str, NotAFigure[int]]
    reported: NotAFigure[int]

    @property
    def shown_hours(self) -> burden.Shown:
        return burden.display(self.hours_freed)

    @property
    def decided(self) -> NotAFigure[int]:
        return sum(count for status, count in self.by_status.items() if status != triage.PENDING)


def thief_summary(organisation: Organisation) -> ThiefSummary:
    counts: dict[str, int] = dict.fromkeys(triage.STATUSES, 0)
    hours: list[Decimal] = []
    grouped = (
        TimeThief.objects.filter(organisation=organisation)
        .order_by()
        .values("status")
        .annotate(hours=Sum("hours_freed"), number=Count("pk"))
    )
    for row in grouped:
        counts[row["status"]] = row["number"]
        hours.append(row["hours"] or Decimal(0))
    return ThiefSummary(hours_freed=burden.total(hours), by_status=counts, reported=sum(counts.values()))


def decided_time_thieves(organisation: Organisation) -> QuerySet[TimeThief]:
    """The decided and escalated tidstjuvar, newest decision first, with their signal and owner: what the members'
    page lists. Who reported them is not read."""
    return (
        TimeThief.objects.filter(organisation=organisation)
        .exclude(status=TimeThief.Status.PENDING)
        .select_related("signal", "owner", "unit")
        .defer("reported_by")
        .order_by("-decided_on", "-reported_on", SwedishCollate("title"), "pk")
    )


def time_thieves_to_triage(organisation: Organisation, status: str = "") -> QuerySet[TimeThief]:
    """Every tidstjuv of the organisation in `status` ("": all), oldest pending first, for process leaders."""
    found = TimeThief.objects.filter(organisation=organisation).select_related("signal", "owner", "unit")
    if status:
        found = found.filter(status=status)
    return found.order_by("reported_on", SwedishCollate("title"), "pk")


def identifying_details_of(thief: TimeThief) -> list[Flag]:
    """Likely names and addresses in a tidstjuv's texts, for the process leader to check before sharing it."""
    return [*flag_identifying_details(thief.title), *flag_identifying_details(thief.description)]


def signals_to_link(organisation: Organisation) -> QuerySet[Signal]:
    """The catalogue's signals a tidstjuv may be about, in Swedish order."""
    return Signal.objects.filter(organisation=organisation).select_related("owner").order_by(SwedishCollate("name"))


def units_to_choose(organisation: Organisation) -> QuerySet[Unit]:
    """The open units a tidstjuv may be reported from, in Swedish order."""
    return Unit.objects.filter(organisation=organisation, closed_at__isnull=True).order_by(SwedishCollate("name"))


# Owners and lärande tillsyn ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerRow:
    """An owner in the owners' list: their signals' hours a year (estimate) and what is escalated to them."""

    owner: Owner
    signals: NotAFigure[int]
    hours: NotAFigure[Decimal]
    escalated: NotAFigure[int]

    @property
    def shown_hours(self) -> burden.Shown:
        return burden.display(self.hours)


def owners_overview(organisation: Organisation) -> list[OwnerRow]:
    """Every owner of the organisation in Swedish order, with the hours of their signals and the number of
    tidstjuvar escalated to them (two queries)."""
    owners = list(
        Owner.objects.filter(organisation=organisation)
        .annotate(escalated=Count("time_thieves", filter=Q(time_thieves__status=TimeThief.Status.ESCALATED)))
        .order_by(SwedishCollate("name"), "pk")
    )
    hours: dict[int, list[Decimal]] = {}
    for owner_id, minutes, occurrences, people in Signal.objects.filter(organisation=organisation).values_list(
        "owner_id", "minutes_per_occurrence", "occurrences_per_year", "people"
    ):
        hours.setdefault(owner_id, []).append(burden.hours_per_year(minutes, occurrences, people))
    return [
        OwnerRow(
            owner=owner,
            signals=len(hours.get(owner.pk, [])),
            hours=burden.total(hours.get(owner.pk, [])),
            escalated=owner.escalated,
        )
        for owner in owners
    ]


def escalated_to(owner: Owner) -> QuerySet[TimeThief]:
    """The tidstjuvar escalated to `owner` and waiting for their answer, oldest first, with their signal."""
    return (
        TimeThief.objects.filter(owner=owner, status=TimeThief.Status.ESCALATED)
        .select_related("signal__owner")
        .defer("reported_by")
        .order_by("decided_on", "reported_on", SwedishCollate("title"), "pk")
    )


def signals_of_owner(owner: Owner) -> QuerySet[Signal]:
    """The owner's signals, in Swedish order."""
    return Signal.objects.filter(owner=owner).select_related("owner").order_by(SwedishCollate("name"), "pk")
