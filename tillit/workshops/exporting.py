"""CSV export of a workshop's aggregated, already-suppressed results (never individual ratings).

The CSV is part of the same publication as the results page and the PDF: it reads the same `Results`, so
it shows exactly the figures the page shows, in the same order, and leaves every hidden one empty.
"""

from __future__ import annotations

import csv
from typing import Any

from django.utils.translation import gettext as _

from tillit.privacy.suppression import Cell
from tillit.workshops.queries import GroupTable, Results


def decimal_comma(value: Any) -> str:
    """A figure with a decimal comma; empty when hidden or undefined."""
    if value is None or not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    return f"{value:.2f}".replace(".", ",")


def spreadsheet_text(value: str) -> str:
    """Card titles are typed by participants: keep spreadsheets from reading them as formulas."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def _size(cell: Cell) -> str:
    return "" if cell.hidden else str(cell.size)


def _rank(rank: int | None) -> str:
    return "" if rank is None else str(rank)


def _figure(cell: Cell | None) -> str:
    return "" if cell is None or cell.hidden else decimal_comma(cell.value)


def people_count(cell: Cell, k: int) -> str:
    """A count of people as the CSV says it: the number, or "fewer than k"."""
    return str(cell.value) if not cell.hidden else _("fewer than %(k)s") % {"k": k}


def write_results(out: Any, results: Results) -> None:
    """Write the rankings, the matrix and the group tables; hidden cells are empty, hidden rows unranked."""
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Anonymity threshold"), results.k])
    writer.writerow([_("People who have rated"), people_count(results.raters, results.k)])
    if not results.guest_raters.hidden:
        writer.writerow([_("Of them, guests"), results.guest_raters.value])
    writer.writerow([])
    writer.writerow(
        [_("Rank"), _("Activity"), _("Expected contribution (0–3)"), _("Lower bound"), _("Upper bound"), _("Raters")]
    )
    for row in results.activities:
        writer.writerow(
            [
                _rank(row.rank),
                spreadsheet_text(row.item.title),
                decimal_comma(row.score.value),
                decimal_comma(row.low),
                decimal_comma(row.high),
                _size(row.score),
            ]
        )
    writer.writerow([])
    writer.writerow(
        [
            _("Rank"),
            _("Effect"),
            _("Importance (0–4)"),
            _("Achieved today (1–5)"),
            _("Priority"),
            _("Raters of importance"),
        ]
    )
    for row in results.effects:
        writer.writerow(
            [
                _rank(row.rank),
                spreadsheet_text(row.item.title),
                decimal_comma(row.importance.value),
                decimal_comma(row.achievement.value),
                row.quadrant_label,
                _size(row.importance),
            ]
        )
    if results.matrix and results.matrix_effects:
        writer.writerow([])
        writer.writerow([_("How much each activity contributes to each effect")])
        writer.writerow([_("Activity"), *(spreadsheet_text(effect.title) for effect in results.matrix_effects)])
        for matrix_row in results.matrix:
            writer.writerow(
                [spreadsheet_text(matrix_row.activity.title), *(_figure(cell) for cell in matrix_row.cells)]
            )
    for table, caption in (
        (results.importance_by_actor_group, _("Importance of the effects, by actor group")),
        (results.contribution_by_actor_group, _("Expected contribution of the activities, by actor group")),
        (results.importance_by_level, _("Importance of the effects, by level")),
        (results.contribution_by_level, _("Expected contribution of the activities, by level")),
    ):
        _write_group_table(writer, table, caption)


def _write_group_table(writer: Any, table: GroupTable, caption: str) -> None:
    if not (table.groups and table.rows):
        return
    writer.writerow([])
    writer.writerow([caption])
    writer.writerow([_("Item"), _("All"), *(spreadsheet_text(name) for name in table.groups), _("Difference")])
    for row in table.rows:
        writer.writerow(
            [
                spreadsheet_text(row.item.title),
                _figure(row.overall),
                *(_figure(cell) for cell in row.by_group),
                decimal_comma(row.spread),
            ]
        )
