"""The barometer's share of a person's data (`tillit.core.personal_data`): the invitations sent to them, with
whether they have answered. Their answers are anonymous (nothing links a response to an invitation) and stay."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from tillit.accounts.models import User
from tillit.barometer.models import Invitation
from tillit.core.personal_data import (
    Exported,
    PersonalDataShare,
    RetentionRule,
    register_personal_data,
    register_retention,
)


def _when(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def export(user: User) -> Exported:
    invitations = Invitation.objects.filter(membership__user=user).select_related("round__organisation")
    return {
        "invitations": [
            {
                "organisation": invitation.round.organisation.name,
                "round": invitation.round.name,
                "email": invitation.email,
                "sent": _when(invitation.sent_at),
                "reminded": _when(invitation.reminded_at),
                "answered": invitation.answered,
            }
            for invitation in invitations.order_by("round__opens_on", "pk")
        ],
        "answers": "Anonymous: nothing links an answer to its invitation, so no answer can be exported or erased.",
    }


def erase(user: User) -> dict[str, int]:
    """The invitations stay (they are the round's population), without address or membership: no reminder reaches
    the person and nothing leads back to them."""
    blanked = Invitation.objects.filter(membership__user=user).update(email="", membership=None)
    return {"barometer_invitations": blanked}


def _addresses_due(cutoff: datetime.datetime) -> QuerySet[Invitation]:
    return Invitation.objects.filter(round__closed_at__lt=cutoff).exclude(email="")


def register() -> None:
    register_personal_data(PersonalDataShare("barometer", export, erase))
    register_retention(
        RetentionRule(
            "invitation_addresses",
            "e-mail addresses on the invitations of closed barometer rounds",
            lambda cutoff: _addresses_due(cutoff).count(),
            lambda cutoff: _addresses_due(cutoff).update(email=""),
        )
    )
