"""The barometer's results: every figure of a round, suppressed once, and what pages and exports receive of it.

`round_report` gives the report of a round whose results are open: for the organisation, every unit (with everything
below it), every level and every actor group, with the anonymity rules applied once, for all of them together.
Suppression goes through `tillit.privacy.breakdowns` (by way of `tally`), once, on the respondent counts over the
unit tree and the two flat dimensions, level and actor group, auditing every crossing of them (a level minus an
actor group, a unit × level × actor group cell): a group is shown with all its figures or not at all. The group is
the people who responded; someone who answered "vet ej" or skipped an item stays in it, so every figure of a shown
group comes from at least k respondents, and every figure a reader could compute by combining shown groups comes
from a group of at least k respondents too (the engine guarantees this for the counts, and every figure here is a
sum over the same groups). A principle's index is the mean of its items' indices.

Answers through the open link are not tied to a person: whoever has the link could add k − 1 answers they know to
a unit and read off the one real one. They are passed to the engine as unverified, so they never lift a group of
verified respondents over the threshold.

Free text is a publication of its own: for every open question, the people who wrote an answer form a population
over the unit tree (texts are shown only on the organisation's and a unit's pages, never by level or actor group).
A question's answers are shown for a group only where its writers are disclosed by the same engine (at least k
writers, and no hidden group of writers follows from the shown ones as a parent's texts minus its children's) and
the group's figures are shown.

A round's results are published once, when it is closed and sealed (`actions.seal_round`), and cannot change after:
its answers are mixed and no more can arrive, its threshold and unit tree were fixed when it opened, and answers
name only units of that tree. So its report is the same whenever it is built, and is kept in the cache in its
stored form (`stored_form`): already suppressed, every figure through `privacy.codec` (a hidden figure stays
`HIDDEN`), each group's figures as a JSON text of its own that is decoded only when a page asks for that group, so a
page of the organisation or of a unit decodes its own groups and not the whole round. Building a report never
writes: a round that is closed but not sealed has no report (`ResultsNotOpen`).

Publications (the dataclasses here, which `tests/test_architecture.py` holds to this): every figure is a value that
may be HIDDEN (the report itself) or a `Cell` of the whole number a reader sees and the group's respondent count,
hidden together (what a page receives); templates test `.hidden`. Numbers that are not figures about people (k, ids,
a national reference) are `NotAFigure`. The arithmetic that needs no publication type is in `tally`, the reads in
`queries`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tillit.barometer import queries, tally
from tillit.barometer.models import PRINCIPLES, Item, Round, Theme

# The report's keys and shape, re-exported for pages, exports and tests.
from tillit.barometer.tally import DONT_KNOW_COLUMN as DONT_KNOW_COLUMN
from tillit.barometer.tally import TOTAL as TOTAL
from tillit.barometer.tally import VALUES, CellKey
from tillit.barometer.tally import group_cell as group_cell
from tillit.barometer.tally import level_cell as level_cell
from tillit.barometer.tally import unit_cell as unit_cell
from tillit.privacy import codec
from tillit.privacy.breakdowns import Reason
from tillit.privacy.suppression import HIDDEN, Cell, Hidden, NotAFigure, count
from tillit.reports import charts

NOT_PUBLISHED = ("GroupLink",)  # what the page builders here read, not what they publish

CACHE_VERSION = 5  # 5: the stored form (`stored_form`) instead of a pickled RoundReport

ItemId = NotAFigure[int]
UnitId = NotAFigure[int]
HIDDEN_CELL: Final[Cell[int]] = Cell(HIDDEN, HIDDEN)


class ResultsNotOpen(Exception):
    """The round's results are not open: it has not closed, or its answers are not sealed yet."""


# The report -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFigures:
    index: float | Hidden  # 0–100: the mean answer, 1 → 0 and 5 → 100, "vet ej" left out
    agree: float | Hidden  # % answering 4 or 5 of those who took a position
    answers: int | Hidden  # how many took a position (1–5)
    distribution: tuple[float, ...] | Hidden  # % per 1–5 and "vet ej", of all who answered the item


_HIDDEN_ITEM = ItemFigures(HIDDEN, HIDDEN, HIDDEN, HIDDEN)


