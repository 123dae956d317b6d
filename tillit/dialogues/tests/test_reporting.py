"""The one way out: the stored report holds every figure as a privacy cell, reads back as the publication, and a
report stored in the old format is redone, never shown, and never written by a read."""

from __future__ import annotations

import datetime
import importlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tillit.dialogues import queries, reporting, tasks, worker
from tillit.dialogues.models import DialogueAnalysis
from tillit.dialogues.tests.test_worker import camps
from tillit.privacy import codec
from tillit.privacy.suppression import Cell

# Keys of the stored report whose numbers are not figures about people: the format, the threshold, the routing
# weights (internal, never published), a statement's number, a map square's place, the grid, and how many statements
# were shown (things, not people).
NOT_FIGURES = {"format", "k", "routing", "statement", "x", "y", "grid", "statements"}
FIGURES = {"participants", "voters", "votes", "size", "people", "new", "cells"}

OLD_REPORT = {  # as stored before format 2: hidden figures null, the others bare numbers
    "k": 5,
    "routing": {"1": 0.5},
    "enough": True,
    "totals": {"participants": 16, "voters": 16, "votes": 7919, "statements": 6, "unverified": 0},
    "statements": [{"statement": 1, "voters": 16, "agree": 100.0, "disagree": 0.0, "pass": 0.0, "withheld": False}],
    "groups": [{"label": "A", "size": None, "representative": []}],
    "people_withheld": False,
    "map": {"cells": [], "grid": 6},
    "consensus": {"groups": [], "rows": []},
    "actor_consensus": {"groups": [], "rows": []},
    "participation": {"days": [{"date": "2026-11-02", "new": 16}], "actor_groups": []},
}


def bare_numbers(data: Any, path: str = "") -> Iterator[str]:
    """Where a decoded report holds a number outside a Cell and outside a key whose numbers are not figures."""
    if isinstance(data, Cell):
        return
    if isinstance(data, dict):
        for key, value in data.items():
            # Only the number itself (or the routing weights) is not a figure: a list under such a key is walked.
            if key in NOT_FIGURES and (key == "routing" or isinstance(value, int | float)):
                continue
            yield from bare_numbers(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from bare_numbers(value, f"{path}[{index}]")
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield path


def figures_that_are_not_cells(data: Any, path: str = "") -> Iterator[str]:
    """Where a value under a figure key is something else than a Cell (or a list of them)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in FIGURES and not isinstance(value, dict):
                values = value if isinstance(value, list) else [value]
                yield from (f"{path}.{key}" for item in values if not isinstance(item, Cell))
            else:
                yield from figures_that_are_not_cells(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from figures_that_are_not_cells(value, f"{path}[{index}]")


@pytest.fixture
def stored(dialogue, organisation, make_member) -> DialogueAnalysis:
    def group_of(camp: int, index: int) -> str:
        return "first_line_manager" if index < 2 else "employee"

    camps(dialogue, organisation, make_member, sizes=(8, 8), group_of=group_of)
    return worker.analyse_dialogue(dialogue)


def test_every_figure_of_the_stored_report_is_a_privacy_cell(stored):
    decoded = codec.decode(stored.report)

    assert decoded["format"] == reporting.FORMAT
    assert list(bare_numbers(decoded)) == []
    assert list(figures_that_are_not_cells(decoded)) == []
    assert any(cell.hidden for cell in (row["people"] for row in decoded["participation"]["actor_groups"]))


def test_the_walk_finds_the_bare_numbers_of_an_old_report():
    found = set(bare_numbers(OLD_REPORT))

    assert {".totals.participants", ".statements[0].voters", ".participation.days[0].new"} <= found
    assert ".groups[0].size" in set(figures_that_are_not_cells(OLD_REPORT))


def test_the_publication_holds_the_cells_of_the_stored_report(stored, dialogue):
    results = queries.results_view(dialogue).results

    assert results.totals.voters == Cell(16, 16)
    assert [group.size for group in results.groups] == [Cell(8, 8), Cell(8, 8)]
    first = results.statements[0]
    assert (first.statement.number, first.statement.text) == (1, dialogue.statements.get(number=1).text)
    assert first.votes.voters == 16
    hidden = [row for row in results.participation.actor_groups if row.people.hidden]
    assert hidden
    assert all(row.people.size is row.people.value for row in hidden)


def test_an_old_report_reads_as_being_updated_and_the_read_writes_nothing(client, dialogue, facilitator):
    DialogueAnalysis.objects.filter(dialogue=dialogue).update(
        report=OLD_REPORT, computed_at=timezone.now(), dirty=False
    )
    dialogue.live_results = True
    dialogue.save(update_fields=["live_results"])
    before = DialogueAnalysis.objects.filter(dialogue=dialogue).values().get()
    client.force_login(facilitator)

    with CaptureQueriesContext(connection) as read:
        view = queries.results_view(dialogue)
    page = client.get(f"/s/{dialogue.public_id}/results/")
    export = client.get(f"/s/{dialogue.public_id}/results.csv")

    assert (view.results, view.pending) == (None, True)
    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in read.captured_queries)
    assert page.status_code == 200
    assert "Analysen uppdateras" in page.content.decode()
    assert not re.search(r"\b7919\b", page.content.decode())
    assert export.status_code == 200
    assert not re.search(r"\b7919\b", export.content.decode("utf-8-sig"))
    assert DialogueAnalysis.objects.filter(dialogue=dialogue).values().get() == before


def test_reading_the_results_never_marks_the_analysis_dirty(stored, client, dialogue, facilitator):
    type(dialogue).objects.filter(pk=dialogue.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(facilitator)

    with CaptureQueriesContext(connection) as pages:
        for suffix in ("results/", "results.csv", "report.pdf"):
            assert client.get(f"/s/{dialogue.public_id}/{suffix}").status_code == 200

    writes = [query["sql"] for query in pages.captured_queries if "dialogues_dialogueanalysis" in query["sql"]]
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in writes)
    assert not DialogueAnalysis.objects.get(dialogue=dialogue).dirty


def test_the_migration_marks_old_reports_for_the_worker_and_leaves_new_ones(
    stored, dialogue, organisation, facilitator
):
    from tillit.dialogues.tests.conftest import make_dialogue

    old = make_dialogue(organisation, facilitator, question="Gammal?")
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    DialogueAnalysis.objects.filter(dialogue=old).update(report=OLD_REPORT, computed_at=an_hour_ago, dirty=False)
    never = make_dialogue(organisation, facilitator, question="Aldrig analyserad?")
    DialogueAnalysis.objects.filter(dialogue=never).update(dirty=False)
    migration = importlib.import_module("tillit.dialogues.migrations.0004_redo_reports_stored_before_cells")

    migration.mark_old_reports(apps, None)

    dirty = dict(DialogueAnalysis.objects.values_list("dialogue_id", "dirty"))
    assert dirty == {dialogue.pk: False, old.pk: True, never.pk: False}
    assert tasks.refresh_dialogue.call(old.pk) == "analysed"
    assert tasks.refresh_dialogue.call(never.pk) == "up to date"
    assert queries.results_view(old).results is not None
