"""CSV export of a workshop's aggregated, already-suppressed results (never individual ratings), and its decisions.

The CSV is part of the same publication as the results page and the PDF: it reads the same `Results`
(reporting.py), so it shows exactly the figures the page shows, in the same order, and leaves every hidden one
empty. Writing (UTF-8 with a byte-order mark, `;`, the guard against formulas) is `tillit.reports.spreadsheets`'s;
figures are written with two decimals and a decimal comma, as the page shows them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from tillit.privacy.suppression import Cell
from tillit.reports.spreadsheets import Row, csv_bytes, decimal_comma
from tillit.workshops.models import Decision
from tillit.workshops.reporting import GroupTable, Results


def _size(cell: Cell[float]) -> str:
    return "" if cell.hidden else str(cell.size)


def _rank(rank: int | None) -> str:
    return "" if rank is None else str(rank)


def people_count(cell: Cell[int], k: int) -> str:
    """A count of people as the CSV says it: the number, or "fewer than k"."""
    return str(cell.value) if not cell.hidden else _("fewer than %(k)s") % {"k": k}


def results_rows(results: Results) -> list[Row]:
    """The rankings, the matrix and the group tables as rows; hidden cells are empty, hidden rows unranked."""
    rows: list[Row] = [
        [_("Anonymity threshold"), results.k],
        [_("People who have rated"), people_count(results.raters, results.k)],
    ]
    if not results.guest_raters.hidden:
        rows.append([_("Of them, guests"), results.guest_raters.value])
    rows.append([])
    rows.append(
        [_("Rank"), _("Activity"), _("Expected contribution (0–3)"), _("Lower bound"), _("Upper bound"), _("Raters")]
    )
    rows += [
        [
            _rank(row.rank),
            row.item.title,
            decimal_comma(row.score),
            decimal_comma(row.low),
            decimal_comma(row.high),
            _size(row.score),
        ]
        for row in results.activities
    ]
    rows.append([])
    rows.append(
        [
            _("Rank"),
            _("Effect"),
            _("Importance (0–4)"),
            _("Achieved today (1–5)"),
            _("Priority"),
            _("Raters of importance"),
        ]
    )
    rows += [
        [
            _rank(row.rank),
            row.item.title,
            decimal_comma(row.importance),
            decimal_comma(row.achievement),
            row.quadrant_label,
            _size(row.importance),
        ]
        for row in results.effects
    ]
    if results.matrix and results.matrix_effects:
        rows.append([])
        rows.append([_("How much each activity contributes to each effect")])
        rows.append([_("Activity"), *(effect.title for effect in results.matrix_effects)])
        rows += [[row.activity.title, *(decimal_comma(cell) for cell in row.cells)] for row in results.matrix]
    for table, caption in (
        (results.importance_by_actor_group, _("Importance of the effects, by actor group")),
        (results.contribution_by_actor_group, _("Expected contribution of the activities, by actor group")),
        (results.importance_by_level, _("Importance of the effects, by level")),
        (results.contribution_by_level, _("Expected contribution of the activities, by level")),
    ):
        rows += _group_table(table, caption)
    return rows


def _group_table(table: GroupTable, caption: str) -> list[Row]:
    if not (table.groups and table.rows):
        return []
    return [
        [],
        [caption],
        *([[str(table.note)]] if table.note else []),
        [_("Item"), _("All"), *(str(group) for group in table.groups), _("Difference")],
        *(
            [
                row.item.title,
                decimal_comma(row.overall),
                *(decimal_comma(cell) for cell in row.by_group),
                decimal_comma(row.spread),
            ]
            for row in table.rows
        ),
    ]


def decision_rows(decisions: Sequence[Decision]) -> list[Row]:
    """The decisions as the PDF lists them: each chosen activity, the effect it serves, who is responsible and how
    and by when it is followed up. Decisions hold no figures."""
    rows: list[Row] = [[], [_("Decisions")]]
    if not decisions:
        return [*rows, [_("No decisions yet.")]]
    rows.append([_("Activity"), _("Effect it serves"), _("Owner"), _("Follow-up"), _("Follow up by")])
    rows += [
        [
            decision.activity.title,
            decision.effect.title,
            decision.owner,
            decision.follow_up,
            decision.due_on.isoformat(),
        ]
        for decision in decisions
    ]
    return rows


def results_csv(results: Results, decisions: Sequence[Decision] = ()) -> bytes:
    """The results and the decisions as a CSV file (UTF-8 with a byte-order mark, for Excel)."""
    return csv_bytes([*results_rows(results), *decision_rows(decisions)])
