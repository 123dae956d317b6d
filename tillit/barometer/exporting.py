"""Exports of a barometer round: the results in long format (CSV and XLSX), and a codebook.

Every figure comes from the round's `RoundReport`, whose hidden figures are `HIDDEN`; they are written as empty
cells, never as numbers, and nothing here looks at the answers. The results have one row per group (the whole
organisation, a unit with everything below it, a level, an actor group) and measure (the respondents, a theme's
index, a statement): the same groups and the same suppression as the report pages. Free text is not exported.

Text typed by people (unit, level and group names, own items, the round's name) passes through the workshop
export's guard against spreadsheet formulas, in both formats; in XLSX every text cell is also typed as a string,
so no text becomes a formula or an error value.

The building functions return rows of plain values (str, int, float, None for an empty cell); `csv_bytes` and
`xlsx_bytes` only write them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from tillit.barometer import reporting
from tillit.barometer.models import PRINCIPLES, Item, Round, Theme
from tillit.barometer.reporting import CellFigures, RoundReport
from tillit.organisations.models import ActorGroup, Level
from tillit.organisations.queries import unit_tree
from tillit.privacy.suppression import Hidden
from tillit.workshops.exporting import spreadsheet_text

BOM = "\ufeff"  # Excel reads UTF-8 only with a byte-order mark
RESPONDENTS = "respondents"  # the measure code of the respondent count

# The columns of the results, in order. They are identifiers for whoever analyses the file, explained in the
# codebook, and stay the same in every language.
COLUMNS = (
    "vy",
    "namn",
    "mått_typ",
    "mått_kod",
    "mått",
    "index",
    "instämmer_%",
    "svar",
    "1",
    "2",
    "3",
    "4",
    "5",
    "vet_ej",
    "svarsfrekvens_%",
    "population",
    "visas",
)

Row = list[Any]


@dataclass(frozen=True)
class Breakdown:
    """One group of the results: what kind of view it is, its name, and its key in the report."""

    view: str
    name: str
    key: tuple


# Which groups a reader gets -----------------------------------------------------------------------------------


def breakdowns_in_scope(round: Round, report: RoundReport, readable_units: frozenset[int] | None) -> list[Breakdown]:
    """The groups of the report pages: everything for a reader of the whole organisation (`readable_units` None),
    only their own units for a manager. Units come in tree order; closed units only where the round has them."""
    unit_rows = [
        Breakdown(_("Unit"), node.path, reporting.unit_cell(node.unit.pk))
        for node in unit_tree(round.organisation, include_closed=True)
        if (readable_units is None or node.unit.pk in readable_units)
        and (node.unit.is_open or reporting.unit_cell(node.unit.pk) in report.cells)
    ]
    if readable_units is not None:
        return unit_rows
    rows = [Breakdown(_("Organisation"), round.organisation.name, reporting.TOTAL), *unit_rows]
    for level in Level.objects.filter(organisation_id=round.organisation_id).order_by("rank", "name"):
        rows.append(Breakdown(_("Level"), level.name, reporting.level_cell(level.pk)))
    if reporting.level_cell(None) in report.cells:
        rows.append(Breakdown(_("Level"), _("Not stated"), reporting.level_cell(None)))
    for group in ActorGroup.objects.filter(organisation_id=round.organisation_id).order_by("position", "name"):
        rows.append(Breakdown(_("Actor group"), group.name, reporting.group_cell(group.pk)))
    if reporting.group_cell(None) in report.cells:
        rows.append(Breakdown(_("Actor group"), _("Not stated"), reporting.group_cell(None)))
    return rows


# The results ---------------------------------------------------------------------------------------------------


def result_rows(report: RoundReport, breakdowns: Iterable[Breakdown]) -> list[Row]:
    """The header and one row per group and measure. Pure: reads only the report."""
    rows: list[Row] = [list(COLUMNS)]
    themes = report.principle_themes()
    for breakdown in breakdowns:
        cell = report.cell(breakdown.key)
        shown = _shown_text(cell, report.k)
        rows.append(
            [
                breakdown.view,
                breakdown.name,
                _("Respondents"),
                RESPONDENTS,
                _("Number of respondents"),
                *[None] * 2,
                _count(cell.respondents),
                *[None] * 6,
                _share(cell.response_rate),
                cell.population if cell.shown else None,
                shown,
            ]
        )
        for theme in themes:
            rows.append(
                [
                    breakdown.view,
                    breakdown.name,
                    _("Theme"),
                    str(theme),
                    str(Theme(theme).label),
                    _share(cell.principles.get(theme)),
                    *[None] * 10,
                    shown,
                ]
            )
        for item in report.scale_items:
            figures = cell.items.get(item.pk)
            distribution = getattr(figures, "distribution", None)
            values = list(distribution) if isinstance(distribution, tuple) else [None] * reporting.VALUES
            rows.append(
                [
                    breakdown.view,
                    breakdown.name,
                    _("Statement"),
                    item.code,
                    item.text,
                    _share(getattr(figures, "index", None)),
                    _share(getattr(figures, "agree", None)),
                    _count(getattr(figures, "answers", None)),
                    *[_share(value) for value in values],
                    None,
                    None,
                    shown,
                ]
            )
    return rows


def _shown_text(cell: CellFigures, k: int) -> str:
    if cell.shown:
        return _("yes")
    return _("no (fewer than %(k)s respondents, or hidden to protect a smaller group)") % {"k": k}


def _share(value: Any) -> float | None:
    """A figure (an index or a percentage) to one decimal; None when hidden or missing."""
    if value is None or isinstance(value, (Hidden, bool)) or not isinstance(value, (int, float)):
        return None
    return round(float(value), 1)


def _count(value: Any) -> int | None:
    if value is None or isinstance(value, (Hidden, bool)) or not isinstance(value, int):
        return None
    return int(value)


# The codebook --------------------------------------------------------------------------------------------------


def codebook_rows(round: Round) -> list[Row]:
    """Every item of the round's questionnaire, every theme, every column of the results and how the figures are
    computed. Holds no results."""
    k = round.k
    items = list(round.instrument.items.all())
    rows: list[Row] = [[_("Codebook: %(round)s") % {"round": round.name}], []]

    rows.append([_("Items")])
    rows.append(
        [
            _("Code"),
            _("Theme"),
            _("Kind"),
            _("Text in Swedish"),
            _("Text in English"),
            _("Scale"),
            _("National reference (% agreeing)"),
            _("Source of the reference"),
        ]
    )
    for item in items:
        rows.append(
            [
                item.code,
                str(Theme(item.theme).label) if item.theme in Theme.values else item.theme,
                str(Item.Kind(item.kind).label) if item.kind in Item.Kind.values else item.kind,
                item.text_sv,
                item.text_en or None,
                _scale_text() if item.is_scale else _("Free text; not in the exports"),
                float(item.reference_share) if item.reference_share is not None else None,
                item.reference_source or None,
            ]
        )
    rows.append([])

    rows.append([_("Themes")])
    rows.append([_("Code"), _("Theme"), _("Its statements")])
    for theme in _themes(items):
        codes = [item.code for item in items if item.is_scale and item.theme == theme]
        rows.append([str(theme), str(Theme(theme).label), ", ".join(codes)])
    rows.append([RESPONDENTS, _("Number of respondents"), None])
    rows.append([])

    rows.append([_("Columns of the results")])
    rows.append([_("Column"), _("Meaning")])
    for column, meaning in _column_meanings(k):
        rows.append([column, meaning])
    rows.append([])

    rows.append([_("How the figures are computed")])
    for name, explanation in _calculations(k):
        rows.append([name, explanation])
    return rows


def _themes(items: Sequence[Item]) -> list[str]:
    present = {item.theme for item in items if item.is_scale}
    return [str(theme) for theme in (*PRINCIPLES, Theme.CAPABILITY, Theme.PRECONDITIONS) if theme in present]


def _scale_text() -> str:
    return _("1 = Not at all true … 5 = Completely true; don’t know = empty")


def _column_meanings(k: int) -> list[tuple[str, str]]:
    empty = _("Empty when hidden.")
    return [
        ("vy", _("The kind of group: the organisation, a unit (with everything below it), a level or an actor group.")),
        ("namn", _("The group: the organisation's name, the unit's path from the top, the level or the actor group.")),
        ("mått_typ", _("The kind of measure: respondents, the index of a theme, or a statement.")),
        (
            "mått_kod",
            _("The measure's code: “respondents”, a theme's code or a statement's code (see the tables above)."),
        ),
        ("mått", _("The measure in words: the theme or the statement's text.")),
        ("index", _("Index 0–100, one decimal (see below). Empty where nobody took a position.") + " " + empty),
        ("instämmer_%", _("Per cent answering 4 or 5, of those who took a position (1–5).") + " " + empty),
        (
            "svar",
            _("Respondents: the number of people who answered. Statements: how many took a position (1–5).")
            + " "
            + empty,
        ),
        (
            "1",
            _("Per cent answering 1, of everyone who answered the statement (including “don’t know”).") + " " + empty,
        ),
        ("2", _("Per cent answering 2, as above.") + " " + empty),
        ("3", _("Per cent answering 3, as above.") + " " + empty),
        ("4", _("Per cent answering 4, as above.") + " " + empty),
        ("5", _("Per cent answering 5, as above.") + " " + empty),
        ("vet_ej", _("Per cent answering “don’t know”, as above.") + " " + empty),
        (
            "svarsfrekvens_%",
            _("Response rate: respondents as a per cent of the population.") + " " + empty,
        ),
        (
            "population",
            _(
                "Members of the group when the round opened (the base of the response rate). Given where the group is shown."
            ),
        ),
        (
            "visas",
            _(
                "Whether the group's figures are shown: “no” when fewer than %(k)s answered, or when it is hidden so "
                "that a smaller group cannot be worked out from the others."
            )
            % {"k": k},
        ),
    ]


def _calculations(k: int) -> list[tuple[str, str]]:
    return [
        (
            _("Index"),
            _(
                "The mean answer on the scale, turned into 0–100: 1 gives 0, 2 gives 25, 3 gives 50, 4 gives 75 and "
                "5 gives 100. “Don’t know” is left out."
            ),
        ),
        (
            _("Index of a theme"),
            _("The mean of its statements' indices, shown only where every one of its statements is shown."),
        ),
        (_("Agreeing"), _("Per cent answering 4 or 5, of those who took a position (1–5).")),
        (_("Hidden figures"), _empty_cells_note(k)),
        (_("Open answers"), _open_answers_note()),
    ]


def _empty_cells_note(k: int) -> str:
    return _(
        "Empty cells = fewer than %(k)s respondents, or hidden to protect a smaller group. A hidden figure is "
        "never written as 0."
    ) % {"k": k}


def _open_answers_note() -> str:
    return _(
        "Open answers are not in the exports. Free text is shown only on the report pages, for the whole "
        "organisation or a unit where enough people answered."
    )


# About the export ----------------------------------------------------------------------------------------------


def about_rows(round: Round, *, whole_organisation: bool) -> list[Row]:
    k = round.k
    rows: list[Row] = [
        [_("Round"), round.name],
        [_("Organisation"), round.organisation.name],
        [_("Opens"), round.opens_on.isoformat()],
        [_("Closes"), round.closes_on.isoformat()],
        [
            _("Closed on"),
            timezone.localdate(round.closed_at).isoformat() if round.closed_at else _("not yet"),
        ],
        [_("Exported"), timezone.localdate().isoformat()],
        [_("Anonymity threshold (k)"), k],
        [_("Groups"), _("The whole organisation") if whole_organisation else _("Your units and everything below them")],
        [_("Empty cells"), _empty_cells_note(k)],
        [_("Open answers"), _open_answers_note()],
        [
            _("Codebook"),
            _("The sheet “%(sheet)s” explains every column, item and calculation.") % {"sheet": _("Codebook")},
        ],
    ]
    return rows


# Writing -------------------------------------------------------------------------------------------------------


def filename(round: Round, extension: str, *, suffix: str = "") -> str:
    """`<round name>-<suffix>-<date>.<extension>`, in lower-case ASCII letters, digits and dashes only."""
    name = slugify(round.name)[:60].strip("-_") or "barometer"
    parts = [name, slugify(suffix), timezone.localdate().isoformat()]
    return "-".join(part for part in parts if part) + "." + extension


def csv_bytes(rows: Iterable[Row]) -> bytes:
    """UTF-8 with a byte-order mark, `;` between cells, decimal comma, empty cells for None."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return (BOM + out.getvalue()).encode("utf-8")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _text(str(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return _text(str(value))


def _text(value: str) -> str:
    """Text from the database, without characters a spreadsheet cannot hold, defused against formulas."""
    return spreadsheet_text(ILLEGAL_CHARACTERS_RE.sub("", value))


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[Row]]], *, header_rows: Sequence[int] = ()) -> bytes:
    """A workbook with one sheet per (title, rows). Numbers stay numbers, None is an empty cell and every text is
    a string cell (never a formula). `header_rows` gives, per sheet, how many leading rows to set in bold."""
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


def results_workbook(results: Sequence[Row], codebook: Sequence[Row], about: Sequence[Row]) -> bytes:
    return xlsx_bytes(
        [(_("Results"), results), (_("Codebook"), codebook), (_("About"), about)],
        header_rows=[1, 0, 0],
    )
