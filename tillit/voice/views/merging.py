"""Merging similar suggestions and linking them to a workshop's cards (process leaders and administrators).

The suggestion's review page (`managing.suggestion`) shows the sections built here (`sections`): the suggestions
`core.similarity` finds alike, each with a button to merge into it; those merged into this one, each with a button to
take it apart; and the effect or activity it is linked to. `similar` lists the proposed pairs of the whole
organisation. Merging is undone by taking apart, so it asks for no confirmation.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION, get_in_organisation
from tillit.voice import actions, queries
from tillit.voice.forms import BackForm, LinkForm, MergeForm
from tillit.voice.models import Suggestion
from tillit.voice.permissions import MANAGE
from tillit.workshops import queries as workshop_queries


def sections(organisation: Organisation, suggestion: Suggestion) -> dict[str, Any]:
    """What the review page of a suggestion shows of merging and linking."""
    kept = suggestion.merged_into
    return {
        "kept": kept,
        "proposals": queries.proposals_for(suggestion),
        "merged_here": list(queries.merged_into_it(suggestion)),
        "linked_card": suggestion.item and workshop_queries.voice_card(organisation, suggestion.item.public_id),
        "link_form": LinkForm(cards=workshop_queries.cards_for_voices(organisation)),
    }


@require_GET
@through(ORGANISATION, MANAGE)
def similar(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """The pairs of suggestions `core.similarity` proposes to merge, most alike first."""
    organisation = access.target
    listed = Paginator(queries.proposed_pairs(organisation), queries.PROPOSALS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"organisation": organisation, "listed": listed, "pool": queries.PROPOSAL_POOL}
    return render(request, "voice/similar.html", context)


@require_POST
@through(ORGANISATION, MANAGE)
def merge(request: OrganisationRequest, access: Access[Organisation], suggestion: UUID) -> HttpResponse:
    """Merge the suggestion into the one posted as `into` (of the same organisation: any other id is 404)."""
    found = get_in_organisation(Suggestion, access.target, suggestion)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(error) for error in form.errors.get("into", [])) or _("Choose the suggestion to merge with."),
        )
        return _back(access.target, found, form)
    into = get_in_organisation(Suggestion, access.target, form.cleaned_data["into"])
    try:
        actions.merge(suggestion=found, into=into)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The suggestions are merged. The merged one is shown under the other; take it apart to undo.")
        )
    return _back(access.target, found, form)


@require_POST
@through(ORGANISATION, MANAGE)
def unmerge(request: OrganisationRequest, access: Access[Organisation], suggestion: UUID) -> HttpResponse:
    """Show a merged suggestion on its own again."""
    found = get_in_organisation(Suggestion, access.target, suggestion)
    form = BackForm(request.POST)
    form.is_valid()  # every value is valid: an unknown one goes back to the suggestion
    kept = found.merged_into
    try:
        actions.unmerge(suggestion=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The suggestion is taken apart: it is shown on its own again."))
    return _back(access.target, found, form, into=kept)


def _back(
    organisation: Organisation, suggestion: Suggestion, form: BackForm, *, into: Suggestion | None = None
) -> HttpResponse:
    back = form.cleaned_data.get("back", "suggestion") if hasattr(form, "cleaned_data") else "suggestion"
    if back == "similar":
        page = form.cleaned_data.get("page", 1)
        return redirect(reverse("voice:similar", kwargs={"organisation": organisation.slug}) + f"?page={page}")
    target = into or suggestion.merged_into if back == "into" else None
    shown = target or suggestion
    return redirect("voice:suggestion", organisation=organisation.slug, suggestion=shown.public_id)


@require_POST
@through(ORGANISATION, MANAGE)
def link(request: OrganisationRequest, access: Access[Organisation], suggestion: UUID) -> HttpResponse:
    """Link the suggestion to an effect or activity of one of the organisation's workshops."""
    organisation = access.target
    found = get_in_organisation(Suggestion, organisation, suggestion)
    form = LinkForm(request.POST, cards=workshop_queries.cards_for_voices(organisation))
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("item", [])))
        return _to_link(organisation, found)
    card = workshop_queries.voice_card(organisation, form.cleaned_data["item"])
    if card is None:  # listed a moment ago, deleted since
        raise Http404
    try:
        actions.link_to_item(suggestion=found, item=card)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The suggestion is linked to “%(title)s”.") % {"title": card.title})
    return _to_link(organisation, found)


@require_POST
@through(ORGANISATION, MANAGE)
def unlink(request: OrganisationRequest, access: Access[Organisation], suggestion: UUID) -> HttpResponse:
    found = get_in_organisation(Suggestion, access.target, suggestion)
    actions.unlink(suggestion=found)
    messages.success(request, _("The link to the workshop is taken away."))
    return _to_link(access.target, found)


def _to_link(organisation: Organisation, suggestion: Suggestion) -> HttpResponse:
    url = reverse("voice:suggestion", kwargs={"organisation": organisation.slug, "suggestion": suggestion.public_id})
    return redirect(url + "#link-title")
