"""Dialogue analysis against red-dwarf 0.4.0 at three sizes, and a vote's way to the results page (gunicorn, PostgreSQL).

Part 1, in fresh processes: synthetic sparse vote matrices with three planted opinion groups
(200 × 50, 2,000 × 300 and 20,000 × 1,000 participants × statements, about 30 % of the cells
voted, fixed seed); the median wall time of our whole `analyse()` and of red-dwarf 0.4.0's whole
Pol.is pipeline (`reddwarf.implementations.polis.run_pipeline`), their peak extra memory, the time
red-dwarf's input (a list of vote dicts) takes to build, and how well each recovers the planted
groups (adjusted Rand index).

Part 2, through gunicorn in production settings on the scratch database: an open dialogue holding
the 2,000 × 300 matrix as vote rows; many single vote POSTs with participants' cookies (the time to
record a vote), then, with `manage.py worker` running as in production, the time from the last
vote to an updated results page (polled as the page's htmx does, `?since=<version>`), and the
analysis time the worker stores (`DialogueAnalysis.seconds`).
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import json
import os
import random
import re
import resource
import secrets
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlencode

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import harness  # noqa: E402  (needs the path above)

TITLE = "Dialogue analysis vs red-dwarf 0.4.0, and a vote's way to the results page (gunicorn, PostgreSQL)"

RED_DWARF_VERSION = "0.4.0"
OURS_TARGET_S = 1.0  # our analyse() at 20,000 × 1,000, 2-core reference machine
SPEEDUP_TARGET = 20.0  # red-dwarf / ours at 20,000 × 1,000
VOTE_TARGET_MS = 20.0  # median time to record a vote through gunicorn

SEED = 20261123
GROUP_SHARES = (0.45, 0.35, 0.20)  # sizes of the three planted opinion groups
DENSITY = 0.30  # mean share of the cells voted (each participant's own rate is drawn around it)
PASS_SHARE = 0.10  # votes that are passes
NOISE = 0.10  # votes that go against the participant's group
CONSENSUS_SHARE = 0.05  # statements every group agrees with (at least 3)

# (label, participants, statements, repeats of ours, repeats of red-dwarf)
SIZES = (
    ("S", 200, 50, 21, 7),
    ("M", 2_000, 300, 11, 3),
    ("L", 20_000, 1_000, 5, 2),  # red-dwarf takes some 45 s a run here
)
CHILD_TIMEOUT = 900  # seconds for one implementation at one size, all repeats
# The matrix the dialogue in part 2 holds (BENCH_DIALOGUE_LIVE): L is the size the target "vote to results in under
# 2 s" is set at; XL (50,000 × 2,000, 30 M votes, target under 5 s) takes some 15 minutes to build.
LIVE_SIZES = {"M": (2_000, 300), "L": (20_000, 1_000), "XL": (50_000, 2_000)}
LIVE_DEFAULT = "L"
VOTE_TO_RESULTS_TARGET_S = {"L": 2.0, "XL": 5.0}
MODERATION_TARGET_MS = 300.0  # the moderation page at 6 M votes

WORKER_DEBOUNCE_S = 2.0  # tillit.dialogues.worker.DEBOUNCE_SECONDS, printed for reference (the worker uses its own)
WORKER_INTERVAL_S = 0.5  # the worker command's default --interval
POLL_INTERVAL_S = 0.05  # how often the benchmark polls the results page (the page itself polls every 10 s)
ROUND_TIMEOUT_S = 60.0
STREAM_RATE = 10.0  # votes per second in the "stream" rounds
REVOTE_SHARE = 0.10  # vote POSTs that repeat an existing vote (a vote is stored once and never changes)
REQUEST_TIMEOUT = 60


# Part 1: planted data ---------------------------------------------------------------------------


def planted_matrix(n: int, m: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """Votes with three planted opinion groups, sorted by participant then statement.

    Every group takes a side (agree or disagree) on each statement at random, except on the
    consensus statements, which all groups agree with. Each participant votes on a share of the
    statements drawn around DENSITY (so some vote on fewer than 7 and are not clustered); a vote is a
    pass with PASS_SHARE, otherwise their group's side, flipped with NOISE.
    """
    rng = np.random.default_rng([seed, n, m])
    groups = rng.choice(len(GROUP_SHARES), size=n, p=GROUP_SHARES).astype(np.int8)
    stance = rng.choice(np.array([-1, 1], dtype=np.int8), size=(len(GROUP_SHARES), m))
    consensus = rng.choice(m, size=max(3, round(CONSENSUS_SHARE * m)), replace=False)
    stance[:, consensus] = 1
    rate = rng.beta(3.0, 3.0 * (1 - DENSITY) / DENSITY, size=n)  # mean DENSITY
    rows, cols, values = [], [], []
    chunk = max(1, 4_000_000 // m)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        r, c = np.nonzero(rng.random((stop - start, m)) < rate[start:stop, None])
        r = r + start
        side = stance[groups[r], c]
        side = np.where(rng.random(r.size) < NOISE, -side, side)
        rows.append(r.astype(np.int32))
        cols.append(c.astype(np.int32))
        values.append(np.where(rng.random(r.size) < PASS_SHARE, 0, side).astype(np.int8))
    is_consensus = np.zeros(m, dtype=bool)
    is_consensus[consensus] = True
    return {
        "n": np.array(n),
        "m": np.array(m),
        "rows": np.concatenate(rows),
        "cols": np.concatenate(cols),
        "values": np.concatenate(values),
        "groups": groups,
        "consensus": is_consensus,
    }


# Part 1: one implementation in a fresh process ----------------------------------------------------


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset the kernel's resident-set high-water mark (VmHWM) to the current RSS (Linux ≥ 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return _status_kb("VmHWM") is not None


def _maxrss_kb() -> int:
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value // 1024 if sys.platform == "darwin" else value  # bytes on macOS, KiB on Linux


def _load(path: str) -> dict[str, np.ndarray]:
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def _reddwarf_votes(data: dict[str, np.ndarray]) -> list[dict]:
    """red-dwarf's input: one dict per vote, as its documentation and Pol.is exports have them."""
    modified = 1_700_000_000_000
    return [
        {"participant_id": p, "statement_id": s, "vote": v, "modified": modified + i}
        for i, (p, s, v) in enumerate(
            zip(data["rows"].tolist(), data["cols"].tolist(), data["values"].tolist(), strict=True)
        )
    ]


