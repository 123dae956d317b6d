"""CSV export of a dialogue's results: the already-suppressed report of `reporting.results_view`, never votes.

Everything written comes from `view.report`, whose hidden figures are `None`; they are written as empty cells,
never as numbers. Only the keys named below are read, so internal parts of the report (the routing priorities)
cannot reach the file. Statement texts are typed by participants and pass through the workshop export's guard
against spreadsheet formulas.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.dialogues.reporting import NOT_IN_A_GROUP, ResultsView
from tillit.workshops.exporting import decimal_comma, spreadsheet_text

BOM = "\ufeff"  # Excel reads UTF-8 only with a byte-order mark


def _cell_text(value: Any) -> str:
    """Any text from the report or the database, defused against formulas."""
    return spreadsheet_text("" if value is None else str(value))


def _count(value: Any) -> str:
    """A count; empty when hidden (None) or not a number."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return str(int(value))


def _kind(kind: Any) -> str:
    return {"agree": _("Agree"), "disagree": _("Disagree")}.get(kind, "")


def _actor_group_name(name: Any) -> str:
    return _("Not stated") if name == NOT_IN_A_GROUP else _cell_text(name)


def _group_name(label: Any) -> str:
    return _("Group %(label)s") % {"label": _cell_text(label)}


def _share(cell: Any, key: str) -> str:
    return decimal_comma(cell.get(key)) if isinstance(cell, dict) else ""


def _cell_count(cell: Any) -> str:
    return _count(cell.get("voters")) if isinstance(cell, dict) else ""


def filename(extension: str) -> str:
    """A name without anything typed by people in it: `samtal-<date>.<extension>`."""
    return f"samtal-{timezone.localdate().isoformat()}.{extension}"


def write_results(out: Any, view: ResultsView) -> None:
    """Write the results: header, totals, and, when enough have voted, every table of the results page."""
    writer = csv.writer(out, delimiter=";")
    report = view.report or {}
    writer.writerow([_("Question"), _cell_text(view.dialogue.question)])
    writer.writerow([_("Anonymity threshold"), view.k])
    if view.computed_at:
        writer.writerow([_("Analysed"), timezone.localtime(view.computed_at).strftime("%Y-%m-%d %H:%M")])
    writer.writerow([])

    totals = report.get("totals") or {}
    if totals:
        writer.writerow([_("Totals")])
        writer.writerow([_("Participants"), _("Voters"), _("Votes"), _("Statements")])
        writer.writerow([_count(totals.get(key)) for key in ("participants", "voters", "votes", "statements")])
        writer.writerow([])

    if not report.get("enough"):
        reason = (
            _("Results are shown once at least %(k)s people have voted.") % {"k": view.k}
            if report
            else _("No results yet")
        )
        writer.writerow([_("Results are not available"), reason])
        return

    _statements(writer, report.get("statements") or [])
    _groups(writer, report.get("groups") or [])
    consensus = report.get("consensus") or {}
    _consensus(
        writer,
        _("Consensus across opinion groups"),
        [_group_name(label) for label in consensus.get("groups") or []],
        consensus.get("rows") or [],
    )
    actor_consensus = report.get("actor_consensus") or {}
    _consensus(
        writer,
        _("Consensus across actor groups"),
        [_actor_group_name(name) for name in actor_consensus.get("groups") or []],
        actor_consensus.get("rows") or [],
    )
    _participation(writer, report.get("participation") or {})


def _statements(writer: Any, rows: Sequence[dict]) -> None:
    writer.writerow([_("All statements")])
    writer.writerow([_("No."), _("Statement"), _("Agree (%)"), _("Disagree (%)"), _("Pass (%)"), _("Voters")])
    for row in rows:
        writer.writerow(
            [
                _count(row.get("statement")),
                _cell_text(row.get("text")),
                decimal_comma(row.get("agree")),
                decimal_comma(row.get("disagree")),
                decimal_comma(row.get("pass")),
                _count(row.get("voters")),
            ]
        )
    writer.writerow([])


def _groups(writer: Any, groups: Sequence[dict]) -> None:
    writer.writerow([_("Opinion groups")])
    if not groups:
        writer.writerow([_("No opinion groups yet: they form once enough people have voted on enough statements.")])
        writer.writerow([])
        return
    writer.writerow(
        [
            _("Group"),
            _("Participants"),
            _("No."),
            _("Representative statement"),
            _("The group tends to"),
            _("Agree in the group (%)"),
            _("Disagree in the group (%)"),
            _("Voters in the group"),
        ]
    )
    for group in groups:
        label = _cell_text(group.get("label"))
        size = _count(group.get("size"))
        representative = group.get("representative") or []
        if not representative:
            writer.writerow([label, size])
        for rep in representative:
            cell = rep.get("group")
            writer.writerow(
                [
                    label,
                    size,
                    _count(rep.get("statement")),
                    _cell_text(rep.get("text")),
                    _kind(rep.get("kind")),
                    _share(cell, "agree"),
                    _share(cell, "disagree"),
                    _cell_count(cell),
                ]
            )
    writer.writerow([])


def _consensus(writer: Any, title: str, groups: Sequence[str], rows: Sequence[dict]) -> None:
    writer.writerow([title])
    if not rows or not groups:
        writer.writerow([_("Not enough votes yet in two or more groups to tell.")])
        writer.writerow([])
        return
    headings = [_("No."), _("Statement")]
    for group in groups:
        headings += [
            _("%(group)s: agree (%%)") % {"group": group},
            _("%(group)s: disagree (%%)") % {"group": group},
            _("%(group)s: voters") % {"group": group},
        ]
    writer.writerow(headings)
    for row in rows:
        cells = list(row.get("cells") or [])
        cells += [None] * (len(groups) - len(cells))
        values = [_count(row.get("statement")), _cell_text(row.get("text"))]
        for cell in cells[: len(groups)]:
            values += [_share(cell, "agree"), _share(cell, "disagree"), _cell_count(cell)]
        writer.writerow(values)
    writer.writerow([])


def _participation(writer: Any, participation: dict) -> None:
    writer.writerow([_("New participants per day")])
    writer.writerow([_("Day"), _("New participants")])
    for day in participation.get("days") or []:
        writer.writerow([_cell_text(day.get("date")), _count(day.get("new"))])
    writer.writerow([])
    writer.writerow([_("Participants per actor group")])
    writer.writerow([_("Actor group"), _("Participants")])
    for row in participation.get("actor_groups") or []:
        writer.writerow([_actor_group_name(row.get("name")), _count(row.get("count"))])


def results_csv(view: ResultsView) -> HttpResponse:
    """The results as a CSV attachment (UTF-8 with BOM, `;` between cells, decimal comma, hidden cells empty)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename("csv")}"'
    response.write(BOM)
    write_results(response, view)
    return response
