"""A priority quadrant's geometry: points placed by two figures on a frame cut into regions, as pure functions.

The chart a workshop's results draw (importance up, how well achieved across): a frame, a horizontal line that
splits it into an upper and a lower band, vertical lines that split the upper band into regions, a label per
region, the scales' ticks, the axis titles' places and one numbered marker per point. The page draws it as SVG
(in pixels), the PDF writer as vector graphics (in millimetres, `tillit.reports.pdf.ReportWriter.quadrant`): each
passes its own `Layout`, and the geometry comes out in the same units.

Points are plain values: a number, an x and a y on the chart's scales. A point whose x or y is not a number to draw
(hidden by the anonymity rules, or missing: `HIDDEN`, None) is left out; the table beside the chart says why.
Points whose markers would overlap can share one marker (`Layout.merge_within`), labelled with all their numbers.
Coordinates are floats rounded to one decimal; an SVG template writes them with `unlocalize`, so that a Swedish
locale's decimal comma cannot break the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tillit.reports.charts import drawable

__all__ = [
    "Box",
    "Layout",
    "Marker",
    "Point",
    "Quadrant",
    "Region",
    "Scale",
    "Segment",
    "Tick",
    "quadrant",
]


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return round(self.x + self.width, 1)

    @property
    def bottom(self) -> float:
        return round(self.y + self.height, 1)


@dataclass(frozen=True)
class Layout:
    """Where the chart sits on its canvas, in the drawing's units (SVG pixels, PDF millimetres), origin top left.

    The labels' places are lines the drawing writes on (a baseline in SVG, a centre line in the PDF: each
    layout says what suits its drawing)."""

    width: float  # the canvas
    height: float
    frame: Box  # the plot: the scales' ends are its edges
    upper_label_y: float  # the upper regions' labels
    lower_label_y: float  # the lower region's label
    x_title_y: float  # the x axis title, centred under the frame
    y_title_x: float  # the y axis title, centred beside the frame (the drawing turns it)
    x_tick_y: float = 0.0  # the x scale's numbers
    y_tick_x: float = 0.0  # the y scale's numbers
    merge_within: float = 0.0  # points closer than this across and up share a marker; 0: each its own


@dataclass(frozen=True)
class Scale:
    """A scale from `low` to `high` (the frame's edges), with a tick at every whole number between."""

    low: float
    high: float

    def share(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)

    @property
    def ticks(self) -> list[int]:
        return list(range(math.ceil(self.low), math.floor(self.high) + 1))


@dataclass(frozen=True)
class Point:
    number: int  # written in the marker, and in the table beside the chart
    x: object  # on the x scale; anything that is not a number leaves the point out
    y: object


@dataclass(frozen=True)
class Region:
    key: str
    label: str
    box: Box
    label_x: float  # the label's centre across
    label_y: float


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Tick:
    value: int
    x: float
    y: float


@dataclass(frozen=True)
class Marker:
    numbers: tuple[int, ...]
    x: float
    y: float

    @property
    def label(self) -> str:
        return ", ".join(str(number) for number in self.numbers)


@dataclass(frozen=True)
class Quadrant:
    width: float
    height: float
    frame: Box
    regions: list[Region]  # the upper band's, left to right, then the lower band's
    lines: list[Segment]  # the split between the bands, then the splits of the upper band
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    x_title_x: float
    x_title_y: float
    y_title_x: float
    y_title_y: float
    markers: list[Marker]

    @property
    def has_points(self) -> bool:
        return bool(self.markers)


def _round(value: float) -> float:
    return round(value, 1)


def quadrant(
    points: Sequence[Point],
    *,
    layout: Layout,
    x_scale: Scale,
    y_scale: Scale,
    y_split: float,
    x_splits: Sequence[float],
    upper: Sequence[tuple[str, str]],
    lower: tuple[str, str],
) -> Quadrant:
    """The quadrant of `points` on `layout`: the bands split at `y_split` (up), the upper band at each of
    `x_splits` (across), `upper` naming its regions left to right (key, label: one more than `x_splits`) and
    `lower` the lower band. Points outside the scales are kept inside the frame."""
    if len(upper) != len(x_splits) + 1:
        raise ValueError("The upper band needs one region more than it has splits.")
    frame = layout.frame

    def x_of(value: float) -> float:
        return frame.x + min(1.0, max(0.0, x_scale.share(value))) * frame.width

    def y_of(value: float) -> float:
        return frame.y + frame.height - min(1.0, max(0.0, y_scale.share(value))) * frame.height

    split_y = y_of(y_split)
    edges = [x_scale.low, *x_splits, x_scale.high]
    regions = []
    for (key, label), low, high in zip(upper, edges[:-1], edges[1:], strict=True):
        left, right = x_of(low), x_of(high)
        box = Box(_round(left), _round(frame.y), _round(right - left), _round(split_y - frame.y))
        regions.append(Region(key, label, box, _round((left + right) / 2), _round(layout.upper_label_y)))
    lower_box = Box(_round(frame.x), _round(split_y), _round(frame.width), _round(frame.y + frame.height - split_y))
    regions.append(
        Region(lower[0], lower[1], lower_box, _round(frame.x + frame.width / 2), _round(layout.lower_label_y))
    )

    lines = [Segment(_round(frame.x), _round(split_y), _round(frame.x + frame.width), _round(split_y))]
    lines += [Segment(_round(x_of(x)), _round(frame.y), _round(x_of(x)), _round(split_y)) for x in x_splits]

    return Quadrant(
        width=layout.width,
        height=layout.height,
        frame=frame,
        regions=regions,
        lines=lines,
        x_ticks=[Tick(value, _round(x_of(value)), _round(layout.x_tick_y)) for value in x_scale.ticks],
        y_ticks=[Tick(value, _round(layout.y_tick_x), _round(y_of(value))) for value in y_scale.ticks],
        x_title_x=_round(frame.x + frame.width / 2),
        x_title_y=_round(layout.x_title_y),
        y_title_x=_round(layout.y_title_x),
        y_title_y=_round(frame.y + frame.height / 2),
        markers=_markers(
            [
                (x_of(x), y_of(y), point.number)
                for point in points
                if (x := drawable(point.x)) is not None and (y := drawable(point.y)) is not None
            ],
            layout.merge_within,
        ),
    )


def _markers(placed: list[tuple[float, float, int]], within: float) -> list[Marker]:
    """One marker per point, except that points closer than `within` to a point of a marker (across and up)
    join it: the marker then sits at their mean place and names them all."""
    clusters: list[list[tuple[float, float, int]]] = []
    for point in placed:
        for cluster in clusters:
            if any(abs(x - point[0]) < within and abs(y - point[1]) < within for x, y, _number in cluster):
                cluster.append(point)
                break
        else:
            clusters.append([point])
    return [
        Marker(
            tuple(number for _x, _y, number in cluster),
            _round(sum(x for x, _y, _number in cluster) / len(cluster)),
            _round(sum(y for _x, y, _number in cluster) / len(cluster)),
        )
        for cluster in clusters
    ]
