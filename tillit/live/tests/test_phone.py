"""A participant's phone, from the outside (Django's test Client): the code, joining with and without a background,
the signed-in member's path, answering every kind without JavaScript and with live.js's fetch, the refusals (after
the lock, a second answer, spam, malformed values, another meeting's ids) and the state live.js polls."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.dialogues import actions as dialogue_actions
from tillit.live import actions, rendering
from tillit.live.models import Activity, Answer, LiveSession, Participant, Question, Upvote
from tillit.organisations.models import ActorGroup, Level, Membership
from tillit.workshops import actions as workshop_actions

Kind = Activity.Kind
FETCH = {"X-Live": "1"}


# --- Set-up -----------------------------------------------------------------------------------------------------


@pytest.fixture
def session(organisation) -> LiveSession:
    return actions.create_session(organisation=organisation, title="Forum Tillit i Norrby")


@pytest.fixture
def other_session(organisation) -> LiveSession:
    return actions.create_session(organisation=organisation, title="Ett annat möte")


def on_now(session: LiveSession, kind: str = Kind.POLL, **fields) -> Activity:
    """An activity added to the meeting and put on the screen (opened)."""
    defaults: dict[str, object] = {"prompt": "Vad hindrar tilliten mest?"}
    if kind in (Kind.POLL, Kind.RATING):
        defaults["options"] = ["Detaljstyrning", "Mätningar", "Brist på tid"]
    activity = actions.add_activity(session, kind=kind, **{**defaults, **fields})
    actions.show(session, activity)
    activity.refresh_from_db()
    session.refresh_from_db()
    return activity


def joined(session: LiveSession, client: Client | None = None, **posted) -> Client:
    """A phone that has joined the meeting through its join form."""
    client = client or Client()
    response = client.post(reverse("live:join", kwargs={"code": session.code}), posted)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def follow_url(session: LiveSession) -> str:
    return reverse("live:follow", kwargs={"code": session.code})


def answer_url(session: LiveSession) -> str:
    return reverse("live:answer", kwargs={"code": session.code})


def post_answer(client: Client, session: LiveSession, activity: Activity, **fields):
    return client.post(answer_url(session), {"activity": str(activity.public_id), **fields})


def message_after(client: Client, response) -> str:
    """Follow the redirect back to the phone's page and return its HTML (where the message is shown)."""
    assert response.status_code == 302
    assert response["Location"].startswith("/l/")
    return client.get(response["Location"]).content.decode()


def the_participant(session: LiveSession) -> Participant:
    return Participant.objects.get(session=session)


# --- The code ---------------------------------------------------------------------------------------------------


