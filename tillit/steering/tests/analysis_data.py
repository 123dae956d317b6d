"""Rows for the analysis tests, written directly with the models (the rating flow is tested on its own): signals,
a closed and sealed campaign asking about them, and ratings as sealing leaves them (no person, random ids)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from tillit.organisations import tree
from tillit.organisations.models import ActorGroup, Level, Organisation, Unit
from tillit.organisations.queries import unit_parents
from tillit.steering.models import Campaign, CampaignSignal, Kind, Owner, Rating, Signal, Source


def make_signal(
    organisation: Organisation,
    name: str,
    *,
    kind: str = Kind.RULES,
    source: str = Source.LAW,
    owner: str = "Socialstyrelsen",
    minutes: str = "30",
    occurrences: str = "12",
    people: int = 10,
    units: Sequence[Unit] = (),
) -> Signal:
    owner_row, _created = Owner.objects.get_or_create(
        organisation=organisation, name_key=owner.casefold(), defaults={"name": owner}
    )
    signal = Signal.objects.create(
        organisation=organisation,
        name=name,
        name_key=name.casefold(),
        source=source,
        kind=kind,
        owner=owner_row,
        occurrences_per_year=Decimal(occurrences),
        minutes_per_occurrence=Decimal(minutes),
        people=people,
    )
    signal.units.set(units)
    return signal


def make_campaign(
    organisation: Organisation,
    signals: Sequence[Signal],
    *,
    name: str = "Styrsignaler 2026",
    sealed: bool = True,
    k: int | None = None,
) -> Campaign:
    """A campaign that opened ten days ago and closed yesterday, sealed unless `sealed` is False (then it is still
    open)."""
    now = timezone.now()
    today = timezone.localdate()
    parents = unit_parents(organisation)
    campaign = Campaign.objects.create(
        organisation=organisation,
        name=name,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today - datetime.timedelta(days=1) if sealed else today + datetime.timedelta(days=5),
        opened_at=now - datetime.timedelta(days=10),
        closed_at=now if sealed else None,
        sealed_at=now if sealed else None,
        anonymity_threshold=k or organisation.anonymity_threshold,
        unit_parents={str(unit): parent for unit, parent in parents.items()},
    )
    for signal in signals:
        reached = tree.covered(parents, [unit.pk for unit in signal.units.all()])
        CampaignSignal.objects.create(campaign=campaign, signal=signal, reached_unit_ids=sorted(reached))
    return campaign


def rate(
    campaign: Campaign,
    signal: Signal,
    times: int,
    *,
    value: int | None = 4,
    burden: int | None = 2,
    knows: bool | None = True,
    comment: str = "",
    level: Level | None = None,
    group: ActorGroup | None = None,
) -> None:
    Rating.objects.bulk_create(
        Rating(
            campaign=campaign,
            signal=signal,
            level=level,
            actor_group=group,
            value=value,
            burden=burden,
            knows_user=knows,
            comment=comment,
        )
        for _ in range(times)
    )


def level(organisation: Organisation, rank: int) -> Level:
    return Level.objects.get(organisation=organisation, rank=rank)


def group(organisation: Organisation, key: str) -> ActorGroup:
    return ActorGroup.objects.get(organisation=organisation, key=key)
