"""Who may take part in and lead a workshop.

A workshop is reached by its public id. Members of its organisation who take part, and the
organisation's process leaders and administrators (who may lead any workshop there), get in;
so do guests whose browser session carries their participation. Everyone else gets 404, as if
the workshop did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from tillit.organisations.models import Membership
from tillit.organisations.permissions import acting_membership
from tillit.workshops.models import Participant, Workshop

GUEST_SESSION_KEY = "workshop_guests"


class SignInFirst(Exception):
    """Raised for a visitor who is neither signed in nor a guest; views send them to sign in."""


@dataclass
class Access:
    workshop: Workshop
    participant: Participant | None
    membership: Membership | None
    may_lead: bool


def remember_guest(request: HttpRequest, participant: Participant) -> None:
    guests = request.session.get(GUEST_SESSION_KEY, {})
    guests[str(participant.workshop.public_id)] = str(participant.public_id)
    request.session[GUEST_SESSION_KEY] = guests


def workshop_access(request: HttpRequest, public_id: UUID, *, lead: bool = False) -> Access:
    """The requester's access to the workshop: 404 outside it, 403 when `lead` is needed and missing."""
    workshop = Workshop.objects.select_related("organisation").filter(public_id=public_id).first()
    if workshop is None:
        raise Http404
    access = _member_access(request, workshop) or _guest_access(request, workshop)
    if access is None:
        if not request.user.is_authenticated:
            raise SignInFirst
        raise Http404
    if access.participant is None and not access.may_lead:
        raise PermissionDenied
    if lead and not access.may_lead:
        raise PermissionDenied
    return access


def _member_access(request: HttpRequest, workshop: Workshop) -> Access | None:
    membership = acting_membership(request.user, workshop.organisation)
    if membership is None:
        return None
    participant = (
        Participant.objects.filter(workshop=workshop, membership=membership).select_related("workshop").first()
    )
    may_lead = membership.is_facilitator or (participant is not None and participant.is_leader)
    return Access(workshop, participant, membership, may_lead)


def _guest_access(request: HttpRequest, workshop: Workshop) -> Access | None:
    participant_id = request.session.get(GUEST_SESSION_KEY, {}).get(str(workshop.public_id))
    if participant_id is None:
        return None
    participant = Participant.objects.filter(workshop=workshop, public_id=participant_id, joined_as_guest=True).first()
    return Access(workshop, participant, None, False) if participant else None


def send_to_sign_in(request: HttpRequest):  # type: ignore[no-untyped-def]
    return redirect_to_login(request.get_full_path())
