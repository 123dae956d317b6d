"""Writing results as CSV and XLSX, for every part: one place for the formats and the guard against formulas.

A part builds its rows from already-suppressed figures (`tillit.privacy`): a hidden figure is `HIDDEN` or a hidden
`Cell`, and is written as an empty cell, never as a number; `figure_value` turns a figure into what a row holds.
Rows are lists of plain values: text, int, float, or None for an empty cell.

- CSV is UTF-8 with a byte-order mark (Excel reads UTF-8 only with one), `;` between cells (Swedish Excel's list
  separator) and a decimal comma; floats are written with as many decimals as the caller rounded them to, at most
  `DECIMALS`.
- XLSX keeps numbers as numbers; every text is a string cell, so no text becomes a formula or an error value. It is
  written by XlsxWriter in constant-memory mode, row by row (a region's 68,000 rows in well under the time openpyxl
  took), with every cell's type chosen here: `write_string` and `write_number`, never the generic `write`, which
  would guess a type from the text.
- Text typed by people (names of units, cards, statements) passes through `spreadsheet_text` in both: a cell that
  starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, so a spreadsheet reads it as text.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from xlsxwriter import Workbook  # type: ignore[import-untyped]  # annotated, but ships no py.typed marker
from xlsxwriter.format import Format  # type: ignore[import-untyped]  # (the same)
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]  # (the same)

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
# Control characters an XLSX file cannot hold (those of openpyxl's ILLEGAL_CHARACTERS_RE): dropped from text.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Rows go to a temporary file as they are written (constant memory), and nothing in a text cell is read as anything
# but text: no number, formula or link is guessed from it.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": False,
}

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
    out = io.BytesIO()
    workbook = Workbook(out, WORKBOOK_OPTIONS)
    writer = _SheetWriter(workbook)
    for position, (title, rows) in enumerate(sheets):
        sheet = workbook.add_worksheet(_sheet_title(title))
        bold = header_rows[position] if position < len(header_rows) else 0
        if bold:
            sheet.freeze_panes(bold, 0)
        for number, row in enumerate(rows):
            writer.write_row(sheet, number, row, header=number < bold)
    workbook.close()
    return out.getvalue()


class _SheetWriter:
    """Writes rows cell by cell with the type each value has, with the workbook's four formats made once, and
    each distinct text cleaned once (a region's results repeat the same names and labels on every row)."""

    def __init__(self, workbook: Workbook) -> None:
        self.body: tuple[Format | None, Format] = (None, workbook.add_format({"num_format": "0.0"}))
        self.header: tuple[Format | None, Format] = (
            workbook.add_format({"bold": True}),
            workbook.add_format({"bold": True, "num_format": "0.0"}),
        )
        self.texts: dict[str, str] = {}

    def write_row(self, sheet: Worksheet, number: int, row: Row, *, header: bool) -> None:
        text_format, decimal_format = self.header if header else self.body
        write_string, write_number, texts = sheet.write_string, sheet.write_number, self.texts
        for column, value in enumerate(row):
            kind = type(value)
            if kind is str:
                text = texts.get(value)
                if text is None:
                    text = texts[value] = _text(value)
                write_string(number, column, text, text_format)
            elif kind is float:
                if math.isfinite(value):  # NaN and infinity are no numbers a spreadsheet holds: an empty cell
                    write_number(number, column, value, decimal_format)
            elif kind is int:
                write_number(number, column, value, text_format)
            elif value is None or kind is Hidden:
                continue
            else:
                self._write_other(sheet, number, column, figure_value(value), formats=(text_format, decimal_format))

    def _write_other(
        self, sheet: Worksheet, number: int, column: int, value: object, *, formats: tuple[Format | None, Format]
    ) -> None:
        """A figure's value (from a `Cell`), a number of another type (NumPy's), or anything else as its text (a
        `Decimal` too, as before: the callers round figures to floats)."""
        text_format, decimal_format = formats
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_string(number, column, str(value), text_format)
        elif isinstance(value, numbers.Integral):
            sheet.write_number(number, column, int(value), text_format)
        elif isinstance(value, numbers.Real):
            if math.isfinite(value):
                sheet.write_number(number, column, float(value), decimal_format)
        else:
            sheet.write_string(number, column, _text(str(value)), text_format)


def _sheet_title(title: str) -> str:
    """A title Excel accepts: at most 31 characters, none of []:*?/\\."""
    return SHEET_TITLE_FORBIDDEN.sub(" ", title)[:SHEET_TITLE_MAX].strip() or "Sheet"


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download that shared caches and the browser's history do not keep. `filename` must be plain ASCII."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response
