"""Faults: the background worker killed or restarted mid-analysis, the database restarted mid-analysis, and the
database restarted and stopped under load (issue 15).

1. **Worker killed mid-analysis.** A dialogue of BENCH_FAULTS_N × BENCH_FAULTS_M votes is made due; a worker
   (`manage.py worker`) claims it, and is killed with SIGKILL while it analyses. A second worker is started: the
   run's lease expires (DIALOGUE_ANALYSIS_LEASE_SECONDS, 5 here), the sweep makes the dialogue due again and the
   analysis completes. Printed: how long after the kill the analysis was stored.
2. **Worker stopped mid-analysis** with SIGTERM (a deployment restarting it): it finishes the run, then exits.
3. **Database restarted mid-analysis** (`pg_ctlcluster … restart -m fast`): the worker stays up, and the analysis
   completes after the database is back.
4. **Load with faults.** BENCH_FAULTS_CLIENTS clients vote through gunicorn (3 workers) with a worker running;
   the database is restarted after 10 s and stopped for 10 s after 25 s. Every vote answered with the redirect
   that confirms it is looked for in the database afterwards. Printed: requests by status, confirmed votes, lost
   (confirmed, not stored: must be 0), stored without a confirmation (the answer was lost, the vote was not),
   partial records (votes whose participant or statement is of another dialogue: must be 0), the time from the
   database answering again to the first confirmed vote, and whether the final analysis counts every stored vote.

Parts 3 and 4 restart the local PostgreSQL cluster (they need `pg_ctlcluster` and the right to use it): run them
on a machine where nothing else uses that server. BENCH_FAULTS_DATABASE=0 leaves them out.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import random
import secrets
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import harness

TITLE = "Faults: worker killed, worker restarted, database restarted mid-analysis, database outages under load"
ROOT = Path(__file__).resolve().parent.parent
LEASE_SECONDS = 5
SETTLE_TIMEOUT_S = 180.0
POLL_S = 0.02

SETUP_CODE = """
import datetime, hashlib, json, random
import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from tillit.dialogues import actions
from tillit.dialogues.models import Dialogue, DialogueAnalysis, DialogueParticipant, Statement, Vote
from tillit.dialogues.permissions import token_cookie_name
from tillit.organisations import actions as organisation_actions

rng = np.random.default_rng(20261203)
organisation = organisation_actions.create_organisation(name="Felkommun", slug="fel")
today = timezone.localdate()
dialogue = actions.create_dialogue(
    organisation=organisation, created_by=None, question="Vad gör mötet med brukaren bättre?",
    access=Dialogue.Access.OPEN, moderation=Dialogue.Moderation.POST, live_results=True,
    opens_on=today, closes_on=today + datetime.timedelta(days=30),
)
statements = Statement.objects.bulk_create(
    [Statement(dialogue=dialogue, number=j, text=f"Påstående {j + 1}", is_seed=True, status=Statement.Status.ACCEPTED)
     for j in range(M)], batch_size=5000)
participants = DialogueParticipant.objects.bulk_create(
    [DialogueParticipant(dialogue=dialogue, number=i, token_hash=hashlib.sha256(f"{SALT}{i}".encode()).hexdigest())
     for i in range(N + CLIENTS)], batch_size=5000)
voted = rng.random((N, M)) < 0.3
rows, cols = np.nonzero(voted)
values = rng.choice(np.array([-1, 0, 1]), size=rows.size)
statement_pk = np.array([s.pk for s in statements]); participant_pk = np.array([p.pk for p in participants])
table = connection.ops.quote_name(Vote._meta.db_table)
columns = ", ".join(connection.ops.quote_name(Vote._meta.get_field(name).column)
                    for name in ("dialogue", "statement", "participant", "value", "voted_at"))
