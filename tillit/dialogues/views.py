"""Dialogue screens: list and create, take part (one statement at a time, works without
JavaScript), moderate, results with exports, and promoting a statement into a workshop.
Every view reaches the dialogue through permissions.dialogue_access."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.core.http import parse_uuid
from tillit.core.ratelimit import allow
from tillit.dialogues import actions, exporting, queries, report_pdf, reporting
from tillit.dialogues.forms import (
    DialogueForm,
    JoinForm,
    MergeForm,
    ModerationForm,
    NewDialogueForm,
    PromoteForm,
    StatementForm,
    VoteForm,
)
from tillit.dialogues.models import Dialogue, Statement
from tillit.dialogues.permissions import Access, dialogue_access, remember_token
from tillit.organisations.permissions import get_organisation_for
from tillit.privacy.masking import removal_notice
from tillit.workshops import actions as workshop_actions
from tillit.workshops.models import Participant as WorkshopParticipant
from tillit.workshops.permissions import SignInFirst, send_to_sign_in

VIEW_ORGANISATION = "organisations.view_organisation"
VIEW_PEOPLE = "organisations.view_people"
# Per network address: high enough for a conference behind one NAT, low enough to stop a script.
JOIN_LIMIT_PER_HOUR = settings.DIALOGUE_JOINS_PER_ADDRESS_PER_HOUR
# Per network address and open dialogue, in a day: bounds how many participants one person can make up.
JOIN_LIMIT_PER_DIALOGUE = settings.DIALOGUE_JOINS_PER_ADDRESS_PER_DIALOGUE
STATEMENT_LIMIT_PER_HOUR = settings.DIALOGUE_STATEMENTS_PER_ADDRESS_PER_HOUR


def with_access(*, manage: bool = False) -> Callable:
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, dialogue: UUID, **kwargs: object) -> HttpResponse:
            try:
                access = dialogue_access(request, dialogue, manage=manage)
            except SignInFirst:
                return send_to_sign_in(request)
            return view(request, access, **kwargs)

        return wrapped

    return decorate


def _statement(access: Access, public_id: object) -> Statement:
    return get_object_or_404(Statement, dialogue=access.dialogue, public_id=public_id)


def _to_participation(access: Access) -> HttpResponse:
    return redirect("dialogues:participate", dialogue=access.dialogue.public_id)


def _to_moderation(access: Access, request: HttpRequest | None = None) -> HttpResponse:
    """Back to the moderation list, keeping the filter the moderator was working through."""
    response = redirect("dialogues:moderate", dialogue=access.dialogue.public_id)
    shown = request.POST.get("shown", "") if request is not None else ""
    if shown in {*Statement.Status.values, "flagged"}:
        response["Location"] += f"?status={shown}"
    return response


# Organisation level -----------------------------------------------------------------------------


@login_required
def dialogue_list(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=VIEW_ORGANISATION)
    dialogues = Dialogue.objects.in_organisation(org).select_related("analysis")
    return render(request, "dialogues/dialogue_list.html", {"organisation": org, "dialogues": dialogues})


@login_required
def dialogue_create(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=VIEW_PEOPLE)
    form = NewDialogueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dialogue = actions.create_dialogue(
                organisation=org,
                created_by=request.membership,  # type: ignore[attr-defined]
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The dialogue is created. Share the link with the participants."))
            return redirect("dialogues:moderate", dialogue=dialogue.public_id)
    return render(request, "dialogues/dialogue_form.html", {"organisation": org, "form": form, "creating": True})


# Taking part ------------------------------------------------------------------------------------


@with_access()
def participate(request: HttpRequest, access: Access) -> HttpResponse:
    """The participant's page: an introduction and a join button, then one statement at a time."""
    return _participation_page(request, access)


def _participation_page(request: HttpRequest, access: Access) -> HttpResponse:
    """The whole page, or for htmx only the card with the next statement."""
    dialogue = access.dialogue
    participant = access.participant
    join_form = None
    if participant is None and not dialogue.is_internal:
        join_form = JoinForm(organisation=dialogue.organisation)
    statement, progress = (None, None)
    if participant is not None:
        statement, progress = queries.next_statement(participant)
    context = {
        "dialogue": dialogue,
        "access": access,
        "join_form": join_form,
        "statement": statement,
        "progress": progress,
        "statement_form": StatementForm(dialogue=dialogue),
    }
    template = "dialogues/participate.html#card" if request.htmx else "dialogues/participate.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
