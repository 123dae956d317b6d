"""The opinion analysis (tillit.dialogues.analysis), step by step on small matrices checked
by hand, then as a whole with property tests. No database: plain NumPy in, NumPy out.
One module for the one analysis, step by step, so it runs long (about 650 lines)."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from tillit.dialogues import analysis as opinion
from tillit.dialogues.analysis import (
    SmoothingState,
    VoteMatrix,
    analyse,
    clustering,
    consensus,
    latest_votes,
    repness,
    significance,
)
from tillit.dialogues.analysis import matrix as vote_matrix

# --------------------------------------------------------------------------- helpers


def matrix_of(table: list[list[int | None]], excluded=None, meta=None) -> VoteMatrix:
    """A VoteMatrix from a participants x statements table (None = no vote)."""
    rows, cols, values = [], [], []
    for i, line in enumerate(table):
        for j, vote in enumerate(line):
            if vote is not None:
                rows.append(i)
                cols.append(j)
                values.append(vote)
    m = len(table[0]) if table else 0
    return VoteMatrix(len(table), m, np.array(rows), np.array(cols), np.array(values), excluded, meta)


def planted(seed: int, n: int, m: int, groups: int, *, density: float = 0.75, noise: float = 0.08):
    """Votes of ``n`` participants from ``groups`` camps with opposite views on many statements.

    Returns (rows, cols, values, camp per participant); everybody votes on at least 8 statements.
    """
    rng = np.random.default_rng(seed)
    camp = rng.permutation(np.arange(n) % groups)
    views = rng.choice(np.array([-1, 1]), size=(groups, m))
    views[1] = -views[0]  # the first two camps disagree on everything
    votes = views[camp]
    votes = np.where(rng.random((n, m)) < noise, -votes, votes)
    voted = rng.random((n, m)) < density
    voted[:, :8] = True
    rows, cols = np.nonzero(voted)
    return rows, cols, votes[rows, cols], camp


def dense_mean_imputed(matrix: VoteMatrix) -> np.ndarray:
    """The Pol.is imputed matrix, built the slow, obvious way (zeroed columns all 0)."""
    table = np.full((matrix.n_participants, matrix.n_statements), np.nan)
    table[matrix.rows, matrix.cols] = matrix.values
    zeroed = matrix.excluded | matrix.meta
    table[:, zeroed] = 0.0
    means = np.array([np.nanmean(col) if not np.all(np.isnan(col)) else 0.0 for col in table.T])
    return np.where(np.isnan(table), means[None, :], table)


def same_direction(a: np.ndarray, b: np.ndarray, tol: float = 1e-6) -> bool:
    return abs(abs(float(a @ b)) - 1) < tol


# --------------------------------------------------------------------------- input


def test_latest_votes_keeps_the_latest_by_order_then_by_position():
    rows = np.array([0, 0, 1, 0, 1])
    cols = np.array([2, 2, 0, 2, 0])
    values = np.array([1, -1, 0, 0, 1])
    order = np.array([5, 9, 3, 9, 1])
    r, c, v = latest_votes(rows, cols, values, order)
    # (0, 2): orders 5, 9, 9 -> the later of the two 9s (position 3, vote 0); (1, 0): order 3 wins.
    assert r.tolist() == [0, 1]
    assert c.tolist() == [2, 0]
    assert v.tolist() == [0, 0]
    r, c, v = latest_votes(rows, cols, values)  # no order: array position decides
    assert v.tolist() == [0, 1]
    assert r.dtype == np.int32
    assert v.dtype == np.int8


def test_vote_matrix_checks_its_input():
    with pytest.raises(ValueError, match="participant indices"):
        VoteMatrix(2, 2, np.array([2]), np.array([0]), np.array([1]))
    with pytest.raises(ValueError, match="statement indices"):
        VoteMatrix(2, 2, np.array([0]), np.array([5]), np.array([1]))
    with pytest.raises(ValueError, match="-1, 0 or 1"):
        VoteMatrix(2, 2, np.array([0]), np.array([0]), np.array([2]))
    with pytest.raises(ValueError, match="same length"):
        VoteMatrix(2, 2, np.array([0, 1]), np.array([0]), np.array([1]))
    with pytest.raises(ValueError, match="excluded"):
        VoteMatrix(2, 2, np.array([0]), np.array([0]), np.array([1]), np.array([True]))
    built = VoteMatrix.from_votes(3, 2, [0, 0, 2], [1, 1, 0], [1, -1, 0], order=[2, 1, 0])
    assert built.n_votes == 2
    assert built.values.tolist() == [1, 0]  # the vote with order 2 beat the one with order 1


def test_vote_order_does_not_matter():
    rows, cols, values, _ = planted(11, 70, 20, 3)
    shuffle = np.random.default_rng(1).permutation(rows.size)
    ordered = analyse(VoteMatrix(70, 20, rows, cols, values))
    shuffled = analyse(VoteMatrix(70, 20, rows[shuffle], cols[shuffle], values[shuffle]))
    assert np.allclose(ordered.positions, shuffled.positions, atol=1e-10)
    assert np.array_equal(ordered.groups, shuffled.groups)
    many = np.random.default_rng(2).integers(0, 70_000, 5_000).astype(np.int32)  # beyond 16 bits
    assert np.array_equal(vote_matrix.order_by_row(many, 70_000), np.argsort(many, kind="stable"))


# --------------------------------------------------------------------------- PCA and projection


def test_center_is_the_mean_of_cast_votes_and_rejected_columns_are_zeroed():
    table = [
        [1, -1, 1, None],
        [1, 0, None, 1],
        [-1, None, None, -1],
        [1, 1, -1, None],
    ]
    result = analyse(matrix_of(table, excluded=np.array([False, False, False, True])))
    assert result.center.tolist() == pytest.approx([0.5, 0.0, 0.0, 0.0])  # (1+1-1+1)/4, (-1+0+1)/3, (1-1)/2
    assert np.all(result.components[:, 3] == 0)  # the rejected column takes no part
    assert result.statement_positions[3].tolist() == [0.0, 0.0]


def test_pca_equals_the_svd_of_the_mean_imputed_matrix():
    for n, m in ((40, 12), (150, 130)):  # the dense path and the Lanczos path
        rows, cols, values, _ = planted(3, n, m, 3, density=0.4, noise=0.3)
        excluded = np.zeros(m, dtype=bool)
        excluded[[1, 5]] = True
        matrix = VoteMatrix(n, m, rows, cols, values, excluded)
        result = analyse(matrix)
        imputed = dense_mean_imputed(matrix)
        centred = imputed - imputed.mean(axis=0)
        _, s, vt = np.linalg.svd(centred, full_matrices=False)
        assert result.eigenvalues == pytest.approx(s[:2] ** 2, rel=1e-8)
        assert same_direction(result.components[0], vt[0])
        assert same_direction(result.components[1], vt[1])
        assert result.center == pytest.approx(imputed.mean(axis=0))


def test_components_have_a_deterministic_sign():
    rows, cols, values, _ = planted(4, 60, 20, 2)
    result = analyse(VoteMatrix(60, 20, rows, cols, values))
    for component in result.components:
        assert component[np.argmax(np.abs(component))] > 0
    # With previous components, the signs follow them instead.
    flipped = SmoothingState(0, 0, 0, -result.components, np.zeros(0, dtype=np.int64))
    again = analyse(VoteMatrix(60, 20, rows, cols, values), previous=flipped)
    assert np.allclose(again.components, -result.components, atol=1e-9)


def test_zero_imputation_matches_the_old_pol_is_matrix():
    rows, cols, values, _ = planted(5, 50, 16, 2, density=0.5, noise=0.2)
    matrix = VoteMatrix(50, 16, rows, cols, values)
    result = analyse(matrix, imputation="zero")
    table = np.zeros((50, 16))
    table[rows, cols] = values
    centred = table - table.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    assert same_direction(result.components[0], vt[0])
    assert same_direction(result.components[1], vt[1])
    with pytest.raises(ValueError, match="imputation"):
        analyse(matrix, imputation="median")


def test_projection_scales_by_sqrt_of_statements_over_votes():
    table = [
        [1, 1, -1, 1, None, 1],
        [-1, None, 1, None, None, 1],
        [None, 1, None, None, None, -1],
        [1, -1, -1, 1, 1, None],
        [None, None, None, None, None, None],  # never voted
        [-1, -1, 1, -1, None, None],
    ]
    excluded = np.array([False, False, False, False, False, True])
    matrix = matrix_of(table, excluded=excluded)
    result = analyse(matrix)
    m = 6
    for i, line in enumerate(table):
        cast = [j for j, vote in enumerate(line) if vote is not None and not excluded[j]]
        if all(vote is None for vote in line):
            assert np.isnan(result.positions[i]).all()
            continue
        raw = sum((line[j] - result.center[j]) * result.components[:, j] for j in cast)
        # The rejected column counts as a pass for everybody: n_i = votes elsewhere + 1.
        expected = math.sqrt(m / (len(cast) + 1)) * raw
        assert result.positions[i] == pytest.approx(expected, abs=1e-12)


def test_statement_positions_and_extremity():
    rows, cols, values, _ = planted(6, 30, 10, 2)
    result = analyse(VoteMatrix(30, 10, rows, cols, values))
    for j in range(10):
        expected = math.sqrt(10) * (1 - result.center[j]) * result.components[:, j]
        assert result.statement_positions[j] == pytest.approx(expected)
        assert result.extremity[j] == pytest.approx(float(np.hypot(*expected)))


def test_meta_statements_are_left_out_of_the_map_and_the_statistics():
    rows, cols, values, _ = planted(7, 40, 12, 2)
    meta = np.zeros(12, dtype=bool)
    meta[0] = True
    result = analyse(VoteMatrix(40, 12, rows, cols, values, None, meta))
    assert np.all(result.components[:, 0] == 0)
    assert result.priority[0] == 49.0
    assert result.seen[:, 0].sum() > 0  # still counted
    assert not result.group_consensus_eligible[0]
    assert all(rep.statement != 0 for reps in result.representative for rep in reps)


# --------------------------------------------------------------------------- who is clustered


def ladder(counts: list[int], m: int) -> VoteMatrix:
    """Participant i votes agree on the first counts[i] of m statements."""
    return matrix_of([[1] * c + [None] * (m - c) for c in counts])


def test_in_conv_rule_and_greedy_fill():
    counts = [10] * 10 + [6, 6, 5, 5, 4, 3, 2, 1, 1, 0]
    result = analyse(ladder(counts, 10))
    # Ten qualify (>= 7 votes); the five most active others fill up to 15, ties by index.
    assert np.flatnonzero(result.clustered).tolist() == list(range(15))
    assert result.groups[19] == -1
    lower = analyse(ladder(counts, 10), min_votes=3)
    assert np.flatnonzero(lower.clustered).tolist() == list(range(16))  # >= 3 votes: no fill needed
    fewer = analyse(ladder(counts, 10), min_clustered=0)
    assert np.flatnonzero(fewer.clustered).tolist() == list(range(10))


def test_threshold_is_capped_by_the_number_of_statements():
    result = analyse(ladder([3, 3, 2, 1] + [3] * 14, 3))
    assert result.clustered.tolist() == [True, True, False, False] + [True] * 14


def test_clustered_participants_stay_clustered():
    counts = [10] * 16 + [2]
    first = analyse(ladder(counts, 10))
    assert not first.clustered[16]
    sticky = SmoothingState(first.state.k, 0, 0, first.components, np.array([16]))
    assert analyse(ladder(counts, 10), previous=sticky).clustered[16]


# --------------------------------------------------------------------------- k-means


def blobs() -> tuple[np.ndarray, np.ndarray]:
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    offsets = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    points = np.vstack([c + offsets for c in centres])
    return points, np.repeat(np.arange(3), len(offsets))


def test_first_distinct_rows_in_row_order():
    points = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [2.0, 2.0], [1.0, 1.0]])
    assert clustering.first_distinct(points, 3).tolist() == [0, 1, 3]
    assert clustering.first_distinct(points, 10).tolist() == [0, 1, 3]


def test_base_kmeans_finds_obvious_blobs_and_drops_empty_clusters():
    points, truth = blobs()
    labels, centres = clustering.kmeans(points, np.ones(len(points)), points[[0, 5, 10]])
    assert labels.tolist() == truth.tolist()
    assert np.allclose(centres, [[0, 0], [10, 0], [0, 10]])
    far = np.vstack([points[[0, 5, 10]], [[100.0, 100.0]]])
    labels, centres = clustering.kmeans(points, np.ones(len(points)), far)
    assert len(centres) == 3  # the centre nobody chose is dropped
    assert labels.tolist() == truth.tolist()


def plain_lloyd(points: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Textbook Lloyd with Pol.is's stopping rule, for comparison."""
    centres = centres.copy()
    for _ in range(100):
        labels = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        sizes = np.bincount(labels, minlength=len(centres))
        new = np.array([points[labels == c].mean(axis=0) for c in range(len(centres)) if sizes[c]])
        if len(new) < len(centres):
            centres = new
            continue
        moved = np.sqrt(((new - centres) ** 2).sum(axis=1)).max()
        centres = new
        if moved < 0.01:
            break
    return labels, centres


