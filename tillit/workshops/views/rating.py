"""The rating page: one page with every rating the person can give, saved at once."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.workshops import actions, queries
from tillit.workshops.forms import ACHIEVEMENT_CHOICES, CONTRIBUTION_CHOICES, IMPORTANCE_CHOICES, RatingForm
from tillit.workshops.models import Participant, Workshop
from tillit.workshops.permissions import RATE, VIEW, WORKSHOP
from tillit.workshops.views.common import back, context, messages_of


@through(WORKSHOP, VIEW)
def rate(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    """Every rating the person can give; ratings can be changed until the step closes. Saving stores the whole
    page or, when anything on it is refused, nothing, and answers with a redirect back to the page: the chain is
    read as plain ids by the action alone, never as cards."""
    if not access.may(RATE):
        messages.info(request, _("Process leaders who do not take part do not rate."))
        return back(access)
    participant: Participant = access.participant
    if request.method == "POST":
        form = RatingForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.error_message)
        else:
            try:
                actions.rate_posted_page(participant=participant, **form.ratings())
            except ValidationError as error:
                messages.error(request, messages_of(error))
            else:
                messages.success(request, _("Your ratings are saved. You can change them until rating closes."))
        return redirect("workshops:rate", workshop=access.target.public_id)
    page = context(
        access,
        rows=queries.rating_rows(participant, queries.effect_chain(access.target)),
        importance_choices=IMPORTANCE_CHOICES,
        achievement_choices=ACHIEVEMENT_CHOICES,
        contribution_choices=CONTRIBUTION_CHOICES,
    )
    return render(request, "workshops/rate.html", page)
