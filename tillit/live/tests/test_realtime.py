"""The live sockets in one process (the in-process channel layer of settings_test), through the whole ASGI application
of `config/asgi.py`: routing, the session cookie, the origin check and the consumers, against the real database.

The consumers read the database from other threads, so these tests commit (`transaction=True`). Channels' own
`channels.testing` needs daphne (which Tillit does not use), so the few lines of its WebsocketCommunicator are here."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from config.asgi import application
from tillit.live import actions, consumers, realtime
from tillit.live.models import Activity, Answer, LiveSession
from tillit.live.views.phone import cookie_name

pytestmark = pytest.mark.django_db(transaction=True)

Kind = Activity.Kind
WAIT = 5  # seconds: the consumers' database work runs in threads


class Meeting:
    def __init__(self, organisation):
        self.session = actions.create_session(organisation=organisation, title="Forum Tillit")
        self.poll = actions.add_activity(
            self.session, kind=Kind.POLL, prompt="Vad tar mest tid?", options=["Möten", "Rapporter"]
        )
        self.scale = actions.add_activity(self.session, kind=Kind.SCALE, prompt="Hur stort är förtroendet?")
        actions.start_session(self.session)
        actions.show(self.session, self.poll)
        self.token = actions.new_participant_token()
        actions.join(self.session, token=self.token)

    def refreshed(self) -> LiveSession:
        return LiveSession.objects.get(pk=self.session.pk)

    def phone_cookies(self, *, token: str | None = None) -> dict[str, str]:
        # English: the replies are then the msgids, whatever the catalogue says.
        return {
            cookie_name(self.session.code): self.token if token is None else token,
            settings.LANGUAGE_COOKIE_NAME: "en",
        }


class WebsocketCommunicator(ApplicationCommunicator):
    """A socket to the ASGI application, as Channels' WebsocketCommunicator."""

    def __init__(self, app, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        super().__init__(
            app, {"type": "websocket", "path": path, "query_string": b"", "headers": headers, "subprotocols": []}
        )

    async def connect(self, timeout: float = 1) -> tuple[bool, object]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept"
        return True, response.get("subprotocol")

    async def send_to(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is not None:
            await self.send_input({"type": "websocket.receive", "text": text_data})
        else:
            await self.send_input({"type": "websocket.receive", "bytes": bytes_data})

    async def send_json_to(self, data: object) -> None:
        await self.send_to(text_data=json.dumps(data))

    async def receive_json_from(self, timeout: float = 1) -> dict:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 1) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


@pytest.fixture
def meeting(organisation):
    return Meeting(organisation)


def socket(path: str, cookies: dict[str, str] | None = None, *, origin: bytes = b"http://testserver"):
    headers = [(b"host", b"testserver"), (b"origin", origin)]
    if cookies:
        headers.append((b"cookie", "; ".join(f"{name}={value}" for name, value in cookies.items()).encode()))
    return WebsocketCommunicator(application, path, headers=headers)


def phone(meeting: Meeting, **cookies):
    return socket(f"/ws/live/{meeting.session.code}/", meeting.phone_cookies(**cookies))


def screen(meeting: Meeting, user=None):
    cookies = {}
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return socket(f"/ws/live/skarm/{meeting.session.public_id}/", cookies)


async def opened(communicator) -> dict:
    connected, _subprotocol = await communicator.connect(timeout=WAIT)
    assert connected
    return await communicator.receive_json_from(timeout=WAIT)


async def closed_with(communicator) -> int:
    """The code of a socket the server accepted and closed at once (a refusal the page's script can read)."""
    connected, code = await communicator.connect(timeout=WAIT)
    if not connected:
        return code
    message = await communicator.receive_output(timeout=WAIT)
    assert message["type"] == "websocket.close"
    return message["code"]


def run(scenario) -> None:
    async_to_sync(scenario)()


# --- Phones -----------------------------------------------------------------------------------------------------


def test_a_phone_is_sent_where_the_meeting_is_as_it_connects(meeting):
    async def scenario():
        communicator = phone(meeting)
        state = await opened(communicator)
        await communicator.disconnect()
        return state

    state = async_to_sync(scenario)()

    assert state["type"] == "session"
    assert state["version"] == meeting.refreshed().version
    assert "Vad tar mest tid?" in state["html"]
    assert f'data-activity="{meeting.poll.public_id}"' in state["html"]


def test_showing_the_next_activity_reaches_the_connected_phones_and_screens(meeting, facilitator):
    first, second = phone(meeting), phone(meeting, token=actions.new_participant_token())
    big_screen = screen(meeting, facilitator)

    async def scenario():
        before = await opened(first)
        await opened(second)
        assert await opened(big_screen) == {"type": "session", "version": before["version"]}

        await database_sync_to_async(actions.show)(meeting.session, meeting.scale)

        pushed = [await first.receive_json_from(timeout=WAIT), await second.receive_json_from(timeout=WAIT)]
        to_screen = await big_screen.receive_json_from(timeout=WAIT)
        for communicator in (first, second, big_screen):
            await communicator.disconnect()
        return before, pushed, to_screen

    before, pushed, to_screen = async_to_sync(scenario)()

    version = meeting.refreshed().version
    assert version > before["version"]
    for message in pushed:
        assert message["version"] == version
        assert "Hur stort är förtroendet?" in message["html"]
        assert "Vad tar mest tid?" not in message["html"]
    assert to_screen == {"type": "session", "version": version}


def test_a_phone_that_reconnects_continues_where_the_meeting_is(meeting):
    async def scenario():
        communicator = phone(meeting)
        before = await opened(communicator)
        await communicator.disconnect()
        await database_sync_to_async(actions.show)(meeting.session, meeting.scale)  # while the phone was away
        again = phone(meeting)
        after = await opened(again)
        await again.disconnect()
        return before, after

    before, after = async_to_sync(scenario)()

    assert after["version"] == meeting.refreshed().version > before["version"]
    assert "Hur stort är förtroendet?" in after["html"]


def test_an_answer_over_the_socket_is_stored_and_a_locked_activity_refuses_it(meeting, facilitator):
    answer = {"type": "answer", "activity": str(meeting.poll.public_id), "data": {"choice": ["1"]}, "ref": "a1"}

    communicator = phone(meeting)
    big_screen = screen(meeting, facilitator)

    async def scenario():
        await opened(communicator)
        await opened(big_screen)
        await communicator.send_json_to(answer)
        stored = await communicator.receive_json_from(timeout=WAIT)
        heard = await big_screen.receive_json_from(timeout=WAIT)

        await database_sync_to_async(actions.lock)(meeting.poll)
        await communicator.receive_json_from(timeout=WAIT)  # the phones are told it is locked
        await communicator.send_json_to({**answer, "data": {"choice": ["0"]}, "ref": 2})
        refused = await communicator.receive_json_from(timeout=WAIT)
        for each in (communicator, big_screen):
            await each.disconnect()
        return stored, heard, refused

    stored, heard, refused = async_to_sync(scenario)()

    assert stored == {"type": "answered", "ok": True, "message": "Thank you. Your answer is saved.", "ref": "a1"}
    assert heard == {"type": "answers", "activity": str(meeting.poll.public_id)}
    assert refused == {"type": "answered", "ok": False, "message": "Voting on this activity is closed.", "ref": 2}
    assert list(Answer.objects.filter(activity=meeting.poll).values_list("item", flat=True)) == [1]


def test_answers_are_refused_with_a_message_to_a_phone_that_has_not_joined_and_for_another_meetings_activity(
    meeting, organisation
):
    other = actions.create_session(organisation=organisation, title="En annan")
    foreign = actions.add_activity(other, kind=Kind.POLL, prompt="Deras fråga", options=["Ja", "Nej"])

    async def scenario():
        stranger = phone(meeting, token="")
        await opened(stranger)
        await stranger.send_json_to(
            {"type": "answer", "activity": str(meeting.poll.public_id), "data": {"choice": ["0"]}}
        )
        not_joined = await stranger.receive_json_from(timeout=WAIT)
        joined = phone(meeting)
        await opened(joined)
        await joined.send_json_to({"type": "answer", "activity": str(foreign.public_id), "data": {"choice": ["0"]}})
        elsewhere = await joined.receive_json_from(timeout=WAIT)
        await joined.send_json_to(
            {"type": "answer", "activity": str(meeting.poll.public_id), "data": {"choice": ["7"]}}
        )
        bad_choice = await joined.receive_json_from(timeout=WAIT)
        for each in (stranger, joined):
            await each.disconnect()
        return not_joined, elsewhere, bad_choice

    not_joined, elsewhere, bad_choice = async_to_sync(scenario)()

    assert not_joined == {"type": "answered", "ok": False, "message": "Join the meeting first."}
    assert elsewhere == {"type": "answered", "ok": False, "message": "That question is not part of this meeting."}
    assert bad_choice == {"type": "answered", "ok": False, "message": "Choose one of the listed answers."}
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[1, 2, 3]",
        json.dumps({"type": "nonsense"}),
        json.dumps({"no": "type"}),
        json.dumps({"type": "answer"}),
        json.dumps({"type": "answer", "activity": "not-a-uuid", "data": {"choice": ["0"]}}),
        json.dumps({"type": "answer", "activity": "00000000-0000-0000-0000-000000000000", "data": "choice=0"}),
        json.dumps(
            {"type": "answer", "activity": "00000000-0000-0000-0000-000000000000", "data": {"choice": [1, None]}}
        ),
        json.dumps({"type": "answer", "activity": "00000000-0000-0000-0000-000000000000", "data": {"x": ["y" * 2000]}}),
        "x" * (consumers.MESSAGE_MAX_CHARACTERS + 1),
    ],
)
def test_a_malformed_message_gets_an_error_and_the_socket_goes_on(meeting, frame):
    async def scenario():
        communicator = phone(meeting)
        await opened(communicator)
        await communicator.send_to(text_data=frame)
        reply = await communicator.receive_json_from(timeout=WAIT)
        await communicator.send_to(bytes_data=b"\x00\xff")
        to_bytes = await communicator.receive_json_from(timeout=WAIT)
        await communicator.send_json_to({"type": "ping"})
        still_there = await communicator.receive_json_from(timeout=WAIT)
        await communicator.disconnect()
        return reply, to_bytes, still_there

    reply, to_bytes, still_there = async_to_sync(scenario)()

    assert reply["type"] in {"error", "answered"}
    assert reply.get("ok") is not True
    assert reply["message"]
    assert to_bytes["type"] == "error"
    assert still_there == {"type": "pong"}
    assert not Answer.objects.exists()


