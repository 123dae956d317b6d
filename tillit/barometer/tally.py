"""The arithmetic of a round's results, pure: sums of answer counts to every group, which groups the anonymity engine
discloses, item figures and principle indices from the sums, and where free text may be read.

No database and no Django models: plain numbers, NumPy arrays and `tillit.privacy`. `reporting` reads the answers
(through `queries`), calls these, and publishes the outcome.

A group (a cell of the report) is keyed by a tuple: `TOTAL`, `unit_cell(unit id)`, `level_cell(level id or None)`,
`group_cell(actor group id or None)`. An atom is one (unit, level, actor group) combination of respondents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

import numpy as np

from tillit.organisations import tree
from tillit.privacy.breakdowns import Disclosure, Population
from tillit.privacy.suppression import HIDDEN, Hidden, count

VALUES = 6  # columns of a distribution: 1–5, then "vet ej"
DONT_KNOW_COLUMN = 5

CellKey = tuple[Hashable, ...]
Parents = Mapping[int, int | None]

TOTAL: CellKey = ("total",)


def unit_cell(unit_id: int) -> CellKey:
    return ("unit", unit_id)


def level_cell(level_id: int | None) -> CellKey:
    return ("level", level_id)


def group_cell(actor_group_id: int | None) -> CellKey:
    return ("group", actor_group_id)


def population(parents: Parents, atoms: Sequence[tuple[Hashable, ...]]) -> Population:
    """The anonymity engine's structure of a unit tree (unit id → parent id) and the atoms over it."""
    return Population(cast(Mapping[Hashable, Hashable | None], parents), atoms)


def cells(
    disclosure: Disclosure,
    total: np.ndarray,
    units: Mapping[Hashable, np.ndarray],
    flat: Sequence[Mapping[Hashable, np.ndarray]],
) -> Iterator[tuple[CellKey, np.ndarray, bool]]:
    """Every group of the report with its sums and whether the engine shows it: the total, every unit, every
    level and every actor group (the two flat dimensions, in that order)."""
    yield TOTAL, total, disclosure.total
    for unit, sums in units.items():
        yield unit_cell(cast(int, unit)), sums, disclosure.shows_unit(unit)
    for value, sums in flat[0].items():
        yield level_cell(cast(int | None, value)), sums, disclosure.shows(0, value)
    for value, sums in flat[1].items():
        yield group_cell(cast(int | None, value)), sums, disclosure.shows(1, value)


@dataclass(frozen=True)
class ItemSums:
    """Figures of the scale items in every shown group, computed for all of them at once: one row per group, one
    column per item (in the questionnaire's order). NaN where nobody took a position."""

    index: list[list[float]]  # 0–100: the mean answer, 1 → 0 and 5 → 100, "vet ej" left out
    agree: list[list[float]]  # % answering 4 or 5 of those who took a position
    answers: list[list[int]]  # how many took a position (1–5)
    everyone: list[list[float]]  # how many answered the item, "vet ej" included
    distribution: list[list[list[float]]]  # % per 1–5 and "vet ej", of all who answered the item
    principles: dict[str, list[float]]  # per theme, the mean of its items' indices per group (NaN if one is)


def item_sums(sums: Sequence[np.ndarray], themes: Sequence[str]) -> ItemSums:
    """The item figures of the groups whose answer counts are `sums` (items × values each, flattened), for scale
    items of the given themes."""
    stacked = np.stack(list(sums)).reshape(len(sums), len(themes), VALUES)
    positions = stacked[:, :, :DONT_KNOW_COLUMN]
    answers = positions.sum(axis=2)
    everyone = stacked.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = ((positions * np.arange(1, 6)).sum(axis=2) / answers - 1) * 25
        agree = 100 * positions[:, :, 3:].sum(axis=2) / answers
        distribution = 100 * stacked / everyone[:, :, None]
    columns: dict[str, list[int]] = defaultdict(list)
    for column, theme in enumerate(themes):
        columns[theme].append(column)
    principles = {theme: index[:, where].mean(axis=1).tolist() for theme, where in columns.items()}
    return ItemSums(
        index.tolist(),
        agree.tolist(),
        answers.astype(int).tolist(),
        everyone.tolist(),
        distribution.tolist(),
        principles,
    )


def free_text_places(
    parents: Parents,
    questions: Sequence[int],
    shown: Disclosure,
    writers: Mapping[int, Mapping[int | None, int]],
    unverified_writers: Mapping[int, Mapping[int | None, int]],
    k: int,
) -> tuple[dict[int, frozenset[int]], dict[int, bool]]:
    """Per open question, where its answers may be read: the units (and the total) whose writers the engine
    discloses over the tree, among those whose figures are shown."""
    units: dict[int, frozenset[int]] = {}
    total: dict[int, bool] = {}
    for question in questions:
        written = writers.get(question, {})
        if not written:
            units[question], total[question] = frozenset(), False
            continue
        places = list(written)
        disclosure = population(parents, [(place,) for place in places]).disclose(
            [written[place] for place in places],
            k=k,
            unverified=[unverified_writers.get(question, {}).get(place, 0) for place in places],
        )
        units[question] = frozenset(cast(int, unit) for unit in disclosure.units & shown.units)
        total[question] = disclosure.total and shown.total
    return units, total


def unverified_count(respondents: int, unverified: int, k: int) -> int | Hidden:
    """How many answered through the open link, as a count of people: with the total it also gives how many
    answered through a personal link, so both must be nobody or at least k."""
    if not unverified:
        return 0
    verified = respondents - unverified
    if 0 < verified < k:
        return HIDDEN
    return count(unverified, k=k).size


def population_by_cell(
    parents: Parents, snapshot: Sequence[tuple[int | None, int | None, int | None, int]]
) -> dict[CellKey, int]:
    """The members at opening (unit, level, actor group, count) summed to the same groups as the report."""
    result: dict[CellKey, int] = defaultdict(int)
    for unit, level, group, members in snapshot:
        result[TOTAL] += members
        result[level_cell(level)] += members
        result[group_cell(group)] += members
        if unit is not None:
            for place in (unit, *tree.ancestors(unit, parents)):
                result[unit_cell(place)] += members
    return dict(result)


def whole_number(value: float) -> int:
    """A figure as it is printed: rounded half up to a whole number ("67", "89 %")."""
    return int(np.floor(value + 0.5))


K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Extremes(Generic[K]):
    high: K
    high_index: int
    low: K
    low_index: int


def largest_gap(indices: Mapping[K, float | Hidden]) -> Extremes[K] | None:
    """Between which two groups one principle's index differs most, on the whole numbers a reader sees.

    `indices` maps a group (a level, an actor group) to its index, HIDDEN where it is not shown; hidden groups take
    no part. None when fewer than two groups are shown. Ties go to the group that comes first in `indices`."""
    shown = [(group, whole_number(index)) for group, index in indices.items() if not isinstance(index, Hidden)]
    if len(shown) < 2:
        return None
    high = max(shown, key=lambda pair: pair[1])
    low = min(shown, key=lambda pair: pair[1])
    return Extremes(high[0], high[1], low[0], low[1])
