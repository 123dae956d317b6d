"""The CSV and PDF exports of a dialogue's results: what they show, and that nothing hidden or internal leaks."""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import uuid
from typing import Any

import pytest
from django.utils import timezone, translation

from tillit.dialogues import exporting, report_pdf, reporting
from tillit.dialogues.models import Dialogue
from tillit.dialogues.reporting import ResultsView
from tillit.privacy import codec
from tillit.privacy.suppression import HIDDEN, Cell
from tillit.reports.pdf import DASH

pytestmark = pytest.mark.django_db

ROUTING_FIGURE = "0.918273"  # a routing priority: internal, in neither export
ROUTING_FIGURE_COMMA = ROUTING_FIGURE.replace(".", ",")
HIDDEN_CELL = Cell(HIDDEN, HIDDEN)


def votes(agree: float, disagree: float, passed: float, voters: int) -> Cell[dict[str, float]]:
    return Cell({"agree": agree, "disagree": disagree, "pass": passed}, voters)


def people(count: int) -> Cell[int]:
    return Cell(count, count)


TEXTS = {
    1: "Brukarna ska få träffa samma personal varje vecka.",
    2: '=HYPERLINK("http://example.com","klicka")',
    3: "Dolt påstående med få röster.",
    4: "-1 är bättre än +1 @ alla",
}

# A stored report as the worker writes it (before encoding): every figure a Cell, hidden ones HIDDEN.
REPORT: dict[str, Any] = {
    "format": reporting.FORMAT,
    "k": 5,
    "totals": {"participants": people(41), "voters": people(37), "votes": Cell(613, 37), "statements": 4},
    "routing": {"1": float(ROUTING_FIGURE), "2": 0.5, "3": 0.25, "4": 0.125},
    "enough": True,
    "statements": [
        {"statement": 1, "votes": votes(73.3, 16.7, 10.0, 30), "withheld": False},
        {"statement": 2, "votes": votes(52.4, 38.1, 9.5, 21), "withheld": False},
        # Fewer than k voters: every figure is hidden.
        {"statement": 3, "votes": HIDDEN_CELL, "withheld": False},
        {"statement": 4, "votes": votes(41.7, 33.3, 25.0, 12), "withheld": False},
    ],
    "groups": [
        {
            "label": "A",
            "size": people(17),
            "representative": [
                {"statement": 1, "kind": "agree", "votes": votes(88.2, 5.9, 5.9, 17)},
                {"statement": 3, "kind": "disagree", "votes": HIDDEN_CELL},
            ],
        },
        {"label": "B", "size": people(12), "representative": []},
        {"label": "C", "size": HIDDEN_CELL, "representative": []},
    ],
    "people_withheld": False,
    "map": {"squares": [{"group": "A", "x": 1, "y": 2, "people": people(6)}], "grid": 10},
    "consensus": {"groups": ["A", "B"], "rows": [{"statement": 1, "cells": [votes(88.2, 5.9, 5.9, 17), HIDDEN_CELL]}]},
    "actor_consensus": {
        "groups": ["Medarbetare", "Chefer"],
        "rows": [{"statement": 4, "cells": [votes(45.5, 27.3, 27.2, 11), HIDDEN_CELL]}],
    },
    "participation": {
        "days": [
            {"date": "2025-03-03", "new": people(23)},
            {"date": "2025-03-04", "new": HIDDEN_CELL},
            {"date": "2025-03-05", "new": people(14)},
        ],
        "actor_groups": [
            {"name": "Medarbetare", "people": people(26)},
            {"name": "Chefer", "people": HIDDEN_CELL},
            {"name": None, "people": HIDDEN_CELL},
        ],
    },
}


@pytest.fixture(autouse=True)
def _english():
    """The headings are asserted by their English msgids, whatever the Swedish catalogue says."""
    with translation.override("en"):
        yield


def results(dialogue: Dialogue, report: dict | None = None, texts: dict[int, str] | None = None) -> ResultsView:
    """The view the exports receive: the report stored (encoded) and read back, as the views do."""
    report = copy.deepcopy(REPORT if report is None else report)
    named = {number: (text, uuid.uuid4()) for number, text in (TEXTS if texts is None else texts).items()}
    return reporting.read_back(
        dialogue, codec.encode(report) if report else None, texts=named, computed_at=timezone.now(), dirty=False
    )


def not_enough() -> dict:
    return {"format": reporting.FORMAT, "k": 5, "routing": {"1": float(ROUTING_FIGURE)}, "enough": False}