now = timezone.now().isoformat()
with transaction.atomic(), connection.cursor() as cursor:
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for start in range(0, rows.size, 50000):
            stop = min(rows.size, start + 50000)
            copy.write("".join(f"{dialogue.pk}\\t{s}\\t{p}\\t{v}\\t{now}\\n" for s, p, v in zip(
                statement_pk[cols[start:stop]].tolist(), participant_pk[rows[start:stop]].tolist(),
                values[start:stop].tolist())))
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
DialogueAnalysis.objects.update_or_create(dialogue=dialogue, defaults={"dirty": False})
print(json.dumps({
    "dialogue": str(dialogue.public_id), "dialogue_pk": dialogue.pk,
    "statements": [str(s.public_id) for s in statements], "token_cookie": token_cookie_name(dialogue),
    "csrf_cookie_name": settings.CSRF_COOKIE_NAME, "votes": int(rows.size),
    "analysis_table": DialogueAnalysis._meta.db_table, "vote_table": Vote._meta.db_table,
    "participant_table": DialogueParticipant._meta.db_table, "statement_table": Statement._meta.db_table,
}))
"""

MAKE_DUE_CODE = """
from tillit.dialogues import tasks
from tillit.dialogues.models import DialogueAnalysis
DialogueAnalysis.objects.filter(dialogue_id=DIALOGUE).update(dirty=True, computed_at=None, leased_until=None)
tasks.schedule_refresh(DIALOGUE)
print("{}")
"""


def snippet(code: str, env: dict[str, str], **values: object) -> dict:
    prelude = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    result = harness.django_snippet(prelude + code, env, timeout=900)
    if not isinstance(result, dict):
        raise harness.BenchError(f"the snippet returned {result!r}")
    return result


class Database:
    """A direct connection for looking at rows; reconnects after the server restarts."""

    def __init__(self, url: str) -> None:
        self.url = harness._psycopg_url(url)
        self.connection = None

    def query(self, sql: str, params: list[object] | None = None) -> list[tuple]:
        import psycopg

        for _attempt in range(2):
            try:
                if self.connection is None or self.connection.closed:
                    self.connection = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
                return self.connection.execute(sql, params or []).fetchall()  # type: ignore[arg-type]
            except psycopg.OperationalError:
                self.connection = None
        raise harness.BenchError("the database did not answer")

    def analysis(self, data: dict) -> tuple[bool, datetime.datetime | None, datetime.datetime | None]:
        table = data["analysis_table"]
        [row] = self.query(
            f"SELECT dirty, computed_at, leased_until FROM {table} WHERE dialogue_id = %s",  # noqa: S608
            [data["dialogue_pk"]],
        )
        return bool(row[0]), row[1], row[2]


@contextlib.contextmanager
def background_worker(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    log = tempfile.NamedTemporaryFile(prefix="tillit-worker-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "worker", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        harness.stop_process(process)
        log.close()
        Path(log.name).unlink(missing_ok=True)


def wait_until(condition, what: str, timeout: float = SETTLE_TIMEOUT_S) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if condition():
            return time.perf_counter() - started
        time.sleep(POLL_S)
    raise harness.BenchError(f"timed out after {timeout:.0f} s waiting for {what}")


def running(database: Database, data: dict) -> bool:
    _dirty, computed_at, leased_until = database.analysis(data)
    return leased_until is not None and computed_at is None


def stored(database: Database, data: dict) -> bool:
    return database.analysis(data)[1] is not None


def postgres_cluster() -> tuple[str, str]:
    output = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout
    version, cluster = output.split()[:2]
    return version, cluster


def pg_ctl(action: str) -> None:
    version, cluster = postgres_cluster()
    extra = ["-m", "fast"] if action in {"restart", "stop"} else []
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, action, *extra],
        check=True,
        capture_output=True,
    )


def worker_killed(env: dict[str, str], database: Database, data: dict, how: signal.Signals) -> dict[str, float]:
    snippet(MAKE_DUE_CODE, env, DIALOGUE=data["dialogue_pk"])
    with background_worker(env) as first:
        claimed = wait_until(lambda: running(database, data), "the worker to claim the analysis")
        os.killpg(first.pid, how)
        first.wait(timeout=60)
    lost = not stored(database, data)
    started = time.perf_counter()
    if lost:
        with background_worker(env):
            wait_until(lambda: stored(database, data), "the analysis after the worker came back")
    return {
        "claimed after s": round(claimed, 2),
        "left unfinished": lost,
        "stored after s": round(time.perf_counter() - started, 2),
    }


def database_restarted(env: dict[str, str], database: Database, data: dict) -> dict[str, float]:
    snippet(MAKE_DUE_CODE, env, DIALOGUE=data["dialogue_pk"])
    with background_worker(env) as worker:
        wait_until(lambda: running(database, data), "the worker to claim the analysis")
        restart_started = time.perf_counter()
        pg_ctl("restart")
        harness_wait_postgres()
        back = time.perf_counter() - restart_started
        wait_until(lambda: stored(database, data), "the analysis after the database restart")
        if worker.poll() is not None:
            raise harness.BenchError("the worker exited when the database restarted")
    return {"database back after s": round(back, 2), "stored after s": round(time.perf_counter() - restart_started, 2)}


def harness_wait_postgres(timeout: float = 60) -> None:
    wait_until(
        lambda: subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0,
        "PostgreSQL to answer",
        timeout,
    )


class Voter(threading.Thread):
    """One client voting on its own participant's statements, one after another, about `rate` times a second."""

    def __init__(
        self, number: int, server: harness.Server, data: dict, salt: str, stop: threading.Event, rate: float
    ) -> None:
        super().__init__(daemon=True)
        self.number, self.server, self.data, self.salt, self.stop, self.rate = number, server, data, salt, stop, rate
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.outcomes: list[tuple[float, int, int]] = []  # (time, status, statement index)
        self.confirmed: list[int] = []

    def run(self) -> None:
        order = list(range(len(self.data["statements"])))
        random.Random(self.number).shuffle(order)
        url = self.server.url(f"/s/{self.data['dialogue']}/vote/")
        participate = f"/s/{self.data['dialogue']}/"
        cookie = f"{self.data['token_cookie']}={self.salt}{self.data['first_client'] + self.number}; {self.data['csrf_cookie_name']}={self.csrf}"
        for statement in order:
            if self.stop.is_set():
                return
            body = urlencode(
                {"csrfmiddlewaretoken": self.csrf, "statement": self.data["statements"][statement], "vote": "1"}
            ).encode()
            headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
            try:
                response = harness.request("POST", url, headers, body, timeout=30)
                status = response.status
                if status == 302 and response.headers.get("location", "").endswith(participate):
                    self.confirmed.append(statement)
            except Exception:
                status = 0  # no answer at all
            self.outcomes.append((time.perf_counter(), status, statement))
            time.sleep(1 / self.rate)


