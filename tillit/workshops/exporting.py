"""CSV export of a workshop's aggregated, already-suppressed results (never individual ratings)."""

from __future__ import annotations

import csv
from typing import Any

from django.utils.translation import gettext as _

from tillit.privacy.suppression import Cell
from tillit.workshops.queries import Results


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


def write_results(out: Any, results: Results) -> None:
    """Write the activity and effect rankings; hidden cells are empty (fewer than k raters)."""
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Anonymity threshold"), results.k])
    writer.writerow([])
    writer.writerow(
        [_("Rank"), _("Activity"), _("Expected contribution (0–3)"), _("Lower bound"), _("Upper bound"), _("Raters")]
    )
    for rank, row in enumerate(results.activities, start=1):
        writer.writerow(
            [
                rank,
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
    for rank, row in enumerate(results.effects, start=1):
        writer.writerow(
            [
                rank,
                spreadsheet_text(row.item.title),
                decimal_comma(row.importance.value),
                decimal_comma(row.achievement.value),
                row.quadrant_label,
                _size(row.importance),
            ]
        )
