"""Two shortcuts of the release audit give exactly what the audit itself gives: the per-release question "which
statements' voters differ from that release" answered by reading only the votes that can differ
(`StatementVoters.changed_since`), and a statement held back by the last run held back again without its audit while
nothing it depends on has changed (`StatementVoters._still_withheld`)."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.dialogues import analysis as opinion
from tillit.dialogues import reporting
from tillit.dialogues.disclosure import Ledger, StatementVoters
from tillit.dialogues.tests.test_report_properties import analysed, dialogues


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


def without_memory(ledger: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ledger as it would be had no run remembered holding a statement back: every statement audited afresh."""
    if ledger is None:
        return None
    statements = {
        number: {key: value for key, value in entry.items() if key != "withheld_in"}
        for number, entry in ledger["statements"].items()
    }
    return {**ledger, "statements": statements}


def report_of(data: dict, run: int, ledger: dict | None, votes_up_to: int | None = None, **changes: Any) -> tuple:
    """Run `run` of the worker on the votes of releases up to `votes_up_to` (default: up to this run)."""
    result, matrix, inputs, _votes = analysed(data, votes_up_to or run)
    inputs = dataclasses.replace(inputs, release=run, **changes)
    return reporting.build_report(result, matrix, inputs, previous=ledger)


@settings(max_examples=40, deadline=None, database=None)
@given(dialogues(), st.data())
def test_a_statement_held_back_again_without_its_audit_is_one_the_audit_would_hold_back(data, draw):
    """Runs 1 to 6 of a live dialogue, votes arriving in runs 1 to 5 (none in the last, and in some runs none), the
    threshold possibly changed before one run: the report with the remembered outcome is the report of a full
    audit, run after run, and so is what the ledger keeps."""
    data["votes"] = [(*vote[:3], draw.draw(st.sampled_from([1, 1, 2, 2, 3, 4, 5]))) for vote in data["votes"]]
    changed_before = draw.draw(st.sampled_from([None, 3, 5]))
    remembered = audited = None
    for run in range(1, 7):
        if run == changed_before:
            data["k"] = 8 - data["k"]  # 3 <-> 5
        report, remembered = report_of(data, run, remembered, votes_up_to=min(run, 5))
        expected, audited = report_of(data, run, without_memory(audited), votes_up_to=min(run, 5))

        assert report == expected
        assert without_memory(remembered) == without_memory(audited)


def late_voter() -> dict[str, Any]:
    """39 people vote on two statements in release 1; person 39 votes on statement 1 in release 2 (one new voter:
    held back); persons 40 to 43 vote on it in release 4."""
    votes = [(person, statement, 1 if person % 2 else -1, 1) for person in range(39) for statement in (0, 1)]
    votes += [(39, 0, 1, 2)] + [(person, 0, 1, 4) for person in range(40, 44)]
    return {"n": 44, "m": 2, "votes": votes, "actors": [p % 3 for p in range(44)], "days": [0] * 44, "k": 3}


def withheld(report: dict) -> list[int]:
    return [row["statement"] for row in report["statements"] if row["withheld"]]


def test_a_statement_held_back_is_held_back_again_without_its_audit_until_its_voters_change(monkeypatch):
    data = late_voter()
    _report, ledger = report_of(data, 1, None)
    report, ledger = report_of(data, 2, ledger)
    assert withheld(report) == [1]
    assert ledger["statements"]["1"]["withheld_in"] == 2
    audited: list[int] = []
    audit = StatementVoters._audit
    monkeypatch.setattr(StatementVoters, "_audit", lambda self, j, *rest: audited.append(j) or audit(self, j, *rest))

    report, ledger = report_of(data, 3, ledger)  # no new vote

    assert withheld(report) == [1]
    assert audited == [1]  # statement 2 (column 1) only: statement 1 held back from memory
    assert ledger["statements"]["1"]["withheld_in"] == 3
    assert ledger["statements"]["1"]["release"] == 1  # still compared with the release that last showed it

    report, ledger = report_of(data, 4, ledger)  # four new voters on it

    assert 0 in audited[1:]
    assert withheld(report) == []
    assert "withheld_in" not in ledger["statements"]["1"]


@pytest.mark.parametrize("change", [{"k": 4}, {"actor_group_ids": [11, 12, 14]}])
def test_the_remembered_outcome_holds_only_on_the_basis_it_was_reached_on(change):
    data = late_voter()
    _report, ledger = report_of(data, 1, None)
    _report, ledger = report_of(data, 2, ledger)
    kept = Ledger(ledger)
    result, matrix, inputs, _votes = analysed(data, 2)
    inputs = dataclasses.replace(inputs, release=3)

    same = StatementVoters(result, matrix, inputs, inputs.k)
    other_inputs = dataclasses.replace(inputs, **change)
    other = StatementVoters(result, matrix, other_inputs, other_inputs.k)

    assert same._still_withheld(0, kept.statements["1"], kept)
    assert not other._still_withheld(0, kept.statements["1"], kept)
