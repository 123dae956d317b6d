"""Reads of the catalogue of steering signals: the signals and owners of an organisation, a signal's reach in the
unit tree, and its hours as the Standard Cost Model's arithmetic (always an estimate)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from tillit.core.collation import SwedishCollate
from tillit.organisations.models import Membership, Organisation, Unit
from tillit.privacy.suppression import NotAFigure
from tillit.steering import burden
from tillit.steering.models import CampaignSignal, Owner, Rating, Signal
from tillit.workshops import queries as workshop_queries

if TYPE_CHECKING:
    from tillit.workshops.models import Item

__all__ = [
    "Arithmetic",
    "arithmetic_of",
    "effects_of",
    "filtered_signals",
    "owners_of",
    "signal_in_use",
    "signals_of",
]


def signals_of(organisation: Organisation) -> QuerySet[Signal]:
    """The organisation's signals in Swedish order, each with its owner and the units it reaches (in one more
    query)."""
    return (
        Signal.objects.filter(organisation=organisation)
        .select_related("owner")
        .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by(SwedishCollate("name"))))
        .order_by(SwedishCollate("name"), "pk")
    )


def filtered_signals(
    organisation: Organisation, *, kind: str = "", source: str = "", owner: Owner | None = None
) -> QuerySet[Signal]:
    """`signals_of`, only those of this kind, source and owner (each when given)."""
    found = signals_of(organisation)
    if kind:
        found = found.filter(kind=kind)
    if source:
        found = found.filter(source=source)
    if owner is not None:
        found = found.filter(owner=owner)
    return found


def owners_of(organisation: Organisation) -> QuerySet[Owner]:
    """The organisation's owners (who can change a signal) in Swedish order."""
    return Owner.objects.filter(organisation=organisation).order_by(SwedishCollate("name"), "pk")


@dataclass(frozen=True)
class Arithmetic:
    """A signal's hours a year as the Standard Cost Model works them out: minutes × times × people = hours (an
    estimate: the figures are typed by process leaders, not measured)."""

    minutes: NotAFigure[Decimal]
    times: NotAFigure[Decimal]
    people: NotAFigure[int]
    hours: burden.Shown

    @property
    def total_minutes(self) -> NotAFigure[Decimal]:
        return self.minutes * self.times * self.people


def _plain(number: Decimal) -> Decimal:
    """The number without trailing zeros and without an exponent (52.00 → 52, 7.50 → 7.5, 100 stays 100)."""
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def arithmetic_of(signal: Signal) -> Arithmetic:
    return Arithmetic(
        minutes=_plain(signal.minutes_per_occurrence),
        times=_plain(signal.occurrences_per_year),
        people=signal.people,
        hours=burden.display(signal.hours_per_year),
    )


def effects_of(signal: Signal, membership: Membership | None, *, all_of_them: bool) -> list[Item]:
    """The workshop effects the signal is meant to serve, with their workshops: all of them (for process leaders),
    else those of the workshops `membership` takes part in, since a workshop's cards are its participants' to read."""
    effects = signal.effects.select_related("workshop")
    if not all_of_them:
        readable = workshop_queries.workshops_of(signal.organisation, membership, all_of_them=False)
        effects = effects.filter(workshop__in=readable.values("pk"))
    return list(effects.order_by("workshop__title", "position", "pk"))


def signal_in_use(signal: Signal) -> bool:
    """Whether a campaign has rated the signal or has opened asking about it (it cannot be deleted then)."""
    return (
        Rating.objects.filter(signal=signal).exists()
        or CampaignSignal.objects.filter(signal=signal, campaign__opened_at__isnull=False).exists()
    )
