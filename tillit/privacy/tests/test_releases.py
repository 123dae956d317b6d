"""Two releases of one result, read together: the fast audit held to the exact one."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.privacy.audit import determined as exactly_determined
from tillit.privacy.releases import determined, reveals_small_group, small_crossings

bounded = settings(max_examples=150, deadline=None, database=None)

# Coordinates of a person's class: opinion group at the previous release and now (0 = none), voted then, voted now.
GROUPS = (0, 1, 2)


def classes() -> np.ndarray:
    rows = [
        (before, now, voted_before, voted_now)
        for before, now, voted_before, voted_now in itertools.product(GROUPS, GROUPS, (0, 1), (0, 1))
        if voted_now >= voted_before  # a vote, once cast, stays
    ]
    return np.array(rows, dtype=np.int64)


def shown_groups_of(coordinates: np.ndarray, release: int, groups: set[int]) -> list[np.ndarray]:
    """The voters of each shown opinion group at a release (0: the previous one, 1: the new one), and all voters."""
    group_column, voted_column = (0, 2) if release == 0 else (1, 3)
    voted = coordinates[:, voted_column] == 1
    rows = [np.flatnonzero(voted)]
    rows += [np.flatnonzero(voted & (coordinates[:, group_column] == group)) for group in sorted(groups)]
    return rows


def test_one_new_voter_in_a_group_shown_in_both_releases_is_revealed():
    coordinates = classes()
    sizes = np.zeros(len(coordinates), dtype=np.int64)

    def put(before: int, now: int, voted_before: int, voted_now: int, count: int) -> None:
        sizes[np.flatnonzero((coordinates == (before, now, voted_before, voted_now)).all(axis=1))] = count

    put(1, 1, 1, 1, 5)  # group 1's five voters, unchanged
    put(2, 2, 1, 1, 7)  # group 2's seven voters, unchanged
    put(1, 1, 0, 1, 1)  # one newcomer in group 1
    visible = shown_groups_of(coordinates, 0, {1, 2}) + shown_groups_of(coordinates, 1, {1, 2})

    assert reveals_small_group(sizes, visible, coordinates, k=5)
    # Shown only at the new release, the groups reveal nothing small.
    assert not reveals_small_group(sizes, shown_groups_of(coordinates, 1, {1, 2}), coordinates, k=5)


def test_five_newcomers_in_the_same_group_may_be_released():
    coordinates = classes()
    sizes = np.zeros(len(coordinates), dtype=np.int64)
    for row, count in (((1, 1, 1, 1), 5), ((2, 2, 1, 1), 7), ((1, 1, 0, 1), 5)):
        sizes[np.flatnonzero((coordinates == row).all(axis=1))] = count
    visible = shown_groups_of(coordinates, 0, {1, 2}) + shown_groups_of(coordinates, 1, {1, 2})

    assert not reveals_small_group(sizes, visible, coordinates, k=5)


def test_a_crossing_lists_every_small_combination_once():
    coordinates = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    sizes = np.array([1, 0, 2, 9])

    found = {tuple(sorted(cell.tolist())) for cell in small_crossings(coordinates, sizes, k=5)}

    assert found == {(0,), (2,), (0, 2)}


@st.composite
def two_releases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], int]:
    coordinates = classes()
    sizes = np.array([draw(st.sampled_from([0, 0, 0, 1, 2, 3, 5, 8])) for _ in coordinates], dtype=np.int64)
    before = draw(st.sets(st.sampled_from((1, 2))))
    now = draw(st.sets(st.sampled_from((1, 2))))
    visible = shown_groups_of(coordinates, 0, before) + shown_groups_of(coordinates, 1, now)
    return coordinates, sizes, visible, draw(st.sampled_from([3, 5]))


@bounded
@given(two_releases())
def test_the_fast_audit_agrees_with_the_exact_one(releases):
    coordinates, sizes, visible, k = releases
    candidates = small_crossings(coordinates, sizes, k)

    fast = determined(sizes, visible, candidates)

    atoms = {index: int(size) for index, size in enumerate(sizes)}
    exact = exactly_determined(
        atoms,
        [set(row.tolist()) for row in visible],
        {position: set(cell.tolist()) for position, cell in enumerate(candidates)},
    )
    assert {position for position, found in enumerate(fast) if found} == exact
