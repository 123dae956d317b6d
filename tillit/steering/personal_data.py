"""Styrsignaler's share of a person's data (`tillit.core.personal_data`): the personal links to rating campaigns
sent to them (address, when sent and reminded, whether they have rated) and the tidstjuvar they reported under their
name. Ratings are anonymous (nothing links a rating to an invitation) and stay; a tidstjuv reported under a name
stays too, without the name."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.db.models.signals import pre_delete
from django.utils import timezone

from tillit.accounts.models import User
from tillit.core.personal_data import (
    Exported,
    PersonalDataShare,
    RetentionRule,
    moment,
    register_personal_data,
    register_retention,
)
from tillit.organisations.models import Membership
from tillit.steering.models import CampaignInvitation, TimeThief

RETENTION_KIND = "campaign_invitation_addresses"


def _invitations_of(user: User) -> QuerySet[CampaignInvitation]:
    """Through a membership, or (a membership ended before its address was forgotten) by the address itself."""
    return CampaignInvitation.objects.filter(Q(membership__user=user) | Q(email__iexact=user.email))


def _reports_of(user: User) -> QuerySet[TimeThief]:
    return TimeThief.objects.filter(reported_by__user=user)


def export(user: User) -> Exported:
    invitations = _invitations_of(user).select_related("campaign__organisation")
    reports = _reports_of(user).select_related("organisation")
    return {
        "campaign_invitations": [
            {
                "organisation": invitation.campaign.organisation.name,
                "campaign": invitation.campaign.name,
                "email": invitation.email,
                "sent": moment(invitation.sent_at),
                "reminded": moment(invitation.reminded_at),
                "rated": invitation.answered,
            }
            for invitation in invitations.order_by("campaign__opens_on", "pk")
        ],
        "ratings": "Anonymous: nothing links a rating to its invitation, so no rating can be exported or erased.",
        "time_thieves_reported": [
            {
                "organisation": report.organisation.name,
                "title": report.title,
                "description": report.description,
                "reported_on": report.reported_on.isoformat(),
                "status": report.status,
            }
            for report in reports.order_by("reported_on", "pk")
        ],
    }


def erase(user: User) -> dict[str, int]:
    """The invitations stay (they say how many were asked), without address or membership; the tidstjuvar the person
    reported stay, as if reported anonymously."""
    blanked = CampaignInvitation.objects.filter(pk__in=_invitations_of(user).values("pk")).update(
        email="", membership=None
    )
    anonymised = TimeThief.objects.filter(pk__in=_reports_of(user).values("pk")).update(reported_by=None)
    return {"steering_invitations": blanked, "steering_time_thieves": anonymised}


def forget_address_of_membership(sender: type[Membership], instance: Membership, **kwargs: object) -> None:
    """When someone leaves an organisation (or is erased), their campaign invitations lose the address."""
    CampaignInvitation.objects.filter(membership=instance).update(email="", membership=None)


def _addresses_due(cutoff: datetime.datetime) -> QuerySet[CampaignInvitation]:
    """Addresses of campaigns that ended before the cutoff: closed early, or on their last day."""
    ended = Q(campaign__closed_at__lt=cutoff) | Q(
        campaign__closed_at__isnull=True, campaign__closes_on__lt=timezone.localdate(cutoff)
    )
    return CampaignInvitation.objects.filter(ended).exclude(email="")


def register() -> None:
    pre_delete.connect(forget_address_of_membership, sender=Membership, dispatch_uid="steering-forget-address")
    register_personal_data(PersonalDataShare("steering", export, erase))
    register_retention(
        RetentionRule(
            RETENTION_KIND,
            "e-mail addresses on the personal links of closed rating campaigns",
            lambda cutoff: _addresses_due(cutoff).count(),
            lambda cutoff: _addresses_due(cutoff).update(email=""),
        )
    )
