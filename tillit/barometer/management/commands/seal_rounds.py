"""Seal the barometer rounds that have closed: `python manage.py seal_rounds` (run it from cron, say every hour).

A round's results open when it is closed and its answers sealed. Closing a round from its page seals it at once; a
round whose closing date passes without anyone closing it waits for this command (or for a process leader's
"Publish the results"), and until then its pages say that the results are being prepared.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tillit.barometer import actions


class Command(BaseCommand):
    help = "Seal every closed barometer round whose answers are not sealed yet, so that its results open."

    def handle(self, *args: object, **options: object) -> None:
        done = actions.seal_due_rounds()
        self.stdout.write(f"Sealed {done.sealed} round(s).")
        if done.failed:
            raise CommandError(f"{done.failed} round(s) could not be sealed; they are tried again on the next run.")
