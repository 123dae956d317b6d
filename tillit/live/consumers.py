"""The live meeting's WebSockets (Django Channels, routed in `routing.py`, served by `config/asgi.py`).

- A phone (`ws/live/<code>/`) joins its session's phones and is sent where the session is at once (a phone that
  reconnects continues from there), then every change (`realtime.session_changed`). It may send its answers over
  the socket: `{"type": "answer", "activity": "<uuid>", "data": {<form fields as lists of strings>}}`, answered
  with `{"type": "answered", "ok": …, "message": "<Swedish text>"}` (and the request's `ref`, if it gave one).
- A screen or moderator (`ws/live/skarm/<session uuid>/`), signed in with `live.manage` in the session's
  organisation (through the meeting's door, `permissions.SESSION`), hears `{"type": "session", "version": …}` and
  `{"type": "answers", "activity": …}`, the latter gathered to at most four a second.

A refusal accepts the socket and closes it at once with a code the page's script understands (`live.js` stops
trying and asks the page instead): 4401 sign in, 4403 no permission, 4404 no such (or an ended) meeting, 4429 too
many wrong codes from this network. When the channel layer does not answer (Redis down), sockets are refused or
closed with 1013 and clients poll until it answers again (`_Watch`). Nothing a client sends can crash a consumer:
malformed messages get `{"type": "error", "message": …}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import weakref
from typing import Any
from uuid import UUID

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connections
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from tillit.core.ratelimit import allow, exceeded
from tillit.live import actions, queries, realtime
from tillit.live.forms import parse_answer
from tillit.live.models import LiveSession, Participant
from tillit.live.permissions import MANAGE, SESSION
from tillit.live.views.phone import CODE_SCOPE, cookie_name
from tillit.organisations.door import SignInFirst

logger = logging.getLogger(__name__)

SIGN_IN = 4401
FORBIDDEN = 4403
NOT_FOUND = 4404
TOO_MANY = 4429
UNAVAILABLE = 1013  # "try again later": the channel layer does not answer

MESSAGE_MAX_CHARACTERS = 8192  # an answer is a few fields; anything longer is refused unread
FIELDS_MAX = 40
VALUES_MAX = 40
VALUE_MAX_CHARACTERS = 1000
ANSWERS_EVERY_SECONDS = 0.25  # a screen hears "answers" at most four times a second, the last one always
WATCH_EVERY_SECONDS = 2.0
WATCH_TIMEOUT_SECONDS = 2.0
_TOKEN_LENGTHS = range(16, 65)

# Failures of the channel layer's connection (Redis down or not answering).
LAYER_FAILURES = (RedisError, OSError, TimeoutError)


def _in_thread(function: Any) -> Any:
    """Run database work in the event loop's thread pool, not in the single thread that thread-sensitive calls
    share: two thousand phones answering must not queue behind one thread. The connection is let go after each call
    (back to the pool under the ASGI server, config/asgi.py), so that no pool thread keeps one of its own."""

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    return database_sync_to_async(run, thread_sensitive=False)


def _request_of(scope: dict[str, Any]) -> HttpRequest:
    """An HttpRequest standing for the socket's handshake, for the door and the rate limit (which read the user,
    the session, the cookies and the client's address as for any page)."""
    request = HttpRequest()
    request.user = scope.get("user")  # type: ignore[assignment]  # the AuthMiddlewareStack's user
    request.session = scope.get("session")  # type: ignore[assignment]  # the SessionMiddleware's store
    request.COOKIES = dict(scope.get("cookies") or {})
    client = scope.get("client") or ("", 0)
    request.META["REMOTE_ADDR"] = client[0] or ""
    for name, value in scope.get("headers") or []:
        if name == b"x-forwarded-for":
            request.META["HTTP_X_FORWARDED_FOR"] = value.decode("latin-1")
    return request


