"""A time series as bars: one bar per period (a day, a week), drawn on the server as SVG. This module computes the
geometry; the part's template draws it, with a table of the same figures beside it.

Values are figures as a publication holds them: a number, a `Cell`, or hidden (`HIDDEN`, a hidden `Cell`; None and
anything else that is not a number count as hidden too). A hidden period keeps its slot on the time axis but gets no
bar, so the chart shows that a period is there without its figure, and the table beside the chart says why. Bars
are scaled to the largest shown value, so a hidden figure cannot be read off the scale either. Coordinates come out as
strings with a decimal point (`coord`), so that a Swedish locale's decimal comma cannot break the SVG.

`stacked_series_bars` stacks several series in each period's bar (suggestions per month by theme, say), each series
with its own fill pattern, on a whole-number scale; `reports/charts/stacked.html` draws it with its legend.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from tillit.privacy.suppression import HIDDEN, Cell, Hidden
from tillit.reports.charts import PATTERNS, TextLine, coord, drawable, wrap

__all__ = [
    "SERIES_HEIGHT",
    "SERIES_WIDTH",
    "LegendEntry",
    "SeriesBar",
    "SeriesChart",
    "StackedChart",
    "StackedColumn",
    "StackedSegment",
    "StackedTick",
    "nice_ticks",
    "series_bars",
    "shown_value",
    "stacked_series_bars",
]

SERIES_WIDTH = 600
SERIES_HEIGHT = 160
HEADROOM = 10  # above the tallest bar
SIDE_GAP = 0.1  # of a period's slot, on each side of its bar


@dataclass(frozen=True)
class SeriesBar:
    label: str  # the period, as the table beside the chart names it
    value: float | Hidden  # HIDDEN: the period has no bar
    x: str
    y: str
    width: str
    height: str

    @property
    def shown(self) -> bool:
        return not isinstance(self.value, Hidden)


@dataclass(frozen=True)
class SeriesChart:
    width: int
    height: int
    baseline: str  # where the bars stand: the y of the time axis
    bars: list[SeriesBar]

    @property
    def has_points(self) -> bool:
        return any(bar.shown for bar in self.bars)


def shown_value(value: object) -> float | Hidden:
    """A figure's value to draw, or HIDDEN: a hidden Cell, HIDDEN, None, a bool, NaN or a negative number is hidden."""
    drawn = drawable(value)
    if drawn is None or drawn < 0:
        return HIDDEN
    return value.value if isinstance(value, Cell) else cast(float, value)  # as given: a count stays an int


def series_bars(
    points: Sequence[tuple[str, object]], *, width: int = SERIES_WIDTH, height: int = SERIES_HEIGHT
) -> SeriesChart:
    """One bar per `(label, value)` in the order given (oldest first), each in an equal slot of the width, scaled so
    that the largest shown value reaches HEADROOM below the top."""
    values = [shown_value(value) for _label, value in points]
    largest = max((value for value in values if not isinstance(value, Hidden)), default=0) or 1
    slot = width / len(points) if points else 0.0
    bars = []
    for index, ((label, _value), value) in enumerate(zip(points, values, strict=True)):
        bar_height = 0.0 if isinstance(value, Hidden) else value / largest * (height - HEADROOM)
        bars.append(
            SeriesBar(
                label=str(label),
                value=value,
                x=coord(index * slot + slot * SIDE_GAP),
                y=coord(height - bar_height),
                width=coord(slot * (1 - 2 * SIDE_GAP)),
                height=coord(bar_height),
            )
        )
    return SeriesChart(width, height, coord(height), bars)


# Stacked bars ---------------------------------------------------------------------------------------------------

STACKED_HEIGHT = 220
STACKED_LEFT = 40  # room for the scale's numbers
STACKED_TOP = 18  # room for the total written above the tallest bar
STACKED_BOTTOM = 40  # room for the periods' names, two lines
STACKED_MAX_LABELS = 12  # names written under the axis at most; the table beside the chart names every period
STACKED_MAX_TOTALS = 24  # above this many periods the totals above the bars would run into each other
NICE_STEPS = (1, 2, 5)


@dataclass(frozen=True)
class StackedSegment:
    series: str  # the series' name, as the legend and the table name it
    value: float
    x: str
    y: str
    width: str
    height: str
    pattern: str


@dataclass(frozen=True)
class StackedColumn:
    label: str  # the period
    total: float  # the shown values of the period, summed
    segments: list[StackedSegment]  # bottom up, in the order of the series
    lines: list[TextLine]  # the period's name under the axis; empty for a period whose name is left out
    total_x: str
    total_y: str
    total_shown: bool  # whether the total is written above the bar


