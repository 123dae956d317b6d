"""The burden of a steering signal, without Django: the Standard Cost Model's hours a year, the limits of what can be
typed, and which signals are candidates to remove or simplify.

**Hours a year** (Standard Cost Model): minutes each time × times a year (for each person who does it) × people
who do it, divided by 60. Computed exactly in decimal arithmetic (`hours_per_year`): it never overflows (every
factor is bounded by `problems`) and never rounds a positive burden to zero; `display` rounds for reading and
says "under 0.1" instead of 0. Every figure of hours is an estimate, and the pages say so.

**Candidates** (`verdict`): a rated signal is a candidate to remove or simplify when at least two of these hold:
low value for the good meeting (mean at most `LOW_VALUE`), high burden (mean at least `HIGH_BURDEN`), and data
nobody is known to use (fewer than `KNOWN_USE_SHARE` of those who answered know who uses it). A candidate is a
*tidstjuv* when its rated cost exceeds its rated benefit: the mean burden is above the mean value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

Hours = Decimal

OCCURRENCES_DIGITS = 9
OCCURRENCES_PLACES = 2
MINUTES_DIGITS = 7
MINUTES_PLACES = 1
HOURS_DIGITS = 13
HOURS_PLACES = 1

MIN_OCCURRENCES = Decimal("0.01")  # once a century
MAX_OCCURRENCES = Decimal(10_000)  # about 45 times a working day, for each person
MIN_MINUTES = Decimal("0.1")
MAX_MINUTES = Decimal(2_400)  # a working week, each time
MIN_PEOPLE = 1
MAX_PEOPLE = 1_000_000
WORKING_YEAR_HOURS = Decimal(1_800)  # one person's full working year: more for one demand is not a real estimate

LOW_VALUE = 2.5
HIGH_BURDEN = 3.5
KNOWN_USE_SHARE = 0.5

_EXACT = 60  # digits of precision: enough for any product of the bounded factors, exactly


class Problem(StrEnum):
    """What is wrong with typed figures of burden (the forms say it in Swedish)."""

    OCCURRENCES_TOO_FEW = "occurrences_too_few"
    OCCURRENCES_TOO_MANY = "occurrences_too_many"
    OCCURRENCES_TOO_PRECISE = "occurrences_too_precise"
    MINUTES_TOO_FEW = "minutes_too_few"
    MINUTES_TOO_MANY = "minutes_too_many"
    MINUTES_TOO_PRECISE = "minutes_too_precise"
    PEOPLE_TOO_FEW = "people_too_few"
    PEOPLE_TOO_MANY = "people_too_many"
    MORE_THAN_A_WORKING_YEAR = "more_than_a_working_year"


_AMOUNT = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_AMOUNT_MAX_LENGTH = 40


def parse_amount(text: str) -> Decimal | None:
    """A typed amount as a `Decimal`: digits with a decimal comma or point ("7,5", "7.5"), spaces between thousands
    ("1 000"), a sign ("-5": `problems` says what is wrong with it); None when it is no such number (words,
    exponents, "NaN", "Infinity", two separators)."""
    cleaned = "".join(text.split()).replace("\u2212", "-")
    if len(cleaned) > _AMOUNT_MAX_LENGTH or not _AMOUNT.fullmatch(cleaned):
        return None
    return Decimal(cleaned.replace(",", "."))


def parse_count(text: str) -> int | None:
    """A typed whole number ("30", "1 000", "30,0"); None when it is no whole number."""
    amount = parse_amount(text)
    if amount is None or amount != amount.to_integral_value():
        return None
    return int(amount)


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def problems(minutes: Decimal, occurrences: Decimal, people: int) -> list[Problem]:
    """Everything wrong with these figures, in the order of the form's fields; empty when they can be stored."""
    found: list[Problem] = []
    if not occurrences.is_finite() or occurrences < MIN_OCCURRENCES:
        found.append(Problem.OCCURRENCES_TOO_FEW)
    elif occurrences > MAX_OCCURRENCES:
        found.append(Problem.OCCURRENCES_TOO_MANY)
    elif _places(occurrences) > OCCURRENCES_PLACES:
        found.append(Problem.OCCURRENCES_TOO_PRECISE)
    if not minutes.is_finite() or minutes < MIN_MINUTES:
        found.append(Problem.MINUTES_TOO_FEW)
    elif minutes > MAX_MINUTES:
        found.append(Problem.MINUTES_TOO_MANY)
    elif _places(minutes) > MINUTES_PLACES:
        found.append(Problem.MINUTES_TOO_PRECISE)
    if people < MIN_PEOPLE:
        found.append(Problem.PEOPLE_TOO_FEW)
    elif people > MAX_PEOPLE:
        found.append(Problem.PEOPLE_TOO_MANY)
    if not found and hours_per_person(minutes, occurrences) > WORKING_YEAR_HOURS:
        found.append(Problem.MORE_THAN_A_WORKING_YEAR)
    return found


def hours_per_person(minutes: Decimal, occurrences: Decimal) -> Hours:
    """One person's hours a year, exactly."""
    with localcontext() as context:
        context.prec = _EXACT
        return minutes * occurrences / Decimal(60)


def hours_per_year(minutes: Decimal, occurrences: Decimal, people: int) -> Hours:
    """The Standard Cost Model's hours a year of a signal, exactly (an estimate by nature)."""
    with localcontext() as context:
        context.prec = _EXACT
        return minutes * occurrences * Decimal(people) / Decimal(60)


def total(hours: Iterable[Hours]) -> Hours:
    """The sum of hours, exactly."""
    with localcontext() as context:
        context.prec = _EXACT
        return sum(hours, Decimal(0))


DISPLAY_STEP = Decimal("0.1")


@dataclass(frozen=True)
class Shown:
    """Hours as read: `hours` rounded to one decimal, or `below_step` for a positive amount under 0.1 hours (shown
    as "under 0.1", never as 0)."""

    hours: Decimal
    below_step: bool = False


def display(hours: Hours) -> Shown:
    if Decimal(0) < hours < DISPLAY_STEP / 2:
        return Shown(DISPLAY_STEP, below_step=True)
    with localcontext() as context:
        context.prec = _EXACT
        return Shown(hours.quantize(DISPLAY_STEP, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Verdict:
    low_value: bool
    high_burden: bool
    unknown_use: bool

    @property
    def candidate(self) -> bool:
        """At least two of the three signs: a candidate to remove or simplify."""
        return sum((self.low_value, self.high_burden, self.unknown_use)) >= 2

    @property
    def time_thief(self) -> bool:
        return self.candidate and self._cost_exceeds_benefit

    _cost_exceeds_benefit: bool = False


def verdict(mean_value: float | None, mean_burden: float | None, share_knowing: float | None) -> Verdict:
    """The signs of a rated signal from its shown means (None: not shown, or nobody answered it): what is not
    shown is no sign."""
    return Verdict(
        low_value=mean_value is not None and mean_value <= LOW_VALUE,
        high_burden=mean_burden is not None and mean_burden >= HIGH_BURDEN,
        unknown_use=share_knowing is not None and share_knowing < KNOWN_USE_SHARE,
        _cost_exceeds_benefit=mean_value is not None and mean_burden is not None and mean_burden > mean_value,
    )
