"""Suppression across a unit tree and flat breakdowns, held to the exact audit on generated populations."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.privacy.audit import determined
from tillit.privacy.breakdowns import Population

bounded = settings(max_examples=150, deadline=None, database=None)

LEVELS = ("top", "middle", "front")
GROUPS = ("politician", "manager", "staff")


@st.composite
def populations(draw: st.DrawFn) -> tuple[dict, dict[tuple, int], int]:
    """A unit tree of up to 9 units and group sizes 0–12 for every unit × level × actor group (plus the root)."""
    count = draw(st.integers(min_value=1, max_value=9))
    parents: dict[str, str | None] = {}
    for number in range(count):
        parent = draw(st.sampled_from([None, *parents])) if parents else None
        parents[f"u{number}"] = parent
    levels = LEVELS[: draw(st.integers(min_value=1, max_value=3))]
    groups = GROUPS[: draw(st.integers(min_value=1, max_value=3))]
    places = [None, *parents]
    sparse_sizes = st.one_of(st.just(0), st.just(0), st.integers(min_value=0, max_value=12))
    sizes = {atom: draw(sparse_sizes) for atom in itertools.product(places, levels, groups)}
    k = draw(st.sampled_from([3, 5]))
    return parents, sizes, k


def descendants(parents: dict, unit: object) -> set:
    found = {unit}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                changed = True
    return found


def report_cells(parents: dict, sizes: dict[tuple, int]) -> dict[tuple, set[tuple]]:
    """Every total a report could show, and every cross cell it never offers, as the atoms each one sums."""
    cells: dict[tuple, set[tuple]] = {("total",): set(sizes)}
    subtrees = {unit: descendants(parents, unit) for unit in parents}
    for unit, members in subtrees.items():
        cells[("unit", unit)] = {atom for atom in sizes if atom[0] in members}
    for dimension in (1, 2):
        for value in {atom[dimension] for atom in sizes}:
            cells[("flat", dimension - 1, value)] = {atom for atom in sizes if atom[dimension] == value}
    # Every crossing: one or both flat dimensions fixed, within the whole population or one unit's subtree.
    places = {
        None: set(sizes),
        **{unit: {atom for atom in sizes if atom[0] in members} for unit, members in subtrees.items()},
    }
    for place, members in places.items():
        for dimensions in ((1,), (2,), (1, 2)):
            for values in {tuple(atom[d] for d in dimensions) for atom in members}:
                cells[("cross", place, dimensions, values)] = {
                    atom for atom in members if tuple(atom[d] for d in dimensions) == values
                }
    # The people placed directly on a place (the root: None), alone or with values: "own" crossings.
    for place in places:
        own = {atom for atom in sizes if atom[0] == place}
        cells[("own", place)] = own
        for dimensions in ((1,), (2,)):
            for values in {tuple(atom[d] for d in dimensions) for atom in own}:
                cells[("own cross", place, dimensions, values)] = {
                    atom for atom in own if tuple(atom[d] for d in dimensions) == values
                }
    for atom in sizes:
        cells[("atom", atom)] = {atom}
    return cells


def shown_cells(disclosure, cells: dict[tuple, set[tuple]]) -> set[tuple]:
    shown = set()
    for name in cells:
        kind = name[0]
        if (
            (kind == "total" and disclosure.total)
            or (kind == "unit" and disclosure.shows_unit(name[1]))
            or (kind == "flat" and disclosure.shows(name[1], name[2]))
        ):
            shown.add(name)
    return shown


@bounded
@given(populations())
def test_no_shown_total_is_below_k_and_nothing_hidden_or_small_follows_from_the_shown(population):
    parents, sizes, k = population
    atoms = list(sizes)
    disclosure = Population(parents, atoms).disclose([sizes[atom] for atom in atoms], k=k)
    cells = report_cells(parents, sizes)
    size_of = {name: sum(sizes[atom] for atom in members) for name, members in cells.items()}
    shown = shown_cells(disclosure, cells)

    assert all(size_of[name] >= k for name in shown)
    hidden_report_cells = {name for name in cells if name[0] in {"unit", "flat"} and name not in shown}
    small = {name for name in cells if 0 < size_of[name] < k}
    revealed = determined(
        sizes, (cells[name] for name in shown), {name: cells[name] for name in hidden_report_cells | small}
    )
    assert not revealed


def test_two_units_and_a_pure_unit_do_not_reveal_the_two_managers_through_the_groups():
    # Unit a: 5 staff and 2 managers; unit b: 5 staff. With both units and "staff" shown, the 2 managers in a
    # would follow as a − (staff − b).
    parents = {"a": None, "b": None}
    sizes = {("a", "x", "staff"): 5, ("a", "x", "manager"): 2, ("b", "x", "staff"): 5, ("b", "x", "manager"): 0}
    atoms = list(sizes)
    disclosure = Population(parents, atoms).disclose([sizes[atom] for atom in atoms], k=5)
    assert disclosure.units == {"a", "b"}
    assert "staff" not in disclosure.flat[1]


def test_the_audit_finds_the_leak_the_rule_would_miss():
    sizes = {("a", "staff"): 5, ("a", "manager"): 2, ("b", "staff"): 5, ("b", "manager"): 0}
    cells = {"a": {("a", "staff"), ("a", "manager")}, "b": {("b", "staff"), ("b", "manager")}}
    staff = {("a", "staff"), ("b", "staff")}
    assert determined(sizes, [cells["a"], cells["b"], staff], {"managers in a": {("a", "manager")}}) == {
        "managers in a"
    }
    assert determined(sizes, [cells["a"], cells["b"]], {"managers in a": {("a", "manager")}}) == set()


def test_a_unit_with_a_small_child_and_one_large_sibling_hides_both():
    parents = {"top": None, "small": "top", "large": "top"}
    sizes = {("small", "x"): 2, ("large", "x"): 9, ("top", "x"): 0}
    atoms = list(sizes)
    disclosure = Population(parents, atoms).disclose([sizes[atom] for atom in atoms], k=5)
    assert disclosure.units == {"top"}


def test_people_placed_directly_on_a_unit_shield_a_single_small_child_only_when_they_are_enough():
    parents = {"top": None, "small": "top", "large": "top"}
    atoms = [("small", "x"), ("large", "x"), ("top", "x")]
    assert Population(parents, atoms).disclose([2, 9, 3], k=5).units == {"top", "large"}
    assert Population(parents, atoms).disclose([2, 9, 2], k=5).units == {"top"}


def test_nothing_is_shown_below_k_in_total():
    disclosure = Population({"a": None}, [("a", "x")]).disclose([4], k=5)
    assert not disclosure.total
    assert disclosure.units == set()


@pytest.mark.parametrize("bad", [[-1], [1, 2]])
def test_sizes_must_match_the_atoms(bad):
    with pytest.raises(ValueError, match="size"):
        Population({"a": None}, [("a", "x")]).disclose(bad, k=5)


def test_a_cycle_is_not_a_tree():
    with pytest.raises(ValueError, match="tree"):
        Population({"a": "b", "b": "a"}, [("a", "x")])


def test_a_manager_placed_on_a_department_opens_it_rather_than_hiding_its_teams():
    # Socialförvaltningen has 2 people of its own; Äldreomsorg 3 of its own above two teams of 6. Hiding the
    # smallest child would hide Äldreomsorg with both teams; opening it hides only Äldreomsorg's own total.
    parents = {
        "soc": None,
        "aldre": "soc",
        "team1": "aldre",
        "team2": "aldre",
        "ifo": "soc",
        "ifo1": "ifo",
        "ifo2": "ifo",
    }
    sizes = {"soc": 2, "aldre": 3, "team1": 6, "team2": 6, "ifo": 0, "ifo1": 10, "ifo2": 10}
    atoms = [(unit, "x") for unit in sizes]
    disclosure = Population(parents, atoms).disclose(list(sizes.values()), k=5)
    assert disclosure.units == {"soc", "team1", "team2", "ifo", "ifo1", "ifo2"}


def test_a_level_minus_an_actor_group_does_not_reveal_the_support_staff_at_the_front_line():
    # The example: the front-line level has 16 people, 14 employees and 2 support staff; employees are
    # all at the front line. Level and group each meet k, but level − group is the 2 support staff.
    parents = {"hemtjänst": None}
    sizes = {
        ("hemtjänst", "front", "employee"): 14,
        ("hemtjänst", "front", "support"): 2,
        ("hemtjänst", "middle", "manager"): 6,
    }
    atoms = list(sizes)
    disclosure = Population(parents, atoms).disclose(list(sizes.values()), k=5)
    both = disclosure.shows(0, "front") and disclosure.shows(1, "employee")
    assert not both
    cells = report_cells(parents, sizes)
    shown = shown_cells(disclosure, cells)
    assert not determined(sizes, (cells[name] for name in shown), {"support at the front": {atoms[1]}})


def test_a_value_that_is_never_shown_still_counts_as_a_hidden_group():
    atoms = [(None, "A"), (None, "B"), (None, "none")]
    population = Population({}, atoms, unshown=[{"none"}])
    assert population.disclose([9, 8, 7], k=5).flat[0] == {"A", "B"}
    # "none" alone would be the total minus A and B: with it below k, the smaller of A and B goes too.
    assert population.disclose([9, 8, 2], k=5).flat[0] == {"A"}


def test_answers_that_are_not_tied_to_a_person_do_not_lift_a_group_of_one_over_the_threshold():
    # One verified respondent and four open-link answers in the team: whoever wrote the four would learn the one.
    parents = {"team": None, "other": None}
    atoms = [("team", "x"), ("other", "x")]
    population = Population(parents, atoms)
    assert population.disclose([5, 9], k=5).units == {"team", "other"}
    assert population.disclose([5, 9], k=5, unverified=[4, 0]).units == frozenset()
    # Five unverified answers and no verified one are bounded where they come in, and shown.
    assert population.disclose([5, 9], k=5, unverified=[5, 0]).units == {"team", "other"}


@st.composite
def padded_populations(draw: st.DrawFn) -> tuple[dict, dict[tuple, int], dict[tuple, int], int]:
    parents, sizes, k = draw(populations())
    unverified = {atom: draw(st.integers(min_value=0, max_value=size)) for atom, size in sizes.items()}
    return parents, sizes, unverified, k


@bounded
@given(padded_populations())
def test_whoever_wrote_the_unverified_answers_learns_no_small_group_of_verified_people(population):
    parents, sizes, unverified, k = population
    atoms = list(sizes)
    disclosure = Population(parents, atoms).disclose(
        [sizes[atom] for atom in atoms], k=k, unverified=[unverified[atom] for atom in atoms]
    )
    verified = {atom: sizes[atom] - unverified[atom] for atom in atoms}
    cells = report_cells(parents, sizes)
    shown = shown_cells(disclosure, cells)
    size_of = {name: sum(sizes[atom] for atom in members) for name, members in cells.items()}
    verified_of = {name: sum(verified[atom] for atom in members) for name, members in cells.items()}

    assert all(size_of[name] >= k and not 0 < verified_of[name] < k for name in shown)
    # The reader knows the unverified answers: only the verified ones are unknown (known atoms count as empty).
    small = {name for name in cells if 0 < verified_of[name] < k}
    assert not determined(verified, (cells[name] for name in shown), {name: cells[name] for name in small})
    # And a reader who knows none of them learns no small group either.
    small = {name for name in cells if 0 < size_of[name] < k}
    assert not determined(sizes, (cells[name] for name in shown), {name: cells[name] for name in small})


def test_a_crossing_spread_over_two_units_is_audited_though_no_single_atom_is_determined():
    # Two teams at the front line: 7 employees and one support person each; an office at the middle level with 6
    # managers and 5 support staff. Every unit, level and actor group meets k, and no atom follows from them, but
    # level "front" (16) minus actor group "employee" (14) is the 2 support staff at the front: a crossing.
    parents = {"north": None, "south": None, "office": None}
    sizes = {
        ("north", "front", "employee"): 7,
        ("north", "front", "support"): 1,
        ("south", "front", "employee"): 7,
        ("south", "front", "support"): 1,
        ("office", "middle", "manager"): 6,
        ("office", "middle", "support"): 5,
    }
    atoms = list(sizes)
    disclosure = Population(parents, atoms).disclose(list(sizes.values()), k=5)
    cells = report_cells(parents, sizes)
    shown = shown_cells(disclosure, cells)
    support_at_the_front = {atoms[1], atoms[3]}

    assert not determined(sizes, (cells[name] for name in shown), {"support at the front": support_at_the_front})
    assert disclosure.units == {"north", "south", "office"}
