"""Builders the campaign and rating tests share: signals made directly with the models (the catalogue's actions are
another helper's), campaigns opened through the actions, and the personal link of a member."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from tillit.organisations import personal_links
from tillit.organisations.models import Membership, Organisation, Unit
from tillit.steering import actions
from tillit.steering.models import Campaign, CampaignInvitation, Kind, Owner, Signal, Source

SITE = "http://testserver"


def make_signal(
    organisation: Organisation, name: str, *, units: tuple[Unit, ...] = (), owner: str = "Socialstyrelsen"
) -> Signal:
    found, _ = Owner.objects.get_or_create(
        organisation=organisation, name_key=owner.casefold(), defaults={"name": owner}
    )
    signal = Signal.objects.create(
        organisation=organisation,
        name=name,
        name_key=name.casefold(),
        source=Source.AGENCY_REGULATION,
        kind=Kind.RULES,
        owner=found,
        task="Fyll i blanketten",
        occurrences_per_year=Decimal(12),
        minutes_per_occurrence=Decimal(30),
        people=10,
    )
    signal.units.set(units)
    return signal


def make_campaign(
    organisation: Organisation,
    *,
    launched: bool = True,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    created_by: Membership | None = None,
) -> Campaign:
    today = timezone.localdate()
    campaign = actions.create_campaign(
        organisation=organisation,
        created_by=created_by,
        name="Styrsignaler våren 2027",
        opens_on=opens_on or today - datetime.timedelta(days=1),
        closes_on=closes_on or today + datetime.timedelta(days=14),
    )
    if launched:
        actions.launch_campaign(campaign=campaign, site_url=SITE)
        campaign.refresh_from_db()
    return campaign


def invitation_of(campaign: Campaign, user) -> CampaignInvitation:
    return CampaignInvitation.objects.select_related("campaign").get(campaign=campaign, membership__user=user)


def token_of(campaign: Campaign, user) -> str:
    return personal_links.link_token(invitation_of(campaign, user))


def end(campaign: Campaign) -> Campaign:
    """Move the campaign's closing date into the past, as if its last day had passed."""
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=timezone.localdate() - datetime.timedelta(days=10),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    campaign.refresh_from_db()
    return campaign