def test_the_code_page_asks_for_six_digits_on_the_number_pad_and_goes_to_the_meeting(db):
    client = Client()
    page = client.get(reverse("live:enter_code"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'inputmode="numeric"' in html
    assert 'autocomplete="off"' in html
    assert "no-cache" in page["Cache-Control"]
    response = client.post(reverse("live:enter_code"), {"code": " 123 456 "})
    assert response.status_code == 302
    assert response["Location"] == "/l/123456/"


@pytest.mark.parametrize("typed", ["abc", "12345", "1234567", "", "１２３４５６"])
def test_a_code_that_is_not_six_digits_is_refused_with_a_message(db, typed):
    response = Client().post(reverse("live:enter_code"), {"code": typed})
    assert response.status_code == 422
    html = response.content.decode()
    assert _("The code is six digits, like 123456.") in html or _("Write the code, six digits.") in html


def test_a_wrong_code_is_a_clear_page_with_a_way_to_try_again(session):
    wrong = "999999" if session.code != "999999" else "999998"
    response = Client().get(reverse("live:follow", kwargs={"code": wrong}))
    assert response.status_code == 404
    html = response.content.decode()
    assert _("We cannot find that meeting") in html
    assert f'action="{reverse("live:enter_code")}"' in html
    assert 'inputmode="numeric"' in html


def test_wrong_codes_are_rate_limited_per_network_and_the_right_code_too_once_used_up(session, settings):
    settings.LIVE_CODE_MISSES_PER_ADDRESS_PER_HOUR = 3
    phone_in_room = joined(session)
    guesser = Client()
    for guess in ("100000", "100001", "100002"):
        if guess == session.code:
            continue
        assert guesser.get(reverse("live:follow", kwargs={"code": guess})).status_code == 404
    guesser.get(reverse("live:follow", kwargs={"code": "abcdef"}))  # a malformed code is a miss too
    assert guesser.get(reverse("live:follow", kwargs={"code": "100003"})).status_code == 429
    # Once the network's budget is used, the right code tells a new phone nothing either ...
    refused = guesser.get(follow_url(session))
    assert refused.status_code == 429
    assert _("Please wait a while") in refused.content.decode()
    assert guesser.post(reverse("live:join", kwargs={"code": session.code})).status_code == 429
    # ... but a phone that joined before goes on taking part.
    activity = on_now(session)
    assert phone_in_room.get(follow_url(session)).status_code == 200
    assert post_answer(phone_in_room, session, activity, choice="1").status_code == 302
    assert Answer.objects.filter(activity=activity).count() == 1


def test_an_ended_meeting_is_a_friendly_gone_page(session):
    phone = joined(session)
    actions.end_session(session)
    response = phone.get(follow_url(session))
    assert response.status_code == 410
    html = response.content.decode()
    assert _("The meeting has ended") in html
    assert session.title in html  # the phone took part: it may see which meeting
    stranger = Client().get(follow_url(session))
    assert stranger.status_code == 410
    assert session.title not in stranger.content.decode()
    assert Client().post(reverse("live:join", kwargs={"code": session.code})).status_code == 410
    assert Participant.objects.filter(session=session).count() == 1
    fetched = phone.post(answer_url(session), {}, headers=FETCH)
    assert fetched.status_code == 410
    assert fetched.json() == {"ok": False, "message": _("The meeting has ended.")}


# --- Joining ----------------------------------------------------------------------------------------------------


def test_joining_without_being_asked_sets_the_phones_cookie_and_nothing_else(organisation):
    session = actions.create_session(organisation=organisation, title="Utan bakgrund", ask_background=False)
    client = Client()
    page = client.get(follow_url(session))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="radio"' not in html
    assert reverse("live:join", kwargs={"code": session.code}) in html
    response = client.post(reverse("live:join", kwargs={"code": session.code}))
    assert response.status_code == 302
    assert response["Location"] == follow_url(session)
    cookie = response.cookies[f"tillit_live_{session.code}"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert int(cookie["max-age"]) == 12 * 3600
    participant = the_participant(session)
    assert (participant.actor_group, participant.level, participant.verified) == (None, None, False)
    assert cookie.value not in participant.key  # only a keyed digest of the token is kept
    assert cookie.value not in response["Location"]
    # Joined: the page now shows the meeting (waiting for the first question).
    page = client.get(follow_url(session))
    assert _("Wait, the next question is coming soon") in page.content.decode()


def test_a_meeting_open_to_all_asks_no_background(organisation):
    session = actions.create_session(organisation=organisation, title="Regionalt forum", open_to_all=True)
    html = Client().get(follow_url(session)).content.decode()
    assert 'type="radio"' not in html


def test_joining_with_a_stated_actor_group_and_level(session, organisation):
    client = Client()
    html = client.get(follow_url(session)).content.decode()
    politicians = ActorGroup.objects.get(organisation=organisation, key=ActorGroup.Key.POLITICIAN)
    top = Level.objects.get(organisation=organisation, rank=1)
    assert politicians.name in html
    assert top.name in html
    assert _("Prefer not to say") in html
    assert html.count('type="radio"') == (
        ActorGroup.objects.filter(organisation=organisation).count()
        + Level.objects.filter(organisation=organisation).count()
        + 2
    )
    joined(session, client, actor_group=str(politicians.public_id), level=str(top.public_id))
    participant = the_participant(session)
    assert (participant.actor_group, participant.level, participant.verified) == (politicians, top, False)


def test_prefer_not_to_say_is_the_default(session):
    joined(session, actor_group="", level="")
    participant = the_participant(session)
    assert (participant.actor_group, participant.level) == (None, None)


@pytest.mark.parametrize("posted", ["abc", "00000000-0000-0000-0000-000000000000", "the other organisation's"])
def test_a_group_not_on_the_list_is_refused_and_nobody_joins(session, other_organisation, posted):
    if posted == "the other organisation's":
        posted = str(ActorGroup.objects.filter(organisation=other_organisation)[0].public_id)
    response = Client().post(reverse("live:join", kwargs={"code": session.code}), {"actor_group": posted})
    assert response.status_code == 422
    assert _("Choose one of the listed groups.") in response.content.decode()
    assert not Participant.objects.filter(session=session).exists()
    assert f"tillit_live_{session.code}" not in response.cookies


def test_a_signed_in_member_joins_with_their_membership_verified_and_is_not_asked(session, organisation, politician):
    membership = Membership.objects.get(user=politician, organisation=organisation)
    client = Client()
    client.force_login(politician)
    html = client.get(follow_url(session)).content.decode()
    assert 'type="radio"' not in html
    assert organisation.name in html
    staff = ActorGroup.objects.get(organisation=organisation, key=ActorGroup.Key.EMPLOYEE)
    joined(session, client, actor_group=str(staff.public_id))  # a posted group is not what a member joins with
    participant = the_participant(session)
    assert participant.actor_group == membership.actor_group
    assert participant.level == membership.level
    assert participant.verified is True


def test_a_member_of_another_organisation_joins_like_anyone_else(session, outsider):
    client = Client()
    client.force_login(outsider)
    assert 'type="radio"' in client.get(follow_url(session)).content.decode()
    joined(session, client)
    assert the_participant(session).verified is False


def test_a_phone_that_has_not_joined_cannot_answer(session):
    activity = on_now(session)
    client = Client()
    html = message_after(client, post_answer(client, session, activity, choice="0"))
    assert _("Join the meeting first.") in html
    assert not Answer.objects.exists()
    fetched = client.post(answer_url(session), {"activity": str(activity.public_id), "choice": "0"}, headers=FETCH)
    assert fetched.status_code == 422
    assert fetched.json() == {"ok": False, "message": _("Join the meeting first.")}


# --- The page ---------------------------------------------------------------------------------------------------


def test_the_phone_page_carries_what_live_js_needs(session):
    client = joined(session)
    activity = on_now(session)
    response = client.get(follow_url(session))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert f'data-live-socket="/ws/live/{session.code}/"' in html
    assert f'data-live-poll="{reverse("live:phone_state", kwargs={"code": session.code})}"' in html
    assert f'data-live-version="{session.version}"' in html
    assert 'data-live-kind="phone"' in html
    assert "data-live-notice-text=" in html
    assert "data-live-notice" in html
    assert "data-live-region" in html
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', html)
    assert re.search(r'<script src="[^"]*js/live\.js" defer></script>', html)
    assert "css/live-phone.css" in html
    assert f'data-activity="{activity.public_id}"' in html
    assert "data-focus-after-swap" in html
    # The full page's forms carry the real CSRF token (they post without JavaScript).
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', html)


def test_the_pushed_fragment_is_the_same_for_every_phone_and_has_an_empty_csrf_field(session):
    first, second = joined(session), joined(session)
    activity = on_now(session)
    post_answer(first, session, activity, choice="2")
    fragment = rendering.phone_fragment(session)
    assert 'name="csrfmiddlewaretoken" value=""' in fragment
    assert "checked" not in fragment
    state_url = reverse("live:phone_state", kwargs={"code": session.code})
    one, other = first.get(state_url), second.get(state_url)
    assert one.status_code == other.status_code == 200
    assert one.json() == other.json() == {"version": session.version, "html": fragment}
    assert "no-cache" in one["Cache-Control"]
    # Only the phone's own full page shows its answer as chosen.
    own = first.get(follow_url(session)).content.decode()
    assert re.search(r'value="2" checked', own)
    assert not re.search(r"checked", second.get(follow_url(session)).content.decode().split("data-live-region")[1])


def test_the_state_follows_the_presenter(session):
    phone = joined(session)
    state_url = reverse("live:phone_state", kwargs={"code": session.code})
    waiting = phone.get(state_url).json()
    assert _("Wait, the next question is coming soon") in waiting["html"]
    activity = on_now(session, Kind.SCALE, prompt="Hur stor är tilliten?")
    shown = phone.get(state_url).json()
    assert shown["version"] > waiting["version"]
    assert "Hur stor är tilliten?" in shown["html"]
    actions.lock(activity)
    assert _("Voting is closed") in phone.get(state_url).json()["html"]
    actions.end_session(session)
    ended = phone.get(state_url)
    assert ended.status_code == 200
    assert _("The meeting has ended") in ended.json()["html"]
    assert Client().get(reverse("live:phone_state", kwargs={"code": "000001"})).status_code == 404


# --- Answering without JavaScript -------------------------------------------------------------------------------


def test_a_poll_answered_without_javascript(session):
    phone = joined(session)
    activity = on_now(session)
    html = phone.get(follow_url(session)).content.decode()
    assert html.count('type="radio" name="choice"') == 3
    html = message_after(phone, post_answer(phone, session, activity, choice="1"))
    assert _("Thank you. Your answer is saved.") in html
    assert list(Answer.objects.values_list("item", "value")) == [(1, 1)]
    assert re.search(r'value="1" checked', html)


def test_a_poll_with_several_choices(session):
    phone = joined(session)
    activity = on_now(session, several=True)
    assert 'type="checkbox" name="choice"' in phone.get(follow_url(session)).content.decode()
    post_answer(phone, session, activity, choice=["0", "2"])
    assert sorted(Answer.objects.values_list("item", flat=True)) == [0, 2]


@pytest.mark.parametrize("scale", [(1, 5), (0, 10)])
def test_a_scale_answered_without_javascript(session, scale):
    phone = joined(session)
    activity = on_now(session, Kind.SCALE, scale=scale)
    html = phone.get(follow_url(session)).content.decode()
    assert html.count('type="radio" name="value"') == scale[1] - scale[0] + 1
    assert _("lowest") in html
    assert _("highest") in html
    post_answer(phone, session, activity, value=str(scale[1]))
    assert list(Answer.objects.values_list("item", "value")) == [(0, scale[1])]
    assert re.search(rf'value="{scale[1]}" checked', phone.get(follow_url(session)).content.decode())


def test_rate_these_answered_with_an_item_left_out(session):
    phone = joined(session)
    activity = on_now(session, Kind.RATING)
    html = phone.get(follow_url(session)).content.decode()
    for item in range(3):
        assert f'name="value_{item}"' in html
    post_answer(phone, session, activity, value_0="5", value_1="", value_2="2")
    assert sorted(Answer.objects.values_list("item", "value")) == [(0, 5), (2, 2)]


def test_a_word_cloud_answered_without_javascript(session):
    phone = joined(session)
    activity = on_now(session, Kind.WORDS, prompt="Ett ord om tillit")
    html = phone.get(follow_url(session)).content.decode()
    assert html.count('name="word"') == 3
    assert 'maxlength="40"' in html
    post_answer(phone, session, activity, word=["Förtroende", "", "mod"])
    assert sorted(Answer.objects.values_list("text", flat=True)) == ["Förtroende", "mod"]
    assert 'value="Förtroende"' in phone.get(follow_url(session)).content.decode()


def test_a_500_character_word_is_refused_and_nothing_is_stored(session):
    phone = joined(session)
    activity = on_now(session, Kind.WORDS)
    html = message_after(phone, post_answer(phone, session, activity, word="a" * 500))
    assert _("Each answer can be at most %(limit)s characters.") % {"limit": 40} in html
    assert not Answer.objects.exists()
    html = message_after(phone, post_answer(phone, session, activity, word=["ett", "två", "tre", "fyra"]))
    assert _("Write at most %(count)s answers.") % {"count": 3} in html
    assert not Answer.objects.exists()


# --- Answering with live.js's fetch -----------------------------------------------------------------------------


def test_a_fetch_is_answered_with_json(session):
    phone = joined(session)
    activity = on_now(session)
    fields = {"activity": str(activity.public_id), "choice": "0"}
    response = phone.post(answer_url(session), fields, headers=FETCH)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "message": _("Thank you. Your answer is saved.")}
    assert Answer.objects.count() == 1
    refused = phone.post(answer_url(session), {**fields, "choice": "abc"}, headers=FETCH)
    assert refused.status_code == 422
    assert refused.json() == {"ok": False, "message": _("Choose one of the listed answers.")}
    assert list(Answer.objects.values_list("item", flat=True)) == [0]


# --- Refusals ---------------------------------------------------------------------------------------------------


def test_a_vote_after_the_lock_is_refused_and_nothing_is_stored(session):
    phone = joined(session)
    activity = on_now(session)
    actions.lock(activity)
    html = message_after(phone, post_answer(phone, session, activity, choice="0"))
    assert _("Voting on this activity is closed.") in html
    assert not Answer.objects.exists()
    fetched = phone.post(answer_url(session), {"activity": str(activity.public_id), "choice": "0"}, headers=FETCH)
    assert fetched.json() == {"ok": False, "message": _("Voting on this activity is closed.")}


def test_a_second_vote_is_refused_where_changing_is_not_allowed(session):
    phone = joined(session)
    activity = on_now(session, may_change=False)
    post_answer(phone, session, activity, choice="0")
    html = message_after(phone, post_answer(phone, session, activity, choice="2"))
    assert _("You have already answered. This activity does not allow changing the answer.") in html
    assert list(Answer.objects.values_list("item", flat=True)) == [0]
    # The phone's own page shows its answer, and no button to send another.
    page = phone.get(follow_url(session)).content.decode()
    assert _("You have answered.") in page
    assert _("Send answer") not in page
    assert _("Change my answer") not in page


def test_a_second_vote_replaces_the_first_where_changing_is_allowed(session):
    phone = joined(session)
    activity = on_now(session, may_change=True)
    post_answer(phone, session, activity, choice="0")
    post_answer(phone, session, activity, choice="2")
    assert list(Answer.objects.values_list("item", flat=True)) == [2]
    assert _("Change my answer") in phone.get(follow_url(session)).content.decode()


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        (Kind.POLL, {"choice": "abc"}, "Choose one of the listed answers."),
        (Kind.POLL, {"choice": "99"}, "Choose one of the listed answers."),
        (Kind.POLL, {"choice": "-1"}, "Choose one of the listed answers."),
        (Kind.POLL, {"choice": "1" * 5000}, "Choose one of the listed answers."),
        (Kind.POLL, {}, "Choose an answer."),
        (Kind.POLL, {"choice": ["0", "1"]}, "Choose one answer."),
        (Kind.SCALE, {"value": "abc"}, "Choose a value from 1 to 5."),
        (Kind.SCALE, {"value": "6"}, "Choose a value from 1 to 5."),
        (Kind.SCALE, {"value": "0"}, "Choose a value from 1 to 5."),
        (Kind.SCALE, {"value": "3.5"}, "Choose a value from 1 to 5."),
        (Kind.SCALE, {"value": ["2", "3"]}, "Choose a value from 1 to 5."),
        (Kind.SCALE, {}, "Choose a value from 1 to 5."),
        (Kind.RATING, {"value_0": "abc"}, "Choose a value from 1 to 5."),
        (Kind.RATING, {"value_1": "9"}, "Choose a value from 1 to 5."),
        (Kind.RATING, {"value_0": "", "value_1": ""}, "Rate at least one of the items."),
        (Kind.WORDS, {"word": ["", "  "]}, "Write a word or a few."),
        (Kind.WORDS, {"word": "!!!"}, "Write words with letters or digits."),
    ],
)
def test_bad_values_are_a_message_and_never_a_server_error(session, kind, fields, message):
    phone = joined(session)
    activity = on_now(session, kind)
    response = post_answer(phone, session, activity, **fields)
    expected = _(message) if "%" not in message else message
    if kind in (Kind.SCALE, Kind.RATING) and "from" in message:
        expected = _("Choose a value from %(low)s to %(high)s.") % {"low": 1, "high": 5}
    assert expected in message_after(phone, response)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("named", ["another meeting's", "not a uuid", "none", "unknown"])
