"""Changes of the catalogue of steering signals: owners, signals, and importing many signals at once (all or none).

Every figure of burden is checked by `burden.problems` before anything is stored; a refusal is a `SteeringError`
with a Swedish message (`problem_message` says each problem in words), and nothing is stored then."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tillit.core.text import normalise_text
from tillit.organisations.models import Organisation, Unit
from tillit.steering import burden
from tillit.steering.actions.errors import SteeringError
from tillit.steering.models import CampaignSignal, Kind, Owner, Rating, Signal, Source
from tillit.workshops.queries import effects_for_signals

if TYPE_CHECKING:
    from tillit.workshops.models import Item

__all__ = [
    "NAME_MAX_LENGTH",
    "SignalDetails",
    "create_signal",
    "delete_signal",
    "import_signals",
    "name_key",
    "owner_named",
    "problem_message",
    "update_signal",
]

NAME_MAX_LENGTH = 150
USED_BY_MAX_LENGTH = 300


def name_key(name: str) -> str:
    """The form names are compared in: "Socialstyrelsen" and " socialstyrelsen" are one owner, one signal."""
    return normalise_text(name).casefold()[:NAME_MAX_LENGTH]


def _amount(value: Decimal | int) -> str:
    return str(number_format(value, use_l10n=True, force_grouping=True))


def problem_message(problem: burden.Problem) -> str:
    """What is wrong with typed figures of burden, in words (Swedish through the catalogue)."""
    match problem:
        case burden.Problem.OCCURRENCES_TOO_FEW:
            return _("Enter how many times a year it is done: at least %(least)s (once in a hundred years).") % {
                "least": _amount(burden.MIN_OCCURRENCES)
            }
        case burden.Problem.OCCURRENCES_TOO_MANY:
            return _(
                "At most %(most)s times a year for each person. For something done all the time, count a larger "
                "piece of work (a day, a week) as one time."
            ) % {"most": _amount(burden.MAX_OCCURRENCES)}
        case burden.Problem.OCCURRENCES_TOO_PRECISE:
            return _("The times a year can have at most two decimals.")
        case burden.Problem.MINUTES_TOO_FEW:
            return _("Enter the minutes it takes each time: at least %(least)s.") % {
                "least": _amount(burden.MIN_MINUTES)
            }
        case burden.Problem.MINUTES_TOO_MANY:
            return _("At most %(most)s minutes (a working week) each time. Split a larger task into several times.") % {
                "most": _amount(burden.MAX_MINUTES)
            }
        case burden.Problem.MINUTES_TOO_PRECISE:
            return _("The minutes can have at most one decimal.")
        case burden.Problem.PEOPLE_TOO_FEW:
            return _("At least one person must do it.")
        case burden.Problem.PEOPLE_TOO_MANY:
            return _("At most %(most)s people.") % {"most": _amount(burden.MAX_PEOPLE)}
        case burden.Problem.MORE_THAN_A_WORKING_YEAR:
            return _(
                "That is more than a working year (%(most)s hours) for each person who does it. Check the minutes "
                "and the times a year: the times are counted for each person."
            ) % {"most": _amount(burden.WORKING_YEAR_HOURS)}
    raise AssertionError(problem)  # pragma: no cover - every problem is named above


@dataclass(frozen=True)
class SignalDetails:
    """Everything a signal is made of, checked by `_checked` before it is stored."""

    name: str
    source: str
    kind: str
    owner_name: str
    occurrences_per_year: Decimal
    minutes_per_occurrence: Decimal
    people: int
    description: str = ""
    task: str = ""
    result_used_by: str = ""
    units: tuple[Unit, ...] = ()
    effects: tuple[Item, ...] = ()


def _checked(organisation: Organisation, details: SignalDetails, *, effect_ids: set[int] | None = None) -> None:
    name = normalise_text(details.name)
    if not name:
        raise SteeringError(_("The signal's name is missing."))
    if len(name) > NAME_MAX_LENGTH:
        raise SteeringError(_("The signal's name is longer than %(most)s characters.") % {"most": NAME_MAX_LENGTH})
    if details.source not in Source.values:
        raise SteeringError(_("Choose where the signal comes from."))
    if details.kind not in Kind.values:
        raise SteeringError(_("Choose the kind of steering."))
    if len(details.result_used_by) > USED_BY_MAX_LENGTH:
        raise SteeringError(
            _("“Who uses the result” is longer than %(most)s characters.") % {"most": USED_BY_MAX_LENGTH}
        )
    found = burden.problems(details.minutes_per_occurrence, details.occurrences_per_year, details.people)
    if found:
        raise SteeringError([problem_message(problem) for problem in found])
    if any(unit.organisation_id != organisation.pk for unit in details.units):
        raise SteeringError(_("A signal can only reach the organisation's own units."))
    if details.effects:
        allowed = effect_ids if effect_ids is not None else _effect_ids(organisation)
        if any(effect.pk not in allowed for effect in details.effects):
            raise SteeringError(_("A signal can only serve the effects of the organisation's own workshops."))


def _effect_ids(organisation: Organisation) -> set[int]:
    return {card.pk for _workshop, cards in effects_for_signals(organisation) for card in cards}


def _owner(organisation: Organisation, name: str) -> Owner:
    cleaned = normalise_text(name)
    if not cleaned:
        raise SteeringError(_("The owner's name is missing: who can change the signal?"))
    if len(cleaned) > NAME_MAX_LENGTH:
        raise SteeringError(_("The owner's name is longer than %(most)s characters.") % {"most": NAME_MAX_LENGTH})
    owner, _created = Owner.objects.get_or_create(
        organisation=organisation, name_key=name_key(cleaned), defaults={"name": cleaned}
    )
    return owner


def owner_named(*, organisation: Organisation, name: str) -> Owner:
    """The organisation's owner of this name (case and spacing aside), created when there is none."""
    try:
        with transaction.atomic():
            return _owner(organisation, name)
    except IntegrityError:  # created at the same moment by another request: it exists now
        return Owner.objects.get(organisation=organisation, name_key=name_key(name))


