"""The item bank (tillit.barometer.bank). No database.

Each rule is written as a function that returns what breaks it, and is run twice: on the real bank, where it
must find nothing, and on a deliberately broken sample, where it must find the fault. So no rule can pass by
being unable to fail.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tillit.barometer.bank import DEFAULT_ITEMS, VALIDATED_BLOCKS, BankItem, ValidatedBlock, validated_block
from tillit.barometer.models import PRINCIPLES, Item, Theme

SLUG = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
MAX_CODE_LENGTH = 40
MAX_TEXT_LENGTH = 300

BLOCK_ITEMS: tuple[BankItem, ...] = tuple(item for block in VALIDATED_BLOCKS.values() for item in block.items)
ALL_ITEMS: tuple[BankItem, ...] = DEFAULT_ITEMS + BLOCK_ITEMS

GOOD = BankItem(code="trust_x", theme=Theme.TRUST, text_sv="Jag litar på x.", text_en="I trust x.")


# --- the rules --------------------------------------------------------------------------------------------


def duplicate_codes(items) -> list[str]:
    return sorted(code for code, count in Counter(item.code for item in items).items() if count > 1)


def bad_codes(items) -> list[str]:
    return [item.code for item in items if len(item.code) > MAX_CODE_LENGTH or not SLUG.fullmatch(item.code)]


def bad_texts(items) -> list[str]:
    return [
        item.code
        for item in items
        for text in (item.text_sv, item.text_en)
        if not text.strip() or len(text) > MAX_TEXT_LENGTH or text != text.strip()
    ]


def bad_themes(items) -> list[str]:
    return [item.code for item in items if item.theme not in Theme.values]


def bad_kinds_or_origins(items) -> list[str]:
    return [item.code for item in items if item.kind not in Item.Kind.values or item.origin not in Item.Origin.values]


def bad_references(items) -> list[str]:
    """A reference share only on a validated item, with its source, as a percentage."""
    problems = []
    for item in items:
        if item.reference_share is None:
            if item.reference_source:
                problems.append(item.code)
            continue
        if (
            item.origin != Item.Origin.VALIDATED
            or not isinstance(item.reference_share, Decimal)
            or not Decimal(0) <= item.reference_share <= Decimal(100)
            or not item.reference_source.strip()
        ):
            problems.append(item.code)
    return problems


def themes_short_of_three_scale_items(items, themes) -> list[str]:
    counts = Counter(item.theme for item in items if item.kind == Item.Kind.SCALE)
    return [str(theme) for theme in themes if counts[theme] < 3]


def unpunctuated(items) -> list[str]:
    """Statements end with a full stop, questions with a question mark, in both languages."""
    ending = {Item.Kind.SCALE: ".", Item.Kind.OPEN: "?"}
    return [
        item.code
        for item in items
        for text in (item.text_sv, item.text_en)
        if not text.rstrip().endswith(ending[item.kind])
    ]


def rejected_by_the_model(items) -> list[str]:
    """Items that the Item model's own fields would refuse (lengths, slug, choices, decimal digits, range)."""
    names = ("code", "theme", "kind", "origin", "text_sv", "text_en", "reference_share", "reference_source")
    problems = []
    for item in items:
        for name in names:
            try:
                Item._meta.get_field(name).clean(getattr(item, name), None)
            except ValidationError:
                problems.append(f"{item.code}.{name}")
    return problems


# --- the rules can fail -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "broken"),
    [
        (duplicate_codes, [GOOD, replace(GOOD, text_sv="Något annat.")]),
        (bad_codes, [replace(GOOD, code="Trust-1")]),
        (bad_codes, [replace(GOOD, code="a" * (MAX_CODE_LENGTH + 1))]),
        (bad_codes, [replace(GOOD, code="trust__1")]),
        (bad_texts, [replace(GOOD, text_en="")]),
        (bad_texts, [replace(GOOD, text_sv="   ")]),
        (bad_texts, [replace(GOOD, text_sv="x" * (MAX_TEXT_LENGTH + 1))]),
        (bad_themes, [replace(GOOD, theme="happiness")]),
        (bad_kinds_or_origins, [replace(GOOD, kind="multiple_choice")]),
        (bad_kinds_or_origins, [replace(GOOD, origin="somewhere")]),
        (bad_references, [replace(GOOD, reference_share=Decimal(50), reference_source="X")]),
        (
            bad_references,
            [replace(GOOD, origin=Item.Origin.VALIDATED, reference_share=Decimal(101), reference_source="X")],
        ),
        (
            bad_references,
            [replace(GOOD, origin=Item.Origin.VALIDATED, reference_share=Decimal(-1), reference_source="X")],
        ),
        (bad_references, [replace(GOOD, origin=Item.Origin.VALIDATED, reference_share=Decimal(80))]),
        (bad_references, [replace(GOOD, reference_source="Somebody 2020")]),
        (unpunctuated, [replace(GOOD, text_en="I trust x")]),
        (unpunctuated, [replace(GOOD, kind=Item.Kind.OPEN)]),
        (rejected_by_the_model, [replace(GOOD, code="not a slug")]),
        (rejected_by_the_model, [replace(GOOD, origin=Item.Origin.VALIDATED, reference_share=Decimal("12.25"))]),
    ],
)
def test_each_rule_catches_a_broken_sample(rule, broken):
    assert rule([GOOD]) == []
    assert rule(broken) != []


