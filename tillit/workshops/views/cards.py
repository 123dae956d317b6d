"""A card's page for the process leader: edit its text and place, link it up the chain, merge a duplicate."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.privacy.masking import removal_notice
from tillit.workshops import actions, queries
from tillit.workshops.forms import ItemEditForm, LinkForm, LinksForm, MergeForm
from tillit.workshops.models import Workshop
from tillit.workshops.permissions import LEAD, WORKSHOP
from tillit.workshops.views.common import back, card_in, context, messages_of


@through(WORKSHOP, LEAD)
def card_edit(request: OrganisationRequest, access: Access[Workshop], item: UUID) -> HttpResponse:
    card = card_in(access, item)
    form = ItemEditForm(request.POST or None, initial=queries.card_as_edited(card))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            edited = actions.edit_item(item=card, **form.cleaned_data)
        except actions.Conflict as error:
            card.refresh_from_db()
            form = ItemEditForm(initial=queries.card_as_edited(card))
            messages.error(request, messages_of(error))
            status = 409
        else:
            messages.success(request, _("The card is saved."))
            notice = removal_notice(edited.personal_data_removed)
            if notice:
                messages.warning(request, notice)
            return back(access, "chain")
    page = context(
        access,
        card=card,
        form=form,
        others=queries.other_cards_of_its_kind(card),
        link_targets=queries.link_targets(card),
        links_form=LinksForm(initial={"targets": queries.linked_targets(card)}, card=card),
    )
    return render(request, "workshops/item_form.html", page, status=status)


@require_POST
@through(WORKSHOP, LEAD)
def card_merge(request: OrganisationRequest, access: Access[Workshop], item: UUID) -> HttpResponse:
    duplicate = card_in(access, item)
    form = MergeForm(request.POST, workshop=access.target)
    if not form.is_valid():
        messages.error(request, _("Choose the card to merge into."))
        return redirect("workshops:card_edit", workshop=access.target.public_id, item=duplicate.public_id)
    keep = form.cleaned_data["into"]
    try:
        actions.merge_items(keep=keep, duplicate=duplicate)
    except ValidationError as error:
        messages.error(request, messages_of(error))
    else:
        messages.success(
            request,
            _("“%(duplicate)s” is merged into “%(keep)s”.") % {"duplicate": duplicate.title, "keep": keep.title},
        )
    return back(access, "chain")


@require_POST
@through(WORKSHOP, LEAD)
def links(request: OrganisationRequest, access: Access[Workshop], item: UUID) -> HttpResponse:
    """Save which cards one step up the chain this card serves, all at once; back to the card in the chain."""
    card = card_in(access, item)
    form = LinksForm(request.POST, card=card)
    if not form.is_valid():
        messages.error(request, _("Choose among the listed cards."))
        return redirect("workshops:card_edit", workshop=access.target.public_id, item=card.public_id)
    try:
        changed = actions.set_links(source=card, targets=form.cleaned_data["targets"])
    except ValidationError as error:
        messages.error(request, messages_of(error))
        return redirect("workshops:card_edit", workshop=access.target.public_id, item=card.public_id)
    if changed.added or changed.removed:
        messages.success(request, _("The links of “%(card)s” are saved.") % {"card": card.title})
    return back(access, f"card-{card.public_id}")


@require_POST
@through(WORKSHOP, LEAD)
def link(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    form = LinkForm(request.POST, workshop=access.target)
    if not form.is_valid():
        raise Http404  # the page only ever sends two of the workshop's cards
    source, target = form.cleaned_data["source"], form.cleaned_data["target"]
    try:
        if form.unlinks:
            actions.unlink(source=source, target=target)
        else:
            actions.link(source=source, target=target)
    except ValidationError as error:
        messages.error(request, messages_of(error))
    return back(access, "chain")
