"""The barometer's report: every figure of a round for the organisation, every unit (with everything below
it), every level and every actor group, with the anonymity rules applied once, for all of them together.

`round_report` reads the answers with two aggregate queries and builds a `RoundReport`. Suppression goes
through `tillit.privacy.breakdowns`, once, on the respondent counts over the unit tree and the two flat
dimensions, level and actor group, auditing every crossing of them (a level minus an actor group, a unit × level ×
actor group cell): a group is shown with all its figures or not at all. The group is the people who responded;
someone who answered "vet ej" or skipped an item stays in it, so every figure of a shown group comes from at least k
respondents, and every figure a reader could compute by combining shown groups comes from a group of at least k
respondents too (the engine guarantees this for the counts, and every figure here is a sum over the same groups). A
principle's index is the mean of its items' indices. Pages, fragments and exports read the report; none of them
touches the answers.

Answers through the open link are not tied to a person: whoever has the link could add k − 1 answers they know to
a unit and read off the one real one. They are passed to the engine as unverified, so they never lift a group of
verified respondents over the threshold.

Free text is a publication of its own: for every open question, the people who wrote an answer form a population
over the unit tree (texts are shown only on the organisation's and a unit's pages, never by level or actor group).
A question's answers are shown for a group only where its writers are disclosed by the same engine (at least k
writers, and no hidden group of writers follows from the shown ones as a parent's texts minus its children's) and
the group's figures are shown.

A round's results are published once, when it closes, and cannot change after: its answers are sealed, its
threshold and unit tree were fixed when it opened, and answers name only units of that tree. So the report of a
closed round is the same whenever it is built, and it is kept in the cache.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db.models import Count

from tillit.barometer.actions import seal_round
from tillit.barometer.models import (
    DONT_KNOW_BYTE,
    PRINCIPLES,
    Item,
    OpenAnswer,
    PopulationCount,
    Response,
    Round,
    Theme,
)
from tillit.privacy.breakdowns import Disclosure, Population
from tillit.privacy.suppression import HIDDEN, Hidden, count

CACHE_VERSION = 2
VALUES = 6  # columns of a distribution: 1–5, then "vet ej"
DONT_KNOW_COLUMN = 5

TOTAL = ("total",)


def unit_cell(unit_id: int) -> tuple[str, int]:
    return ("unit", unit_id)


def level_cell(level_id: int | None) -> tuple[str, int | None]:
    return ("level", level_id)


def group_cell(actor_group_id: int | None) -> tuple[str, int | None]:
    return ("group", actor_group_id)


@dataclass(frozen=True)
class ItemFigures:
    index: float | Hidden  # 0–100: the mean answer, 1 → 0 and 5 → 100, "vet ej" left out
    agree: float | Hidden  # % answering 4 or 5 of those who took a position
    answers: int | Hidden  # how many took a position (1–5)
    distribution: tuple[float, ...] | Hidden  # % per 1–5 and "vet ej", of all who answered the item


@dataclass
class CellFigures:
    respondents: int | Hidden
    population: int | None
    items: dict[int, ItemFigures] = field(default_factory=dict)
    principles: dict[str, float | Hidden] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return not isinstance(self.respondents, Hidden)

    @property
    def response_rate(self) -> float | Hidden:
        if isinstance(self.respondents, Hidden) or not self.population:
            return HIDDEN
        return 100 * self.respondents / self.population


@dataclass
class RoundReport:
    round_id: int
    k: int
    items: list[Item]
    cells: dict[tuple, CellFigures]
    # Per open question, the units whose answers may be read there (in unfiltered views only), and whether the
    # whole organisation's may.
    text_units: dict[int, frozenset[int]] = field(default_factory=dict)
    text_total: dict[int, bool] = field(default_factory=dict)
    unverified: int | Hidden = 0  # respondents through the open link, as a count of people

    def cell(self, key: tuple) -> CellFigures:
        return self.cells.get(key) or CellFigures(HIDDEN, None)

    @property
    def scale_items(self) -> list[Item]:
        return [item for item in self.items if item.is_scale]

    def principle_themes(self) -> list[str]:
        present = {item.theme for item in self.scale_items}
        return [theme for theme in (*PRINCIPLES, Theme.CAPABILITY, Theme.PRECONDITIONS) if theme in present]


def round_report(round: Round) -> RoundReport:
    """The report of `round`, from the cache when the round is closed."""
    if not round.is_closed:
        return build_report(round)
    if round.sealed_at is None:
        round = seal_round(round=round)
    key = f"barometer-report:{CACHE_VERSION}:{round.pk}:{round.k}"
    report = cache.get(key)
    if report is None:
        report = build_report(round)
        cache.set(key, report, timeout=None)
    return report


def build_report(round: Round) -> RoundReport:
    items = list(round.instrument.items.all())
    respondents, counts, unverified = _load(round, sum(1 for item in items if item.is_scale))
    parents = round.parents()
    writers, unverified_writers = _writers(round)
    return assemble(
        round_id=round.pk,
        k=round.k,
        items=items,
        parents=parents,
        respondents=respondents,
        counts=counts,
        population=_population(round, parents),
        unverified=unverified,
        writers=writers,
        unverified_writers=unverified_writers,
    )


def assemble(
    *,
    round_id: int,
    k: int,
    items: list[Item],
    parents: dict[int, int | None],
    respondents: dict[tuple, int],
    counts: dict[tuple, np.ndarray],
    population: dict[tuple, int],
    unverified: dict[tuple, int] | None = None,
    writers: dict[int, dict[int | None, int]] | None = None,
    unverified_writers: dict[int, dict[int | None, int]] | None = None,
) -> RoundReport:
    """The report from the aggregated answers: `respondents` per atom (unit, level, actor group), of whom
    `unverified` came through the open link, and, per atom, an array of answer counts (scale items in order × the
    values 1–5 and "vet ej"); `writers` per open question and unit, how many wrote an answer (of whom
    `unverified_writers` through the open link). Pure: no database."""
    scale_items = [item for item in items if item.is_scale]
    cells: dict[tuple, CellFigures] = {}
    if not respondents:
        return RoundReport(round_id, k, items, cells)
    unverified = unverified or {}
    atoms = list(respondents)
    structure = Population(parents, atoms)
    respondent_sizes = np.array([respondents[atom] for atom in atoms])
    unverified_sizes = np.array([unverified.get(atom, 0) for atom in atoms])
    shown = structure.disclose(respondent_sizes, k=k, unverified=unverified_sizes)
    total, units, flat = structure.totals(respondent_sizes)
    for key, size, visible in _cells(shown, total, units, flat):
        cells[key] = CellFigures(int(size[0]) if visible else HIDDEN, population.get(key))
    matrix = np.array([counts[atom] for atom in atoms]).reshape(len(atoms), len(scale_items) * VALUES)
    total_d, units_d, flat_d = structure.totals(matrix)
    visible_cells = [(key, sums) for key, sums, visible in _cells(shown, total_d, units_d, flat_d) if visible]
    themes = {item.theme for item in scale_items}
    for figures in cells.values():
        figures.items = dict.fromkeys((item.pk for item in scale_items), _HIDDEN_ITEM)
        figures.principles = dict.fromkeys(themes, HIDDEN)
    if visible_cells and scale_items:
        _fill_item_figures(cells, visible_cells, scale_items)
    text_units, text_total = _free_text(parents, items, shown, writers or {}, unverified_writers or {}, k)
    return RoundReport(
        round_id,
        k,
        items,
        cells,
        text_units,
        text_total,
        _unverified_count(int(respondent_sizes.sum()), int(unverified_sizes.sum()), k),
    )


def _unverified_count(respondents: int, unverified: int, k: int) -> int | Hidden:
    """How many answered through the open link, as a count of people: with the total it also gives how many
    answered through a personal link, so both must be nobody or at least k."""
    if not unverified:
        return 0
    verified = respondents - unverified
    if 0 < verified < k:
        return HIDDEN
    return count(unverified, k=k).size


def _free_text(
    parents: dict[int, int | None],
    items: list[Item],
    shown: Disclosure,
    writers: dict[int, dict[int | None, int]],
    unverified_writers: dict[int, dict[int | None, int]],
    k: int,
) -> tuple[dict[int, frozenset[int]], dict[int, bool]]:
    """Per open question, where its answers may be read: the units (and the total) whose writers the engine
    discloses over the tree, among those whose figures are shown."""
    units: dict[int, frozenset[int]] = {}
    total: dict[int, bool] = {}
    for item in items:
        if item.is_scale:
            continue
        written = writers.get(item.pk, {})
        if not written:
            units[item.pk], total[item.pk] = frozenset(), False
            continue
        places = list(written)
        disclosure = Population(parents, [(place,) for place in places]).disclose(
            [written[place] for place in places],
            k=k,
            unverified=[unverified_writers.get(item.pk, {}).get(place, 0) for place in places],
        )
        units[item.pk] = frozenset(disclosure.units & shown.units)
        total[item.pk] = disclosure.total and shown.total
    return units, total


_HIDDEN_ITEM = ItemFigures(HIDDEN, HIDDEN, HIDDEN, HIDDEN)


def _fill_item_figures(
    cells: dict[tuple, CellFigures], visible: list[tuple[tuple, np.ndarray]], scale_items: list
) -> None:
    """Item figures and principle indices of every shown cell, computed for all of them at once."""
    sums = np.stack([cell_sums for _key, cell_sums in visible]).reshape(len(visible), len(scale_items), VALUES)
    positions = sums[:, :, :DONT_KNOW_COLUMN]
    answers = positions.sum(axis=2)
    everyone = sums.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = ((positions * np.arange(1, 6)).sum(axis=2) / answers - 1) * 25
        agree = 100 * positions[:, :, 3:].sum(axis=2) / answers
        distribution = 100 * sums / everyone[:, :, None]
    themes: dict[str, list[int]] = defaultdict(list)
    for column, item in enumerate(scale_items):
        themes[item.theme].append(column)
    principle = {theme: index[:, columns].mean(axis=1) for theme, columns in themes.items()}  # NaN if any is
    index_list, agree_list, answer_list = index.tolist(), agree.tolist(), answers.astype(int).tolist()
    distribution_list, everyone_list = distribution.tolist(), everyone.tolist()
    for row, (key, _sums) in enumerate(visible):
        figures = cells[key]
        for column, item in enumerate(scale_items):
            if answer_list[row][column]:
                figures.items[item.pk] = ItemFigures(
                    index_list[row][column],
                    agree_list[row][column],
                    answer_list[row][column],
                    tuple(distribution_list[row][column]),
                )
            else:  # nobody took a position: there is no index to give
                figures.items[item.pk] = ItemFigures(
                    HIDDEN, HIDDEN, 0, tuple(distribution_list[row][column]) if everyone_list[row][column] else HIDDEN
                )
        for theme, values in principle.items():
            value = float(values[row])
            figures.principles[theme] = HIDDEN if value != value else value  # NaN: an item without an index


def _cells(disclosure: Disclosure, total: np.ndarray, units: dict, flat: list[dict]):
    yield TOTAL, total, disclosure.total
    for unit, sums in units.items():
        yield unit_cell(unit), sums, disclosure.shows_unit(unit)
    for value, sums in flat[0].items():
        yield level_cell(value), sums, disclosure.shows(0, value)
    for value, sums in flat[1].items():
        yield group_cell(value), sums, disclosure.shows(1, value)


def _load(round: Round, item_count: int) -> tuple[dict[tuple, int], dict[tuple, np.ndarray], dict[tuple, int]]:
    """Respondents per atom (unit, level, actor group), per atom an items × values array of answer counts, and the
    respondents per atom who answered through the open link.

    Reads one short row per response (`Response.scale_answers`) and counts with NumPy.
    """
    rows = Response.objects.filter(round=round).values_list(
        "unit_id", "level_id", "actor_group_id", "verified", "scale_answers"
    )
    atom_of: dict[tuple, int] = {}
    positions: list[int] = []
    packed: list[bytes] = []
    unverified: dict[tuple, int] = defaultdict(int)
    for unit, level, group, verified, answers in rows.order_by().iterator(chunk_size=5000):
        positions.append(atom_of.setdefault((unit, level, group), len(atom_of)))
        packed.append(bytes(answers).ljust(item_count, b"\0")[:item_count])
        if not verified:
            unverified[(unit, level, group)] += 1
    if not atom_of:
        return {}, {}, {}
    atom = np.array(positions)
    values = np.frombuffer(b"".join(packed), dtype=np.uint8).reshape(len(positions), item_count).astype(np.int64)
    if values.max(initial=0) > DONT_KNOW_BYTE:
        raise ValueError(f"A stored answer of round {round.pk} is off the scale.")
    # Bins per atom and item: 0 not answered, 1–5, 6 "vet ej"; the first is dropped.
    bins = (atom[:, None] * item_count + np.arange(item_count)[None, :]) * (VALUES + 1) + values
    counted = np.bincount(bins.ravel(), minlength=len(atom_of) * item_count * (VALUES + 1))
    counted = counted.reshape(len(atom_of), item_count, VALUES + 1)[:, :, 1:].astype(float)
    respondents = dict(zip(atom_of, np.bincount(atom).tolist(), strict=True))
    return respondents, {key: counted[index] for key, index in atom_of.items()}, dict(unverified)


def _writers(round: Round) -> tuple[dict[int, dict[int | None, int]], dict[int, dict[int | None, int]]]:
    """Per open question and unit, how many wrote an answer, and how many of them through the open link."""
    writers: dict[int, dict[int | None, int]] = defaultdict(dict)
    unverified: dict[int, dict[int | None, int]] = defaultdict(dict)
    rows = (
        OpenAnswer.objects.filter(response__round=round)
        .values("item_id", "response__unit_id", "response__verified")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        item, unit, n = row["item_id"], row["response__unit_id"], row["n"]
        writers[item][unit] = writers[item].get(unit, 0) + n
        if not row["response__verified"]:
            unverified[item][unit] = unverified[item].get(unit, 0) + n
    return dict(writers), dict(unverified)


def _population(round: Round, parents: dict[int, int | None]) -> dict[tuple, int]:
    """The snapshot at opening, summed to the same cells as the report."""
    rows = list(
        PopulationCount.objects.filter(round=round).values_list("unit_id", "level_id", "actor_group_id", "count")
    )
    result: dict[tuple, int] = defaultdict(int)
    for unit, level, group, members in rows:
        result[TOTAL] += members
        result[level_cell(level)] += members
        result[group_cell(group)] += members
        while unit is not None:
            result[unit_cell(unit)] += members
            unit = parents.get(unit)
    return dict(result)


def open_answers(round: Round, report: RoundReport, unit_id: int | None = None) -> dict[int, list[str] | Hidden]:
    """Free text of the whole organisation (`unit_id` None) or of a unit with everything below it, per open
    question: its answers where the report discloses them there, HIDDEN where it does not. Only unfiltered views
    come here, never a level or an actor group. Texts come in a fixed, meaningless order (alphabetical), never in
    the order they were written.
    """
    questions = [item.pk for item in report.items if not item.is_scale]
    if unit_id is None:
        readable = [item for item in questions if report.text_total.get(item)]
    else:
        readable = [item for item in questions if unit_id in report.text_units.get(item, frozenset())]
    texts: dict[int, list[str] | Hidden] = dict.fromkeys(questions, HIDDEN)
    if not readable:
        return texts
    answers = OpenAnswer.objects.filter(response__round=round, item_id__in=readable)
    if unit_id is not None:
        answers = answers.filter(response__unit_id__in=subtree(unit_id, round.parents()))
    found: dict[int, list[str]] = {item: [] for item in readable}
    for item_id, text in answers.values_list("item_id", "text"):
        found[item_id].append(text)
    for item_id, values in found.items():
        texts[item_id] = sorted(values, key=str.casefold)
    return texts


def subtree(unit_id: int, parents: dict[Hashable, Hashable | None]) -> set[int]:
    children: dict[Hashable, list] = defaultdict(list)
    for child, parent in parents.items():
        children[parent].append(child)
    found, queue = {unit_id}, [unit_id]
    for node in queue:
        for child in children[node]:
            if child not in found:
                found.add(child)
                queue.append(child)
    return found


def previous_round(round: Round) -> Round | None:
    """The organisation's last closed round before this one, for the trend."""
    candidates = (
        Round.objects.filter(
            organisation_id=round.organisation_id, opened_at__isnull=False, opens_on__lt=round.opens_on
        )
        .exclude(pk=round.pk)
        .select_related("organisation", "instrument")
        .order_by("-opens_on", "-pk")
    )
    return next((candidate for candidate in candidates if candidate.is_closed), None)


# Added for the report pages (report_views.py): pure helpers, no database. -----------------------------------


def whole_number(value: float) -> int:
    """A figure as it is printed: rounded half up to a whole number ("67", "89 %")."""
    return int(np.floor(value + 0.5))


@dataclass(frozen=True)
class Gap:
    """The largest difference in one principle's index between the shown groups of a breakdown."""

    high: Hashable
    high_index: int
    low: Hashable
    low_index: int

    @property
    def size(self) -> int:
        return self.high_index - self.low_index


def largest_gap(indices: dict[Hashable, float | Hidden]) -> Gap | None:
    """Between which two groups one principle's index differs most, on the whole numbers a reader sees.

    `indices` maps a group (a level, an actor group) to its index, HIDDEN where it is not shown; hidden groups take
    no part. None when fewer than two groups are shown. Ties go to the group that comes first in `indices`."""
    shown = [(group, whole_number(index)) for group, index in indices.items() if not isinstance(index, Hidden)]
    if len(shown) < 2:
        return None
    high = max(shown, key=lambda pair: pair[1])
    low = min(shown, key=lambda pair: pair[1])
    return Gap(high[0], high[1], low[0], low[1])
