"""The PDF writer every part's report uses: A4 portrait, headings, paragraphs, facts, captions and tables that
break across pages with their headings repeated, and the drawing of charts.

A pure rendering module: it draws what it is given. Parts pass already-suppressed figures (`tillit.privacy`); a
hidden figure prints as "–" (`figure`, `cell_figure`), never as a number.

The PDF uses fpdf2's built-in Helvetica, which covers Windows-1252 (å ä ö é, “ ” – …). Characters outside it (→ ≥,
other scripts, emoji) are mapped to near equivalents by `printable` before anything is written.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from tillit.privacy.suppression import Cell, Hidden
from tillit.reports import charts
from tillit.reports.charts.quadrant import Box, Layout, Quadrant

ENCODING = "cp1252"  # what the core fonts' metrics and PDF's WinAnsiEncoding cover
DASH = "–"  # a hidden or undefined figure
PDF_TYPE = "application/pdf"  # the content type of every part's PDF download

_REPLACEMENTS = str.maketrans(
    {
        "→": "->",
        "←": "<-",
        "⇒": "=>",
        "≥": ">=",
        "≤": "<=",
        "≠": "!=",
        "≈": "~",
        "−": "-",  # minus sign
        "‐": "-",  # hyphen
        "‑": "-",  # non-breaking hyphen
        "‒": "-",  # figure dash
        "\u2009": " ",  # thin space
        "\u202f": " ",  # narrow no-break space
        "\u200b": "",  # zero-width space
        "\u00ad": "",  # soft hyphen
        "\t": " ",
        "\r": "",
    }
)

# Layout, in millimetres on A4 portrait.
MARGIN = 18
LINE = 5
ACCENT = (31, 78, 121)
MUTED = (90, 90, 90)
RULE = (190, 196, 204)
HEADING_FILL = (231, 237, 243)
NAME_COLUMN = 45  # the least width of the row names in a wide table
SMALL = 8  # the font size of wide tables
CELL_PADDING = 1.5  # left and right, inside a table cell
WIDEST_COLUMN = 32  # a longer word in a figure column's heading is broken
MARKER = 6.4  # the diameter of a point's marker in a chart
CAPTION_ROOM = 14  # below a chart: its caption
BAR_LABEL = 62  # the width of the row names beside horizontal bars
BAR_ROW = 6  # the height of one bar's row
BAR_FILL = (92, 134, 176)


def printable(text: object) -> str:
    """The text with every character the core fonts cannot show mapped to a near equivalent, or "?"."""
    result = []
    for char in str(text).translate(_REPLACEMENTS):
        if char != "\n" and unicodedata.category(char) == "Cc":
            continue
        try:
            char.encode(ENCODING)
        except UnicodeEncodeError:
            # Letters with accents the code page lacks lose the accent (ş → s); anything else becomes "?".
            char = unicodedata.normalize("NFKD", char).encode(ENCODING, "ignore").decode(ENCODING) or "?"
        result.append(char)
    return "".join(result)


def figure(value: Any, places: int = 2) -> str:
    """A figure in the active language's number format; "–" when hidden or undefined."""
    if value is None or isinstance(value, (bool, Hidden)) or not isinstance(value, (int, float)):
        return DASH
    # number_format cuts decimals off; round half up first, as the pages' floatformat does.
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, places)


def cell_figure(cell: Cell[Any] | None, places: int = 2) -> str:
    """A cell's figure as printed: "–" when it is hidden or there is none."""
    if cell is None or cell.hidden:
        return DASH
    return figure(cell.value, places)


def long_date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


# The quadrant in millimetres from the left margin and the current line: a 140 × 84 mm frame, the upper labels
# above it, the scales' numbers outside it, the axis titles beyond them.
QUADRANT_MILLIMETRES = Layout(
    width=174,
    height=104,
    frame=Box(16, 8, 140, 84),
    upper_label_y=4,
    lower_label_y=88,
    x_title_y=100.5,
    y_title_x=3,
    x_tick_y=94.5,
    y_tick_x=14,
    merge_within=6.4,
)


