"""A live meeting's results as CSV, for its process leaders: the same tables as the results page and the PDF
(`afterwards.meeting_results`, every figure from the activities' publications), one figure per row.

Columns: the activity's number and text, its kind, the table (everyone, or a breakdown by actor group or level), the
row and column of the figure in that table, its unit and its value. A hidden figure is an empty cell, never a number;
every text (the prompts, choices, words and questions people typed) goes through the shared guard against
spreadsheet formulas (`tillit.reports.spreadsheets`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tillit.live.afterwards import COUNT, MEAN, PERCENT, RANK, TEXT, ActivityResults, Kind, MeetingResults, Table
from tillit.reports.spreadsheets import Row, csv_bytes

__all__ = ["filename", "header", "results_csv", "rows"]


def filename(results: MeetingResults, extension: str) -> str:
    """A name without anything typed by people in it: `forum-<day held>.<extension>`."""
    return f"forum-{results.held_on.isoformat()}.{extension}"


def unit_names() -> dict[str, str]:
    return {
        COUNT: _("number of people"),
        PERCENT: _("per cent"),
        MEAN: _("mean"),
        RANK: _("place"),
        TEXT: _("text"),
    }


def header() -> Row:
    return [
        _("No."),
        _("Activity"),
        _("Kind"),
        _("Table"),
        _("Row"),
        _("Column"),
        _("Measure"),
        _("Value"),
    ]


def rows(results: MeetingResults) -> list[Row]:
    """The header, then every figure of every activity in the agenda's order."""
    units = unit_names()
    found: list[Row] = [header()]
    for activity in results.activities:
        found += _facts(activity, units)
        for table in (activity.whole, *activity.breakdowns):
            if table is not None:
                found += _table_rows(activity, table, units)
    return found


def _facts(activity: ActivityResults, units: dict[str, str]) -> list[Row]:
    """How many answered (and a scale's mean), for the whole release."""
    published = activity.publication
    start = [activity.number, published.prompt, activity.kind_label, _("Everyone who answered"), ""]
    facts = [[*start, _("Participants who answered"), units[COUNT], published.whole.participants]]
    if published.kind == Kind.SCALE:
        facts.append([*start, _("Mean"), units[MEAN], published.whole.mean])
    return facts


def _table_rows(activity: ActivityResults, table: Table, units: dict[str, str]) -> list[Row]:
    published = activity.publication
    return [
        [
            activity.number,
            published.prompt,
            activity.kind_label,
            table.caption,
            label,
            column.heading,
            units[column.unit],
            value,  # a figure (a `Cell` or HIDDEN: written empty when hidden), a place (None: empty) or a text
        ]
        for label, values in ((row.label, row.values) for row in table.rows)
        for column, value in zip(table.columns, values, strict=True)
    ]


def results_csv(results: MeetingResults) -> bytes:
    """The results as CSV (UTF-8 with BOM, `;`, decimal comma)."""
    return csv_bytes(rows(results))