def test_base_kmeans_gives_the_result_of_plain_lloyd():
    rng = np.random.default_rng(3)
    for points in (rng.normal(size=(1500, 2)) * 5, rng.standard_t(2, size=(800, 2))):
        init = points[clustering.first_distinct(points, 100)]
        labels, centres = clustering.kmeans(points, np.ones(len(points)), init)
        expected_labels, expected_centres = plain_lloyd(points, init)
        assert np.array_equal(labels, expected_labels)
        assert np.allclose(centres, expected_centres, atol=1e-9)


def test_weighted_group_kmeans_on_base_centres():
    points, truth = blobs()
    weights = np.arange(1, len(points) + 1, dtype=float)
    first = clustering.first_distinct(points, 5)
    labelings = clustering.group_kmeans(points, weights, first, np.random.default_rng(0), 31)
    assert sorted(labelings) == [2, 3, 4, 5]
    assert labelings[3].tolist() == truth.tolist()  # groups numbered by their first point
    # The weights pull the centres: one heavy point far out gets a group of its own at k=4.
    heavy = weights.copy()
    heavy[-1] = 1000.0
    assert np.flatnonzero(
        clustering.group_kmeans(points, heavy, first, np.random.default_rng(0), 31)[4] == 3
    ).tolist() == [len(points) - 1]