def _language(scope: dict[str, Any]) -> str:
    """The visitor's chosen language (the language button's cookie), else the site's: as ChosenLanguageMiddleware."""
    chosen = (scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class _Watch:
    """The live sockets served by one event loop (one server process), and whether its channel layer answers.

    While sockets are open, a message is sent through the layer to itself every two seconds. When it does not come
    back, every socket is closed with 1013 and new ones are refused at once: their pages poll, with a visible
    notice, instead of waiting for pushes that cannot come. The watch goes on asking, and sockets are taken again
    as soon as the layer answers."""

    _of_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Watch] = weakref.WeakKeyDictionary()

    def __init__(self) -> None:
        self.sockets: set[LiveConsumer] = set()
        self.healthy = True
        self.task: asyncio.Task[None] | None = None

    @classmethod
    def here(cls) -> _Watch:
        loop = asyncio.get_running_loop()
        watch = cls._of_loop.get(loop)
        if watch is None:
            watch = cls._of_loop[loop] = cls()
        return watch

    def start(self, layer: Any) -> None:
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._run(layer))

    def failed(self, layer: Any, error: BaseException) -> None:
        if self.healthy:
            logger.warning(
                "live: the channel layer does not answer (%s); sockets are refused and pages poll", type(error).__name__
            )
        self.healthy = False
        self.start(layer)

    async def _run(self, layer: Any) -> None:
        channel = None
        while self.sockets or not self.healthy:
            await asyncio.sleep(WATCH_EVERY_SECONDS)
            try:
                async with asyncio.timeout(WATCH_TIMEOUT_SECONDS):
                    if channel is None:
                        channel = await layer.new_channel("live-watch.")
                    await layer.send(channel, {"type": "live.watch"})
                    await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                channel = None
                self.failed(layer, error)
                for consumer in list(self.sockets):
                    await consumer.close_for_layer()
                continue
            if not self.healthy:
                logger.warning("live: the channel layer answers again; sockets are taken")
            self.healthy = True


class LiveConsumer(AsyncWebsocketConsumer):
    """What phones and screens share: the group they listen to, refusals with a code, the watch on the layer, and
    messages from the layer passed on without touching the database."""

    group = ""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        watch = _Watch.here()
        if not watch.healthy:
            await send({"type": "websocket.close", "code": UNAVAILABLE})
            return
        try:
            await super().__call__(scope, receive, send)
        except LAYER_FAILURES as error:
            watch.failed(self.channel_layer, error)
            watch.sockets.discard(self)
            with contextlib.suppress(Exception):  # the connection may be gone already
                await send({"type": "websocket.close", "code": UNAVAILABLE})
        except DatabaseError as error:  # the database is away: pages answer 503 meanwhile, the page tries again later
            logger.warning("live: a socket was closed, the database did not answer (%s)", type(error).__name__)
            watch.sockets.discard(self)
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": UNAVAILABLE})

    async def dispatch(self, message: dict[str, Any]) -> None:
        """As Channels' own, without closing old database connections in the shared thread before every message:
        the database is used only inside `_in_thread` calls, which look after their own connections. Only the
        server's `websocket.*` events and this module's `live.*` messages have handlers; anything else is ignored."""
        kind = str(message.get("type", ""))
        handler = getattr(self, kind.replace(".", "_"), None) if kind.startswith(("websocket.", "live.")) else None
        if handler is None:
            logger.debug("live: a message of unknown type %r was ignored", kind)
            return
        await handler(message)

    async def refuse(self, code: int) -> None:
        """Accept and close at once with `code`: the browser sees the code (a refused handshake only says 1006)."""
        await self.accept()
        await self.close(code=code)

    async def listen(self, group: str) -> None:
        self.group = group
        await self.channel_layer.group_add(group, self.channel_name)
        watch = _Watch.here()
        watch.sockets.add(self)
        watch.start(self.channel_layer)

    async def close_for_layer(self) -> None:
        with contextlib.suppress(Exception):  # the connection may be gone already
            await self.close(code=UNAVAILABLE)

    async def disconnect(self, code: int) -> None:
        _Watch.here().sockets.discard(self)
        if self.group:
            with contextlib.suppress(*LAYER_FAILURES):  # the layer is down: nothing to leave
                await self.channel_layer.group_discard(self.group, self.channel_name)

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content))

    async def live_push(self, event: dict[str, Any]) -> None:
        """A message of `realtime`, already JSON: sent as it is."""
        await self.send(text_data=event["text"])

    async def live_watch(self, event: dict[str, Any]) -> None:
        """Only the watch's own channel receives these."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message = _read(text_data)
        if message is None:
            await self.send_error()
            return
        if message.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.received(message)

    async def received(self, message: dict[str, Any]) -> None:
        await self.send_error()

    async def send_error(self) -> None:
        with translation.override(_language(self.scope)):
            text = _("The message could not be read. Reload the page.")
        await self.send_json({"type": "error", "message": text})


def _read(text: str | None) -> dict[str, Any] | None:
    if text is None or len(text) > MESSAGE_MAX_CHARACTERS:
        return None
    try:
        message = json.loads(text)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


def _form_data(data: object) -> dict[str, list[str]] | None:
    """The socket's form fields, as lists of strings (a single string is one value); None when malformed."""
    if not isinstance(data, dict) or len(data) > FIELDS_MAX:
        return None
    fields: dict[str, list[str]] = {}
    for name, raw in data.items():
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(name, str) or not isinstance(values, list) or len(values) > VALUES_MAX:
            return None
        if not all(isinstance(value, str) and len(value) <= VALUE_MAX_CHARACTERS for value in values):
            return None
        fields[name] = values
    return fields