def _name_taken(organisation: Organisation, name: str, *, besides: Signal | None = None) -> bool:
    found = Signal.objects.filter(organisation=organisation, name_key=name_key(name))
    if besides is not None:
        found = found.exclude(pk=besides.pk)
    return found.exists()


def _taken_message(name: str) -> str:
    return _("A signal named “%(name)s” is already in the catalogue.") % {"name": normalise_text(name)}


def _store(signal: Signal, details: SignalDetails, owner: Owner) -> None:
    signal.name = normalise_text(details.name)
    signal.name_key = name_key(details.name)
    signal.source = details.source
    signal.kind = details.kind
    signal.owner = owner
    signal.description = details.description.strip()
    signal.task = details.task.strip()
    signal.result_used_by = normalise_text(details.result_used_by)
    signal.occurrences_per_year = details.occurrences_per_year
    signal.minutes_per_occurrence = details.minutes_per_occurrence
    signal.people = details.people


def create_signal(
    *,
    organisation: Organisation,
    name: str,
    source: str,
    kind: str,
    owner_name: str,
    occurrences_per_year: Decimal,
    minutes_per_occurrence: Decimal,
    people: int,
    description: str = "",
    task: str = "",
    result_used_by: str = "",
    units: Iterable[Unit] = (),
    effects: Iterable[Item] = (),
) -> Signal:
    """A new signal of the catalogue, with its owner (created when new), the units it reaches and the effects it is
    meant to serve."""
    details = SignalDetails(
        name=name,
        source=source,
        kind=kind,
        owner_name=owner_name,
        occurrences_per_year=occurrences_per_year,
        minutes_per_occurrence=minutes_per_occurrence,
        people=people,
        description=description,
        task=task,
        result_used_by=result_used_by,
        units=tuple(units),
        effects=tuple(effects),
    )
    _checked(organisation, details)
    try:
        with transaction.atomic():
            if _name_taken(organisation, name):
                raise SteeringError(_taken_message(name))
            signal = Signal(organisation=organisation)
            _store(signal, details, _owner(organisation, owner_name))
            signal.save()
            signal.units.set(details.units)
            signal.effects.set(details.effects)
    except IntegrityError:  # the same name stored at the same moment
        raise SteeringError(_taken_message(name)) from None
    return signal


