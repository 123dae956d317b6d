"""A time series as bars: one bar per period (a day, a week), drawn on the server as SVG. This module computes the
geometry; the part's template draws it, with a table of the same figures beside it.

Values are figures as a publication holds them: a number, a `Cell`, or hidden (`HIDDEN`, a hidden `Cell`; None and
anything else that is not a number count as hidden too). A hidden period keeps its slot on the time axis but gets no
bar, so the chart shows that a period is there without its figure, and the table beside the chart says why. Bars
are scaled to the largest shown value, so a hidden figure cannot be read off the scale either. Coordinates come out as
strings with a decimal point (`coord`), so that a Swedish locale's decimal comma cannot break the SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from tillit.privacy.suppression import HIDDEN, Cell, Hidden
from tillit.reports.charts import coord, drawable

__all__ = ["SERIES_HEIGHT", "SERIES_WIDTH", "SeriesBar", "SeriesChart", "series_bars", "shown_value"]

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
