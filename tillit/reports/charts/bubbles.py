"""Bubbles on a square grid: one circle per shown square, its area proportional to the people in it, drawn on the
server as SVG (an opinion map). This module computes the geometry; the part's template draws it, with a table of
the same figures beside it.

A square's people are a `Cell` as the publication holds it. A hidden square gets no circle, and the circles are
scaled to the largest shown square only, so a hidden figure cannot be read off the sizes. Squares of several series
(opinion groups) in the same place sit side by side, each series shifted a little by its place in `series`.
Coordinates come out as strings with a decimal point (`coord`), so that a Swedish locale's decimal comma cannot
break the SVG.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tillit.privacy.suppression import Cell, Hidden, NotAFigure
from tillit.reports.charts import coord

__all__ = ["GRID_SIZE", "Bubble", "GridSquare", "grid_bubbles"]

GRID_SIZE = 300  # the drawing's width and height
SMALLEST_RADIUS = 6.0  # so that a label fits in the smallest circle
SERIES_SHIFT = 0.08  # of a square's side, between neighbouring series


@dataclass(frozen=True)
class GridSquare:
    series: str
    x: NotAFigure[int]  # column, from the left (0 .. grid - 1)
    y: NotAFigure[int]  # row, from the bottom
    people: Cell[int]


@dataclass(frozen=True)
class Bubble:
    series: str
    people: Cell[int]
    cx: str
    cy: str
    r: str
    colour: str


def grid_bubbles(
    squares: Sequence[GridSquare],
    *,
    grid: int,
    series: Sequence[str],
    colours: Mapping[str, str],
    size: int = GRID_SIZE,
) -> list[Bubble]:
    """The circles of the shown squares, in the order given."""
    shown = [(square, square.people.value) for square in squares if not isinstance(square.people.value, Hidden)]
    if not shown:
        return []
    step = size / grid
    largest = max(people for _square, people in shown) or 1
    middle = (len(series) - 1) / 2
    bubbles = []
    for square, people in shown:
        radius = max(SMALLEST_RADIUS, (people / largest) ** 0.5 * step * 0.48)
        offset = (series.index(square.series) - middle) * step * SERIES_SHIFT
        bubbles.append(
            Bubble(
                series=square.series,
                people=square.people,
                cx=coord((square.x + 0.5) * step + offset),
                cy=coord(size - (square.y + 0.5) * step),
                r=coord(radius),
                colour=colours[square.series],
            )
        )
    return bubbles
