"""The barometer's background work (django-tasks, see tillit.core.background)."""

from __future__ import annotations

import datetime

from django_tasks import task

from tillit.barometer import actions
from tillit.core.background import periodic

SEAL_EVERY = datetime.timedelta(minutes=10)


@periodic(every=SEAL_EVERY)
def seal_due_rounds() -> dict[str, int]:
    """Seal the rounds whose closing date has passed, so that their results open without anyone closing them (the
    `seal_rounds` command does the same from cron, where no worker runs)."""
    done = actions.seal_due_rounds()
    return {"sealed": done.sealed, "failed": done.failed}


@task()
def prepare_export(export_id: int) -> str:
    """Build a round's results file for download (`actions.request_export`)."""
    return actions.build_export(export_id)