def test_the_three_item_rule_catches_a_thin_theme():
    items = [replace(GOOD, code=f"trust_{n}") for n in range(3)]
    assert themes_short_of_three_scale_items(items, [Theme.TRUST]) == []
    assert themes_short_of_three_scale_items(items[:2], [Theme.TRUST]) == ["trust"]
    open_ones = [replace(item, kind=Item.Kind.OPEN) for item in items]
    assert themes_short_of_three_scale_items(open_ones, [Theme.TRUST]) == ["trust"]


# --- the bank keeps them ----------------------------------------------------------------------------------


def test_codes_are_unique_over_the_default_items_and_every_block():
    assert duplicate_codes(ALL_ITEMS) == []


def test_codes_are_slugs_that_fit_the_model():
    assert bad_codes(ALL_ITEMS) == []


def test_texts_are_present_and_short_enough_in_both_languages():
    assert bad_texts(ALL_ITEMS) == []


def test_texts_are_punctuated_as_statements_or_questions():
    assert unpunctuated(ALL_ITEMS) == []


def test_themes_kinds_and_origins_are_valid_choices():
    assert bad_themes(ALL_ITEMS) == []
    assert bad_kinds_or_origins(ALL_ITEMS) == []


def test_reference_shares_are_percentages_on_validated_items_only():
    assert bad_references(ALL_ITEMS) == []


def test_every_item_would_be_accepted_by_the_item_model():
    assert rejected_by_the_model(ALL_ITEMS) == []


def test_every_principle_has_at_least_three_scale_items():
    assert len(PRINCIPLES) == 7
    assert themes_short_of_three_scale_items(DEFAULT_ITEMS, PRINCIPLES) == []


def test_capability_asks_whether_staff_can_want_to_and_dare_to():
    capability = {
        item.code for item in DEFAULT_ITEMS if item.theme == Theme.CAPABILITY and item.kind == Item.Kind.SCALE
    }
    assert capability == {"capability_can", "capability_want", "capability_dare"}


def test_preconditions_are_mandate_time_and_support():
    preconditions = {item.code for item in DEFAULT_ITEMS if item.theme == Theme.PRECONDITIONS}
    assert preconditions == {"preconditions_mandate", "preconditions_time", "preconditions_support"}


def test_exactly_three_open_questions_on_the_good_meeting_last():
    open_items = [item for item in DEFAULT_ITEMS if item.kind == Item.Kind.OPEN]
    assert [item.code for item in open_items] == ["open_value", "open_obstacle", "open_signal"]
    assert {item.theme for item in open_items} == {Theme.GOOD_MEETING}
    assert list(DEFAULT_ITEMS[-3:]) == open_items


def test_default_items_are_27_statements_from_the_bank():
    scale = [item for item in DEFAULT_ITEMS if item.kind == Item.Kind.SCALE]
    assert len(scale) == 27
    assert {item.origin for item in DEFAULT_ITEMS} == {Item.Origin.BANK}
    assert all(item.reference_share is None for item in DEFAULT_ITEMS)


def test_default_items_are_grouped_by_theme_in_questionnaire_order():
    order = [*PRINCIPLES, Theme.CAPABILITY, Theme.PRECONDITIONS, Theme.GOOD_MEETING]
    themes_in_order = list(dict.fromkeys(item.theme for item in DEFAULT_ITEMS))
    assert themes_in_order == order


def test_validated_blocks_are_keyed_by_their_own_key_and_hold_validated_scale_items():
    assert VALIDATED_BLOCKS, "there should be at least one validated block"
    for key, block in VALIDATED_BLOCKS.items():
        assert isinstance(block, ValidatedBlock)
        assert block.key == key
        assert block.name_sv.strip()
        assert block.name_en.strip()
        assert block.source.strip()
        assert block.items
        assert {item.origin for item in block.items} == {Item.Origin.VALIDATED}
        assert {item.kind for item in block.items} == {Item.Kind.SCALE}
        assert all(item.reference_share is not None for item in block.items)


def test_statskontoret_block():
    block = validated_block("statskontoret_2016")
    assert [item.code for item in block.items] == ["statskontoret_manager", "statskontoret_colleagues"]
    assert {item.theme for item in block.items} == {Theme.TRUST}
    assert {item.reference_share for item in block.items} == {Decimal(86), Decimal(89)}
    assert {item.reference_source for item in block.items} == {"Statskontoret 2016, Tillit på jobbet"}


def test_unknown_block_is_a_key_error():
    with pytest.raises(KeyError):
        validated_block("no_such_block")


def test_items_are_immutable():
    with pytest.raises(AttributeError):
        DEFAULT_ITEMS[0].text_sv = "Något annat."
