"""The moderator's view from the outside: the page and its region, every button as a plain POST that redirects with
a message (previous/next, show, hide, lock, reopen, results on and off, start, end after a confirmation), moderating
questions and words, bad values refused without a server error, and who may."""

from __future__ import annotations

import html
import re
import uuid

import pytest

from tillit.live import actions
from tillit.live.models import Activity, LiveSession, Question

pytestmark = pytest.mark.django_db

Kind = Activity.Kind


@pytest.fixture
def agenda(session) -> list[Activity]:
    return [
        actions.add_activity(session, kind=Kind.POLL, prompt="Första", options=["Ja", "Nej"]),
        actions.add_activity(session, kind=Kind.WORDS, prompt="Andra"),
        actions.add_activity(session, kind=Kind.QUESTIONS, prompt="Tredje"),
    ]


@pytest.fixture
def moderator(english, facilitator):
    english.force_login(facilitator)
    return english


def moderate_url(session, path: str = "") -> str:
    return f"/live/{session.public_id}/{path}"


def shown_messages(response) -> list[str]:
    """The messages the page the redirect leads to shows (and so uses up)."""
    return [
        html.unescape(text)
        for text in re.findall(r'<p class="message message--\w+" role="\w+">([^<]*)</p>', response.content.decode())
    ]


def press(client, session, **data):
    """Press a button of the moderator's view; return the redirect and the messages the page then shows."""
    response = client.post(moderate_url(session, "styr/"), data)
    assert response.status_code == 302, response.status_code
    assert response["Location"] == moderate_url(session, "moderera/")
    return response, shown_messages(client.get(response["Location"]))


def current(session) -> Activity | None:
    return LiveSession.objects.get(pk=session.pk).current


def test_the_page_and_its_region(moderator, session, agenda):
    page = moderator.get(moderate_url(session, "moderera/"))
    html = page.content.decode()

    assert page.status_code == 200
    assert f'data-live-socket="/ws/live/skarm/{session.public_id}/"' in html
    assert f'data-live-poll="/live/{session.public_id}/moderera/?region=1"' in html
    assert 'data-live-kind="moderator"' in html
    assert all(activity.prompt in html for activity in agenda)

    region = moderator.get(moderate_url(session, "moderera/?region=1")).content.decode()
    assert "<html" not in region
    assert "Första" in region
    assert "csrfmiddlewaretoken" in region


def test_next_previous_show_and_hide(moderator, session, agenda):
    response, said = press(moderator, session, action="next")
    assert response.status_code == 302
    assert response["Location"] == moderate_url(session, "moderera/")
    assert current(session) == agenda[0]
    assert said == ["On the screen now: Första"]
    assert LiveSession.objects.get(pk=session.pk).status == LiveSession.Status.LIVE

    press(moderator, session, action="next")
    assert current(session) == agenda[1]
    press(moderator, session, action="previous")
    assert current(session) == agenda[0]
    _response, said = press(moderator, session, action="previous")
    assert current(session) == agenda[0]
    assert said == ["There is no previous activity."]

    press(moderator, session, action="show", activity=str(agenda[2].public_id))
    assert current(session) == agenda[2]
    _response, said = press(moderator, session, action="next")
    assert current(session) == agenda[2]
    assert said == ["There is no next activity."]

    press(moderator, session, action="hide")
    assert current(session) is None


def test_lock_reopen_and_results(moderator, session, agenda):
    poll = agenda[0]
    press(moderator, session, action="show", activity=str(poll.public_id))

    _response, said = press(moderator, session, action="lock")  # the one on the screen when none is named
    assert Activity.objects.get(pk=poll.pk).state == Activity.State.LOCKED
    assert said == ["Voting is locked."]
    _response, said = press(moderator, session, action="lock", activity=str(poll.public_id))
    assert said == ["The activity is not open for answers."]

    press(moderator, session, action="reopen", activity=str(poll.public_id))
    assert Activity.objects.get(pk=poll.pk).state == Activity.State.OPEN

    press(moderator, session, action="results_off", activity=str(poll.public_id))
    assert not Activity.objects.get(pk=poll.pk).results_shown
    press(moderator, session, action="results_on", activity=str(poll.public_id))
    assert Activity.objects.get(pk=poll.pk).results_shown


