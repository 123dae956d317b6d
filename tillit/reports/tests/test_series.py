"""The time-series bars: geometry from figures, hidden periods without a bar, and no hidden figure on the scale."""

from __future__ import annotations

import pytest

from tillit.privacy.suppression import HIDDEN, Cell
from tillit.reports.charts.series import SeriesBar, series_bars, shown_value


def test_each_period_gets_an_equal_slot_and_the_largest_bar_reaches_the_headroom():
    chart = series_bars([("1 mars", 10), ("2 mars", 5), ("3 mars", 20)], width=600, height=160)

    assert [bar.x for bar in chart.bars] == ["20.0", "220.0", "420.0"]
    assert {bar.width for bar in chart.bars} == {"160.0"}
    tallest = chart.bars[2]
    assert (tallest.y, tallest.height) == ("10.0", "150.0")
    assert (chart.bars[1].y, chart.bars[1].height) == ("122.5", "37.5")
    assert chart.baseline == "160.0"
    assert [bar.label for bar in chart.bars] == ["1 mars", "2 mars", "3 mars"]


def test_a_hidden_period_keeps_its_slot_but_has_no_bar():
    chart = series_bars([("1 mars", Cell(6, 6)), ("2 mars", Cell(HIDDEN, HIDDEN)), ("3 mars", HIDDEN), ("4", None)])

    hidden = chart.bars[1:]
    assert [bar.shown for bar in chart.bars] == [True, False, False, False]
    assert all(bar.value is HIDDEN for bar in hidden)
    assert {bar.height for bar in hidden} == {"0.0"}
    assert chart.bars[0].value == 6
    assert chart.bars[1].x == "165.0"


def test_the_scale_comes_from_shown_values_only():
    # A hidden figure larger than every shown one must not shrink the shown bars: it would show on the scale.
    with_hidden = series_bars([("a", 4), ("b", Cell(HIDDEN, HIDDEN))])
    alone = series_bars([("a", 4), ("b", 0)])

    assert with_hidden.bars[0].height == alone.bars[0].height == "150.0"


def test_nothing_shown_draws_nothing_and_an_empty_series_is_empty():
    assert not series_bars([("a", HIDDEN), ("b", None)]).has_points
    empty = series_bars([])
    assert empty.bars == []
    assert not empty.has_points


@pytest.mark.parametrize("value", [True, float("nan"), -1, "7", object()])
def test_what_is_not_a_figure_to_draw_counts_as_hidden(value):
    assert shown_value(value) is HIDDEN


def test_coordinates_have_a_decimal_point_whatever_the_language():
    from django.utils import translation

    with translation.override("sv"):
        bar: SeriesBar = series_bars([("a", 1), ("b", 3)], width=7).bars[0]

    assert "," not in bar.x + bar.y + bar.width + bar.height
