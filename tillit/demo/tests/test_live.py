"""The demo's Live meetings: a finished Forum Tillit session whose results show, and one ready to present."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tillit.accounts.models import User
from tillit.demo.tests.helpers import BuiltDemo
from tillit.live import tally
from tillit.live.demo import FINISHED_TITLE, READY_TITLE
from tillit.live.models import Activity, Answer, LiveSession, Participant, Question
from tillit.organisations.models import Organisation

Kind = Activity.Kind
LEADER = "processledare@exempelkommun.example"


@pytest.fixture
def finished(demo: Organisation) -> LiveSession:
    return LiveSession.objects.get(organisation=demo, title=FINISHED_TITLE)


@pytest.fixture
def ready(demo: Organisation) -> LiveSession:
    return LiveSession.objects.get(organisation=demo, title=READY_TITLE)


def test_the_finished_meeting_had_about_120_phones_across_groups_and_levels(finished: LiveSession) -> None:
    participants = Participant.objects.filter(session=finished)

    assert finished.is_ended
    assert finished.ended_on < finished.ended_on.today()
    assert 110 <= participants.count() <= 130
    assert participants.values("actor_group__key").distinct().count() >= 7
    assert participants.exclude(level=None).values("level__rank").distinct().count() == 5
    assert not participants.filter(verified=True).exists()  # phones without an account


def test_the_finished_meeting_has_six_activities_of_five_kinds_all_locked_and_released(
    finished: LiveSession,
) -> None:
    activities = list(finished.activities.order_by("position"))

    assert [activity.kind for activity in activities] == [
        Kind.POLL,
        Kind.SCALE,
        Kind.WORDS,
        Kind.QUESTIONS,
        Kind.RATING,
        Kind.POLL,
    ]
    assert all(activity.state == Activity.State.LOCKED for activity in activities)
    assert all(activity.release_number >= 4 for activity in activities)
    for activity in activities:
        if activity.kind != Kind.QUESTIONS:
            shown = activity.release["whole"]["participants"]
            answered = Answer.objects.filter(activity=activity).values("participant").distinct().count()
            assert 100 <= shown <= answered  # what came after the last release of fewer than k stays unshown
            assert set(activity.release["atoms"]) > {"|"}  # the breakdown by group and level is kept


def test_the_word_cloud_merges_swedish_forms_and_hides_the_moderated_word(finished: LiveSession) -> None:
    words = finished.activities.get(kind=Kind.WORDS)
    released = {word["stem"]: word for word in words.release["whole"]["words"]}

    assert tally.stem_of("Tilliten") == tally.stem_of("tillit") in released
    stored = set(Answer.objects.filter(activity=words).values_list("text", flat=True))
    assert {"tillit", "Tilliten"} <= stored  # two spellings, one word on the screen
    assert tally.stem_of("kaffe") in words.hidden_words
    assert tally.stem_of("kaffe") not in released


def test_questions_were_moderated_voted_up_and_answered(finished: LiveSession) -> None:
    questions = Question.objects.filter(activity__session=finished)

    assert set(questions.values_list("status", flat=True)) == set(Question.Status.values)
    assert questions.filter(status=Question.Status.ANSWERED).count() == 3
    assert questions.filter(upvotes__gte=20).count() >= 3
    assert not questions.filter(status=Question.Status.REJECTED, upvotes__gt=0).exists()


def test_the_ready_meeting_is_prepared_and_not_started(ready: LiveSession) -> None:
    activities = ready.activities.all()

    assert ready.status == LiveSession.Status.PREPARING
    assert ready.current is None
    assert activities.count() >= 5
    assert all(activity.state == Activity.State.WAITING for activity in activities)
    assert not Participant.objects.filter(session=ready).exists()


def test_the_summary_says_where_to_present_and_the_code(built_demo: BuiltDemo, ready: LiveSession) -> None:
    assert READY_TITLE in built_demo.output
    assert ready.code in built_demo.output
    assert reverse("live:screen", kwargs={"session": ready.public_id}) in built_demo.output


def test_the_process_leader_reads_the_finished_meetings_results(client: Client, finished: LiveSession) -> None:
    client.force_login(User.objects.get(email=LEADER))

    response = client.get(reverse("live:results", kwargs={"session": finished.public_id}))

    assert response.status_code == 200
    page = response.content.decode()
    for activity in finished.activities.all():
        assert activity.prompt in page
