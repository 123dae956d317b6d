"""Ranking activities and effects from workshop ratings: the formulas, their promises, and the bootstrap."""

from __future__ import annotations

import random
import statistics
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.workshops.ranking import (
    IMPROVE,
    KEEP,
    LOWER_PRIORITY,
    PRIORITISE,
    ActivityScore,
    Mean,
    Ratings,
    contribution_matrix,
    group_means,
    largest_disagreements,
    quadrant,
    rank_activities,
    rank_effects,
)

SMALL_BOOTSTRAP = 40


def worked_example() -> Ratings:
    """Three participants, two effects, two activities; a1 serves both effects, a2 only e2.

    Ī(e1) = (4 + 3 + 2) / 3 = 3        Ā(e1) = (2 + 3 + 1) / 3 = 2      → prioritise
    Ī(e2) = (2 + 1) / 2 = 1.5 (p3 -)   Ā(e2) = (4 + 5) / 2 = 4.5        → lower priority
    C̄(a1, e1) = (3 + 2) / 2 = 2.5 (p3 vet ej)
    C̄(a1, e2) = (1 + 0) / 2 = 0.5 (p2 vet ej)
    C̄(a2, e2) = (3 + 3 + 3) / 3 = 3
    EC(a1) = (3/4 · 2.5 + 1.5/4 · 0.5) / 2 = 33/32
    EC(a2) = 1.5/4 · 3 = 9/8
    """
    return Ratings(
        participants=["p1", "p2", "p3"],
        effects=["e1", "e2"],
        activities=["a1", "a2"],
        links=frozenset({("a1", "e1"), ("a1", "e2"), ("a2", "e2")}),
        importance={("p1", "e1"): 4, ("p1", "e2"): 2, ("p2", "e1"): 3, ("p2", "e2"): 1, ("p3", "e1"): 2},
        achievement={("p1", "e1"): 2, ("p1", "e2"): 4, ("p2", "e1"): 3, ("p2", "e2"): 5, ("p3", "e1"): 1},
        contribution={
            ("p1", "a1", "e1"): 3,
            ("p2", "a1", "e1"): 2,
            ("p1", "a1", "e2"): 1,
            ("p3", "a1", "e2"): 0,
            ("p1", "a2", "e2"): 3,
            ("p2", "a2", "e2"): 3,
            ("p3", "a2", "e2"): 3,
        },
    )


@st.composite
def workshops(draw: st.DrawFn, *, max_participants: int = 8) -> Ratings:
    """Up to 8 participants, 4 effects and 4 activities, random links, and random ratings with gaps."""
    participants = draw(st.lists(st.integers(0, 50), max_size=max_participants, unique=True))
    effects = [f"e{index}" for index in range(draw(st.integers(1, 4)))]
    activities = [f"a{index}" for index in range(draw(st.integers(1, 4)))]
    pairs = [(activity, effect) for activity in activities for effect in effects]
    links = draw(st.frozensets(st.sampled_from(pairs)))

    def rated(keys: list[tuple], values: st.SearchStrategy[int]) -> dict[tuple, int]:
        return draw(st.dictionaries(st.sampled_from(keys), values)) if keys else {}

    by_effect = [(participant, effect) for participant in participants for effect in effects]
    by_link = [(participant, *link) for participant in participants for link in sorted(links)]
    return Ratings(
        participants=participants,
        effects=effects,
        activities=activities,
        links=links,
        importance=rated(by_effect, st.integers(0, 4)),
        achievement=rated(by_effect, st.integers(1, 5)),
        contribution=rated(by_link, st.integers(0, 3)),
    )


def with_participant(ratings: Ratings, participant, *, importance, achievement, contribution) -> Ratings:
    """The ratings plus one participant who rates every effect and every link with the given values."""
    return Ratings(
        participants=[*ratings.participants, participant],
        effects=ratings.effects,
        activities=ratings.activities,
        links=ratings.links,
        importance={**ratings.importance, **{(participant, effect): importance for effect in ratings.effects}},
        achievement={**ratings.achievement, **{(participant, effect): achievement for effect in ratings.effects}},
        contribution={**ratings.contribution, **{(participant, *link): contribution for link in ratings.links}},
    )


def by_activity(scores: list[ActivityScore]) -> dict:
    return {score.activity: score for score in scores}


def by_effect(scores: list) -> dict:
    return {score.effect: score for score in scores}


# --- The worked example ---------------------------------------------------------------------------------------


