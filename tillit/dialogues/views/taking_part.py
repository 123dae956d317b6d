"""Taking part: the participant's page (an introduction and a join button, then one statement at a time), joining,
voting, adding a statement and reporting one. Everything works without JavaScript; with htmx a vote swaps only the
card with the next statement."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tillit.core.ratelimit import allow
from tillit.dialogues import actions, queries
from tillit.dialogues.forms import FlagForm, JoinForm, StatementForm, VoteForm
from tillit.dialogues.models import Dialogue, Statement
from tillit.dialogues.permissions import (
    ADD_STATEMENT,
    DIALOGUE,
    MODERATE,
    REPORT_STATEMENT,
    TAKE_PART,
    VIEW_DIALOGUE,
    VOTE,
    DialogueAccess,
    remember_token,
)
from tillit.organisations.door import OrganisationRequest, through
from tillit.privacy.masking import removal_notice


def to_participation(dialogue: Dialogue) -> HttpResponse:
    return redirect("dialogues:participate", dialogue=dialogue.public_id)


def _join_allowed(request: OrganisationRequest, dialogue: Dialogue) -> bool:
    """Per network address: joins in an hour (high enough for a conference behind one NAT, low enough to stop a
    script), and joins of this dialogue in a day (how many participants one person can make up)."""
    return allow(request, "dialogue-join", limit=settings.DIALOGUE_JOINS_PER_ADDRESS_PER_HOUR, seconds=3600) and allow(
        request,
        f"dialogue-join:{dialogue.public_id}",
        limit=settings.DIALOGUE_JOINS_PER_ADDRESS_PER_DIALOGUE,
        seconds=24 * 3600,
    )


def _too_many(request: OrganisationRequest, dialogue: Dialogue) -> HttpResponse:
    return render(request, "dialogues/too_many.html", {"dialogue": dialogue}, status=429)


@through(DIALOGUE, VIEW_DIALOGUE)
def participate(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    """The participant's page: an introduction and a join button, then one statement at a time."""
    return _participation_page(request, access, fragment=bool(request.htmx))


def _participation_page(
    request: OrganisationRequest,
    access: DialogueAccess,
    *,
    fragment: bool = False,
    statement_form: StatementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or (`fragment`) only the card with the next statement."""
    dialogue, participant = access.target, access.participant
    statement, progress = queries.next_statement(participant) if participant is not None else (None, None)
    context = {
        "dialogue": dialogue,
        "participant": participant,
        "may_moderate": access.may(MODERATE),
        "join_form": JoinForm.from_link(request.GET, organisation=dialogue.organisation)
        if participant is None and not dialogue.is_internal
        else None,
        "statement": statement,
        "progress": progress,
        "statement_form": statement_form or StatementForm(dialogue=dialogue),
    }
    template = "dialogues/participate.html#card" if fragment else "dialogues/participate.html"
    return render(request, template, context, status=status)


@require_POST
@through(DIALOGUE, TAKE_PART)
def join(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    dialogue = access.target
    if access.participant is not None:
        return to_participation(dialogue)
    try:
        if dialogue.is_internal and access.membership is not None:
            actions.participant_for_member(dialogue, access.membership, create=True)
            return to_participation(dialogue)
        form = JoinForm(request.POST, organisation=dialogue.organisation)
        if not form.is_valid():
            messages.error(request, _("Choose one of the listed groups, or none."))
            return to_participation(dialogue)
        if not _join_allowed(request, dialogue):
            return _too_many(request, dialogue)
        _participant, token = actions.join_open_dialogue(
            dialogue=dialogue, actor_group=form.cleaned_data["actor_group"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return to_participation(dialogue)
    response = to_participation(dialogue)
    remember_token(response, dialogue, token)
    return response


@require_POST
@through(DIALOGUE, VIEW_DIALOGUE)
def vote(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    if not access.may(VOTE):
        messages.error(request, _("Join the dialogue before you vote."))
        return to_participation(access.target)
    form = VoteForm(request.POST, dialogue=access.target)
    if not form.is_valid():
        messages.error(request, form.first_error())
    else:
        try:
            actions.vote(
                participant=access.participant,
                statement=form.cleaned_data["statement"],
                value=form.cleaned_data["vote"],
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
    if request.htmx:
        return _participation_page(request, access, fragment=True)
    return to_participation(access.target)


@require_POST
@through(DIALOGUE, VIEW_DIALOGUE)
def add_statement(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    dialogue = access.target
    if not access.may(ADD_STATEMENT):
        messages.error(request, _("Join the dialogue before you add a statement."))
        return to_participation(dialogue)
    form = StatementForm(request.POST, dialogue=dialogue)
    if form.is_valid():
        if not allow(
            request, "dialogue-statement", limit=settings.DIALOGUE_STATEMENTS_PER_ADDRESS_PER_HOUR, seconds=3600
        ):
            return _too_many(request, dialogue)
        try:
            statement = actions.add_statement(participant=access.participant, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            _thank_the_writer(request, dialogue, statement)
            return to_participation(dialogue)
    return _participation_page(request, access, statement_form=form, status=422)


def _thank_the_writer(request: OrganisationRequest, dialogue: Dialogue, statement: Statement) -> None:
    if statement.status == Statement.Status.PENDING and dialogue.moderation == Dialogue.Moderation.PRE:
        messages.success(request, _("Thank you. Your statement is shown to others once a moderator has accepted it."))
    else:
        messages.success(request, _("Thank you. Your statement is now shown to others."))
    removed = getattr(statement, "removed_personal_data", {})
    if removed:
        messages.warning(request, removal_notice(removed))


@require_POST
@through(DIALOGUE, VIEW_DIALOGUE)
def flag(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    dialogue = access.target
    if not access.may(REPORT_STATEMENT):
        return to_participation(dialogue)
    form = FlagForm(request.POST, dialogue=dialogue)
    if not form.is_valid():
        messages.error(request, _("That statement is not part of this dialogue."))
        return to_participation(dialogue)
    try:
        actions.flag(participant=access.participant, statement=form.cleaned_data["statement"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Thank you. The moderator will look at the statement."))
    return to_participation(dialogue)
