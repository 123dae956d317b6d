"""gunicorn's settings for the container (Containerfile): one place, overridable by GUNICORN_CMD_ARGS."""

import os
import shutil

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))  # 2 × cores + 1 is the usual rule
# The ASGI application (config.asgi:application): pages and the live meetings' WebSockets in the same processes, which
# meet through Redis (REDIS_URL, the same for every process and machine). uvicorn's worker, config/workers.py.
worker_class = "config.workers.Worker"
timeout = 30
graceful_timeout = 30
# No access log: a barometer answer link's first-visit path must not be kept (README, "Barometer answers and logs").
accesslog = None
errorlog = "-"
# The proxy in front terminates TLS and sets X-Forwarded-*; trust it only for the addresses it comes from.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# prometheus-client's multiprocess mode: the workers' metrics meet in one directory, emptied at each start. Set here,
# in the master, so that every worker it forks inherits it (the background worker and one-off commands do not).
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus")  # noqa: S108 - the container's own tmpfs


def on_starting(server: object) -> None:
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def child_exit(server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