def test_the_worked_example_gives_the_hand_computed_expected_contributions_and_order():
    scores = rank_activities(worked_example(), bootstrap=0)

    assert [score.activity for score in scores] == ["a2", "a1"]
    a2, a1 = scores
    assert a2.expected_contribution == pytest.approx(float(Fraction(9, 8)))
    assert a1.expected_contribution == pytest.approx(float(Fraction(33, 32)))
    assert (a1.effects_counted, a1.linked_effects, a1.raters) == (2, 2, 3)
    assert (a2.effects_counted, a2.linked_effects, a2.raters) == (1, 1, 3)
    assert a1.low is None
    assert a1.high is None


def test_the_worked_example_gives_the_hand_computed_importance_achievement_and_quadrants():
    e1, e2 = rank_effects(worked_example(), bootstrap=0)

    assert (e1.effect, e1.importance, e1.achievement, e1.quadrant) == ("e1", 3.0, 2.0, PRIORITISE)
    assert (e2.effect, e2.importance, e2.achievement, e2.quadrant) == ("e2", 1.5, 4.5, LOWER_PRIORITY)
    assert (e1.importance_raters, e1.achievement_raters) == (3, 3)
    assert (e2.importance_raters, e2.achievement_raters) == (2, 2)


def test_the_contribution_matrix_has_the_mean_and_raters_of_every_link():
    assert contribution_matrix(worked_example()) == {
        ("a1", "e1"): Mean(2.5, 2),
        ("a1", "e2"): Mean(0.5, 2),
        ("a2", "e2"): Mean(3.0, 3),
    }


def test_group_means_use_only_each_groups_own_participants():
    groups = {"p1": "staff", "p2": "staff", "p3": "politicians"}

    importance = group_means(worked_example(), groups)
    contribution = group_means(worked_example(), groups, measure="expected_contribution")

    assert importance == {
        "staff": {"e1": Mean(3.5, 2), "e2": Mean(1.5, 2)},
        "politicians": {"e1": Mean(2.0, 1), "e2": Mean(None, 0)},
    }
    # Staff: Ī = 3.5 and 1.5, C̄(a1, e1) = 2.5, C̄(a1, e2) = 1 (p1 only), C̄(a2, e2) = 3.
    assert contribution["staff"]["a1"] == Mean(pytest.approx((3.5 / 4 * 2.5 + 1.5 / 4 * 1) / 2), 2)
    assert contribution["staff"]["a2"] == Mean(pytest.approx(1.5 / 4 * 3), 2)
    # The politician rated no importance of e2 and "vet ej" for (a1, e1): no term is defined.
    assert contribution["politicians"] == {"a1": Mean(None, 1), "a2": Mean(None, 1)}


def test_largest_disagreements_rank_items_by_the_spread_between_group_means():
    ratings = Ratings(
        participants=[1, 2, 3, 4, 5, 6],
        effects=["calm", "fast", "kind"],
        activities=[],
        importance={
            **{(1, "calm"): 4, (2, "calm"): 4, (3, "calm"): 0, (4, "calm"): 1},
            **{(1, "fast"): 2, (3, "fast"): 3, (5, "fast"): 4},
            **{(1, "kind"): 3, (2, "kind"): 3, (3, "kind"): 3, (4, "kind"): 3},
        },
    )
    groups = {1: "staff", 2: "staff", 3: "managers", 4: "managers", 5: "users", 6: "users"}

    found = largest_disagreements(ratings, groups)

    assert [(d.item, d.spread, d.lowest, d.highest) for d in found] == [
        ("calm", 3.5, "managers", "staff"),
        ("fast", 2.0, "staff", "users"),
        ("kind", 0.0, "staff", "staff"),
    ]
    assert found[0].means == {"staff": Mean(4.0, 2), "managers": Mean(0.5, 2)}
    assert found[1].means == {"staff": Mean(2.0, 1), "managers": Mean(3.0, 1), "users": Mean(4.0, 1)}


def test_largest_disagreements_leave_out_items_that_fewer_than_two_groups_rated():
    groups = {"p1": "staff", "p2": "staff", "p3": "politicians"}

    assert [d.item for d in largest_disagreements(worked_example(), groups)] == ["e1"]
    assert largest_disagreements(worked_example(), groups, measure="expected_contribution") == []


# --- What the estimates promise -------------------------------------------------------------------------------