@dataclass
class CellFigures:
    respondents: int | Hidden
    population: int | Hidden | None  # members when the round opened; HIDDEN with the group, None where none were
    items: dict[ItemId, ItemFigures] = field(default_factory=dict)
    principles: dict[str, float | Hidden] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return not isinstance(self.respondents, Hidden)

    @property
    def response_rate(self) -> float | Hidden | None:
        """Respondents as a per cent of the population; HIDDEN with the group, None where it is not known."""
        if isinstance(self.respondents, Hidden) or isinstance(self.population, Hidden):
            return HIDDEN
        if not self.population:
            return None
        return 100 * self.respondents / self.population


@dataclass
class RoundReport:
    round_id: NotAFigure[int]
    k: NotAFigure[int]
    items: list[Item]
    cells: Mapping[CellKey, CellFigures]  # a dict when built; `StoredCells` when read from the stored form
    # Per open question, the units whose answers may be read there (in unfiltered views only), and whether the
    # whole organisation's may.
    text_units: dict[ItemId, frozenset[UnitId]] = field(default_factory=dict)
    text_total: dict[ItemId, bool] = field(default_factory=dict)
    unverified: int | Hidden = 0  # respondents through the open link, as a count of people
    # Why each hidden unit is hidden (`privacy.breakdowns.Reason`), as far as the shown totals already tell it.
    hidden_because: NotAFigure[dict[Hashable, Reason]] = field(default_factory=dict)

    def cell(self, key: CellKey) -> CellFigures:
        return self.cells.get(key) or CellFigures(HIDDEN, HIDDEN)

    def why_hidden(self, key: CellKey) -> Reason:
        """Why the group `key` is hidden, as its page says it (`Population.reasons`): the whole organisation only ever
        for too few answers; a unit as the engine says; a level or an actor group always with the reason that is
        true of every hidden group. A unit outside the round's tree had nobody answering."""
        if key == tally.TOTAL:
            return Reason.TOO_FEW
        if key[0] == "unit":
            return self.hidden_because.get(key[1], Reason.TOO_FEW)
        return Reason.EITHER

    @property
    def scale_items(self) -> list[Item]:
        return [item for item in self.items if item.is_scale]

    def principle_themes(self) -> list[str]:
        """The themes with a scale item: the principles first, then capability and preconditions."""
        present = {item.theme for item in self.scale_items}
        return [theme for theme in (*PRINCIPLES, Theme.CAPABILITY, Theme.PRECONDITIONS) if theme in present]

    def present_principles(self) -> list[str]:
        """The seven principles that have a scale item, in their order: the columns of a breakdown."""
        return [theme for theme in self.principle_themes() if theme in PRINCIPLES]

    def readable_questions(self, unit_id: int | None = None) -> list[int]:
        """The open questions whose answers may be read for the organisation (None) or a unit."""
        questions = [item.pk for item in self.items if not item.is_scale]
        if unit_id is None:
            return [item for item in questions if self.text_total.get(item)]
        return [item for item in questions if unit_id in self.text_units.get(item, frozenset())]


def round_report(round: Round) -> RoundReport:
    """The report of a round whose results are open (closed and sealed), from its stored form in the cache (built
    and stored the first time); ResultsNotOpen otherwise. Reads only: it never seals a round."""
    if not round.results_open:
        raise ResultsNotOpen(round.pk)
    key = f"barometer-report:{CACHE_VERSION}:{round.pk}:{round.k}"
    stored: dict[str, Any] | None = cache.get(key)
    if stored is not None:
        report = from_stored_form(stored, queries.questionnaire_items(round))
        if report is not None:
            return report
    report = build_report(round)
    cache.set(key, stored_form(report), timeout=None)
    return report


# The stored form: JSON texts through privacy.codec, one per group -------------------------------------------------


def _key_text(key: CellKey) -> str:
    return json.dumps(list(key))


