"""The page where someone who already has an account answers an invitation to join an organisation.

Reached only through the e-mailed link: a pending membership's public id and a signed token
(tokens.py). The link must be valid, and the person signed in as the account it was sent to;
everyone else gets a plain page that names neither the organisation nor the account.
"""

from __future__ import annotations

from uuid import UUID

import rules
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.organisations import actions
from tillit.organisations.models import PendingMembership
from tillit.organisations.tokens import pending_membership_token

ANSWER = "organisations.answer_invitation"


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/invitation_invalid.html")


def answer_invitation(request: HttpRequest, pending: UUID, token: str) -> HttpResponse:
    found = (
        PendingMembership.objects.select_related("organisation", "unit", "actor_group", "level", "user")
        .filter(public_id=pending)
        .first()
    )
    if found is None or not pending_membership_token.check_token(found, token):
        return _invalid(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # rules directly, not user.has_perm(): a platform superuser answers nobody else's invitations.
    if not rules.has_perm(ANSWER, request.user, found):
        return render(request, "organisations/invitation_other_account.html", status=403)
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                actions.accept_pending_membership(pending=found, user=request.user)  # type: ignore[arg-type]
                messages.success(
                    request,
                    _("Welcome! You are now a member of %(organisation)s.") % {"organisation": found.organisation},
                )
                return redirect("organisations:start", organisation=found.organisation.slug)
            if answer == "decline":
                actions.decline_pending_membership(pending=found, user=request.user)  # type: ignore[arg-type]
                messages.success(
                    request,
                    _("You declined the invitation to %(organisation)s. Nothing about you was shared.")
                    % {"organisation": found.organisation},
                )
                return redirect("home")
        except actions.InvitationAnswered:
            return _invalid(request)
    return render(request, "organisations/invitation_answer.html", {"pending": found, "account": request.user})