def test_an_activity_of_another_meeting_is_refused(session, other_session, named):
    phone = joined(session)
    on_now(session)
    elsewhere = on_now(other_session)
    activity = {
        "another meeting's": str(elsewhere.public_id),
        "not a uuid": "abc",
        "none": "",
        "unknown": "00000000-0000-0000-0000-000000000000",
    }[named]
    response = phone.post(answer_url(session), {"activity": activity, "choice": "0"})
    assert _("That question is not part of this meeting.") in message_after(phone, response)
    assert not Answer.objects.exists()


def test_the_question_form_is_not_an_answer(session):
    phone = joined(session)
    activity = on_now(session, Kind.QUESTIONS)
    response = post_answer(phone, session, activity, choice="0")
    assert _("Write your question in the question form.") in message_after(phone, response)


# --- Questions to the panel -------------------------------------------------------------------------------------


def ask_url(session: LiveSession) -> str:
    return reverse("live:ask", kwargs={"code": session.code})


def upvote_url(session: LiveSession, question: Question) -> str:
    return reverse("live:upvote", kwargs={"code": session.code, "question": question.public_id})


def test_questions_are_asked_moderated_and_voted_up_once(session):
    asker, voter = joined(session), joined(session)
    activity = on_now(session, Kind.QUESTIONS, prompt="Frågor till panelen")
    html = message_after(asker, asker.post(ask_url(session), {"activity": str(activity.public_id), "text": "Varför?"}))
    assert _("Thank you. Your question is shown once a moderator has read it.") in html
    question = Question.objects.get()
    assert (question.text, question.status) == ("Varför?", Question.Status.PENDING)
    assert "Varför?" in html  # the asker sees their own question waiting ...
    assert "Varför?" not in voter.get(follow_url(session)).content.decode()  # ... nobody else before moderation
    # Not approved yet: nothing to vote up.
    response = voter.post(upvote_url(session, question))
    assert _("Only approved questions can be voted up.") in message_after(voter, response)
    actions.moderate(question, status=Question.Status.APPROVED)
    page = voter.get(follow_url(session)).content.decode()
    assert "Varför?" in page
    assert upvote_url(session, question) in page
    html = message_after(voter, voter.post(upvote_url(session, question)))
    assert _("Thank you. Your vote is counted.") in html
    assert _("You voted this up") in html
    assert Upvote.objects.count() == 1
    again = voter.post(upvote_url(session, question), headers=FETCH)
    assert again.json() == {"ok": False, "message": _("You have already voted this question up.")}
    assert Upvote.objects.count() == 1