def child_main(argv: list[str]) -> int:
    """`dialogue.py --child ours|reddwarf DATA.npz WARMUP.npz REPEATS`: time one implementation, print JSON."""
    impl, data_path, warmup_path, repeats = argv[0], argv[1], argv[2], int(argv[3])
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tillit.dialogues.analysis import VoteMatrix, adjusted_rand_index, analyse

    if impl == "ours":

        def build(data: dict[str, np.ndarray]) -> object:
            n, m = int(data["n"]), int(data["m"])
            return VoteMatrix(n, m, data["rows"], data["cols"], data["values"], np.zeros(m, dtype=bool))

        def call(matrix: object) -> object:
            return analyse(matrix, seed=0)  # type: ignore[arg-type]

        def labels(result: object) -> tuple[np.ndarray, np.ndarray, int]:
            groups = result.groups  # type: ignore[attr-defined]
            clustered = np.flatnonzero(groups >= 0)
            return clustered, groups[clustered], int(result.k)  # type: ignore[attr-defined]

    elif impl == "reddwarf":
        from reddwarf.implementations.polis import run_pipeline

        build = _reddwarf_votes

        def call(votes: object) -> object:
            return run_pipeline(votes=votes, random_state=0)

        def labels(result: object) -> tuple[np.ndarray, np.ndarray, int]:
            frame = result.participants_df  # type: ignore[attr-defined]
            frame = frame[frame["to_cluster"]]
            ids = frame.index.to_numpy(dtype=np.int64)
            found = frame["cluster_id"].to_numpy(dtype=np.int64, na_value=-1)
            k = int(getattr(result.clusterer, "n_clusters", len(set(found.tolist()) - {-1})))  # type: ignore[attr-defined]
            return ids, found, k

    else:
        raise SystemExit(f"unknown implementation {impl!r}")

    # Warm up on the small matrix: lazy imports, first-call caches and thread pools are not measured.
    call(build(_load(warmup_path)))
    data = _load(data_path)
    gc.collect()
    rss_before_input = _status_kb("VmRSS")
    started = time.perf_counter()
    prepared = build(data)
    build_s = time.perf_counter() - started
    gc.collect()
    rss_input = _status_kb("VmRSS")

    method = "VmHWM" if _reset_peak() else "ru_maxrss"
    baseline_kb = _status_kb("VmRSS") if method == "VmHWM" else _maxrss_kb()
    seconds, result = [], None
    for _ in range(repeats):
        result = None  # the previous result is freed before the next run, as in a worker
        gc.collect()
        started = time.perf_counter()
        result = call(prepared)
        seconds.append(time.perf_counter() - started)
    peak_kb = _status_kb("VmHWM") if method == "VmHWM" else _maxrss_kb()

    ids, found, k = labels(result)
    planted = data["groups"][ids]
    print(
        json.dumps(
            {
                "impl": impl,
                "seconds": seconds,
                "build_s": build_s,
                "input_mb": (rss_input - rss_before_input) / 1024 if rss_input and rss_before_input else None,
                "peak_mb": max(0, (peak_kb or 0) - (baseline_kb or 0)) / 1024,
                "memory_method": method,
                "ari": adjusted_rand_index(found, planted) if ids.size > 1 else float("nan"),
                "k": k,
                "clustered": int(ids.size),
            }
        )
    )
    return 0


def run_child(impl: str, data_path: Path, warmup_path: Path, repeats: int) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", impl, str(data_path), str(warmup_path)]
    command.append(str(repeats))
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        raise harness.BenchError(f"{impl} at {data_path.stem} took longer than {CHILD_TIMEOUT} s") from error
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        raise harness.BenchError(
            f"{impl} at {data_path.stem} failed ({done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}"
        )
    return json.loads(lines[-1])


def check_red_dwarf() -> str:
    import importlib.metadata
    import importlib.util

    try:
        found = importlib.util.find_spec("reddwarf.implementations.polis") is not None
        version = importlib.metadata.version("red-dwarf") if found else ""
    except (ImportError, importlib.metadata.PackageNotFoundError):
        found, version = False, ""
    if not found:
        raise harness.BenchError(
            "red-dwarf is not installed in this Python, and the dialogue benchmark compares our analysis with it. "
            "Run `make bench` (it installs requirements/bench.txt into .venv), or "
            ".venv/bin/pip install -r requirements/bench.txt. It is a benchmark-only dependency, never a runtime one."
        )
    if version != RED_DWARF_VERSION:
        raise harness.BenchError(
            f"red-dwarf {version} is installed, the benchmark measures {RED_DWARF_VERSION}: "
            "run `make bench` or .venv/bin/pip install -r requirements/bench.txt"
        )
    return version


def compare_implementations(folder: Path, sizes: list[tuple[str, int, int, int, int]]) -> list[dict]:
    """Generate each size once (shared by both implementations) and time both in fresh processes."""
    warmup_path = folder / "warmup.npz"
    np.savez(warmup_path, **planted_matrix(200, 50, seed=SEED + 1))
    results = []
    for label, n, m, ours_repeats, reddwarf_repeats in sizes:
        started = time.perf_counter()
        data = planted_matrix(n, m)
        generate_s = time.perf_counter() - started
        path = folder / f"{label}.npz"
        np.savez(path, **data)
        results.append(
            {
                "label": label,
                "n": n,
                "m": m,
                "votes": int(data["rows"].size),
                "passes": int(np.count_nonzero(data["values"] == 0)),
                "generate_s": generate_s,
                "ours": run_child("ours", path, warmup_path, ours_repeats),
                "reddwarf": run_child("reddwarf", path, warmup_path, reddwarf_repeats),
            }
        )
    return results


# Part 2: the dialogue in the database -------------------------------------------------------------