def test_an_unknown_or_ended_code_is_closed_with_4404_and_misses_are_limited(meeting, organisation, settings):
    settings.LIVE_CODE_MISSES_PER_ADDRESS_PER_HOUR = 3
    ended = actions.create_session(organisation=organisation, title="Förra veckan")
    actions.end_session(ended)

    async def scenario():
        # Three misses (an ended meeting's code is none): the fourth wrong code and the meeting's own are refused.
        codes = [await closed_with(socket(f"/ws/live/{code}/")) for code in ("999999", "abc", ended.code, "999998")]
        codes += [await closed_with(socket(f"/ws/live/{code}/")) for code in ("999997", meeting.session.code)]
        # Only a phone that has joined the meeting still gets in.
        joined = phone(meeting)
        state = await opened(joined)
        await joined.disconnect()
        return codes, state

    codes, state = async_to_sync(scenario)()

    assert codes == [4404, 4404, 4404, 4404, 4429, 4429]
    assert state["type"] == "session"


def test_another_sites_page_cannot_open_a_socket(meeting):
    async def scenario():
        communicator = socket(
            f"/ws/live/{meeting.session.code}/", meeting.phone_cookies(), origin=b"https://evil.example"
        )
        connected, _code = await communicator.connect(timeout=WAIT)
        return connected

    assert async_to_sync(scenario)() is False


