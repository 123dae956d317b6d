"""Keep dialogue analyses up to date: `python manage.py dialogue_worker` (add --once to run one round)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from tillit.dialogues import worker


class Command(BaseCommand):
    help = "Recompute the analysis of every dialogue with new votes, statements or moderation decisions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one round and stop.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between rounds (default 1).")
        parser.add_argument(
            "--debounce",
            type=float,
            default=worker.DEBOUNCE_SECONDS,
            help="Least number of seconds between two analyses of the same dialogue.",
        )

    def handle(self, *args: object, once: bool, interval: float, debounce: float, **options: object) -> None:
        while True:
            close_old_connections()
            try:
                done = worker.run_pending(debounce=0 if once else debounce)
            except Exception as error:  # logged by the worker; keep serving the other dialogues
                self.stderr.write(f"Analysis failed: {error}")
                done = 0
            if once:
                self.stdout.write(f"Analysed {done} dialogue(s).")
                return
            time.sleep(interval)
