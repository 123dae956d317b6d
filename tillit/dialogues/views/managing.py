"""Leading a dialogue (process leaders and administrators): the moderation list, the dialogue's settings, seed
statements, moderation decisions, merging duplicates, bringing a statement into a workshop, and e-mailing an internal
dialogue's members the invitation and a reminder."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tillit.core.ratelimit import allow_in_all
from tillit.dialogues import actions, queries
from tillit.dialogues.forms import (
    DialogueForm,
    MergeForm,
    ModerationFilterForm,
    ModerationForm,
    PromoteForm,
    StatementForm,
)
from tillit.dialogues.models import Dialogue, Statement
from tillit.dialogues.permissions import DIALOGUE, MODERATE, PROMOTE_STATEMENT, DialogueAccess
from tillit.organisations.door import OrganisationRequest, through
from tillit.organisations.models import Membership
from tillit.privacy.masking import removal_notice

STATEMENTS_PER_PAGE = 50  # the moderation list: a dialogue of 2,000 statements is read and rendered 50 at a time


def _statement(dialogue: Dialogue, public_id: UUID) -> Statement:
    """A statement of this dialogue by its public id: 404 for any other, another dialogue's included."""
    statement = queries.statement_named_by(dialogue, public_id)
    if statement is None:
        raise Http404
    return statement


def _membership(access: DialogueAccess) -> Membership:
    """The leader's membership: the permissions checked here are the organisation's roles, so there is one."""
    if access.membership is None:
        raise PermissionDenied
    return access.membership


def _to_moderation(dialogue: Dialogue, shown: str = "", page: int = 1) -> HttpResponse:
    """Back to the moderation list, keeping the filter and the page the moderator was working through."""
    response = redirect("dialogues:moderate", dialogue=dialogue.public_id)
    query = {name: value for name, value in (("status", shown), ("page", page if page > 1 else "")) if value}
    if query:
        response["Location"] += "?" + urlencode(query)
    return response


def participation_url(dialogue: Dialogue) -> str:
    return reverse("dialogues:participate", kwargs={"dialogue": dialogue.public_id})