def test_an_unknown_socket_address_is_closed():
    async def scenario():
        return await closed_with(socket("/ws/nothing/here/"))

    assert async_to_sync(scenario)() == consumers.NOT_FOUND


# --- Screens and moderators -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (None, consumers.SIGN_IN),
        ("employee", consumers.FORBIDDEN),  # a member without live.manage
        ("outsider", consumers.NOT_FOUND),  # another organisation's administrator
    ],
)
def test_a_screen_socket_is_only_for_those_who_run_the_meeting(meeting, request, who, code):
    communicator = screen(meeting, request.getfixturevalue(who) if who else None)

    async def scenario():
        return await closed_with(communicator)

    assert async_to_sync(scenario)() == code


@pytest.mark.parametrize("who", ["facilitator", "org_admin"])
def test_process_leaders_and_administrators_open_the_screen_socket(meeting, request, who):
    communicator = screen(meeting, request.getfixturevalue(who))

    async def scenario():
        state = await opened(communicator)
        await communicator.disconnect()
        return state

    assert async_to_sync(scenario)() == {"type": "session", "version": meeting.refreshed().version}


def test_a_screen_hears_of_many_answers_a_few_times_a_second_and_always_of_the_last(meeting, facilitator):
    big_screen = screen(meeting, facilitator)

    async def scenario():
        await opened(big_screen)
        for _each in range(30):
            await database_sync_to_async(realtime.answers_changed)(meeting.session.pk, meeting.poll.public_id)
        heard = [await big_screen.receive_json_from(timeout=WAIT)]
        while not await big_screen.receive_nothing(timeout=1):
            heard.append(await big_screen.receive_json_from())
        await big_screen.disconnect()
        return heard

    heard = async_to_sync(scenario)()

    assert 1 <= len(heard) <= 3
    assert heard[-1] == {"type": "answers", "activity": str(meeting.poll.public_id)}


