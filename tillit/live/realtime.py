"""Pushing a session's changes to the phones, screens and moderators connected to it, through the channel layer
(Django Channels: Redis publish/subscribe with REDIS_URL, shared by every app process; in-process otherwise).

Actions call these after their transaction has committed. A push is a convenience on top of what is stored: when the
layer fails (Redis down) the change is already in the database, a warning is logged, and the clients fall back to
asking (`static/js/live.js` polls every 2 s and says so). Nothing pushed names a participant.

- phones of a session (`phones_group`): `{"type": "session", "version": v, "html": <the phones' region>}`, rendered
  once per change and sent to all of them;
- screens and moderators (`screens_group`): `{"type": "session", "version": v}` when the session moved on, and
  `{"type": "answers", "activity": "<uuid>"}` when answers came in (no rendering: at 200 votes a second this stays a
  few bytes; the screen asks for the new release itself, at most twice a second).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import translation

from tillit.live import queries, rendering
from tillit.live.models import LiveSession

logger = logging.getLogger(__name__)

PUSH_TIMEOUT_SECONDS = 2.0  # a Redis that accepts but does not answer holds no request longer than this

# What the consumers receive from the layer (`consumers.py` has a method for each).
PUSH = "live.push"  # {"text": <the JSON text to send as it is>}
ANSWERS = "live.answers"  # {"activity": "<uuid>"}: screens gather these and pass them on a few times a second


def phones_group(session_id: int) -> str:
    return f"live.{session_id}.phones"


def screens_group(session_id: int) -> str:
    return f"live.{session_id}.screens"


def phone_state(session: LiveSession) -> str:
    """The message that brings a phone to where the session is: its version and the region every phone shows.
    Rendered in the site's language (the same text for every phone)."""
    with translation.override(settings.LANGUAGE_CODE):
        html = rendering.phone_fragment(session)
    return json.dumps({"type": "session", "version": session.version, "html": html})


def screen_state(session: LiveSession) -> str:
    return json.dumps({"type": "session", "version": session.version})


def session_changed(session_id: int) -> None:
    """The session moved on (an activity shown, locked, hidden; the agenda changed): phones and screens follow."""
    session = queries.session_with_current(session_id)
    if session is None:
        return
    try:
        to_phones = phone_state(session)
    except Exception:  # a fault in the fragment must not undo a stored change: the phones ask for it instead
        logger.exception("live: the phones' region could not be rendered")
        to_phones = screen_state(session)
    _send(
        [
            (phones_group(session_id), {"type": PUSH, "text": to_phones}),
            (screens_group(session_id), {"type": PUSH, "text": screen_state(session)}),
        ]
    )


ANSWERS_EVERY_SECONDS = 0.1  # per process and activity: two hundred votes a second make ten pushes, not 200
_answers_sent: dict[str, float] = {}
_answers_lock = threading.Lock()


def answers_changed(session_id: int, activity_public_id: object) -> None:
    """Answers, questions or upvotes came in: screens and moderators ask for a new release. At most one push per
    tenth of a second per activity from each process; screens also ask every few seconds on their own
    (`live.js`), so an answer whose push was left out here is on the screen within those seconds at most."""
    key = str(activity_public_id)
    now = time.monotonic()
    with _answers_lock:
        if now - _answers_sent.get(key, -ANSWERS_EVERY_SECONDS) < ANSWERS_EVERY_SECONDS:
            return
        _answers_sent[key] = now
        if len(_answers_sent) > 1000:  # forget activities of meetings long gone
            for stale in [each for each, sent in _answers_sent.items() if now - sent > 60]:
                del _answers_sent[stale]
    _send([(screens_group(session_id), {"type": ANSWERS, "activity": key})])


def _send(messages: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(_send_all)(layer, messages)
    except Exception as error:  # Redis down or not answering: what was pushed is stored; clients poll
        logger.warning(
            "live: a push could not be sent (%s: %s); clients fall back to asking", type(error).__name__, error
        )


async def _send_all(layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> None:
    async with asyncio.timeout(PUSH_TIMEOUT_SECONDS):
        for group, message in messages:
            await layer.group_send(group, message)