# CSV ------------------------------------------------------------------------------------------------------


def csv_text(view: ResultsView) -> str:
    return exporting.results_csv(view).content.decode("utf-8-sig")


def csv_rows(view: ResultsView) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text(view)), delimiter=";"))


def row_after(rows: list[list[str]], heading: str, first: str) -> list[str]:
    """The row whose first cell is `first`, in the section that starts with `heading`."""
    start = rows.index([heading])
    return next(row for row in rows[start + 1 :] if row and row[0] == first)


def test_the_csv_is_an_attachment_in_utf8_with_a_bom(dialogue):
    response = exporting.results_csv(results(dialogue))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Disposition"] == (f'attachment; filename="samtal-{timezone.localdate().isoformat()}.csv"')
    assert "Brukarna ska få träffa samma personal varje vecka.".encode() in response.content
    assert "Vad skapar ett gott möte i hemtjänsten?".encode() in response.content


def test_the_csv_has_the_question_the_threshold_and_the_totals(dialogue):
    rows = csv_rows(results(dialogue))

    assert rows[0] == ["Question", "Vad skapar ett gott möte i hemtjänsten?"]
    assert rows[1] == ["Anonymity threshold", "5"]
    assert row_after(rows, "Totals", "Participants") == [
        "Participants",
        "Voters",
        "Votes",
        "Statements",
    ]
    totals = rows[rows.index(["Totals"]) + 2]
    # No count of people in opinion groups: with a group hidden, it would give that group's size by subtraction.
    assert totals == ["41", "37", "613", "4"]


def test_the_csv_lists_every_statement_with_a_decimal_comma(dialogue):
    rows = csv_rows(results(dialogue))

    assert row_after(rows, "All statements", "1") == [
        "1",
        "Brukarna ska få träffa samma personal varje vecka.",
        "73,30",
        "16,70",
        "10,00",
        "30",
    ]


def test_hidden_figures_are_empty_cells_in_the_csv(dialogue):
    rows = csv_rows(results(dialogue))

    assert row_after(rows, "All statements", "3") == ["3", "Dolt påstående med få röster.", "", "", "", ""]
    group_c = row_after(rows, "Opinion groups", "C")
    assert group_c == ["C", ""]
    hidden_rep = next(row for row in rows if row[:3] == ["A", "17", "3"])
    assert hidden_rep[4:] == ["Disagree", "", "", ""]
    consensus = row_after(rows, "Consensus across opinion groups", "1")
    assert consensus[2:] == ["88,20", "5,90", "17", "", "", ""]
    assert row_after(rows, "New participants per day", "2025-03-04") == ["2025-03-04", ""]
    assert row_after(rows, "Participants per actor group", "Chefer") == ["Chefer", ""]
    assert row_after(rows, "Participants per actor group", "Not stated") == ["Not stated", ""]
    text = csv_text(results(dialogue))
    assert "None" not in text
    assert DASH not in text


def test_the_csv_has_the_groups_and_both_consensus_tables(dialogue):
    rows = csv_rows(results(dialogue))

    assert row_after(rows, "Opinion groups", "A") == [
        "A",
        "17",
        "1",
        "Brukarna ska få träffa samma personal varje vecka.",
        "Agree",
        "88,20",
        "5,90",
        "17",
    ]
    assert row_after(rows, "Opinion groups", "B") == ["B", "12"]
    headings = row_after(rows, "Consensus across opinion groups", "No.")
    assert headings[2:5] == ["Group A: agree (%)", "Group A: disagree (%)", "Group A: voters"]
    actor_headings = row_after(rows, "Consensus across actor groups", "No.")
    assert actor_headings[2] == "Medarbetare: agree (%)"
    assert actor_headings[5] == "Chefer: agree (%)"
    actor_row = row_after(rows, "Consensus across actor groups", "4")
    assert actor_row[2:] == ["45,50", "27,30", "11", "", "", ""]
    assert row_after(rows, "New participants per day", "2025-03-05") == ["2025-03-05", "14"]
    assert row_after(rows, "Participants per actor group", "Medarbetare") == ["Medarbetare", "26"]