def _plain(value: object) -> object:
    """A figure as JSON holds it: NumPy's numbers as Python's; HIDDEN, None and the rest as they are."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _cell_text(cell: CellFigures) -> str:
    items = [
        [
            pk,
            _plain(figures.index),
            _plain(figures.agree),
            _plain(figures.answers),
            figures.distribution
            if isinstance(figures.distribution, Hidden)
            else [_plain(share) for share in figures.distribution],
        ]
        for pk, figures in cell.items.items()
    ]
    principles = {str(theme): _plain(value) for theme, value in cell.principles.items()}
    data = [_plain(cell.respondents), _plain(cell.population), items, principles]
    return json.dumps(codec.encode(data), separators=(",", ":"))


def _cell_from_text(text: str) -> CellFigures:
    # codec.decode as the parser's hook: it restores each HIDDEN and Cell where the parser meets it, without a
    # second walk over the item figures.
    respondents, population, items, principles = json.loads(text, object_hook=codec.decode)
    return CellFigures(
        respondents,
        population,
        {
            pk: ItemFigures(
                index, agree, answers, distribution if isinstance(distribution, Hidden) else tuple(distribution)
            )
            for pk, index, agree, answers, distribution in items
        },
        principles,
    )


class StoredCells(Mapping[CellKey, CellFigures]):
    """A report's groups in their stored form: a group's figures are decoded the first time they are asked for."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts
        self._decoded: dict[str, CellFigures] = {}

    def __getitem__(self, key: CellKey) -> CellFigures:
        text_key = _key_text(key)
        cell = self._decoded.get(text_key)
        if cell is None:
            cell = self._decoded[text_key] = _cell_from_text(self._texts[text_key])
        return cell

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and _key_text(key) in self._texts

    def __iter__(self) -> Iterator[CellKey]:
        return (tuple(json.loads(text_key)) for text_key in self._texts)

    def __len__(self) -> int:
        return len(self._texts)


def stored_form(report: RoundReport) -> dict[str, Any]:
    """The report as it is kept: already suppressed, every figure through `privacy.codec`, each group's figures a
    JSON text of its own; the questionnaire's items by id (read back with the round's questionnaire)."""
    return {
        "round_id": report.round_id,
        "k": report.k,
        "items": [item.pk for item in report.items],
        "cells": {_key_text(key): _cell_text(cell) for key, cell in report.cells.items()},
        "text_units": {str(pk): sorted(units) for pk, units in report.text_units.items()},
        "text_total": {str(pk): bool(readable) for pk, readable in report.text_total.items()},
        "unverified": codec.encode(_plain(report.unverified)),
        "hidden_because": [[unit, str(reason)] for unit, reason in report.hidden_because.items()],
    }


def from_stored_form(stored: dict[str, Any], items: Sequence[Item]) -> RoundReport | None:
    """The report kept by `stored_form`, with the questionnaire's `items`; None where they are not the stored ones."""
    by_pk = {item.pk: item for item in items}
    if any(pk not in by_pk for pk in stored["items"]):
        return None
    return RoundReport(
        round_id=stored["round_id"],
        k=stored["k"],
        items=[by_pk[pk] for pk in stored["items"]],
        cells=StoredCells(stored["cells"]),
        text_units={int(pk): frozenset(units) for pk, units in stored["text_units"].items()},
        text_total={int(pk): readable for pk, readable in stored["text_total"].items()},
        unverified=codec.decode(stored["unverified"]),
        hidden_because={unit: Reason(reason) for unit, reason in stored["hidden_because"]},
    )


def build_report(round: Round) -> RoundReport:
    """The report of the round's mixed responses as they are now, built afresh (those waiting in the inbox are not
    in it). Pages and exports read `round_report`; this is for tests and benchmarks."""
    items = queries.questionnaire_items(round)
    answers = queries.report_answers(round, sum(1 for item in items if item.is_scale))
    parents = round.parents()
    writers, unverified_writers = queries.open_answer_writers(round)
    return assemble(
        round_id=round.pk,
        k=round.k,
        items=items,
        parents=parents,
        respondents=answers.respondents,
        counts=answers.counts,
        population=tally.population_by_cell(parents, queries.population_counts(round)),
        unverified=answers.unverified,
        writers=writers,
        unverified_writers=unverified_writers,
    )


