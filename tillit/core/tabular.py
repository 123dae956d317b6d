"""Reading an uploaded table (CSV or XLSX) into rows of text, the same way for every import: the size limit, the
encoding, the delimiter, a workbook's first sheet, and the header row's columns by their aliases. What the columns
mean, and every check of a row, stay with the import that reads them (`organisations.importing`,
`steering.importing`)."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
# A workbook is a zip archive: what it unpacks to is bounded too, so a small file cannot unpack to gigabytes.
XLSX_UNPACKED_PER_BYTE = 40


class TableError(ValidationError):
    """The file as a whole cannot be read; nothing in it is imported."""


def check_size(data: bytes, *, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise TableError(
            _("The file is too large (%(size)s kB). The limit is %(limit)s kB; split it into several files.")
            % {"size": len(data) // 1024, "limit": max_bytes // 1024}
        )


def decode_csv(data: bytes) -> str:
    """The text of an uploaded CSV file: UTF-8 (with or without a byte-order mark), no binary data."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(
            _("The file is not in UTF-8. In Excel, save it as “CSV UTF-8 (comma delimited)” and upload it again.")
        ) from None
    if "\x00" in text:
        raise TableError(_("The file contains binary data. Upload a CSV text file."))
    return text


def csv_records(text: str) -> list[list[str]]:
    """The records of CSV text, delimited by `;` (as Swedish Excel writes) or `,`, whichever the first line has more
    of."""
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise TableError(
            _("The file is not valid CSV. Save it again as CSV from your spreadsheet program and upload it again.")
        ) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # Spreadsheet numbers: 30.0 is 30, 7.5 stays 7.5; the shortest repr keeps 0.1 as 0.1.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def xlsx_records(data: bytes, *, max_bytes: int, max_rows: int) -> list[list[str]]:
    """The rows of the first sheet of an XLSX workbook as text, at most `max_rows` + 1 of them (enough to tell that
    there are too many)."""
    from openpyxl import load_workbook  # only imports read workbooks: not loaded for every request

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise TableError(_("The file is not a readable XLSX workbook. Save it again as XLSX or CSV.")) from None
    if unpacked > max_bytes * XLSX_UNPACKED_PER_BYTE:
        raise TableError(_("The workbook unpacks to too much data. Save the sheet as CSV and upload that instead."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise TableError(_("The file is not a readable XLSX workbook. Save it again as XLSX or CSV.")) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return []
        records: list[list[str]] = []
        # A sheet can claim 16,384 columns in a few bytes: only the first columns any import names are read.
        for values in sheet.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS):
            records.append([_cell_text(value) for value in values])
            if len(records) > max_rows + 1:
                break
        return records
    except Exception:
        raise TableError(_("The file is not a readable XLSX workbook. Save it again as XLSX or CSV.")) from None
    finally:
        workbook.close()


XLSX_MAX_COLUMNS = 64


def read_table(data: bytes, *, max_bytes: int, max_rows: int, name: str = "") -> list[list[str]]:
    """The records of an uploaded CSV or XLSX file (told apart by content; the name only sharpens the message for a
    file that claims to be a workbook but is not). Raises `TableError` for a file that cannot be read at all."""
    check_size(data, max_bytes=max_bytes)
    if not data.strip():
        raise TableError(_("The file is empty."))
    if data.startswith(OLD_EXCEL_MAGIC):
        raise TableError(_("Old Excel files (.xls) cannot be read. Save the sheet as XLSX or CSV and upload it again."))
    if data.startswith(XLSX_MAGIC):
        records = xlsx_records(data, max_bytes=max_bytes, max_rows=max_rows)
    elif name.casefold().endswith(".xlsx"):
        raise TableError(_("The file is not a readable XLSX workbook. Save it again as XLSX or CSV."))
    else:
        records = csv_records(decode_csv(data))
    if not any(any(cell.strip() for cell in record) for record in records):
        raise TableError(_("The file is empty."))
    return records


def header_columns(header: Iterable[str], aliases: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Which column (by index) each named column is in, recognised by any of its aliases (case and surrounding space
    ignored); the first match wins."""
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        title = " ".join(raw.replace("\ufeff", "").split()).casefold()
        for column, names in aliases.items():
            if column not in found and title in {name.casefold() for name in names}:
                found[column] = index
    return found


def body(records: list[list[str]]) -> list[tuple[int, list[str]]]:
    """The records after the header, each with its line number in the file (the header is line 1), blank ones left
    out."""
    return [(line, record) for line, record in enumerate(records[1:], start=2) if any(cell.strip() for cell in record)]


D = TypeVar("D")


class CheckedRow(Protocol[D]):
    """A row of an import as checked: its errors, and what it adds when it has none."""

    errors: list[str]
    details: D | None


R = TypeVar("R", bound=CheckedRow[Any])


@dataclass
class Preview(Generic[R]):
    """Every row of an import as checked, shown before anything is added: all rows or none."""

    rows: list[R]

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def can_commit(self) -> bool:
        return bool(self.rows) and self.error_count == 0

    def checked(self) -> list[Any]:
        """What the rows without errors add, in the file's order."""
        return [row.details for row in self.rows if row.details is not None]