def test_group_kmeans_restarts_escape_pol_is_start():
    # Pol.is starts from the first two points, (0, 0) and (0, 1): Lloyd then settles on the
    # horizontal split (sum of squares 100) instead of the vertical one (1).
    points = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    weights = np.ones(4)
    first = np.array([0, 1])
    assert clustering.group_kmeans(points, weights, first, np.random.default_rng(0), 0)[2].tolist() == [0, 1, 0, 1]
    assert clustering.group_kmeans(points, weights, first, np.random.default_rng(0), 31)[2].tolist() == [0, 0, 1, 1]


def test_silhouette_by_hand():
    points = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [11.0, 0.0], [30.0, 0.0]])
    dist = np.abs(points[:, None, 0] - points[None, :, 0])
    labels = np.array([0, 0, 1, 1, 2])
    expected = [
        (10.5 - 1) / 10.5,  # a = 1, b = mean(10, 11)
        (9.5 - 1) / 9.5,  # a = 1, b = mean(9, 10)
        (9.5 - 1) / 9.5,  # a = 1, b = mean(10, 9)
        (10.5 - 1) / 10.5,  # a = 1, b = mean(11, 10)
        0.0,  # alone in its group
    ]
    assert clustering.silhouette(dist, labels) == pytest.approx(sum(expected) / 5)