# --- Phones -----------------------------------------------------------------------------------------------------


class PhoneConsumer(LiveConsumer):
    async def connect(self) -> None:
        code = str(self.scope["url_route"]["kwargs"]["code"])
        token = str((self.scope.get("cookies") or {}).get(cookie_name(code), ""))
        self.token = token if len(token) in _TOKEN_LENGTHS and token.isascii() else ""
        found = await _in_thread(_session_by_code)(self.scope, code, self.token)
        if not isinstance(found, LiveSession):
            await self.refuse(found)
            return
        self.session_id = found.pk
        self.participant: Participant | None = None  # found at the first answer, then kept for the connection
        await self.listen(realtime.phones_group(found.pk))  # first listen, then read: no change falls in between
        await self.accept()
        state = await _in_thread(_phone_state)(found.pk)
        if state is None:
            await self.close(code=NOT_FOUND)
            return
        await self.send(text_data=state)

    async def received(self, message: dict[str, Any]) -> None:
        if message.get("type") != "answer":
            await super().received(message)
            return
        reply = await _in_thread(_answer)(self, message, _language(self.scope))
        if isinstance(message.get("ref"), str | int):
            reply["ref"] = message["ref"]
        await self.send_json(reply)


def _session_by_code(scope: dict[str, Any], code: str, token: str) -> LiveSession | int:
    """The meeting (live or being prepared) the code names, or the close code: as the phone's page
    (`views/phone.py`), a code that names nothing counts as a miss of this network, and once too many misses are
    counted only a phone that has joined the meeting gets in."""
    request = _request_of(scope)
    limit = settings.LIVE_CODE_MISSES_PER_ADDRESS_PER_HOUR
    too_many = exceeded(request, CODE_SCOPE, limit=limit, seconds=3600)
    session = None
    well_formed = len(code) == 6 and code.isascii() and code.isdigit()  # also: no NUL for the database to refuse
    if well_formed:
        session = queries.open_session_by_code(code)
    if too_many and (session is None or actions.find_participant(session, token) is None):
        return TOO_MANY
    if session is None:
        if not (len(code) == 6 and code.isascii() and code.isdigit()) or not queries.code_ever_used(code):
            allow(request, CODE_SCOPE, limit=limit, seconds=3600)
        return NOT_FOUND
    return session


