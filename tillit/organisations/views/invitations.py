"""The page where someone who already has an account answers an invitation to join an organisation.

Reached only through the e-mailed link: a pending membership's public id and a signed token
(tokens.py). The link must be valid, and the person signed in as the account it was sent to;
everyone else gets a plain page that names neither the organisation nor the account. This page is not behind
the door: the person is not a member yet, and its refusals are pages of their own (an invalid link, another
account) rather than 404 and 403. Its permission is still a predicate over an `Access`
(`organisations.answer_invitation`), asked of django-rules: a platform superuser answers nobody else's invitations.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.organisations import actions, queries
from tillit.organisations.door import Access
from tillit.organisations.forms import InvitationAnswerForm
from tillit.organisations.permissions import ANSWER_INVITATION
from tillit.organisations.tokens import pending_membership_token


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/invitation_invalid.html")


def answer_invitation(request: HttpRequest, pending: UUID, token: str) -> HttpResponse:
    found = queries.pending_membership_named_by(pending)
    if found is None or not pending_membership_token.check_token(found, token):
        return _invalid(request)
    access = Access(request, found, found.organisation, None)
    user = access.user
    if user is None:
        return redirect_to_login(request.get_full_path())
    if not access.may(ANSWER_INVITATION):
        return render(request, "organisations/invitation_other_account.html", status=403)
    form = InvitationAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["answer"] == "accept":
                actions.accept_pending_membership(pending=found, user=user)
                messages.success(
                    request,
                    _("Welcome! You are now a member of %(organisation)s.") % {"organisation": found.organisation},
                )
                return redirect("organisations:start", organisation=found.organisation.slug)
            actions.decline_pending_membership(pending=found, user=user)
            messages.success(
                request,
                _("You declined the invitation to %(organisation)s. Nothing about you was shared.")
                % {"organisation": found.organisation},
            )
            return redirect("home")
        except actions.InvitationAnswered:
            return _invalid(request)
    return render(request, "organisations/invitation_answer.html", {"pending": found, "account": user})