def test_vet_ej_is_missing_never_zero():
    ratings = Ratings(
        participants=["p1", "p2"],
        effects=["e"],
        activities=["a"],
        links=frozenset({("a", "e")}),
        importance={("p1", "e"): 4, ("p2", "e"): 4},
        contribution={("p1", "a", "e"): 3},  # p2 answered "vet ej"
    )

    assert contribution_matrix(ratings)[("a", "e")] == Mean(3.0, 1)
    assert rank_activities(ratings, bootstrap=0)[0].expected_contribution == 3.0


def test_a_participant_rating_everything_zero_lowers_the_activity_a_weighted_mean_would_raise():
    """The example in the module doc: why EC divides by 4 and not by the sum of the importances."""
    many = [f"p{index}" for index in range(10)]
    ratings = Ratings(
        participants=["lone", *many],
        effects=["e1", "e2"],
        activities=["a"],
        links=frozenset({("a", "e1"), ("a", "e2")}),
        importance={("lone", "e1"): 4, **{(p, "e2"): 4 for p in many}},
        contribution={("lone", "a", "e1"): 0, **{(p, "a", "e2"): 3 for p in many}},
    )
    zeroed = with_participant(ratings, "zero", importance=0, achievement=1, contribution=0)

    assert rank_activities(ratings, bootstrap=0)[0].expected_contribution == 1.5
    assert rank_activities(zeroed, bootstrap=0)[0].expected_contribution == pytest.approx(150 / 121)


def test_contribution_ratings_for_unlinked_pairs_do_not_count():
    ratings = Ratings(
        participants=["p1"],
        effects=["e1", "e2"],
        activities=["a"],
        links=frozenset({("a", "e1")}),
        importance={("p1", "e1"): 4, ("p1", "e2"): 4},
        contribution={("p1", "a", "e1"): 1, ("p1", "a", "e2"): 3},  # (a, e2) was unlinked after rating
    )

    (score,) = rank_activities(ratings, bootstrap=0)

    assert (score.expected_contribution, score.effects_counted, score.linked_effects) == (1.0, 1, 1)
    assert set(contribution_matrix(ratings)) == {("a", "e1")}


def test_nobody_rating_gives_no_estimate_and_no_interval():
    ratings = Ratings(participants=[], effects=["e"], activities=["a"], links=frozenset({("a", "e")}))

    (activity,) = rank_activities(ratings)
    (effect,) = rank_effects(ratings)

    assert activity == ActivityScore("a", None, None, None, 0, 1, 0)
    assert (effect.importance, effect.achievement, effect.quadrant, effect.low, effect.high) == (None,) * 5


def test_an_activity_linked_to_no_effect_has_no_estimate_and_ranks_last():
    ratings = Ratings(
        participants=["p"],
        effects=["e"],
        activities=["orphan", "linked"],
        links=frozenset({("linked", "e")}),
        importance={("p", "e"): 1},
        contribution={("p", "linked", "e"): 0},
    )

    assert [(s.activity, s.expected_contribution) for s in rank_activities(ratings)] == [
        ("linked", 0.0),
        ("orphan", None),
    ]


@pytest.mark.parametrize(
    ("importance", "achievement", "expected"),
    [
        (Fraction(2), Fraction(5, 2) - Fraction(1, 1000), PRIORITISE),
        (Fraction(2), Fraction(5, 2), IMPROVE),
        (Fraction(4), Fraction(7, 2) - Fraction(1, 1000), IMPROVE),
        (Fraction(2), Fraction(7, 2), KEEP),
        (Fraction(2) - Fraction(1, 1000), Fraction(1), LOWER_PRIORITY),
        (Fraction(0), Fraction(5), LOWER_PRIORITY),
        (1.5, None, LOWER_PRIORITY),
        (3.0, None, None),
        (None, 5.0, None),
    ],
)
def test_the_quadrant_rule_and_its_exact_boundaries(importance, achievement, expected):
    assert quadrant(importance, achievement) == expected