def _phone_state(session_id: int) -> str | None:
    session = queries.session_with_current(session_id)
    return realtime.phone_state(session) if session is not None else None


def _answer(phone: PhoneConsumer, message: dict[str, Any], language: str) -> dict[str, Any]:
    """An answer sent over the socket, exactly as the answer form's view takes it (`views/phone.answer`). The phone's
    participant is looked up once per connection; the activity (light: only its own row) at every answer, and
    `actions.answer` reads its state and the meeting's under the lock."""
    with translation.override(language):
        data = _form_data(message.get("data"))
        try:
            public_id = UUID(str(message.get("activity", "")))
        except ValueError:
            public_id = None
        if data is None or public_id is None:
            return {
                "type": "answered",
                "ok": False,
                "message": _("The answer could not be read. Reload the page and try again."),
            }
        participant = phone.participant
        if participant is None:
            session = queries.session_by_pk(phone.session_id)
            participant = actions.find_participant(session, phone.token) if session is not None else None
            if participant is None:
                return {"type": "answered", "ok": False, "message": _("Join the meeting first.")}
            phone.participant = participant
        activity = queries.activity_to_answer(phone.session_id, public_id)
        if activity is None:
            return {"type": "answered", "ok": False, "message": _("That question is not part of this meeting.")}
        try:
            actions.answer(activity, participant, **parse_answer(activity, data))
        except ValidationError as error:
            return {"type": "answered", "ok": False, "message": " ".join(str(each) for each in error.messages)}
        return {"type": "answered", "ok": True, "message": _("Thank you. Your answer is saved.")}


# --- Screens and moderators -------------------------------------------------------------------------------------


class ScreenConsumer(LiveConsumer):
    async def connect(self) -> None:
        self.answers_waiting: set[str] = set()
        self.answers_sent = 0.0
        self.answers_task: asyncio.Task[None] | None = None
        found = await _in_thread(_managed_session)(self.scope, self.scope["url_route"]["kwargs"]["session"])
        if not isinstance(found, tuple):
            await self.refuse(found)
            return
        session_id, state = found
        await self.listen(realtime.screens_group(session_id))
        await self.accept()
        await self.send(text_data=state)

    async def live_answers(self, event: dict[str, Any]) -> None:
        """Answers came in: passed on at once if none were passed on in the last quarter second, else with the
        next quarter second's (so the last is never lost)."""
        self.answers_waiting.add(str(event.get("activity", "")))
        if self.answers_task is None or self.answers_task.done():
            self.answers_task = asyncio.ensure_future(self._pass_answers_on())

    async def _pass_answers_on(self) -> None:
        wait = self.answers_sent + ANSWERS_EVERY_SECONDS - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        waiting, self.answers_waiting = self.answers_waiting, set()
        self.answers_sent = time.monotonic()
        try:
            for activity in sorted(waiting):
                await self.send_json({"type": "answers", "activity": activity})
        except Exception:  # noqa: S110 - the socket closed meanwhile
            pass

    async def disconnect(self, code: int) -> None:
        task = getattr(self, "answers_task", None)
        if task is not None:
            task.cancel()
        await super().disconnect(code)


def _managed_session(scope: dict[str, Any], public_id: UUID) -> tuple[int, str] | int:
    """The meeting through its door with `live.manage` (a process leader or administrator of its organisation),
    as its pages check it: its pk and the message of where it is, or the close code."""
    request = _request_of(scope)
    try:
        access = SESSION.open(request, public_id)
        SESSION.check(access, MANAGE)
    except SignInFirst:
        return SIGN_IN
    except Http404:
        return NOT_FOUND
    except PermissionDenied:
        return FORBIDDEN
    session = access.target
    return session.pk, realtime.screen_state(session)


async def refuse_unknown(_scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Any other socket address: accepted and closed with 4404, without a channel of its own."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": NOT_FOUND})