@through(DIALOGUE, MODERATE)
def moderate(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    dialogue = access.target
    status = ModerationFilterForm(request.GET).shown()
    moderation = queries.moderation(dialogue, status=status)
    page = Paginator(moderation.rows, STATEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "dialogue": dialogue,
        "statements": page.object_list,
        "page": page,
        "status": status,
        "counts": moderation.counts,
        "analysis": queries.analysis_state(dialogue),
        "participation_url": request.build_absolute_uri(participation_url(dialogue)),
        "seed_form": StatementForm(dialogue=dialogue),
    }
    return render(request, "dialogues/moderate.html", context)


@through(DIALOGUE, MODERATE)
def edit(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    dialogue = access.target
    initial = {name: getattr(dialogue, name) for name in DialogueForm.base_fields}
    form = DialogueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_dialogue(dialogue=dialogue, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The dialogue is saved."))
            return _to_moderation(dialogue)
    return render(request, "dialogues/dialogue_form.html", {"dialogue": dialogue, "form": form, "creating": False})


@through(DIALOGUE, MODERATE)
def close(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    """Close the dialogue now, after a confirmation: nobody can join or vote after, and the results open."""
    dialogue = access.target
    if request.method == "POST":
        try:
            actions.close_dialogue(dialogue=dialogue)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The dialogue is closed. Its results open once the analysis has run."))
        return _to_moderation(dialogue)
    if not dialogue.is_open:
        messages.error(request, _("Only an open dialogue can be closed."))
        return _to_moderation(dialogue)
    return render(request, "dialogues/close.html", {"dialogue": dialogue})


@require_POST
@through(DIALOGUE, MODERATE)
def add_seed(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    dialogue = access.target
    form = StatementForm(request.POST, dialogue=dialogue)
    if not form.is_valid():
        messages.error(request, str(form.errors["text"][0]))
        return _to_moderation(dialogue)
    try:
        created = actions.add_seed_statements(dialogue=dialogue, texts=[form.cleaned_data["text"]])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return _to_moderation(dialogue)
    if not created:
        messages.error(request, _("That statement is already in the dialogue."))
        return _to_moderation(dialogue)
    messages.success(request, _("The statement is added."))
    removed = getattr(created[0], "removed_personal_data", {})
    if removed:
        messages.warning(request, removal_notice(removed))
    return _to_moderation(dialogue)


@require_POST
@through(DIALOGUE, MODERATE)
def moderate_statement(request: OrganisationRequest, access: DialogueAccess, statement: UUID) -> HttpResponse:
    target = _statement(access.target, statement)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown moderation decision."))
        return _to_moderation(access.target, form.shown_filter(), form.shown_page())
    try:
        actions.moderate(statement=target, status=form.cleaned_data["status"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("Statement %(number)d: %(status)s.") % {"number": target.number, "status": target.get_status_display()},
        )
    return _to_moderation(access.target, form.shown_filter(), form.shown_page())


@through(DIALOGUE, MODERATE)
def merge_statement(request: OrganisationRequest, access: DialogueAccess, statement: UUID) -> HttpResponse:
    duplicate = _statement(access.target, statement)
    candidates = queries.merge_candidates(duplicate)
    form = MergeForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["keep"]
        try:
            actions.merge(duplicate=duplicate, keep=keep)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Statement %(number)d is merged into statement %(keep)d.")
                % {"number": duplicate.number, "keep": keep.number},
            )
            return _to_moderation(access.target)
    context = {"dialogue": access.target, "duplicate": duplicate, "candidates": candidates, "form": form}
    return render(request, "dialogues/merge.html", context, status=422 if form.errors else 200)


@through(DIALOGUE, PROMOTE_STATEMENT)
def promote(request: OrganisationRequest, access: DialogueAccess, statement: UUID) -> HttpResponse:
    """Bring a statement into a workshop's effect chain as an effect or an activity."""
    dialogue = access.target
    target = _statement(dialogue, statement)
    form = PromoteForm(request.POST or None, organisation=access.organisation)
    if request.method == "POST" and form.is_valid():
        workshop = form.cleaned_data["workshop"]
        try:
            card = actions.promote_statement(
                statement=target, workshop=workshop, kind=form.cleaned_data["kind"], membership=_membership(access)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The statement is now a card in “%(workshop)s”.") % {"workshop": workshop.title}
            )
            removed = getattr(card, "personal_data_removed", {})
            if removed:
                messages.warning(request, removal_notice(removed))
            return redirect("dialogues:results", dialogue=dialogue.public_id)
    context = {"dialogue": dialogue, "statement": target, "form": form}
    return render(request, "dialogues/promote.html", context, status=422 if form.errors else 200)


E_MAILS_PER_DAY = 3  # invitations, and reminders, per dialogue whoever sends them: members are not to be flooded
DAY = 24 * 3600


@through(DIALOGUE, MODERATE)
def invite(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    """E-mail every member of an internal dialogue's organisation the invitation (POST). The page (GET) asks first:
    the manage page links to it once the invitation has been sent, so that sending it again is a choice."""
    dialogue = access.target
    if request.method == "POST":
        if not allow_in_all(f"dialogue-invitation:{dialogue.public_id}", limit=E_MAILS_PER_DAY, seconds=DAY):
            messages.error(request, _("The invitation has already been sent several times today. Try again tomorrow."))
            return _to_moderation(dialogue)
        try:
            actions.invite_members(dialogue=dialogue, invited_by=access.membership, site_url=settings.SITE_URL)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The invitation was e-mailed to the members of the organisation."))
        return _to_moderation(dialogue)
    try:
        actions.check_invitation_allowed(dialogue)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return _to_moderation(dialogue)
    return render(request, "dialogues/invite.html", {"dialogue": dialogue})


@require_POST
@through(DIALOGUE, MODERATE)
def remind(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    """Remind the members who have not taken part. The page never says who they are, nor how many."""
    dialogue = access.target
    if not allow_in_all(f"dialogue-reminder:{dialogue.public_id}", limit=E_MAILS_PER_DAY, seconds=DAY):
        messages.error(request, _("Reminders have already been sent today. Try again tomorrow."))
        return _to_moderation(dialogue)
    try:
        actions.remind_members(dialogue=dialogue, reminded_by=access.membership, site_url=settings.SITE_URL)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("A reminder was e-mailed to the members who have not taken part yet."))
    return _to_moderation(dialogue)
