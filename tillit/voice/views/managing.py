"""Running Brukarrösten (process leaders and administrators): the pages, the suggestions and their review."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION, get_in_organisation
from tillit.privacy.masking import removal_notice
from tillit.voice import actions, queries
from tillit.voice.forms import EntryForm, PageForm, RetentionForm, ReviewForm
from tillit.voice.models import ServicePage, Suggestion
from tillit.voice.permissions import MANAGE
from tillit.voice.views import merging

PER_PAGE = 25


@through(ORGANISATION, MANAGE)
def pages(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.target
    form = PageForm(request.POST or None, units=queries.units_without_page(organisation))
    if request.method == "POST" and form.is_valid():
        try:
            actions.open_page(organisation=organisation, unit=form.cleaned_data["unit"], name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The page is open. Put its address where the service users see it."))
            return redirect("voice:pages", organisation=organisation.slug)
    return _pages_page(
        request, organisation, form, RetentionForm(initial={"months": queries.retention_months(organisation)})
    )


def _pages_page(
    request: OrganisationRequest, organisation: Organisation, form: PageForm, retention_form: RetentionForm
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "pages": queries.pages_of(organisation),
        "form": form,
        "retention_form": retention_form,
    }
    return render(request, "voice/pages.html", context, status=422 if form.errors or retention_form.errors else 200)


@require_POST
@through(ORGANISATION, MANAGE)
def retention(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """How many months the organisation keeps the texts of its suggestions."""
    organisation = access.target
    form = RetentionForm(request.POST)
    if form.is_valid():
        months, current = form.cleaned_data["months"], queries.retention_months(organisation)
        if months < current and not form.cleaned_data["shorter_confirmed"]:
            form.add_error(
                "shorter_confirmed",
                _(
                    "Texts older than %(months)s months are deleted within a day and cannot be brought back. Tick to confirm."
                )
                % {"months": months},
            )
        else:
            try:
                actions.set_retention(organisation=organisation, months=months)
            except ValidationError as error:
                form.add_error("months", error)
            else:
                messages.success(request, _("Saved. The texts are kept for %(months)s months.") % {"months": months})
                return redirect("voice:pages", organisation=organisation.slug)
    return _pages_page(request, organisation, PageForm(units=queries.units_without_page(organisation)), form)


@require_POST
@through(ORGANISATION, MANAGE)
def page_open(request: OrganisationRequest, access: Access[Organisation], page: UUID) -> HttpResponse:
    found = get_in_organisation(ServicePage, access.target, page)
    is_open = request.POST.get("open") == "1"
    try:
        actions.set_page_open(page=found, is_open=is_open)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        _say_open(request, is_open)
    return redirect("voice:pages", organisation=access.target.slug)


def _say_open(request: OrganisationRequest, is_open: bool) -> None:
    if is_open:
        messages.success(request, _("The page takes suggestions again."))
    else:
        messages.success(request, _("The page is closed. Its address shows that it no longer takes suggestions."))


@through(ORGANISATION, MANAGE)
def entry(request: OrganisationRequest, access: Access[Organisation], page: UUID) -> HttpResponse:
    """A suggestion received on paper, by phone or at a meeting, entered on the person's behalf."""
    found = get_in_organisation(ServicePage, access.target, page)
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = actions.submit(
                page=found,
                helps=data["helps"],
                hinders=data["hinders"],
                theme=data["theme"],
                respondent=data["respondent"],
                contact=data["contact"],
                channel=data["channel"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The suggestion is entered."))
            removed = getattr(suggestion, "removed_personal_data", {})
            if removed:
                messages.warning(request, removal_notice(removed))
            return redirect("voice:suggestion", organisation=access.target.slug, suggestion=suggestion.public_id)
    context = {"organisation": access.target, "service": found, "form": form}
    return render(request, "voice/entry.html", context, status=422 if form.errors else 200)


@through(ORGANISATION, MANAGE)
def suggestions(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.target
    review = request.GET.get("review", Suggestion.Review.PENDING)
    if review not in {"", *Suggestion.Review.values}:
        review = Suggestion.Review.PENDING
    # Those merged into another are listed under it, not on their own.
    listed = Paginator(queries.suggestions_to_review(organisation, review), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "listed": listed,
        "review": review,
        "reviews": [
            (Suggestion.Review.PENDING, _("Waiting for review")),
            *[c for c in Suggestion.Review.choices if c[0] != Suggestion.Review.PENDING],
            ("", _("All")),
        ],
    }
    return render(request, "voice/suggestions.html", context)


@through(ORGANISATION, MANAGE)
def suggestion(request: OrganisationRequest, access: Access[Organisation], suggestion: UUID) -> HttpResponse:
    found = get_in_organisation(Suggestion, access.target, suggestion)
    form = ReviewForm(
        request.POST or None, initial={"theme": found.theme, "status": found.status, "reason": found.reason}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _decide(found, data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The suggestion is updated."))
            return redirect("voice:suggestion", organisation=access.target.slug, suggestion=found.public_id)
    contact = queries.contact_of(found)
    context = {"organisation": access.target, "suggestion": found, "contact": contact, "form": form}
    context |= merging.sections(access.target, found)  # similar ones, merged ones, the linked workshop card
    return render(request, "voice/suggestion.html", context, status=422 if form.errors else 200)


def _decide(found: Suggestion, data: dict) -> None:
    decision = data["decision"]
    if decision in {"publish", "reject"}:
        actions.review(suggestion=found, publish=decision == "publish")
    elif decision == "theme":
        actions.set_theme(suggestion=found, theme=data["theme"])
    elif decision == "status":
        actions.set_status(
            suggestion=found, status=data["status"] or "", reason=data["reason"], names_checked=data["names_checked"]
        )
    else:
        actions.answer(suggestion=found, text=data["answer"], names_checked=data["names_checked"])
