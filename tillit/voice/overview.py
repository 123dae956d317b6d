"""Brukarrösten's overview for leaders, arranged: suggestions per month broken down by theme, channel, status or
unit (every month of the period, those without suggestions as zero), the totals per unit and status, and the time
from suggestion to answer (the median in days, the share answered within 30 days, and those still waiting after
30 days). Plain data in, plain data out; the counting is done by the database (`queries.received_per_month`, …).

Every number here is a count of suggestions or a time, not a figure about people: each suggestion is an anonymous
text the same reader (a process leader or an administrator) reads in full on the review pages, with its service,
theme, channel, status and day, and no person or account is stored with it. So the counts are `NotAFigure`, shown
without the anonymity threshold (docs/voice.md, *The overview*).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tillit.privacy.suppression import NotAFigure

__all__ = [
    "ANSWER_WITHIN_DAYS",
    "CHART_SERIES",
    "DEFAULT_PERIOD",
    "PERIODS",
    "AnswerTimes",
    "MonthRow",
    "MonthlyBreakdown",
    "Series",
    "StatusTable",
    "UnitStatus",
    "add_months",
    "answer_times",
    "chart_series",
    "median",
    "month_of",
    "monthly_breakdown",
    "months_between",
    "period_start",
    "unit_status_table",
]

PERIODS: dict[str, int | None] = {"12": 12, "24": 24, "all": None}  # months back from this one; None: everything
DEFAULT_PERIOD = "12"
ANSWER_WITHIN_DAYS = 30
CHART_SERIES = 8  # one fill pattern each (reports.charts.PATTERNS): more are folded into one


# Months ---------------------------------------------------------------------------------------------------------


def month_of(day: dt.date) -> dt.date:
    """The first day of the day's month (a datetime counts by its date)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months after (or, negative, before) the month of `month`."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day where it is shorter)."""
    month = add_months(day, -months)
    return month.replace(day=min(day.day, calendar.monthrange(month.year, month.month)[1]))


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from the month of `first` to that of `last`, both included (none when `first` comes after)."""
    months = []
    month, end = month_of(first), month_of(last)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def period_start(today: dt.date, months: int | None) -> dt.date | None:
    """The first day of a period of `months` whole months that ends with today's month; None for everything."""
    if months is None:
        return None
    return add_months(month_of(today), -(max(1, months) - 1))


# Suggestions per month ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One value of the dimension (a theme, say): its suggestions month by month."""

    key: str
    label: str
    counts: list[NotAFigure[int]]  # one per month of the breakdown
    total: NotAFigure[int]


@dataclass(frozen=True)
class MonthRow:
    """One month of the table: its suggestions per series, in the order of the series, and all of them."""

    month: dt.date
    counts: list[NotAFigure[int]]
    total: NotAFigure[int]


@dataclass(frozen=True)
class MonthlyBreakdown:
    months: list[dt.date]  # every month of the period, oldest first
    series: list[Series]  # the values with at least one suggestion, in the order the caller gave
    month_totals: list[NotAFigure[int]]
    total: NotAFigure[int]

    @property
    def rows(self) -> list[MonthRow]:
        return [
            MonthRow(month, [series.counts[index] for series in self.series], self.month_totals[index])
            for index, month in enumerate(self.months)
        ]


def monthly_breakdown(
    rows: Iterable[tuple[dt.date, str, int]],
    *,
    keys: Sequence[tuple[str, str]],
    first: dt.date | None,
    last: dt.date,
) -> MonthlyBreakdown:
    """The suggestions per month and value from `(month, key, count)` rows, over every month from `first` (or, when
    None, the earliest month in the rows) to `last`: a month without suggestions is there with zeros, and a row
    outside those months widens them rather than being lost. `keys` gives the values' order and labels; a value not
    in it comes after them under its own key."""
    counted: dict[tuple[dt.date, str], int] = {}
    for month, key, count in rows:
        place = (month_of(month), str(key))
        counted[place] = counted.get(place, 0) + int(count)
    seen = [month for month, _key in counted]
    start = min([*([month_of(first)] if first is not None else []), *seen], default=month_of(last))
    end = max([month_of(last), *seen])
    months = months_between(start, end)
    labels = dict(keys)
    order = [key for key, _label in keys]
    order += sorted({key for _month, key in counted} - set(labels))
    series = []
    for key in order:
        counts = [counted.get((month, key), 0) for month in months]
        if any(counts):
            series.append(Series(key, labels.get(key, key), counts, sum(counts)))
    month_totals = [sum(item.counts[index] for item in series) for index in range(len(months))]
    return MonthlyBreakdown(months, series, month_totals, sum(month_totals))


