"""A participant's phone (`/l/…`): the code, joining, the activity on now, answering, asking and voting questions up.

Outside the door on purpose, like Brukarrösten's public page: the six-digit code on the big screen is the way in,
and no account is needed. A phone is a random token in the cookie `tillit_live_<code>` (HttpOnly, 12 hours); the
participant row holds only a keyed digest of it. Nothing of the participant goes into a URL or a log line.

Everything works without JavaScript (the forms post, the view redirects back to the page, which shows a message);
live.js posts the same forms with `X-Live: 1` and gets JSON `{"ok", "message"}` back, and polls `state` for the
region's HTML when the push channel is down. Wrong codes are counted per network address (`LIVE_CODE_MISSES_PER_
ADDRESS_PER_HOUR`): once used up, every code is refused with 429, except to a phone that has already joined the
meeting the code names (a whole conference behind one address must not be locked out by a few typos).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tillit.core.ratelimit import allow, exceeded
from tillit.live import actions, queries, rendering
from tillit.live.forms import CodeForm, JoinForm, QuestionForm, activity_id, clean_code, parse_answer
from tillit.live.models import LiveSession, Participant
from tillit.organisations.door import acting_membership
from tillit.organisations.models import Membership

CODE_SCOPE = "live-code"
JOIN_SCOPE = "live-join"
COOKIE_PREFIX = "tillit_live_"
COOKIE_MAX_AGE = 12 * 3600
_TOKEN_LENGTHS = range(16, 65)  # what `actions.new_participant_token` makes, with room; anything else is ignored


def cookie_name(code: str) -> str:
    return f"{COOKIE_PREFIX}{code}"


def _token(request: HttpRequest, code: str) -> str:
    token = request.COOKIES.get(cookie_name(code), "")
    return token if len(token) in _TOKEN_LENGTHS and token.isascii() else ""


def _wants_json(request: HttpRequest) -> bool:
    """A form posted by live.js's fetch (`X-Live: 1`): it is answered with JSON instead of a redirect."""
    return request.headers.get("X-Live") == "1"


def _message(error: ValidationError) -> str:
    return " ".join(str(each) for each in error.messages)


@dataclass
class _Refusal:
    """Why a code leads nowhere: the page to show (no JavaScript) or the message to send (live.js)."""

    status: int
    template: str
    message: str
    context: dict[str, Any] = field(default_factory=dict)

    def response(self, request: HttpRequest) -> HttpResponse:
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": self.message}, status=self.status)
        return render(request, self.template, self.context, status=self.status)


def _unknown(code: str) -> _Refusal:
    cleaned = clean_code(code)
    return _Refusal(
        404,
        "live/phone_unknown.html",
        _("There is no meeting with that code. Check the code on the big screen and try again."),
        {"code": cleaned or "", "form": CodeForm(initial={"code": cleaned or ""})},
    )


def _session(request: HttpRequest, code: str) -> LiveSession | _Refusal:
    """The meeting the code names (live, being prepared or ended), or why there is none to show: 429 once this
    network has missed too many codes in the hour (unless the phone has joined this meeting), 404 with a way to try
    again for a code that names no meeting (counted as a miss), 410 for a meeting that has ended."""
    limit = settings.LIVE_CODE_MISSES_PER_ADDRESS_PER_HOUR
    too_many = exceeded(request, CODE_SCOPE, limit=limit, seconds=3600)
    cleaned = clean_code(code)
    session = None
    if cleaned is not None and cleaned == code:
        session = queries.open_session_by_code(cleaned)
    if too_many and (session is None or actions.find_participant(session, _token(request, code)) is None):
        return _Refusal(
            429,
            "live/phone_too_many.html",
            _("Many wrong codes have been tried from this network. Wait a while and try again."),
        )
    if session is not None:
        return session
    ended = queries.ended_session_by_code(cleaned) if cleaned is not None and cleaned == code else None
    if ended is not None:
        joined = actions.find_participant(ended, _token(request, code)) is not None
        return _ended(ended, joined=joined)
    allow(request, CODE_SCOPE, limit=limit, seconds=3600)
    return _unknown(code)


