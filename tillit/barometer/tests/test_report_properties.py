"""Property tests of the barometer report: generated unit trees, group sizes 0–12 and answer distributions.

Every surface of the report (the total, every unit with everything below it, every level, every actor group; their
respondent counts, response rates, item figures and principle indices) must show nothing below k, and no hidden
group may be determined by the shown ones (exact linear algebra over the system of shown sums).
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.barometer import reporting
from tillit.barometer.models import Theme
from tillit.privacy.audit import determined
from tillit.privacy.suppression import Hidden

bounded = settings(max_examples=120, deadline=None, database=None)

ITEMS = [
    SimpleNamespace(pk=1, is_scale=True, theme=Theme.TRUST),
    SimpleNamespace(pk=2, is_scale=True, theme=Theme.TRUST),
    SimpleNamespace(pk=3, is_scale=True, theme=Theme.DELEGATION),
]


@st.composite
def rounds(draw: st.DrawFn):
    count = draw(st.integers(min_value=1, max_value=8))
    parents: dict[int, int | None] = {}
    for unit in range(1, count + 1):
        parents[unit] = draw(st.sampled_from([None, *parents])) if parents else None
    levels = [10, 20, None][: draw(st.integers(min_value=1, max_value=3))]
    groups = [100, 200, None][: draw(st.integers(min_value=1, max_value=3))]
    respondents: dict[tuple, int] = {}
    counts: dict[tuple, np.ndarray] = {}
    for atom in itertools.product([None, *parents], levels, groups):
        size = draw(st.one_of(st.just(0), st.integers(min_value=0, max_value=12)))
        if size == 0:
            continue
        respondents[atom] = size
        answers = np.zeros((len(ITEMS), reporting.VALUES))
        for row in range(len(ITEMS)):
            # Each respondent answers 1–5, "vet ej", or skips the item.
            choices = draw(st.lists(st.integers(min_value=-1, max_value=5), min_size=size, max_size=size))
            for choice in choices:
                if choice >= 1:
                    answers[row, choice - 1] += 1
                elif choice == 0:
                    answers[row, reporting.DONT_KNOW_COLUMN] += 1
        counts[atom] = answers
    k = draw(st.sampled_from([3, 5]))
    return parents, respondents, counts, k


def members(parents: dict, unit: int) -> set:
    return reporting.subtree(unit, parents)


def atoms_of(key: tuple, parents: dict, respondents: dict) -> set[tuple]:
    kind = key[0]
    if kind == "total":
        return set(respondents)
    if kind == "unit":
        inside = members(parents, key[1])
        return {atom for atom in respondents if atom[0] in inside}
    if kind == "level":
        return {atom for atom in respondents if atom[1] == key[1]}
    return {atom for atom in respondents if atom[2] == key[1]}


@bounded
@given(rounds())
def test_every_surface_meets_k_and_nothing_hidden_follows_from_what_is_shown(generated):
    parents, respondents, counts, k = generated
    report = reporting.assemble(
        round_id=1, k=k, items=ITEMS, parents=parents, respondents=respondents, counts=counts, population={}
    )
    keys = [reporting.TOTAL, *(reporting.unit_cell(unit) for unit in parents)]
    keys += [reporting.level_cell(level) for level in {atom[1] for atom in respondents}]
    keys += [reporting.group_cell(group) for group in {atom[2] for atom in respondents}]
    cells = {key: atoms_of(key, parents, respondents) for key in keys}
    sizes = {key: sum(respondents[atom] for atom in atoms) for key, atoms in cells.items()}
    shown = {key for key in keys if report.cell(key).shown}

    for key in keys:
        figures = report.cell(key)
        if key in shown:
            assert sizes[key] >= k
            assert figures.respondents == sizes[key]
        else:
            # Nothing of a hidden group leaves the report: no count, no item figure, no index.
            assert isinstance(figures.respondents, Hidden)
            assert all(isinstance(item.distribution, Hidden) for item in figures.items.values())
            assert all(isinstance(index, Hidden) for index in figures.principles.values())
    if report.cell(reporting.TOTAL).shown:
        assert report.text_total
    assert all(report.cell(reporting.unit_cell(unit)).shown for unit in report.text_units)

    hidden = {key: cells[key] for key in keys if key not in shown}
    small_crosses = {}
    for unit, dimension in itertools.product(parents, (1, 2)):
        inside = members(parents, unit)
        for value in {atom[dimension] for atom in respondents}:
            cross = {atom for atom in respondents if atom[0] in inside and atom[dimension] == value}
            if 0 < sum(respondents[atom] for atom in cross) < k:
                small_crosses[("cross", unit, dimension, value)] = cross
    small_atoms = {("atom", atom): {atom} for atom, size in respondents.items() if size < k}
    revealed = determined(respondents, (cells[key] for key in shown), {**hidden, **small_crosses, **small_atoms})
    assert not revealed


@bounded
@given(rounds())
def test_a_shown_group_reports_its_answers_exactly(generated):
    parents, respondents, counts, k = generated
    report = reporting.assemble(
        round_id=1, k=k, items=ITEMS, parents=parents, respondents=respondents, counts=counts, population={}
    )
    figures = report.cell(reporting.TOTAL)
    if not figures.shown:
        return
    total = sum(counts.values())
    for row, item in enumerate(ITEMS):
        positions = total[row, :5]
        item_figures = figures.items[item.pk]
        assert item_figures.answers == int(positions.sum())
        if positions.sum():
            mean = (positions * np.arange(1, 6)).sum() / positions.sum()
            assert abs(item_figures.index - (mean - 1) * 25) < 1e-9
