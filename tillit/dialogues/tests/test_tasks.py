"""The analysis in the background (issue 15, point 1): one task per burst of votes, a claim that is a lease, a
failed run tried again, and a run that died picked up by the sweep."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tillit.core.background import enqueue_periodic
from tillit.dialogues import actions, tasks, worker
from tillit.dialogues.models import DialogueAnalysis
from tillit.dialogues.tests.test_worker import camps

pytestmark = pytest.mark.django_db


def enqueued_refreshes() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path=tasks.refresh_dialogue.module_path, status=TaskResultStatus.READY)
    )


def analysis_of(dialogue) -> DialogueAnalysis:
    return DialogueAnalysis.objects.get(dialogue=dialogue)


@pytest.fixture
def voted(dialogue, organisation, make_member):
    """A dialogue with votes whose analysis is due, and no task enqueued yet."""
    camps(dialogue, organisation, make_member)
    DBTaskResult.objects.all().delete()
    return dialogue


def test_a_burst_of_votes_enqueues_one_analysis(
    dialogue, organisation, make_member, django_capture_on_commit_callbacks
):
    DialogueAnalysis.objects.filter(dialogue=dialogue).update(dirty=False)
    [statement] = actions.add_seed_statements(dialogue=dialogue, texts=["Mer tid för mötet"])
    DialogueAnalysis.objects.filter(dialogue=dialogue).update(dirty=False)
    DBTaskResult.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            participant = actions.participant_for_member(dialogue, make_member(organisation), create=True)
            actions.vote(participant=participant, statement=statement, value=1)

    [refresh] = enqueued_refreshes()
    assert refresh.args_kwargs["args"] == [dialogue.pk]


def test_a_run_soon_after_the_last_one_waits_for_the_debounce(voted, django_capture_on_commit_callbacks):
    tasks.refresh_dialogue.call(voted.pk)
    DialogueAnalysis.objects.filter(dialogue=voted).update(dirty=True)
    computed_at = analysis_of(voted).computed_at

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refresh_dialogue.call(voted.pk) == "debounced"

    [later] = enqueued_refreshes()
    assert later.run_after >= computed_at + tasks.DEBOUNCE - datetime.timedelta(milliseconds=50)
    assert analysis_of(voted).computed_at == computed_at


def test_the_task_analyses_once_and_gives_the_lease_back(voted):
    assert tasks.refresh_dialogue.call(voted.pk) == "analysed"
    DialogueAnalysis.objects.filter(dialogue=voted).update(computed_at=timezone.now() - tasks.DEBOUNCE)
    assert tasks.refresh_dialogue.call(voted.pk) == "up to date"

    stored = analysis_of(voted)
    assert stored.computed_at is not None
    assert (stored.dirty, stored.leased_until, stored.failures) == (False, None, 0)


def test_a_dialogue_held_by_a_live_lease_is_looked_at_again_later(voted, django_capture_on_commit_callbacks):
    DialogueAnalysis.objects.filter(dialogue=voted).update(leased_until=timezone.now() + datetime.timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refresh_dialogue.call(voted.pk) == "held"

    assert analysis_of(voted).computed_at is None
    assert len(enqueued_refreshes()) == 1


def test_a_failed_analysis_is_tried_again_after_a_pause(voted, monkeypatch, django_capture_on_commit_callbacks):
    def fail(dialogue):
        raise RuntimeError("the analysis broke")

    monkeypatch.setattr(worker, "analyse_dialogue", fail)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        tasks.refresh_dialogue.call(voted.pk)

    stored = analysis_of(voted)
    assert stored.dirty
    assert stored.failures == 1
    assert stored.failed_at is not None
    assert stored.leased_until > timezone.now()  # the pause before the next try
    [retry] = enqueued_refreshes()
    assert retry.run_after >= stored.leased_until - datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refresh_dialogue.call(voted.pk) == "held"  # not before the pause is over
    assert all(again.run_after >= stored.leased_until - datetime.timedelta(seconds=1) for again in enqueued_refreshes())

    monkeypatch.undo()
    DialogueAnalysis.objects.filter(dialogue=voted).update(leased_until=timezone.now())
    assert tasks.refresh_dialogue.call(voted.pk) == "analysed"
    assert analysis_of(voted).failures == 0


def test_a_run_that_died_is_picked_up_by_the_sweep_when_its_lease_expires(voted, django_capture_on_commit_callbacks):
    """A worker killed mid-analysis (or a database gone) leaves the claim: flag cleared, lease held."""
    expired = timezone.now() - datetime.timedelta(seconds=1)
    DialogueAnalysis.objects.filter(dialogue=voted).update(dirty=False, leased_until=expired)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_dialogues.call() == 1

    assert [refresh.args_kwargs["args"] for refresh in enqueued_refreshes()] == [[voted.pk]]
    assert tasks.refresh_dialogue.call(voted.pk) == "analysed"


def test_a_live_lease_is_left_alone_by_the_sweep(voted):
    DialogueAnalysis.objects.filter(dialogue=voted).update(
        dirty=False, leased_until=timezone.now() + datetime.timedelta(minutes=1)
    )

    assert tasks.sweep_dialogues.call() == 0
    assert not analysis_of(voted).dirty


def test_the_sweep_enqueues_its_next_run_once(db):
    DBTaskResult.objects.all().delete()

    enqueue_periodic()
    enqueue_periodic()
    tasks.sweep_dialogues.call()

    waiting = DBTaskResult.objects.filter(task_path=tasks.sweep_dialogues.module_path, status=TaskResultStatus.READY)
    assert waiting.count() == 1


def test_the_moderation_page_says_where_the_analysis_stands(client, facilitator, voted, monkeypatch):
    client.force_login(facilitator)
    url = f"/s/{voted.public_id}/manage/"

    waiting = client.get(url).content.decode()
    monkeypatch.setattr(worker, "analyse_dialogue", lambda dialogue: (_ for _ in ()).throw(RuntimeError("broken")))
    with pytest.raises(RuntimeError):
        tasks.refresh_dialogue.call(voted.pk)
    failed = client.get(url).content.decode()

    assert "väntar på analysen" in waiting
    assert "Inte analyserad än" in waiting
    assert "misslyckades en gång" in failed
