"""Rows the tidstjuv and owner tests build directly (the catalogue's own actions are tested by its tests)."""

from __future__ import annotations

from decimal import Decimal

from tillit.organisations.models import Organisation
from tillit.steering.models import Owner, Signal, Source


def owner(organisation: Organisation, name: str = "Socialstyrelsen") -> Owner:
    found, _created = Owner.objects.get_or_create(
        organisation=organisation, name_key=name.casefold(), defaults={"name": name}
    )
    return found


def signal(
    organisation: Organisation,
    name: str = "Kvalitetsregister",
    *,
    owned_by: str = "Socialstyrelsen",
    minutes: str = "12",
    times: str = "52",
    people: int = 30,
) -> Signal:
    return Signal.objects.create(
        organisation=organisation,
        name=name,
        name_key=name.casefold(),
        source=Source.DATA_COLLECTION,
        kind="performance",
        owner=owner(organisation, owned_by),
        task="Rapportera varje vecka",
        occurrences_per_year=Decimal(times),
        minutes_per_occurrence=Decimal(minutes),
        people=people,
    )
