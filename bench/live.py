"""Live meetings (issue 17): 2,000 phones on WebSockets vote within 10 s and follow the presenter, against polling.

The benchmark starts the app as deployed (gunicorn with uvicorn's worker, 2 processes sharing Redis and PostgreSQL,
DEBUG off) and drives it from one asyncio load generator (this file run as `bench/live.py loadgen`, a process of
its own): every phone holds a WebSocket to ws/live/<code>/ with its own participant cookie `tillit_live_<code>`
(participants made in the set-up through `actions.join`), each votes once at a moment drawn uniformly within 10 s
over its socket, then the presenter advances (the moderator's "next" button: a POST of the control view, signed in;
or `actions.show` with BENCH_LIVE_ADVANCE=action). A big screen, signed in as a process leader on
ws/live/skarm/<uuid>/, pulls its region on each "answers" push at most every 500 ms with a trailing pull, as live.js
does. Then the same against a polling baseline: every phone GETs /l/<code>/lage/ every 2 s and
votes by HTTP POST (`X-Live: 1`), and the screen polls its region every 2 s, on a fresh server.

Reported for each: votes stored (counted in the database), vote → big screen p50/p95 (from a vote's send to the
first screen pull whose release holds it; releases come in steps of at least k participants, so the last < k votes
are stored but not shown until more come), advance → every phone p50/p95 (from the action to the phone's "session"
push, or poll answer, with the new version), the app processes' peak memory (RSS sum of gunicorn's master and
workers) and CPU. Targets: every vote stored, both p95 under 2 s, under 1 GB for the app processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import resource
import secrets
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import harness

TITLE = "Live meeting: 2,000 phones on WebSockets vs polling (ASGI, 2 workers, Redis, PostgreSQL)"

MODES = ("socket", "poll")
REDIS_URL = "redis://127.0.0.1:6379/13"  # the benchmark's own Redis database, emptied before each run
GUNICORN_CONF = "deploy/gunicorn.conf.py"  # the deployment's own settings, its ASGI worker class among them
TARGET_P95_S = 2.0  # the targets: vote → screen and advance → phones
TARGET_MEMORY_MB = 1024.0  # the app processes' memory
SCREEN_THROTTLE_S = 0.5  # live.js: a pull of the screen's region at most every 500 ms, with a trailing one
SAMPLE_S = 0.2  # how often the app processes' memory and CPU are read
SEED = 17
RELEASE_ATTRIBUTE = re.compile(rb'data-release-participants="(\d+)"')
VERSION_IN_JSON = re.compile(rb'"version":\s*(\d+)')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
ALPHABET = string.ascii_letters + string.digits
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


# --- Set-up, inside Django ----------------------------------------------------------------------------------------

# Runs in `manage.py shell -c` with PARTICIPANTS and MODES defined before it: an organisation with a process leader
# (a database session as after signing in), and per mode a live meeting of two polls, the first on the screen, with
# PARTICIPANTS phones joined through the action (a token each, as the join view sets in the cookie).
SETUP_CODE = """
import json
import time

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from tillit.live import actions
from tillit.organisations import actions as organisation_actions

started = time.perf_counter()
organisation = organisation_actions.create_organisation(name="Forumkommun", slug="forumkommun")
levels = list(organisation.levels.order_by("rank"))
groups = list(organisation.actor_groups.order_by("position"))
leader = organisation_actions.add_person(
    organisation=organisation,
    details=organisation_actions.PersonDetails(
        full_name="Bänk Processledare",
        email="leader@bench.invalid",
        unit=None,
        actor_group=groups[0],
        level=levels[0] if levels else None,
        role="facilitator",
    ),
    by_operator=True,
)
meetings = {}
for mode in MODES:
    session = actions.create_session(organisation=organisation, title=f"Forum Tillit ({mode})")
    first = actions.add_activity(
        session,
        kind="poll",
        prompt="Vad hindrar tilliten i styrningen mest?",
        options=["Detaljstyrning", "Mätningar", "Otydliga mandat", "Brist på tid"],
    )
    second = actions.add_activity(
        session,
        kind="poll",
        prompt="Vad vill ni pröva först?",
        options=["Färre mått", "Mer dialog", "Större mandat"],
    )
    actions.show(session, first)
    tokens = []
    for number in range(PARTICIPANTS):
        token = actions.new_participant_token()
        actions.join(
            session,
            token=token,
            actor_group=groups[number % len(groups)],
            level=levels[number % len(levels)] if levels else None,
        )
        tokens.append(token)
    session.refresh_from_db()
    meetings[mode] = {
        "pk": session.pk,
        "public_id": str(session.public_id),
        "code": session.code,
        "version": session.version,
        "first": {"pk": first.pk, "public_id": str(first.public_id), "options": len(first.options)},
        "second": {"pk": second.pk, "public_id": str(second.public_id), "options": len(second.options)},
        "tokens": tokens,
    }

login = SessionStore()
login["_auth_user_id"] = str(leader.user.pk)
login["_auth_user_backend"] = "tillit.accounts.backends.EmailBackend"
login["_auth_user_hash"] = leader.user.get_session_auth_hash()
login["organisation"] = organisation.slug
login.create()
print(json.dumps({
    "k": organisation.anonymity_threshold,
    "leader_cookie": f"{settings.SESSION_COOKIE_NAME}={login.session_key}",
    "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    "meetings": meetings,
    "seconds": round(time.perf_counter() - started, 2),
}))
"""

# The presenter: a Django process started before the load, with a database connection open, that puts the next
# activity on when it reads a line and says how long the action took and the session's new version.
PRESENTER_CODE = """
import json
import sys
import time

from tillit.live import actions, realtime
from tillit.live.models import Activity, LiveSession

session = LiveSession.objects.get(pk=SESSION_PK)
following = Activity.objects.get(pk=NEXT_PK)
realtime.phone_state(session)  # the templates compiled before the clock runs
print("ready", flush=True)
if not sys.stdin.readline():  # the load generator is gone: nothing to present
    sys.exit(0)
