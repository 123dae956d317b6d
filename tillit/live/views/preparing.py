"""Preparing a live meeting (process leaders and administrators): the organisation's meetings, a meeting's agenda
and settings, and its activities. Every write goes through `actions`; a refusal is shown as the form's error or a
message, and nothing changes."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tillit.live import actions, queries
from tillit.live.forms_preparing import KIND_HELP, ActivityForm, KindForm, MoveForm, SessionForm, initial_of
from tillit.live.models import Activity, LiveSession
from tillit.live.permissions import MANAGE, SESSION
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION

PER_PAGE = 25


@through(ORGANISATION, MANAGE)
def sessions(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """The organisation's meetings, newest first, and the form that creates one."""
    organisation = access.target
    form = SessionForm(request.POST or None, initial={"ask_background": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = actions.create_session(
                organisation=organisation,
                title=data["title"],
                open_to_all=data["open_to_all"],
                ask_background=data["ask_background"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting is created. Add its activities."))
            return redirect("live:agenda", session=session.public_id)
    listed = Paginator(queries.sessions_of(organisation), PER_PAGE).get_page(request.GET.get("page"))
    context = {"organisation": organisation, "listed": listed, "form": form}
    return render(request, "live/sessions.html", context, status=422 if form.errors else 200)


@through(SESSION, MANAGE)
def agenda(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """The meeting's code, its links, and its activities in order, with what can be done to each."""
    session = access.target
    context = {
        "organisation": access.organisation,
        "session": session,
        "activities": queries.activities_of(session),
        "kind_form": KindForm(),
        "join_address": join_address(),
    }
    return render(request, "live/agenda.html", context)


@through(SESSION, MANAGE)
def settings(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """The meeting's title and options."""
    session = access.target
    initial = {"title": session.title, "open_to_all": session.open_to_all, "ask_background": session.ask_background}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_session(
                session,
                title=data["title"],
                open_to_all=data["open_to_all"],
                ask_background=data["ask_background"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting's settings are saved."))
            return redirect("live:agenda", session=session.public_id)
    context = {"organisation": access.organisation, "session": session, "form": form}
    return render(request, "live/agenda_settings.html", context, status=422 if form.errors else 200)


@through(SESSION, MANAGE)
def add_activity(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """A new activity: first its kind (GET ?kind=…), then the fields that kind asks for."""
    session = access.target
    kind_form = KindForm(request.GET if "kind" in request.GET else None)
    if not kind_form.is_valid():
        kinds = [(label, KIND_HELP[value]) for value, label in Activity.Kind.choices]
        context = {"organisation": access.organisation, "session": session, "kind_form": kind_form, "kinds": kinds}
        return render(request, "live/activity_form_kind.html", context, status=422 if kind_form.errors else 200)
    kind = kind_form.cleaned_data["kind"]
    form = ActivityForm(
        request.POST or None,
        kind=kind,
        workshops=queries.workshops_to_run(access.organisation),
        dialogues=queries.dialogues_to_run(access.organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_activity(
                session,
                kind=kind,
                workshop=form.cleaned_data.get("workshop"),
                dialogue=form.cleaned_data.get("dialogue"),
                **form.action_arguments(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity is added to the agenda."))
            return redirect("live:agenda", session=session.public_id)
    return _activity_page(request, access, form, kind=kind, activity=None)


@through(SESSION, MANAGE)
def edit_activity(request: OrganisationRequest, access: Access[LiveSession], activity: UUID) -> HttpResponse:
    session = access.target
    found = _activity(session, activity)
    initial = initial_of(found)
    form = ActivityForm(request.POST or None, kind=found.kind, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_activity(found, **form.action_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("live:agenda", session=session.public_id)
    return _activity_page(request, access, form, kind=found.kind, activity=found)


def _activity_page(
    request: OrganisationRequest,
    access: Access[LiveSession],
    form: ActivityForm,
    *,
    kind: str,
    activity: Activity | None,
) -> HttpResponse:
    context = {
        "organisation": access.organisation,
        "session": access.target,
        "form": form,
        "kind": kind,
        "kind_label": Activity.Kind(kind).label,
        "kind_help": KIND_HELP.get(kind, ""),
        "activity": activity,
    }
    return render(request, "live/activity_form.html", context, status=422 if form.errors else 200)


@require_POST
@through(SESSION, MANAGE)
def move_activity(request: OrganisationRequest, access: Access[LiveSession], activity: UUID) -> HttpResponse:
    """One place up or down the agenda (also on the day)."""
    session = access.target
    found = _activity(session, activity)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to move the activity up or down."))
    else:
        try:
            actions.move_activity(found, up=form.cleaned_data["direction"] == "up")
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The activity is moved."))
    return redirect(reverse("live:agenda", kwargs={"session": session.public_id}) + f"#activity-{found.public_id}")


@through(SESSION, MANAGE)
def delete_activity(request: OrganisationRequest, access: Access[LiveSession], activity: UUID) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    session = access.target
    found = _activity(session, activity)
    if request.method == "POST":
        try:
            actions.delete_activity(found)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The activity is deleted."))
        return redirect("live:agenda", session=session.public_id)
    context = {"organisation": access.organisation, "session": session, "activity": found}
    return render(request, "live/confirm_delete.html", context)


def _activity(session: LiveSession, public_id: UUID) -> Activity:
    found = queries.activity_of(session, public_id)
    if found is None:
        raise Http404
    return found


def join_address() -> str:
    """Where participants type the code, as the screen writes it out: the site's address and /l/."""
    return django_settings.SITE_URL + reverse("live:enter_code")