def test_every_quadrant_is_reached_by_real_ratings():
    achievements = {"prioritise": 2, "improve": 3, "keep": 4, "lower": 5}
    ratings = Ratings(
        participants=["p"],
        effects=list(achievements),
        activities=[],
        importance={("p", "prioritise"): 4, ("p", "improve"): 3, ("p", "keep"): 2, ("p", "lower"): 1},
        achievement={("p", effect): value for effect, value in achievements.items()},
    )

    assert {s.effect: s.quadrant for s in rank_effects(ratings, bootstrap=0)} == {
        "prioritise": PRIORITISE,
        "improve": IMPROVE,
        "keep": KEEP,
        "lower": LOWER_PRIORITY,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"importance": {("p", "e"): 5}}, "importance rating 5"),
        ({"achievement": {("p", "e"): 0}}, "achievement rating 0"),
        ({"contribution": {("p", "a", "e"): 4}}, "contribution rating 4"),
        ({"importance": {("p", "e"): True}}, "importance rating True"),
        ({"importance": {("p", "e"): 2.5}}, "importance rating 2.5"),
        ({"importance": {("stranger", "e"): 1}}, "unknown participant"),
        ({"contribution": {("p", "a", "elsewhere"): 1}}, "unknown participant, activity or effect"),
        ({"links": frozenset({("ghost", "e")})}, "unknown activity or effect"),
        ({"participants": ["p", "p"]}, "same id twice"),
    ],
)
def test_ratings_refuse_values_off_the_scale_and_unknown_ids(change, message):
    arguments = {"participants": ["p"], "effects": ["e"], "activities": ["a"], "links": frozenset({("a", "e")})}

    with pytest.raises(ValueError, match=message):
        Ratings(**{**arguments, **change})


def test_bootstrap_and_confidence_must_make_sense():
    with pytest.raises(ValueError, match="bootstrap"):
        rank_activities(worked_example(), bootstrap=-1)
    with pytest.raises(ValueError, match="confidence"):
        rank_effects(worked_example(), confidence=1.0)
    with pytest.raises(ValueError, match="measure"):
        group_means(worked_example(), {}, measure="mood")


def test_participant_ids_that_cannot_be_compared_still_get_a_fixed_order():
    ratings = worked_example()
    renamed = {"p1": 1, "p2": "two", "p3": (3,)}
    mixed = Ratings(
        participants=[renamed[p] for p in ratings.participants],
        effects=ratings.effects,
        activities=ratings.activities,
        links=ratings.links,
        importance={(renamed[p], e): v for (p, e), v in ratings.importance.items()},
        achievement={(renamed[p], e): v for (p, e), v in ratings.achievement.items()},
        contribution={(renamed[p], a, e): v for (p, a, e), v in ratings.contribution.items()},
    )
    shuffled = Ratings(**{**mixed.__dict__, "participants": list(reversed(mixed.participants))})

    assert rank_activities(mixed, bootstrap=SMALL_BOOTSTRAP) == rank_activities(shuffled, bootstrap=SMALL_BOOTSTRAP)


# --- The bootstrap ----------------------------------------------------------------------------------------------


def naive_bootstrap_ec(ratings: Ratings, activity, *, bootstrap: int, seed: int) -> tuple[float, float]:
    """The bootstrap as the module doc defines it, written the obvious, slow way."""
    participants = sorted(ratings.participants)
    rng = random.Random(seed)
    estimates = []
    for _ in range(bootstrap):
        drawn = rng.choices(participants, k=len(participants))
        terms = []
        for a, effect in ratings.links:
            if a != activity:
                continue
            importance = [ratings.importance[p, effect] for p in drawn if (p, effect) in ratings.importance]
            contribution = [ratings.contribution[p, a, effect] for p in drawn if (p, a, effect) in ratings.contribution]
            if importance and contribution:
                terms.append(statistics.fmean(importance) / 4 * statistics.fmean(contribution))
        if terms:
            estimates.append(statistics.fmean(terms))
    cuts = statistics.quantiles(estimates, n=40, method="inclusive")  # 2.5 % and 97.5 % are the outer cuts
    return cuts[0], cuts[-1]


def test_the_bootstrap_resamples_participants_with_replacement_and_takes_percentiles():
    rng = random.Random(7)
    participants = list(range(30))
    effects, activities = ["e1", "e2", "e3"], ["a1", "a2"]
    links = frozenset({("a1", "e1"), ("a1", "e2"), ("a2", "e2"), ("a2", "e3")})
    ratings = Ratings(
        participants=participants,
        effects=effects,
        activities=activities,
        links=links,
        importance={(p, e): rng.randint(0, 4) for p in participants for e in effects if rng.random() < 0.8},
        contribution={(p, *link): rng.randint(0, 3) for p in participants for link in links if rng.random() < 0.6},
    )

    scores = by_activity(rank_activities(ratings, bootstrap=200, seed=3))

    for activity in activities:
        low, high = naive_bootstrap_ec(ratings, activity, bootstrap=200, seed=3)
        assert scores[activity].low == pytest.approx(low)
        assert scores[activity].high == pytest.approx(high)