# Runs inside Django (manage.py shell -c) with NPZ (the planted matrix), SALT, SEED defined before it. An open
# dialogue with live results; statements, participants (token = SALT + number, its SHA-256 stored) and the
# votes in bulk (COPY); then the first analysis, in process, timed in parts.
SETUP_CODE = """
import datetime
import hashlib
import json
import random
import time

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from django.contrib.sessions.backends.db import SessionStore

from tillit.dialogues import actions, loading, reporting, worker
from tillit.dialogues import analysis as opinion
from tillit.dialogues.models import Dialogue, DialogueAnalysis, DialogueParticipant, Statement, Vote
from tillit.dialogues.permissions import token_cookie_name
from tillit.organisations import actions as organisation_actions

build = {}
clock = [time.perf_counter()]
started = clock[0]


def lap(name):
    now = time.perf_counter()
    build[name] = round(now - clock[0], 3)
    clock[0] = now


with np.load(NPZ) as data:
    n, m = int(data["n"]), int(data["m"])
    rows, cols, values = data["rows"], data["cols"], data["values"]
rng = random.Random(SEED)
organisation = organisation_actions.create_organisation(name="Samtalskommun", slug="samtal")
actor_groups = list(organisation.actor_groups.order_by("position"))
leader = organisation_actions.add_person(
    organisation=organisation,
    details=organisation_actions.PersonDetails(
        full_name="Bänk Processledare", email="leder@samtal.example", unit=None, actor_group=actor_groups[0],
        level=None, role="admin",
    ),
)
session = SessionStore()
session.update({
    "_auth_user_id": str(leader.user.pk),
    "_auth_user_backend": "tillit.accounts.backends.EmailBackend",
    "_auth_user_hash": leader.user.get_session_auth_hash(),
    "organisation": organisation.slug,
})
session.create()
today = timezone.localdate()
dialogue = actions.create_dialogue(
    organisation=organisation,
    created_by=None,
    question="Hur ska kommunen ta hand om äldre som bor hemma?",
    access=Dialogue.Access.OPEN,
    moderation=Dialogue.Moderation.POST,
    live_results=True,
    opens_on=today,
    closes_on=today + datetime.timedelta(days=30),
)
lap("organisation and dialogue")
statements = Statement.objects.bulk_create(
    [
        Statement(
            dialogue=dialogue,
            number=j,
            text=f"Påstående {j + 1}: hemtjänsten bör arbeta i fasta, små team ({j % 7 + 1}).",
            is_seed=True,
            status=Statement.Status.ACCEPTED,
        )
        for j in range(m)
    ],
    batch_size=5000,
)
participants = DialogueParticipant.objects.bulk_create(
    [
        DialogueParticipant(
            dialogue=dialogue,
            number=i,
            token_hash=hashlib.sha256(f"{SALT}{i}".encode()).hexdigest(),
            actor_group=rng.choice(actor_groups) if actor_groups and rng.random() < 0.7 else None,
        )
        for i in range(n)
    ],
    batch_size=5000,
)
lap("statements and participants")
participant_pk = np.array([p.pk for p in participants], dtype=np.int64)
statement_pk = np.array([s.pk for s in statements], dtype=np.int64)
voted_at = timezone.now().isoformat()
table = connection.ops.quote_name(Vote._meta.db_table)
columns = ", ".join(
    connection.ops.quote_name(Vote._meta.get_field(name).column)
    for name in ("dialogue", "statement", "participant", "value", "voted_at", "release")
)
with transaction.atomic(), connection.cursor() as cursor:
    # The rows refer to the participants and statements just made: no foreign-key trigger per row (it costs minutes
    # at the commit of 30 M rows). A superuser's setting, for this transaction only; without it, the triggers run.
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")
    raw = cursor.cursor
    with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for start in range(0, rows.size, 50000):
            stop = min(rows.size, start + 50000)
            copy.write("".join(
                # As counted by a first release already (marking 6 M rows would take minutes): the first analysis
                # packs them, as it does a dialogue's votes released before the packed batches existed.
                f"{dialogue.pk}\\t{s}\\t{p}\\t{v}\\t{voted_at}\\t1\\n"
                for s, p, v in zip(
                    statement_pk[cols[start:stop]].tolist(),
                    participant_pk[rows[start:stop]].tolist(),
                    values[start:stop].tolist(),
                )
            ))
lap("votes (COPY)")
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
lap("ANALYZE")
build["total"] = round(time.perf_counter() - started, 3)

dialogue = Dialogue.objects.select_related("organisation").get(pk=dialogue.pk)
first = worker.analyse_dialogue(dialogue).seconds  # packs every vote
t = time.perf_counter()
loading.vote_rows(dialogue, released=True)
plain_rows_s = time.perf_counter() - t
parts = {
    "load_matrix": [], "release_new_votes": [], "released_votes": [], "analyse": [], "build_report": [],
    "analyse_dialogue": [],
}
for _ in range(REPEAT):
    release = int(DialogueAnalysis.objects.get(dialogue=dialogue).state["next_release"])
    t = time.perf_counter()
    loading.release_new_votes(dialogue, release)
    parts["release_new_votes"].append(time.perf_counter() - t)
    t = time.perf_counter()
    loading.released_votes(dialogue)
    parts["released_votes"].append(time.perf_counter() - t)
    t = time.perf_counter()
    matrix, inputs = worker.load_matrix(dialogue, release=release)  # as the worker loads: mark new votes, read packed
    parts["load_matrix"].append(time.perf_counter() - t)
    previous = worker._previous_state(DialogueAnalysis.objects.get(dialogue=dialogue).state, matrix)
    t = time.perf_counter()
    result = opinion.analyse(
        matrix, actor_groups=np.array(inputs.participant_actor_groups, dtype=np.int64), seed=worker.SEED,
        previous=previous,
    )
    parts["analyse"].append(time.perf_counter() - t)
    t = time.perf_counter()
    report, _ledger = reporting.build_report(result, matrix, inputs)
    parts["build_report"].append(time.perf_counter() - t)
    parts["analyse_dialogue"].append(worker.analyse_dialogue(dialogue).seconds)
stored = DialogueAnalysis.objects.get(dialogue=dialogue)
print(json.dumps({
    "dialogue": str(dialogue.public_id),
    "dialogue_pk": dialogue.pk,
    "analysis_table": DialogueAnalysis._meta.db_table,
    "statements": [str(s.public_id) for s in statements],
    "token_cookie": token_cookie_name(dialogue),
    "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    "votes": Vote.objects.filter(dialogue=dialogue).count(),
    "participants": DialogueParticipant.objects.filter(dialogue=dialogue).count(),
    "k": organisation.anonymity_threshold,
    "groups_found": stored.report.get("groups") and len(stored.report["groups"]),
    "report_bytes": len(json.dumps(stored.report)),
    "state_bytes": len(json.dumps(stored.state)),
    "first_analysis_s": first,
    "plain_rows_s": plain_rows_s,
    "leader_cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
    "parts": parts,
    "debounce": worker.DEBOUNCE_SECONDS,
    "build": build,
}))
"""

