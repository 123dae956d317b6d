"""CSV and XLSX of an organisation's suggestions, for its process leaders (`queries.suggestions_to_export`).

One row per suggestion, in the review list's order: newest day first, in random order within a day (the public id),
since the order of sending could point at who sent what. The file holds what the review pages show a process leader,
never the contact details of someone who asked for an answer (`ContactRequest`, which the query does not read). A
suggestion whose texts were deleted at the end of retention keeps its row with empty texts. Every text goes through
the shared guard against spreadsheet formulas (`tillit.reports.spreadsheets`).
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from tillit.reports.spreadsheets import CSV_TYPE, XLSX_TYPE, Row, csv_bytes, xlsx_bytes
from tillit.voice.models import Suggestion

__all__ = ["CONTENT_TYPES", "KINDS", "filename", "header", "row", "rows", "short_id", "suggestions_file"]

KINDS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


def short_id(public_id: UUID) -> str:
    """The first eight hexadecimal digits of a suggestion's public id: enough to find it again in the file."""
    return public_id.hex[:8]


def filename(extension: str) -> str:
    """A name without anything typed by people in it: `brukarrosten-<date>.<extension>`."""
    return f"brukarrosten-{timezone.localdate().isoformat()}.{extension}"


def header() -> Row:
    return [
        _("Id"),
        _("Service"),
        _("Unit"),
        _("Received on"),
        _("Theme"),
        _("Who is answering"),
        _("Channel"),
        _("Language"),
        _("Review"),
        _("Status"),
        _("Reason"),
        _("Public answer"),
        _("Answered on"),
        _("Merged into"),
        _("What makes a difference"),
        _("What gets in the way"),
        _("Texts deleted on"),
    ]


def language_name(code: str) -> str:
    """The language's name in the active language (Swedish: "finska"), or its code when Django does not know it."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def row(suggestion: Suggestion) -> Row:
    """A suggestion's row. Expects `page`, `page.unit` and `merged_into` to be loaded with it."""
    removed = suggestion.text_removed_on is not None
    merged = suggestion.merged_into
    return [
        short_id(suggestion.public_id),
        suggestion.page.name,
        suggestion.page.unit.name,
        suggestion.received_on.isoformat(),
        suggestion.get_theme_display() if suggestion.theme else "",
        suggestion.get_respondent_display(),
        suggestion.get_channel_display(),
        language_name(suggestion.language),
        suggestion.get_review_display(),
        suggestion.get_status_display(),
        suggestion.reason,
        suggestion.answer,
        suggestion.answered_on.isoformat() if suggestion.answered_on else None,
        short_id(merged.public_id) if merged is not None else None,
        "" if removed else suggestion.helps,
        "" if removed else suggestion.hinders,
        suggestion.text_removed_on.isoformat() if suggestion.text_removed_on else None,
    ]


def rows(suggestions: Iterable[Suggestion]) -> list[Row]:
    """The header and a row for each suggestion, in the order given."""
    return [header(), *(row(suggestion) for suggestion in suggestions)]


def suggestions_file(suggestions: Iterable[Suggestion], kind: str) -> bytes:
    """The suggestions as CSV (UTF-8 with BOM, `;`) or XLSX (one sheet, its header row in bold) bytes."""
    found = rows(suggestions)
    if kind == "csv":
        return csv_bytes(found)
    return xlsx_bytes([(_("Suggestions"), found)], header_rows=[1])
