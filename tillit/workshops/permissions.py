"""Who may do what in a workshop: the `WORKSHOP` door and the permissions behind it.

A workshop is reached by its public id (`/w/<uuid>/`). The door (`tillit.organisations.door`) finds it, and
recognises the requester's participation: a member's own, or a guest's, whose browser session carries the
participant's public id after joining with the code (a member of the organisation is never taken for a guest).
Everyone who does not belong to the organisation and takes no part gets 404, as if the workshop did not exist
(a visitor who is not signed in is sent to sign in first); members who take no part, and guests, get 403 for
what their role does not allow.

| permission | participant | guest | process leader of the workshop | the organisation's process leaders and administrators | other members | outsiders |
| --- | --- | --- | --- | --- | --- | --- |
| `workshops.enter_workshop` (know it exists) | yes | yes | yes | yes | yes | 404 / sign in |
| `workshops.view_workshop` (its page, the chain) | yes | yes | yes | yes | 403 | 404 / sign in |
| `workshops.propose_card` | yes | yes | yes | yes | 403 | 404 / sign in |
| `workshops.rate` | yes | yes | yes | only when taking part (*) | 403 | 404 / sign in |
| `workshops.lead_workshop` (people, reminders to rate, guest places, steps, cards, links) | 403 | 403 | yes | yes | 403 | 404 / sign in |
| `workshops.read_results` (page, CSV, PDF) | yes | yes | yes | yes | 403 | 404 / sign in |
| `workshops.record_decision` | 403 | 403 | yes | yes | 403 | 404 / sign in |

(*) A process leader of the organisation who takes no part reaches the rating page and is told that they do not
rate. The workshop's step decides the rest, in the actions: proposals while gathering and structuring, ratings in
the rating step, results once rating has closed (before that the page says so and the exports are not found).
"""

from __future__ import annotations

from typing import Any

import rules
from django.http import HttpRequest

from tillit.organisations.door import Access, Door, by_public_id, organisation_of
from tillit.organisations.models import Membership
from tillit.organisations.permissions import is_facilitator, is_member
from tillit.workshops.models import Participant, Workshop

__all__ = [
    "ENTER",
    "GUEST_SESSION_KEY",
    "LEAD",
    "PROPOSE",
    "RATE",
    "READ_RESULTS",
    "RECORD_DECISION",
    "VIEW",
    "WORKSHOP",
    "guest_participant",
    "remember_guest",
]

GUEST_SESSION_KEY = "workshop_guests"

ENTER = "workshops.enter_workshop"
VIEW = "workshops.view_workshop"
PROPOSE = "workshops.propose_card"
RATE = "workshops.rate"
LEAD = "workshops.lead_workshop"
READ_RESULTS = "workshops.read_results"
RECORD_DECISION = "workshops.record_decision"


# The guest's session ------------------------------------------------------------------------------------------


def remember_guest(request: HttpRequest, participant: Participant) -> None:
    """Let this browser session in as the guest `participant` (after joining with the code)."""
    guests = request.session.get(GUEST_SESSION_KEY, {})
    guests[str(participant.workshop.public_id)] = str(participant.public_id)
    request.session[GUEST_SESSION_KEY] = guests


def guest_participant(request: HttpRequest, workshop: Workshop) -> Participant | None:
    """The guest this browser session joined `workshop` as, if any."""
    participant_id = request.session.get(GUEST_SESSION_KEY, {}).get(str(workshop.public_id))
    if participant_id is None:
        return None
    return Participant.objects.filter(workshop=workshop, public_id=participant_id, joined_as_guest=True).first()


# The door ------------------------------------------------------------------------------------------------------


def _participant(request: HttpRequest, workshop: Workshop, membership: Membership | None) -> Participant | None:
    """A member takes part with their account only; anyone else may be a guest of this browser session."""
    if membership is not None:
        participant = Participant.objects.filter(workshop=workshop, membership=membership).first()
        if participant is not None:
            participant.workshop = workshop  # the row the door has just read, not read again
        return participant
    return guest_participant(request, workshop)


WORKSHOP: Door[Workshop] = Door(
    url_kwarg="workshop",
    find=by_public_id(Workshop),
    organisation=organisation_of,
    enter=ENTER,
    participant=_participant,
)


# Predicates over the door's Access ----------------------------------------------------------------------------


@rules.predicate
def takes_part(access: Access[Any]) -> bool:
    """A participant of the workshop: a member who was invited (or joined as its leader), or a guest."""
    return access.participant is not None


@rules.predicate
def leads_the_workshop(access: Access[Any]) -> bool:
    """A participant invited as the workshop's process leader."""
    participant: Participant | None = access.participant
    return participant is not None and participant.is_leader


may_lead = is_facilitator | leads_the_workshop

rules.add_perm(ENTER, is_member | takes_part)
rules.add_perm(VIEW, takes_part | may_lead)
rules.add_perm(PROPOSE, takes_part | may_lead)
rules.add_perm(RATE, takes_part)
rules.add_perm(LEAD, may_lead)
rules.add_perm(READ_RESULTS, takes_part | may_lead)
rules.add_perm(RECORD_DECISION, may_lead)
