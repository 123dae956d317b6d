"""Why a unit is hidden, said only as far as what is shown already tells it (`Population.reasons`)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.privacy.breakdowns import Population, Reason

K = 5


def three_teams(sizes: dict[str, int]) -> tuple[Population, list[int]]:
    parents = {"department": None, "a": "department", "b": "department", "c": "department"}
    atoms = [(team, "staff") for team in ("a", "b", "c")]
    return Population(parents, atoms), [sizes[team] for team in ("a", "b", "c")]


def test_a_team_of_twelve_hidden_to_protect_a_team_of_two_is_not_said_to_have_too_few():
    population, sizes = three_teams({"a": 12, "b": 2, "c": 20})
    disclosure = population.disclose(sizes, k=K)
    assert disclosure.units == {"department", "c"}

    assert population.reasons(disclosure) == {"a": Reason.EITHER, "b": Reason.EITHER}


def test_two_teams_with_too_few_each_are_not_said_to_have_too_few():
    """Teams of 4 and 4 under a shown department of 8: "too few" on both would tell that each has exactly 4."""
    population, sizes = three_teams({"a": 4, "b": 4, "c": 20})
    disclosure = population.disclose(sizes, k=K)

    assert population.reasons(disclosure) == {"a": Reason.EITHER, "b": Reason.EITHER}


def test_everything_hidden_is_too_few():
    population, sizes = three_teams({"a": 1, "b": 1, "c": 1})

    reasons = population.reasons(population.disclose(sizes, k=K))

    assert reasons == dict.fromkeys(("department", "a", "b", "c"), Reason.TOO_FEW)


def test_nothing_hidden_needs_no_reason():
    population, sizes = three_teams({"a": 6, "b": 7, "c": 20})

    assert population.reasons(population.disclose(sizes, k=K)) == {}


UNITS = {"top": None, "a": "top", "b": "top", "c": "top", "a1": "a"}


@st.composite
def small_populations(draw: st.DrawFn) -> tuple[Population, list[int], int]:
    units = draw(st.lists(st.sampled_from(list(UNITS)), min_size=2, max_size=4, unique=True))
    atoms = sorted({(unit, draw(st.sampled_from(["x", "y"]))) for unit in units})
    sizes = [draw(st.integers(0, 4)) for _ in atoms]
    return Population(UNITS, atoms), sizes, draw(st.sampled_from([3, 5]))


def compositions(total: int, parts: int):
    """Every way to put `total` people into `parts` atoms."""
    for bars in itertools.combinations(range(total + parts - 1), parts - 1):
        edges = (-1, *bars, total + parts - 1)
        yield [edges[i + 1] - edges[i] - 1 for i in range(parts)]


def shown_totals(population: Population, sizes: list[int], disclosure) -> tuple:
    """What a reader sees of the sizes: the disclosure and every shown total."""
    total, units, flat = population.totals(sizes)
    return (
        disclosure,
        float(total[0]) if disclosure.total else None,
        tuple(sorted((unit, float(units[unit][0])) for unit in disclosure.units)),
        tuple(sorted((value, float(flat[0][value][0])) for value in disclosure.flat[0])),
    )


@settings(max_examples=25, deadline=None, database=None)
@given(small_populations())
def test_the_reasons_follow_from_what_is_shown_alone(case):
    """Every other way the people could be spread over the atoms that the reader cannot tell apart from the real one
    (the same units, levels and totals shown, at the same sizes) gives the same reasons: they tell nothing new."""
    population, sizes, k = case
    disclosure = population.disclose(sizes, k=k)
    seen = shown_totals(population, sizes, disclosure)
    reasons = population.reasons(disclosure)

    for other in compositions(sum(sizes), len(sizes)):
        other_disclosure = population.disclose(other, k=k)
        if shown_totals(population, other, other_disclosure) != seen:
            continue
        assert population.reasons(other_disclosure) == reasons, (sizes, other)
    subtree = population.totals(sizes)[1]
    for unit, reason in reasons.items():
        assert unit not in disclosure.units
        if reason == Reason.TOO_FEW:
            assert subtree[unit][0] < k or not disclosure.total  # true: too few here, or in the whole report
