"""Joining a workshop as a guest, with its code and without an account."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.core.ratelimit import allow, exceeded
from tillit.organisations.models import Membership
from tillit.organisations.permissions import acting_membership
from tillit.workshops import actions, queries
from tillit.workshops.forms import CodeForm, join_form
from tillit.workshops.models import Workshop
from tillit.workshops.permissions import guest_participant, remember_guest

# Wrong guest codes per network address and window. Only wrong codes count, so a room of guests behind one address
# can all join; once the budget is used, right codes are refused too, so a guesser learns nothing more.
GUEST_CODE_CHECKS = 10
GUEST_CODE_WINDOW_SECONDS = 600
GUEST_CODE_SCOPE = "workshop-guest-code"


def join(request: HttpRequest) -> HttpResponse:
    """Guests join with the workshop's code and a self-declared actor group, without an account.

    First the code alone (posted, or in the address as ?code=); once it names a workshop, the name and actor
    group (of that organisation). Checking codes is rate-limited per network address, on GET and POST alike. A
    member of the workshop's organisation takes part with their account and is not let in as a guest as well.
    """
    codes = CodeForm(request.POST or request.GET or None)
    if not codes.is_bound or not codes.is_valid():
        return render(request, "workshops/join.html", {"form": codes, "workshop": None})
    if _too_many_wrong_codes(request):
        # Once the budget is used, right codes are refused too: a guesser must learn nothing more.
        response = render(request, "workshops/too_many_codes.html", status=429)
        response["Retry-After"] = str(GUEST_CODE_WINDOW_SECONDS)
        return response
    code = codes.cleaned_data["code"]
    workshop = queries.workshop_by_code(code)
    if workshop is None:
        _count_wrong_code(request)
        codes.add_error("code", _("There is no workshop with that code. Check the code and try again."))
        return render(request, "workshops/join.html", {"form": codes, "workshop": None})
    membership = acting_membership(request.user, workshop.organisation)
    if membership is not None:
        return _member_is_no_guest(request, workshop, membership)
    if guest_participant(request, workshop) is not None:
        messages.info(request, _("You have already joined this workshop in this browser."))
        return redirect("workshops:detail", workshop=workshop.public_id)
    form = join_form(request.POST, organisation=workshop.organisation, code=code)
    if form.is_bound and form.is_valid():
        try:
            participant = actions.join_as_guest(
                code=code, name=form.cleaned_data["name"], actor_group=form.cleaned_data["actor_group"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            remember_guest(request, participant)
            return redirect("workshops:detail", workshop=participant.workshop.public_id)
    context = {"form": form, "workshop": workshop, **queries.guest_counts(workshop)}
    return render(request, "workshops/join.html", context)


def _too_many_wrong_codes(request: HttpRequest) -> bool:
    """Whether this address has tried `GUEST_CODE_CHECKS` wrong codes in the window. Only wrong codes count, so
    the guests of one meeting behind a shared address do not use up the budget by joining."""
    return exceeded(request, GUEST_CODE_SCOPE, limit=GUEST_CODE_CHECKS, seconds=GUEST_CODE_WINDOW_SECONDS)


def _count_wrong_code(request: HttpRequest) -> None:
    allow(request, GUEST_CODE_SCOPE, limit=GUEST_CODE_CHECKS, seconds=GUEST_CODE_WINDOW_SECONDS)


def _member_is_no_guest(request: HttpRequest, workshop: Workshop, membership: Membership) -> HttpResponse:
    """One person, one door: a member takes part with their account, never also as a guest."""
    if membership.is_facilitator or queries.takes_part(workshop, membership):
        messages.info(
            request,
            _("You belong to %(organisation)s, so you take part with your own account, not as a guest.")
            % {"organisation": workshop.organisation.name},
        )
        return redirect("workshops:detail", workshop=workshop.public_id)
    messages.error(
        request,
        _(
            "You belong to %(organisation)s, so you cannot join as a guest. Ask the process leader to invite "
            "you with your account."
        )
        % {"organisation": workshop.organisation.name},
    )
    return redirect("workshops:list", organisation=workshop.organisation.slug)