def test_the_csv_defuses_formulas_in_texts(dialogue):
    dialogue.question = "=SUM(A1:A9)"
    report = copy.deepcopy(REPORT)
    report["participation"]["actor_groups"][0]["name"] = "+Medarbetare"

    text = csv_text(results(dialogue, report))
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))

    assert rows[0] == ["Question", "'=SUM(A1:A9)"]
    assert row_after(rows, "All statements", "2")[1] == "'" + '=HYPERLINK("http://example.com","klicka")'
    assert row_after(rows, "All statements", "4")[1] == "'-1 är bättre än +1 @ alla"
    assert row_after(rows, "Consensus across actor groups", "4")[1] == "'-1 är bättre än +1 @ alla"
    assert row_after(rows, "Participants per actor group", "'+Medarbetare") == ["'+Medarbetare", "26"]
    for row in rows:
        for cell in row:
            assert cell[:1] not in {"=", "+", "@", "\t", "\r"}
            assert not cell.startswith("-") or cell.lstrip("-").replace(",", "").isdigit()


@pytest.mark.parametrize("report", [{}, not_enough()], ids=["empty", "not-enough"])
def test_the_csv_says_when_there_are_no_results(dialogue, report):
    response = exporting.results_csv(results(dialogue, report))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))

    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert rows[0] == ["Question", "Vad skapar ett gott möte i hemtjänsten?"]
    assert rows[1] == ["Anonymity threshold", str(dialogue.organisation.anonymity_threshold)]
    assert rows[-1][0] == "Results are not available"
    assert "All statements" not in response.content.decode("utf-8-sig")


def test_a_not_enough_csv_has_no_count_of_fewer_than_k(dialogue):
    rows = csv_rows(results(dialogue, not_enough()))

    assert ["Totals"] not in rows
    assert rows[-1] == ["Results are not available", "Results are shown once at least 5 people have voted."]


@pytest.mark.parametrize("report", [REPORT, not_enough()], ids=["enough", "not-enough"])
def test_routing_never_reaches_the_csv(dialogue, report):
    text = csv_text(results(dialogue, report))

    assert ROUTING_FIGURE not in text
    assert ROUTING_FIGURE_COMMA not in text
    assert "918" not in text
    assert "routing" not in text.lower()


# PDF ------------------------------------------------------------------------------------------------------


def pdf_of(view: ResultsView) -> bytes:
    """The report, uncompressed so that its text can be searched."""
    response = report_pdf.results_pdf(view, compress=False)
    assert response["Content-Type"] == "application/pdf"
    return response.content


