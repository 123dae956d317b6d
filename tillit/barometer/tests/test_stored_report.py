"""A sealed round's report as it is kept (`reporting.stored_form`): read back, it equals the report built afresh,
hidden figures stay hidden (never null or 0), and a page reads it without rebuilding it."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tillit.barometer import actions, queries, reporting
from tillit.barometer.models import Round
from tillit.privacy.suppression import HIDDEN, Hidden

pytestmark = pytest.mark.django_db

TEXT = "Mer tid hos brukaren"


@pytest.fixture
def closed_round(organisation, home_unit, small_unit, front_line, employees, make_round, add_responses) -> Round:
    """Eight answers in Hemtjänst Norr (with free text), two in its sibling and three through the open link: the
    small units hidden, their parent shown, some item figures hidden."""
    round = make_round(organisation)
    add_responses(round, home_unit, 8, level=front_line, actor_group=employees, mean=4.0, texts={"open_value": TEXT})
    add_responses(round, small_unit, 2, level=front_line, actor_group=employees, mean=2.0, seed=1)
    add_responses(round, home_unit.parent, 3, seed=2, verified=False)
    return actions.close_round(round=round)


def through_json(stored: dict) -> dict:
    """What the cache gives back, as plain JSON data: nothing in the stored form needs more than JSON."""
    return json.loads(json.dumps(stored))


def test_the_stored_form_read_back_equals_the_report_built_afresh(closed_round):
    fresh = reporting.build_report(closed_round)
    stored = through_json(reporting.stored_form(fresh))
    restored = reporting.from_stored_form(stored, queries.questionnaire_items(closed_round))

    assert restored is not None
    assert restored.round_id == fresh.round_id
    assert restored.k == fresh.k
    assert [item.pk for item in restored.items] == [item.pk for item in fresh.items]
    assert set(restored.cells) == set(fresh.cells)
    for key, cell in fresh.cells.items():
        assert restored.cells[key] == cell, key
        assert restored.cell(key).shown == cell.shown
    assert restored.text_units == fresh.text_units
    assert restored.text_total == fresh.text_total
    assert restored.unverified == fresh.unverified
    assert restored.hidden_because == fresh.hidden_because
    assert restored == fresh
    assert restored.cell(("unit", -1)) == reporting.CellFigures(HIDDEN, HIDDEN)


def test_hidden_figures_are_stored_as_hidden_never_as_null_or_zero(closed_round, small_unit):
    fresh = reporting.build_report(closed_round)
    key = reporting.unit_cell(small_unit.pk)
    assert not fresh.cell(key).shown
    stored = reporting.stored_form(fresh)
    text = stored["cells"][json.dumps(list(key))]
    assert "__hidden__" in text
    assert "null" not in text
    restored = reporting.from_stored_form(through_json(stored), queries.questionnaire_items(closed_round))
    assert restored is not None
    cell = restored.cell(key)
    assert isinstance(cell.respondents, Hidden)
    assert all(isinstance(figures.index, Hidden) for figures in cell.items.values())
    shown_items = restored.cell(reporting.TOTAL).items.values()
    assert any(isinstance(figures.distribution, tuple) for figures in shown_items)


def test_a_page_reads_the_stored_form_and_does_not_rebuild_it(closed_round, monkeypatch):
    cache.clear()
    first = reporting.round_report(closed_round)

    def rebuilt(round: Round) -> reporting.RoundReport:
        raise AssertionError("the stored report was built again")

    monkeypatch.setattr(reporting, "build_report", rebuilt)
    with CaptureQueriesContext(connection) as read:
        again = reporting.round_report(closed_round)
    assert isinstance(again.cells, reporting.StoredCells)
    assert again == first
    assert len(read.captured_queries) <= 2  # the cache entry and the questionnaire's items


def test_a_stored_form_whose_items_changed_is_built_again(closed_round):
    fresh = reporting.build_report(closed_round)
    stored = through_json(reporting.stored_form(fresh))
    assert reporting.from_stored_form(stored, queries.questionnaire_items(closed_round)[1:]) is None
    cache.clear()
    cache.set(f"barometer-report:{reporting.CACHE_VERSION}:{closed_round.pk}:{closed_round.k}", stored, timeout=None)
    assert reporting.round_report(closed_round) == fresh