def test_start_and_end_after_a_confirmation(moderator, session, agenda):
    press(moderator, session, action="start")
    assert LiveSession.objects.get(pk=session.pk).status == LiveSession.Status.LIVE
    press(moderator, session, action="next")

    asked = moderator.post(moderate_url(session, "styr/"), {"action": "end"})
    assert asked.status_code == 200
    assert "End the meeting?" in asked.content.decode()
    assert 'name="confirmed"' in asked.content.decode()
    assert not LiveSession.objects.get(pk=session.pk).is_ended

    _response, said = press(moderator, session, action="end", confirmed="on")
    ended = LiveSession.objects.get(pk=session.pk)
    assert ended.is_ended
    assert ended.current is None
    assert Activity.objects.get(pk=agenda[0].pk).state == Activity.State.LOCKED
    assert said == ["The meeting has ended. Its results are kept."]

    _response, said = press(moderator, session, action="next")
    assert said == ["The meeting has ended."]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "explode"},
        {"action": "show"},
        {"action": "show", "activity": "not-a-uuid"},
        {"action": "show", "activity": str(uuid.uuid4())},
        {"action": "lock"},  # nothing on the screen
        {"action": "results_on", "activity": "'; DROP TABLE"},
    ],
)
def test_bad_buttons_say_so_and_change_nothing(moderator, session, agenda, data):
    version = LiveSession.objects.get(pk=session.pk).version

    response, said = press(moderator, session, **data)

    assert response.status_code == 302
    assert len(said) == 1
    assert LiveSession.objects.get(pk=session.pk).version == version
    assert current(session) is None


def test_another_meetings_activity_cannot_be_shown_here(moderator, organisation, session, agenda):
    other = actions.create_session(organisation=organisation, title="Annat")
    foreign = actions.add_activity(other, kind=Kind.SCALE, prompt="Främmande")

    _response, said = press(moderator, session, action="show", activity=str(foreign.public_id))

    assert said == ["Choose an activity of this meeting."]
    assert current(session) is None
    assert Activity.objects.get(pk=foreign.pk).state == Activity.State.WAITING


def test_questions_are_moderated(moderator, session, agenda):
    panel = agenda[2]
    actions.show(session, panel)
    phone = actions.join(session, token="a-phone")
    question = actions.ask(panel, phone, "Vem följer upp?")
    url = moderate_url(session, f"fragor/{question.public_id}/")

    region = moderator.get(moderate_url(session, "moderera/?region=1")).content.decode()
    assert "Vem följer upp?" in region
    assert "Waiting for moderation" in region

    moderator.post(url, {"on_screen": "1"})
    assert not Question.objects.get(pk=question.pk).on_screen  # not approved yet: refused

    moderator.post(url, {"status": "approved", "on_screen": "1"})
    moderated = Question.objects.get(pk=question.pk)
    assert moderated.status == Question.Status.APPROVED
    assert moderated.on_screen

    moderator.post(url, {"status": "answered"})
    assert Question.objects.get(pk=question.pk).status == Question.Status.ANSWERED
    moderator.post(url, {"on_screen": "0"})
    assert not Question.objects.get(pk=question.pk).on_screen
    moderator.post(url, {"status": "rejected"})
    assert Question.objects.get(pk=question.pk).status == Question.Status.REJECTED


@pytest.mark.parametrize("data", [{}, {"status": "burnt"}, {"on_screen": "maybe"}])
def test_bad_question_values_are_refused(moderator, session, agenda, data):
    actions.show(session, agenda[2])
    question = actions.ask(agenda[2], actions.join(session, token="a-phone"), "Fråga?")

    response = moderator.post(moderate_url(session, f"fragor/{question.public_id}/"), data)

    assert response.status_code == 302
    assert shown_messages(moderator.get(response["Location"])) == ["Choose what to do with the question."]
    assert Question.objects.get(pk=question.pk).status == Question.Status.PENDING


