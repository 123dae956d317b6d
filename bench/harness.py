"""Shared pieces for benchmarks: the throw-away database, Django commands, gunicorn, load.

A benchmark typically does:

    with bench_database() as database_url:
        env = production_env(database_url)
        prepare_app(env)                          # migrate + collectstatic
        data = django_snippet(SETUP_CODE, env)    # create rows, return JSON
        with gunicorn(env) as server:
            result = load(server.url("/bare/"))

Everything runs in subprocesses of the project's own Python, in the project
root, with a production-like environment (DEBUG off, PostgreSQL).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BENCH_DB_PREFIX = "tillit_bench"  # every bench database's name starts so: the harness drops nothing else
BENCH_DB_NAME_PATTERN = re.compile(r"tillit_bench[a-z0-9_]{0,50}")
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}


class BenchError(Exception):
    """A benchmark cannot run or its target misbehaved; the message says why."""


# Settings from the environment ------------------------------------------------------------


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise BenchError(f"{name} must be a whole number, not {value!r}") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise BenchError(f"{name} must be a number, not {value!r}") from None


@dataclass(frozen=True)
class LoadSettings:
    concurrency: int
    warmup: float
    duration: float
    max_requests: int

    @classmethod
    def from_env(cls) -> LoadSettings:
        settings = cls(
            concurrency=env_int("BENCH_CONCURRENCY", 16),
            warmup=env_float("BENCH_WARMUP", 2.0),
            duration=env_float("BENCH_DURATION", 10.0),
            max_requests=env_int("BENCH_MAX_REQUESTS", 500_000),
        )
        if not 1 <= settings.concurrency <= 1024:
            raise BenchError("BENCH_CONCURRENCY must be between 1 and 1024")
        if not (0 <= settings.warmup <= 600 and 0 < settings.duration <= 600):
            raise BenchError("BENCH_WARMUP must be 0–600 and BENCH_DURATION 0–600 (seconds)")
        if settings.max_requests < 1:
            raise BenchError("BENCH_MAX_REQUESTS must be at least 1")
        return settings


def default_workers() -> int:
    """2 × cores − 1: gunicorn's 2 × cores + 1, less the cores the load generator and PostgreSQL need."""
    return env_int("BENCH_WORKERS", max(2, 2 * (os.cpu_count() or 1) - 1))


# The throw-away PostgreSQL database ------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


_current_benchmark = ""  # set by run.py before each benchmark, so that each has its own database


def use_benchmark(name: str) -> None:
    """Name the benchmark that runs next: its database defaults to `tillit_bench_<name>`."""
    global _current_benchmark
    _current_benchmark = re.sub(r"[^a-z0-9_]", "_", name.lower())


def bench_database_name() -> str:
    """BENCH_DB_NAME, or `tillit_bench_<benchmark>`: two benchmarks running at once never share a database.

    The name must start with `tillit_bench`, so that no setting can make the harness drop another database.
    """
    default = f"{BENCH_DB_PREFIX}_{_current_benchmark}" if _current_benchmark else BENCH_DB_PREFIX
    name = os.environ.get("BENCH_DB_NAME", "").strip() or default
    if not BENCH_DB_NAME_PATTERN.fullmatch(name):
        raise BenchError(
            f"BENCH_DB_NAME must start with {BENCH_DB_PREFIX!r} and hold only a-z, 0-9 and _ (at most 62 "
            f"characters), not {name!r}: the benchmark drops that database at the start and the end"
        )
    return name


