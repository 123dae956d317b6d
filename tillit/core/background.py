"""Background work: django-tasks (the backport of Django 6's tasks) with its database backend.

Parts define their tasks with `django_tasks.task` and enqueue them after the transaction that made them due commits
(`enqueue_after_commit`). Work that must also happen when nothing enqueued it (picking up after a worker was killed,
sealing rounds whose date has passed) is a *periodic* task: `periodic(every=…)` makes a task enqueue its own next run
before it runs, and `python manage.py worker` enqueues each one when it starts, so a periodic task keeps running as
long as some worker does. The worker (`tillit.core.management.commands.worker`) is django-tasks-db's own, restarted
when the database goes away instead of exiting.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

__all__ = ["enqueue_after_commit", "enqueue_periodic", "periodic", "waiting"]

_periodic: list[Task[[], Any]] = []


def periodic(*, every: datetime.timedelta) -> Callable[[Callable[[], Any]], Task[[], Any]]:
    """A task without arguments that runs again `every` after each run, whoever ran it."""

    def decorate(function: Callable[[], Any]) -> Task[[], Any]:
        @functools.wraps(function)
        def run_and_come_back() -> Any:
            # The next run is enqueued first: a worker killed during this one leaves it waiting.
            _enqueue_once(periodic_task, run_after=timezone.now() + every)
            return function()

        periodic_task: Task[[], Any] = task()(run_and_come_back)
        _periodic.append(periodic_task)
        return periodic_task

    return decorate


def enqueue_periodic() -> int:
    """Enqueue every periodic task that has no run waiting (when a worker starts); returns how many were."""
    return sum(_enqueue_once(periodic_task) for periodic_task in _periodic)


def _enqueue_once(periodic_task: Task[[], Any], run_after: datetime.datetime | None = None) -> bool:
    if waiting(periodic_task):
        return False
    (periodic_task.using(run_after=run_after) if run_after else periodic_task).enqueue()
    return True


def waiting(any_task: Task[..., Any]) -> int:
    """How many runs of a task are enqueued and not started."""
    return DBTaskResult.objects.filter(task_path=any_task.module_path, status=TaskResultStatus.READY).count()


def enqueue_after_commit(
    any_task: Task[..., Any], *args: Any, delay: datetime.timedelta | None = None, **kwargs: Any
) -> None:
    """Enqueue once the current transaction commits (at once outside one); a failure to enqueue is logged, not
    raised: what made the work due is saved, and the periodic sweeps of each part find it."""

    def enqueue() -> None:
        try:
            (any_task.using(run_after=timezone.now() + delay) if delay else any_task).enqueue(*args, **kwargs)
        except Exception:
            log.exception("Could not enqueue %s", any_task.name)

    transaction.on_commit(enqueue)
