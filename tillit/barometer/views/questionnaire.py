"""The questionnaire (enkäten): read by every member, changed by process leaders.

A change of a version a round has opened with is made in a new version (`actions.add_item_to_questionnaire` and its
siblings); the page says so after the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tillit.barometer import actions, queries
from tillit.barometer.bank import VALIDATED_BLOCKS
from tillit.barometer.forms import BlockForm, ItemForm
from tillit.barometer.models import Instrument, Item, Theme
from tillit.barometer.permissions import EDIT_QUESTIONNAIRE, READ_QUESTIONNAIRE
from tillit.core.confirming import confirm_page
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION


@dataclass(frozen=True)
class ThemeGroup:
    theme: str
    label: str
    items: list[Item]


def items_by_theme(instrument: Instrument) -> list[ThemeGroup]:
    items = list(instrument.items.all())
    return [
        ThemeGroup(theme.value, str(theme.label), [item for item in items if item.theme == theme])
        for theme in Theme
        if any(item.theme == theme for item in items)
    ]


def _page(
    request: OrganisationRequest, access: Access[Organisation], *, item_form: ItemForm | None = None
) -> HttpResponse:
    organisation = access.target
    instrument = actions.current_instrument(organisation)
    codes = queries.item_codes(instrument)
    blocks = [
        {"key": key, "block": block, "included": bool(codes & {item.code for item in block.items})}
        for key, block in VALIDATED_BLOCKS.items()
    ]
    context = {
        "organisation": organisation,
        "instrument": instrument,
        "groups": items_by_theme(instrument),
        "has_references": queries.has_references(instrument),
        "rounds": queries.rounds_using(instrument),
        "may_edit": access.may(EDIT_QUESTIONNAIRE),
        "item_form": item_form or ItemForm(),
        "blocks": blocks,
        "next_version": instrument.version + 1,
    }
    return render(request, "barometer/instrument.html", context)


def _back(organisation: Organisation) -> HttpResponse:
    return redirect("barometer:instrument", organisation=organisation.slug)


def _note_new_version(request: OrganisationRequest, edited: actions.Edited) -> None:
    if edited.made_a_new_version:
        messages.info(
            request,
            _("Version %(old)d is used by a round, so your change is in a new version %(new)d.")
            % {"old": edited.before.version, "new": edited.after.version},
        )


@through(ORGANISATION, READ_QUESTIONNAIRE)
def instrument(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    return _page(request, access)


@require_POST
@through(ORGANISATION, EDIT_QUESTIONNAIRE)
def add_item(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.target
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _page(request, access, item_form=form)
    try:
        edited = actions.add_item_to_questionnaire(organisation=organisation, **form.cleaned_data)
    except ValidationError as error:
        form.add_error("text_sv", error.messages[0])
        return _page(request, access, item_form=form)
    except IntegrityError:
        messages.error(request, _("Something changed at the same time. Try again."))
        return _back(organisation)
    messages.success(request, _("The item is added."))
    _note_new_version(request, edited)
    return _back(organisation)


@require_POST
@through(ORGANISATION, EDIT_QUESTIONNAIRE)
def add_block(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.target
    form = BlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed blocks."))
        return _back(organisation)
    block = VALIDATED_BLOCKS[form.cleaned_data["block"]]
    try:
        edited = actions.add_block_to_questionnaire(organisation=organisation, key=block.key)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except IntegrityError:
        messages.error(request, _("Something changed at the same time. Try again."))
    else:
        messages.success(request, _("The block “%(name)s” is added.") % {"name": block.name_sv})
        _note_new_version(request, edited)
    return _back(organisation)


@through(ORGANISATION, EDIT_QUESTIONNAIRE)
def remove_item(request: OrganisationRequest, access: Access[Organisation], item: int) -> HttpResponse:
    organisation = access.target
    current = actions.current_instrument(organisation)
    # Only items of the organisation's newest version can be removed; anything else does not exist here.
    target = queries.item_of_questionnaire(organisation, current, item)
    if target is None:
        raise Http404
    back = reverse("barometer:instrument", kwargs={"organisation": organisation.slug})
    if request.method != "POST":
        paragraphs = [_("The item is taken out of the questionnaire. Rounds that have already opened keep it.")]
        if current.is_frozen:
            paragraphs.append(
                _("Version %(version)d is used by a round and is locked; changes create version %(next)d.")
                % {"version": current.version, "next": current.version + 1}
            )
        return confirm_page(
            request,
            organisation=organisation,
            title=_("Remove the item?"),
            quote=target.text,
            paragraphs=paragraphs,
            button=_("Remove the item"),
            danger=True,
            cancel_url=back,
            back_label=_("The questionnaire"),
        )
    try:
        edited = actions.remove_item_from_questionnaire(organisation=organisation, item=target)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except IntegrityError:
        messages.error(request, _("Something changed at the same time. Try again."))
    else:
        messages.success(request, _("The item is removed."))
        _note_new_version(request, edited)
    return redirect(back)
