"""The printable poster of a service's public page: a PDF in A4 or A3 and the QR code alone as a PNG.

A pure module: it draws what it is given (the service's name, its code, the page's absolute address and the languages
the page is offered in) and reads nothing from the database or the request.

- The QR code is segno's matrix drawn as vector rectangles (one path, each row's dark run one rectangle), so that it
  stays sharp at any size and on any printer; it has the quiet zone of four modules around it that scanners need.
- A3 is the A4 layout scaled by √2: every position, size and font size is multiplied by the same factor.
- The PDF uses fpdf2's built-in Helvetica and Courier (`reports.pdf.printable`: Windows-1252), which cannot shape
  Arabic: the line naming the page's other languages leaves out those whose names the fonts cannot print.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import WrapMode

from tillit.reports.pdf import ENCODING, printable
from tillit.reports.qr import QUIET_ZONE, qr_code
from tillit.reports.qr import qr_png as reports_qr_png

__all__ = [
    "LANGUAGE_NAMES",
    "SIZES",
    "Poster",
    "poster_pdf",
    "qr_matrix",
    "qr_png",
]

# The page sizes in millimetres (PDF points: A4 595 × 842, A3 842 × 1191).
SIZES: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "a3": (297.0, 420.0)}
PNG_PIXELS = 1200  # at least this many pixels wide: 10 cm at 300 dpi
PNG_DPI = 300
# Each language's name in itself, as the poster's language line writes it.
LANGUAGE_NAMES = {"sv": "svenska", "en": "English", "fi": "suomi", "ar": "العربية"}

# The A4 layout, in millimetres and points; A3 multiplies all of it.
MARGIN = 16.0
WIDTH = 210.0 - 2 * MARGIN
QR_LARGEST = 125.0  # the symbol with its quiet zone
QR_SMALLEST = 70.0
ACCENT = (31, 78, 121)
MUTED = (60, 60, 60)


@dataclass(frozen=True)
class Poster:
    """What a poster shows. `address` is the page's absolute address; `languages` the codes of the languages the
    public page is offered in, and `language` the poster's own (left out of the list of others)."""

    name: str
    code: str
    address: str
    languages: Sequence[str]
    language: str


def qr_matrix(address: str) -> list[list[bool]]:
    """The code's modules without the quiet zone, row by row: True for dark."""
    return [[bool(module) for module in row] for row in qr_code(address).matrix_iter(scale=1, border=0)]


def qr_png(address: str) -> bytes:
    """The QR code alone, black on white with its quiet zone, at least `PNG_PIXELS` wide at 300 dpi."""
    code = qr_code(address)
    modules = code.symbol_size(scale=1, border=QUIET_ZONE)[0]
    return reports_qr_png(code, scale=math.ceil(PNG_PIXELS / modules), dpi=PNG_DPI)


def printable_languages(languages: Sequence[str], own: str) -> list[str]:
    """The names of the page's other languages that the PDF's fonts can print (Arabic cannot be shaped there)."""
    names = []
    for code in languages:
        name = LANGUAGE_NAMES.get(code)
        if code == own or name is None:
            continue
        try:
            name.encode(ENCODING)
        except UnicodeEncodeError:
            continue
        names.append(name)
    return names


class _PosterDocument(FPDF):
    def normalize_text(self, text: str) -> str:
        return str(super().normalize_text(printable(text)))


@dataclass(frozen=True)
class _Block:
    """A centred paragraph: its text, font, size in points (at A4) and the space above it in millimetres."""

    text: str
    size: float
    style: str = ""
    family: str = "Helvetica"
    color: tuple[int, int, int] = (0, 0, 0)
    space_before: float = 0.0