# Runs inside Django after the HTTP part, with DIALOGUE, INITIAL (vote rows before) and POSTED (a list of
# [participant number, statement number, value], in the order posted) defined before it.
VERIFY_CODE = """
import json

from django.db.models import Count

from tillit.dialogues.models import Dialogue, Vote

dialogue = Dialogue.objects.get(public_id=DIALOGUE)
votes = Vote.objects.filter(dialogue=dialogue)
stored = dict(
    ((p, s), v) for p, s, v in votes.values_list("participant__number", "statement__number", "value")
)
expected = {}
for p, s, v in POSTED:
    expected[(p, s)] = v
duplicates = votes.values("participant", "statement").annotate(n=Count("id")).filter(n__gt=1).count()
wrong = [[p, s, v, stored.get((p, s))] for (p, s), v in expected.items() if stored.get((p, s)) != v]
print(json.dumps({
    "rows": votes.count(),
    "pairs": len(stored),
    "duplicates": duplicates,
    "wrong": wrong[:10],
    "wrong_count": len(wrong),
}))
"""


def snippet(code: str, env: dict[str, str], *, timeout: float = 900, **values: object) -> dict:
    """Run a snippet with `values` defined before it (as Python literals) and return its JSON."""
    prelude = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    result = harness.django_snippet(prelude + code, env, timeout=timeout)
    if not isinstance(result, dict):
        raise harness.BenchError(f"the Django snippet returned {result!r}, not an object")
    return result


# Part 2: HTTP, the worker and the analysis row ------------------------------------------------------


class Pairs:
    """(participant, statement) pairs to vote on: new ones nobody has voted on yet, or existing ones sent again."""

    def __init__(self, data: dict[str, np.ndarray], seed: int) -> None:
        self.n, self.m = int(data["n"]), int(data["m"])
        self.rows, self.cols, self.values = data["rows"], data["cols"], data["values"]
        self.original = {int(key) for key in data["rows"].astype(np.int64) * self.m + data["cols"]}
        self.used: set[int] = set()
        self.rng = random.Random(seed)

    def new(self) -> tuple[int, int, int]:
        while True:
            participant, statement = self.rng.randrange(self.n), self.rng.randrange(self.m)
            key = participant * self.m + statement
            if key not in self.original and key not in self.used:
                self.used.add(key)
                return participant, statement, self.rng.choice((1, -1, 0))

    def repeat(self) -> tuple[int, int, int]:
        """An existing vote, sent again as it stands (the same vote twice is stored once; a vote cannot change)."""
        while True:
            index = self.rng.randrange(self.rows.size)
            participant, statement = int(self.rows[index]), int(self.cols[index])
            key = participant * self.m + statement
            if key not in self.used:
                self.used.add(key)
                return participant, statement, int(self.values[index])

    def new_pairs(self) -> int:
        return len(self.used - self.original)


class Live:
    """The dialogue as the benchmark reaches it: URLs, cookies, the CSRF pair and the analysis row."""

    def __init__(self, server: harness.Server, data: dict, salt: str, database_url: str) -> None:
        self.server = server
        self.data = data
        self.salt = salt
        public_id = data["dialogue"]
        self.vote_url = server.url(f"/s/{public_id}/vote/")
        self.results_url = server.url(f"/s/{public_id}/results/")
        self.moderation_url = server.url(f"/s/{public_id}/manage/")
        self.participate_path = f"/s/{public_id}/"
        self.csrf_name = str(data["csrf_cookie_name"])
        self.csrf_token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.reader = self.cookie(0)
        self.posted: list[list[int]] = []
        self.database_url = database_url
        self._db = None

    def cookie(self, participant: int) -> str:
        return f"{self.data['token_cookie']}={self.salt}{participant}"

    def vote(self, participant: int, statement: int, value: int, *, htmx: bool = False) -> harness.Response:
        body = urlencode(
            {
                "csrfmiddlewaretoken": self.csrf_token,
                "statement": self.data["statements"][statement],
                "vote": str(value),
            }
        ).encode()
        headers = {
            "Cookie": f"{self.cookie(participant)}; {self.csrf_name}={self.csrf_token}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        if htmx:
            headers["HX-Request"] = "true"
        response = harness.request("POST", self.vote_url, headers, body, timeout=REQUEST_TIMEOUT)
        if htmx:
            check_status(response, {200}, "the vote POST (htmx)", self.server)
        else:
            check_status(response, {302}, "the vote POST", self.server)
            location = response.headers.get("location", "")
            if not location.endswith(self.participate_path):
                raise harness.BenchError(f"the vote POST redirected to {location!r}, not the participation page")
        self.posted.append([participant, statement, value])
        return response

    def moderation(self) -> harness.Response:
        """The moderation page, as the process leader (every statement with its votes and reports)."""
        headers = {"Cookie": str(self.data["leader_cookie"])}
        response = harness.request("GET", self.moderation_url, headers, timeout=REQUEST_TIMEOUT)
        check_status(response, {200}, "the moderation page", self.server)
        return response

    def results(self, version: str | None = None) -> harness.Response:
        if version is None:
            response = harness.request("GET", self.results_url, {"Cookie": self.reader}, timeout=REQUEST_TIMEOUT)
            check_status(response, {200}, "the results page", self.server)
            return response
        headers = {"Cookie": self.reader, "HX-Request": "true"}
        response = harness.request("GET", f"{self.results_url}?since={version}", headers, timeout=REQUEST_TIMEOUT)
        check_status(response, {200, 204}, "the results page (htmx poll)", self.server)
        return response

    def analysis(self) -> tuple[bool, datetime.datetime | None, float, int]:
        """(dirty, computed_at, seconds, votes in the stored report) of the dialogue's analysis row."""
        import psycopg

        if self._db is None:
            self._db = psycopg.connect(postgres_url(self.database_url), autocommit=True, connect_timeout=10)
        table = self.data["analysis_table"]
        row = self._db.execute(
            # The stored figure is a privacy.codec cell: {"__cell__": [votes, voters]}.
            f"SELECT dirty, computed_at, seconds, COALESCE((report->'totals'->'votes'->'__cell__'->>0)::int, 0) "  # noqa: S608  (a table name Django gave)
            f"FROM {table} "
            "WHERE dialogue_id = %s",
            [self.data["dialogue_pk"]],
        ).fetchone()
        if row is None:
            raise harness.BenchError("the dialogue has no analysis row")
        return bool(row[0]), row[1], float(row[2]), int(row[3])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def postgres_url(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, parts.fragment))