def assemble(
    *,
    round_id: int,
    k: int,
    items: Sequence[Item],
    parents: tally.Parents,
    respondents: dict[queries.Atom, int],
    counts: dict[queries.Atom, np.ndarray],
    population: dict[CellKey, int],
    unverified: dict[queries.Atom, int] | None = None,
    writers: queries.Writers | None = None,
    unverified_writers: queries.Writers | None = None,
) -> RoundReport:
    """The report from the aggregated answers: `respondents` per atom (unit, level, actor group), of whom
    `unverified` came through the open link, and, per atom, an array of answer counts (scale items in order × the
    values 1–5 and "vet ej"); `writers` per open question and unit, how many wrote an answer (of whom
    `unverified_writers` through the open link). Pure: no database."""
    scale_items = [item for item in items if item.is_scale]
    cells: dict[CellKey, CellFigures] = {}
    if not respondents:
        return RoundReport(round_id, k, list(items), cells)
    unverified = unverified or {}
    atoms = list(respondents)
    structure = tally.population(parents, atoms)
    respondent_sizes = np.array([respondents[atom] for atom in atoms])
    unverified_sizes = np.array([unverified.get(atom, 0) for atom in atoms])
    shown = structure.disclose(respondent_sizes, k=k, unverified=unverified_sizes)
    hidden_because = structure.reasons(shown)
    total, units, flat = structure.totals(respondent_sizes)
    for key, size, visible in tally.cells(shown, total, units, flat):
        cells[key] = CellFigures(int(size[0]), population.get(key)) if visible else CellFigures(HIDDEN, HIDDEN)
    matrix = np.array([counts[atom] for atom in atoms]).reshape(len(atoms), len(scale_items) * VALUES)
    total_sums, unit_sums, flat_sums = structure.totals(matrix)
    shown_sums = [(key, sums) for key, sums, seen in tally.cells(shown, total_sums, unit_sums, flat_sums) if seen]
    themes = {item.theme for item in scale_items}
    for figures in cells.values():
        figures.items = dict.fromkeys((item.pk for item in scale_items), _HIDDEN_ITEM)
        figures.principles = dict.fromkeys(themes, HIDDEN)
    if shown_sums and scale_items:
        _fill_item_figures(cells, shown_sums, scale_items)
    questions = [item.pk for item in items if not item.is_scale]
    text_units, text_total = tally.free_text_places(
        parents, questions, shown, writers or {}, unverified_writers or {}, k
    )
    unverified_total = tally.unverified_count(int(respondent_sizes.sum()), int(unverified_sizes.sum()), k)
    return RoundReport(round_id, k, list(items), cells, text_units, text_total, unverified_total, hidden_because)


def _fill_item_figures(
    cells: dict[CellKey, CellFigures], visible: list[tuple[CellKey, np.ndarray]], scale_items: list[Item]
) -> None:
    """Item figures and principle indices of every shown cell, computed for all of them at once."""
    sums = tally.item_sums([cell_sums for _key, cell_sums in visible], [item.theme for item in scale_items])
    for row, (key, _sums) in enumerate(visible):
        figures = cells[key]
        for column, item in enumerate(scale_items):
            distribution = tuple(sums.distribution[row][column])
            if sums.answers[row][column]:
                figures.items[item.pk] = ItemFigures(
                    sums.index[row][column], sums.agree[row][column], sums.answers[row][column], distribution
                )
            else:  # nobody took a position: there is no index to give
                figures.items[item.pk] = ItemFigures(
                    HIDDEN, HIDDEN, 0, distribution if sums.everyone[row][column] else HIDDEN
                )
        for theme, values in sums.principles.items():
            value = values[row]
            figures.principles[theme] = HIDDEN if value != value else value  # NaN: an item without an index


def previous_report(
    round: Round, *, readable: Callable[[Round], bool] | None = None
) -> tuple[Round, RoundReport] | None:
    """The organisation's previous round with open results, and its report, for the trend; None where there is none,
    or where `readable` says the reader may not read it (its results went to other readers)."""
    earlier = queries.previous_round(round)
    if earlier is None or (readable is not None and not readable(earlier)):
        return None
    return earlier, round_report(earlier)


# What a page shows of one group ---------------------------------------------------------------------------------


def _printed(value: float | Hidden | None, size: int | Hidden) -> Cell[int]:
    """A figure as a page prints it: its whole number with the group's respondent count, or hidden with it (also
    where the figure does not exist, such as an index nobody took a position for)."""
    if value is None or isinstance(value, Hidden) or isinstance(size, Hidden):
        return HIDDEN_CELL
    return Cell(tally.whole_number(value), size)


def _rate(cell: CellFigures) -> Cell[int | None]:
    """The response rate as printed; its value None where it is not known (nobody was a member there)."""
    rate, size = cell.response_rate, cell.respondents
    if isinstance(rate, Hidden) or isinstance(size, Hidden):
        return Cell(HIDDEN, HIDDEN)
    return Cell(None if rate is None else tally.whole_number(rate), size)


