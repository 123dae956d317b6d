"""What a reader with ordinary access gets over HTTP: the results page's tables and the CSV, as text.

The anonymity tests read the results the way an attacker would, through the test client, and then work
out what the shown cells determine (`tillit.privacy.audit.determined`).
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tillit.workshops.models import Workshop

DASH = "–"


def url(name: str, workshop: Workshop, **kwargs: object) -> str:
    return reverse(f"workshops:{name}", kwargs={"workshop": workshop.public_id, **kwargs})


def swedish(message: str, **values: object) -> str:
    """A msgid as the Swedish page shows it, whether or not the catalogue has it yet."""
    with translation.override("sv"):
        return gettext(message) % values if values else gettext(message)


def swedish_plural(singular: str, plural: str, count: int, **values: object) -> str:
    with translation.override("sv"):
        return ngettext(singular, plural, count) % {"counter": count, **values}


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._caption_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows, self._caption_text = [], ""
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._rows is not None:
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self._caption_text = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._rows is not None:
            self._rows.append(self._row)
            self._row = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._caption_text] = self._rows
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """Every table of a page by its caption, as rows of cell texts (headings included)."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def csv_blocks(text: str) -> list[list[list[str]]]:
    """The CSV's parts, separated by empty rows."""
    blocks: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if not row:
            blocks.append([])
        else:
            blocks[-1].append(row)
    return [block for block in blocks if block]


def group_table(tables: dict[str, list[list[str]]], caption: str, item: str) -> dict[str, str]:
    """One item's row of a group table: {column heading: cell text}, "All" and the groups."""
    rows = tables[swedish(caption)]
    heading = rows[0]
    row = next(row for row in rows[1:] if row[0] == item)
    return dict(zip(heading[1:-1], row[1:-1], strict=True))