def test_upvote_counts_on_the_phones_come_only_from_the_release_and_from_k_up(session, organisation):
    k = organisation.anonymity_threshold
    activity = on_now(session, Kind.QUESTIONS, moderated=False)
    asker = joined(session)
    asker.post(ask_url(session), {"activity": str(activity.public_id), "text": "Först ställd"})
    asker.post(ask_url(session), {"activity": str(activity.public_id), "text": "Sedan ställd"})
    _first, then = Question.objects.order_by("pk")
    voters = [joined(session) for _voter in range(k)]
    for voter in voters:
        voter.post(upvote_url(session, then))
    votes = ngettext("%(votes)s vote", "%(votes)s votes", k) % {"votes": k}
    before = rendering.phone_fragment(session)
    assert before.index("Först ställd") < before.index("Sedan ställd")  # nothing released yet: asked order
    assert votes not in before
    assert actions.release(activity)
    after = rendering.phone_fragment(session)
    assert after.index("Sedan ställd") < after.index("Först ställd")  # the most voted up first
    assert votes in after.split("Sedan ställd")[1].split("</li>")[0]
    assert after.count(votes) == 1  # the other question has no upvotes to show


@pytest.mark.parametrize("text", ["", "   ", "x" * 281])
def test_an_empty_or_too_long_question_is_refused(session, text):
    phone = joined(session)
    activity = on_now(session, Kind.QUESTIONS)
    response = phone.post(ask_url(session), {"activity": str(activity.public_id), "text": text}, headers=FETCH)
    assert response.status_code == 422
    assert response.json()["ok"] is False
    assert response.json()["message"]
    assert not Question.objects.exists()


