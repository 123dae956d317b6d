"""The dialogue's release audit at scale: which statements' voters differ from each release the audit compares with.

A run audits every statement against the last release that showed it, and statements held back keep older ones, so
one run compares with several releases. This benchmark generates a dialogue in memory (no database): votes at 30 %
of participants × statements, three opinion camps, a few hundred votes counted by five later releases, a real
analysis (`dialogues.analysis.analyse`), and asks, for five referenced releases, which statements' voters differ
(`StatementVoters.changed_since`: the votes counted after the earliest release and those of voters who moved),
against reading every vote once per release (the plain definition, `tests/test_disclosure.every_vote_read`), in the
same process, three times each; both answers must be equal.

Then a live stream of ten runs, about 50 new votes each, the ledger carried from run to run as the worker keeps it:
statements with fewer than k new voters since they were last shown are held back and wait, often for many runs. The
last run's report is built with the ledger as kept (a statement held back by the run before, whose voters have not
changed, held back again without its audit: `StatementVoters._still_withheld`) and with a ledger that remembers
nothing (every held-back statement audited afresh), three times each; the two reports must be equal.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import harness

TITLE = "Release audit: which statements' voters differ from five earlier releases (generated votes, in memory)"

SIZES = {"L": (20_000, 1_000), "XL": (50_000, 2_000)}

CHILD = """
import datetime, json, sys, time
import django
django.setup()
import numpy as np
from tillit.dialogues import analysis as opinion, reporting
from tillit.dialogues.disclosure import StatementVoters
from tillit.dialogues.tests.test_disclosure import every_vote_read

n, m = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(20261203)
rows, cols = np.nonzero(rng.random((n, m), dtype=np.float32) < 0.3)
rows, cols = rows.astype(np.int32), cols.astype(np.int32)
camp_of_participant, camp_of_statement = rng.integers(0, 3, n), rng.integers(0, 3, m)
values = np.where(camp_of_participant[rows] == camp_of_statement[cols], 1, -1).astype(np.int8)
values[rng.random(len(rows)) < 0.2] = 0
releases = np.ones(len(rows), dtype=np.int32)
releases[rng.choice(len(rows), 300, replace=False)] = rng.integers(2, 7, 300)
actors = rng.integers(-1, 6, n)
matrix = opinion.VoteMatrix(n, m, rows, cols, values)
inputs = reporting.Inputs(
    statement_numbers=list(range(1, m + 1)), statement_shown=[True] * m, participant_actor_groups=actors.tolist(),
    actor_group_names=[f"group {i}" for i in range(6)], joined_on=[datetime.date(2026, 11, 2)] * n,
    votes=len(rows), k=5, actor_group_ids=list(range(100, 106)), vote_releases=releases, release=7,
)
result = opinion.analyse(matrix, actor_groups=actors, seed=1)
plain, narrow = [], []
for _ in range(3):
    voters = StatementVoters(result, matrix, inputs, 5)
    now = np.where(voters.group_of < voters.n_groups, voters.group_of, -1)
    then = now[: n - 10].copy()
    then[:20] = -1  # twenty voters sat elsewhere then; the last ten were not there yet
    started = time.perf_counter()
    found = [voters.changed_since(release, (n - 10, then, then)) for release in (2, 3, 4, 5, 6)]
    narrow.append(time.perf_counter() - started)
    started = time.perf_counter()
    expected = [every_vote_read(voters, release, n - 10, then) for release in (2, 3, 4, 5, 6)]
    plain.append(time.perf_counter() - started)
    assert all(np.array_equal(a, b) for a, b in zip(found, expected)), "the two answers differ"

# A live stream: runs 2 to RUNS each count about 50 new votes (a few by people who just joined), as the worker would,
# with the ledger carried. Statements with fewer than k new voters since they were last shown are held back and wait.
# At the last run the report is built with the ledger as kept (held-back statements remembered) and as a ledger that
# remembers nothing would have it (every held-back statement audited afresh); the reports must be equal.
from tillit.dialogues.tests.test_disclosure import without_memory