started = time.perf_counter()
actions.show(session, following)
seconds = time.perf_counter() - started
session.refresh_from_db(fields=["version"])
print(json.dumps({"seconds": seconds, "version": session.version}), flush=True)
"""


# --- The app server -----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def asgi_server(env: dict[str, str], *, workers: int, startup_timeout: float = 60) -> Iterator[harness.Server]:
    """gunicorn as deployed (deploy/gunicorn.conf.py: uvicorn's ASGI worker) with `workers` processes on a free
    loopback port, in its own process group, always stopped on the way out (SIGTERM to the master, then SIGKILL to
    the group). Its metrics directory is a temporary one of its own."""
    port = harness.free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="tillit-bench-live-"))
    log_path = log_dir / "gunicorn.log"
    (log_dir / "prometheus").mkdir()
    env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(log_dir / "prometheus")}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        GUNICORN_CONF,
        "config.asgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--graceful-timeout",
        "5",
        "--timeout",
        "60",
        "--backlog",
        "4096",
    ]
    server = harness.Server(base_url=f"http://127.0.0.1:{port}", workers=workers, log_path=log_path)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=harness.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server.pid = process.pid
    try:
        harness._wait_healthy(server, process, startup_timeout)
        deadline = time.monotonic() + startup_timeout  # every worker up, so that its memory and CPU are counted
        while len(server.worker_pids()) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        yield server
    finally:
        harness.stop_process(process)
        if keep := os.environ.get("BENCH_LIVE_LOG_DIR", "").strip():  # the server's log, kept for reading
            with contextlib.suppress(OSError):
                Path(keep).mkdir(parents=True, exist_ok=True)
                (Path(keep) / f"gunicorn-{port}.log").write_bytes(log_path.read_bytes())
        shutil.rmtree(log_dir, ignore_errors=True)


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU a process has used so far (/proc/<pid>/stat), or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    except (OSError, ValueError, IndexError):
        return None


def rss_mb(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


class Sampler(threading.Thread):
    """Every SAMPLE_S until stopped: the resident memory of the app processes (gunicorn's master and workers), and
    the CPU time used so far by them, by PostgreSQL's backends of the bench database, by Redis, and by the whole
    machine. CPU is kept as running sums, so that a process that appears (a new database connection) counts."""

    GROUPS = ("app", "postgres", "redis")

    def __init__(self, server: harness.Server, database: str) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.database = database
        self.samples: list[dict[str, float]] = []  # t (wall time), rss (MB), app, postgres, redis, busy (CPU s)
        self.stopping = threading.Event()
        self.kinds: dict[int, str | None] = {}  # pid → group, or None for a process of no interest
        self.last: dict[int, float] = {}  # pid → its CPU at the last sample
        self.sums = dict.fromkeys(self.GROUPS, 0.0)

    def kind(self, pid: int) -> str | None:
        if pid not in self.kinds:
            try:
                name = Path(f"/proc/{pid}/comm").read_text().strip()
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                return None
            if name.startswith("redis-server"):
                self.kinds[pid] = "redis"
            elif name == "postgres" and f" {self.database} " in command:  # "postgres: 15/main: user db host ..."
                self.kinds[pid] = "postgres"
            else:
                self.kinds[pid] = None
        return self.kinds[pid]

    def run(self) -> None:
        scanned = 0.0
        tracked: dict[int, str] = {}
        while not self.stopping.is_set():
            now = time.monotonic()
            if now - scanned > 1:
                tracked = dict.fromkeys([self.server.pid, *self.server.worker_pids()], "app")
                for entry in Path("/proc").iterdir():
                    if entry.name.isdigit() and (group := self.kind(int(entry.name))) is not None:
                        tracked[int(entry.name)] = group
                scanned = now
            rss = 0.0
            for pid, group in tracked.items():
                used = cpu_seconds(pid)
                if used is None:
                    continue
                self.sums[group] += used - self.last.get(pid, 0.0 if self.samples else used)
                self.last[pid] = used
                if group == "app":
                    rss += rss_mb(pid)
            self.samples.append({"t": time.time(), "rss": rss, **self.sums, "busy": machine_busy_seconds()})
            self.stopping.wait(SAMPLE_S)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)

    def peak_mb(self, start: float = 0.0, end: float = float("inf")) -> float:
        inside = [sample["rss"] for sample in self.samples if start <= sample["t"] <= end]
        return round(max(inside, default=0.0), 1)

    def cpu(self, start: float, end: float) -> dict[str, float]:
        """CPU between two wall times: the app's seconds, and the app's, PostgreSQL's and Redis's share of one core
        and the machine's of all its cores, in per cent. From the samples that bracket the window, so that a window
        shorter than the sampling interval still has two."""
        if len(self.samples) < 2:
            return {"app_s": 0.0, "app": 0.0, "postgres": 0.0, "redis": 0.0, "machine": 0.0, "seconds": 0.0}
        first = [sample for sample in self.samples if sample["t"] <= start] or self.samples[:1]
        last = [sample for sample in self.samples if sample["t"] >= end] or self.samples[-1:]
        before, after = first[-1], last[0]
        span = max(after["t"] - before["t"], 1e-9)
        cores = os.cpu_count() or 1
        shares = {group: round(100 * (after[group] - before[group]) / span, 1) for group in self.GROUPS}
        return {
            "app_s": round(after["app"] - before["app"], 2),
            **shares,
            "machine": round(100 * (after["busy"] - before["busy"]) / span / cores, 1),
            "seconds": round(span, 2),
        }


def machine_busy_seconds() -> float:
    """CPU seconds every core has spent on anything but idling and waiting, since boot (/proc/stat)."""
    try:
        values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / CLOCK_TICKS


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("uvicorn", "channels", "channels-redis", "websockets", "redis"):
        with contextlib.suppress(PackageNotFoundError):
            found.append(f"{package} {version(package)}")
    return ", ".join(found)


def worker_class() -> str:
    """The worker class the deployment's gunicorn settings name; the benchmark measures the ASGI server only."""
    found = re.search(r"^worker_class\s*=\s*[\"']([\w.]+)[\"']", (harness.ROOT / GUNICORN_CONF).read_text(), re.M)
    if found is None:
        raise harness.BenchError(f"{GUNICORN_CONF} names no ASGI worker_class; the live part needs one")
    return found.group(1)


def redis_url() -> str:
    """The benchmark's Redis database, emptied; the live part needs Redis for its two processes to meet."""
    url = os.environ.get("BENCH_LIVE_REDIS_URL", REDIS_URL).strip()
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except Exception as error:
        raise harness.BenchError(f"Redis does not answer at {url} ({error}); the live benchmark needs it") from error
    return url


def stored_votes(database_url: str, activity_pk: int) -> tuple[int, int]:
    """(answer rows, distinct participants) of an activity, counted in the database."""
    import psycopg

    with psycopg.connect(harness._psycopg_url(database_url), connect_timeout=10) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT participant_id) FROM live_answer WHERE activity_id = %s",
            (activity_pk,),
        ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def server_log_problems(server: harness.Server) -> list[str]:
    """Tracebacks and errors the server logged (at most a few), for the warnings."""
    log = server.log_tail(200_000)
    lines = [
        line.strip()
        for line in log.splitlines()
        if re.search(r"\b(ERROR|CRITICAL|Traceback)\b|Error:|Exception:", line)
        and "Connection reset" not in line  # the phones closing at the end
    ]
    unique = list(dict.fromkeys(lines))
    return [f"server log: {line[:300]}" for line in unique[:8]] + (
        [f"server log: {len(unique) - 8} more distinct error lines"] if len(unique) > 8 else []
    )


# --- The benchmark -----------------------------------------------------------------------------------------------


def settings_from_env() -> dict[str, Any]:
    participants = harness.env_int("BENCH_LIVE_PARTICIPANTS", 2000)
    modes = [mode.strip() for mode in os.environ.get("BENCH_LIVE_MODES", ",".join(MODES)).split(",") if mode.strip()]
    chosen = {
        "participants": participants,
        "vote_seconds": harness.env_float("BENCH_LIVE_VOTE_SECONDS", 10.0),
        "poll_seconds": harness.env_float("BENCH_LIVE_POLL_SECONDS", 2.0),
        "workers": harness.env_int("BENCH_LIVE_WORKERS", 2),
        "connect_concurrency": harness.env_int("BENCH_LIVE_CONNECT_CONCURRENCY", 50),
        "wait_seconds": harness.env_float("BENCH_LIVE_WAIT_SECONDS", 60.0),
        "advance": os.environ.get("BENCH_LIVE_ADVANCE", "post").strip(),
        "modes": modes,
    }
    if not 1 <= participants <= 20_000:
        raise harness.BenchError("BENCH_LIVE_PARTICIPANTS must be between 1 and 20,000")
    if not modes or any(mode not in MODES for mode in modes):
        raise harness.BenchError(f"BENCH_LIVE_MODES must name some of {', '.join(MODES)}")
    if chosen["advance"] not in ("post", "action"):
        raise harness.BenchError("BENCH_LIVE_ADVANCE must be post (the control view) or action (actions.show)")
    if not 1 <= chosen["workers"] <= 16:
        raise harness.BenchError("BENCH_LIVE_WORKERS must be between 1 and 16")
    return chosen


def run() -> dict[str, object]:
    chosen = settings_from_env()
    worker = worker_class()
    participants = chosen["participants"]
    rows: list[dict[str, object]] = []
    figures: dict[str, object] = {}
    warnings: list[str] = []
    raw: dict[str, object] = {}
    with harness.bench_database() as database_url:
        env = harness.production_env(database_url, REDIS_URL=redis_url())
        harness.prepare_app(env)
        setup_started = time.monotonic()
        prelude = f"PARTICIPANTS = {participants!r}\nMODES = {chosen['modes']!r}\n"
        data = harness.django_snippet(prelude + SETUP_CODE, env, timeout=1800)
        if not isinstance(data, dict):
            raise harness.BenchError(f"the set-up returned {data!r}")
        setup_seconds = time.monotonic() - setup_started
        k = int(data["k"])
        facts: dict[str, object] = {
            **harness.machine_facts(database_url),
            "server": f"gunicorn --config {GUNICORN_CONF} (worker {worker}), {chosen['workers']} workers, "
            "config.asgi:application",
            "channel layer": "Redis (REDIS_URL), channels_redis publish/subscribe",
            "versions": versions(),
            "participants": participants,
            "votes spread over": f"{chosen['vote_seconds']:g} s",
            "k (anonymity threshold)": k,
            "set-up (joins through actions.join)": f"{setup_seconds:.1f} s",
            "advance": (
                "POST of the control view, action=next (the moderator's button, signed in)"
                if chosen["advance"] == "post"
                else "actions.show in a Django process of its own"
            ),
        }
        headlines: dict[str, dict[str, tuple[str, str]]] = {}
        for mode in chosen["modes"]:
            meeting = data["meetings"][mode]
            try:
                result = run_mode(mode, env, database_url, data, meeting, chosen)
            except harness.BenchError as error:  # one run failing must not lose the other's figures
                if len(chosen["modes"]) == 1:
                    raise
                warnings.append(f"{mode}: the run failed: {str(error)[:1500]}")
                continue
            raw[mode] = result["raw"]
            headlines[mode] = result["headline"]
            figures.update(result["figures"])
            warnings.extend(result["warnings"])
    # The headline table: one row per figure, a column per mode, and the target.
    if not headlines:
        raise harness.BenchError("every run failed:\n" + "\n".join(warnings))
    columns = {"socket": "WebSocket", "poll": "polling every 2 s"}
    for measure in next(iter(headlines.values())):
        row: dict[str, object] = {"measure": measure}
        for mode, headline in headlines.items():
            row[columns[mode]] = headline[measure][0]
        row["target"] = next(iter(headlines.values()))[measure][1]
        rows.append(row)
    return {"title": TITLE, "facts": facts, "rows": rows, "figures": figures, "warnings": warnings, "raw": raw}


def run_mode(
    mode: str,
    env: dict[str, str],
    database_url: str,
    data: dict[str, Any],
    meeting: dict[str, Any],
    chosen: dict[str, Any],
) -> dict[str, Any]:
    """One run: a fresh server, the load generator in its own process, the votes counted in the database."""
    warnings: list[str] = []
    with asgi_server(env, workers=chosen["workers"]) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        sampler = Sampler(server, database_url.rsplit("/", 1)[1])
        sampler.start()
        idle_from = time.time()
        time.sleep(1.0)  # the server idle: its memory, and how busy the machine is with other work
        baseline_mb = sampler.peak_mb()
        idle = sampler.cpu(idle_from, time.time())
        config = {
            "mode": mode,
            "port": port,
            "meeting": meeting,
            "k": data["k"],
            "leader_cookie": data["leader_cookie"],
            "csrf_cookie_name": data["csrf_cookie_name"],
            "vote_seconds": chosen["vote_seconds"],
            "poll_seconds": chosen["poll_seconds"],
            "connect_concurrency": chosen["connect_concurrency"],
            "wait_seconds": chosen["wait_seconds"],
            "advance": chosen["advance"],
            "seed": SEED,
        }
        print(f"live: {mode}: {len(meeting['tokens']):,} phones against {server.base_url}", file=sys.stderr)
        try:
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "loadgen"],
                input=json.dumps(config),
                cwd=harness.ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=None,  # its progress lines go to the terminal
                text=True,
                timeout=900,
            )
        except subprocess.TimeoutExpired as error:
            raise harness.BenchError(f"the {mode} load generator did not finish within 15 minutes") from error
        finally:
            sampler.stop()
        if done.returncode != 0:
            raise harness.BenchError(
                f"the {mode} load generator failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
                f"--- server log (end) ---\n{server.log_tail()}"
            )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        warnings.extend(f"{mode}: {warning}" for warning in result.get("warnings", []))
        warnings.extend(f"{mode}: {line}" for line in server_log_problems(server))
    rows_stored, stored = stored_votes(database_url, int(meeting["first"]["pk"]))
    summary = summarise(mode, result, sampler, baseline_mb, stored, rows_stored, len(meeting["tokens"]), warnings)
    summary["figures"][f"{mode}: machine busy before the load"] = (
        f"{idle['machine']:.0f} % of {os.cpu_count()} cores (other work on the machine moves every figure)"
    )
    summary["raw"]["idle_cpu"] = idle
    if idle["machine"] > 25:
        summary["warnings"].append(
            f"{mode}: the machine was {idle['machine']:.0f} % busy with other work before the load: repeat on a quiet one"
        )
    return summary