def signed(change: int) -> str:
    """A change with its sign, the minus being a real minus sign: "+5", "−3", "±0"."""
    if change > 0:
        return f"+{change}"
    if change < 0:
        return f"−{-change}"
    return "±0"


def theme_label(theme: str) -> str:
    return str(Theme(theme).label)


@dataclass(frozen=True)
class ThemeFigure:
    theme: str
    label: str
    index: Cell[int]
    previous: Cell[int] | None  # the same group's index in the previous round; None: no previous round

    @property
    def change(self) -> str | None:
        now = self.index.value
        before = self.previous.value if self.previous is not None else HIDDEN
        if isinstance(now, Hidden) or isinstance(before, Hidden):
            return None
        return signed(now - before)


@dataclass(frozen=True)
class ItemRow:
    item: Item
    index: Cell[int]
    agree: Cell[int]
    answers: Cell[int]
    distribution: list[Cell[int]]  # % answering 1–5 and "vet ej"
    reference: NotAFigure[int] | None  # the national % agreeing, for items of a validated block

    @property
    def against_reference(self) -> str | None:
        agree = self.agree.value
        if isinstance(agree, Hidden) or self.reference is None:
            return None
        return signed(agree - self.reference)


@dataclass(frozen=True)
class ThemeItems:
    label: str
    rows: list[ItemRow]


@dataclass
class Figures:
    """Everything a page shows of one group of the report (the organisation, a unit, a level, an actor group)."""

    respondents: Cell[int]
    response_rate: Cell[int | None]
    principles: list[ThemeFigure]
    themes: list[ThemeFigure]
    items: list[ThemeItems]
    reference_rows: list[ItemRow]
    radar: charts.Radar
    theme_chart: charts.BarChart
    reference_chart: charts.BarChart | None
    previous_round: Round | None
    hidden_because: NotAFigure[Reason] = Reason.TOO_FEW  # why, when the group is hidden
    explanation: NotAFigure[list[str]] = field(default_factory=list)  # and in words, for a page that shows nothing
    hidden_words: NotAFigure[str] = ""  # and in a few words, beside a hidden figure (HIDDEN_BECAUSE)

    @property
    def is_shown(self) -> bool:
        return not self.respondents.hidden

    @property
    def has_trend(self) -> bool:
        return any(figure.previous is not None and not figure.previous.hidden for figure in self.themes)


def figures_of(report: RoundReport, key: CellKey, previous: tuple[Round, RoundReport] | None) -> Figures:
    """What a page shows of the group `key`, with the same group's indices in the previous round."""
    cell = report.cell(key)
    before = previous[1].cell(key) if previous else None
    themes = [
        ThemeFigure(
            theme,
            theme_label(theme),
            _printed(cell.principles.get(theme), cell.respondents),
            _printed(before.principles.get(theme), before.respondents) if before else None,
        )
        for theme in report.principle_themes()
    ]
    principles = [figure for figure in themes if figure.theme in PRINCIPLES]
    by_theme: dict[str, list[ItemRow]] = defaultdict(list)
    for item in report.scale_items:
        by_theme[item.theme].append(_item_row(item, cell))
    items = [ThemeItems(figure.label, by_theme[figure.theme]) for figure in themes if by_theme[figure.theme]]
    reference_rows = [row for rows in by_theme.values() for row in rows if row.reference is not None]
    series: list[tuple[str, Sequence[object]]] = [(_("This round"), [figure.index for figure in principles])]
    if previous:
        series.append((previous[0].name, [figure.previous for figure in principles]))
    return Figures(
        respondents=_printed(cell.respondents, cell.respondents),
        response_rate=_rate(cell),
        principles=principles,
        themes=themes,
        items=items,
        reference_rows=reference_rows,
        radar=charts.radar([figure.label for figure in principles], series),
        theme_chart=charts.bar_chart([charts.BarRow(figure.label, figure.index) for figure in themes]),
        reference_chart=(
            charts.bar_chart([charts.BarRow(row.item.text, row.agree, row.reference) for row in reference_rows])
            if reference_rows
            else None
        ),
        previous_round=previous[0] if previous else None,
        hidden_because=report.why_hidden(key),
        explanation=[] if cell.shown else hidden_explanation(report.why_hidden(key), report.k),
        hidden_words="" if cell.shown else str(HIDDEN_BECAUSE[report.why_hidden(key)]),
    )