actors = np.concatenate([actors, rng.integers(-1, 6, 200)])
camp_of_participant = np.concatenate([camp_of_participant, rng.integers(0, 3, 200)])
ledger, state, people = None, None, n
for run in range(1, RUNS + 1):
    if run > 1:
        new_rows = rng.integers(0, people + 5, 60).astype(np.int32)
        new_cols = rng.integers(0, m, 60).astype(np.int32)
        fresh = ~np.isin(new_rows.astype(np.int64) * m + new_cols, rows.astype(np.int64) * m + cols)
        new_rows, new_cols = new_rows[fresh][:50], new_cols[fresh][:50]
        people = max(people, int(new_rows.max()) + 1)
        new_values = np.where(camp_of_participant[new_rows] == camp_of_statement[new_cols], 1, -1).astype(np.int8)
        rows, cols = np.concatenate([rows, new_rows]), np.concatenate([cols, new_cols])
        values = np.concatenate([values, new_values])
        releases = np.concatenate([releases, np.full(len(new_rows), 6 + run, dtype=np.int32)])
        order = np.lexsort((cols, rows))
        rows, cols, values, releases = rows[order], cols[order], values[order], releases[order]
    matrix = opinion.VoteMatrix(people, m, rows, cols, values)
    live = reporting.Inputs(
        statement_numbers=list(range(1, m + 1)), statement_shown=[True] * m,
        participant_actor_groups=actors[:people].tolist(), actor_group_names=[f"group {i}" for i in range(6)],
        joined_on=[datetime.date(2026, 11, 2)] * people, votes=len(rows), k=5, actor_group_ids=list(range(100, 106)),
        vote_releases=releases, release=6 + run,
    )
    result = opinion.analyse(matrix, actor_groups=actors[:people], seed=1, previous=state, consensus_min_votes=5)
    state = result.state
    if run < RUNS:
        _report, ledger = reporting.build_report(result, matrix, live, previous=ledger)
        continue
    remembered, afresh = [], []
    for _ in range(3):
        started = time.perf_counter()
        report, _kept = reporting.build_report(result, matrix, live, previous=ledger)
        remembered.append(time.perf_counter() - started)
        started = time.perf_counter()
        expected, _kept = reporting.build_report(result, matrix, live, previous=without_memory(ledger))
        afresh.append(time.perf_counter() - started)
        assert report == expected, "the two reports differ"
held = sum(1 for row in report["statements"] if row["withheld"])
print(json.dumps({
    "votes": int(len(rows)), "plain": plain, "narrow": narrow,
    "held": held, "runs": RUNS, "remembered": remembered, "afresh": afresh,
}))
"""

RUNS = 10  # runs of the live stream; the report of the last is timed


def run() -> dict[str, object]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "PYTHONPATH": str(harness.ROOT),
        "OPENBLAS_NUM_THREADS": "1",
    }
    rows: list[dict[str, object]] = []
    for label, (n, m) in SIZES.items():
        done = subprocess.run(
            [sys.executable, "-c", CHILD.replace("RUNS", str(RUNS)), str(n), str(m)],
            cwd=harness.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode != 0:
            raise harness.BenchError(f"the {label} run failed:\n{(done.stdout + done.stderr)[-3000:]}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        plain, narrow = sorted(figures["plain"])[1], sorted(figures["narrow"])[1]
        remembered, afresh = sorted(figures["remembered"])[1], sorted(figures["afresh"])[1]
        rows.append(
            {
                "size": f"{label}: {n:,} × {m:,}",
                "votes": figures["votes"],
                "every vote read, s": round(plain, 3),
                "only those that can differ, s": round(narrow, 3),
                "faster ×": round(plain / narrow, 1) if narrow else 0.0,
                "held back": figures["held"],
                "report, held back audited afresh, s": round(afresh, 3),
                "report, held back remembered, s": round(remembered, 3),
                "report faster ×": round(afresh / remembered, 1) if remembered else 0.0,
            }
        )
    import numpy

    facts: dict[str, object] = {
        "cores": os.cpu_count(),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "figures": "median of three in one process: five releases asked about; the report of the last of "
        f"{RUNS} live runs (about 50 new votes each)",
        "database": "none (generated in memory)",
    }
    return {"title": TITLE, "facts": facts, "rows": rows, "figures": {}, "warnings": []}
