"""What the workshop's screens share: the page's context, the way back, the card the address names, the
participant a process leader acts as."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from tillit.organisations.door import Access
from tillit.workshops import actions, queries
from tillit.workshops.models import Item, Participant, Workshop
from tillit.workshops.permissions import LEAD


def context(access: Access[Workshop], **extra: Any) -> dict[str, Any]:
    """What every workshop page's template reads: the workshop, its organisation, and what the requester may do."""
    workshop = access.target
    return {
        "access": access,
        "workshop": workshop,
        "organisation": workshop.organisation,
        "may_lead": access.may(LEAD),
        **extra,
    }


def back(access: Access[Workshop], anchor: str = "") -> HttpResponse:
    """To the workshop's page, at `anchor`."""
    response = redirect("workshops:detail", workshop=access.target.public_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def card_in(access: Access[Workshop], public_id: UUID | None) -> Item:
    """The workshop's card (not merged away) with this public id; 404 for any other."""
    card = queries.card(access.target, public_id)
    if card is None:
        raise Http404
    return card


def acting_participant(access: Access[Workshop]) -> Participant:
    """The participant a leader acts as; an organisation's process leader joins as leader on first action."""
    if access.participant is not None:
        participant: Participant = access.participant
        return participant
    if access.membership is None:  # the door lets nobody else lead
        raise Http404
    return actions.add_member(workshop=access.target, membership=access.membership, role=Participant.Role.LEADER)


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)
