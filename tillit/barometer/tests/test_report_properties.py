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
from tillit.organisations import tree
from tillit.privacy.audit import determined
from tillit.privacy.suppression import Hidden

bounded = settings(max_examples=120, deadline=None, database=None)

ITEMS = [
    SimpleNamespace(pk=1, is_scale=True, theme=Theme.TRUST),
    SimpleNamespace(pk=2, is_scale=True, theme=Theme.TRUST),
    SimpleNamespace(pk=3, is_scale=True, theme=Theme.DELEGATION),
]
SCALE_ITEMS = ITEMS
QUESTION = SimpleNamespace(pk=9, is_scale=False, theme=Theme.GOOD_MEETING)


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


@st.composite
def padded_rounds(draw: st.DrawFn):
    """A round with some answers through the open link, and free-text writers of one open question."""
    parents, respondents, counts, k = draw(rounds())
    unverified = {atom: draw(st.integers(min_value=0, max_value=size)) for atom, size in respondents.items()}
    writers: dict[int | None, int] = {}
    unverified_writers: dict[int | None, int] = {}
    for atom, size in respondents.items():
        wrote = draw(st.integers(min_value=0, max_value=size))
        by_link = draw(st.integers(min_value=0, max_value=min(wrote, unverified[atom])))
        writers[atom[0]] = writers.get(atom[0], 0) + wrote
        unverified_writers[atom[0]] = unverified_writers.get(atom[0], 0) + by_link
    return parents, respondents, counts, k, unverified, writers, unverified_writers


def members(parents: dict, unit: int) -> set:
    return tree.subtree(unit, parents)


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
    hidden = {key: cells[key] for key in keys if key not in shown}
    small = small_crossings(parents, respondents, k)
    revealed = determined(respondents, (cells[key] for key in shown), {**hidden, **small})
    assert not revealed


def small_crossings(parents: dict, sizes: dict[tuple, int], k: int) -> dict[tuple, set[tuple]]:
    """Every crossing below k and above 0: one or both of level and actor group, in the whole population or one
    unit's subtree (unit × level × actor group included), as the atoms it sums."""
    places = {
        None: set(sizes),
        **{unit: {atom for atom in sizes if atom[0] in members(parents, unit)} for unit in parents},
    }
    found = {}
    for (place, inside), dimensions in itertools.product(places.items(), ((1,), (2,), (1, 2))):
        for values in {tuple(atom[d] for d in dimensions) for atom in inside}:
            cross = {atom for atom in inside if tuple(atom[d] for d in dimensions) == values}
            if 0 < sum(sizes.get(atom, 0) for atom in cross) < k:
                found[("cross", place, dimensions, values)] = cross
    # The people placed directly on a unit (or the organisation), alone or with one value.
    for place, dimensions in itertools.product([None, *parents], ((), (1,), (2,))):
        own = {atom for atom in sizes if atom[0] == place}
        for values in {tuple(atom[d] for d in dimensions) for atom in own}:
            cross = {atom for atom in own if tuple(atom[d] for d in dimensions) == values}
            if 0 < sum(sizes.get(atom, 0) for atom in cross) < k:
                found[("own", place, dimensions, values)] = cross
    return found


@bounded
@given(padded_rounds())
def test_answers_through_the_open_link_never_lift_a_group_of_verified_respondents_over_k(generated):
    parents, respondents, counts, k, unverified, writers, unverified_writers = generated
    report = reporting.assemble(
        round_id=1,
        k=k,
        items=[*ITEMS, QUESTION],
        parents=parents,
        respondents=respondents,
        counts=counts,
        population={},
        unverified=unverified,
        writers={QUESTION.pk: writers},
        unverified_writers={QUESTION.pk: unverified_writers},
    )
    keys = [reporting.TOTAL, *(reporting.unit_cell(unit) for unit in parents)]
    keys += [reporting.level_cell(level) for level in {atom[1] for atom in respondents}]
    keys += [reporting.group_cell(group) for group in {atom[2] for atom in respondents}]
    cells = {key: atoms_of(key, parents, respondents) for key in keys}
    shown = [key for key in keys if report.cell(key).shown]
    verified = {atom: respondents[atom] - unverified[atom] for atom in respondents}

    for key in shown:
        assert not 0 < sum(verified[atom] for atom in cells[key]) < k
    # Whoever wrote the open-link answers knows them: only the verified respondents are unknown to them.
    assert not determined(verified, (cells[key] for key in shown), small_crossings(parents, verified, k))

    # Free text: the writers of the question, over the unit tree, show no small group of writers either way.
    text_places = [reporting.unit_cell(unit) for unit in report.text_units.get(QUESTION.pk, frozenset())]
    assert all(report.cell(key).shown for key in text_places)
    if report.text_total.get(QUESTION.pk):
        text_places.append(reporting.TOTAL)
    writer_atoms = {(place,): size for place, size in writers.items() if size}
    verified_writers = {(place,): size - unverified_writers.get(place, 0) for place, size in writers.items()}
    shown_texts = [
        {(place,) for place in writers if key == reporting.TOTAL or place in members(parents, key[1])}
        for key in text_places
    ]
    for atoms, sizes in ((writer_atoms, writer_atoms), (verified_writers, verified_writers)):
        assert all(not 0 < sum(sizes.get(atom, 0) for atom in texts) < k for texts in shown_texts)
        small = {
            ("writers", unit): {(place,) for place in writers if place in members(parents, unit)} for unit in parents
        } | {("writers", "all"): {(place,) for place in writers}, **{("own", place): {(place,)} for place in writers}}
        small = {name: cell for name, cell in small.items() if 0 < sum(sizes.get(atom, 0) for atom in cell) < k}
        assert not determined(atoms, shown_texts, small)


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
