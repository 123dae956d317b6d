"""Brukarrösten's share of a person's data (`tillit.core.personal_data`): the contact details a writer left to get
an answer. Suggestions themselves name nobody; a contact detail is the only thing that can, so it is found by the
person's e-mail address (the one way a request can name it), exported with the suggestion it belongs to, erased on
request, deleted when the answer is saved (`actions.answer`), and otherwise kept at most
`RETENTION_DAYS_VOICE_CONTACTS` days after the suggestion came in."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from tillit.accounts.models import User
from tillit.core.personal_data import (
    Exported,
    PersonalDataShare,
    RetentionRule,
    register_personal_data,
    register_retention,
)
from tillit.voice.models import ContactRequest


def _of(user: User) -> QuerySet[ContactRequest]:
    return (
        ContactRequest.objects.filter(contact__iexact=user.email.strip())
        if user.email
        else ContactRequest.objects.none()
    )


def export(user: User) -> Exported:
    requests = _of(user).select_related("suggestion__page").order_by("suggestion__received_on", "pk")
    return {
        "contact_details_left_for_an_answer": [
            {
                "service": request.suggestion.page.name,
                "received": request.suggestion.received_on.isoformat(),
                "what_makes_a_difference": request.suggestion.helps,
                "what_gets_in_the_way": request.suggestion.hinders,
                "contact": request.contact,
            }
            for request in requests
        ]
    }


def erase(user: User) -> dict[str, int]:
    deleted, _kinds = _of(user).delete()
    return {"voice_contact_details": deleted}


def _contacts_due(cutoff: datetime.datetime) -> QuerySet[ContactRequest]:
    return ContactRequest.objects.filter(suggestion__received_on__lt=timezone.localdate(cutoff))


def register() -> None:
    register_personal_data(PersonalDataShare("voice", export, erase))
    register_retention(
        RetentionRule(
            "voice_contacts",
            "contact details left with suggestions to Brukarrösten that have not been answered",
            lambda cutoff: _contacts_due(cutoff).count(),
            lambda cutoff: _contacts_due(cutoff).delete()[0],
        )
    )