def bench_database_urls() -> tuple[str, str]:
    """(URL of the `postgres` maintenance database, URL of the bench database), from DATABASE_URL."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        raise BenchError(
            "DATABASE_URL is not set, so Tillit would use SQLite. The benchmarks measure the production "
            "set-up and run on PostgreSQL only: use `make bench`, or set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/tillit"
        )
    scheme = urlsplit(url).scheme.lower()
    if scheme not in POSTGRES_SCHEMES:
        raise BenchError(
            f"DATABASE_URL uses {scheme or 'no scheme'!r}; the benchmarks run on PostgreSQL only "
            "(SQLite is for development and tests), e.g. postgres://postgres@127.0.0.1:5432/tillit"
        )
    return _with_database(url, "postgres"), _with_database(url, bench_database_name())


def _psycopg_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, parts.fragment))


def _admin_execute(admin_url: str, sql: str) -> None:
    import psycopg  # the project's own driver, in its venv

    with psycopg.connect(_psycopg_url(admin_url), autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(_psycopg_url(url), connect_timeout=10) as conn:
        row = conn.execute("SELECT current_setting('server_version')").fetchone()
    return str(row[0]) if row else "?"


@contextlib.contextmanager
def bench_database() -> Iterator[str]:
    """Drop and create the bench database (`bench_database_name()`), yield its URL, drop it afterwards."""
    admin_url, url = bench_database_urls()
    name = bench_database_name()
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    try:
        _admin_execute(admin_url, drop)
        _admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    except Exception as error:
        raise BenchError(f"cannot create the bench database through {admin_url}: {error}") from error
    try:
        yield url
    finally:
        try:
            _admin_execute(admin_url, drop)
        except Exception as error:
            print(f"warning: could not drop {name}: {error}", file=sys.stderr)


# Django in subprocesses ----------------------------------------------------------------------


def random_secret_key(length: int = 50) -> str:
    alphabet = string.ascii_letters + string.digits + "!#%()*+-./:;<=>?@[]^_{|}~"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production deployment on loopback without TLS."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DEBUG"))}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": random_secret_key(),
            "DATA_KEY": random_secret_key(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


BENCH_REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own, emptied before each use


def shared_cache() -> dict[str, str]:
    """REDIS_URL for the app, as deployed (compose.yaml): the bench's own Redis database, emptied first; nothing
    when no Redis answers (BENCH_REDIS_URL=none turns it off), so the app then keeps its cache in the database."""
    url = os.environ.get("BENCH_REDIS_URL", BENCH_REDIS_URL).strip()
    if url.lower() in ("", "none", "off"):
        return {}
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
    except Exception:  # any failure means: no Redis here
        return {}
    return {"REDIS_URL": url}


def manage(args: list[str], env: dict[str, str], *, timeout: float = 300) -> str:
    """Run `manage.py <args>` and return its standard output; BenchError with the output if it fails."""
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"manage.py {' '.join(args[:1])} took longer than {timeout:.0f} s") from error
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-3000:]
        raise BenchError(f"manage.py {' '.join(args[:1])} failed ({done.returncode}):\n{output}")
    return done.stdout


def prepare_app(env: dict[str, str]) -> None:
    """Migrate the bench database and collect the static files (the manifest DEBUG=0 needs)."""
    manage(["migrate", "--noinput"], env)
    manage(["collectstatic", "--noinput"], env)


def django_snippet(code: str, env: dict[str, str], *, timeout: float = 300) -> object:
    """Run Python code inside Django (`manage.py shell -c`); its last output line must be JSON."""
    output = manage(["shell", "--no-startup", "-c", code], env, timeout=timeout)
    lines = [line for line in output.splitlines() if line.strip()]
    if not lines:
        raise BenchError("the Django snippet printed nothing")
    try:
        return json.loads(lines[-1])
    except json.JSONDecodeError as error:
        raise BenchError(f"the Django snippet did not end with a JSON line:\n{output[-2000:]}") from error


# HTTP -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float = 0.0

    def excerpt(self, limit: int = 1500) -> str:
        return self.body.decode("utf-8", "replace")[:limit]


def fetch(url: str, headers: dict[str, str] | None = None, *, timeout: float = 10) -> Response:
    """One GET without following redirects."""
    return request("GET", url, headers, timeout=timeout)


def request(
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    *,
    timeout: float = 10,
) -> Response:
    """One request on a new connection (as to gunicorn's sync workers), without following redirects.

    `Response.seconds` is the time from connecting to the last byte of the body.
    """
    parts = urlsplit(url)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
    try:
        path = parts.path + ("?" + parts.query if parts.query else "")
        conn.request(method, path or "/", body=body, headers=headers or {})
        response = conn.getresponse()
        content = response.read()
        seconds = time.perf_counter() - started
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, content, seconds)
    finally:
        conn.close()


def expect_ok(url: str, headers: dict[str, str] | None = None, *, what: str, server: Server | None = None) -> Response:
    """Fail loudly, with the start of the body (and the server's log), unless `url` answers 200."""
    response = fetch(url, headers)
    if response.status != 200:
        location = response.headers.get("location")
        hint = f" (redirects to {location})" if location else ""
        log = server.log_tail() if server is not None else ""
        cause = last_exception_line(log)
        message = f"{what} {url} answered {response.status}{hint}, not 200" + (f": {cause}" if cause else "")
        message += f"\n{response.excerpt()}"
        if log:
            message += f"\n--- server log (end) ---\n{log}"
        raise BenchError(message)
    return response


def last_exception_line(log: str) -> str:
    """The `SomeError: message` line that ends the last traceback in a log, if any."""
    found = re.findall(r"^[A-Za-z_][\w.]*(?:Error|Exception|DoesNotExist|Exit)\b.*$", log, flags=re.MULTILINE)
    return found[-1].strip() if found else ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    base_url: str
    workers: int
    log_path: Path
    pid: int = 0  # the gunicorn master's

    def url(self, path: str) -> str:
        return self.base_url + path

    def worker_pids(self) -> list[int]:
        return child_pids(self.pid) if self.pid else []

    def log_tail(self, limit: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-limit:]
        except OSError:
            return ""


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], *, workers: int | None = None, startup_timeout: float = 60, worker_timeout: int = 60
) -> Iterator[Server]:
    """Serve the app with gunicorn (sync workers, no access log) on a free loopback port.

    A worker busy with one request for longer than `worker_timeout` seconds is killed (gunicorn's --timeout).

    The server runs in its own process group and is always stopped on the way
    out: SIGTERM to its master, then SIGKILL to the group if it lingers.
    """
    workers = workers or default_workers()
    port = free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="tillit-bench-"))
    log_path = log_dir / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--graceful-timeout",
        "5",
        "--timeout",
        str(worker_timeout),
    ]
    server = Server(base_url=f"http://127.0.0.1:{port}", workers=workers, log_path=log_path)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server.pid = process.pid
    try:
        _wait_healthy(server, process, startup_timeout)
        yield server
    finally:
        stop_process(process)
        with contextlib.suppress(OSError):
            log_path.unlink()
            log_dir.rmdir()