def test_a_lower_confidence_gives_a_narrower_interval_inside_the_wider_one():
    ratings = worked_example()
    wide = by_activity(rank_activities(ratings, bootstrap=500, confidence=0.95))
    narrow = by_activity(rank_activities(ratings, bootstrap=500, confidence=0.5))

    for activity in ratings.activities:
        assert wide[activity].low <= narrow[activity].low <= narrow[activity].high <= wide[activity].high


def test_a_different_seed_draws_different_resamples():
    ratings = with_participant(worked_example(), "p4", importance=1, achievement=3, contribution=2)

    assert rank_activities(ratings, seed=1, bootstrap=200) != rank_activities(ratings, seed=2, bootstrap=200)


# --- Properties ---------------------------------------------------------------------------------------------------

properties = settings(max_examples=80, deadline=None)


@properties
@given(workshops())
def test_a_participant_who_rates_everything_zero_never_raises_an_activity_or_an_effect(ratings):
    zero = max((p for p in ratings.participants), default=0) + 1
    zeroed = with_participant(ratings, zero, importance=0, achievement=1, contribution=0)

    before, after = (
        by_activity(rank_activities(ratings, bootstrap=0)),
        by_activity(rank_activities(zeroed, bootstrap=0)),
    )
    for activity in ratings.activities:
        old, new = before[activity].expected_contribution, after[activity].expected_contribution
        if old is None:
            assert new in (None, 0.0)
        else:
            assert new <= old

    before, after = by_effect(rank_effects(ratings, bootstrap=0)), by_effect(rank_effects(zeroed, bootstrap=0))
    for effect in ratings.effects:
        old, new = before[effect].importance, after[effect].importance
        assert new == 0.0 if old is None else new <= old


@properties
@given(workshops(), st.randoms(use_true_random=False))
def test_the_order_of_the_participants_changes_nothing_not_even_the_bootstrap(ratings, rng):
    order = list(ratings.participants)
    rng.shuffle(order)

    def reordered(mapping):
        items = list(mapping.items())
        rng.shuffle(items)
        return dict(items)

    permuted = Ratings(
        participants=order,
        effects=ratings.effects,
        activities=ratings.activities,
        links=ratings.links,
        importance=reordered(ratings.importance),
        achievement=reordered(ratings.achievement),
        contribution=reordered(ratings.contribution),
    )

    assert rank_activities(permuted, bootstrap=SMALL_BOOTSTRAP) == rank_activities(ratings, bootstrap=SMALL_BOOTSTRAP)
    assert rank_effects(permuted, bootstrap=SMALL_BOOTSTRAP) == rank_effects(ratings, bootstrap=SMALL_BOOTSTRAP)
    groups = {participant: participant % 3 for participant in ratings.participants}
    assert group_means(permuted, groups, measure="expected_contribution") == group_means(
        ratings, groups, measure="expected_contribution"
    )


def assert_ranked_with_stable_ties(scores: list[float | None], positions: list[int]):
    """Highest first, None last, and equal scores in their input order."""
    for (score, position), (next_score, next_position) in pairwise(zip(scores, positions, strict=True)):
        if score is None:
            assert next_score is None
            assert position < next_position
        elif next_score is not None:
            assert score >= next_score
            if score == next_score:
                assert position < next_position


@properties
@given(workshops())
def test_rankings_put_the_highest_first_and_keep_the_input_order_of_ties(ratings):
    activities = rank_activities(ratings, bootstrap=0)
    effects = rank_effects(ratings, bootstrap=0)

    assert_ranked_with_stable_ties(
        [s.expected_contribution for s in activities], [ratings.activities.index(s.activity) for s in activities]
    )
    assert_ranked_with_stable_ties([s.importance for s in effects], [ratings.effects.index(s.effect) for s in effects])


@properties
@given(workshops(), st.data())
def test_identically_rated_activities_tie_and_keep_their_input_order(ratings, data):
    """Copies of an activity, with the same links and ratings, placed anywhere in the input order."""
    original = data.draw(st.sampled_from(ratings.activities))
    copies = ["copy1", "copy2"]
    order = list(ratings.activities)
    for copy in copies:
        order.insert(data.draw(st.integers(0, len(order))), copy)
    links = {(copy, e) for copy in copies for a, e in ratings.links if a == original}
    contribution = {
        (p, copy, e): v for copy in copies for (p, a, e), v in ratings.contribution.items() if a == original
    }
    with_copies = Ratings(
        participants=ratings.participants,
        effects=ratings.effects,
        activities=order,
        links=ratings.links | links,
        importance=ratings.importance,
        achievement=ratings.achievement,
        contribution={**ratings.contribution, **contribution},
    )

    ranked = rank_activities(with_copies, bootstrap=0)
    twins = [original, *copies]

    assert len({s.expected_contribution for s in ranked if s.activity in twins}) == 1
    assert [s.activity for s in ranked if s.activity in twins] == [a for a in order if a in twins]