class ReportDocument(FPDF):
    """A4 portrait with a footer; every text passes through `printable` on its way in."""

    def __init__(self, running_title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.running_title = running_title
        self.core_fonts_encoding = ENCODING
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(printable(text))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(*MUTED)
        half = self.epw / 2
        title = self.running_title
        while len(title) > 1 and self.get_string_width(title + "…") > half - 5:
            title = title[:-1]
        self.cell(half, 5, title if title == self.running_title else title.rstrip() + "…")
        self.cell(half, 5, _("Page %(number)s of %(total)s") % {"number": self.page_no(), "total": "{nb}"}, align="R")


@dataclass
class Column:
    heading: str
    width: float  # a share of the table's width
    align: str = "LEFT"


class ReportWriter:
    """A report being written: headings, paragraphs, facts, captions and tables that break across pages."""

    def __init__(self, *, title: str, subject: str, author: str, compress: bool = True) -> None:
        """`compress=False` leaves the page streams readable (for tests that search the text)."""
        self.pdf = ReportDocument(title)
        self.pdf.set_compression(compress)
        self.pdf.set_title(title)
        self.pdf.set_subject(subject)
        self.pdf.set_author(author)
        self.pdf.set_creator("Tillit")
        self.pdf.set_lang(translation.get_language() or "sv")
        self.pdf.add_page()

    def output(self) -> bytes:
        """The finished document."""
        return bytes(self.pdf.output())

    # Text ------------------------------------------------------------------------------------------------

    def font(self, size: float = 10, style: str = "", color: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.pdf.set_font("Helvetica", style=style, size=size)
        self.pdf.set_text_color(*color)

    def ensure_space(self, height: float) -> None:
        """Start a new page unless `height` millimetres fit below the current position."""
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def heading(self, text: str, level: int = 1) -> None:
        size, space, keep = {1: (14, 6, 40), 2: (11.5, 3, 30)}[level]
        self.ensure_space(keep)
        self.pdf.ln(space)
        self.pdf.start_section(text, level=level - 1, strict=False)
        self.font(size, "B", ACCENT if level == 1 else (0, 0, 0))
        self.pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        if level == 1:
            y = self.pdf.get_y() + 0.8
            self.pdf.set_draw_color(*ACCENT)
            self.pdf.set_line_width(0.4)
            self.pdf.line(MARGIN, y, MARGIN + self.pdf.epw, y)
            self.pdf.ln(2.5)
        else:
            self.pdf.ln(1)

    def paragraph(
        self, text: str, *, size: float = 10, style: str = "", color: tuple[int, int, int] = (0, 0, 0)
    ) -> None:
        self.font(size, style, color)
        self.pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1.5)

    def bullets(self, lines: Sequence[str], *, size: float = 10, color: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.font(size, color=color)
        for line in lines:
            self.ensure_space(2 * LINE)
            self.pdf.cell(5, size * 0.5, "•")
            self.pdf.multi_cell(0, size * 0.5, line, align="L", new_x="LMARGIN", new_y="NEXT")
            self.pdf.ln(1)
        self.pdf.ln(1)

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        for label, value in rows:
            self.font(10, "B")
            self.pdf.cell(42, LINE + 0.5, label)
            self.font(10)
            self.pdf.multi_cell(0, LINE + 0.5, value, align="L", new_x="LMARGIN", new_y="NEXT")

    def caption(self, text: str) -> None:
        self.font(9, "I", MUTED)
        self.pdf.multi_cell(0, 4.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    # Tables ----------------------------------------------------------------------------------------------

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str | tuple[str, tuple[int, int, int] | None]]],
        *,
        caption: str = "",
        width: float | None = None,
        size: float = 9,
    ) -> None:
        """A table that breaks across pages with its headings repeated, its caption kept with its first rows.
        A cell is a text, or a text and a fill."""
        self.ensure_space(40 if caption else 30)
        if caption:
            self.caption(caption)
        self.font(size)
        self.pdf.set_fill_color(255, 255, 255)
        self.pdf.set_draw_color(*RULE)
        self.pdf.set_line_width(0.2)
        with self.pdf.table(
            width=width or self.pdf.epw,
            col_widths=[column.width for column in columns],
            text_align=[column.align for column in columns],
            align="LEFT",
            borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            line_height=size * 0.48,
            padding=(1.2, CELL_PADDING),
            v_align="TOP",
        ) as table:
            table.row([column.heading for column in columns])
            for values in rows:
                row = table.row()
                for value in values:
                    if isinstance(value, tuple):
                        text, fill = value
                        row.cell(text, style=FontFace(fill_color=fill) if fill else None)
                    else:
                        row.cell(value)
        self.pdf.ln(3)

    def split_table(
        self,
        first: Column,
        headings: Sequence[str],
        rows: Sequence[tuple[str, Sequence[Any]]],
        *,
        caption: str,
        part: str,
        before: Sequence[Column] = (),
        after: Sequence[Column] = (),
        column: float = 14,
    ) -> None:
        """A table with a column of row names and many figure columns, split into several tables when the
        figure columns do not fit across the page beside the name column.

        Each row is a name and its values: first those of `before`, then one per heading, then those of `after`;
        the `before` and `after` columns are repeated in every part. A figure column is at least `column` mm
        wide, and wide enough for the longest word of its heading, so that no word is broken."""
        fixed = [self._figure_column(c.heading, column, c.align) for c in [*before, *after]]
        room = self.pdf.epw - NAME_COLUMN - sum(c.width for c in fixed)
        parts: list[list[int]] = [[]]
        used = 0.0
        for index, heading in enumerate(headings):
            width = self._figure_column(heading, column).width
            if parts[-1] and used + width > room:
                parts.append([])
                used = 0.0
            parts[-1].append(index)
            used += width
        for number, chunk in enumerate(parts, start=1):
            figures = [self._figure_column(headings[index], column) for index in chunk]
            name_width = self.pdf.epw - sum(c.width for c in [*fixed, *figures])
            columns = [
                Column(first.heading, name_width, first.align),
                *fixed[: len(before)],
                *figures,
                *fixed[len(before) :],
            ]
            table_rows = []
            for name, values in rows:
                middle = values[len(before) : len(values) - len(after)]
                table_rows.append(
                    [
                        name,
                        *values[: len(before)],
                        *[middle[index] for index in chunk],
                        *values[len(values) - len(after) :],
                    ]
                )
            title = caption if len(parts) == 1 else f"{caption} ({part % {'number': number, 'total': len(parts)}})"
            self.table(columns, table_rows, caption=title, size=SMALL)

    def _figure_column(self, heading: str, least: float, align: str = "RIGHT") -> Column:
        """A column at least `least` mm wide, and wide enough for the longest word of its heading
        (up to WIDEST_COLUMN)."""
        self.font(SMALL, "B")
        longest = max([0, *(self.pdf.get_string_width(word) for word in heading.split())])
        return Column(heading, max(least, min(WIDEST_COLUMN, longest + 2 * CELL_PADDING + 1)), align)

    def axis_title(self, text: str, centre_x: float, baseline: float) -> None:
        """An axis title centred on `centre_x`, its trailing "→" drawn as an arrow (the core fonts have none)."""
        pdf = self.pdf
        title = text.removesuffix("→").rstrip()
        arrow = 7.0 if title != text else 0.0
        title_width = pdf.get_string_width(title)
        start = centre_x - (title_width + arrow + 1.5) / 2
        pdf.text(start, baseline, title)
        if arrow:
            y = baseline - 1.1
            tip = start + title_width + 1.5 + arrow
            pdf.set_draw_color(0, 0, 0)
            pdf.set_fill_color(0, 0, 0)
            pdf.set_line_width(0.3)
            pdf.line(start + title_width + 1.5, y, tip - 1.5, y)
            pdf.polygon([(tip, y), (tip - 2, y - 1), (tip - 2, y + 1)], style="F")

    # Charts ----------------------------------------------------------------------------------------------

    def quadrant(
        self,
        chart: Quadrant,
        *,
        fills: Mapping[str, tuple[int, int, int]],
        x_title: str,
        y_title: str,
        caption: str,
        marker: float = MARKER,
    ) -> None:
        """A quadrant (`tillit.reports.charts.quadrant`, laid out in millimetres) at the left margin below the
        current position, then its caption: regions filled by their key in `fills`, the upper labels above the
        frame, ticks, axis titles each with an arrow, one numbered marker per point (wider where it names
        several). The layout's label places are centre lines."""
        pdf = self.pdf
        self.ensure_space(chart.height + CAPTION_ROOM)
        left, top = MARGIN, pdf.get_y()

        def at(x: float, y: float) -> tuple[float, float]:
            return left + x, top + y

        for region in chart.regions:
            pdf.set_fill_color(*fills.get(region.key, (255, 255, 255)))
            pdf.rect(*at(region.box.x, region.box.y), region.box.width, region.box.height, style="F")
        pdf.set_draw_color(*MUTED)
        pdf.set_line_width(0.3)
        pdf.rect(*at(chart.frame.x, chart.frame.y), chart.frame.width, chart.frame.height)
        for line in chart.lines:
            pdf.line(*at(line.x1, line.y1), *at(line.x2, line.y2))

        self.font(9, "B", (40, 40, 40))
        for region in chart.regions:
            x, y = at(region.label_x - region.box.width / 2, region.label_y - 3)
            pdf.set_xy(x, y)
            pdf.cell(region.box.width, 6, region.label, align="C")

        self.font(8, color=MUTED)
        for tick in chart.x_ticks:
            pdf.set_xy(*at(tick.x - 5, tick.y - 2))
            pdf.cell(10, 4, str(tick.value), align="C")
        for tick in chart.y_ticks:
            pdf.set_xy(*at(tick.x - 7, tick.y - 2))
            pdf.cell(7, 4, str(tick.value), align="R")
        self.font(9, color=(0, 0, 0))
        self.axis_title(x_title, *at(chart.x_title_x, chart.x_title_y))
        centre_x, centre_y = at(chart.y_title_x, chart.y_title_y)
        with pdf.rotation(90, centre_x, centre_y):
            self.axis_title(y_title, centre_x, centre_y + 1.2)

        pdf.set_fill_color(*ACCENT)
        pdf.set_draw_color(255, 255, 255)
        pdf.set_line_width(0.3)
        self.font(7.5, "B", (255, 255, 255))
        for point in chart.markers:
            x, y = at(point.x, point.y)
            width = max(marker, pdf.get_string_width(point.label) + 3)
            if width == marker:
                pdf.circle(x, y, marker / 2, style="DF")
            else:
                pdf.rect(x - width / 2, y - marker / 2, width, marker, style="DF", round_corners=True, corner_radius=2)
            pdf.set_xy(x - width / 2, y - marker / 2)
            pdf.cell(width, marker, point.label, align="C")
        pdf.set_fill_color(255, 255, 255)

        pdf.set_xy(MARGIN, top + chart.height)
        self.caption(caption)

    def bars(self, rows: Sequence[tuple[str, object]], *, caption: str, note: str = DASH) -> None:
        """Horizontal bars on a fixed 0–100 scale, one per row (a name and a figure: a number, a `Cell` or HIDDEN),
        then `caption`. A hidden or missing figure keeps its row without a bar, `note` written in its place; the
        scale never depends on the figures. A chart is always followed by a table of the same figures."""
        pdf = self.pdf
        self.ensure_space(len(rows) * BAR_ROW + 8 + CAPTION_ROOM)
        left, top = MARGIN, pdf.get_y() + 1
        plot_left = left + BAR_LABEL + 2
        plot_width = pdf.epw - BAR_LABEL - 14
        bottom = top + len(rows) * BAR_ROW
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        self.font(7, color=MUTED)
        for tick in (0, 25, 50, 75, 100):
            x = plot_left + plot_width * tick / 100
            pdf.line(x, top, x, bottom)
            pdf.set_xy(x - 5, bottom + 0.5)
            pdf.cell(10, 3.5, str(tick), align="C")
        for position, (label, value) in enumerate(rows):
            y = top + position * BAR_ROW
            self.font(8.5)
            name = printable(label)
            while len(name) > 1 and pdf.get_string_width(name + "…") > BAR_LABEL:
                name = name[:-1]
            pdf.set_xy(left, y)
            pdf.cell(BAR_LABEL, BAR_ROW, name if name == printable(label) else name.rstrip() + "…", align="R")
            drawn = charts.number(value)
            if drawn is None:
                self.font(8.5, "I", MUTED)
                pdf.set_xy(plot_left + 1, y)
                pdf.cell(plot_width, BAR_ROW, note)
                continue
            width = plot_width * drawn / 100
            pdf.set_fill_color(*BAR_FILL)
            if width > 0:
                pdf.rect(plot_left, y + 1, width, BAR_ROW - 2, style="F")
            self.font(8.5, "B")
            pdf.set_xy(plot_left + width + 1, y)
            pdf.cell(12, BAR_ROW, cell_figure(value, 0) if isinstance(value, Cell) else figure(value, 0))
        pdf.set_fill_color(255, 255, 255)
        pdf.set_xy(MARGIN, bottom + 5)
        self.caption(caption)
