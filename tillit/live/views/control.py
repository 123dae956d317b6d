"""The moderator's view of a live meeting (on a laptop or a phone): the agenda with "show on screen", previous and
next, hiding the screen, locking and reopening voting, showing and hiding results, starting and ending the meeting,
moderating questions and the word cloud's words.

Every button is a small POST form that redirects back here, so all of it works without JavaScript; live.js only
refreshes the region (`?region=1`) when something changes. Each change goes through `actions`: a refusal is shown
as a message, a bad value too, and nothing changes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tillit.live import actions, queries, rendering
from tillit.live.forms_preparing import ControlForm, QuestionForm, WordForm
from tillit.live.models import Activity, LiveSession, Question
from tillit.live.permissions import MANAGE, SESSION
from tillit.live.views.screen import release_current, socket_path
from tillit.organisations.door import Access, OrganisationRequest, through

NEEDS_ACTIVITY = {"show", "lock", "reopen", "results_on", "results_off"}


@never_cache
@through(SESSION, MANAGE)
def moderate(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """The moderator's page; with `?region=1` its region alone (plain HTML, for live.js)."""
    session = access.target
    context = {"organisation": access.organisation, **moderator_region(session, release_current(session))}
    if request.GET.get("region") == "1":
        return render(request, "live/moderate_region.html", context)
    context["socket"] = socket_path(session)
    return render(request, "live/moderate.html", context)


def moderator_region(session: LiveSession, activity: Activity | None) -> dict[str, Any]:
    """What the moderator's region shows: the agenda, the activity on now with its publication, the questions
    waiting for moderation and the word cloud's words."""
    region = rendering.screen_region(session, activity)
    region["activities"] = queries.activities_of(session)
    region["pending"] = []
    region["approved"] = []
    region["words_waiting"] = []
    if activity is not None and activity.kind == Activity.Kind.QUESTIONS:
        region["pending"] = list(queries.questions_of(activity, Question.Status.PENDING))
        region["approved"] = list(queries.questions_of(activity, Question.Status.APPROVED, Question.Status.ANSWERED))
    if activity is not None and activity.kind == Activity.Kind.WORDS and activity.moderated:
        # Moderated: the words given since the last release, to hide before the screen shows them.
        region["words_waiting"] = queries.words_waiting(activity)
    region["previous_activity"] = actions.neighbour(session, forward=False) if session.current_id else None
    region["next_activity"] = actions.neighbour(session, forward=True)
    return region


@require_POST
@through(SESSION, MANAGE)
def control(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """One of the moderator's buttons: action=start|next|previous|show|hide|lock|reopen|results_on|results_off|end,
    with activity=<uuid> where it concerns one (the one on the screen when none is given). Ending asks first."""
    session = access.target
    form = ControlForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That button did not work. Choose again."))
        return redirect("live:moderate", session=session.public_id)
    action = form.cleaned_data["action"]
    activity = None
    if action in NEEDS_ACTIVITY:
        activity = _activity(session, form.cleaned_data["activity"])
        if activity is None:
            messages.error(request, _("Choose an activity of this meeting."))
            return redirect("live:moderate", session=session.public_id)
    if action == "end" and not form.cleaned_data["confirmed"]:
        context = {"organisation": access.organisation, "session": session}
        return render(request, "live/moderate_confirm_end.html", context)
    try:
        message = _do(session, action, activity)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, message)
    return redirect("live:moderate", session=session.public_id)


def _activity(session: LiveSession, public_id: UUID | None) -> Activity | None:
    if public_id is None:
        if session.current_id is None:
            return None
        return queries.activity_of_pk(session, session.current_id)
    return queries.activity_of(session, public_id)


def _do(session: LiveSession, action: str, activity: Activity | None) -> str:
    """Carry out one button through `actions`, and say what happened."""
    if action == "start":
        actions.start_session(session)
        return _("The meeting has started.")
    if action == "end":
        actions.end_session(session)
        return _("The meeting has ended. Its results are kept.")
    if action in {"next", "previous"}:
        neighbour = actions.neighbour(session, forward=action == "next")
        if neighbour is None:
            raise ValidationError(
                _("There is no next activity.") if action == "next" else _("There is no previous activity.")
            )
        actions.show(session, neighbour)
        return _("On the screen now: %(prompt)s") % {"prompt": neighbour.prompt}
    if action == "hide":
        actions.show(session, None)
        return _("The screen shows the code only.")
    assert activity is not None  # noqa: S101 - NEEDS_ACTIVITY, checked by the caller
    if action == "show":
        actions.show(session, activity)
        return _("On the screen now: %(prompt)s") % {"prompt": activity.prompt}
    if action == "lock":
        actions.lock(activity)
        return _("Voting is locked.")
    if action == "reopen":
        actions.reopen(activity)
        return _("Voting is open again.")
    shown = action == "results_on"
    actions.set_results_shown(activity, shown)
    return _("The screen shows the results.") if shown else _("The results are hidden from the screen.")


@require_POST
@through(SESSION, MANAGE)
def question(request: OrganisationRequest, access: Access[LiveSession], question: UUID) -> HttpResponse:
    """Moderate one question: status=approved|rejected|answered|pending, or on_screen=1|0."""
    session = access.target
    found = queries.question_of(session, question)
    if found is None:  # another meeting's question looks like one that does not exist
        raise Http404
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the question."))
    else:
        status = form.cleaned_data["status"] or None
        on_screen = {"1": True, "0": False}.get(form.cleaned_data["on_screen"])
        try:
            actions.moderate(found, status=status, on_screen=on_screen)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _question_message(status, on_screen))
    return redirect("live:moderate", session=session.public_id)


def _question_message(status: str | None, on_screen: bool | None) -> str:
    if on_screen is True:
        return _("The question is on the screen.")
    if on_screen is False:
        return _("The question is taken off the screen.")
    said: dict[str, str] = {
        Question.Status.APPROVED: _("The question is approved."),
        Question.Status.REJECTED: _("The question is rejected."),
        Question.Status.ANSWERED: _("The question is marked answered."),
    }
    return said.get(status or "", _("The question waits for moderation again."))


@require_POST
@through(SESSION, MANAGE)
def word(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """Hide a word of the cloud from the screen (stem: the word or its stem), or show a hidden stem again."""
    session = access.target
    form = WordForm(request.POST)
    activity = queries.activity_of(session, form.cleaned_data["activity"]) if form.is_valid() else None
    if activity is None:
        messages.error(request, _("Choose a word of this meeting's word cloud."))
        return redirect("live:moderate", session=session.public_id)
    stem, hide = form.cleaned_data["stem"], form.cleaned_data["do"] == "hide"
    try:
        if hide:
            actions.hide_word(activity, stem)
        else:
            actions.show_word(activity, stem)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if hide:
            messages.success(request, _("“%(word)s” is hidden from the screen.") % {"word": stem})
        else:
            messages.success(request, _("“%(word)s” is shown again.") % {"word": stem})
    return redirect("live:moderate", session=session.public_id)