def test_a_question_of_another_meeting_cannot_be_voted_up(session, other_session):
    phone = joined(session)
    on_now(session, Kind.QUESTIONS)
    elsewhere = on_now(other_session, Kind.QUESTIONS, moderated=False)
    stranger = joined(other_session)
    stranger.post(ask_url(other_session), {"activity": str(elsewhere.public_id), "text": "Annat möte"})
    question = Question.objects.get()
    response = phone.post(upvote_url(session, question))
    assert _("That question is not part of this meeting.") in message_after(phone, response)
    response = phone.post(ask_url(session), {"activity": str(elsewhere.public_id), "text": "Hit?"})
    assert _("That question is not part of this meeting.") in message_after(phone, response)
    assert not Upvote.objects.exists()
    assert Question.objects.count() == 1


# --- Live runs of other parts -----------------------------------------------------------------------------------


def test_a_workshop_step_links_to_the_workshops_guest_page(session, organisation, facilitator):
    leader = Membership.objects.get(user=facilitator, organisation=organisation)
    today = timezone.localdate()
    workshop = workshop_actions.create_workshop(
        organisation=organisation,
        leader=leader,
        title="Hemtjänstens mål",
        purpose="Att de äldre får den hjälp de behöver.",
        service_user_group="Äldre med hemtjänst",
        units=[],
        starts_on=today,
        ends_on=today,
        guest_places=50,
    )
    phone = joined(session)
    on_now(session, Kind.WORKSHOP, prompt="Föreslå mål", workshop=workshop)
    html = phone.get(follow_url(session)).content.decode()
    assert f"{reverse('workshops:join')}?code={workshop.guest_code}" in html
    assert "Hemtjänstens mål" in html