def poster_pdf(poster: Poster, size: str = "a4") -> bytes:
    """The poster as a one-page PDF of `size` ("a4" or "a3"): heading, the service's name, the QR code, the address
    written out, the code in large letters, that no login is needed and no names should be written, the page's other
    languages."""
    width, height = SIZES[size]
    scale = width / SIZES["a4"][0]
    pdf = _PosterDocument(orientation="portrait", unit="mm", format=(width, height))
    pdf.core_fonts_encoding = ENCODING
    pdf.set_margins(MARGIN * scale, MARGIN * scale, MARGIN * scale)
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(_("Poster: %(service)s") % {"service": poster.name})
    pdf.set_creator("Tillit")
    pdf.set_lang(poster.language)
    pdf.add_page()

    above = [
        _Block(_("Tell us what makes a difference for you"), 28, "B", color=ACCENT),
        _Block(poster.name, 22, "B", space_before=4),
    ]
    below = [
        _Block(_("Scan the code with your phone's camera, or type the address:"), 14, space_before=3),
        _Block(poster.address, _address_size(pdf, poster.address, scale), "B", space_before=1),
        _Block(_("The page's code"), 12, color=MUTED, space_before=5),
        _Block(poster.code, 40, "B", family="Courier", space_before=1),
        _Block(
            _("You do not need to log in. Do not write names, neither your own nor anyone else's."), 16, space_before=6
        ),
        _Block(_("We read everything before anything is shown on the page."), 13, color=MUTED, space_before=2),
    ]
    others = printable_languages(poster.languages, poster.language)
    if others:
        below.append(
            _Block(_("The page is also in: %(languages)s") % {"languages": " · ".join(others)}, 14, space_before=3)
        )

    text_height = sum(_height(pdf, block, scale) for block in [*above, *below]) + 4 * scale
    room = height - 2 * MARGIN * scale - text_height
    side = max(QR_SMALLEST * scale, min(QR_LARGEST * scale, room))
    # What is left over goes above and below, so that the poster stands in the middle of the sheet.
    pdf.set_y(MARGIN * scale + max(0.0, (room - side) / 2))
    for block in above:
        _write(pdf, block, scale)
    pdf.set_y(pdf.get_y() + 4 * scale)
    _draw_qr(pdf, qr_matrix(poster.address), x=(width - side) / 2, y=pdf.get_y(), side=side)
    pdf.set_y(pdf.get_y() + side)
    for block in below:
        _write(pdf, block, scale)
    return bytes(pdf.output())


def _address_size(pdf: FPDF, address: str, scale: float) -> float:
    """The largest size, from 20 points down to 11, at which the address fits on one line (at A4)."""
    size = 20.0
    while size > 11:
        pdf.set_font("Helvetica", "B", size * scale)
        if pdf.get_string_width(address) <= WIDTH * scale:
            break
        size -= 1
    return size


def _font(pdf: FPDF, block: _Block, scale: float) -> None:
    pdf.set_font(block.family, block.style, block.size * scale)
    pdf.set_text_color(*block.color)


def _line_height(block: _Block, scale: float) -> float:
    return block.size * 0.45 * scale


def _height(pdf: FPDF, block: _Block, scale: float) -> float:
    _font(pdf, block, scale)
    lines = pdf.multi_cell(WIDTH * scale, _line_height(block, scale), block.text, dry_run=True, output="LINES")
    count = len(lines) if isinstance(lines, list) else 1  # output="LINES" returns the list of lines
    return count * _line_height(block, scale) + block.space_before * scale


def _write(pdf: FPDF, block: _Block, scale: float) -> None:
    _font(pdf, block, scale)
    pdf.set_y(pdf.get_y() + block.space_before * scale)
    pdf.multi_cell(
        WIDTH * scale,
        _line_height(block, scale),
        block.text,
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
        wrapmode=WrapMode.CHAR if " " not in block.text else WrapMode.WORD,
    )


def _draw_qr(pdf: FPDF, matrix: Sequence[Sequence[bool]], *, x: float, y: float, side: float) -> None:
    """The symbol with its quiet zone in a `side`-millimetre square at (x, y): each row's runs of dark modules as
    rectangles of one filled path, so that no seam shows between neighbouring modules."""
    module = side / (len(matrix) + 2 * QUIET_ZONE)
    left, top = x + QUIET_ZONE * module, y + QUIET_ZONE * module
    pdf.set_fill_color(0, 0, 0)
    with pdf.new_path() as path:
        path.style.fill_color = "#000000"
        path.style.stroke_color = None
        for row_number, row in enumerate(matrix):
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < len(row) and row[column]:
                    column += 1
                path.rectangle(left + start * module, top + row_number * module, (column - start) * module, module)
