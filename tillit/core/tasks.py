"""Housekeeping in the background."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tillit.core import personal_data
from tillit.core.background import periodic
from tillit.core.models import DataProtectionEvent

KEEP_FINISHED_TASKS = datetime.timedelta(days=7)


@periodic(every=datetime.timedelta(hours=1))
def prune_finished_tasks() -> int:
    """Finished tasks are kept a week (for looking into a failure), then deleted; returns how many were."""
    deleted, _by_model = (
        DBTaskResult.objects.finished().filter(finished_at__lt=timezone.now() - KEEP_FINISHED_TASKS).delete()
    )
    return deleted


@periodic(every=datetime.timedelta(days=1))
def apply_retention() -> dict[str, int]:
    """Remove each kind of personal data kept longer than its setting (`settings.RETENTION_DAYS`)."""
    return personal_data.apply_retention()


def _log_due(cutoff: datetime.datetime) -> int:
    return DataProtectionEvent.objects.filter(happened_at__lt=cutoff).count()


def _remove_log(cutoff: datetime.datetime) -> int:
    deleted, _by_model = DataProtectionEvent.objects.filter(happened_at__lt=cutoff).delete()
    return deleted


personal_data.register_retention(
    personal_data.RetentionRule(
        "data_protection_log", "this log of exports, erasures and retention runs", _log_due, _remove_log
    )
)