# --- When the channel layer does not answer (Redis down) -------------------------------------------------------

CLOSED_REDIS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:1/0", "socket_connect_timeout": 0.5}]},
    }
}


def test_without_the_channel_layer_changes_are_stored_and_a_warning_is_logged(meeting, settings, caplog):
    settings.CHANNEL_LAYERS = CLOSED_REDIS
    participant = actions.find_participant(meeting.session, meeting.token)

    with caplog.at_level(logging.WARNING, logger="tillit.live.realtime"):
        actions.show(meeting.session, meeting.scale)
        actions.answer(Activity.objects.get(pk=meeting.scale.pk), participant, value=4)

    assert LiveSession.objects.get(pk=meeting.session.pk).current_id == meeting.scale.pk
    assert Answer.objects.get(activity=meeting.scale).value == 4
    assert [record.levelname for record in caplog.records] == ["WARNING", "WARNING"]


def test_without_the_channel_layer_sockets_are_refused_so_that_pages_poll(meeting, settings):
    settings.CHANNEL_LAYERS = CLOSED_REDIS

    async def scenario():
        first = await closed_with(phone(meeting))
        second = await closed_with(phone(meeting))  # refused at once, without trying the layer again
        return first, second

    assert async_to_sync(scenario)() == (consumers.UNAVAILABLE, consumers.UNAVAILABLE)


def test_sockets_are_closed_while_the_channel_layer_stops_answering_and_taken_again_after(meeting, monkeypatch):
    from channels.layers import get_channel_layer

    monkeypatch.setattr(consumers, "WATCH_EVERY_SECONDS", 0.1)
    layer = get_channel_layer()
    answering = layer.send

    async def not_answering(channel, message):
        raise ConnectionError("Redis went away")

    async def scenario():
        communicator = phone(meeting)
        await opened(communicator)
        layer.send = not_answering
        closed = await communicator.receive_output(timeout=WAIT)  # the watch noticed: the page will poll
        refused = await closed_with(phone(meeting))
        layer.send = answering
        await asyncio.sleep(0.5)  # the watch asks again and the layer answers
        again = phone(meeting)
        state = await opened(again)
        await again.disconnect()
        return closed, refused, state

    try:
        closed, refused, state = async_to_sync(scenario)()
    finally:
        layer.send = answering

    assert closed == {"type": "websocket.close", "code": consumers.UNAVAILABLE}
    assert refused == consumers.UNAVAILABLE
    assert state["type"] == "session"
