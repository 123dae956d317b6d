"""Run the background work: `python manage.py worker` (add --batch to stop when nothing is left to do)."""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError, close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from tillit.core.background import enqueue_periodic

log = logging.getLogger("tillit.worker")

RECONNECT_SECONDS = 2.0


class Command(BaseCommand):
    help = "Run background tasks (django-tasks, database backend); keeps running through database outages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=0.5, help="Seconds between looks for work (0.5).")
        parser.add_argument("--batch", action="store_true", help="Stop when no task is ready to run.")

    def handle(self, *args: Any, interval: float, batch: bool, **options: Any) -> None:
        worker_id = f"{socket.gethostname()}-{os.getpid()}"[:64]
        while True:
            try:
                close_old_connections()
                enqueue_periodic()
                worker = Worker(
                    queue_names=["default"],
                    interval=interval,
                    batch=batch,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id=worker_id,
                    excluded_queue_names=[],
                )
                worker.configure_signals()  # SIGTERM: finish the running task, then stop
                worker.run()
            except (OperationalError, InterfaceError) as error:
                if batch:
                    raise  # a run that should end does not wait for the database
                # The database went away: django-tasks-db's worker would exit; wait for it to come back instead.
                # A task it was running keeps its own lease (see each part's tasks) and is picked up again.
                log.warning(
                    "Database unavailable (%s: %s); trying again in %.0f s",
                    type(error).__name__,
                    error,
                    RECONNECT_SECONDS,
                )
                close_old_connections()
                time.sleep(RECONNECT_SECONDS)
                continue
            return  # nothing left in batch mode, or stopped by a signal after finishing its task