def cpu_line(cpu: dict[str, float]) -> str:
    """The CPU of a window: the app's (of one core), PostgreSQL's and Redis's, and the machine's (of all cores)."""
    return (
        f"app {cpu['app']:.0f} % of a core ({cpu['app_s']:.1f} s in {cpu['seconds']:.1f} s), PostgreSQL "
        f"{cpu['postgres']:.0f} %, Redis {cpu['redis']:.0f} %; machine {cpu['machine']:.0f} % of {os.cpu_count()} cores"
    )


def summarise(
    mode: str,
    result: dict[str, Any],
    sampler: Sampler,
    baseline_mb: float,
    stored: int,
    rows_stored: int,
    participants: int,
    warnings: list[str],
) -> dict[str, Any]:
    phases = result["phases"]  # wall times: connect, votes, settled, advance, followed, done
    vote_latency = result["vote_to_screen"]
    advance_latency = result["advance_to_phones"]
    vote_summary = harness.timings(vote_latency)
    advance_summary = harness.timings(advance_latency)
    cpu_votes = sampler.cpu(phases["votes"], phases["settled"])
    cpu_advance = sampler.cpu(phases["advance"], phases["followed"])
    cpu_all = sampler.cpu(phases["connect"], phases["done"])
    peak = sampler.peak_mb(phases["connect"], phases["done"])
    label = "WebSocket" if mode == "socket" else "polling every 2 s"
    shown = len(vote_latency)
    followed = len(advance_latency)
    requests = len(result["poll_requests"]) + int(result["votes_sent"]) + len(result["screen_pulls"])
    timed = {
        "vote → big screen": vote_latency,
        "advance → phones": advance_latency,
        "vote answered (its reply)": result["vote_ack"],
        ("socket opened" if mode == "socket" else "phone poll request"): (
            result["connect"] if mode == "socket" else result["poll_requests"]
        ),
        "screen pull (its region)": result["screen_pulls"],
    }
    steps = result["release_steps"]
    met = (
        stored == participants
        and vote_summary["p95_ms"] < TARGET_P95_S * 1000
        and advance_summary["p95_ms"] < TARGET_P95_S * 1000
        and followed == participants
        and shown > 0
        and peak < TARGET_MEMORY_MB
    )
    cpu_votes_text = f"{cpu_votes['app']:.0f} % / {cpu_votes['machine']:.0f} %"
    replies = harness.timings(result["vote_ack"])

    def ms(summary: dict[str, float], key: str) -> str:
        return f"{summary[key]:,.0f}" if summary["n"] else "none"

    headline = {
        "votes stored (answer rows)": (f"{stored:,} of {participants:,} ({rows_stored:,})", "all"),
        "vote → screen p50 ms": (ms(vote_summary, "median_ms"), ""),
        "vote → screen p95 ms": (ms(vote_summary, "p95_ms"), "< 2,000"),
        "votes on the screen (the rest: < k since the last release)": (f"{shown:,}", ""),
        "advance → phones p50 ms": (ms(advance_summary, "median_ms"), ""),
        "advance → phones p95 ms": (ms(advance_summary, "p95_ms"), "< 2,000"),
        "phones that followed the advance": (f"{followed:,} of {participants:,}", "all"),
        "app memory peak, RSS sum MB": (f"{peak:,.0f}", "< 1,024"),
        "CPU while voting: app (of a core) / machine": (cpu_votes_text, ""),
        "vote's reply p50 / p95 ms": (f"{ms(replies, 'median_ms')} / {ms(replies, 'p95_ms')}", ""),
        "targets met": ("yes" if met else "no", ""),
    }
    figures = {
        f"{mode} ({label}): releases the screen saw": (
            f"{len(steps)}, steps of {min(steps, default=0)}–{max(steps, default=0)} participants "
            f"(median {statistics.median(steps) if steps else 0:g}; k = {result['k']}); {stored - shown:,} votes "
            "stored but not shown, fewer than k since the last release"
        ),
        f"{mode}: the advance itself": f"{result['advance_action_ms']:.0f} ms",
        f"{mode}: app memory peak (RSS sum)": f"{peak:,.0f} MB (idle {baseline_mb:,.0f} MB; target < 1,024)",
        f"{mode}: CPU while voting": cpu_line(cpu_votes),
        f"{mode}: app CPU per " + ("vote" if mode == "socket" else "request"): (
            f"{1000 * cpu_votes['app_s'] / max(1, stored):.1f} ms (the app's CPU while voting / votes stored)"
            if mode == "socket"
            else f"{1000 * cpu_all['app_s'] / max(1, requests):.1f} ms per request (polls, votes and screen pulls)"
        ),
        f"{mode}: CPU while advancing": cpu_line(cpu_advance),
        f"{mode}: CPU over the run": cpu_line(cpu_all),
        f"{mode}: load generator CPU": f"{result['loadgen_cpu_s']:.1f} s",
    }
    for measure, seconds in timed.items():
        summary = harness.timings(seconds)
        figures[f"{mode}: {measure}"] = (
            f"n {summary['n']:,}, p50 {summary['median_ms']:,.0f} / p95 {summary['p95_ms']:,.0f} / "
            f"min {summary['min_ms']:,.0f} / max {summary['max_ms']:,.0f} ms"
        )
    if mode == "poll":
        figures[f"{mode}: phone poll requests"] = (
            f"{len(result['poll_requests']):,} ({result['poll_rate']:.0f}/s), {result['poll_errors']:,} failed"
        )
    else:
        figures[f"{mode}: sockets"] = (
            f"{result['connected']:,} of {participants:,} open ({result['connect_seconds']:.1f} s to open them), "
            f"{result['dropped']:,} dropped; extensions: {result['extensions'] or 'none'}"
        )
    raw = {
        "stored": stored,
        "rows_stored": rows_stored,
        "vote_to_screen_ms": vote_summary,
        "advance_to_phones_ms": advance_summary,
        "peak_mb": peak,
        "idle_mb": baseline_mb,
        "cpu_votes": cpu_votes,
        "cpu_advance": cpu_advance,
        "cpu_all": cpu_all,
        "release_steps": steps,
        "met": met,
        **{key: value for key, value in result.items() if not isinstance(value, list)},
    }
    return {"headline": headline, "figures": figures, "warnings": warnings, "raw": raw}


