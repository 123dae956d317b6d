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
            for unit, members in subtrees.items():
                cells[("cross", unit, dimension - 1, value)] = {
                    atom for atom in sizes if atom[0] in members and atom[dimension] == value
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
