"""The app served as `make demo` serves it (uvicorn, config.asgi:application), for tests that need real sockets:
several processes sharing Redis (`test_realtime_processes.py`) and the browser journey (`tests/browser`)."""

from __future__ import annotations

import sys


def uvicorn_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "config.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "on",
        "--ws-max-size",
        "65536",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
