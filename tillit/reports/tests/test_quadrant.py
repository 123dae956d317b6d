"""The priority quadrant's geometry (reports.charts.quadrant) and its drawing in the PDF (reports.pdf)."""

from __future__ import annotations

import pytest

from tillit.privacy.suppression import HIDDEN
from tillit.reports.charts.quadrant import Box, Layout, Point, Quadrant, Scale, quadrant
from tillit.reports.pdf import QUADRANT_MILLIMETRES, ReportWriter

# A 400 × 200 frame at (50, 20): one unit across is 100, one unit up is 50.
LAYOUT = Layout(
    width=500,
    height=300,
    frame=Box(50, 20, 400, 200),
    upper_label_y=10,
    lower_label_y=210,
    x_title_y=260,
    y_title_x=15,
    x_tick_y=235,
    y_tick_x=40,
)


def chart(points: list[Point], layout: Layout = LAYOUT) -> Quadrant:
    return quadrant(
        points,
        layout=layout,
        x_scale=Scale(1, 5),
        y_scale=Scale(0, 4),
        y_split=2,
        x_splits=(2.5, 3.5),
        upper=[("prioritise", "Prioritera"), ("improve", "Förbättra"), ("keep", "Bevara")],
        lower=("lower_priority", "Lägre prioritet"),
    )


def test_the_upper_band_is_cut_into_its_regions_and_the_lower_band_is_one():
    regions = chart([]).regions

    assert [(region.key, region.box) for region in regions] == [
        ("prioritise", Box(50, 20, 150, 100)),
        ("improve", Box(200, 20, 100, 100)),
        ("keep", Box(300, 20, 150, 100)),
        ("lower_priority", Box(50, 120, 400, 100)),
    ]
    assert [(region.label, region.label_x, region.label_y) for region in regions] == [
        ("Prioritera", 125, 10),
        ("Förbättra", 250, 10),
        ("Bevara", 375, 10),
        ("Lägre prioritet", 250, 210),
    ]


def test_the_lines_split_the_bands_and_the_upper_band():
    lines = chart([]).lines

    assert [(line.x1, line.y1, line.x2, line.y2) for line in lines] == [
        (50, 120, 450, 120),
        (200, 20, 200, 120),
        (300, 20, 300, 120),
    ]


def test_a_point_is_placed_by_its_two_figures():
    drawn = chart([Point(1, 2.0, 3.0), Point(2, 5, 0)])

    assert [(marker.label, marker.x, marker.y) for marker in drawn.markers] == [("1", 150, 70), ("2", 450, 220)]
    assert drawn.has_points


def test_a_point_with_a_hidden_or_missing_figure_is_left_out():
    drawn = chart([Point(1, HIDDEN, 3.0), Point(2, 3.0, None), Point(3, True, 2.0), Point(4, float("nan"), 1.0)])

    assert drawn.markers == []
    assert not drawn.has_points


def test_a_point_beyond_the_scale_stays_in_the_frame():
    drawn = chart([Point(1, 9, -1)])

    assert (drawn.markers[0].x, drawn.markers[0].y) == (450, 220)


def test_the_scales_have_a_tick_at_every_whole_number():
    drawn = chart([])

    assert [(tick.value, tick.x, tick.y) for tick in drawn.x_ticks] == [
        (1, 50, 235),
        (2, 150, 235),
        (3, 250, 235),
        (4, 350, 235),
        (5, 450, 235),
    ]
    assert [(tick.value, tick.y) for tick in drawn.y_ticks] == [(0, 220), (1, 170), (2, 120), (3, 70), (4, 20)]
    assert (drawn.x_title_x, drawn.x_title_y, drawn.y_title_x, drawn.y_title_y) == (250, 260, 15, 120)


def test_points_share_a_marker_only_when_the_layout_asks_for_it():
    close = [Point(6, 3.0, 3.0), Point(7, 3.05, 3.02), Point(8, 4.0, 3.0)]
    merging = Layout(**{**LAYOUT.__dict__, "merge_within": 10})

    separate = chart(close).markers
    merged = chart(close, merging).markers

    assert [marker.label for marker in separate] == ["6", "7", "8"]
    assert [(marker.numbers, marker.label, marker.x, marker.y) for marker in merged] == [
        ((6, 7), "6, 7", 252.5, 69.5),
        ((8,), "8", 350, 70),
    ]


def test_the_upper_band_needs_one_region_more_than_it_has_splits():
    with pytest.raises(ValueError, match="one region more"):
        quadrant(
            [],
            layout=LAYOUT,
            x_scale=Scale(1, 5),
            y_scale=Scale(0, 4),
            y_split=2,
            x_splits=(2.5,),
            upper=[("a", "A"), ("b", "B"), ("c", "C")],
            lower=("d", "D"),
        )


def test_the_pdf_draws_the_quadrant_with_its_labels_numbers_and_caption():
    writer = ReportWriter(title="Prov", subject="Prov", author="Norrby kommun", compress=False)

    writer.quadrant(
        chart([Point(1, 2.0, 3.0), Point(2, 2.01, 3.0), Point(3, 4.5, 1.0)], QUADRANT_MILLIMETRES),
        fills={"prioritise": (252, 233, 218)},
        x_title="Uppnås i dag (1–5) →",
        y_title="Vikt (0–4) →",
        caption="Varje effekt placerad efter vikt och hur väl den uppnås.",
    )
    pdf = writer.output()

    for text in ("Prioritera", "Lägre prioritet", "1, 2", "(3)", "Uppnås i dag", "Varje effekt placerad"):
        assert text.encode("cp1252") in pdf, text
