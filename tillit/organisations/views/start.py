"""The way in: where a signed-in person lands, choosing an organisation, its start page, and its settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.organisations import actions, ongoing, queries
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.forms import OrganisationSettingsForm
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ADMINISTER, ORGANISATION, VIEW_ORGANISATION


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send the person to the organisation they last acted in, or let them choose."""
    slugs = [membership.organisation.slug for membership in queries.memberships_of(request.user)]
    last = request.session.get("organisation")
    if last in slugs:
        return redirect("organisations:start", organisation=last)
    if len(slugs) == 1:
        return redirect("organisations:start", organisation=slugs[0])
    return redirect("organisations:choose")


@login_required
def choose(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "organisations/organisation_choose.html", {"memberships": queries.memberships_of(request.user)}
    )


@through(ORGANISATION, VIEW_ORGANISATION)
def start(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.organisation
    if access.membership is not None:  # the page shows where the member is placed
        queries.read_unit_and_level(access.membership)
    return render(
        request,
        "organisations/organisation_start.html",
        {
            "organisation": organisation,
            "overview": queries.organisation_overview(organisation),
            # What the parts list for the member (each part registers its list: `organisations.ongoing`).
            "ongoing": ongoing.ongoing_for(request, access.membership) if access.membership else [],
        },
    )


@through(ORGANISATION, ADMINISTER)
def organisation_settings(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.organisation
    # A copy, so that a refused change does not show in the header before it is saved.
    form = OrganisationSettingsForm(request.POST or None, instance=Organisation.objects.get(pk=organisation.pk))
    if request.method == "POST" and form.is_valid():
        actions.change_settings(organisation=organisation, **form.cleaned_data)
        messages.success(request, _("The settings are saved."))
        return redirect("organisations:settings", organisation=organisation.slug)
    return render(request, "organisations/organisation_settings.html", {"organisation": organisation, "form": form})