@dataclass(frozen=True)
class StackedTick:
    value: int
    y: str


@dataclass(frozen=True)
class LegendEntry:
    name: str
    pattern: str


@dataclass(frozen=True)
class StackedChart:
    width: int
    height: int
    plot_left: str
    plot_right: str
    baseline: str
    tick_label_x: str
    ticks: list[StackedTick]
    columns: list[StackedColumn]
    legend: list[LegendEntry]  # one per series, in the order of the stack (bottom first)

    @property
    def patterns(self) -> list[str]:
        return [entry.pattern for entry in self.legend]

    @property
    def has_points(self) -> bool:
        return any(column.segments for column in self.columns)


def _shown_sum(values: Iterable[float | Hidden]) -> float:
    """The shown values summed (a sum of whole numbers stays whole, as it is written)."""
    return sum((value for value in values if not isinstance(value, Hidden)), 0)


def nice_ticks(largest: float, *, most: int = 5) -> list[int]:
    """Whole-number scale marks from 0 to at least `largest`, one step of 1, 2 or 5 times a power of ten apart, at
    most `most` steps (and a scale of 0–1 for nothing at all)."""
    if largest <= 0:
        return [0, 1]
    magnitude = 1
    while True:
        for step in (magnitude * base for base in NICE_STEPS):
            steps = math.ceil(largest / step)
            if steps <= most:
                return [step * position for position in range(steps + 1)]
        magnitude *= 10


def stacked_series_bars(
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[object]]],
    *,
    width: int = SERIES_WIDTH,
    height: int = STACKED_HEIGHT,
) -> StackedChart:
    """One stacked bar per period (oldest first), one segment per series with a value there, bottom up in the order
    of `series`; each series is `(name, values)` with one figure per period and its own fill pattern (`PATTERNS`,
    round again after eight: fold the smallest series into one before that).

    A hidden or missing value (`shown_value`) and a zero get no segment; the scale comes from the shown values only,
    in whole-number steps (`nice_ticks`). At most `STACKED_MAX_LABELS` periods are named under the axis, spread
    evenly from the first; the table beside the chart names them all."""
    values = [[shown_value(value) for value in values] for _name, values in series]
    for (name, _values), row in zip(series, values, strict=True):
        if len(row) != len(periods):
            raise ValueError(f"the series {name!r} has {len(row)} values for {len(periods)} periods")
    totals = [_shown_sum(row[index] for row in values) for index in range(len(periods))]
    ticks = nice_ticks(max(totals, default=0))
    left, right = float(STACKED_LEFT), float(width - 4)
    top, baseline = float(STACKED_TOP), float(height - STACKED_BOTTOM)
    scale = (baseline - top) / ticks[-1]
    slot = (right - left) / len(periods) if periods else 0.0
    every = math.ceil(len(periods) / STACKED_MAX_LABELS) if periods else 1
    patterns = [PATTERNS[position % len(PATTERNS)] for position in range(len(series))]
    columns = []
    for index, label in enumerate(periods):
        x = left + index * slot + slot * SIDE_GAP
        bar_width = slot * (1 - 2 * SIDE_GAP)
        y = baseline
        segments = []
        for (name, _values), row, pattern in zip(series, values, patterns, strict=True):
            value = row[index]
            if isinstance(value, Hidden) or value == 0:
                continue
            segment_height = float(value) * scale
            y -= segment_height
            segments.append(
                StackedSegment(str(name), value, coord(x), coord(y), coord(bar_width), coord(segment_height), pattern)
            )
        centre = x + bar_width / 2
        lines = (
            [
                TextLine(coord(centre), coord(baseline + 15 + 13 * row), text)
                for row, text in enumerate(wrap(label, 6, max_lines=2))
            ]
            if index % every == 0
            else []
        )
        columns.append(
            StackedColumn(
                label=str(label),
                total=totals[index],
                segments=segments,
                lines=lines,
                total_x=coord(centre),
                total_y=coord(y - 4),
                total_shown=bool(segments) and len(periods) <= STACKED_MAX_TOTALS,
            )
        )
    return StackedChart(
        width=width,
        height=height,
        plot_left=coord(left),
        plot_right=coord(right),
        baseline=coord(baseline),
        tick_label_x=coord(left - 6),
        ticks=[StackedTick(tick, coord(baseline - tick * scale)) for tick in ticks],
        columns=columns,
        legend=[LegendEntry(str(name), pattern) for (name, _values), pattern in zip(series, patterns, strict=True)],
    )