def _ended(session: LiveSession, *, joined: bool) -> _Refusal:
    """The friendly page of a meeting that has ended; its title only to a phone that took part in it."""
    return _Refusal(410, "live/phone_ended.html", _("The meeting has ended."), {"session": session, "joined": joined})


def _follow_url(session: LiveSession) -> str:
    return reverse("live:follow", kwargs={"code": session.code})


def _reply(request: HttpRequest, session: LiveSession, *, ok: bool, message: str) -> HttpResponse:
    """After an answer, a question or an upvote: JSON for live.js, else back to the page with the message."""
    if _wants_json(request):
        return JsonResponse({"ok": ok, "message": message}, status=200 if ok else 422)
    (messages.success if ok else messages.error)(request, message)
    return redirect(_follow_url(session))


def _participant(request: HttpRequest, session: LiveSession) -> Participant | None:
    return actions.find_participant(session, _token(request, session.code))


# --- The pages --------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    """The short address's page: a big number field for the six digits. Only its form is checked here; whether a
    meeting has that code is the meeting page's question (and counted there)."""
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        return redirect("live:follow", code=form.cleaned_data["code"])
    return render(request, "live/phone_code.html", {"form": form}, status=422 if form.is_bound else 200)


@never_cache
@require_GET
def follow(request: HttpRequest, code: str) -> HttpResponse:
    """The phone's page: joining first, then whatever is on now (it follows the presenter by itself with live.js,
    and on each reload without it)."""
    session = _session(request, code)
    if isinstance(session, _Refusal):
        return session.response(request)
    participant = _participant(request, session)
    if participant is None:
        return _join_page(request, session)
    region = rendering.phone_region(session, participant=participant, csrf_token=get_token(request))
    return render(request, "live/phone.html", {"session": session, "region": region})


def _join_page(
    request: HttpRequest, session: LiveSession, form: JoinForm | None = None, *, status: int = 200
) -> HttpResponse:
    membership = acting_membership(request.user, session.organisation)
    context = {
        "session": session,
        "membership": membership,
        "form": form or _join_form(session, membership, None),
        "threshold": session.organisation.anonymity_threshold,
    }
    return render(request, "live/phone_join.html", context, status=status)


def _asks_background(session: LiveSession) -> bool:
    return session.ask_background and not session.open_to_all


def _join_form(session: LiveSession, membership: Membership | None, data: Any) -> JoinForm | None:
    """The actor group and level to state, or None when nothing is asked (the meeting asks nothing of its
    participants, it is open to all, or a member joins with their membership's)."""
    if membership is not None or not _asks_background(session):
        return None
    return JoinForm(data, organisation=session.organisation)


@never_cache
@require_POST
def join(request: HttpRequest, code: str) -> HttpResponse:
    """Join from this phone: a random token in its cookie, and optionally an actor group and level (from the
    membership, verified, for a signed-in member of the meeting's organisation)."""
    session = _session(request, code)
    if isinstance(session, _Refusal):
        return session.response(request)
    membership = acting_membership(request.user, session.organisation)
    form = _join_form(session, membership, request.POST)
    background: dict[str, Any] = {}
    if membership is not None:
        if session.ask_background:
            background = {"actor_group": membership.actor_group, "level": membership.level}
        background["member_id"] = request.user.pk
    elif form is not None:
        if not form.is_valid():
            return _join_page(request, session, form, status=422)
        background = {
            "actor_group": form.cleaned_data.get("actor_group"),
            "level": form.cleaned_data.get("level"),
        }
    token = _token(request, code)
    if not token or actions.find_participant(session, token) is None:
        # A new participant: a new token (never one an earlier meeting with the same code gave this phone), and
        # counted against the network's joins in the hour (scripts making up participants).
        limit = settings.LIVE_JOINS_PER_ADDRESS_PER_HOUR
        if not allow(request, JOIN_SCOPE, limit=limit, seconds=3600):
            return _Refusal(
                429,
                "live/phone_too_many.html",
                _("Very many phones have joined from this network in the last hour. Wait a while and try again."),
                {"joins": True},
            ).response(request)
        token = actions.new_participant_token()
    try:
        actions.join(session, token=token, **background)
    except ValidationError as error:
        if form is None:
            messages.error(request, _message(error))
            return redirect(_follow_url(session))
        form.add_error(None, error)
        return _join_page(request, session, form, status=422)
    response = redirect(_follow_url(session))
    response.set_cookie(
        cookie_name(session.code),
        token,
        max_age=COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=settings.SECURE_COOKIES,
    )
    return response