def test_silhouette_picks_the_planted_number_of_groups():
    rows, cols, values, camp = planted(8, 90, 30, 3)
    result = analyse(VoteMatrix(90, 30, rows, cols, values))
    assert result.k == 3
    assert result.best_k == 3
    assert max(result.silhouettes, key=result.silhouettes.get) == 3
    assert set(result.silhouettes) == {2, 3, 4, 5}
    assert adjusted_rand_score(camp, result.groups) == 1.0
    # Groups are numbered by their first base cluster, i.e. by their earliest participant.
    firsts = [int(np.flatnonzero(result.groups == g)[0]) for g in range(3)]
    assert firsts == sorted(firsts)


# --------------------------------------------------------------------------- counts, repness, consensus


def two_camps() -> tuple[VoteMatrix, list[list[int | None]]]:
    """Six people in two camps, on four statements: s0 and s1 split the camps, everybody
    agrees with s2, and s3 is rejected."""
    a = [1, 1, 1, -1]
    b = [-1, -1, 1, 1]
    table = [a, a, [1, 0, 1, -1], b, b, [-1, 0, 1, 1]]
    return matrix_of(table, excluded=np.array([False, False, False, True])), table


def test_counts_per_group_are_from_the_votes_as_cast():
    matrix, table = two_camps()
    result = analyse(matrix)
    assert result.k == 2
    assert result.groups.tolist() == [0, 0, 0, 1, 1, 1]
    for g, members in enumerate(([0, 1, 2], [3, 4, 5])):
        for j in range(4):
            votes = [table[i][j] for i in members]
            assert result.agree[g, j] == votes.count(1)
            assert result.disagree[g, j] == votes.count(-1)
            assert result.seen[g, j] == 3


