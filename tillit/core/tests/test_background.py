"""The worker's housekeeping: periodic tasks come back by themselves, once; finished tasks are pruned after a week."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tillit.core import tasks
from tillit.core.background import enqueue_periodic, waiting

pytestmark = pytest.mark.django_db


def test_each_periodic_task_is_enqueued_once_however_often_a_worker_starts():
    DBTaskResult.objects.all().delete()

    first = enqueue_periodic()
    second = enqueue_periodic()

    assert first >= 3  # the pruning here, the dialogue sweep, the sealing of rounds
    assert second == 0
    assert waiting(tasks.prune_finished_tasks) == 1


def test_finished_tasks_are_pruned_after_a_week():
    DBTaskResult.objects.all().delete()
    enqueue_periodic()
    old, recent = DBTaskResult.objects.order_by("id")[:2]
    for result, age in ((old, 8), (recent, 1)):
        DBTaskResult.objects.filter(pk=result.pk).update(
            status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now() - datetime.timedelta(days=age)
        )

    assert tasks.prune_finished_tasks.call() == 1
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    assert DBTaskResult.objects.filter(pk=recent.pk).exists()


def test_the_worker_runs_what_is_ready_and_stops_in_batch_mode(monkeypatch):
    # In a test the connection is inside the test's transaction, which the worker's look at old connections would
    # take for a broken one and close; here it must stay.
    from django_tasks_db.management.commands import db_worker

    from tillit.core.management.commands import worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    DBTaskResult.objects.all().delete()
    tasks.prune_finished_tasks.enqueue()

    call_command("worker", "--batch", "--interval", "0", stdout=io.StringIO())

    assert DBTaskResult.objects.filter(task_path=tasks.prune_finished_tasks.module_path).successful().exists()