def check_status(response: harness.Response, expected: set[int], what: str, server: harness.Server) -> None:
    if response.status not in expected:
        location = response.headers.get("location")
        log = server.log_tail()
        cause = harness.last_exception_line(log)
        raise harness.BenchError(
            f"{what} answered {response.status}"
            + (f" (redirects to {location})" if location else "")
            + f", not {' or '.join(map(str, sorted(expected)))}"
            + (f": {cause}" if cause else "")
            + f"\n{response.excerpt()}\n--- server log (end) ---\n{log}"
        )


VERSION = re.compile(rb'results/\?since=([^"&]*)"')


def page_version(response: harness.Response) -> str:
    found = VERSION.search(response.body)
    if not found:
        raise harness.BenchError(
            "the results page carries no ?since=<version> to poll with (is the dialogue open, with an analysis?):\n"
            + response.excerpt()
        )
    return found.group(1).decode()


def version_time(version: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(unquote(version))
    except ValueError:
        return None


@contextlib.contextmanager
def background_worker(env: dict[str, str]):
    """`manage.py worker` with its production defaults, in its own process group; always stopped."""
    log_dir = Path(tempfile.mkdtemp(prefix="tillit-bench-worker-"))
    log_path = log_dir / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "worker"],
            cwd=ROOT,
            env={**env, "LOG_LEVEL": "INFO"},  # its line per run splits the run's time (`worker_runs`)
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process, log_path
    finally:
        harness.stop_process(process)
        with contextlib.suppress(OSError):
            log_path.unlink()
            log_dir.rmdir()


WORKER_RUN = re.compile(
    r"release (?P<release>\d+): (?P<votes>\d+) votes, (?P<total>[\d.]+) s "
    r"\(load (?P<load>[\d.]+), analyse (?P<analyse>[\d.]+), report (?P<report>[\d.]+), store (?P<store>[\d.]+)\)"
)


def worker_runs(log: str) -> dict[str, list[float]]:
    """The worker's own split of each run it logged (`worker.analyse_dialogue`): seconds per part."""
    runs: dict[str, list[float]] = {part: [] for part in ("total", "load", "analyse", "report", "store")}
    for found in WORKER_RUN.finditer(log):
        for part, values in runs.items():
            values.append(float(found[part]))
    return runs


def worker_log(log_path: Path, limit: int = 3000) -> str:
    try:
        return log_path.read_text(errors="replace")[-limit:]
    except OSError:
        return ""


def wait_quiet(live: Live, process: subprocess.Popen, log_path: Path, *, debounce: float) -> None:
    """Until the analysis is clean and the last run is older than the debounce: a vote now is 'after a pause'."""
    deadline = time.monotonic() + ROUND_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise harness.BenchError(f"the worker exited ({process.returncode}):\n{worker_log(log_path)}")
        dirty, computed_at, _seconds, _votes = live.analysis()
        now = datetime.datetime.now(datetime.UTC)
        if not dirty and computed_at is not None and (now - computed_at).total_seconds() > debounce + 0.2:
            return
        time.sleep(0.1)
    raise harness.BenchError(
        f"the analysis did not settle within {ROUND_TIMEOUT_S:.0f} s (is the worker analysing?):\n"
        + worker_log(log_path)
    )


def wait_for_update(
    live: Live, version: str, expected_votes: int, voted: float, log_path: Path
) -> tuple[float, float, str, list[float]]:
    """Poll the results page as its htmx does (`?since=`) until it reports a newer analysis, then load the page, as a
    reader following the notice's link does, until it shows an analysis with `expected_votes` votes.

    Returns (seconds from `voted` to that response, the analysis's stored seconds, its version, the times of the
    unchanged 204 polls).
    """
    polls: list[float] = []
    while time.perf_counter() - voted < ROUND_TIMEOUT_S:
        response = live.results(version)
        arrived = time.perf_counter()
        if response.status == 204:
            polls.append(response.seconds)
            time.sleep(POLL_INTERVAL_S)
            continue
        # The poll answers with a notice and a link; the reader follows it to the latest results.
        new_version = page_version(live.results())
        arrived = time.perf_counter()
        _dirty, computed_at, seconds, votes = live.analysis()
        if computed_at is not None and computed_at == version_time(new_version) and votes >= expected_votes:
            return arrived - voted, seconds, new_version, polls
        if new_version == version:
            raise harness.BenchError("the results page answered 200 to ?since= with the same version")
        version = new_version  # an analysis that started before the vote: wait for the next one
    raise harness.BenchError(
        f"no results page with the new vote within {ROUND_TIMEOUT_S:.0f} s of it:\n" + worker_log(log_path)
    )


# Running it ------------------------------------------------------------------------------------------


def settings_from_env() -> dict[str, object]:
    labels = [
        label.strip().upper() for label in os.environ.get("BENCH_DIALOGUE_SIZES", "S,M,L").split(",") if label.strip()
    ]
    known = {size[0] for size in SIZES}
    if not labels or set(labels) - known:
        raise harness.BenchError(f"BENCH_DIALOGUE_SIZES must list some of {', '.join(sorted(known))}")
    config = {
        "sizes": [size for size in SIZES if size[0] in labels],
        "posts": harness.env_int("BENCH_DIALOGUE_POSTS", 300),
        "rounds": harness.env_int("BENCH_DIALOGUE_ROUNDS", 5),
        "streams": harness.env_int("BENCH_DIALOGUE_STREAMS", 3),
        "stream_seconds": harness.env_float("BENCH_DIALOGUE_STREAM_SECONDS", 5.0),
        "live": os.environ.get("BENCH_DIALOGUE_LIVE", LIVE_DEFAULT).strip().upper() or LIVE_DEFAULT,
    }
    if config["live"] not in LIVE_SIZES:
        raise harness.BenchError(f"BENCH_DIALOGUE_LIVE must be one of {', '.join(LIVE_SIZES)}")
    if min(config["posts"], config["rounds"]) < 1 or config["streams"] < 0 or config["stream_seconds"] <= 0:  # type: ignore[operator]
        raise harness.BenchError("BENCH_DIALOGUE_POSTS and _ROUNDS must be at least 1, _STREAMS at least 0")
    return config


