"""Property tests of the Standard Cost Model's arithmetic (`burden.py`): exact, never overflowing, never rounding a
positive burden to zero, within the bounds `problems` sets, and storable in the model's decimal columns."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tillit.steering import burden
from tillit.steering.burden import Problem

minutes = st.decimals(min_value=burden.MIN_MINUTES, max_value=burden.MAX_MINUTES, places=burden.MINUTES_PLACES)
occurrences = st.decimals(
    min_value=burden.MIN_OCCURRENCES, max_value=burden.MAX_OCCURRENCES, places=burden.OCCURRENCES_PLACES
)
people = st.integers(min_value=burden.MIN_PEOPLE, max_value=burden.MAX_PEOPLE)
any_decimal = st.decimals(allow_nan=True, allow_infinity=True)


def exact(minutes_: Decimal, occurrences_: Decimal, people_: int) -> Fraction:
    return Fraction(minutes_) * Fraction(occurrences_) * people_ / 60


@given(minutes, occurrences, people)
@example(burden.MAX_MINUTES, burden.MAX_OCCURRENCES, burden.MAX_PEOPLE)
@example(burden.MIN_MINUTES, burden.MIN_OCCURRENCES, burden.MIN_PEOPLE)
def test_hours_are_exact(minutes_, occurrences_, people_):
    hours = burden.hours_per_year(minutes_, occurrences_, people_)

    assert hours.is_finite()
    # Exact up to the one division by 60 (a repeating decimal at most): within 10^-40 of the true value.
    assert abs(Fraction(hours) - exact(minutes_, occurrences_, people_)) < Fraction(1, 10**40)


@given(minutes, occurrences, people)
def test_hours_are_people_times_one_persons_hours(minutes_, occurrences_, people_):
    one = burden.hours_per_person(minutes_, occurrences_)
    assert abs(Fraction(burden.hours_per_year(minutes_, occurrences_, people_)) - Fraction(one) * people_) < Fraction(
        1, 10**30
    )


@given(minutes, occurrences, people)
def test_storable_figures_never_overflow_the_hours_column(minutes_, occurrences_, people_):
    if burden.problems(minutes_, occurrences_, people_):
        return
    hours = burden.display(burden.hours_per_year(minutes_, occurrences_, people_)).hours
    digits = len(hours.as_tuple().digits)
    assert digits <= burden.HOURS_DIGITS
    # The largest storable figure: a full working year for each of a million people.
    assert hours <= burden.WORKING_YEAR_HOURS * burden.MAX_PEOPLE


@given(minutes, occurrences, people)
@example(burden.MIN_MINUTES, burden.MIN_OCCURRENCES, burden.MIN_PEOPLE)
def test_a_positive_burden_is_never_shown_as_zero(minutes_, occurrences_, people_):
    hours = burden.hours_per_year(minutes_, occurrences_, people_)
    shown = burden.display(hours)

    assert hours > 0
    assert shown.hours > 0
    if shown.below_step:
        assert hours < burden.DISPLAY_STEP
    else:
        assert abs(shown.hours - hours) <= burden.DISPLAY_STEP / 2


@given(st.lists(st.tuples(minutes, occurrences, people), max_size=30))
def test_a_total_is_the_sum_to_sixty_digits(rows):
    hours = [burden.hours_per_year(*row) for row in rows]
    true_total = sum((exact(*row) for row in rows), Fraction(0))
    assert abs(Fraction(burden.total(hours)) - true_total) < Fraction(1, 10**40)
    if rows:
        assert burden.total(hours) > 0


@given(any_decimal, any_decimal, st.integers(min_value=-(10**15), max_value=10**15))
@settings(max_examples=300)
def test_problems_never_fail_and_accept_only_figures_within_the_bounds(minutes_, occurrences_, people_):
    found = burden.problems(minutes_, occurrences_, people_)

    if not found:
        assert burden.MIN_MINUTES <= minutes_ <= burden.MAX_MINUTES
        assert burden.MIN_OCCURRENCES <= occurrences_ <= burden.MAX_OCCURRENCES
        assert burden.MIN_PEOPLE <= people_ <= burden.MAX_PEOPLE
        assert burden.hours_per_person(minutes_, occurrences_) <= burden.WORKING_YEAR_HOURS
        # What passes fits the model's columns.
        assert len(minutes_.quantize(Decimal("0.1")).as_tuple().digits) <= burden.MINUTES_DIGITS
        assert len(occurrences_.quantize(Decimal("0.01")).as_tuple().digits) <= burden.OCCURRENCES_DIGITS


@pytest.mark.parametrize(
    ("minutes_", "occurrences_", "people_", "expected"),
    [
        (Decimal(-5), Decimal(12), 3, [Problem.MINUTES_TOO_FEW]),
        (Decimal(0), Decimal(12), 3, [Problem.MINUTES_TOO_FEW]),
        (Decimal("NaN"), Decimal(12), 3, [Problem.MINUTES_TOO_FEW]),
        (Decimal("Infinity"), Decimal(12), 3, [Problem.MINUTES_TOO_FEW]),
        (Decimal(2401), Decimal(12), 3, [Problem.MINUTES_TOO_MANY]),
        (Decimal("7.55"), Decimal(12), 3, [Problem.MINUTES_TOO_PRECISE]),
        (Decimal(5), Decimal("0.001"), 3, [Problem.OCCURRENCES_TOO_FEW]),
        (Decimal(5), Decimal("1E+30"), 3, [Problem.OCCURRENCES_TOO_MANY]),
        (Decimal(5), Decimal("1.005"), 3, [Problem.OCCURRENCES_TOO_PRECISE]),
        (Decimal(5), Decimal(12), 0, [Problem.PEOPLE_TOO_FEW]),
        (Decimal(5), Decimal(12), 10**7, [Problem.PEOPLE_TOO_MANY]),
        (Decimal(-1), Decimal(-1), -1, [Problem.OCCURRENCES_TOO_FEW, Problem.MINUTES_TOO_FEW, Problem.PEOPLE_TOO_FEW]),
        (Decimal(2400), Decimal(1000), 1, [Problem.MORE_THAN_A_WORKING_YEAR]),
        (Decimal("7.50"), Decimal("12.00"), 1, []),  # trailing zeros are not precision
        (burden.MAX_MINUTES, Decimal(45), burden.MAX_PEOPLE, []),  # exactly a working year each
    ],
)
def test_problems_name_what_is_wrong(minutes_, occurrences_, people_, expected):
    assert burden.problems(minutes_, occurrences_, people_) == expected


@given(st.decimals(min_value=Decimal("-1E6"), max_value=Decimal("1E6"), places=2))
def test_amounts_typed_with_a_comma_or_a_point_read_the_same(value):
    text = f"{value:f}"
    assert burden.parse_amount(text) == value
    assert burden.parse_amount(text.replace(".", ",")) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_counts_with_spaces_between_thousands(number):
    grouped = f"{number:,}".replace(",", "\u00a0")
    assert burden.parse_count(grouped) == number
    assert burden.parse_count(f"{number:,}".replace(",", " ")) == number


@given(st.text(max_size=60))
def test_parsing_any_text_never_fails(text):
    amount = burden.parse_amount(text)
    assert amount is None or amount.is_finite()
    count = burden.parse_count(text)
    assert count is None or isinstance(count, int)


@pytest.mark.parametrize(
    "text", ["", "sju", "NaN", "Infinity", "1e5", "1.000,5", "1,2,3", "0x10", "½", "7,5 min", "1" * 41]
)
def test_what_is_no_amount(text):
    assert burden.parse_amount(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7,5", Decimal("7.5")), (" 1 000 ", Decimal(1000)), ("-5", Decimal(-5)), ("\u22123", Decimal(-3))],
)
def test_what_is_an_amount(text, expected):
    assert burden.parse_amount(text) == expected


def test_display_rounds_half_up_and_says_under_a_tenth():
    assert burden.display(Decimal("0.04")) == burden.Shown(Decimal("0.1"), below_step=True)
    assert burden.display(Decimal("0.05")) == burden.Shown(Decimal("0.1"))
    assert burden.display(Decimal("312")) == burden.Shown(Decimal("312.0"))
    assert burden.display(Decimal(0)) == burden.Shown(Decimal("0.0"))