# --- The load generator (bench/live.py loadgen) -------------------------------------------------------------------


class Http:
    """A minimal HTTP/1.1 client on one keep-alive connection: what a browser tab does, at a fraction of the CPU of a
    general client (the polling baseline sends some 1,000 requests a second from one process)."""

    def __init__(self, port: int, timeout: float = 30) -> None:
        self.port = port
        self.timeout = timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        for attempt in (0, 1):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", self.port), self.timeout
                )
            try:
                return await asyncio.wait_for(self._exchange(method, path, headers, body), self.timeout)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if fresh or attempt:  # a kept connection the server closed meanwhile is retried once
                    raise
            except BaseException:
                self.close()
                raise
        raise ConnectionError("unreachable")

    async def _exchange(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        assert self.reader is not None
        assert self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        if method != "GET":
            head += f"Content-Length: {len(body)}\r\n"
        self.writer.write(head.encode("latin-1") + b"\r\n" + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        received: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name:
                received[name.strip().lower()] = value.strip()
        if "content-length" in received:
            content = await self.reader.readexactly(int(received["content-length"]))
        elif received.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                parts.append(chunk[:-2])
            content = b"".join(parts)
        else:
            content = await self.reader.read()
            self.close()
        if received.get("connection", "").lower() == "close":
            self.close()
        return status, received, content


@dataclass
class Phone:
    number: int
    token: str
    vote_at: float  # seconds after the start of the votes
    choice: int
    opened: float | None = None  # seconds the socket took to open
    sent: float | None = None
    acked: float | None = None
    ok: bool | None = None
    message: str = ""
    followed: float | None = None  # when the new version arrived
    html_ok: bool = False
    dropped: bool = False
    gave_up: bool = False  # the socket could not be opened
    messages: int = 0


@dataclass
class Load:
    config: dict[str, Any]
    phones: list[Phone]
    began: float = field(default_factory=time.perf_counter)
    pulls: list[tuple[float, float, int]] = field(default_factory=list)  # (sent, received, participants released)
    pull_errors: int = 0
    target_version: int = 0  # phones "follow" once they see at least this version (set at the advance)
    advanced: asyncio.Event = field(default_factory=asyncio.Event)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    warnings: list[str] = field(default_factory=list)
    poll_requests: list[float] = field(default_factory=list)
    poll_errors: int = 0
    extensions: str = ""
    release_seen: bool = False  # a screen pull held a release count (data-release-participants)
    votes_started: float = 0.0  # perf_counter at the start of the votes
    csrf_token: str = field(default_factory=lambda: "".join(secrets.choice(ALPHABET) for _ in range(32)))

    @property
    def port(self) -> int:
        return int(self.config["port"])

    @property
    def meeting(self) -> dict[str, Any]:
        return self.config["meeting"]

    def now(self) -> float:
        return time.perf_counter()


def progress(message: str) -> None:
    print(f"live:   {message}", file=sys.stderr, flush=True)


def raise_open_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


async def pull_screen(load: Load, http: Http, cookie: str) -> None:
    path = f"/live/{load.meeting['public_id']}/skarm/lage/"
    sent = load.now()
    try:
        status, _headers, body = await http.request("GET", path, {"Cookie": cookie, "X-Live": "1"})
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
        load.pull_errors += 1
        return
    received = load.now()
    if status != 200:
        load.pull_errors += 1
        load.warnings.append(f"the screen's region answered {status}")
        return
    # The "N have answered" line carries the release's participants; before the first release (fewer than k) the
    # region shows no figures, which is a release of 0.
    found = RELEASE_ATTRIBUTE.search(body)
    if found is not None:
        load.release_seen = True
    load.pulls.append((sent, received, int(found.group(1)) if found else 0))


async def screen_on_socket(load: Load, ready: asyncio.Event) -> None:
    """The big screen as live.js runs it: on each "answers" (or "session") push a pull of its region, at most one
    every SCREEN_THROTTLE_S, with a trailing one for pushes that came during the wait or the request."""
    from websockets.asyncio.client import connect

    cookie = load.config["leader_cookie"]
    uri = f"ws://127.0.0.1:{load.port}/ws/live/skarm/{load.meeting['public_id']}/"
    wanted = asyncio.Event()
    http = Http(load.port)

    async def puller() -> None:
        last = -1e9
        while not load.stopping.is_set():
            await wanted.wait()
            wait = last + SCREEN_THROTTLE_S - load.now()
            if wait > 0:
                await asyncio.sleep(wait)
            wanted.clear()
            last = load.now()
            await pull_screen(load, http, cookie)

    task = asyncio.create_task(puller())
    try:
        async with connect(
            uri,
            origin=f"http://127.0.0.1:{load.port}",
            additional_headers={"Cookie": cookie},
            proxy=None,
            open_timeout=30,
            max_size=None,
        ) as socket:
            ready.set()
            wanted.set()  # the page's first look
            async for message in socket:
                kind = json.loads(message).get("type")
                if kind in ("answers", "session"):
                    wanted.set()
    except Exception as error:  # the screen's socket failing is a finding, not a crash of the load generator
        if not load.stopping.is_set():
            load.warnings.append(f"the screen's socket failed: {error!r}")
    finally:
        ready.set()
        task.cancel()
        http.close()


async def screen_polling(load: Load, ready: asyncio.Event) -> None:
    """The big screen without its socket (live.js's fallback): its region every poll_seconds."""
    http = Http(load.port)
    ready.set()
    period = float(load.config["poll_seconds"])
    try:
        while not load.stopping.is_set():
            started = load.now()
            await pull_screen(load, http, load.config["leader_cookie"])
            await asyncio.sleep(max(0.0, period - (load.now() - started)))
    finally:
        http.close()


async def phone_on_socket(load: Load, phone: Phone, gate: asyncio.Semaphore, votes_begin: asyncio.Event) -> None:
    from websockets.asyncio.client import connect

    meeting = load.meeting
    code = meeting["code"]
    uri = f"ws://127.0.0.1:{load.port}/ws/live/{code}/"
    headers = {"Cookie": f"tillit_live_{code}={phone.token}"}
    socket = None
    async with gate:
        for _attempt in range(3):
            started = load.now()
            try:
                socket = await connect(
                    uri,
                    origin=f"http://127.0.0.1:{load.port}",
                    additional_headers=headers,
                    proxy=None,
                    open_timeout=60,
                    max_size=None,
                    ping_interval=None,  # a phone's browser answers pings, it need not send them
                )
                phone.opened = load.now() - started
                break
            except Exception as error:
                phone.message = repr(error)[:200]
                await asyncio.sleep(0.5)
    if socket is None:
        phone.gave_up = True
        return
    if not load.extensions:
        load.extensions = socket.response.headers.get("Sec-WebSocket-Extensions", "") if socket.response else ""

    async def vote() -> None:
        await votes_begin.wait()
        delay = load.votes_started + phone.vote_at - load.now()
        if delay > 0:
            await asyncio.sleep(delay)
        message = {
            "type": "answer",
            "activity": meeting["first"]["public_id"],
            "data": {"choice": [str(phone.choice)]},
        }
        phone.sent = load.now()
        await socket.send(json.dumps(message))

    voter = asyncio.create_task(vote())
    try:
        async for message in socket:
            phone.messages += 1
            received = load.now()
            push = json.loads(message)
            kind = push.get("type")
            if kind == "answered" and phone.acked is None and phone.sent is not None:
                phone.acked, phone.ok, phone.message = received, bool(push.get("ok")), str(push.get("message", ""))
            elif (
                kind == "session"
                and load.target_version
                and phone.followed is None
                and int(push.get("version", 0)) >= load.target_version
            ):
                phone.followed = received
                phone.html_ok = meeting["second"]["public_id"] in str(push.get("html", ""))
    except Exception as error:  # the socket broke: counted as dropped below
        phone.message = repr(error)[:200]
    finally:
        if not load.stopping.is_set():
            phone.dropped = True
        voter.cancel()
        await socket.close()


async def phone_polling(load: Load, phone: Phone, votes_begin: asyncio.Event) -> None:
    """A phone without a socket (live.js's fallback): its region's state every poll_seconds on a kept connection,
    and its vote by HTTP POST with `X-Live: 1` on a connection of its own."""
    meeting = load.meeting
    code = meeting["code"]
    period = float(load.config["poll_seconds"])
    participant_cookie = f"tillit_live_{code}={phone.token}"
    csrf = load.csrf_token

    async def vote() -> None:
        await votes_begin.wait()
        delay = load.votes_started + phone.vote_at - load.now()
        if delay > 0:
            await asyncio.sleep(delay)
        body = urlencode(
            {"csrfmiddlewaretoken": csrf, "activity": meeting["first"]["public_id"], "choice": str(phone.choice)}
        ).encode()
        headers = {
            "Cookie": f"{load.config['csrf_cookie_name']}={csrf}; {participant_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Live": "1",
        }
        http = Http(load.port, timeout=90)
        phone.sent = load.now()
        try:
            status, _headers, content = await http.request("POST", f"/l/{code}/svar/", headers, body)
            phone.acked = load.now()
            try:
                answer = json.loads(content)
                phone.ok, phone.message = status == 200 and bool(answer.get("ok")), str(answer.get("message", ""))
            except ValueError:
                phone.ok, phone.message = False, f"{status}: {content[:120]!r}"
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
            phone.ok, phone.message = False, repr(error)[:200]
        finally:
            http.close()

    voter = asyncio.create_task(vote())
    http = Http(load.port, timeout=90)  # an overloaded server queues the polls: a late answer still counts
    headers = {"Cookie": participant_cookie, "X-Live": "1"}
    path = f"/l/{code}/lage/"
    # live.js: setInterval every poll_seconds; a tick while a request is out makes one more right after it (no
    # sooner than SCREEN_THROTTLE_S after the last one began).
    tick = load.now() + random.Random(phone.number).uniform(0, period)
    again = False
    phone.opened = 0.0
    try:
        while not load.stopping.is_set():
            if not again:
                await asyncio.sleep(max(0.0, tick - load.now()))
                tick += period
            started = load.now()
            try:
                status, _headers, content = await http.request("GET", path, headers)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                status, content = 0, b""
            received = load.now()
            again = tick <= received
            while tick <= received:
                tick += period
            if again:
                await asyncio.sleep(max(0.0, started + SCREEN_THROTTLE_S - load.now()))
            if status == 0:
                load.poll_errors += 1
                continue
            load.poll_requests.append(received - started)
            found = VERSION_IN_JSON.search(content) if status == 200 else None
            if found is None:
                load.poll_errors += 1
            elif load.target_version and phone.followed is None and int(found.group(1)) >= load.target_version:
                phone.followed = received
                phone.html_ok = meeting["second"]["public_id"].encode() in content
            if phone.followed is not None and load.advanced.is_set():
                break  # this phone has what it needs; the others keep polling until they have too
    finally:
        http.close()
        if phone.sent is None or load.stopping.is_set():
            voter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await voter


async def advance_by_post(load: Load) -> tuple[float, float]:
    """The moderator's "next" button: a POST of the control view, signed in as the process leader, with a CSRF
    cookie and the same token in the form, as the browser sends it. Returns (when it was sent, its time)."""
    body = urlencode({"csrfmiddlewaretoken": load.csrf_token, "action": "next"}).encode()
    headers = {
        "Cookie": f"{load.config['leader_cookie']}; {load.config['csrf_cookie_name']}={load.csrf_token}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    http = Http(load.port, timeout=float(load.config["wait_seconds"]))
    sent = load.now()
    try:
        status, received, content = await http.request(
            "POST", f"/live/{load.meeting['public_id']}/styr/", headers, body
        )
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
        load.warnings.append(f"the control view's POST got no answer: {error!r}")
        return sent, load.now() - sent
    finally:
        http.close()
    if status != 302 or "/moderera/" not in received.get("location", ""):
        load.warnings.append(f"the control view's POST answered {status}: {content[:200]!r}")
    return sent, load.now() - sent


async def advance(load: Load, presenter: asyncio.subprocess.Process) -> tuple[float, float]:
    """Tell the presenter to put the next activity on; returns (when it was told, how long the action took)."""
    assert presenter.stdin is not None
    assert presenter.stdout is not None
    told = load.now()
    presenter.stdin.write(b"go\n")
    await presenter.stdin.drain()
    line = await asyncio.wait_for(presenter.stdout.readline(), 60)
    answer = json.loads(line)
    return told, float(answer["seconds"])


async def start_presenter(load: Load) -> asyncio.subprocess.Process:
    code = f"SESSION_PK = {int(load.meeting['pk'])!r}\nNEXT_PK = {int(load.meeting['second']['pk'])!r}\n"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(harness.ROOT / "manage.py"),
        "shell",
        "--no-startup",
        "-c",
        code + PRESENTER_CODE,
        cwd=harness.ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    deadline = time.perf_counter() + 120
    while (line := await asyncio.wait_for(process.stdout.readline(), 120)).strip() != b"ready":
        if not line or time.perf_counter() > deadline:
            raise RuntimeError("the presenter (manage.py shell) did not start")
    return process


async def wait_until(condition: Any, timeout: float, step: float = 0.05) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition():
            return True
        await asyncio.sleep(step)
    return bool(condition())


async def drive(config: dict[str, Any]) -> dict[str, Any]:
    rng = random.Random(config["seed"])
    meeting = config["meeting"]
    vote_seconds = float(config["vote_seconds"])
    wait_seconds = float(config["wait_seconds"])
    phones = [
        Phone(number, token, rng.uniform(0, vote_seconds), rng.randrange(meeting["first"]["options"]))
        for number, token in enumerate(meeting["tokens"])
    ]
    load = Load(config, phones)
    phases: dict[str, float] = {}
    socket_mode = config["mode"] == "socket"
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)

    by_post = config["advance"] == "post"
    presenter = None if by_post else await start_presenter(load)
    screen_ready = asyncio.Event()
    votes_begin = asyncio.Event()
    phases["connect"] = time.time()
    screen = asyncio.create_task((screen_on_socket if socket_mode else screen_polling)(load, screen_ready))
    await asyncio.wait_for(screen_ready.wait(), 60)
    connect_started = load.now()
    if socket_mode:
        gate = asyncio.Semaphore(int(config["connect_concurrency"]))
        tasks = [asyncio.create_task(phone_on_socket(load, phone, gate, votes_begin)) for phone in phones]
        await wait_until(
            lambda: all(p.opened is not None or p.gave_up for p in phones) or all(t.done() for t in tasks), 300
        )
    else:
        tasks = [asyncio.create_task(phone_polling(load, phone, votes_begin)) for phone in phones]
        await asyncio.sleep(float(config["poll_seconds"]) + 1)  # every phone has polled once and keeps on
    connect_seconds = load.now() - connect_started
    connected = sum(1 for phone in phones if phone.opened is not None)
    progress(f"{connected:,} of {len(phones):,} phones connected in {connect_seconds:.1f} s; voting")
    await asyncio.sleep(1.0)

    phases["votes"] = time.time()
    load.votes_started = load.now()
    votes_begin.set()
    await asyncio.sleep(vote_seconds)
    voters = [phone for phone in phones if phone.opened is not None]
    await wait_until(lambda: all(p.acked is not None for p in voters if p.sent is not None), wait_seconds)
    acked = [phone for phone in phones if phone.ok]
    # The screen has caught up once its release holds every acknowledged vote but fewer than k: nothing more can
    # come until others answer. A little longer, for the trailing pull.
    k = int(config["k"])
    await wait_until(
        lambda: bool(load.pulls) and load.pulls[-1][2] >= len(acked) - (k - 1), wait_seconds if acked else 1
    )
    await asyncio.sleep(1.0)
    phases["settled"] = time.time()
    progress(
        f"{len(acked):,} votes acknowledged, the screen shows {load.pulls[-1][2] if load.pulls else 0:,}; advancing"
    )

    load.target_version = int(meeting["version"]) + 1
    phases["advance"] = time.time()
    told, action_seconds = await (advance_by_post(load) if presenter is None else advance(load, presenter))
    load.advanced.set()
    await wait_until(lambda: all(p.followed is not None for p in phones if p.opened is not None), wait_seconds)
    phases["followed"] = time.time()
    followed = sum(1 for phone in phones if phone.followed is not None)
    progress(f"{followed:,} phones followed the advance; closing")
    await asyncio.sleep(0.5)

    load.stopping.set()
    screen.cancel()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, screen, return_exceptions=True)
    if presenter is not None:
        with contextlib.suppress(ProcessLookupError):
            presenter.kill()
        await presenter.wait()
    phases["done"] = time.time()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    return report(load, phases, told, action_seconds, connect_seconds, cpu_before, cpu_after)


def report(
    load: Load,
    phases: dict[str, float],
    told: float,
    action_seconds: float,
    connect_seconds: float,
    cpu_before: Any,
    cpu_after: Any,
) -> dict[str, Any]:
    """The figures of one run. A vote's way to the screen: the votes in the order they were acknowledged (after
    their commit) are the order the releases took them in, so the pull whose release first counts n participants
    shows the first n votes."""
    phones = load.phones
    acked = sorted((phone for phone in phones if phone.ok and phone.acked is not None), key=lambda p: p.acked or 0)
    vote_to_screen: list[float] = []
    shown = 0
    steps: list[int] = []
    last_count = 0
    for _sent, received, count in sorted(load.pulls, key=lambda pull: pull[1]):
        if count > last_count:
            steps.append(count - last_count)
            last_count = count
        while shown < min(count, len(acked)):
            phone = acked[shown]
            assert phone.sent is not None
            vote_to_screen.append(max(0.0, received - phone.sent))
            shown += 1
    refused = [phone for phone in phones if phone.ok is False]
    warnings = list(dict.fromkeys(load.warnings))
    if refused:
        messages = sorted({phone.message for phone in refused})
        warnings.append(f"{len(refused):,} votes refused or failed: {'; '.join(messages)[:300]}")
    unanswered = [phone for phone in phones if phone.sent is not None and phone.acked is None]
    if unanswered:
        warnings.append(f"{len(unanswered):,} votes sent got no answer")
    failed = [phone for phone in phones if phone.opened is None]
    if failed:
        warnings.append(f"{len(failed):,} phones never connected: {sorted({p.message for p in failed})[:3]}")
    bad_html = [phone for phone in phones if phone.followed is not None and not phone.html_ok]
    if bad_html:
        warnings.append(f"{len(bad_html):,} phones got the new version without the next activity in its HTML")
    if acked and not load.release_seen:
        warnings.append(
            'no screen pull held a release count (data-release-participants="<n>" in the screen\'s region): '
            "vote → screen could not be measured"
        )
    if load.pull_errors:
        warnings.append(f"{load.pull_errors:,} screen pulls failed")
    used = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    poll_span = max(phases["done"] - phases["connect"], 1e-9)
    return {
        "mode": load.config["mode"],
        "k": load.config["k"],
        "phases": phases,
        "vote_to_screen": vote_to_screen,
        "advance_to_phones": [phone.followed - told for phone in phones if phone.followed is not None],
        "vote_ack": [phone.acked - phone.sent for phone in phones if phone.acked is not None and phone.sent],
        "connect": [phone.opened for phone in phones if phone.opened is not None],
        "screen_pulls": [received - sent for sent, received, _count in load.pulls],
        "poll_requests": load.poll_requests,
        "poll_rate": len(load.poll_requests) / poll_span,
        "poll_errors": load.poll_errors,
        "release_steps": steps,
        "connected": sum(1 for phone in phones if phone.opened is not None),
        "connect_seconds": connect_seconds,
        "dropped": sum(1 for phone in phones if phone.dropped),
        "extensions": load.extensions,
        "votes_sent": sum(1 for phone in phones if phone.sent is not None),
        "votes_ok": len(acked),
        "votes_shown": shown,
        "phone_messages": sum(phone.messages for phone in phones),
        "advance_action_ms": action_seconds * 1000,
        "loadgen_cpu_s": used,
        "warnings": warnings,
    }


def loadgen_main() -> int:
    raise_open_files()
    config = json.loads(sys.stdin.read())
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result = asyncio.run(drive(config))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["loadgen"]:
        sys.exit(loadgen_main())
    print("Run the benchmark with `bench/run.py live`; `bench/live.py loadgen` is its load generator.", file=sys.stderr)
    sys.exit(2)