def load_with_outages(env: dict[str, str], database: Database, data: dict, salt: str) -> dict[str, object]:
    clients = harness.env_int("BENCH_FAULTS_CLIENTS", 20)
    rate = harness.env_float("BENCH_FAULTS_RATE", 3.0)
    events: dict[str, float] = {}
    with harness.gunicorn(env, workers=3) as server, background_worker(env):
        stop = threading.Event()
        voters = [Voter(number, server, data, salt, stop, rate) for number in range(clients)]
        started = time.perf_counter()
        for voter in voters:
            voter.start()
        time.sleep(10)
        events["restart"] = time.perf_counter()
        pg_ctl("restart")
        harness_wait_postgres()
        events["back after restart"] = time.perf_counter()
        time.sleep(max(0.0, 25 - (time.perf_counter() - started)))
        events["stop"] = time.perf_counter()
        pg_ctl("stop")
        time.sleep(10)
        pg_ctl("start")
        harness_wait_postgres()
        events["back after stop"] = time.perf_counter()
        time.sleep(max(0.0, 50 - (time.perf_counter() - started)))
        stop.set()
        for voter in voters:
            voter.join(timeout=60)
        wait_until(
            lambda: database.analysis(data)[0] is False and database.analysis(data)[2] is None,
            "the worker to catch up",
            timeout=300,
        )
        # The analysis is debounced: let a last run finish if one is due.
        time.sleep(3)
        wait_until(lambda: not database.analysis(data)[0], "the last analysis", timeout=300)
    statuses = Counter(status for voter in voters for _t, status, _s in voter.outcomes)
    confirmed = {
        (data["first_client"] + voter.number, data["statements"][s]) for voter in voters for s in voter.confirmed
    }
    rows = database.query(
        f"SELECT p.number, s.public_id::text FROM {data['vote_table']} v "  # noqa: S608
        f"JOIN {data['participant_table']} p ON p.id = v.participant_id "
        f"JOIN {data['statement_table']} s ON s.id = v.statement_id "
        "WHERE v.dialogue_id = %s AND p.number >= %s",
        [data["dialogue_pk"], data["first_client"]],
    )
    in_database = {(number, public_id) for number, public_id in rows}
    partial = database.query(
        f"SELECT count(*) FROM {data['vote_table']} v JOIN {data['participant_table']} p ON p.id = v.participant_id "  # noqa: S608
        f"JOIN {data['statement_table']} s ON s.id = v.statement_id "
        "WHERE v.dialogue_id = %s AND (p.dialogue_id <> v.dialogue_id OR s.dialogue_id <> v.dialogue_id)",
        [data["dialogue_pk"]],
    )[0][0]
    [(total_votes,)] = database.query(
        f"SELECT count(*) FROM {data['vote_table']} WHERE dialogue_id = %s",  # noqa: S608
        [data["dialogue_pk"]],
    )
    [(counted,)] = database.query(
        f"SELECT COALESCE((report->'totals'->'votes'->'__cell__'->>0)::int, -1) FROM {data['analysis_table']} WHERE dialogue_id = %s",  # noqa: S608
        [data["dialogue_pk"]],
    )

    def recovery(after: str) -> float | None:
        back = events[after]
        firsts = [t for voter in voters for t, status, _s in voter.outcomes if t >= back and status == 302]
        return round(min(firsts) - back, 3) if firsts else None

    return {
        "clients": clients,
        "requests": sum(statuses.values()),
        "requests per s": round(sum(statuses.values()) / 50, 1),
        "by status": dict(sorted((str(k), v) for k, v in statuses.items())),
        "confirmed votes": len(confirmed),
        "lost (confirmed, not stored)": len(confirmed - in_database),
        "stored, answer lost": len(in_database - confirmed),
        "partial records": int(partial),
        "recovery after restart s": recovery("back after restart"),
        "recovery after 10 s stop s": recovery("back after stop"),
        "final analysis counts every vote": counted == total_votes,
        "votes": int(total_votes),
    }


