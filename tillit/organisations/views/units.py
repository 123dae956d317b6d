"""The unit tree: the list, a unit's page, and creating, renaming, moving, closing and reopening units."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tillit.organisations import actions, queries
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.forms import UnitCreateForm, UnitForm, UnitMoveForm
from tillit.organisations.models import Organisation, Unit
from tillit.organisations.permissions import (
    ADMINISTER,
    ORGANISATION,
    VIEW_ORGANISATION,
    VIEW_PEOPLE,
    get_in_organisation,
)


def _to_unit(organisation: Organisation, unit: Unit) -> HttpResponse:
    return redirect("organisations:unit_detail", organisation=organisation.slug, unit=unit.public_id)


@through(ORGANISATION, VIEW_ORGANISATION)
def unit_list(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.organisation
    show_closed = request.GET.get("closed") == "1"
    tree = queries.unit_tree(organisation, include_closed=show_closed)
    context = {
        "organisation": organisation,
        "tree": tree,
        "roots": [node for node in tree if node.depth == 0],
        "show_closed": show_closed,
    }
    template = "organisations/unit_list.html"
    if request.htmx:
        template += "#unit-tree"
    return render(request, template, context)


@through(ORGANISATION, ADMINISTER)
def unit_create(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.organisation
    initial = {"parent": queries.unit_named_by(organisation, request.GET.get("parent"))}
    form = UnitCreateForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.create_unit(organisation=organisation, actor=access.user, **form.cleaned_data)
        except actions.NameTaken as error:
            form.add_error("name", error)
        except ValidationError as error:
            form.add_error("parent", error)
        else:
            messages.success(request, _("The unit %(name)s was created.") % {"name": unit.name})
            return _to_unit(organisation, unit)
    return render(request, "organisations/unit_form.html", {"organisation": organisation, "form": form, "unit": None})


@through(ORGANISATION, VIEW_ORGANISATION)
def unit_detail(request: OrganisationRequest, access: Access[Organisation], unit: UUID) -> HttpResponse:
    organisation = access.organisation
    found = get_in_organisation(Unit, organisation, unit)
    return render(
        request,
        "organisations/unit_detail.html",
        {
            "organisation": organisation,
            "unit": found,
            "ancestors": queries.ancestors(found),
            "children": queries.sub_units(found),
            "members": queries.people_in(organisation, unit=found) if access.may(VIEW_PEOPLE) else None,
            "events": queries.unit_history(found),
        },
    )


@through(ORGANISATION, ADMINISTER)
def unit_edit(request: OrganisationRequest, access: Access[Organisation], unit: UUID) -> HttpResponse:
    organisation = access.organisation
    found = get_in_organisation(Unit, organisation, unit)
    # The form edits a copy, so that the page's heading keeps the saved name while a change is refused.
    form = UnitForm(request.POST or None, instance=Unit.objects.get(pk=found.pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_unit(unit=found, actor=access.user, **form.cleaned_data)
        except actions.NameTaken as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("The unit is saved."))
            return _to_unit(organisation, found)
    return render(request, "organisations/unit_form.html", {"organisation": organisation, "form": form, "unit": found})


@through(ORGANISATION, ADMINISTER)
def unit_move(request: OrganisationRequest, access: Access[Organisation], unit: UUID) -> HttpResponse:
    organisation = access.organisation
    found = get_in_organisation(Unit, organisation, unit)
    form = UnitMoveForm(request.POST or None, organisation=organisation, initial={"parent": found.parent})
    if request.method == "POST" and form.is_valid():
        try:
            actions.move_unit(unit=found, new_parent=form.cleaned_data["parent"], actor=access.user)
        except ValidationError as error:
            form.add_error("parent", error)
        else:
            messages.success(request, _("The unit was moved."))
            return _to_unit(organisation, found)
    return render(request, "organisations/unit_move.html", {"organisation": organisation, "form": form, "unit": found})


@through(ORGANISATION, ADMINISTER)
def unit_close(request: OrganisationRequest, access: Access[Organisation], unit: UUID) -> HttpResponse:
    organisation = access.organisation
    found = get_in_organisation(Unit, organisation, unit)
    if request.method == "POST":
        actions.close_unit(unit=found, actor=access.user)
        messages.success(request, _("The unit %(name)s is closed. Its history is kept.") % {"name": found.name})
        return _to_unit(organisation, found)
    return render(
        request,
        "organisations/unit_confirm_close.html",
        {"organisation": organisation, "unit": found, "closing": queries.closing_with(found)},
    )


@through(ORGANISATION, ADMINISTER)
@require_POST
def unit_reopen(request: OrganisationRequest, access: Access[Organisation], unit: UUID) -> HttpResponse:
    organisation = access.organisation
    found = get_in_organisation(Unit, organisation, unit)
    try:
        actions.reopen_unit(unit=found, actor=access.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The unit is open again."))
    return _to_unit(organisation, found)