def pol_is_figures(a: float, s: float, a_rest: float, s_rest: float) -> dict[str, float]:
    """The repness formulas, written out once more, independently of the module."""
    pa = (a + 1) / (s + 2)
    pat = 2 * math.sqrt(s + 1) * ((a + 1) / (s + 1) - 0.5)
    ra = pa / ((a_rest + 1) / (s_rest + 2))
    p1, p2 = (a + 1) / (s + 1), (a_rest + 1) / (s_rest + 1)
    pooled = (a + a_rest + 2) / (s + s_rest + 2)
    rat = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / (s + 1) + 1 / (s_rest + 1)))
    return {"pa": pa, "pat": pat, "ra": ra, "rat": rat}


def test_repness_for_a_two_group_matrix_by_hand():
    # Ten votes per group on three statements.
    agree = np.array([[9, 5, 8], [1, 5, 8]])
    disagree = np.array([[1, 5, 0], [9, 5, 0]])
    seen = np.full((2, 3), 10)
    reps = repness.representative(agree, disagree, seen, np.zeros(3, dtype=bool))

    # Group 0: s0 is its distinctive agree, and its best agree.
    assert [(r.statement, r.kind, r.best_agree) for r in reps[0]] == [(0, "agree", True)]
    rep = reps[0][0]
    hand = pol_is_figures(9, 10, 1, 10)
    assert hand["pa"] == pytest.approx(10 / 12)
    assert hand["ra"] == pytest.approx(5.0)
    assert hand["rat"] == pytest.approx(3.4254, abs=1e-4)
    assert hand["pat"] == pytest.approx(2.7136, abs=1e-4)
    assert rep.percent == pytest.approx(100 * hand["pa"])
    assert rep.percent_rest == pytest.approx(100 * 2 / 12)
    assert rep.repness == pytest.approx(hand["ra"])
    assert rep.repness_test == pytest.approx(hand["rat"])
    assert rep.p_test == pytest.approx(hand["pat"])
    assert (rep.count, rep.seen, rep.count_rest, rep.seen_rest) == (9, 10, 1, 10)

    # Group 1: s0 is its distinctive disagree (same figures mirrored). Its best agree is s2,
    # which everybody agrees with: Pol.is puts the best agree first even when it is not
    # distinctive, and agrees come before disagrees.
    assert [(r.statement, r.kind, r.best_agree) for r in reps[1]] == [(2, "agree", True), (0, "disagree", False)]
    disagree_rep = reps[1][1]
    assert disagree_rep.percent == pytest.approx(100 * hand["pa"])
    assert disagree_rep.repness_test == pytest.approx(hand["rat"])
    assert reps[1][0].repness_test == pytest.approx(0.0)