def _wait_healthy(server: Server, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited ({process.returncode}) on start-up:\n{server.log_tail()}")
        try:
            response = fetch(server.url("/health/"), timeout=2)
            if response.status == 200:
                return
            last = f"{response.status}: {response.excerpt(300)}"
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /health/ with 200 within {timeout:.0f} s ({last}):\n{server.log_tail()}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then after 10 s SIGKILL to its whole process group (started with start_new_session)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    # Workers left behind by a master that died first share its process group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


# Memory -----------------------------------------------------------------------------------------


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (Linux /proc; empty elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after its last ')'.
            fields = entry.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if len(fields) > 1 and int(fields[1]) == parent:
            found.append(int(entry.parent.name))
    return sorted(found)


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident memory of a running process so far (VmHWM, Linux), in MB; None when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        return None
    return None


# Load -----------------------------------------------------------------------------------------


def load(url: str, settings: LoadSettings, *, headers: list[str] | None = None) -> dict[str, object]:
    """Run bench/loadgen.py against `url` in its own process and return its figures."""
    command = [
        sys.executable,
        str(BENCH / "loadgen.py"),
        url,
        "--concurrency",
        str(settings.concurrency),
        "--warmup",
        str(settings.warmup),
        "--duration",
        str(settings.duration),
        "--max-requests",
        str(settings.max_requests),
    ]
    for header in headers or []:
        command += ["--header", header]
    timeout = settings.warmup + settings.duration + 60
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"the load generator did not finish within {timeout:.0f} s") from error
    if done.returncode != 0:
        raise BenchError(f"the load generator failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


# Timings ---------------------------------------------------------------------------------------


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list, as the load generator computes it (0 for an empty one)."""
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def timings(seconds: list[float]) -> dict[str, float]:
    """Median, p95 (nearest rank: the slowest of fewer than 20), min and max of durations, in milliseconds."""
    ordered = sorted(seconds)
    if not ordered:
        return {"n": 0, "median_ms": 0.0, "p95_ms": 0.0, "min_ms": 0.0, "max_ms": 0.0}
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 2),
        "min_ms": round(ordered[0] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def timing_row(measure: str, seconds: list[float], **extra: object) -> dict[str, object]:
    """A row of a benchmark's table: the measure, how many, median, p95 and min in ms, and any further columns."""
    summary = timings(seconds)
    return {
        "measure": measure,
        "n": summary["n"],
        "median ms": summary["median_ms"],
        "p95 ms": summary["p95_ms"],
        "min ms": summary["min_ms"],
        **extra,
    }


# Facts ----------------------------------------------------------------------------------------


def machine_facts(database_url: str) -> dict[str, object]:
    try:
        import gunicorn as gunicorn_package

        gunicorn_version = gunicorn_package.__version__
    except ImportError:
        gunicorn_version = "missing"
    try:
        import django

        django_version = django.get_version()
    except ImportError:
        django_version = "missing"
    return {
        "cores": os.cpu_count(),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "django": django_version,
        "postgresql": postgres_version(database_url),
        "gunicorn": gunicorn_version,
    }