@properties
@given(workshops(), st.integers(0, 2**32))
def test_the_bootstrap_is_reproducible_with_its_seed_and_stays_on_the_scale(ratings, seed):
    activities = rank_activities(ratings, bootstrap=SMALL_BOOTSTRAP, seed=seed)
    effects = rank_effects(ratings, bootstrap=SMALL_BOOTSTRAP, seed=seed)

    assert activities == rank_activities(ratings, bootstrap=SMALL_BOOTSTRAP, seed=seed)
    assert effects == rank_effects(ratings, bootstrap=SMALL_BOOTSTRAP, seed=seed)
    for s in activities:
        assert (s.low is None) == (s.high is None)
        if s.low is not None:
            assert 0 <= s.low <= s.high <= 3
            assert s.expected_contribution is not None
    for s in effects:
        if s.low is not None:
            assert 0 <= s.low <= s.high <= 4
        if s.achievement_low is not None:
            assert 1 <= s.achievement_low <= s.achievement_high <= 5


@properties
@given(workshops())
def test_estimates_stay_on_their_scales(ratings):
    for s in rank_activities(ratings, bootstrap=0):
        assert s.expected_contribution is None or 0 <= s.expected_contribution <= 3
        assert s.effects_counted <= s.linked_effects
        assert s.raters <= len(ratings.participants)
    for s in rank_effects(ratings, bootstrap=0):
        assert s.importance is None or 0 <= s.importance <= 4
        assert s.achievement is None or 1 <= s.achievement <= 5
        assert s.quadrant is None or s.quadrant in {KEEP, IMPROVE, PRIORITISE, LOWER_PRIORITY}
    for value, n in contribution_matrix(ratings).values():
        assert (value is None) == (n == 0)
        assert value is None or 0 <= value <= 3


@properties
@given(workshops())
def test_one_group_of_everyone_gives_the_overall_estimates(ratings):
    everyone = dict.fromkeys(ratings.participants, "all")
    overall = by_activity(rank_activities(ratings, bootstrap=0))

    by_group = group_means(ratings, everyone, measure="expected_contribution")

    assert list(by_group) == (["all"] if ratings.participants else [])
    for activity, mean in by_group.get("all", {}).items():
        assert mean == Mean(overall[activity].expected_contribution, overall[activity].raters)


def test_terms_limit_the_expected_contribution_and_its_interval_to_the_allowed_effects():
    # worked_example: EC(a1) over e1 alone is Ī(e1)/4 · C̄(a1, e1) = 3/4 · 2.5; a2 has no allowed term.
    scores = {s.activity: s for s in rank_activities(worked_example(), bootstrap=SMALL_BOOTSTRAP, terms={"a1": {"e1"}})}

    assert scores["a1"].expected_contribution == pytest.approx(3 / 4 * 2.5)
    assert (scores["a1"].effects_counted, scores["a1"].linked_effects, scores["a1"].raters) == (1, 2, 2)
    assert scores["a1"].low <= scores["a1"].expected_contribution <= scores["a1"].high
    assert (scores["a2"].expected_contribution, scores["a2"].low, scores["a2"].raters) == (None, None, 0)


def test_without_terms_every_linked_effect_counts():
    plain = rank_activities(worked_example(), bootstrap=SMALL_BOOTSTRAP)
    every = rank_activities(worked_example(), bootstrap=SMALL_BOOTSTRAP, terms={"a1": {"e1", "e2"}, "a2": {"e2"}})

    assert plain == every


def test_group_terms_apply_to_each_group_alone():
    groups = {"p1": "g", "p2": "g", "p3": "h"}

    means = group_means(worked_example(), groups, measure="expected_contribution", terms={"g": {"a1": {"e1"}}, "h": {}})

    # Group g: Ī(e1) = (4 + 3) / 2, C̄(a1, e1) = (3 + 2) / 2; its raters of that link are p1 and p2.
    assert means["g"]["a1"] == Mean(pytest.approx(7 / 2 / 4 * 5 / 2), 2)
    assert means["g"]["a2"] == Mean(None, 0)
    assert means["h"]["a1"] == Mean(None, 0)
