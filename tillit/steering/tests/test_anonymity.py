"""The analysis as an attacker reads it: nothing about fewer than k raters follows from what it shows, across actor
group × level (docs/privacy.md, class 1), checked with the exact audit (`privacy.audit.determined`).

A campaign is published once, when it is sealed, so there is no "before and after one more rating" to compare;
what must hold is that nothing is shown before (test_analysis.py) and that the one publication is safe."""

from __future__ import annotations

from collections.abc import Hashable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tillit.organisations.models import ActorGroup
from tillit.privacy.audit import determined
from tillit.steering import reporting
from tillit.steering.queries import AtomSums
from tillit.steering.tests.analysis_data import group, level, make_campaign, make_signal, rate

K = 5
LEVELS = [1, 2, 3, None]  # None: not stated
GROUPS = ["manager", "employee", "support", None]


def what_is_shown(atoms: list[AtomSums], rated: reporting._Rated) -> tuple[list[frozenset], dict[Hashable, frozenset]]:
    """The sums the value measure shows (as sets of atoms) and every group a reader must not learn below k: each
    level, each actor group and each level × actor group crossing."""
    by_level, by_actor_group = reporting._breakdown(tuple(atoms), K)
    keys = [(atom.level_id, atom.actor_group_id) for atom in atoms]
    visible: list[frozenset] = []
    if not rated.mean_value.hidden:
        assert rated.mean_value.size == sum(atom.value_answers for atom in atoms)
        visible.append(frozenset(keys))
    for level_id, (value, _burden) in by_level.items():
        if not value.hidden:
            visible.append(frozenset(key for key in keys if key[0] == level_id))
    for group_id, (value, _burden) in by_actor_group.items():
        if not value.hidden:
            visible.append(frozenset(key for key in keys if key[1] == group_id))
    candidates: dict[Hashable, frozenset] = {("atom", key): frozenset([key]) for key in keys}
    for level_id in {key[0] for key in keys}:
        candidates[("level", level_id)] = frozenset(key for key in keys if key[0] == level_id)
    for group_id in {key[1] for key in keys}:
        candidates[("group", group_id)] = frozenset(key for key in keys if key[1] == group_id)
    return visible, candidates


def assert_nothing_small_follows(atoms: list[AtomSums], rated: reporting._Rated) -> None:
    sizes = {(atom.level_id, atom.actor_group_id): atom.value_answers for atom in atoms}
    visible, candidates = what_is_shown(atoms, rated)
    small = {name: members for name, members in candidates.items() if 0 < sum(sizes[m] for m in members) < K}
    assert determined(sizes, visible, small) == set()


def sums(level_id, group_id, raters: int) -> AtomSums:
    return AtomSums(1, level_id, group_id, raters, raters, 3 * raters, raters, 2 * raters, raters, raters, 0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(LEVELS), st.sampled_from(GROUPS)), st.integers(min_value=1, max_value=12), min_size=1
    )
)
def test_no_level_actor_group_or_crossing_below_k_follows_from_the_shown_means(population):
    atoms = [sums(level_id, group_id, raters) for (level_id, group_id), raters in population.items()]
    rated, _comments = reporting._signal_totals(tuple(atoms), K)
    assert_nothing_small_follows(atoms, rated)
    by_level, by_actor_group = reporting._breakdown(tuple(atoms), K)
    assert None not in by_level
    assert None not in by_actor_group


@pytest.mark.django_db
def test_a_level_minus_an_actor_group_does_not_give_the_one_support_function_at_the_front_line(organisation):
    """The classic case: the front line is five employees and one support function; the support functions are that
    one and five at the middle level. Shown whole, the front line minus the employees is one person's rating."""
    signal = make_signal(organisation, "Journalgranskning")
    campaign = make_campaign(organisation, [signal])
    front, middle = level(organisation, 5), level(organisation, 3)
    staff = group(organisation, ActorGroup.Key.EMPLOYEE)
    support = group(organisation, ActorGroup.Key.SUPPORT_FUNCTION)
    rate(campaign, signal, 5, value=4, burden=2, level=front, group=staff)
    rate(campaign, signal, 1, value=1, burden=5, level=front, group=support)
    rate(campaign, signal, 5, value=3, burden=3, level=middle, group=support)
    publication = reporting.campaign_publication(campaign)
    figures = next(figures for figures in publication.signals if figures.signal == signal)
    assert not figures.mean_value.hidden  # the signal as a whole: eleven answered
    rated = reporting.build_rated(campaign)[signal.pk]
    assert len(rated.atoms) == 3
    assert_nothing_small_follows(list(rated.atoms), rated)
    shown_levels = [row.name for row in figures.by_level if not row.mean_value.hidden]
    shown_groups = [row.name for row in figures.by_actor_group if not row.mean_value.hidden]
    assert not (front.name in shown_levels and staff.name in shown_groups)  # the pair that gave the one away