def test_repness_ranking_limit_and_fallback():
    # Group 0 agrees distinctively with six statements, more strongly the later they come;
    # group 1 never saw s6, which group 0 saw and did not agree with.
    m = 7
    agree = np.zeros((2, m), dtype=int)
    agree[0, :6] = [14, 15, 16, 17, 18, 19]
    agree[1, :6] = 1
    disagree = np.zeros((2, m), dtype=int)
    seen = np.full((2, m), 20)
    seen[1, 6] = 0
    reps = repness.representative(agree, disagree, seen, np.zeros(m, dtype=bool))
    assert [r.statement for r in reps[0]] == [5, 4, 3, 2, 1]  # best first, at most five
    # Group 1 has nothing significant: it gets the one statement with the highest rat (or
    # rdt) among those it has seen. Unseen s6 would have the highest rat (1/1 against 1/21).
    assert significance.two_prop_test(np.array([0]), np.array([0]), np.array([0]), np.array([20]))[0] > 2
    assert [r.statement for r in reps[1]] == [0]
    rejected = np.zeros(m, dtype=bool)
    rejected[5] = True
    reps = repness.representative(agree, disagree, seen, rejected)
    assert [r.statement for r in reps[0]] == [4, 3, 2, 1, 0]


def test_group_informed_consensus_and_its_geometric_mean():
    agree = np.array([[9, 8, 2], [1, 8, 2]])
    seen = np.array([[10, 10, 3], [10, 10, 10]])
    product, mean, eligible = consensus.gac(agree, seen, np.zeros(3, dtype=bool), 5)
    assert product[1] == pytest.approx(0.75 * 0.75)
    assert mean[1] == pytest.approx(0.75)
    assert product[0] == pytest.approx((10 / 12) * (2 / 12))
    assert mean[0] == pytest.approx(math.sqrt((10 / 12) * (2 / 12)))
    # s2: only 3 votes in group 0, so not eligible however high its score.
    assert eligible.tolist() == [True, True, False]
    _, _, eligible = consensus.gac(agree, seen, np.array([False, True, False]), 3)
    assert eligible.tolist() == [True, False, True]


def test_consensus_guard_keeps_thinly_voted_statements_out_of_the_ranking():
    matrix, _ = two_camps()
    result = analyse(matrix, consensus_min_votes=3)
    assert result.group_consensus_eligible.tolist() == [True, True, True, False]
    assert result.top_bridging(1) == [2]  # everybody agreed with s2
    strict = analyse(matrix, consensus_min_votes=4)  # each group saw each statement 3 times
    assert not strict.group_consensus_eligible.any()
    assert strict.top_bridging() == []
    assert strict.group_consensus[2] == pytest.approx(result.group_consensus[2])


def test_actor_group_consensus_counts_every_voter_of_each_declared_group():
    matrix, table = two_camps()
    actors = np.array([0, 2, -1, 2, 0, 0])
    result = analyse(matrix, actor_groups=actors, consensus_min_votes=2)
    assert result.actor_labels.tolist() == [0, 2]
    for row, label in enumerate((0, 2)):
        members = [i for i in range(6) if actors[i] == label]
        for j in range(4):
            votes = [table[i][j] for i in members]
            assert result.actor_agree[row, j] == votes.count(1)
            assert result.actor_seen[row, j] == len(votes)
    # s2: actor group 0 (participants 0, 4, 5) agree 3 of 3, group 2 (1, 3) agree 2 of 2.
    assert result.actor_consensus[2] == pytest.approx((4 / 5) * (3 / 4))
    assert result.actor_consensus_mean[2] == pytest.approx(math.sqrt((4 / 5) * (3 / 4)))
    # s0: group 0 agree 1 of 3 (participant 0), group 2 agree 1 of 2 (participant 1).
    assert result.actor_consensus[0] == pytest.approx((2 / 5) * (2 / 4))
    assert result.actor_consensus_eligible.tolist() == [True, True, True, False]
    assert analyse(matrix).actor_labels is None
    with pytest.raises(ValueError, match="actor_groups"):
        analyse(matrix, actor_groups=np.array([0, 1]))


