"""Exports of a barometer round: the results in long format (CSV and XLSX), and a codebook.

Every figure comes from the round's `reporting.RoundReport`, whose hidden figures are `HIDDEN`: the rows hold them
as they are, and `tillit.reports.spreadsheets` writes them as empty cells, never as numbers; nothing here looks at
the answers. The results have one row per group (the whole organisation, a unit with everything below it, a level,
an actor group) and measure (the respondents, a theme's index, a statement): the same groups and the same
suppression as the report pages. Free text is not exported.

Text typed by people (unit, level and group names, own items, the round's name) passes through the spreadsheets'
guard against formulas, in both formats.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tillit.barometer import queries
from tillit.barometer.models import PRINCIPLES, Item, Round, Theme
from tillit.barometer.reporting import TOTAL, VALUES, RoundReport, group_cell, level_cell, unit_cell
from tillit.barometer.reporting import round_report as reporting_round_report
from tillit.organisations.queries import unit_tree
from tillit.privacy.suppression import HIDDEN, Hidden
from tillit.reports.spreadsheets import Row, csv_bytes, xlsx_bytes

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


@dataclass(frozen=True)
class ExportGroup:
    """One group of the results: what kind of view it is, its name, and its key in the report."""

    view: str
    name: str
    key: tuple[Hashable, ...]


# Which groups a reader gets -----------------------------------------------------------------------------------


def breakdowns_in_scope(round: Round, report: RoundReport, readable_units: frozenset[int] | None) -> list[ExportGroup]:
    """The groups of the report pages: everything for a reader of the whole organisation (`readable_units` None),
    only their own units for a manager. Units come in tree order; closed units only where the round has them."""
    unit_rows = [
        ExportGroup(_("Unit"), node.path, unit_cell(node.unit.pk))
        for node in unit_tree(round.organisation, include_closed=True)
        if (readable_units is None or node.unit.pk in readable_units)
        and (node.unit.is_open or unit_cell(node.unit.pk) in report.cells)
    ]
    if readable_units is not None:
        return unit_rows
    rows = [ExportGroup(_("Organisation"), round.organisation.name, TOTAL), *unit_rows]
    for level in queries.levels_of(round.organisation):
        rows.append(ExportGroup(_("Level"), level.name, level_cell(level.pk)))
    if level_cell(None) in report.cells:
        rows.append(ExportGroup(_("Level"), _("Not stated"), level_cell(None)))
    for group in queries.actor_groups_of(round.organisation):
        rows.append(ExportGroup(_("Actor group"), group.name, group_cell(group.pk)))
    if group_cell(None) in report.cells:
        rows.append(ExportGroup(_("Actor group"), _("Not stated"), group_cell(None)))
    return rows


# The results ---------------------------------------------------------------------------------------------------


def result_rows(report: RoundReport, breakdowns: Iterable[ExportGroup]) -> list[Row]:
    """The header and one row per group and measure. Pure: reads only the report."""
    rows: list[Row] = [list(COLUMNS)]
    themes = [(str(theme), str(Theme(theme).label)) for theme in report.principle_themes()]
    items = [(item.pk, item.code, item.text) for item in report.scale_items]
    respondents, theme_kind, statement = _("Respondents"), _("Theme"), _("Statement")
    respondents_measure = _("Number of respondents")
    shown_texts = {True: _shown_text(True, report.k), False: _shown_text(False, report.k)}
    hidden_values: list[float | Hidden | None] = [HIDDEN] * VALUES
    for breakdown in breakdowns:
        view, name = breakdown.view, breakdown.name
        cell = report.cell(breakdown.key)
        shown = shown_texts[cell.shown]
        rows.append(
            [
                view,
                name,
                respondents,
                RESPONDENTS,
                respondents_measure,
                None,
                None,
                cell.respondents,
                *[None] * 6,
                _share(cell.response_rate),
                cell.population,
                shown,
            ]
        )
        principles = cell.principles
        for code, label in themes:
            rows.append([view, name, theme_kind, code, label, _share(principles.get(code)), *[None] * 10, shown])
        cell_items = cell.items
        for pk, code, text in items:
            figures = cell_items.get(pk)
            index: float | Hidden | None
            agree: float | Hidden | None
            answers: int | Hidden
            if figures is None:
                index = agree = answers = HIDDEN
                values = hidden_values
            else:
                index, agree, answers = _share(figures.index), _share(figures.agree), figures.answers
                distribution = figures.distribution
                values = hidden_values if isinstance(distribution, Hidden) else [_share(v) for v in distribution]
            rows.append([view, name, statement, code, text, index, agree, answers, *values, None, None, shown])
    return rows


def _shown_text(shown: bool, k: int) -> str:
    if shown:
        return _("yes")
    return _("no (fewer than %(k)s respondents, or hidden to protect a smaller group)") % {"k": k}


def _share(value: float | Hidden | None) -> float | Hidden | None:
    """A figure (an index or a percentage) to one decimal; HIDDEN stays hidden, None (no figure) stays empty."""
    if value is None or isinstance(value, Hidden):
        return value
    return round(float(value), 1)


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


def _closed_on(round: Round) -> str:
    """When the round closed: the day a process leader closed it, or its closing date when that passed first."""
    if round.closed_at is not None:
        return timezone.localdate(round.closed_at).isoformat()
    return round.closes_on.isoformat() if round.is_closed else _("not yet")


def about_rows(round: Round, *, whole_organisation: bool) -> list[Row]:
    k = round.k
    rows: list[Row] = [
        [_("Round"), round.name],
        [_("Organisation"), round.organisation.name],
        [_("Opens"), round.opens_on.isoformat()],
        [_("Closes"), round.closes_on.isoformat()],
        [_("Closed on"), _closed_on(round)],
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


def results_workbook(results: Sequence[Row], codebook: Sequence[Row], about: Sequence[Row]) -> bytes:
    return xlsx_bytes(
        [(_("Results"), results), (_("Codebook"), codebook), (_("About"), about)],
        header_rows=[1, 0, 0],
    )


# Whole files, built at once or in the background -------------------------------------------------------------------

EXPORT_FORMAT = 1  # raised when what a file holds changes: files prepared under an older format are built again
INLINE_ROWS = 5_000  # results of up to this many rows are built within the request; larger ones in the background
KINDS = ("csv", "xlsx")


def results_file(round: Round, kind: str, readable_units: frozenset[int] | None) -> bytes:
    """The round's results for a reader of `readable_units` (None: the whole organisation) as CSV or XLSX bytes,
    in the active language: what a download serves, whether built now or prepared in the background."""
    report = reporting_round_report(round)
    rows = result_rows(report, breakdowns_in_scope(round, report, readable_units))
    if kind == "csv":
        return csv_bytes(rows)
    return results_workbook(rows, codebook_rows(round), about_rows(round, whole_organisation=readable_units is None))


def estimated_rows(round: Round, readable_units: frozenset[int] | None) -> int:
    """About how many rows the results file would have (at most), from counts alone: the report is not read, since a
    round's first read builds it, which is what a request must not wait for. Groups × (one + principles + items)."""
    if readable_units is not None:
        groups = len(readable_units)
    else:
        organisation = round.organisation
        groups = 1 + organisation.units.count() + queries.levels_of(organisation).count()
        groups += queries.actor_groups_of(organisation).count() + 2  # and "not stated" of each
    return groups * (1 + len(PRINCIPLES) + len(queries.questionnaire_items(round)))


def scope_key(readable_units: frozenset[int] | None) -> str:
    """Names a scope of readers without listing its units: `all`, or a digest of the sorted unit ids."""
    if readable_units is None:
        return "all"
    return hashlib.sha256(",".join(map(str, sorted(readable_units))).encode()).hexdigest()[:32]
