"""The barometer's share of a person's data (`tillit.core.personal_data`): the invitations sent to them, with
whether they have answered. Their answers are anonymous (nothing links a response to an invitation) and stay."""

from __future__ import annotations

from django.db.models import QuerySet

from tillit.accounts.models import User
from tillit.barometer.models import Invitation
from tillit.core.personal_data import (
    Exported,
    PersonalDataShare,
    moment,
    register_personal_data,
)
from tillit.organisations import personal_links


def _invitations_of(user: User) -> QuerySet[Invitation]:
    return personal_links.links_of(Invitation, user)


def export(user: User) -> Exported:
    invitations = _invitations_of(user).select_related("round__organisation")
    return {
        "invitations": [
            {
                "organisation": invitation.round.organisation.name,
                "round": invitation.round.name,
                "email": invitation.email,
                "sent": moment(invitation.sent_at),
                "reminded": moment(invitation.reminded_at),
                "answered": invitation.answered,
            }
            for invitation in invitations.order_by("round__opens_on", "pk")
        ],
        "answers": "Anonymous: nothing links an answer to its invitation, so no answer can be exported or erased.",
    }


def erase(user: User) -> dict[str, int]:
    """The invitations stay (they are the round's population), without address or membership: no reminder reaches
    the person and nothing leads back to them."""
    blanked = personal_links.forget_addresses(Invitation.objects.filter(pk__in=_invitations_of(user).values("pk")))
    return {"barometer_invitations": blanked}


def register() -> None:
    register_personal_data(PersonalDataShare("barometer", export, erase))
    personal_links.register_address_rules(
        Invitation,
        parent="round",
        kind="invitation_addresses",
        description="e-mail addresses on the invitations of closed barometer rounds",
    )