def run() -> dict[str, object]:
    red_dwarf = check_red_dwarf()
    config = settings_from_env()
    with tempfile.TemporaryDirectory(prefix="tillit-bench-dialogue-") as name:
        folder = Path(name)
        comparison = compare_implementations(folder, config["sizes"])  # type: ignore[arg-type]
        n, m = LIVE_SIZES[str(config["live"])]
        data = planted_matrix(n, m)
        path = folder / "live.npz"
        np.savez(path, **data)
        live = run_live(path, data, config)
    return report(comparison, live, config, red_dwarf)


def run_live(path: Path, data: dict[str, np.ndarray], config: dict[str, object]) -> dict[str, object]:
    posts, rounds, streams = int(config["posts"]), int(config["rounds"]), int(config["streams"])  # type: ignore[call-overload]
    stream_votes = max(2, round(float(config["stream_seconds"]) * STREAM_RATE))  # type: ignore[arg-type]
    salt = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(24))
    rng = random.Random(SEED)
    pairs = Pairs(data, SEED)
    out: dict[str, object] = {}
    with harness.bench_database() as database_url:
        env = harness.production_env(database_url)
        harness.prepare_app(env)
        setup = snippet(SETUP_CODE, env, NPZ=str(path), SALT=salt, SEED=SEED, REPEAT=3)
        if setup["votes"] != int(data["rows"].size):
            raise harness.BenchError(f"the dialogue holds {setup['votes']} votes, not {data['rows'].size}")
        out["setup"] = setup
        out["facts"] = harness.machine_facts(database_url)
        with harness.gunicorn(env) as server:
            out["workers"] = server.workers
            live = Live(server, setup, salt, database_url)
            try:
                moderation = [live.moderation() for _ in range(6)]
                out["moderation_cold"] = moderation[0].seconds
                out["moderation"] = [page.seconds for page in moderation[1:]]
                pages = [live.results() for _ in range(6)]
                out["page_cold"] = pages[0].seconds
                out["page"] = [page.seconds for page in pages[1:]]
                out["page_bytes"] = len(pages[0].body)
                page_version(pages[-1])

                # Part 2: record votes, without the worker (it would take a core now and then).
                out["vote_cold"] = live.vote(*pairs.new()).seconds
                for _ in range(2 * server.workers):  # each gunicorn worker's first vote is cold
                    live.vote(*pairs.new())
                plain = []
                for _ in range(posts):
                    pair = pairs.repeat() if rng.random() < REVOTE_SHARE else pairs.new()
                    plain.append(live.vote(*pair).seconds)
                out["vote"] = plain
                out["vote_htmx"] = [live.vote(*pairs.new(), htmx=True).seconds for _ in range(max(1, posts // 3))]

                # Part 3: with the worker running, from the last vote to an updated results page.
                with background_worker(env) as (process, log_path):
                    debounce = float(setup["debounce"])
                    wait_quiet(live, process, log_path, debounce=debounce)
                    version = page_version(live.results())
                    single, stream, analysis_s, polls, stream_posts = [], [], [], [], []
                    for number in range(rounds + streams):
                        wait_quiet(live, process, log_path, debounce=debounce)
                        time.sleep(rng.uniform(0, WORKER_INTERVAL_S))  # no phase lock with the worker's ticks
                        if number < rounds:
                            live.vote(*pairs.new())
                        else:
                            started = time.perf_counter()
                            for index in range(stream_votes):
                                time.sleep(max(0.0, started + index / STREAM_RATE - time.perf_counter()))
                                stream_posts.append(live.vote(*pairs.new()).seconds)
                        voted = time.perf_counter()
                        expected = int(setup["votes"]) + pairs.new_pairs()
                        latency, seconds, version, round_polls = wait_for_update(
                            live, version, expected, voted, log_path
                        )
                        (single if number < rounds else stream).append(latency)
                        analysis_s.append(seconds)
                        polls += round_polls
                    log = worker_log(log_path)
                    runs = worker_runs(log_path.read_text(errors="replace"))
                    if process.poll() is not None:
                        raise harness.BenchError(f"the worker exited ({process.returncode}):\n{log}")
                    if "Analysis failed" in log or "Traceback" in log:
                        raise harness.BenchError(f"the worker reported an error:\n{log}")
                out.update(
                    single=single,
                    stream=stream,
                    stream_votes=stream_votes,
                    analysis_s=analysis_s,
                    worker_runs=runs,
                    polls=polls,
                    stream_posts=stream_posts,
                )
            finally:
                live.close()
        out["posted"] = len(live.posted)
        out["new_pairs"] = pairs.new_pairs()
        verify = snippet(VERIFY_CODE, env, DIALOGUE=setup["dialogue"], POSTED=live.posted)
    expected_rows = int(setup["votes"]) + pairs.new_pairs()
    out["verify"] = verify
    if verify["duplicates"] or verify["rows"] != verify["pairs"] or verify["rows"] != expected_rows:
        raise harness.BenchError(
            f"vote rows are not one per (participant, statement): {verify['rows']:,} rows, {verify['pairs']:,} pairs, "
            f"{verify['duplicates']} duplicated pairs; expected {expected_rows:,} rows "
            f"({setup['votes']:,} before + {pairs.new_pairs()} new pairs)"
        )
    if verify["wrong_count"]:
        raise harness.BenchError(
            f"{verify['wrong_count']} posted votes are not stored as posted "
            f"([participant, statement, posted, stored]): {verify['wrong']}"
        )
    return out


# Reporting ------------------------------------------------------------------------------------------------


COLUMNS = ("measure", "n", "median ms", "p95 ms", "min ms", "peak MB", "ARI", "k", "× ours", "target", "met")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def size_name(entry: dict) -> str:
    return f"{entry['n']:,} × {entry['m']:,}"


def report(comparison: list[dict], live: dict, config: dict[str, object], red_dwarf: str) -> dict[str, object]:
    rows: list[dict[str, object]] = []
    figures: dict[str, object] = {}
    warnings: list[str] = []
    target: dict[str, object] = {}
    for entry in comparison:
        ours, theirs = entry["ours"], entry["reddwarf"]
        ours_s, theirs_s = median(ours["seconds"]), median(theirs["seconds"])
        ratio = theirs_s / ours_s if ours_s else float("nan")
        large = entry["label"] == "L"
        head = f"{size_name(entry)} ({entry['votes']:,} votes)"
        ours_row: dict[str, object] = {
            "measure": f"{head}: ours, analyse()",
            "n": len(ours["seconds"]),
            "median ms": ms(ours_s),
            "min ms": ms(min(ours["seconds"])),
            "peak MB": round(ours["peak_mb"], 1),
            "ARI": round(ours["ari"], 3),
            "k": ours["k"],
        }
        theirs_row: dict[str, object] = {
            "measure": f"{head}: red-dwarf {red_dwarf}, run_pipeline()",
            "n": len(theirs["seconds"]),
            "median ms": ms(theirs_s),
            "min ms": ms(min(theirs["seconds"])),
            "peak MB": round(theirs["peak_mb"], 1),
            "ARI": round(theirs["ari"], 3),
            "k": theirs["k"],
            "× ours": round(ratio, 1),
        }
        if large:
            ours_met, ratio_met = ours_s < OURS_TARGET_S, ratio >= SPEEDUP_TARGET
            ours_row.update(target=f"< {OURS_TARGET_S * 1000:.0f} ms", met="yes" if ours_met else "NO")
            theirs_row.update(target=f"≥ {SPEEDUP_TARGET:.0f}× ours", met="yes" if ratio_met else "NO")
            target.update(ours_s=OURS_TARGET_S, ours_met=ours_met, speedup=SPEEDUP_TARGET, speedup_met=ratio_met)
            if not ours_met:
                warnings.append(f"ours takes {ours_s:.2f} s at {size_name(entry)}, target < {OURS_TARGET_S:.0f} s")
            if not ratio_met:
                warnings.append(
                    f"red-dwarf / ours is {ratio:.1f}× at {size_name(entry)}, target ≥ {SPEEDUP_TARGET:.0f}×"
                )
        rows += [
            ours_row,
            theirs_row,
            {
                "measure": "  red-dwarf's input, a list of vote dicts (not in its time; MB = its RSS)",
                "n": 1,
                "median ms": ms(theirs["build_s"]),
                "peak MB": round(theirs["input_mb"], 1) if theirs["input_mb"] is not None else "",
            },
        ]
        name = size_name(entry)
        figures[f"ours at {name} median s" + (f" (target < {OURS_TARGET_S:.0f} s)" if large else "")] = round(ours_s, 3)
        figures[f"red-dwarf at {name} median s"] = round(theirs_s, 3)
        figures[f"red-dwarf / ours at {name}" + (f" (target ≥ {SPEEDUP_TARGET:.0f})" if large else "")] = round(
            ratio, 1
        )
        if large:
            figures[f"ours at {name} best s"] = round(min(ours["seconds"]), 3)
            figures[f"ours peak extra MB at {name}"] = round(ours["peak_mb"], 1)
            figures[f"red-dwarf peak extra MB at {name}"] = round(theirs["peak_mb"], 1)
            figures[f"red-dwarf input build s at {name} (not in its time)"] = round(theirs["build_s"], 2)
        figures[f"ARI ours at {name}"] = round(ours["ari"], 3)
        figures[f"ARI red-dwarf at {name}"] = round(theirs["ari"], 3)
        for who, result in (("ours", ours), ("red-dwarf", theirs)):
            if entry["label"] != "S" and (result["ari"] < 0.9 or result["k"] != 3):
                warnings.append(
                    f"{who} at {name}: {result['k']} groups, adjusted Rand index {result['ari']:.3f} "
                    "against the 3 planted groups"
                )

    setup = live["setup"]
    vote = harness.timings(live["vote"])
    vote_met = vote["median_ms"] < VOTE_TARGET_MS
    target.update(vote_median_ms=VOTE_TARGET_MS, vote_met=vote_met)
    if not vote_met:
        warnings.append(f"recording a vote takes {vote['median_ms']:.1f} ms (median), target < {VOTE_TARGET_MS:.0f} ms")
    parts = setup["parts"]
    debounce = float(setup["debounce"])
    live_size = str(config["live"])
    size_label = f"{setup['participants']:,} × {len(setup['statements']):,}, {setup['votes']:,} votes"
    latency_target = VOTE_TO_RESULTS_TARGET_S.get(live_size)
    latency_s = median(live["single"])
    latency_met = latency_target is not None and latency_s < latency_target
    moderation_ms = harness.timings(live["moderation"])["median_ms"]
    moderation_met = moderation_ms < MODERATION_TARGET_MS
    if latency_target is not None:
        target.update(vote_to_results_s=latency_target, vote_to_results_met=latency_met)
        if not latency_met:
            warnings.append(
                f"last vote → results takes {latency_s:.2f} s at {size_label}, target < {latency_target:g} s"
            )
    if live_size != "M":
        target.update(moderation_ms=MODERATION_TARGET_MS, moderation_met=moderation_met)
        if not moderation_met:
            warnings.append(f"the moderation page takes {moderation_ms:.0f} ms at {size_label}")
    rows += [
        harness.timing_row(
            "vote POST, no JavaScript (302)",
            live["vote"],
            target=f"< {VOTE_TARGET_MS:.0f} ms",
            met="yes" if vote_met else "NO",
        ),
        {"measure": "  first vote POST (cold worker)", "n": 1, "median ms": ms(live["vote_cold"])},
        harness.timing_row("vote POST with HX-Request (records, returns the next card)", live["vote_htmx"]),
        harness.timing_row("vote POST in a 10/s stream, the worker running", live["stream_posts"]),
        harness.timing_row(f"results page GET, whole page ({live['page_bytes']:,} bytes)", live["page"]),
        harness.timing_row("results poll ?since=, unchanged (204)", live["polls"]),
        harness.timing_row(
            "last vote → updated results, after a pause",
            live["single"],
            target=f"< {latency_target:g} s" if latency_target else "",
            met=("yes" if latency_met else "NO") if latency_target else "",
        ),
        harness.timing_row(f"last vote → updated results, end of a {live['stream_votes']}-vote stream", live["stream"]),
        harness.timing_row("analysis by the worker (DialogueAnalysis.seconds)", live["analysis_s"]),
        *[
            harness.timing_row(f"  worker's {part}, every run it logged", seconds)
            for part in ("load", "analyse", "report", "store")
            if (seconds := live.get("worker_runs", {}).get(part))
        ],
        {
            "measure": "analysis in process, first (packs every vote, read as rows)",
            "n": 1,
            "median ms": ms(setup["first_analysis_s"]),
        },
        harness.timing_row("analysis in process, analyse_dialogue", parts["analyse_dialogue"]),
        harness.timing_row(
            "  worker.load_matrix (mark new votes, add them to the votes kept in memory)", parts["load_matrix"]
        ),
        harness.timing_row(
            "    loading.release_new_votes (none new: the UPDATE finds none)", parts["release_new_votes"]
        ),
        harness.timing_row(
            "  (loading.released_votes: all packed batches read, as a run without kept votes does)",
            parts["released_votes"],
        ),
        harness.timing_row("  analysis.analyse (with actor groups, previous state)", parts["analyse"]),
        harness.timing_row("  reporting.build_report", parts["build_report"]),
        {
            "measure": "  (before: the vote rows through a cursor, loading.vote_rows)",
            "n": 1,
            "median ms": ms(setup["plain_rows_s"]),
        },
        {"measure": f"moderation page GET, first ({size_label})", "n": 1, "median ms": ms(live["moderation_cold"])},
        harness.timing_row(
            "moderation page GET, warm",
            live["moderation"],
            target=f"< {MODERATION_TARGET_MS:.0f} ms" if live_size != "M" else "",
            met=("yes" if moderation_met else "NO") if live_size != "M" else "",
        ),
    ]
    figures.update(
        {
            f"vote POST median ms (target < {VOTE_TARGET_MS:.0f})": vote["median_ms"],
            "vote POST p95 ms": vote["p95_ms"],
            "vote POST with HX-Request median ms": harness.timings(live["vote_htmx"])["median_ms"],
            "vote rows stored (one per participant and statement)": live["verify"]["rows"],
            "last vote → updated results page median s (after a pause)": round(median(live["single"]), 3),
            "last vote → updated results page median s (end of a stream)": round(median(live["stream"]), 3)
            if live["stream"]
            else float("nan"),
            "analysis median s (DialogueAnalysis.seconds, worker)": round(median(live["analysis_s"]), 3),
            "analysis median s (analyse_dialogue in process)": round(median(parts["analyse_dialogue"]), 3),
            f"load_matrix median s at {size_label}": round(median(parts["load_matrix"]), 3),
            f"analyse median s at {size_label}": round(median(parts["analyse"]), 3),
            f"build_report median s at {size_label}": round(median(parts["build_report"]), 3),
            f"vote rows through a cursor s at {size_label} (before)": round(setup["plain_rows_s"], 3),
            f"moderation page first ms at {size_label}": ms(live["moderation_cold"]),
            f"moderation page warm median ms at {size_label} (target < {MODERATION_TARGET_MS:.0f})": moderation_ms,
        }
    )
    facts: dict[str, object] = dict(live["facts"])
    first = comparison[0]["ours"] if comparison else {}
    facts.update(
        {
            "red-dwarf": f"{red_dwarf} (reddwarf.implementations.polis.run_pipeline, random_state=0)",
            "planted data": (
                f"3 groups ({', '.join(f'{share:.0%}' for share in GROUP_SHARES)}), {CONSENSUS_SHARE:.0%} consensus "
                f"statements, ~{DENSITY:.0%} of cells voted, {PASS_SHARE:.0%} passes, {NOISE:.0%} noise, seed {SEED}"
            ),
            "timing": "fresh process per implementation and size, after a warm-up run on 200 × 50; median of n runs",
            "peak MB": (
                "resident-set high-water mark (VmHWM, reset just before) minus RSS before the runs, input already built"
                if first.get("memory_method") == "VmHWM"
                else "ru_maxrss growth during the runs (a lower bound: VmHWM could not be reset)"
            ),
            "ARI": "adjusted Rand index of the clustered participants' groups against the planted ones",
            "dialogue": (
                f"open, live results, {setup['participants']:,} participants × {len(setup['statements'])} statements, "
                f"{setup['votes']:,} votes (BENCH_DIALOGUE_LIVE={config['live']}); data build {setup['build']['total']:.1f} s"
            ),
            "gunicorn workers": f"{live['workers']} (sync), requests one after the other",
            "vote POSTs": (
                f"{live['posted']:,} in all ({REVOTE_SHARE:.0%} of the timed ones repeat an existing vote), "
                f"{live['new_pairs']:,} new (participant, statement) pairs; every one stored as posted, "
                f"{live['verify']['rows']:,} rows = {live['verify']['pairs']:,} pairs"
            ),
            "the worker": (
                f"default interval {WORKER_INTERVAL_S:g} s, debounce {debounce:g} s; results polled every "
                f"{POLL_INTERVAL_S * 1000:.0f} ms (the page itself polls every 10 s)"
            ),
            "stored report / state": f"{setup['report_bytes']:,} / {setup['state_bytes']:,} bytes of JSON",
        }
    )
    return {
        "title": TITLE,
        "facts": facts,
        "rows": [{column: row.get(column, "") for column in COLUMNS} for row in rows],
        "figures": figures,
        "warnings": warnings,
        "target": target,
        "raw": {
            "comparison": comparison,
            "vote_s": [round(value, 4) for value in live["vote"]],
            "vote_htmx_s": [round(value, 4) for value in live["vote_htmx"]],
            "moderation_s": [round(value, 4) for value in [live["moderation_cold"], *live["moderation"]]],
            "single_s": [round(value, 3) for value in live["single"]],
            "stream_s": [round(value, 3) for value in live["stream"]],
            "analysis_s": live["analysis_s"],
            "setup_parts_s": parts,
            "build_s": setup["build"],
            "verify": live["verify"],
            "config": {key: value for key, value in config.items() if key != "sizes"},
        },
    }


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    sys.exit(child_main(sys.argv[2:]))
