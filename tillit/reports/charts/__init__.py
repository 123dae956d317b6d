"""Charts of every part's results, drawn on the server as SVG: this module computes the geometry, the templates in
`reports/charts/` draw it. No JavaScript, no chart library.

Every function takes figures as a part's publication holds them: a number, a `Cell` or `HIDDEN` from
`tillit.privacy` (None too, for a figure that does not exist). A hidden or missing point is left out of the chart,
the bar that would show it says so, and the table beside the chart says why. Coordinates come out as strings with a
decimal point, so that a Swedish locale, which writes a decimal comma, cannot break the SVG.

- `radar`: one axis per principle, grid rings at 25, 50, 75 and 100, one polygon per series (this round, the
  previous round), told apart by line pattern as well as colour.
- `bar_chart`: one horizontal bar per row on a 0–100 scale, with an optional reference line (a national figure).
- `grouped_bar_chart`: the same, one group of bars per principle and one bar per level or actor group, each bar
  labelled with its group's name and filled with its own pattern.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from tillit.privacy.suppression import HIDDEN, Cell, Hidden, NotAFigure

SCALE_TICKS = (0, 25, 50, 75, 100)
RING_VALUES = (25, 50, 75, 100)
PATTERNS = ("solid", "diagonal", "dots", "crosshatch", "horizontal", "vertical", "checks", "sparse")


def coord(value: float) -> str:
    """A coordinate for SVG: one decimal, always with a decimal point."""
    return f"{value:.1f}"


def drawable(value: object) -> float | None:
    """`value` (a number, or a shown `Cell`'s) as a float to draw, or None for anything that is not a number to
    draw: HIDDEN, a hidden `Cell`, None, a bool, NaN. Every chart reads its figures through this."""
    if isinstance(value, Cell):
        value = value.value
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)


def number(value: object) -> float | None:
    """A figure (`drawable`) on the 0–100 scale of bars and radar, or None when there is nothing to draw."""
    drawn = drawable(value)
    return None if drawn is None else min(100.0, max(0.0, drawn))


def whole(value: float) -> int:
    """A figure rounded half up to a whole number, as it is printed."""
    return math.floor(value + 0.5)


def wrap(text: str, width: int, max_lines: int = 3) -> list[str]:
    """`text` in lines of at most about `width` characters; a text too long for `max_lines` ends in an ellipsis."""
    lines = textwrap.wrap(str(text), width=width, break_long_words=False) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, width - 1)].rstrip() + "…"
    return lines


@dataclass(frozen=True)
class TextLine:
    x: str
    y: str
    text: str


# Radar ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RadarAxis:
    label: str
    x2: str
    y2: str
    anchor: str  # text-anchor of the label: start, middle or end
    lines: list[TextLine]


@dataclass(frozen=True)
class RadarRing:
    value: int
    points: str
    label_x: str
    label_y: str


@dataclass(frozen=True)
class RadarPoint:
    label: str
    value: int
    x: str
    y: str
    label_x: str  # where the value is written: just outside the point, or inside it near the outer ring
    label_y: str


@dataclass(frozen=True)
class RadarSeries:
    name: str
    pattern: str  # "current" or "previous": the template draws the first solid, the second dashed
    polygon: str  # empty when fewer than three points can be drawn
    points: list[RadarPoint]


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    centre_x: str
    centre_y: str
    axes: list[RadarAxis]
    rings: list[RadarRing]
    series: list[RadarSeries]

    @property
    def has_points(self) -> bool:
        return any(series.points for series in self.series)


RADAR_WIDTH = 560
RADAR_HEIGHT = 440
RADAR_RADIUS = 150
RADAR_LABEL_GAP = 14
RADAR_LABEL_WIDTH = 15  # characters per line of an axis label
RADAR_LINE_HEIGHT = 17


def radar(axes: Sequence[str], series: Sequence[tuple[str, Sequence[object]]]) -> Radar:
    """A radar chart with one axis per label in `axes` (clockwise from the top) and one polygon per series.

    Each series is `(name, values)` with one value (0–100, or None to leave out) per axis. A series whose points
    are all left out is dropped."""
    centre_x, centre_y = RADAR_WIDTH / 2, RADAR_HEIGHT / 2
    count = len(axes)
    angles = [-math.pi / 2 + 2 * math.pi * position / count for position in range(count)] if count else []

    def at(angle: float, radius: float) -> tuple[float, float]:
        return centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle)

    drawn_axes = []
    for label, angle in zip(axes, angles, strict=True):
        end_x, end_y = at(angle, RADAR_RADIUS)
        label_x, label_y = at(angle, RADAR_RADIUS + RADAR_LABEL_GAP)
        cosine, sine = math.cos(angle), math.sin(angle)
        anchor = "start" if cosine > 0.3 else "end" if cosine < -0.3 else "middle"
        texts = wrap(label, RADAR_LABEL_WIDTH)
        if sine < -0.3:  # above the centre: the label grows upwards from the axis end
            first_y = label_y - (len(texts) - 1) * RADAR_LINE_HEIGHT
        elif sine > 0.3:  # below: it hangs under the axis end
            first_y = label_y + RADAR_LINE_HEIGHT * 0.8
        else:
            first_y = label_y - (len(texts) - 1) * RADAR_LINE_HEIGHT / 2 + 4
        lines = [
            TextLine(coord(label_x), coord(first_y + row * RADAR_LINE_HEIGHT), text) for row, text in enumerate(texts)
        ]
        drawn_axes.append(RadarAxis(str(label), coord(end_x), coord(end_y), anchor, lines))

    rings = []
    for ring in RING_VALUES:
        corners = [at(angle, RADAR_RADIUS * ring / 100) for angle in angles]
        # Halfway between the first two axes, where no point of a series can sit.
        label_x, label_y = at(-math.pi / 2 + math.pi / max(count, 1), RADAR_RADIUS * ring / 100 * 0.92)
        rings.append(
            RadarRing(ring, " ".join(f"{coord(x)},{coord(y)}" for x, y in corners), coord(label_x), coord(label_y))
        )

    drawn_series = []
    for position, (name, values) in enumerate(series):
        points = []
        for label, angle, raw in zip(axes, angles, values, strict=True):
            value = number(raw)
            if value is None:
                continue
            x, y = at(angle, RADAR_RADIUS * value / 100)
            offset = -16 if value > 85 else 14
            label_x, label_y = at(angle, RADAR_RADIUS * value / 100 + offset)
            points.append(RadarPoint(str(label), whole(value), coord(x), coord(y), coord(label_x), coord(label_y + 4)))
        if not points:
            continue
        polygon = " ".join(f"{point.x},{point.y}" for point in points) if len(points) >= 3 else ""
        drawn_series.append(RadarSeries(str(name), "current" if position == 0 else "previous", polygon, points))

    return Radar(RADAR_WIDTH, RADAR_HEIGHT, coord(centre_x), coord(centre_y), drawn_axes, rings, drawn_series)


# Bars -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    value: int
    x: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | Hidden  # HIDDEN (hidden or missing): not drawn, the template writes "too few answers" instead
    lines: list[TextLine]  # the label
    x: str
    y: str
    width: str
    height: str
    value_x: str  # where the value (or the note on a missing value) is written
    value_y: str
    reference: NotAFigure[int] | None  # a national figure, not one about the people who answered
    reference_x: str
    reference_top: str
    reference_bottom: str
    pattern: str = "solid"

    @property
    def hidden(self) -> bool:
        return isinstance(self.value, Hidden)


@dataclass(frozen=True)
class BarGroup:
    label: str
    lines: list[TextLine]
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_left: str
    plot_top: str
    plot_bottom: str
    axis_label_y: str
    ticks: list[Tick]
    groups: list[BarGroup]
    patterns: list[str]  # the patterns used, in the order of the series

    @property
    def bars(self) -> list[Bar]:
        return [bar for group in self.groups for bar in group.bars]

    @property
    def has_reference(self) -> bool:
        return any(bar.reference is not None for bar in self.bars)

    @property
    def has_points(self) -> bool:
        return any(not bar.hidden for bar in self.bars)


BAR_WIDTH = 640
BAR_HEIGHT = 18
BAR_GAP = 10
BAR_LINE_HEIGHT = 15
BAR_VALUE_ROOM = 100  # to the right of the plot: the value of a full bar, or the note on a missing one
AXIS_ROOM = 28


@dataclass(frozen=True)
class BarRow:
    label: str
    value: object  # a figure 0–100: a number or a `Cell`; HIDDEN, None and anything else not a number are left out
    reference: object = None  # a national reference figure 0–100, drawn as a dashed line


class _Layout:
    """Places bars top down on a plot that runs from `left` to `right` for 0–100."""

    def __init__(self, left: float, right: float) -> None:
        self.left, self.right = left, right
        self.y = 4.0

    def x_of(self, value: float) -> float:
        return self.left + (self.right - self.left) * value / 100

    def text(self, x: float, texts: list[str]) -> list[TextLine]:
        lines = [
            TextLine(coord(x), coord(self.y + BAR_LINE_HEIGHT * (row + 1) - 3), text) for row, text in enumerate(texts)
        ]
        return lines

    def bar(self, row: BarRow, label_lines: list[TextLine], pattern: str, top: float) -> Bar:
        value, reference = number(row.value), number(row.reference)
        end = self.x_of(value) if value is not None else self.left
        return Bar(
            label=str(row.label),
            value=whole(value) if value is not None else HIDDEN,
            lines=label_lines,
            x=coord(self.left),
            y=coord(top),
            width=coord(max(0.0, end - self.left)),
            height=coord(BAR_HEIGHT),
            value_x=coord(end + 6),
            value_y=coord(top + BAR_HEIGHT - 4),
            reference=whole(reference) if reference is not None else None,
            reference_x=coord(self.x_of(reference)) if reference is not None else "0",
            reference_top=coord(top - 4),
            reference_bottom=coord(top + BAR_HEIGHT + 4),
            pattern=pattern,
        )

    def ticks(self) -> list[Tick]:
        return [Tick(value, coord(self.x_of(value))) for value in SCALE_TICKS]

    def chart(self, top: float, groups: list[BarGroup], patterns: list[str]) -> BarChart:
        """The chart of the bars placed so far, from `top` down to where the layout has reached."""
        bottom = self.y
        return BarChart(
            BAR_WIDTH,
            int(bottom + AXIS_ROOM),
            coord(self.left),
            coord(top),
            coord(bottom),
            coord(bottom + 16),
            self.ticks(),
            groups,
            patterns,
        )


def bar_chart(rows: Sequence[BarRow], *, label_width: int = 80) -> BarChart:
    """Horizontal bars on a 0–100 scale, each with its label on the line above it."""
    layout = _Layout(left=8, right=BAR_WIDTH - BAR_VALUE_ROOM)
    top = layout.y
    groups = []
    for row in rows:
        lines = layout.text(layout.left, wrap(row.label, label_width))
        layout.y += BAR_LINE_HEIGHT * len(lines) + 4
        bar = layout.bar(row, lines, PATTERNS[0], layout.y)
        layout.y += BAR_HEIGHT + BAR_GAP
        groups.append(BarGroup(str(row.label), [], [bar]))
    return layout.chart(top, groups, [PATTERNS[0]])


def grouped_bar_chart(
    groups: Sequence[tuple[str, Sequence[BarRow]]], *, series_label_width: int = 24, group_label_width: int = 80
) -> BarChart:
    """One group of bars per entry of `groups` (a principle, say), one bar per row (a level, say). The n-th row of
    every group belongs to the same series and gets the same pattern; its label stands beside the bar."""
    series_left = 8
    layout = _Layout(left=series_left + 7 * series_label_width + 12, right=BAR_WIDTH - BAR_VALUE_ROOM + 40)
    top = layout.y
    drawn = []
    series_count = 0
    for label, rows in groups:
        heading = layout.text(series_left, wrap(label, group_label_width, max_lines=2))
        layout.y += BAR_LINE_HEIGHT * len(heading) + 4
        bars = []
        for position, row in enumerate(rows):
            series_count = max(series_count, position + 1)
            texts = wrap(row.label, series_label_width, max_lines=2)
            row_height = max(BAR_HEIGHT, BAR_LINE_HEIGHT * len(texts))
            bar_top = layout.y + (row_height - BAR_HEIGHT) / 2
            lines = [
                TextLine(
                    coord(series_left),
                    coord(bar_top + BAR_HEIGHT / 2 + 4 + BAR_LINE_HEIGHT * (row_index - (len(texts) - 1) / 2)),
                    text,
                )
                for row_index, text in enumerate(texts)
            ]
            bars.append(layout.bar(row, lines, PATTERNS[position % len(PATTERNS)], bar_top))
            layout.y += row_height + 4
        layout.y += BAR_GAP
        drawn.append(BarGroup(str(label), heading, bars))
    return layout.chart(top, drawn, [PATTERNS[position % len(PATTERNS)] for position in range(series_count)])