def shows(pdf: bytes, text: str) -> bool:
    """Whether `text` is written on a page: a PDF string in the core fonts' code page, brackets escaped."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"({escaped})".encode("cp1252") in pdf or f"({escaped}".encode("cp1252") in pdf


def test_the_pdf_is_an_attachment(dialogue):
    response = report_pdf.results_pdf(results(dialogue))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (f'attachment; filename="samtal-{timezone.localdate().isoformat()}.pdf"')
    assert response.content.startswith(b"%PDF-")
    assert b"/FlateDecode" in response.content


def test_the_pdf_shows_the_question_the_groups_and_the_statements(dialogue):
    pdf = pdf_of(results(dialogue))

    assert pdf.startswith(b"%PDF-")
    assert shows(pdf, "Vad skapar ett gott möte i hemtjänsten?")
    assert shows(pdf, "Group A: 17 participants")
    assert shows(pdf, "Brukarna ska få")
    assert shows(pdf, "73 %")  # agree on statement 1
    assert shows(pdf, "88 %")  # group A on statement 1
    assert shows(pdf, "6 %")  # 5.9 rounds, as on the results page
    assert shows(pdf, "46 %")  # 45.5 rounds half up
    assert not shows(pdf, "5 %")
    assert shows(pdf, "613")  # votes
    assert shows(pdf, "Medarbetare")
    assert shows(pdf, "Not stated")
    assert shows(pdf, "This group is too small to be described without risk of identifying its members.")
    assert b"/Creator (Tillit)" in pdf


def test_shares_are_rounded_and_hidden_ones_are_a_dash():
    assert report_pdf.percent(5.9) == "6 %"
    assert report_pdf.percent(45.5) == "46 %"
    assert report_pdf.percent(0.0) == "0 %"
    assert report_pdf.percent(HIDDEN) == DASH
    assert report_pdf.percent(float("nan")) == DASH
    assert report_pdf.count(HIDDEN_CELL) == DASH
    assert report_pdf.count(HIDDEN) == DASH
    assert report_pdf.count(people(7)) == "7"


def test_hidden_figures_print_as_a_dash(dialogue):
    report = copy.deepcopy(REPORT)
    # Only statement 3, all hidden; no visible figure anywhere but the totals.
    report["statements"] = [report["statements"][2]]
    report["groups"] = [{"label": "A", "size": HIDDEN_CELL, "representative": []}]
    report["map"]["squares"] = []
    report["consensus"] = {"groups": [], "rows": []}
    report["actor_consensus"] = {"groups": [], "rows": []}
    report["participation"] = {"days": [{"date": "2025-03-04", "new": HIDDEN_CELL}], "actor_groups": []}

    pdf = pdf_of(results(dialogue, report))

    assert shows(pdf, DASH)
    assert shows(pdf, "Dolt påstående med få röster.")
    assert b"None" not in pdf
    assert not shows(pdf, "0 %")
    assert not shows(pdf, "Group A: ")


@pytest.mark.parametrize("report", [REPORT, not_enough()], ids=["enough", "not-enough"])
def test_routing_never_reaches_the_pdf(dialogue, report):
    pdf = pdf_of(results(dialogue, report))

    assert ROUTING_FIGURE.encode() not in pdf
    assert ROUTING_FIGURE_COMMA.encode() not in pdf
    assert b"918273" not in pdf
    assert b"routing" not in pdf.lower()


def test_emoji_and_arrows_do_not_break_the_pdf(dialogue):
    dialogue.question = "Vad gör oss trygga 😀 → hemma ≥ 3?"
    report = copy.deepcopy(REPORT)
    texts = {**TEXTS, 1: "Samma personal 👍🏽 → färre ≠ fler \u200b varje vecka 中文"}
    report["actor_consensus"]["groups"] = ["Brukare 🙂", "Chefer → mellan"]

    pdf = pdf_of(results(dialogue, report, texts))

    assert pdf.startswith(b"%PDF-")
    assert shows(pdf, "Vad gör oss trygga ? -> hemma >= 3?")
    assert shows(pdf, "Samma personal")


def test_long_texts_wrap_and_break_across_pages(dialogue):
    dialogue.question = "Vad skapar ett gott möte? " * 40
    report = copy.deepcopy(REPORT)
    word = "Ordutanmellanrum" * 40
    report["statements"] = [dict(report["statements"][0], statement=number) for number in range(1, 26)]
    texts = dict.fromkeys(range(1, 26), f"{word} " + "Ett långt påstående. " * 200)
    report["consensus"]["groups"] = ["A", "B", "C", "D", "E"]
    report["consensus"]["rows"][0]["cells"] = [HIDDEN_CELL] * 5
    report["actor_consensus"]["groups"] = [f"Aktörsgrupp nummer {n} med ett långt namn" for n in range(9)]
    report["actor_consensus"]["rows"][0]["cells"] = [votes(50.0, 25.0, 25.0, 8)] * 9

    pdf = pdf_of(results(dialogue, report, texts))

    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page\n") >= 5
    assert shows(pdf, "Ett långt påstående.")


def test_zero_groups_render(dialogue):
    report = copy.deepcopy(REPORT)
    report["groups"] = []
    report["map"]["squares"] = []
    report["consensus"] = {"groups": [], "rows": []}
    report["actor_consensus"] = {"groups": [], "rows": []}
    report["participation"] = {"days": [], "actor_groups": []}
    report["statements"] = []

    pdf = pdf_of(results(dialogue, report))

    assert pdf.startswith(b"%PDF-")
    assert shows(pdf, "No opinion groups yet: they form once enough people have voted on enough statements.")
    assert shows(pdf, "Not enough votes yet in two or more groups to tell.")


@pytest.mark.parametrize("report", [{}, not_enough()], ids=["empty", "not-enough"])
def test_a_report_without_results_renders(dialogue, report):
    view = dataclasses.replace(results(dialogue, report), computed_at=None)

    pdf = pdf_of(view)

    assert pdf.startswith(b"%PDF-")
    assert shows(pdf, "Vad skapar ett gott möte i hemtjänsten?")
    assert not shows(pdf, "All statements")
    if report:
        assert shows(pdf, "Results are shown once at least 5 people have voted.")
    else:
        assert shows(pdf, "No results yet")


@pytest.mark.parametrize("report", [REPORT, not_enough(), {}], ids=["enough", "not-enough", "empty"])
def test_both_exports_render_in_swedish(dialogue, report):
    with translation.override("sv"):
        text = csv_text(results(dialogue, report))
        pdf = pdf_of(results(dialogue, report))

    assert text.startswith("Fråga;")
    assert pdf.startswith(b"%PDF-")
    assert shows(pdf, "Vad skapar ett gott möte i hemtjänsten?")
