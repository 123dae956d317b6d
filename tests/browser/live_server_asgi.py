"""An ASGI server (uvicorn, as `make demo` and production run the app) for the browser journeys that need WebSockets.

pytest-django's `live_server` is a WSGI server in a thread: it serves pages but no WebSocket, so the live meetings'
pushes cannot reach it. `asgi_server` starts `uvicorn config.asgi:application` as a subprocess on a free port of
127.0.0.1, on the test database pytest-django created (the rows a `transactional_db` test commits are what it
serves), with the in-process channel layer (no REDIS_URL: one process, so every push reaches every socket). It runs
no migrations, and is stopped (terminated, killed if it hangs) before the test database is dropped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tillit.live.tests.servers import uvicorn_command

BASE_DIR = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30
# Inherited from the test process but wrong for a server: it must be a server like any other.
LEFT_OUT = ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "DATABASE_POOL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS")


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """The DATABASE_URL of a PostgreSQL database as Django's connection holds it (the test database's name)."""
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    host = quote(str(settings_dict.get("HOST") or "127.0.0.1"), safe="")  # a socket directory is percent-encoded
    port = settings_dict.get("PORT") or 5432
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{host}:{port}/{quote(str(settings_dict['NAME']), safe='')}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextmanager
def asgi_server(settings_dict: Mapping[str, Any], *, log: Path) -> Iterator[str]:
    """Serve the app over ASGI on the given (PostgreSQL) database; yields its base URL, http://127.0.0.1:<port>.
    The server's output goes to `log`, whose end is shown if it fails to start."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {name: value for name, value in os.environ.items() if name not in LEFT_OUT}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": database_url(settings_dict),
            "SITE_URL": url,
            # The port is not part of a host name: Django and the WebSocket origin check compare 127.0.0.1 alone.
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": url,
            "LOG_FORMAT": "plain",  # "ERROR django.request …": what the journeys look for
            "PYTHONUNBUFFERED": "1",
        }
    )
    command = uvicorn_command(port)
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            _wait_until_ready(server, url, log)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def _wait_until_ready(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn stopped at once (exit {server.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/health/", timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"uvicorn did not answer /health/ within {STARTUP_SECONDS} s:\n{_tail(log)}")