def test_a_dialogue_step_links_to_its_voting(session, organisation, facilitator):
    leader = Membership.objects.get(user=facilitator, organisation=organisation)
    today = timezone.localdate()
    dialogue = dialogue_actions.create_dialogue(
        organisation=organisation,
        created_by=leader,
        question="Hur bygger vi tillit?",
        access="open",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
    )
    phone = joined(session)
    on_now(session, Kind.DIALOGUE, prompt="Rösta i samtalet", dialogue=dialogue)
    html = phone.get(follow_url(session)).content.decode()
    assert reverse("dialogues:participate", kwargs={"dialogue": dialogue.public_id}) in html


# --- Nothing of the participant ---------------------------------------------------------------------------------


def test_methods_other_than_the_pages_are_refused(session):
    client = joined(session)
    assert client.get(answer_url(session)).status_code == 405
    assert client.get(reverse("live:join", kwargs={"code": session.code})).status_code == 405
    assert client.post(reverse("live:phone_state", kwargs={"code": session.code})).status_code == 405


def test_the_state_names_nobody(session):
    phone = joined(session)
    activity = on_now(session, Kind.WORDS)
    post_answer(phone, session, activity, word="hemligt")
    body = json.dumps(phone.get(reverse("live:phone_state", kwargs={"code": session.code})).json())
    assert "hemligt" not in body
    token = phone.cookies[f"tillit_live_{session.code}"].value
    assert token not in body