def chart_series(
    breakdown: MonthlyBreakdown, *, other: str, limit: int = CHART_SERIES
) -> list[tuple[str, list[NotAFigure[int]]]]:
    """The series to stack in the chart, `(label, counts)`: all of them when there are at most `limit`, otherwise
    the `limit - 1` largest (in their own order) and the rest summed under `other`, so that no two series share a
    fill pattern. The table beside the chart keeps every series."""
    if len(breakdown.series) <= limit:
        return [(series.label, series.counts) for series in breakdown.series]
    ranked = sorted(range(len(breakdown.series)), key=lambda index: -breakdown.series[index].total)
    kept = set(ranked[: limit - 1])
    chosen = [(series.label, series.counts) for index, series in enumerate(breakdown.series) if index in kept]
    rest = [series for index, series in enumerate(breakdown.series) if index not in kept]
    folded = [sum(series.counts[month] for series in rest) for month in range(len(breakdown.months))]
    return [*chosen, (other, folded)]


# Units and status -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitStatus:
    key: str
    label: str
    counts: list[NotAFigure[int]]  # one per status, in the order of the statuses
    total: NotAFigure[int]


@dataclass(frozen=True)
class StatusTable:
    statuses: list[str]  # the statuses' labels
    rows: list[UnitStatus]
    totals: list[NotAFigure[int]]  # per status, over the rows
    total: NotAFigure[int]


def unit_status_table(
    rows: Iterable[tuple[str, str, int]], *, units: Sequence[tuple[str, str]], statuses: Sequence[tuple[str, str]]
) -> StatusTable:
    """The suggestions per unit and status from `(unit, status, count)` rows: one row per unit in `units` (those
    without suggestions too), one column per status in `statuses`; a unit or status not listed is left out."""
    counted: dict[tuple[str, str], int] = {}
    for unit, status, count in rows:
        counted[(str(unit), str(status))] = counted.get((str(unit), str(status)), 0) + int(count)
    table = []
    for key, label in units:
        counts = [counted.get((key, status), 0) for status, _label in statuses]
        table.append(UnitStatus(key, label, counts, sum(counts)))
    totals = [sum(row.counts[index] for row in table) for index in range(len(statuses))]
    return StatusTable([label for _status, label in statuses], table, totals, sum(totals))


# Time to answer -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerTimes:
    """For a unit (or all of them): the suggestions answered, the median days from suggestion to answer, the share
    answered within `ANSWER_WITHIN_DAYS` days, and those not answered after more than that."""

    key: str
    label: str
    answered: NotAFigure[int]
    median_days: NotAFigure[float] | None  # None: nothing answered
    within: NotAFigure[int]
    share_within: NotAFigure[float] | None  # per cent of those answered; None: nothing answered
    waiting: NotAFigure[int]


def median(histogram: Mapping[int, int]) -> float | None:
    """The median of values given as `{value: how many}` (the mean of the two middle ones for an even number);
    None when there are none."""
    size = sum(count for count in histogram.values() if count > 0)
    if not size:
        return None
    wanted = [(size - 1) // 2, size // 2]  # positions in the sorted values
    found: list[int] = []
    passed = 0
    for value in sorted(histogram):
        count = histogram[value]
        if count <= 0:
            continue
        while wanted and wanted[0] < passed + count:
            found.append(value)
            wanted.pop(0)
        passed += count
    return (found[0] + found[1]) / 2


def _times(key: str, label: str, histogram: Mapping[int, int], waiting: int) -> AnswerTimes:
    answered = sum(histogram.values())
    within = sum(count for days, count in histogram.items() if days <= ANSWER_WITHIN_DAYS)
    share = 100 * within / answered if answered else None
    return AnswerTimes(key, label, answered, median(histogram), within, share, waiting)


def answer_times(
    answered: Iterable[tuple[str, int, int]],
    waiting: Iterable[tuple[str, int]],
    *,
    units: Sequence[tuple[str, str]],
    everyone: str,
) -> tuple[list[AnswerTimes], AnswerTimes]:
    """Per unit in `units`, and for all of them together (labelled `everyone`): from `(unit, days, count)` rows of
    answered suggestions (days from suggestion to answer; a negative day, an answer dated before the suggestion,
    counts as 0) and `(unit, count)` rows of suggestions still waiting after `ANSWER_WITHIN_DAYS` days."""
    per_unit: dict[str, dict[int, int]] = {}
    overall: dict[int, int] = {}
    for unit, days, count in answered:
        day = max(0, int(days))
        histogram = per_unit.setdefault(str(unit), {})
        histogram[day] = histogram.get(day, 0) + int(count)
        overall[day] = overall.get(day, 0) + int(count)
    waits: dict[str, int] = {}
    for unit, count in waiting:
        waits[str(unit)] = waits.get(str(unit), 0) + int(count)
    listed = {key for key, _label in units}
    rows = [_times(key, label, per_unit.get(key, {}), waits.get(key, 0)) for key, label in units]
    everything = {
        day: sum(histogram.get(day, 0) for key, histogram in per_unit.items() if key in listed) for day in overall
    }
    total_waiting = sum(count for key, count in waits.items() if key in listed)
    return rows, _times("", everyone, everything, total_waiting)