def hidden_explanation(reason: Reason, k: int) -> list[str]:
    """Why a group's page shows nothing, and what would show it, as paragraphs. Never a count: how many more
    answers would show the group would tell how many it has."""
    if reason == Reason.EITHER:
        return [
            _(
                "Nothing is shown here: either fewer than %(k)s have answered, or the results are hidden to protect a "
                "smaller group, so that its answers cannot be worked out from the other figures of the report. Which "
                "of the two is not said, since saying it could tell how many are in the smaller group."
            )
            % {"k": k},
            _("They are shown when this group and the groups around it have at least %(k)s respondents each.")
            % {"k": k},
        ]
    return [
        _(
            "Too few have answered here for anything to be shown. Results are shown only for groups of at least "
            "%(k)s respondents."
        )
        % {"k": k},
        _("They are shown when at least %(k)s have answered here.") % {"k": k},
    ]


def _item_row(item: Item, cell: CellFigures) -> ItemRow:
    figures = cell.items.get(item.pk, _HIDDEN_ITEM)
    reference = tally.whole_number(float(item.reference_share)) if item.reference_share is not None else None
    size = cell.respondents
    distribution = figures.distribution
    shares = (
        [HIDDEN_CELL] * VALUES
        if isinstance(distribution, Hidden)
        else [_printed(share, size) for share in distribution]
    )
    answers = figures.answers
    return ItemRow(
        item,
        _printed(figures.index, size),
        _printed(figures.agree, size),
        HIDDEN_CELL if isinstance(answers, Hidden) or isinstance(size, Hidden) else Cell(answers, size),
        shares,
        reference,
    )


# Breakdowns: levels, actor groups, child units ------------------------------------------------------------------


@dataclass(frozen=True)
class GroupLink:
    """A group a breakdown lists: its name, its page (None: no page for this reader) and its key in the report."""

    label: str
    url: str | None
    key: CellKey


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    url: str | None
    respondents: Cell[int]
    response_rate: Cell[int | None]
    indices: list[Cell[int]]  # one per principle, in the order of the breakdown's principles
    raw: dict[str, float | Hidden] = field(compare=False, repr=False)  # the exact indices, for gaps and charts
    hidden_because: NotAFigure[str] = ""  # for a hidden row, why (HIDDEN_BECAUSE's words)


@dataclass(frozen=True)
class GapLine:
    """The largest difference in one principle's index between the shown groups of a breakdown."""

    principle: str
    high: str
    high_index: Cell[int]
    low: str
    low_index: Cell[int]

    @property
    def size(self) -> int:
        high, low = self.high_index.value, self.low_index.value
        return 0 if isinstance(high, Hidden) or isinstance(low, Hidden) else high - low


@dataclass
class Breakdown:
    name: str  # an id for the page: "levels", "groups", "units"
    principles: list[str]  # labels
    rows: list[BreakdownRow]
    gaps: list[GapLine] = field(default_factory=list)
    chart: charts.BarChart | None = None

    @property
    def largest(self) -> GapLine | None:
        return max(self.gaps, key=lambda gap: gap.size, default=None)


# Why a group is hidden, in the words of a hidden row; a hidden page says more (barometer/hidden_reason.html).
HIDDEN_BECAUSE: Final[dict[Reason, Promise]] = {
    Reason.TOO_FEW: gettext_lazy("too few answers"),
    Reason.EITHER: gettext_lazy("too few answers, or hidden to protect a smaller group"),
}


def _breakdown_row(group: GroupLink, report: RoundReport, themes: Sequence[str]) -> BreakdownRow:
    cell = report.cell(group.key)
    return BreakdownRow(
        group.label,
        group.url,
        _printed(cell.respondents, cell.respondents),
        _rate(cell),
        [_printed(cell.principles.get(theme), cell.respondents) for theme in themes],
        {theme: cell.principles.get(theme, HIDDEN) for theme in themes},
        str(HIDDEN_BECAUSE[report.why_hidden(group.key)]) if not cell.shown else "",
    )


