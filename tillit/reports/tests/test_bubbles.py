from tillit.privacy.suppression import HIDDEN, Cell
from tillit.reports.charts.bubbles import GridSquare, grid_bubbles

COLOURS = {"A": "#000000", "B": "#111111"}


def bubbles(squares):
    return grid_bubbles(squares, grid=10, series="AB", colours=COLOURS, size=300)


def test_a_hidden_square_gets_no_circle_and_does_not_change_the_others():
    shown = [GridSquare("A", 0, 0, Cell(40, 40)), GridSquare("B", 9, 9, Cell(10, 10))]
    with_hidden = [*shown, GridSquare("B", 5, 5, Cell(HIDDEN, HIDDEN))]

    assert bubbles(with_hidden) == bubbles(shown)
    assert [bubble.series for bubble in bubbles(with_hidden)] == ["A", "B"]


def test_areas_follow_the_people_and_the_rows_count_from_the_bottom():
    large, small = bubbles([GridSquare("A", 0, 0, Cell(40, 40)), GridSquare("B", 9, 9, Cell(10, 10))])

    assert float(large.r) == 14.4  # the largest: 0.48 of a 30-unit square
    assert float(small.r) == 7.2  # a quarter of the people: half the radius
    assert (float(large.cx), float(large.cy)) == (15 - 1.2, 285.0)  # bottom left, series A shifted left
    assert (float(small.cx), float(small.cy)) == (285 + 1.2, 15.0)


def test_nothing_shown_draws_nothing():
    assert bubbles([GridSquare("A", 1, 1, Cell(HIDDEN, HIDDEN))]) == []
