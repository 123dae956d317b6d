"""Writing results as CSV and XLSX, for every part: one place for the formats and the guard against formulas.

A part builds its rows from already-suppressed figures (`tillit.privacy`): a hidden figure is `HIDDEN` or a hidden
`Cell`, and is written as an empty cell, never as a number; `figure_value` turns a figure into what a row holds.
Rows are lists of plain values: text, int, float, or None for an empty cell.

- CSV is UTF-8 with a byte-order mark (Excel reads UTF-8 only with one), `;` between cells (Swedish Excel's list
  separator) and a decimal comma; floats are written with as many decimals as the caller rounded them to, at most
  `DECIMALS`.
- XLSX keeps numbers as numbers; every text is a string cell, so no text becomes a formula or an error value.
- Text typed by people (names of units, cards, statements) passes through `spreadsheet_text` in both: a cell that
  starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, so a spreadsheet reads it as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from tillit.privacy.suppression import Cell, Hidden

__all__ = [
    "BOM",
    "CSV_TYPE",
    "XLSX_TYPE",
    "Row",
    "attachment",
    "csv_bytes",
    "decimal_comma",
    "figure_value",
    "spreadsheet_text",
    "xlsx_bytes",
]

BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DECIMALS = 2
FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})

Row = list[Any]


def spreadsheet_text(value: str) -> str:
    """Text typed by people, defused so that a spreadsheet never reads it as a formula."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def decimal_comma(value: object, places: int = 2) -> str:
    """A figure with a decimal comma; empty when hidden or undefined."""
    value = figure_value(value)
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return f"{value:.{places}f}".replace(".", ",")


def figure_value(value: object) -> object:
    """What a row holds for a figure: its value, or None (an empty cell) when it is hidden or missing."""
    if isinstance(value, Cell):
        value = value.value
    return None if isinstance(value, Hidden) else value


def csv_bytes(rows: Iterable[Row]) -> bytes:
    """UTF-8 with a byte-order mark, `;` between cells, decimal comma, empty cells for None and hidden figures."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return (BOM + out.getvalue()).encode("utf-8")


def _csv_value(value: Any) -> str:
    value = figure_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _text(str(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.{DECIMALS}f}".rstrip("0")
        return (text + "0" if text.endswith(".") else text).replace(".", ",")
    return _text(str(value))


def _text(value: str) -> str:
    """Text from the database, without characters a spreadsheet cannot hold, defused against formulas."""
    return spreadsheet_text(ILLEGAL_CHARACTERS_RE.sub("", value))


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[Row]]], *, header_rows: Sequence[int] = ()) -> bytes:
    """A workbook with one sheet per (title, rows). Numbers stay numbers, None and hidden figures are empty cells,
    and every text is a string cell (never a formula). `header_rows` gives, per sheet, how many leading rows to set
    in bold."""
    workbook = Workbook(write_only=True)
    for position, (title, rows) in enumerate(sheets):
        sheet = workbook.create_sheet(title=title[:31])
        bold = header_rows[position] if position < len(header_rows) else 0
        if bold:
            sheet.freeze_panes = f"A{bold + 1}"
        for number, row in enumerate(rows):
            sheet.append([_xlsx_cell(sheet, value, bold=number < bold) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Any, *, bold: bool) -> WriteOnlyCell | None:
    value = figure_value(value)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        cell = WriteOnlyCell(sheet, value=_text(str(value)))
        cell.data_type = "s"  # never a formula or an error value, whatever the text
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, float):
            cell.number_format = "0.0"
    if bold:
        cell.font = Font(bold=True)
    return cell


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download that shared caches and the browser's history do not keep. `filename` must be plain ASCII."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response
