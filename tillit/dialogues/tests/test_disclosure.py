"""The audit's per-release question "which statements' voters differ from that release" answered by reading only the
votes that can differ (`StatementVoters.changed_since`) gives exactly what reading every vote gives."""

from __future__ import annotations

import datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.dialogues import analysis as opinion
from tillit.dialogues import reporting
from tillit.dialogues.disclosure import StatementVoters


def every_vote_read(voters: StatementVoters, release: int, present: int, groups_then: np.ndarray) -> np.ndarray:
    """The plain definition: a vote differs if it was first counted after `release`, or its voter was not there then
    or sat in another opinion group than now."""
    n = len(voters.group_of)
    there = min(present, len(groups_then), n)
    group_now = np.where(voters.group_of < voters.n_groups, voters.group_of, -1)
    moved = np.ones(n, dtype=bool)
    moved[:there] = groups_then[:there] != group_now[:there]
    differs = moved[voters.matrix.rows] | (voters.inputs.vote_releases > release)
    return np.bincount(voters.matrix.cols[differs], minlength=len(voters.inputs.statement_numbers))


@settings(max_examples=60, deadline=None, database=None)
@given(
    n=st.integers(min_value=40, max_value=120),
    m=st.integers(min_value=2, max_value=8),
    seed=st.integers(min_value=0, max_value=10_000),
    in_order=st.booleans(),
    moved_share=st.sampled_from([0.0, 0.05, 0.5]),
)
def test_reading_only_the_votes_that_can_differ_gives_what_reading_every_vote_gives(n, m, seed, in_order, moved_share):
    rng = np.random.default_rng(seed)
    rows, cols = np.nonzero(rng.random((n, m)) < 0.6)
    values = rng.choice(np.array([-1, 0, 1]), len(rows))
    releases = rng.integers(1, 6, len(rows))
    if not in_order:
        shuffled = rng.permutation(len(rows))
        rows, cols, values, releases = rows[shuffled], cols[shuffled], values[shuffled], releases[shuffled]
    matrix = opinion.VoteMatrix(n, m, rows, cols, values)
    actors = rng.integers(-1, 3, n)
    inputs = reporting.Inputs(
        statement_numbers=list(range(1, m + 1)),
        statement_shown=[True] * m,
        participant_actor_groups=actors.tolist(),
        actor_group_names=["politician", "manager", "staff"],
        joined_on=[datetime.date(2026, 11, 2)] * n,
        votes=len(rows),
        k=3,
        actor_group_ids=[11, 12, 13],
        vote_releases=releases,
        release=6,
    )
    result = opinion.analyse(matrix, actor_groups=actors, seed=1, min_clustered=0)
    voters = StatementVoters(result, matrix, inputs, 3)
    group_now = np.where(voters.group_of < voters.n_groups, voters.group_of, -1)
    for release in (1, 3, 5, 2):  # several releases in one run, the earliest not first
        present = int(rng.integers(n // 2, n + 1))
        groups_then = group_now[:present].copy()
        moving = rng.random(present) < moved_share
        groups_then[moving] = rng.integers(-1, 3, int(moving.sum()))

        fast = voters.changed_since(release, (present, groups_then, groups_then))

        assert np.array_equal(fast, every_vote_read(voters, release, present, groups_then))
