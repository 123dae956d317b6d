"""The barometer's share of a person's data (`tillit.core.personal_data`): the invitations sent to them, with
whether they have answered. Their answers are anonymous (nothing links a response to an invitation) and stay."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.db.models.signals import pre_delete
from django.utils import timezone

from tillit.accounts.models import User
from tillit.barometer.models import Invitation
from tillit.core.personal_data import (
    Exported,
    PersonalDataShare,
    RetentionRule,
    moment,
    register_personal_data,
    register_retention,
)
from tillit.organisations.models import Membership


def _invitations_of(user: User) -> QuerySet[Invitation]:
    """Through a membership, or (a membership ended before its address was forgotten) by the address itself."""
    return Invitation.objects.filter(Q(membership__user=user) | Q(email__iexact=user.email))


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
    blanked = Invitation.objects.filter(pk__in=_invitations_of(user).values("pk")).update(email="", membership=None)
    return {"barometer_invitations": blanked}


def forget_address_of_membership(sender: type[Membership], instance: Membership, **kwargs: object) -> None:
    """When someone leaves an organisation (or is erased), their invitations keep their place in the rounds'
    populations but lose the address: no reminder reaches someone who is no longer a member."""
    Invitation.objects.filter(membership=instance).update(email="", membership=None)


def _addresses_due(cutoff: datetime.datetime) -> QuerySet[Invitation]:
    """Addresses of rounds that ended before the cutoff: closed early by a process leader, or on their last day."""
    ended = Q(round__closed_at__lt=cutoff) | Q(
        round__closed_at__isnull=True, round__closes_on__lt=timezone.localdate(cutoff)
    )
    return Invitation.objects.filter(ended).exclude(email="")


def register() -> None:
    pre_delete.connect(forget_address_of_membership, sender=Membership, dispatch_uid="barometer-forget-address")
    register_personal_data(PersonalDataShare("barometer", export, erase))
    register_retention(
        RetentionRule(
            "invitation_addresses",
            "e-mail addresses on the invitations of closed barometer rounds",
            lambda cutoff: _addresses_due(cutoff).count(),
            lambda cutoff: _addresses_due(cutoff).update(email=""),
        )
    )
