"""The workshop page: its steps, who takes part, the chain (a fragment polled while proposals come in) and
proposing cards; for its process leaders, the people, the guest places and the step."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tillit.core.ratelimit import allow_in_all
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.privacy.masking import removal_notice
from tillit.workshops import actions, queries
from tillit.workshops.forms import AddParticipantsForm, GuestPlacesForm, InviteFilterForm, ProposalForm, StepForm
from tillit.workshops.models import Workshop
from tillit.workshops.permissions import LEAD, PROPOSE, VIEW, WORKSHOP
from tillit.workshops.views.common import acting_participant, back, context, messages_of


@through(WORKSHOP, VIEW)
def detail(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    return render(request, "workshops/workshop_detail.html", _page(access, ProposalForm()))


def _page(access: Access[Workshop], proposal_form: ProposalForm) -> dict[str, object]:
    workshop = access.target
    return context(
        access,
        mix=queries.participant_mix(workshop),
        chain=queries.effect_chain(workshop, voices=True),
        said=queries.voices_of_workshop(workshop),
        reviews_voices=access.membership is not None and access.membership.is_facilitator,
        proposal_form=proposal_form,
        steps=_steps(workshop),
        **queries.guest_counts(workshop),
    )


def _steps(workshop: Workshop) -> list[tuple[str, str | Promise]]:
    """The steps the leader can choose; once the results are published, only the results and closed."""
    if workshop.results_published:
        return [(value, label) for value, label in Workshop.Step.choices if value in Workshop.RESULT_STEPS]
    return list(Workshop.Step.choices)


@through(WORKSHOP, VIEW)
def cards(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    """The chain as a fragment (polled while proposals come in), and where proposals are posted.

    A poll that names the chain version it already shows gets 204 when nothing has changed, so
    thousands of participants polling cost a single indexed read each.
    """
    workshop = access.target
    if request.method == "GET" and request.htmx and request.GET.get("since") == str(workshop.chain_version):
        return HttpResponse(status=204)
    form = ProposalForm(request.POST or None)
    notice = ""
    if request.method == "POST":
        WORKSHOP.check(access, PROPOSE)
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.propose(participant=acting_participant(access), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            workshop.refresh_from_db(fields=["chain_version"])  # the fragment carries the new version
            notice = removal_notice(item.personal_data_removed)
            if not request.htmx:
                messages.success(request, _("Your proposal is added."))
                if notice:
                    messages.warning(request, notice)
                return back(access, "chain")
            form = ProposalForm(initial={"kind": form.cleaned_data["kind"]})
    fragment = context(access, chain=queries.effect_chain(workshop, voices=True), proposal_form=form, notice=notice)
    if request.htmx and form.errors:
        # Send the form back with its errors in place of the form, so nothing typed is lost.
        response = render(request, "workshops/workshop_detail.html#proposal-form", fragment, status=422)
        response["HX-Retarget"] = "#proposal-form"
        response["HX-Reswap"] = "outerHTML"
        return response
    if request.htmx:
        return render(request, "workshops/workshop_detail.html#chain", fragment)
    return render(request, "workshops/workshop_detail.html", _page(access, form))


@through(WORKSHOP, LEAD)
def participants(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    workshop = access.target
    shown = InviteFilterForm(request.GET or None, organisation=workshop.organisation)
    form = AddParticipantsForm(request.POST or None, workshop=workshop, shown=shown)
    if request.method == "POST" and form.is_valid():
        added = actions.invite_members(
            workshop=workshop,
            memberships=form.cleaned_data["memberships"],
            role=form.cleaned_data["role"],
            invited_by=access.membership,
            site_url=settings.SITE_URL,
        )
        messages.success(
            request,
            ngettext("%(count)s person was added.", "%(count)s people were added.", len(added)) % {"count": len(added)},
        )
        response = redirect("workshops:participants", workshop=workshop.public_id)
        if request.GET:
            response["Location"] += "?" + request.GET.urlencode()
        return response
    page = context(
        access,
        form=form,
        shown=shown,
        mix=queries.participant_mix(workshop),
        participants=queries.participants(workshop),
    )
    return render(request, "workshops/participant_list.html", page)


REMINDERS_PER_DAY = 3
DAY = 24 * 3600


@require_POST
@through(WORKSHOP, LEAD)
def remind_raters(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    """The process leader reminds those who have not rated yet. The page never says who they are, nor how many.
    A few reminders a day per workshop and address, so that members are not flooded."""
    if not allow_in_all(f"workshop-reminder:{access.target.public_id}", limit=REMINDERS_PER_DAY, seconds=DAY):
        messages.error(request, _("Reminders have already been sent today. Try again tomorrow."))
        return redirect("workshops:participants", workshop=access.target.public_id)
    try:
        actions.remind_raters(workshop=access.target, reminded_by=access.membership, site_url=settings.SITE_URL)
    except ValidationError as error:
        messages.error(request, messages_of(error))
    else:
        messages.success(request, _("A reminder was e-mailed to those taking part who have not rated yet."))
    return redirect("workshops:participants", workshop=access.target.public_id)


@require_POST
@through(WORKSHOP, LEAD)
def guest_places(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    """The process leader opens (or closes) places for guests."""
    form = GuestPlacesForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return back(access)
    try:
        workshop = actions.set_guest_places(workshop=access.target, places=form.cleaned_data["places"])
    except ValidationError as error:
        messages.error(request, messages_of(error))
    else:
        messages.success(
            request,
            ngettext(
                "The workshop now has %(count)s guest place.",
                "The workshop now has %(count)s guest places.",
                workshop.guest_places,
            )
            % {"count": workshop.guest_places},
        )
    return back(access)


@require_POST
@through(WORKSHOP, LEAD)
def set_step(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["step"]))
        return back(access)
    try:
        workshop = actions.set_step(workshop=access.target, step=form.cleaned_data["step"])
    except ValidationError as error:
        messages.error(request, messages_of(error))
    else:
        messages.success(
            request, _("The workshop is now in the step: %(step)s.") % {"step": workshop.get_step_display()}
        )
        if workshop.results_open:
            # Rating has closed: compute the results now, once, so nobody waits for them later.
            queries.workshop_results(workshop)
    return back(access)