def update_signal(
    *,
    signal: Signal,
    name: str,
    source: str,
    kind: str,
    owner_name: str,
    occurrences_per_year: Decimal,
    minutes_per_occurrence: Decimal,
    people: int,
    description: str = "",
    task: str = "",
    result_used_by: str = "",
    units: Iterable[Unit] = (),
    effects: Iterable[Item] = (),
) -> Signal:
    """The signal changed to these details. Campaigns already opened keep the units it reached then
    (`CampaignSignal`)."""
    organisation = signal.organisation
    details = SignalDetails(
        name=name,
        source=source,
        kind=kind,
        owner_name=owner_name,
        occurrences_per_year=occurrences_per_year,
        minutes_per_occurrence=minutes_per_occurrence,
        people=people,
        description=description,
        task=task,
        result_used_by=result_used_by,
        units=tuple(units),
        effects=tuple(effects),
    )
    _checked(organisation, details)
    try:
        with transaction.atomic():
            locked = Signal.objects.select_for_update().get(pk=signal.pk)
            if _name_taken(organisation, name, besides=locked):
                raise SteeringError(_taken_message(name))
            _store(locked, details, _owner(organisation, owner_name))
            locked.save()
            locked.units.set(details.units)
            locked.effects.set(details.effects)
    except IntegrityError:
        raise SteeringError(_taken_message(name)) from None
    return locked


def delete_signal(*, signal: Signal) -> None:
    """The signal removed from the catalogue, unless a campaign has rated it or is asking about it now: its ratings
    are part of that campaign's analysis (the same for a campaign that has opened: it asks about it). Tidstjuvar linked to it keep their text and lose the link."""
    with transaction.atomic():
        locked = Signal.objects.select_for_update().get(pk=signal.pk)
        if Rating.objects.filter(signal=locked).exists():
            raise SteeringError(
                _(
                    "The signal has been rated in a campaign and cannot be deleted: its ratings are part of the "
                    "campaign's analysis. Change it instead."
                )
            )
        if CampaignSignal.objects.filter(signal=locked, campaign__opened_at__isnull=False).exists():
            raise SteeringError(
                _(
                    "The signal is part of a campaign that has opened and cannot be deleted: the campaign asks "
                    "about it, and its analysis counts it. Change it instead."
                )
            )
        locked.delete()


def import_signals(*, organisation: Organisation, rows: Sequence[SignalDetails]) -> list[Signal]:
    """Every row added to the catalogue, or none: one transaction; any row refused (a name already in the catalogue
    or twice in the rows, a figure out of bounds, another organisation's unit) refuses them all."""
    if not rows:
        raise SteeringError(_("There is nothing to import."))
    effect_ids = _effect_ids(organisation) if any(row.effects for row in rows) else set()
    seen: set[str] = set()
    for row in rows:
        _checked(organisation, row, effect_ids=effect_ids)
        key = name_key(row.name)
        if key in seen:
            raise SteeringError(_("The name “%(name)s” appears more than once.") % {"name": normalise_text(row.name)})
        seen.add(key)
    try:
        with transaction.atomic():
            taken = set(
                Signal.objects.filter(organisation=organisation, name_key__in=seen).values_list("name", flat=True)
            )
            if taken:
                raise SteeringError(_taken_message(sorted(taken)[0]))
            owners = {owner.name_key: owner for owner in Owner.objects.filter(organisation=organisation)}
            for row in rows:
                key = name_key(row.owner_name)
                if key not in owners:
                    owners[key] = _owner(organisation, row.owner_name)
            signals = []
            for row in rows:
                signal = Signal(organisation=organisation)
                _store(signal, row, owners[name_key(row.owner_name)])
                signals.append(signal)
            Signal.objects.bulk_create(signals)  # PostgreSQL and SQLite return the new ids
            Signal.units.through.objects.bulk_create(
                [
                    Signal.units.through(signal_id=signal.pk, unit_id=unit.pk)
                    for signal, row in zip(signals, rows, strict=True)
                    for unit in dict.fromkeys(row.units)
                ]
            )
            Signal.effects.through.objects.bulk_create(
                [
                    Signal.effects.through(signal_id=signal.pk, item_id=effect.pk)
                    for signal, row in zip(signals, rows, strict=True)
                    for effect in dict.fromkeys(row.effects)
                ]
            )
    except IntegrityError:
        raise SteeringError(
            _("Something in the catalogue changed while importing; nothing was imported. Check the file again.")
        ) from None
    return signals
