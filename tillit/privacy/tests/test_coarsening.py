from __future__ import annotations

from django.utils.translation import override
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.privacy import coarsening
from tillit.privacy.audit import determined
from tillit.privacy.breakdowns import Population

NOTE = "merged"


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=7), st.sampled_from([3, 5]))
def test_levels_merged_upward_keep_their_order_and_each_group_reaches_k_when_the_whole_does(sizes, k):
    names = {rank: f"level {rank}" for rank in range(1, len(sizes) + 1)}
    size_of = dict(zip(names, sizes, strict=True))

    grouping = coarsening.merged_upward(names, size_of, k=k, note=NOTE)

    groups = list(grouping.names)
    members = [[level for level in names if grouping.group_of[level] == group] for group in groups]
    assert [level for group in members for level in group] == list(names)  # every level once, in order
    for group in members:
        assert group == list(range(group[0], group[-1] + 1))  # neighbours only
    if sum(sizes) >= k:
        assert all(sum(size_of[level] for level in group) >= k for group in members)
    for group in members[1:]:
        # A group is closed as soon as it reaches k, so without its top level it is below k.
        assert sum(size_of[level] for level in group[1:]) < k or len(group) == 1


def test_levels_kept_apart_stay_their_own_group():
    names = {1: "top", 2: "middle", None: "no level"}

    grouping = coarsening.merged_upward(names, {1: 2, 2: 6, None: 1}, k=5, note=NOTE, apart={None})

    assert grouping.group_of == {1: (1, 2), 2: (1, 2), None: None}
    with override("en"):
        assert str(grouping.names[(1, 2)]) == "top and middle"
    with override("sv"):
        assert str(grouping.names[(1, 2)]) == "top och middle"  # read in the reader's language, not the builder's


def test_categories_name_only_the_categories_in_use():
    grouping = coarsening.by_category(
        {"a": "A", "b": "B"}, {"a": "steering", "b": "steering"}, {"steering": "S", "front": "F"}, note=NOTE
    )

    assert dict(grouping.names) == {"steering": "S"}
    assert grouping.merges()


def population_of(people: list[tuple[str, str]], level: coarsening.Grouping, group: coarsening.Grouping):
    atoms = sorted({(None, level.group_of[lv], group.group_of[g]) for lv, g in people}, key=repr)
    sizes = [sum(1 for lv, g in people if (None, level.group_of[lv], group.group_of[g]) == atom) for atom in atoms]
    return Population({}, atoms), sizes


def test_the_finest_combination_that_compares_most_dimensions_is_chosen():
    people = [("l1", "pol")] * 3 + [("l1", "top")] * 3 + [("l2", "staff")] * 6
    levels = coarsening.as_they_are({"l1": "L1", "l2": "L2"})
    fine = coarsening.as_they_are({"pol": "P", "top": "T", "staff": "S"})
    sides = coarsening.by_category(
        {"pol": "P", "top": "T", "staff": "S"},
        {"pol": "up", "top": "up", "staff": "down"},
        {"up": "U", "down": "D"},
        note=NOTE,
    )

    def disclose(combination):
        population, sizes = population_of(people, *combination)
        return population.disclose(sizes, k=5)

    chosen = coarsening.choose([[levels], [fine, sides]], disclose)

    assert chosen == (levels, sides)
    assert coarsening.choose([[levels], [sides, fine]], disclose)[1] is sides


def test_a_coarse_grouping_shown_beside_the_levels_reveals_no_small_crossing():
    """The grouping is audited as any breakdown: levels and sides are shown together, and the politicians on
    level 2 (two of them) must not follow from level 2 minus the front line."""
    people = [("l1", "pol")] * 5 + [("l2", "pol")] * 2 + [("l2", "staff")] * 6
    levels = coarsening.as_they_are({"l1": "L1", "l2": "L2"})
    sides = coarsening.by_category(
        {"pol": "P", "staff": "S"}, {"pol": "up", "staff": "down"}, {"up": "U", "down": "D"}, note=NOTE
    )
    population, sizes = population_of(people, levels, sides)

    disclosure = population.disclose(sizes, k=5)

    atoms = {(lv, g): sum(1 for p in people if p == (lv, g)) for lv, g in set(people)}
    side_of = {"pol": "up", "staff": "down"}
    visible = [set(atoms)]
    visible += [{a for a in atoms if a[0] == value} for value in disclosure.flat[0]]
    visible += [{a for a in atoms if side_of[a[1]] == value} for value in disclosure.flat[1]]
    assert not determined(atoms, visible, {"two politicians on level 2": {("l2", "pol")}})
    assert disclosure.flat[0] or disclosure.flat[1]