def test_classic_consensus():
    table = [[1, -1, 1, None]] * 8 + [[1, 1, -1, 1]] * 2
    result = analyse(matrix_of(table))
    # pa * pat: s0 (10 of 10) 11/12 * 3.317, s2 (8 of 10) 9/12 * 2.111, s3 (2 of 2) 3/4 * 1.732.
    assert [c.statement for c in result.consensus_agree] == [0, 2, 3]
    assert [c.statement for c in result.consensus_disagree] == [1]
    top = result.consensus_agree[0]
    assert (top.count, top.seen) == (10, 10)
    assert top.percent == pytest.approx(100 * 11 / 12)
    assert top.p_test == pytest.approx(2 * math.sqrt(11) * (11 / 11 - 0.5))


def test_routing_priority():
    matrix, table = two_camps()
    result = analyse(matrix)
    for j in range(3):
        votes = [line[j] for line in table]
        a, d, s = votes.count(1), votes.count(-1), len(votes)
        p = s - a - d
        importance = (1 - (p + 1) / (s + 2)) * (result.extremity[j] + 1) * (a + 1) / (s + 2)
        assert result.priority[j] == pytest.approx((importance * (1 + 8 * 2 ** (-s / 5))) ** 2)
    assert result.priority[3] == 0.0  # rejected
    # A statement nobody has seen gets the full novelty boost: 9 squared = 81 times.
    fresh = matrix_of([[*line, None] for line in table], excluded=np.array([False, False, False, True, False]))
    unseen = analyse(fresh)
    assert unseen.priority[4] == pytest.approx((0.5 * (unseen.extremity[4] + 1) * 0.5 * 9) ** 2)


# --------------------------------------------------------------------------- k-smoother and state


def test_k_smoother_needs_four_consecutive_wins():
    rows, cols, values, _ = planted(8, 90, 30, 3)
    matrix = VoteMatrix(90, 30, rows, cols, values)
    fresh = analyse(matrix)
    assert (fresh.k, fresh.best_k) == (3, 3)
    state = SmoothingState(2, 0, 0, fresh.components, fresh.state.clustered)
    shown = []
    for _ in range(4):
        result = analyse(matrix, previous=state)
        shown.append((result.k, result.state.candidate_k, result.state.candidate_streak))
        state = result.state
    assert shown == [(2, 3, 1), (2, 3, 2), (2, 3, 3), (3, 0, 0)]
    # A different winner starts a new streak.
    other = SmoothingState(2, 4, 3, fresh.components, fresh.state.clustered)
    assert analyse(matrix, previous=other).state.candidate_streak == 1
    # A k this update cannot produce is replaced at once.
    gone = SmoothingState(9, 0, 0, fresh.components, fresh.state.clustered)
    assert analyse(matrix, previous=gone).k == 3


def test_state_round_trips_through_plain_data_and_pickle():
    rows, cols, values, _ = planted(9, 40, 12, 2)
    result = analyse(VoteMatrix(40, 12, rows, cols, values))
    back = SmoothingState.from_dict(result.state.as_dict())
    assert back.k == result.state.k
    assert np.array_equal(back.components, result.state.components)
    assert np.array_equal(back.clustered, result.state.clustered)
    copy = pickle.loads(pickle.dumps(result))  # noqa: S301 (our own object)
    assert np.array_equal(copy.groups, result.groups)
    assert copy.representative == result.representative


def test_empty_and_tiny_inputs():
    empty = analyse(VoteMatrix(3, 2, np.array([], dtype=int), np.array([], dtype=int), np.array([], dtype=int)))
    assert empty.k == 0
    assert np.isnan(empty.positions).all()
    assert not empty.clustered.any()
    one = analyse(matrix_of([[1, -1]]))
    assert one.k == 1
    assert one.groups.tolist() == [0]


def test_adjusted_rand_index_matches_scikit_learn():
    rng = np.random.default_rng(0)
    for _ in range(20):
        a = rng.integers(0, 4, 30)
        b = rng.integers(0, 3, 30)
        assert opinion.adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b))
    assert opinion.adjusted_rand_index([0, 0, 1], [5, 5, 2]) == 1.0
    assert opinion.adjusted_rand_index([0, 0, 0], [0, 0, 0]) == 1.0


