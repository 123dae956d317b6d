"""The dialogue's release audit at scale: which statements' voters differ from each release the audit compares with.

A run audits every statement against the last release that showed it, and statements held back keep older ones, so
one run compares with several releases. This benchmark generates a dialogue in memory (no database): votes at 30 %
of participants × statements, three opinion camps, a few hundred votes counted by five later releases, a real
analysis (`dialogues.analysis.analyse`), and asks, for five referenced releases, which statements' voters differ
(`StatementVoters.changed_since`: the votes counted after the earliest release and those of voters who moved),
against reading every vote once per release (the plain definition, `tests/test_disclosure.every_vote_read`), in the
same process, three times each; both answers must be equal.
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
print(json.dumps({"votes": int(len(rows)), "plain": plain, "narrow": narrow}))
"""


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
            [sys.executable, "-c", CHILD, str(n), str(m)],
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
        rows.append(
            {
                "size": f"{label}: {n:,} × {m:,}",
                "votes": figures["votes"],
                "every vote read, s": round(plain, 3),
                "only those that can differ, s": round(narrow, 3),
                "faster ×": round(plain / narrow, 1) if narrow else 0.0,
            }
        )
    import numpy

    facts: dict[str, object] = {
        "cores": os.cpu_count(),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "figures": "median of three, five releases each, in one process",
        "database": "none (generated in memory)",
    }
    return {"title": TITLE, "facts": facts, "rows": rows, "figures": {}, "warnings": []}