def breakdown(
    name: str,
    report: RoundReport,
    groups: Sequence[GroupLink],
    themes: Sequence[str],
    *,
    unstated: GroupLink | None = None,
    gaps: bool = False,
) -> Breakdown:
    """One row per group, and a row for those who did not state the dimension where it is shown; with `gaps`, the
    largest gap per principle between the shown rows and a grouped bar chart of them."""
    rows = [_breakdown_row(group, report, themes) for group in groups]
    if unstated is not None and report.cell(unstated.key).shown:
        rows.append(_breakdown_row(unstated, report, themes))
    result = Breakdown(name, [theme_label(theme) for theme in themes], rows)
    if gaps:
        _add_gaps(result, themes)
    return result


def _add_gaps(breakdown: Breakdown, themes: Sequence[str]) -> None:
    rows = [row for row in breakdown.rows if not row.respondents.hidden]
    for theme in themes:
        gap = tally.largest_gap({position: row.raw[theme] for position, row in enumerate(rows)})
        if gap is None or gap.high_index == gap.low_index:
            continue
        high, low = rows[gap.high], rows[gap.low]
        breakdown.gaps.append(
            GapLine(
                theme_label(theme),
                high.label,
                Cell(gap.high_index, high.respondents.size),
                low.label,
                Cell(gap.low_index, low.respondents.size),
            )
        )
    if len(rows) >= 2:
        breakdown.chart = charts.grouped_bar_chart(
            [(theme_label(theme), [charts.BarRow(row.label, row.raw[theme]) for row in rows]) for theme in themes]
        )


# Free text --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenQuestion:
    item: Item
    page: Page[str] | None  # None where this question's answers may not be shown for this group
    chosen: bool  # the question whose page the reader asked for: its <details> opens


def open_questions(
    report: RoundReport,
    key: CellKey,
    texts: dict[int, list[str]],
    *,
    chosen: str,
    page: str | None,
    per_page: int,
) -> list[OpenQuestion] | None:
    """The open questions with a page of answers each (page None for a question whose answers are hidden here), or
    None where the group itself is not shown. `texts` holds the answers of the questions that may be read here."""
    if not report.cell(key).shown:
        return None
    questions = []
    for item in report.items:
        if item.is_scale:
            continue
        is_chosen = chosen == str(item.pk)
        answers = texts.get(item.pk)
        shown = None if answers is None else Paginator(answers, per_page).get_page(page if is_chosen else 1)
        questions.append(OpenQuestion(item, shown, is_chosen))
    return questions


def open_link_answers(report: RoundReport) -> Cell[int]:
    """How many answered through the open link, for the organisation's page: a count of people, hidden below k."""
    unverified = report.unverified
    return HIDDEN_CELL if isinstance(unverified, Hidden) else Cell(unverified, unverified)


# Rounds while they run ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundRow:
    round: Round
    respondents: Cell[int] | None  # None: not opened, so nobody could answer yet


def respondents_total(round: Round) -> Cell[int]:
    """How many answered in the whole organisation (those still in the inbox included), hidden below the
    anonymity threshold: the report's total, without building the report."""
    return count(queries.respondent_count(round), k=round.k)


def round_rows(rounds: Sequence[Round], *, with_counts: bool) -> list[RoundRow]:
    """The rows of the list of rounds; with the number of respondents of opened rounds for process leaders."""
    return [
        RoundRow(round, respondents_total(round) if with_counts and round.is_launched else None) for round in rounds
    ]


@dataclass(frozen=True)
class Participation:
    """What a process leader sees of a running round: never who, only how many, and those only from k on."""

    invited: NotAFigure[int]  # personal links e-mailed: the members with an address, not a count of answers
    not_answered: Cell[int]
    respondents: Cell[int]
    k: NotAFigure[int]


def participation(round: Round) -> Participation:
    """How many were invited, have not answered, and have answered (with those in the inbox).

    Those who have not answered are shown once at least k have answered through their personal link: below that,
    the invitations minus "not answered" would be a response count from fewer than k people. And not while fewer
    than k (but some) answered through the open link: the invitations minus "not answered", next to the total,
    would give that count too."""
    counts = queries.invitation_counts(round)
    respondents = queries.respondent_count(round)
    k = round.k
    through_open_link = respondents - counts.answered
    hidden = counts.answered < k or 0 < through_open_link < k
    return Participation(
        invited=queries.invitations_sent(round),
        not_answered=HIDDEN_CELL if hidden else Cell(counts.waiting, counts.waiting),
        respondents=count(respondents, k=k),
        k=k,
    )