# --------------------------------------------------------------------------- properties

planted_cases = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "n": st.integers(40, 160),
        "m": st.integers(12, 40),
        "groups": st.integers(2, 4),
    }
)
property_settings = settings(
    max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@property_settings
@given(case=planted_cases.filter(lambda case: case["n"] <= 100), data=st.data())
def test_permuting_participants_permutes_the_result(case, data):
    # Up to 100 participants every distinct position is its own base cluster, so the method is
    # exactly order-free. Above that the base k-means starts, as Pol.is's does, from the first
    # 100 distinct positions in arrival order, and a different order may settle elsewhere.
    rows, cols, values, _ = planted(case["seed"], case["n"], case["m"], case["groups"], noise=0.03)
    n, m = case["n"], case["m"]
    perm = np.array(data.draw(st.permutations(range(n))))  # new participant j is old perm[j]
    inverse = np.argsort(perm)
    before = analyse(VoteMatrix(n, m, rows, cols, values))
    after = analyse(VoteMatrix(n, m, inverse[rows], cols, values))
    assert np.allclose(after.positions, before.positions[perm], atol=1e-8)
    assert np.array_equal(after.clustered, before.clustered[perm])
    assert after.k == before.k
    assert adjusted_rand_score(before.groups[perm], after.groups) == 1.0
    assert np.allclose(after.priority, before.priority)


@property_settings
@given(case=planted_cases, data=st.data())
def test_permuting_statements_permutes_statement_results(case, data):
    rows, cols, values, _ = planted(case["seed"], case["n"], case["m"], case["groups"], noise=0.03)
    n, m = case["n"], case["m"]
    perm = np.array(data.draw(st.permutations(range(m))))  # new statement j is old perm[j]
    inverse = np.argsort(perm)
    before = analyse(VoteMatrix(n, m, rows, cols, values))
    after = analyse(VoteMatrix(n, m, rows, inverse[cols], values))
    assert np.allclose(after.center, before.center[perm])
    assert np.allclose(after.extremity, before.extremity[perm])
    assert np.allclose(after.priority, before.priority[perm])
    for axis in range(2):  # each component is defined up to its sign
        flip = np.sign(after.components[axis] @ before.components[axis][perm])
        assert np.allclose(after.statement_positions[:, axis], flip * before.statement_positions[perm, axis])
        assert np.allclose(after.positions[:, axis], flip * before.positions[:, axis], equal_nan=True)
    assert after.k == before.k
    assert adjusted_rand_score(before.groups, after.groups) == 1.0
    assert np.allclose(np.sort(after.group_consensus), np.sort(before.group_consensus))


@property_settings
@given(case=planted_cases)
def test_duplicating_every_participant_keeps_the_grouping(case):
    rows, cols, values, _ = planted(case["seed"], case["n"], case["m"], case["groups"], noise=0.03)
    n, m = case["n"], case["m"]
    before = analyse(VoteMatrix(n, m, rows, cols, values))
    twice = analyse(VoteMatrix(2 * n, m, np.concatenate([rows, rows + n]), np.tile(cols, 2), np.tile(values, 2)))
    assert twice.k == before.k
    assert adjusted_rand_score(before.groups, twice.groups[:n]) == 1.0
    assert np.array_equal(twice.groups[n:], twice.groups[:n])
    assert np.allclose(twice.positions[:n], before.positions, atol=1e-8)


@property_settings
@given(case=planted_cases, seed=st.integers(0, 3))
def test_same_input_same_output(case, seed):
    rows, cols, values, _ = planted(case["seed"], case["n"], case["m"], case["groups"], noise=0.3)
    matrix = VoteMatrix(case["n"], case["m"], rows, cols, values)
    actors = np.arange(case["n"]) % 3 - 1
    first = analyse(matrix, seed=seed, actor_groups=actors)
    second = analyse(matrix, seed=seed, actor_groups=actors)
    for name, value in vars(first).items():
        other = getattr(second, name)
        if isinstance(value, np.ndarray):
            assert np.array_equal(value, other, equal_nan=True), name
        elif name == "state":
            assert value.as_dict() == other.as_dict()
        else:
            assert value == other, name
