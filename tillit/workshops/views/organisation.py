"""The organisation's workshops: the list, and a new workshop."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION, VIEW_ORGANISATION, VIEW_PEOPLE
from tillit.workshops import actions, queries
from tillit.workshops.forms import WorkshopForm


@through(ORGANISATION, VIEW_ORGANISATION)
def workshop_list(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """Process leaders see every workshop of the organisation; other members those they take part in."""
    workshops = queries.workshops_of(access.target, access.membership, all_of_them=access.may(VIEW_PEOPLE))
    return render(request, "workshops/workshop_list.html", {"organisation": access.target, "workshops": workshops})


@through(ORGANISATION, VIEW_PEOPLE)
def workshop_create(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    if access.membership is None:  # the door lets only process leaders in
        raise Http404
    form = WorkshopForm(request.POST or None, organisation=access.target)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = actions.create_workshop(
                organisation=access.target, leader=access.membership, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The workshop is created. Invite participants next."))
            return redirect("workshops:participants", workshop=workshop.public_id)
    return render(request, "workshops/workshop_form.html", {"organisation": access.target, "form": form})