def run() -> dict[str, object]:
    n = harness.env_int("BENCH_FAULTS_N", 10_000)
    m = harness.env_int("BENCH_FAULTS_M", 800)
    with_database = os.environ.get("BENCH_FAULTS_DATABASE", "1") != "0"
    salt = secrets.token_hex(8)
    with harness.bench_database() as url:
        env = harness.production_env(url, DIALOGUE_ANALYSIS_LEASE_SECONDS=str(LEASE_SECONDS))
        harness.prepare_app(env)
        data = snippet(SETUP_CODE, env, N=n, M=m, SALT=salt, CLIENTS=harness.env_int("BENCH_FAULTS_CLIENTS", 20))
        data["first_client"] = n
        database = Database(url)
        results: dict[str, object] = {"votes in the dialogue": data["votes"], "lease s": LEASE_SECONDS}
        results["worker killed (SIGKILL) mid-analysis"] = worker_killed(env, database, data, signal.SIGKILL)
        results["worker stopped (SIGTERM) mid-analysis"] = worker_killed(env, database, data, signal.SIGTERM)
        if with_database:
            results["database restarted mid-analysis"] = database_restarted(env, database, data)
            results["load with database restart and 10 s stop"] = load_with_outages(env, database, data, salt)
        print(json.dumps(results, indent=2, default=str))
        return {"title": TITLE, **results}


if __name__ == "__main__":
    harness.use_benchmark("faults")
    run()
