"""gunicorn's worker for the ASGI application (`deploy/gunicorn.conf.py`, `config/asgi.py`): uvicorn's, with the
live sockets' limits. Pages and WebSockets are served by the same processes."""

from typing import Any

from uvicorn_worker import UvicornWorker


class Worker(UvicornWorker):
    CONFIG_KWARGS: dict[str, Any] = {
        **UvicornWorker.CONFIG_KWARGS,
        "lifespan": "on",
        # A socket's message is an answer of a few fields: larger ones are refused before they are read whole.
        "ws_max_size": 65_536,
        # No access log: a barometer answer link's first-visit path must not be kept (README).
        "access_log": False,
    }