def test_another_meetings_question_is_not_found(moderator, organisation, session):
    other = actions.create_session(organisation=organisation, title="Annat")
    panel = actions.add_activity(other, kind=Kind.QUESTIONS, prompt="Frågor")
    actions.show(other, panel)
    question = actions.ask(panel, actions.join(other, token="x"), "Deras fråga")

    response = moderator.post(moderate_url(session, f"fragor/{question.public_id}/"), {"status": "approved"})

    assert response.status_code == 404
    assert Question.objects.get(pk=question.pk).status == Question.Status.PENDING


def test_words_are_hidden_and_shown_again(moderator, session, agenda):
    words = agenda[1]
    actions.show(session, words)
    for n in range(5):
        actions.answer(words, actions.join(session, token=f"p{n}"), words=["Tillit", "Skräpord"])

    waiting = moderator.get(moderate_url(session, "moderera/?region=1")).content.decode()
    assert "skräpord" in waiting

    moderator.post(moderate_url(session, "ord/"), {"activity": str(words.public_id), "stem": "skräpord", "do": "hide"})
    hidden = Activity.objects.get(pk=words.pk)
    assert len(hidden.hidden_words) == 1

    screen = moderator.get(f"/live/{session.public_id}/skarm/lage/").content.decode()
    assert "tillit" in screen
    assert "skräpord" not in screen

    stem = hidden.hidden_words[0]
    moderator.post(moderate_url(session, "ord/"), {"activity": str(words.public_id), "stem": stem, "do": "show"})
    assert Activity.objects.get(pk=words.pk).hidden_words == []


@pytest.mark.parametrize(
    "data",
    [{}, {"activity": "nope", "stem": "x", "do": "hide"}, {"activity": str(uuid.uuid4()), "stem": "x", "do": "hide"}],
)
def test_bad_word_values_are_refused(moderator, session, agenda, data):
    response = moderator.post(moderate_url(session, "ord/"), data)

    assert response.status_code == 302
    assert shown_messages(moderator.get(response["Location"])) == ["Choose a word of this meeting's word cloud."]


def test_a_poll_has_no_words_to_hide(moderator, session, agenda):
    response = moderator.post(
        moderate_url(session, "ord/"), {"activity": str(agenda[0].public_id), "stem": "x", "do": "hide"}
    )

    assert shown_messages(moderator.get(response["Location"])) == ["Only a word cloud's words can be hidden."]


@pytest.mark.parametrize(
    ("role", "status"),
    [("facilitator", 200), ("org_admin", 200), ("employee", 403), ("manager", 403), ("outsider", 404)],
)
def test_who_may_moderate(client, session, agenda, request, role, status):
    client.force_login(request.getfixturevalue(role))

    assert client.get(moderate_url(session, "moderera/")).status_code == status
    if status != 200:
        assert client.post(moderate_url(session, "styr/"), {"action": "next"}).status_code == status
        assert client.post(moderate_url(session, "ord/"), {}).status_code == status
        assert client.post(moderate_url(session, f"fragor/{uuid.uuid4()}/"), {}).status_code == status
        assert current(session) is None


def test_a_visitor_is_sent_to_sign_in(client, session):
    response = client.get(moderate_url(session, "moderera/"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.post(moderate_url(session, "styr/"), {"action": "next"}).status_code == 302
    assert current(session) is None


def test_the_buttons_take_posts_only(moderator, session, agenda):
    for path in ("styr/", "ord/", f"fragor/{uuid.uuid4()}/"):
        assert moderator.get(moderate_url(session, path)).status_code == 405


def test_words_waiting_are_listed_only_in_a_moderated_word_cloud(moderator, session):
    free = actions.add_activity(session, kind=Kind.WORDS, prompt="Fritt", moderated=False)
    actions.show(session, free)
    actions.answer(free, actions.join(session, token="p"), words=["Ensamt"])

    region = moderator.get(moderate_url(session, "moderera/?region=1")).content.decode()

    assert "ensamt" not in region.casefold()
