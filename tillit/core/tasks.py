"""Housekeeping in the background."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tillit.core.background import periodic

KEEP_FINISHED_TASKS = datetime.timedelta(days=7)


@periodic(every=datetime.timedelta(hours=1))
def prune_finished_tasks() -> int:
    """Finished tasks are kept a week (for looking into a failure), then deleted; returns how many were."""
    deleted, _by_model = (
        DBTaskResult.objects.finished().filter(finished_at__lt=timezone.now() - KEEP_FINISHED_TASKS).delete()
    )
    return deleted
