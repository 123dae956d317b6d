"""The levels of the steering chain and the actor groups: the two lists people are placed by."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.organisations import actions, queries
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.forms import ActorGroupForm, LevelForm
from tillit.organisations.models import ActorGroup, Level, Organisation
from tillit.organisations.permissions import ADMINISTER, ORGANISATION, get_in_organisation

LEVELS = "organisations:level_list"
ACTOR_GROUPS = "organisations:actor_group_list"


@through(ORGANISATION, ADMINISTER)
def level_list(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.organisation
    form = LevelForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            level = actions.add_level(organisation=organisation, **form.cleaned_data)
        except actions.NameInUse as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": level.name})
            return redirect(request.path)
    return render(
        request,
        "organisations/level_list.html",
        {"organisation": organisation, "form": form, "items": queries.levels_with_usage(organisation)},
    )


@through(ORGANISATION, ADMINISTER)
def level_edit(request: OrganisationRequest, access: Access[Organisation], level: UUID) -> HttpResponse:
    organisation = access.organisation
    item = get_in_organisation(Level, organisation, level)
    form = LevelForm(request.POST or None, instance=Level.objects.get(pk=item.pk), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_level(level=item, **form.cleaned_data)
        except actions.NameInUse as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": item.name})
            return redirect(LEVELS, organisation=organisation.slug)
    return _edit_page(request, organisation, form, item, list_url=LEVELS)


@through(ORGANISATION, ADMINISTER)
def level_delete(request: OrganisationRequest, access: Access[Organisation], level: UUID) -> HttpResponse:
    organisation = access.organisation
    return _delete_page(request, organisation, get_in_organisation(Level, organisation, level), list_url=LEVELS)


@through(ORGANISATION, ADMINISTER)
def actor_group_list(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.organisation
    form = ActorGroupForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            group = actions.add_actor_group(organisation=organisation, **form.cleaned_data)
        except actions.NameInUse as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": group.name})
            return redirect(request.path)
    return render(
        request,
        "organisations/actorgroup_list.html",
        {"organisation": organisation, "form": form, "items": queries.actor_groups_with_usage(organisation)},
    )


@through(ORGANISATION, ADMINISTER)
def actor_group_edit(request: OrganisationRequest, access: Access[Organisation], actor_group: UUID) -> HttpResponse:
    organisation = access.organisation
    item = get_in_organisation(ActorGroup, organisation, actor_group)
    form = ActorGroupForm(request.POST or None, instance=ActorGroup.objects.get(pk=item.pk), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_actor_group(group=item, **form.cleaned_data)
        except actions.NameInUse as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": item.name})
            return redirect(ACTOR_GROUPS, organisation=organisation.slug)
    return _edit_page(request, organisation, form, item, list_url=ACTOR_GROUPS)


@through(ORGANISATION, ADMINISTER)
def actor_group_delete(request: OrganisationRequest, access: Access[Organisation], actor_group: UUID) -> HttpResponse:
    organisation = access.organisation
    item = get_in_organisation(ActorGroup, organisation, actor_group)
    return _delete_page(request, organisation, item, list_url=ACTOR_GROUPS)


def _edit_page(
    request: OrganisationRequest,
    organisation: Organisation,
    form: LevelForm | ActorGroupForm,
    item: Level | ActorGroup,
    *,
    list_url: str,
) -> HttpResponse:
    return render(
        request,
        "organisations/item_form.html",
        {
            "organisation": organisation,
            "form": form,
            "item": item,
            "list_url": list_url,
            "title": item._meta.verbose_name,
        },
    )


def _delete_page(
    request: OrganisationRequest, organisation: Organisation, item: Level | ActorGroup, *, list_url: str
) -> HttpResponse:
    """Ask first; remove only what nobody belongs to (409 with the reason when something does)."""
    refused = ""
    if request.method == "POST":
        try:
            actions.remove_unused(item=item)
        except actions.InUse as error:
            refused = " ".join(error.messages)
        else:
            messages.success(request, _("%(name)s was removed.") % {"name": item.name})
            return redirect(list_url, organisation=organisation.slug)
    return render(
        request,
        "organisations/item_confirm_delete.html",
        {
            "organisation": organisation,
            "item": item,
            "in_use": queries.people_holding(item),
            "refused": refused,
            "list_url": list_url,
        },
        status=409 if request.method == "POST" else 200,
    )
