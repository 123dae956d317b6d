"""A process leader closes a dialogue before its last day: nobody joins or votes after, today becomes its last day,
its results open, and it cannot be opened again."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tillit.dialogues import actions
from tillit.dialogues.models import DialogueAnalysis, Statement, Vote
from tillit.dialogues.tests.conftest import make_dialogue
from tillit.workshops.tests.outside import swedish

pytestmark = pytest.mark.django_db


def url(dialogue, suffix=""):
    return f"/s/{dialogue.public_id}/{suffix}"


def test_closing_now_makes_today_the_last_day_and_opens_the_results(dialogue):
    DialogueAnalysis.objects.filter(dialogue=dialogue).update(dirty=False)

    actions.close_dialogue(dialogue=dialogue)
    dialogue.refresh_from_db()

    assert dialogue.closes_on == timezone.localdate()
    assert dialogue.closed_at is not None
    assert dialogue.has_closed
    assert not dialogue.is_open
    assert dialogue.state() == "closed"
    assert dialogue.results_are_open
    assert DialogueAnalysis.objects.get(dialogue=dialogue).dirty  # the results' release is analysed next


def test_a_closed_dialogue_takes_no_votes_and_cannot_open_again(dialogue, employee):
    participant = actions.participant_for_member(dialogue, employee.memberships.get(), create=True)
    actions.close_dialogue(dialogue=dialogue)
    statement = Statement.objects.filter(dialogue=dialogue).first()

    with pytest.raises(actions.DialogueError):
        actions.vote(participant=participant, statement=statement, value=1)
    with pytest.raises(actions.DialogueError):
        actions.update_dialogue(dialogue=dialogue, closes_on=timezone.localdate() + datetime.timedelta(days=5))
    with pytest.raises(actions.DialogueError):
        actions.close_dialogue(dialogue=dialogue)
    assert not Vote.objects.filter(dialogue=dialogue).exists()


def test_a_dialogue_that_has_not_opened_is_not_closed_but_moved(organisation, facilitator):
    later = make_dialogue(organisation, facilitator, opens_on=timezone.localdate() + datetime.timedelta(days=3))

    with pytest.raises(actions.DialogueError):
        actions.close_dialogue(dialogue=later)
    later.refresh_from_db()
    assert later.closed_at is None


def test_the_leader_confirms_before_the_dialogue_closes(client, dialogue, facilitator):
    client.force_login(facilitator)

    manage = client.get(url(dialogue, "manage/")).content.decode()
    confirm = client.get(url(dialogue, "manage/close/"))
    dialogue.refresh_from_db()

    assert url(dialogue, "manage/close/") in manage
    assert confirm.status_code == 200
    assert swedish("Close the dialogue now?") in confirm.content.decode()
    assert dialogue.closed_at is None  # looking at the question changes nothing

    done = client.post(url(dialogue, "manage/close/"))
    dialogue.refresh_from_db()

    assert done.status_code == 302
    assert dialogue.closed_at is not None
    assert url(dialogue, "manage/close/") not in client.get(url(dialogue, "manage/")).content.decode()


def test_only_a_leader_of_the_organisation_closes_a_dialogue(client, dialogue, employee, outsider):
    client.force_login(employee)
    assert client.post(url(dialogue, "manage/close/")).status_code == 403
    client.force_login(outsider)
    assert client.post(url(dialogue, "manage/close/")).status_code == 404
    dialogue.refresh_from_db()
    assert dialogue.closed_at is None


def test_a_returning_voter_is_told_it_has_closed_not_to_come_back_later(client, dialogue, employee):
    client.force_login(employee)
    client.post(url(dialogue, "join/"))
    actions.close_dialogue(dialogue=dialogue)

    page = client.get(url(dialogue)).content.decode()

    assert swedish("The dialogue has closed") in page
    assert swedish("Thank you. New statements from others may come; look in again later.") not in page
    assert 'name="vote"' not in page