@with_access()
def join(request: HttpRequest, access: Access) -> HttpResponse:
    dialogue = access.dialogue
    if access.participant is not None:
        return _to_participation(access)
    try:
        if dialogue.is_internal:
            actions.participant_for_member(dialogue, access.membership, create=True)  # type: ignore[arg-type]
            return _to_participation(access)
        form = JoinForm(request.POST, organisation=dialogue.organisation)
        if not form.is_valid():
            messages.error(request, _("Choose one of the listed groups, or none."))
            return _to_participation(access)
        if not allow(request, "dialogue-join", limit=JOIN_LIMIT_PER_HOUR, seconds=3600) or not allow(
            request, f"dialogue-join:{dialogue.public_id}", limit=JOIN_LIMIT_PER_DIALOGUE, seconds=24 * 3600
        ):
            return render(request, "dialogues/too_many.html", {"dialogue": dialogue}, status=429)
        _participant, token = actions.join_open_dialogue(
            dialogue=dialogue, actor_group=form.cleaned_data["actor_group"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return _to_participation(access)
    response = _to_participation(access)
    remember_token(response, request, dialogue, token)
    return response


@require_POST
@with_access()
def vote(request: HttpRequest, access: Access) -> HttpResponse:
    if access.participant is None:
        messages.error(request, _("Join the dialogue before you vote."))
        return _to_participation(access)
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose agree, disagree or pass."))
        return _after_vote(request, access)
    statement = (
        Statement.objects.filter(dialogue=access.dialogue, public_id=form.cleaned_data["statement"])
        .select_related("dialogue")
        .first()
    )
    try:
        if statement is None:
            raise actions.DialogueError(_("That statement is not part of this dialogue."))
        actions.vote(participant=access.participant, statement=statement, value=form.cleaned_data["vote"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return _after_vote(request, access)


def _after_vote(request: HttpRequest, access: Access) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return _participation_page(request, access)
    return _to_participation(access)


@require_POST
@with_access()
def add_statement(request: HttpRequest, access: Access) -> HttpResponse:
    dialogue = access.dialogue
    if access.participant is None:
        messages.error(request, _("Join the dialogue before you add a statement."))
        return _to_participation(access)
    form = StatementForm(request.POST, dialogue=dialogue)
    if form.is_valid():
        if not allow(request, "dialogue-statement", limit=STATEMENT_LIMIT_PER_HOUR, seconds=3600):
            return render(request, "dialogues/too_many.html", {"dialogue": dialogue}, status=429)
        try:
            statement = actions.add_statement(participant=access.participant, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            if statement.status == Statement.Status.PENDING and dialogue.moderation == Dialogue.Moderation.PRE:
                messages.success(
                    request, _("Thank you. Your statement is shown to others once a moderator has accepted it.")
                )
            else:
                messages.success(request, _("Thank you. Your statement is now shown to others."))
            removed = getattr(statement, "removed_personal_data", {})
            if removed:
                messages.warning(request, removal_notice(removed))
            return _to_participation(access)
    statement, progress = queries.next_statement(access.participant)
    context = {
        "dialogue": dialogue,
        "access": access,
        "statement": statement,
        "progress": progress,
        "statement_form": form,
    }
    return render(request, "dialogues/participate.html", context, status=422)


@require_POST
@with_access()
def flag(request: HttpRequest, access: Access) -> HttpResponse:
    if access.participant is None:
        return _to_participation(access)
    public_id = parse_uuid(request.POST.get("statement"))
    statement = Statement.objects.filter(dialogue=access.dialogue, public_id=public_id).first() if public_id else None
    if statement is None:
        messages.error(request, _("That statement is not part of this dialogue."))
        return _to_participation(access)
    try:
        actions.flag(participant=access.participant, statement=statement)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Thank you. The moderator will look at the statement."))
    return _to_participation(access)


# Managing ---------------------------------------------------------------------------------------


@with_access(manage=True)
def moderate(request: HttpRequest, access: Access) -> HttpResponse:
    dialogue = access.dialogue
    status = request.GET.get("status", "")
    statements = queries.moderation_queue(dialogue)
    if status in Statement.Status.values:
        statements = statements.filter(status=status)
    elif status == "flagged":
        statements = statements.filter(flag_count__gt=0)
    else:
        status = ""
    context = {
        "dialogue": dialogue,
        "access": access,
        "statements": queries.with_vote_counts(dialogue, statements),
        "status": status,
        "counts": queries.statement_counts(dialogue),
        "participation_url": request.build_absolute_uri(dialogue_url(dialogue)),
        "seed_form": StatementForm(dialogue=dialogue),
    }
    return render(request, "dialogues/moderate.html", context)


def dialogue_url(dialogue: Dialogue) -> str:
    from django.urls import reverse

    return reverse("dialogues:participate", kwargs={"dialogue": dialogue.public_id})


@with_access(manage=True)
def edit(request: HttpRequest, access: Access) -> HttpResponse:
    dialogue = access.dialogue
    fields = list(DialogueForm.base_fields)
    form = DialogueForm(request.POST or None, initial={name: getattr(dialogue, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_dialogue(dialogue=dialogue, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The dialogue is saved."))
            return _to_moderation(access)
    return render(request, "dialogues/dialogue_form.html", {"dialogue": dialogue, "form": form, "creating": False})


@require_POST
@with_access(manage=True)
def add_seed(request: HttpRequest, access: Access) -> HttpResponse:
    form = StatementForm(request.POST, dialogue=access.dialogue)
    if form.is_valid():
        try:
            created = actions.add_seed_statements(dialogue=access.dialogue, texts=[form.cleaned_data["text"]])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            if created:
                messages.success(request, _("The statement is added."))
                removed = getattr(created[0], "removed_personal_data", {})
                if removed:
                    messages.warning(request, removal_notice(removed))
            else:
                messages.error(request, _("That statement is already in the dialogue."))
    else:
        messages.error(request, form.errors["text"][0])
    return _to_moderation(access)


@require_POST
@with_access(manage=True)
def moderate_statement(request: HttpRequest, access: Access, statement: UUID) -> HttpResponse:
    target = _statement(access, statement)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown moderation decision."))
        return _to_moderation(access, request)
    try:
        actions.moderate(statement=target, status=form.cleaned_data["status"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("Statement %(number)d: %(status)s.") % {"number": target.number, "status": target.get_status_display()},
        )
    return _to_moderation(access, request)


@with_access(manage=True)
def merge_statement(request: HttpRequest, access: Access, statement: UUID) -> HttpResponse:
    duplicate = _statement(access, statement)
    candidates = (
        Statement.objects.filter(dialogue=access.dialogue)
        .exclude(pk=duplicate.pk)
        .exclude(status=Statement.Status.REJECTED)
    )
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        keep = candidates.filter(public_id=form.cleaned_data["keep"]).first()
        try:
            if keep is None:
                raise actions.DialogueError(_("Choose one of the listed statements."))
            actions.merge(duplicate=duplicate, keep=keep)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Statement %(number)d is merged into statement %(keep)d.")
                % {"number": duplicate.number, "keep": keep.number},
            )
            return _to_moderation(access)
    context = {"dialogue": access.dialogue, "duplicate": duplicate, "candidates": candidates, "form": form}
    return render(request, "dialogues/merge.html", context, status=422 if form.errors else 200)


@with_access(manage=True)
def promote(request: HttpRequest, access: Access, statement: UUID) -> HttpResponse:
    """Bring a statement into a workshop's effect chain as an effect or an activity."""
    target = _statement(access, statement)
    form = PromoteForm(request.POST or None, organisation=access.dialogue.organisation)
    if request.method == "POST" and form.is_valid():
        workshop = form.cleaned_data["workshop"]
        try:
            if not queries.shown_statements(access.dialogue).filter(pk=target.pk).exists():
                raise actions.DialogueError(
                    _("Only statements shown to the participants can be taken into a workshop.")
                )
            with transaction.atomic():  # no leadership is left behind if the card cannot be added
                leader = workshop_actions.add_member(
                    workshop=workshop,
                    membership=access.membership,  # type: ignore[arg-type]
                    role=WorkshopParticipant.Role.LEADER,
                )
                card = workshop_actions.propose(
                    participant=leader,
                    kind=form.cleaned_data["kind"],
                    title=target.text[:140],
                    description=_("From the dialogue “%(question)s”: %(text)s")
                    % {"question": access.dialogue.question, "text": target.text},
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
            return redirect("dialogues:results", dialogue=access.dialogue.public_id)
    context = {"dialogue": access.dialogue, "statement": target, "form": form}
    return render(request, "dialogues/promote.html", context, status=422 if form.errors else 200)


# Results ----------------------------------------------------------------------------------------


@with_access()
def results(request: HttpRequest, access: Access) -> HttpResponse:
    if not access.may_read_results:
        return render(
            request, "dialogues/results_closed.html", {"dialogue": access.dialogue, "access": access}, status=403
        )
    if request.htmx:  # type: ignore[attr-defined]
        # The page's poll: nothing while unchanged, then a notice with a link; the page is never swapped.
        version = reporting.results_version(access.dialogue)
        if request.GET.get("since") == version:
            return HttpResponse(status=204)
        context = {"dialogue": access.dialogue, "newer": True}
        return render(request, "dialogues/results.html#update-notice", context)
    view = reporting.results_view(access.dialogue)
    context = {
        "dialogue": access.dialogue,
        "access": access,
        "view": view,
        "points": reporting.map_points(view),
        "bars": reporting.participation_bars(view),
    }
    template = "dialogues/results.html"
    return render(request, template, context)


@with_access()
def results_csv(request: HttpRequest, access: Access) -> HttpResponse:
    if not access.may_read_results:
        return render(
            request, "dialogues/results_closed.html", {"dialogue": access.dialogue, "access": access}, status=403
        )
    return exporting.results_csv(reporting.results_view(access.dialogue))


@with_access()
def results_pdf(request: HttpRequest, access: Access) -> HttpResponse:
    if not access.may_read_results:
        return render(
            request, "dialogues/results_closed.html", {"dialogue": access.dialogue, "access": access}, status=403
        )
    return report_pdf.results_pdf(reporting.results_view(access.dialogue))
