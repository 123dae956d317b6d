"""Stacked bars per period: segments bottom up in the series' order, a whole-number scale from shown values only,
every period in its slot, and at most twelve periods named under the axis."""

from __future__ import annotations

import itertools

import pytest
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from tillit.privacy.suppression import HIDDEN, Cell
from tillit.reports.charts import PATTERNS
from tillit.reports.charts.series import nice_ticks, stacked_series_bars


def test_segments_stack_bottom_up_in_the_order_of_the_series():
    chart = stacked_series_bars(["jan 2026", "feb 2026"], [("Trygghet", [1, 3]), ("Bemötande", [2, 1])], height=220)

    first = chart.columns[0]
    assert [segment.series for segment in first.segments] == ["Trygghet", "Bemötande"]
    assert first.total == 3
    # The baseline is at 180, the scale runs 0–4 over 162 points: one suggestion is 40.5 high.
    assert [(segment.y, segment.height) for segment in first.segments] == [("139.5", "40.5"), ("58.5", "81.0")]
    assert [tick.value for tick in chart.ticks] == [0, 1, 2, 3, 4]
    assert [entry.pattern for entry in chart.legend] == ["solid", "diagonal"]


def test_a_zero_or_hidden_value_gets_no_segment_and_does_not_reach_the_scale():
    chart = stacked_series_bars(["a", "b"], [("A", [2, 0]), ("B", [Cell(HIDDEN, HIDDEN), None]), ("C", [HIDDEN, 1])])

    assert [segment.series for segment in chart.columns[0].segments] == ["A"]
    assert [segment.series for segment in chart.columns[1].segments] == ["C"]
    assert [column.total for column in chart.columns] == [2, 1]
    assert chart.ticks[-1].value == 2


def test_an_empty_period_keeps_its_slot_without_a_bar_or_a_total():
    chart = stacked_series_bars(["a", "b", "c"], [("A", [1, 0, 1])])

    assert [column.segments == [] for column in chart.columns] == [False, True, False]
    assert [column.total_shown for column in chart.columns] == [True, False, True]
    assert float(chart.columns[2].segments[0].x) > float(chart.columns[0].segments[0].x)
    assert chart.has_points
    assert not stacked_series_bars(["a"], [("A", [0])]).has_points


def test_at_most_twelve_periods_are_named_under_the_axis_and_totals_only_where_they_fit():
    months = [f"m{index}" for index in range(36)]
    chart = stacked_series_bars(months, [("A", [1] * 36)])

    named = [column.label for column in chart.columns if column.lines]
    assert named == [f"m{index}" for index in range(0, 36, 3)]
    assert not any(column.total_shown for column in chart.columns)


def test_a_series_with_the_wrong_number_of_values_is_refused():
    with pytest.raises(ValueError, match="2 values for 3 periods"):
        stacked_series_bars(["a", "b", "c"], [("A", [1, 2])])


def test_more_series_than_patterns_go_round_the_patterns_again():
    chart = stacked_series_bars(["a"], [(str(index), [1]) for index in range(len(PATTERNS) + 1)])

    assert chart.legend[-1].pattern == PATTERNS[0]


@given(st.floats(min_value=0, max_value=1e7, allow_nan=False))
def test_the_scale_reaches_the_largest_value_in_at_most_five_whole_steps(largest):
    ticks = nice_ticks(largest)

    assert ticks[0] == 0
    assert ticks[-1] >= largest
    assert 2 <= len(ticks) <= 6
    step = ticks[1]
    assert all(b - a == step for a, b in itertools.pairwise(ticks))
    assert int(str(step).rstrip("0") or "0") in {1, 2, 5}


@given(st.lists(st.lists(st.integers(min_value=0, max_value=500), min_size=3, max_size=3), min_size=1, max_size=8))
def test_no_bar_rises_above_the_plot_and_each_stack_is_as_high_as_its_total(rows):
    chart = stacked_series_bars(["a", "b", "c"], [(str(index), row) for index, row in enumerate(rows)])

    top = float(chart.ticks[-1].y)
    scale = (float(chart.baseline) - top) / chart.ticks[-1].value
    for column in chart.columns:
        if column.segments:
            assert float(column.segments[-1].y) >= top - 0.1
            height = sum(float(segment.height) for segment in column.segments)
            assert height == pytest.approx(column.total * scale, abs=0.1 * len(column.segments))


def test_the_template_draws_the_segments_with_patterns_and_a_legend():
    chart = stacked_series_bars(["jan 2026"], [("Trygghet", [1]), ("Bemötande", [2])])

    html = render_to_string(
        "reports/charts/stacked.html", {"chart": chart, "chart_id": "c", "title": "Förslag", "description": "per månad"}
    )

    assert html.count('class="bars__bar"') == 4  # two segments and two legend swatches
    assert 'fill="url(#c-diagonal)"' in html
    assert 'id="c-diagonal"' in html
    assert "Bemötande" in html
    assert ">3</text>" in html