# --- Answering --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Phone:
    """A joined phone of a meeting going on, as the answering views need it."""

    session: LiveSession
    participant: Participant


def _joined(request: HttpRequest, code: str) -> _Phone | HttpResponse:
    """The phone's meeting and participant, or the answer instead: the code's refusal, or "join first"."""
    session = _session(request, code)
    if isinstance(session, _Refusal):
        return session.response(request)
    participant = _participant(request, session)
    if participant is None:
        return _reply(request, session, ok=False, message=_("Join the meeting first."))
    return _Phone(session, participant)


@never_cache
@require_POST
def answer(request: HttpRequest, code: str) -> HttpResponse:
    """An answer to a poll, a scale, "rate these" or a word cloud (the form names the activity)."""
    phone = _joined(request, code)
    if isinstance(phone, HttpResponse):
        return phone
    session, participant = phone.session, phone.participant
    activity = queries.activity_of(session, activity_id(request.POST))
    if activity is None:
        return _reply(request, session, ok=False, message=_("That question is not part of this meeting."))
    try:
        actions.answer(activity, participant, **parse_answer(activity, request.POST))
    except ValidationError as error:
        return _reply(request, session, ok=False, message=_message(error))
    return _reply(request, session, ok=True, message=_("Thank you. Your answer is saved."))


@never_cache
@require_POST
def ask(request: HttpRequest, code: str) -> HttpResponse:
    """A question to the panel, shown once a moderator has approved it (at once where the activity is not
    moderated)."""
    phone = _joined(request, code)
    if isinstance(phone, HttpResponse):
        return phone
    session, participant = phone.session, phone.participant
    activity = queries.activity_of(session, activity_id(request.POST))
    if activity is None:
        return _reply(request, session, ok=False, message=_("That question is not part of this meeting."))
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _reply(request, session, ok=False, message=" ".join(str(error) for error in form.errors.get("text", [])))
    try:
        question = actions.ask(activity, participant, form.cleaned_data["text"])
    except ValidationError as error:
        return _reply(request, session, ok=False, message=_message(error))
    if question.status == question.Status.PENDING:
        message = _("Thank you. Your question is shown once a moderator has read it.")
    else:
        message = _("Thank you. Your question is posted.")
    return _reply(request, session, ok=True, message=message)


@never_cache
@require_POST
def upvote(request: HttpRequest, code: str, question: UUID) -> HttpResponse:
    """Vote a question up, once per phone."""
    phone = _joined(request, code)
    if isinstance(phone, HttpResponse):
        return phone
    session, participant = phone.session, phone.participant
    found = queries.question_of(session, question)
    if found is None:
        return _reply(request, session, ok=False, message=_("That question is not part of this meeting."))
    try:
        actions.upvote(found, participant)
    except ValidationError as error:
        return _reply(request, session, ok=False, message=_message(error))
    return _reply(request, session, ok=True, message=_("Thank you. Your vote is counted."))


@never_cache
@require_GET
def state(request: HttpRequest, code: str) -> HttpResponse:
    """The phones' region as JSON `{"version", "html"}`, for live.js when the push channel is down (and after a
    reconnection). The same for every phone; an ended meeting answers with its "ended" region."""
    found = _session(request, code)
    if isinstance(found, _Refusal):
        ended = found.context.get("session") if found.status == 410 else None
        if not isinstance(ended, LiveSession):
            return JsonResponse({"ok": False, "message": found.message}, status=found.status)
        found = ended
    return JsonResponse({"version": found.version, "html": rendering.phone_fragment(found)})
