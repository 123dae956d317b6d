"""Property tests: on generated workshops, nothing the results show determines a small group.

Hypothesis generates participants (a level or none, an actor group, member or guest), a chain with random
links and random ratings with gaps. `reporting.build_results` (the computation behind the results page, the
CSV and the PDF) turns them into `Results`; every figure it exposes is collected as the raters it sums, per
measure (an effect's importance or achievement, a link's contribution): the overall figures, the group
tables, the matrix, and the inputs each expected contribution rests on (even the per-group contributions that
are never printed). `tillit.privacy.audit.determined` then checks, exactly, that no crossing of level and
actor group with fewer than k raters of a measure follows from them; and, with guests, that none of fewer
than k members follows once the guests' ratings are known.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable
from fractions import Fraction

from django.utils.translation import override
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.privacy.audit import determined
from tillit.privacy.suppression import HIDDEN
from tillit.workshops import ranking
from tillit.workshops.models import Item
from tillit.workshops.queries import Chain
from tillit.workshops.reporting import ACTOR_GROUP, LEVEL, NO_LEVEL, Rater, Results, build_results

bounded = settings(max_examples=60, deadline=None, database=None)

LEVELS = (1, 2, 3, NO_LEVEL)
GROUPS = ("politician", "top_management", "employee", "service_user")
SIDES = {"politician": "steering", "top_management": "steering", "employee": "front_line", "service_user": "front_line"}


def belongs(dimension: int, value: Hashable, key: Hashable) -> bool:
    """Whether a rater's level or actor group `value` counts in the column `key`: the value itself, or the coarser
    group that holds it (levels merged upward, keyed by the tuple of their levels; a side of the steering chain)."""
    if value == key:
        return True
    if dimension == LEVEL:
        return isinstance(key, tuple) and value in key
    return SIDES.get(value) == key


@st.composite
def workshops(draw: st.DrawFn) -> tuple[Chain, ranking.Ratings, list[Rater], int]:
    k = draw(st.sampled_from([3, 5]))
    count = draw(st.integers(min_value=0, max_value=16))
    raters = []
    for pk in range(1, count + 1):
        guest = draw(st.booleans()) if draw(st.integers(0, 3)) == 0 else False
        level = NO_LEVEL if guest else draw(st.sampled_from(LEVELS))
        raters.append(Rater(pk, level, draw(st.sampled_from(GROUPS)), guest))
    effects = [
        Item(pk=100 + number, kind=Item.Kind.EFFECT, title=f"e{number}") for number in range(draw(st.integers(1, 3)))
    ]
    activities = [
        Item(pk=200 + number, kind=Item.Kind.ACTIVITY, title=f"a{number}") for number in range(draw(st.integers(1, 3)))
    ]
    pairs = [(activity.pk, effect.pk) for activity in activities for effect in effects]
    links = draw(st.frozensets(st.sampled_from(pairs), min_size=1))
    # Raters who rate much alike, so that figures often pass the threshold and the audits have work to do.
    rates = draw(st.sampled_from([0.5, 0.8, 1.0]))

    def rated() -> bool:
        return draw(st.floats(0, 1)) < rates

    importance = {(r.pk, e.pk): draw(st.integers(0, 4)) for r in raters for e in effects if rated()}
    achievement = {(r.pk, e.pk): draw(st.integers(1, 5)) for r in raters for e in effects if rated()}
    contribution = {(r.pk, a, e): draw(st.integers(0, 3)) for r in raters for a, e in sorted(links) if rated()}
    who = {p for p, _e in importance} | {p for p, _e in achievement} | {p for p, _a, _e in contribution}
    raters = [rater for rater in raters if rater.pk in who]
    ratings = ranking.Ratings(
        participants=[rater.pk for rater in raters],
        effects=[effect.pk for effect in effects],
        activities=[activity.pk for activity in activities],
        links=links,
        importance=importance,
        achievement=achievement,
        contribution=contribution,
    )
    chain = Chain([], effects, activities, set(links), [])
    return chain, ratings, raters, k


def results_of(chain: Chain, ratings: ranking.Ratings, raters: list[Rater], k: int) -> Results:
    levels = {level: str(level) for level in LEVELS if any(r.level == level for r in raters)}
    groups = {group: group for group in GROUPS if any(r.actor_group == group for r in raters)}
    return build_results(
        chain=chain,
        ratings=ratings,
        raters=raters,
        levels=levels,
        actor_groups=groups,
        sides={group: SIDES[group] for group in groups},
        k=k,
        seed=1,
        bootstrap=0,
    )


Atom = tuple[Hashable, Hashable]


class Measures:
    """Per measure, its raters by atom (level, actor group), and what the results show of it."""

    def __init__(self, ratings: ranking.Ratings, raters: list[Rater]) -> None:
        self.rater = {r.pk: r for r in raters}
        self.raters: dict[tuple, set[int]] = {}
        for participant, effect in ratings.importance:
            self.raters.setdefault(("importance", effect), set()).add(participant)
        for participant, effect in ratings.achievement:
            self.raters.setdefault(("achievement", effect), set()).add(participant)
        for participant, activity, effect in ratings.contribution:
            self.raters.setdefault(("contribution", activity, effect), set()).add(participant)
        self.visible: dict[tuple, list[set[Atom]]] = {measure: [] for measure in self.raters}

    def atoms(self, measure: tuple, *, verified: bool = False) -> dict[Atom, int]:
        sizes: dict[Atom, int] = {}
        for pk in self.raters.get(measure, ()):
            rater = self.rater[pk]
            if verified and rater.guest:
                continue
            atom = (rater.level, rater.actor_group)
            sizes[atom] = sizes.get(atom, 0) + 1
        return sizes

    def show(self, measure: tuple, dimension: int | None = None, key: Hashable = None) -> None:
        """The figure of `measure` over all its raters (dimension None) or over one column of a group table (a level
        or actor group, or a coarser group of them)."""
        atoms = set(self.atoms(measure))
        if dimension is not None:
            atoms = {atom for atom in atoms if belongs(dimension, atom[dimension], key)}
        self.visible.setdefault(measure, []).append(atoms)


def crossings(sizes: dict[Atom, int]) -> dict[tuple, set[Atom]]:
    """Every crossing of level and actor group (and the total), as the atoms it sums."""
    found: dict[tuple, set[Atom]] = {("total",): set(sizes)}
    for atom in sizes:
        found[("level", atom[0])] = {a for a in sizes if a[0] == atom[0]}
        found[("group", atom[1])] = {a for a in sizes if a[1] == atom[1]}
        found[("both", atom)] = {atom}
    return found


def collect(results: Results, measures: Measures, k: int) -> None:
    """Register every figure the results expose, and check each shown one stands on k raters."""
    for effect in results.effects:
        for name, cell in (("importance", effect.importance), ("achievement", effect.achievement)):
            if not cell.hidden:
                assert cell.size >= k
                measures.show((name, effect.item.pk))
    for row in results.matrix:
        for effect, cell in zip(results.matrix_effects, row.cells, strict=True):
            if cell is not None and not cell.hidden:
                assert cell.size >= k
                measures.show(("contribution", row.activity.pk, effect.pk))
    shown_importance = {effect.item.pk for effect in results.effects if not effect.importance.hidden}
    shown_matrix = {
        (row.activity.pk, effect.pk)
        for row in results.matrix
        for effect, cell in zip(results.matrix_effects, row.cells, strict=True)
        if cell is not None and not cell.hidden
    }
    for activity in results.activities:
        if activity.score.hidden:
            assert not activity.terms
            continue
        assert activity.score.size >= k
        assert activity.terms
        for effect in activity.terms:
            # A derived figure rests only on figures shown in the same cell.
            assert effect in shown_importance
            assert (activity.item.pk, effect) in shown_matrix
    for dimension, importance_table, contribution_table in (
        (LEVEL, results.importance_by_level, results.contribution_by_level),
        (ACTOR_GROUP, results.importance_by_actor_group, results.contribution_by_actor_group),
    ):
        shown_by_group = set()
        for row in importance_table.rows:
            for key, cell in zip(importance_table.keys, row.by_group, strict=True):
                if not cell.hidden:
                    assert cell.size >= k
                    measures.show(("importance", row.item.pk), dimension, key)
                    shown_by_group.add((row.item.pk, key))
        for row in contribution_table.rows:
            assert row.terms is not None
            for key, cell, terms in zip(contribution_table.keys, row.by_group, row.terms, strict=True):
                if cell.hidden:
                    assert not terms
                    continue
                assert cell.size >= k
                assert terms
                for effect in terms:
                    assert (effect, key) in shown_by_group
                    # The group's contribution is never printed, but the score rests on it: it counts as shown.
                    measures.show(("contribution", row.item.pk, effect), dimension, key)


def assert_nothing_small_is_determined(measures: Measures, k: int) -> None:
    for measure, visible in measures.visible.items():
        sizes = measures.atoms(measure)
        small = {name: atoms for name, atoms in crossings(sizes).items() if 0 < sum(sizes[a] for a in atoms) < k}
        assert not determined(sizes, visible, small), measure
        # A guest knows the guests' ratings (they may have written them all): only the members' are unknown.
        verified = measures.atoms(measure, verified=True)
        unknown = {a: verified.get(a, 0) for a in sizes}
        small = {name: atoms for name, atoms in crossings(sizes).items() if 0 < sum(unknown[a] for a in atoms) < k}
        assert not determined(unknown, visible, small), (measure, "guests known")
        for atoms in visible:
            members = sum(unknown[a] for a in atoms)
            assert members == 0 or members >= k, (measure, "a shown figure rests on fewer than k members")


@bounded
@given(workshops())
def test_no_small_group_of_raters_follows_from_what_the_results_show(workshop):
    chain, ratings, raters, k = workshop

    results = results_of(chain, ratings, raters, k)

    measures = Measures(ratings, raters)
    collect(results, measures, k)
    assert_nothing_small_is_determined(measures, k)


def one_link(
    raters: list[Rater],
    *,
    importance: Callable[[Rater], int],
    achievement: Callable[[Rater], int] | None = None,
    contribution: Callable[[Rater], int] | None = None,
) -> tuple[Chain, ranking.Ratings]:
    """A chain of one effect (100) and one activity (200) serving it, rated by every rater as the functions say
    (None: not rated)."""
    effect = Item(pk=100, kind=Item.Kind.EFFECT, title="e")
    activity = Item(pk=200, kind=Item.Kind.ACTIVITY, title="a")
    ratings = ranking.Ratings(
        participants=[r.pk for r in raters],
        effects=[effect.pk],
        activities=[activity.pk],
        links=frozenset({(activity.pk, effect.pk)}),
        importance={(r.pk, effect.pk): importance(r) for r in raters},
        achievement={(r.pk, effect.pk): achievement(r) for r in raters} if achievement else {},
        contribution={(r.pk, activity.pk, effect.pk): contribution(r) for r in raters} if contribution else {},
    )
    return Chain([], [effect], [activity], {(activity.pk, effect.pk)}, []), ratings


def test_a_pilot_of_fifteen_compares_merged_levels_and_the_two_sides_and_reveals_no_small_group():
    """Three politicians and three top managers on levels 1 and 2, nine at the front line on level 3, k = 5: no
    level or actor group but one reaches k alone, so levels 1 and 2 are merged and the two sides compared."""
    people = [("politician", 1)] * 3 + [("top_management", 2)] * 3 + [("employee", 3)] * 4 + [("service_user", 3)] * 5
    raters = [Rater(pk, level, group) for pk, (group, level) in enumerate(people, start=1)]
    chain, ratings = one_link(
        raters,
        importance=lambda r: 4 if SIDES[r.actor_group] == "steering" else 1,
        achievement=lambda r: 3,
        contribution=lambda r: 2,
    )

    results = results_of(chain, ratings, raters, 5)

    by_group = results.importance_by_actor_group
    assert by_group.keys == ["steering", "front_line"]
    with override("en"):
        assert [str(name) for name in by_group.groups] == ["Steering side", "Front line"]
    assert by_group.note
    assert results.contribution_by_actor_group.note
    assert [cell.value for cell in by_group.rows[0].by_group] == [4.0, 1.0]
    by_level = results.importance_by_level
    assert by_level.keys == [(1, 2), 3]
    with override("en"):
        assert [str(name) for name in by_level.groups] == ["1 and 2", "3"]
    assert [cell.value for cell in by_level.rows[0].by_group] == [4.0, 1.0]
    measures = Measures(ratings, raters)
    collect(results, measures, 5)
    assert_nothing_small_is_determined(measures, 5)


def test_groups_that_can_be_compared_as_they_are_are_not_merged():
    people = [("politician", 1)] * 5 + [("employee", 3)] * 5
    raters = [Rater(pk, level, group) for pk, (group, level) in enumerate(people, start=1)]
    effect = Item(pk=100, kind=Item.Kind.EFFECT, title="e")
    ratings = ranking.Ratings(
        participants=[r.pk for r in raters],
        effects=[effect.pk],
        activities=[],
        links=frozenset(),
        importance={(r.pk, effect.pk): 2 for r in raters},
        achievement={},
        contribution={},
    )

    results = results_of(Chain([], [effect], [], set(), []), ratings, raters, 5)

    assert results.importance_by_actor_group.keys == ["politician", "employee"]
    assert results.importance_by_level.keys == [1, 3]
    assert not results.importance_by_actor_group.note
    assert not results.importance_by_level.note


def exact_mean(values: list[int]) -> Fraction:
    return Fraction(sum(values), len(values))


@bounded
@given(workshops())
def test_an_expected_contribution_is_computed_from_its_shown_terms_alone(workshop):
    chain, ratings, raters, k = workshop

    results = results_of(chain, ratings, raters, k)

    def ec(activity: int, terms: frozenset[int], members: set[int]) -> Fraction:
        total = Fraction(0)
        for effect in terms:
            importance = [v for (p, e), v in ratings.importance.items() if e == effect and p in members]
            contribution = [
                v for (p, a, e), v in ratings.contribution.items() if (a, e) == (activity, effect) and p in members
            ]
            total += exact_mean(importance) / 4 * exact_mean(contribution)
        return total / len(terms)

    everyone = {r.pk for r in raters}
    for row in results.activities:
        if not row.score.hidden:
            assert abs(row.score.value - float(ec(row.item.pk, row.terms, everyone))) < 1e-9
    for dimension, table in (
        (LEVEL, results.contribution_by_level),
        (ACTOR_GROUP, results.contribution_by_actor_group),
    ):
        for row in table.rows:
            for key, cell, terms in zip(table.keys, row.by_group, row.terms, strict=True):
                if not cell.hidden:
                    members = {r.pk for r in raters if belongs(dimension, (r.level, r.actor_group)[dimension], key)}
                    assert abs(cell.value - float(ec(row.item.pk, terms, members))) < 1e-9


@bounded
@given(workshops())
def test_rows_are_ranked_by_their_shown_figure_and_hidden_ones_follow_in_the_chains_order(workshop):
    chain, ratings, raters, k = workshop

    results = results_of(chain, ratings, raters, k)

    for rows, figure, order in (
        (results.activities, lambda row: row.score, [a.pk for a in chain.activities]),
        (results.effects, lambda row: row.importance, [e.pk for e in chain.effects]),
    ):
        shown = [row for row in rows if not figure(row).hidden]
        hidden = [row for row in rows if figure(row).hidden]
        assert rows == shown + hidden
        assert [row.rank for row in shown] == list(range(1, len(shown) + 1))
        assert all(row.rank is None for row in hidden)
        assert all(a >= b for a, b in itertools.pairwise(figure(row).value for row in shown))
        assert [row.item.pk for row in hidden] == [pk for pk in order if pk in {row.item.pk for row in hidden}]
    for table in results.group_tables:
        spreads = [row.spread for row in table.rows]
        with_spread = [spread for spread in spreads if spread is not HIDDEN]
        assert spreads == with_spread + [HIDDEN] * (len(spreads) - len(with_spread))
        assert with_spread == sorted(with_spread, reverse=True)


@bounded
@given(workshops())
def test_the_order_the_raters_come_in_changes_no_figure(workshop):
    chain, ratings, raters, k = workshop

    assert results_of(chain, ratings, raters, k) == results_of(chain, ratings, raters[::-1], k)


def test_a_merged_level_minus_an_actor_group_that_is_exactly_one_of_its_levels_reveals_nothing():
    """Found by the property above: levels 2 and 3 merged (five raters), and the three employees, all of level 2,
    shown as an actor group; the merged level minus the employees would be level 3's two raters."""
    places = [(1, "politician")] * 4 + [(1, "top_management")] * 2 + [(2, "employee")] * 3
    places += [(3, "top_management"), (3, "politician")]
    raters = [Rater(pk, level, group) for pk, (level, group) in enumerate(places, start=1)]
    chain, ratings = one_link(raters, importance=lambda r: r.pk % 3)

    results = results_of(chain, ratings, raters, 3)

    measures = Measures(ratings, raters)
    collect(results, measures, 3)
    assert_nothing_small_is_determined(measures, 3)
