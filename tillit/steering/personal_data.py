"""Styrsignaler's share of a person's data (`tillit.core.personal_data`): the personal links to rating campaigns
sent to them (address, when sent and reminded, whether they have rated) and the tidstjuvar they reported under their
name. Ratings are anonymous (nothing links a rating to an invitation) and stay; a tidstjuv reported under a name
stays too, without the name."""

from __future__ import annotations

from django.db.models import QuerySet

from tillit.accounts.models import User
from tillit.core.personal_data import (
    Exported,
    PersonalDataShare,
    moment,
    register_personal_data,
)
from tillit.organisations import personal_links
from tillit.steering.models import CampaignInvitation, TimeThief

RETENTION_KIND = "campaign_invitation_addresses"


def _invitations_of(user: User) -> QuerySet[CampaignInvitation]:
    return personal_links.links_of(CampaignInvitation, user)


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
    blanked = personal_links.forget_addresses(
        CampaignInvitation.objects.filter(pk__in=_invitations_of(user).values("pk"))
    )
    anonymised = TimeThief.objects.filter(pk__in=_reports_of(user).values("pk")).update(reported_by=None)
    return {"steering_invitations": blanked, "steering_time_thieves": anonymised}


def register() -> None:
    register_personal_data(PersonalDataShare("steering", export, erase))
    personal_links.register_address_rules(
        CampaignInvitation,
        parent="campaign",
        kind=RETENTION_KIND,
        description="e-mail addresses on the personal links of closed rating campaigns",
    )
