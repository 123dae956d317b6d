"""Changes of the questionnaire (enkäten): versions, the item bank's blocks and the organisation's own items.

A version is frozen when a round opens with it; a change after that is made in a new draft version copied from it,
so a round always keeps the questions it asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tillit.barometer import queries
from tillit.barometer.actions.errors import BarometerError
from tillit.barometer.bank import DEFAULT_ITEMS, BankItem, validated_block
from tillit.barometer.models import Instrument, Item
from tillit.core.text import normalise_text
from tillit.organisations.models import Organisation

ITEM_CONTENT = ("code", "theme", "kind", "origin", "text_sv", "text_en", "reference_share", "reference_source")


def current_instrument(organisation: Organisation) -> Instrument:
    """The organisation's newest questionnaire version; the item bank's default, stored as version 1, if it has none
    (so that its items can be removed by their address like any other). Two first calls at the same moment store
    one version 1 (a constraint): the later one reads it."""
    instrument = queries.newest_instrument(organisation)
    if instrument is not None:
        return instrument
    try:
        with transaction.atomic():
            instrument = Instrument.objects.create(organisation=organisation, version=1)
            _add_bank_items(instrument, DEFAULT_ITEMS)
    except IntegrityError:
        return Instrument.objects.get(organisation=organisation, version=1)  # the other call's
    return instrument


def editable_instrument(organisation: Organisation) -> Instrument:
    """The version to edit: the newest if it is still a draft, else a new draft copied from it."""
    with transaction.atomic():
        latest = current_instrument(organisation)
        latest = Instrument.objects.select_for_update().get(pk=latest.pk)
        if not latest.is_frozen:
            return latest
        draft = Instrument.objects.create(organisation=organisation, version=latest.version + 1)
        Item.objects.bulk_create(_item_like(item, draft, item.position) for item in latest.items.all())
        return draft


def _item_like(source: Item | BankItem, instrument: Instrument, position: int) -> Item:
    """A new item of `instrument` with the content of a bank item or of an earlier version's item."""
    return Item(instrument=instrument, position=position, **{name: getattr(source, name) for name in ITEM_CONTENT})


def _add_bank_items(instrument: Instrument, items: Iterable[BankItem]) -> list[Item]:
    start = (instrument.items.aggregate(last=Max("position"))["last"] or 0) + 1
    return Item.objects.bulk_create(_item_like(item, instrument, start + offset) for offset, item in enumerate(items))


def _check_editable(instrument: Instrument) -> None:
    if instrument.is_frozen:
        raise BarometerError(_("This version of the questionnaire is in use by a round and can no longer change."))


@transaction.atomic
def add_validated_block(*, instrument: Instrument, key: str) -> list[Item]:
    """Add a validated block's items to a draft version; BarometerError if it is frozen or has the block."""
    _check_editable(instrument)
    block = validated_block(key)
    if queries.item_codes(instrument) & {item.code for item in block.items}:
        raise BarometerError(_("The questionnaire already has this block."))
    return _add_bank_items(instrument, block.items)


@transaction.atomic
def add_own_item(*, instrument: Instrument, theme: str, kind: str, text_sv: str, text_en: str) -> Item:
    """Add the organisation's own item to a draft version; BarometerError if it is frozen or has the text."""
    _check_editable(instrument)
    text_sv, text_en = normalise_text(text_sv), normalise_text(text_en)
    if not text_sv:
        raise BarometerError(_("Write the item in Swedish."))
    if instrument.items.filter(text_sv__iexact=text_sv).exists():
        raise BarometerError(_("The questionnaire already has an item with this text."))
    number = 1 + instrument.items.filter(origin=Item.Origin.OWN).count()
    codes = queries.item_codes(instrument)
    while f"own_{number}" in codes:
        number += 1
    position = (instrument.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = Item(
        instrument=instrument,
        code=f"own_{number}",
        theme=theme,
        kind=kind,
        origin=Item.Origin.OWN,
        text_sv=text_sv,
        text_en=text_en,
        position=position,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def remove_item(*, item: Item) -> None:
    """Take an item out of its draft version; BarometerError if it is frozen or the item is its last."""
    _check_editable(item.instrument)
    if item.instrument.items.count() <= 1:
        raise BarometerError(_("A questionnaire needs at least one item."))
    item.delete()


# What a process leader does on the questionnaire's page: each change in the draft version, made when needed.


@dataclass(frozen=True)
class Edited:
    """A change of the questionnaire: the version shown before it, and the version it was made in."""

    before: Instrument
    after: Instrument

    @property
    def made_a_new_version(self) -> bool:
        return self.after.pk != self.before.pk


def add_item_to_questionnaire(
    *, organisation: Organisation, theme: str, kind: str, text_sv: str, text_en: str
) -> Edited:
    """Add an own item, in a new version when the newest is in use; a refused item leaves no new version behind."""
    before = current_instrument(organisation)
    with transaction.atomic():
        draft = editable_instrument(organisation)
        add_own_item(instrument=draft, theme=theme, kind=kind, text_sv=text_sv, text_en=text_en)
    return Edited(before, draft)


def add_block_to_questionnaire(*, organisation: Organisation, key: str) -> Edited:
    """Add a validated block, in a new version when the newest is in use. Checked before a frozen version is copied,
    so a repeated click creates no new version."""
    block = validated_block(key)
    before = current_instrument(organisation)
    if queries.item_codes(before) & {item.code for item in block.items}:
        raise BarometerError(_("The questionnaire already has this block."))
    with transaction.atomic():
        draft = editable_instrument(organisation)
        add_validated_block(instrument=draft, key=block.key)
    return Edited(before, draft)


def remove_item_from_questionnaire(*, organisation: Organisation, item: Item) -> Edited:
    """Take `item` (of the newest version) out of the questionnaire, in a new version when the newest is in use."""
    before = current_instrument(organisation)
    with transaction.atomic():
        draft = editable_instrument(organisation)
        copy = draft.items.filter(code=item.code).first()
        if copy is None:
            raise BarometerError(_("The item is no longer in the questionnaire."))
        remove_item(item=copy)
    return Edited(before, draft)
