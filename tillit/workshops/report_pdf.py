"""A workshop's report as PDF: purpose, who took part, the chain, the results and the decisions.

A pure rendering module: it draws what it is given (already-suppressed `Results`, the `Mix`, the `Chain`,
the decisions) and reads nothing else. Hidden figures (fewer than k raters) print as "–", never as a number;
individual ratings are not part of `Results` and so cannot appear here.

The PDF uses fpdf2's built-in Helvetica, which covers Windows-1252 (å ä ö é, “ ” – …). Characters outside
it (→ ≥, other scripts, emoji) are mapped to near equivalents by `printable` before anything is written.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF
from fpdf.fonts import FontFace

from tillit.privacy.suppression import Cell
from tillit.workshops import ranking
from tillit.workshops.models import Decision, Item, Workshop
from tillit.workshops.queries import QUADRANT_LABELS, Chain, GroupTable, Mix, RankedEffect, Results

ENCODING = "cp1252"  # what the core fonts' metrics and PDF's WinAnsiEncoding cover
DASH = "–"  # a hidden or undefined figure

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
HEAT = [(246, 248, 251), (222, 233, 244), (192, 213, 234), (156, 190, 222)]  # contribution 0, 1, 2, 3
QUADRANT_FILLS = {
    ranking.PRIORITISE: (252, 233, 218),
    ranking.IMPROVE: (253, 246, 214),
    ranking.KEEP: (224, 241, 227),
    ranking.LOWER_PRIORITY: (241, 242, 244),
}
MARKER = 6.4  # the diameter of a point in the quadrant
NAME_COLUMN = 45  # the least width of the row names in a wide table
SMALL = 8  # the font size of wide tables
CELL_PADDING = 1.5  # left and right, inside a table cell
WIDEST_COLUMN = 32  # a longer word in a figure column's heading is broken


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
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return DASH
    # number_format cuts decimals off; round half up first, as the pages' floatformat does.
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, places)


def cell_figure(cell: Cell | None, places: int = 2) -> str:
    if cell is None or cell.hidden:
        return DASH
    return figure(cell.value, places)


def interval(cell: Cell, low: Any, high: Any) -> str:
    if cell.hidden or not isinstance(low, (int, float)) or not isinstance(high, (int, float)):
        return DASH
    return f"{figure(low)}–{figure(high)}"


def raters(cell: Cell) -> str:
    return DASH if cell.hidden else str(cell.size)


def rated(results: Results) -> str:
    """How many have rated, as a count of people may be published: the number, or "fewer than k"."""
    if results.raters.hidden:
        return _("Fewer than %(k)s people have rated.") % {"k": results.k}
    count = results.raters.value
    text = ngettext("%(counter)s person has rated.", "%(counter)s people have rated.", count) % {"counter": count}
    if not results.guest_raters.hidden:
        guests = results.guest_raters.value
        text += " " + ngettext(
            "%(counter)s of them took part as a guest.", "%(counter)s of them took part as guests.", guests
        ) % {"counter": guests}
    return text


def long_date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


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
    def __init__(self, workshop: Workshop) -> None:
        self.workshop = workshop
        self.pdf = ReportDocument(workshop.title)
        self.pdf.set_title(workshop.title)
        self.pdf.set_subject(_("Workshop report"))
        self.pdf.set_author(workshop.organisation.name)
        self.pdf.set_creator("Tillit")
        self.pdf.set_lang(translation.get_language() or "sv")
        self.pdf.add_page()

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

    # The quadrant ----------------------------------------------------------------------------------------

    def quadrant(self, effects: Sequence[RankedEffect]) -> None:
        """Achievement 1–5 across, importance 0–4 up; the importance = 2 line, and 2.5 and 3.5 in the upper half."""
        pdf = self.pdf
        width, height, left, top_space = 140.0, 84.0, 16.0, 8.0
        self.ensure_space(top_space + height + 26)
        x0 = MARGIN + left
        y0 = pdf.get_y() + top_space

        def x_of(achievement: float) -> float:
            return x0 + (achievement - 1) / 4 * width

        def y_of(importance: float) -> float:
            return y0 + height - importance / 4 * height

        regions = [
            (ranking.PRIORITISE, 1, 2.5),
            (ranking.IMPROVE, 2.5, 3.5),
            (ranking.KEEP, 3.5, 5),
        ]
        for key, low, high in regions:
            pdf.set_fill_color(*QUADRANT_FILLS[key])
            pdf.rect(x_of(low), y0, x_of(high) - x_of(low), y_of(2) - y0, style="F")
        pdf.set_fill_color(*QUADRANT_FILLS[ranking.LOWER_PRIORITY])
        pdf.rect(x0, y_of(2), width, y0 + height - y_of(2), style="F")

        pdf.set_draw_color(*MUTED)
        pdf.set_line_width(0.3)
        pdf.rect(x0, y0, width, height)
        pdf.line(x0, y_of(2), x0 + width, y_of(2))
        for achievement in (2.5, 3.5):
            pdf.line(x_of(achievement), y0, x_of(achievement), y_of(2))

        # Region labels: the three upper ones above the frame, "lower priority" inside its band.
        self.font(9, "B", (40, 40, 40))
        for key, low, high in regions:
            pdf.set_xy(x_of(low), y0 - top_space + 1)
            pdf.cell(x_of(high) - x_of(low), top_space - 2, str(QUADRANT_LABELS[key]), align="C")
        pdf.set_xy(x0, y0 + height - 7)
        pdf.cell(width, 6, str(QUADRANT_LABELS[ranking.LOWER_PRIORITY]), align="C")

        # Scales and axis titles, each title followed by an arrow pointing the way the values grow.
        self.font(8, color=MUTED)
        for achievement in range(1, 6):
            pdf.set_xy(x_of(achievement) - 5, y0 + height + 0.5)
            pdf.cell(10, 4, str(achievement), align="C")
        for importance in range(5):
            pdf.set_xy(x0 - 9, y_of(importance) - 2)
            pdf.cell(7, 4, str(importance), align="R")
        self.font(9, color=(0, 0, 0))
        self._axis_title(_("Achieved today (1–5) →"), x0 + width / 2, y0 + height + 8.5)
        centre_x, centre_y = MARGIN + 3, y0 + height / 2
        with pdf.rotation(90, centre_x, centre_y):
            self._axis_title(_("Importance (0–4) →"), centre_x, centre_y + 1.2)

        # Points, numbered as in the table. Effects so close that their markers would overlap share one
        # marker ("6, 7") at their mean position; the table gives each one's figures.
        clusters: list[list[tuple[float, float, int]]] = []
        for effect in effects:
            point = (x_of(effect.achievement.value), y_of(effect.importance.value), effect.number)
            for cluster in clusters:
                if any(abs(x - point[0]) < MARKER and abs(y - point[1]) < MARKER for x, y, _n in cluster):
                    cluster.append(point)
                    break
            else:
                clusters.append([point])
        pdf.set_fill_color(*ACCENT)
        pdf.set_draw_color(255, 255, 255)
        pdf.set_line_width(0.3)
        self.font(7.5, "B", (255, 255, 255))
        for cluster in clusters:
            x = sum(point[0] for point in cluster) / len(cluster)
            y = sum(point[1] for point in cluster) / len(cluster)
            label = ", ".join(str(number) for _x, _y, number in cluster)
            marker = max(MARKER, pdf.get_string_width(label) + 3)
            if marker == MARKER:
                pdf.circle(x, y, MARKER / 2, style="DF")
            else:
                pdf.rect(
                    x - marker / 2, y - MARKER / 2, marker, MARKER, style="DF", round_corners=True, corner_radius=2
                )
            pdf.set_xy(x - marker / 2, y - MARKER / 2)
            pdf.cell(marker, MARKER, label, align="C")
        pdf.set_fill_color(255, 255, 255)

        pdf.set_xy(MARGIN, y0 + height + 12)
        self.caption(
            _(
                "Each effect placed by how important it is (up) and how well it is achieved today (across). "
                "The same figures are in the table below."
            )
        )

    def _axis_title(self, text: str, centre_x: float, baseline: float) -> None:
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


# Sections -----------------------------------------------------------------------------------------------------


def _title_block(report: ReportWriter, workshop: Workshop, results: Results) -> None:
    report.font(10, "B", ACCENT)
    report.pdf.cell(0, LINE, _("Workshop report").upper(), new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(1)
    report.font(22, "B")
    report.pdf.multi_cell(0, 10, workshop.title, align="L", new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(3)
    report.facts(
        [
            (_("Organisation"), workshop.organisation.name),
            (_("Dates"), f"{long_date(workshop.starts_on)}–{long_date(workshop.ends_on)}"),
            (_("Service users"), workshop.service_user_group),
            (_("Anonymity threshold"), str(results.k)),
            (_("Report created"), long_date(timezone.localdate())),
        ]
    )
    report.heading(_("Purpose"), 2)
    report.paragraph(workshop.purpose, size=11)


def _participants(report: ReportWriter, mix: Mix, results: Results) -> None:
    report.heading(_("Who takes part"))
    counts = [
        ngettext("%(counter)s participant", "%(counter)s participants", mix.total) % {"counter": mix.total},
        rated(results),
    ]
    report.paragraph(f"{counts[0]}. {counts[1]}")
    if mix.warnings:
        report.bullets(mix.warnings, size=9.5, color=(138, 60, 0))
    count = Column(_("Participants"), 1, "RIGHT")
    if mix.by_actor_group:
        report.table(
            [Column(_("Actor group"), 3), count], [[name, str(n)] for name, n in mix.by_actor_group], width=110
        )
    if mix.by_level:
        report.table([Column(_("Level"), 3), count], [[name, str(n)] for name, n in mix.by_level], width=110)


def _serves(item: Item) -> str:
    return "; ".join(target.title for target in getattr(item, "serves", [])) or DASH


def _chain(report: ReportWriter, chain: Chain) -> None:
    report.heading(_("The effect chain"))
    if not (chain.goals or chain.effects or chain.activities):
        report.paragraph(_("The chain has no cards yet."), color=MUTED)
        return
    report.heading(_("Goals"), 2)
    if chain.goals:
        report.table([Column("#", 0.35, "RIGHT"), Column(_("Goal"), 8)], _numbered(chain.goals))
    else:
        report.paragraph(_("No goals yet."), color=MUTED)
    report.heading(_("Effects for the service users"), 2)
    if chain.effects:
        report.table(
            [Column("#", 0.35, "RIGHT"), Column(_("Effect"), 4), Column(_("Goals this effect serves"), 4)],
            _numbered(chain.effects, serves=True),
        )
    else:
        report.paragraph(_("No effects yet."), color=MUTED)
    report.heading(_("Activities"), 2)
    if chain.activities:
        report.table(
            [Column("#", 0.35, "RIGHT"), Column(_("Activity"), 4), Column(_("Effects this activity serves"), 4)],
            _numbered(chain.activities, serves=True),
        )
    else:
        report.paragraph(_("No activities yet."), color=MUTED)
    if chain.warnings:
        report.heading(_("Chain warnings"), 2)
        report.bullets(chain.warnings, size=9.5, color=(138, 60, 0))


def _numbered(items: Sequence[Item], *, serves: bool = False) -> list[list[str]]:
    return [[str(number), item.title, *([_serves(item)] if serves else [])] for number, item in enumerate(items, 1)]


def _results(report: ReportWriter, results: Results) -> None:
    report.pdf.add_page()
    report.heading(_("Results"))
    report.paragraph(
        rated(results)
        + " "
        + _(
            "To protect everyone's anonymity, no figure is shown that fewer than %(k)s people stand behind; "
            "such cells show “–”."
        )
        % {"k": results.k}
        + " "
        + _("Guests' ratings count in the figures, but never lift a group over that threshold.")
    )

    report.heading(_("Activities ranked by expected contribution"), 2)
    if results.activities:
        report.table(
            [
                Column(_("Rank"), 1.3, "RIGHT"),
                Column(_("Activity"), 5),
                Column(_("Expected contribution"), 1.6, "RIGHT"),
                Column(_("Interval"), 1.8, "CENTER"),
                Column(_("Raters"), 1.3, "RIGHT"),
            ],
            [
                [
                    DASH if row.rank is None else str(row.rank),
                    row.item.title,
                    cell_figure(row.score),
                    interval(row.score, row.low, row.high),
                    raters(row.score),
                ]
                for row in results.activities
            ],
            caption=_("Expected contribution (0–3) with a 95 %% uncertainty interval") % {},
        )
    else:
        report.paragraph(_("No activities yet."), color=MUTED)

    report.heading(_("Effects and the priority quadrant"), 2)
    if results.plotted_effects:
        report.quadrant(results.plotted_effects)
    if results.effects:
        report.table(
            [
                Column(_("Point"), 0.9, "RIGHT"),
                Column(_("Effect"), 3.9),
                Column(_("Importance (0–4)"), 1.4, "RIGHT"),
                Column(_("Interval"), 1.7, "CENTER"),
                Column(_("Achieved today (1–5)"), 1.5, "RIGHT"),
                Column(_("Priority"), 1.9),
                Column(_("Raters"), 1.3, "RIGHT"),
            ],
            [
                [
                    str(row.number) if row.number else DASH,
                    row.item.title,
                    cell_figure(row.importance),
                    interval(row.importance, row.low, row.high),
                    cell_figure(row.achievement),
                    row.quadrant_label or DASH,
                    raters(row.importance),
                ]
                for row in results.effects
            ],
            caption=_("Effects ranked by importance, with how well each is achieved today"),
        )
    else:
        report.paragraph(_("No effects yet."), color=MUTED)

    if results.matrix and results.matrix_effects:
        report.heading(_("How much each activity contributes to each effect"), 2)
        report.split_table(
            Column(_("Activity"), 1),
            [effect.title for effect in results.matrix_effects],
            [(row.activity.title, [_matrix_cell(cell) for cell in row.cells]) for row in results.matrix],
            caption=_("Mean contribution, 0–3 (darker is more); empty where the activity does not serve the effect"),
            part=_("part %(number)s of %(total)s"),
            column=24,
        )

    groups = [
        (results.importance_by_actor_group, _("Importance of the effects, by actor group")),
        (results.contribution_by_actor_group, _("Expected contribution of the activities, by actor group")),
        (results.importance_by_level, _("Importance of the effects, by level")),
        (results.contribution_by_level, _("Expected contribution of the activities, by level")),
    ]
    if any(table.groups and table.rows for table, _caption in groups):
        report.heading(_("Where the groups see things differently"), 2)
        report.paragraph(
            _(
                "Each group's mean, with the items where the groups differ most first. "
                "That is what the next conversation is about."
            )
        )
        for table, caption in groups:
            _group_table(report, table, caption)


def _matrix_cell(cell: Cell | None) -> tuple[str, tuple[int, int, int] | None]:
    if cell is None:
        return ("", None)
    if cell.hidden or not isinstance(cell.value, (int, float)):
        return (DASH, None)
    return (figure(cell.value, 1), HEAT[max(0, min(3, round(cell.value)))])


def _group_table(report: ReportWriter, table: GroupTable, caption: str) -> None:
    if not (table.groups and table.rows):
        return
    report.split_table(
        Column(_("Item"), 1),
        table.groups,
        [
            (
                row.item.title,
                [cell_figure(row.overall), *[cell_figure(cell) for cell in row.by_group], figure(row.spread)],
            )
            for row in table.rows
        ],
        before=[Column(_("All"), 1, "RIGHT")],
        after=[Column(_("Difference"), 1, "RIGHT")],
        caption=caption,
        part=_("part %(number)s of %(total)s"),
    )


def _decisions(report: ReportWriter, decisions: Sequence[Decision]) -> None:
    report.heading(_("Decisions"))
    if not decisions:
        report.paragraph(_("No decisions yet."), color=MUTED)
        return
    report.table(
        [
            Column(_("Activity"), 3),
            Column(_("Effect it serves"), 3),
            Column(_("Owner"), 2.4),
            Column(_("Follow-up"), 3),
            Column(_("Follow up by"), 1.8),
        ],
        [
            [
                decision.activity.title,
                decision.effect.title,
                decision.owner,
                decision.follow_up,
                formats.date_format(decision.due_on, "SHORT_DATE_FORMAT"),
            ]
            for decision in decisions
        ],
        caption=_("Chosen activities"),
    )


def _method(report: ReportWriter, results: Results) -> None:
    report.heading(_("How the figures are computed"))
    report.bullets(
        [
            _(
                "Importance and how well an effect is achieved are the means of everyone who rated them; "
                "“don't know” and empty ratings do not count."
            ),
            _(
                "An activity's expected contribution is, for each effect it serves, its mean contribution (0–3) "
                "times the effect's importance as a share of the highest importance (4), averaged over those "
                "effects. An activity that serves very important effects very much scores 3."
            ),
            _(
                "The interval shows the uncertainty: 1,000 re-draws of the participants (a bootstrap); 95 %% of "
                "the re-computed values fall inside it. A wide interval means people disagree, or few have rated."
            )
            % {},
            _(
                "Priority: an effect with importance 2 or more is to prioritise if it is achieved below 2.5, to "
                "improve between 2.5 and 3.5, and to keep above that; effects with importance below 2 have lower "
                "priority."
            ),
            _(
                "Anonymity: a figure that fewer than %(k)s people stand behind is never shown, and where one group "
                "is hidden another may be hidden too, so that it cannot be worked out from the others. Nobody, "
                "process leaders included, can see an individual's ratings."
            )
            % {"k": results.k},
            _(
                "Levels and actor groups are checked together, so that a level minus an actor group cannot give "
                "a small group's figure. An activity's expected contribution only counts effects whose importance "
                "and contribution may both be shown. Rows whose figure is hidden come last, without a rank. Once "
                "shown, the results are fixed: rating cannot reopen."
            ),
        ],
        size=9.5,
    )


def render_report(
    *,
    workshop: Workshop,
    results: Results,
    mix: Mix,
    chain: Chain,
    decisions: Sequence[Decision],
    compress: bool = True,
) -> bytes:
    """The workshop's report as PDF: purpose, chain, results with charts and tables, decisions, who took part by group.

    Everything shown comes from the arguments; `results` is already suppressed below the anonymity threshold,
    and hidden figures print as "–". `compress=False` leaves the page streams readable (for tests).
    """
    report = ReportWriter(workshop)
    report.pdf.set_compression(compress)
    _title_block(report, workshop, results)
    _participants(report, mix, results)
    _chain(report, chain)
    _results(report, results)
    _decisions(report, decisions)
    _method(report, results)
    return bytes(report.pdf.output())
