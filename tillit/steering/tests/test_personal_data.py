"""Styrsignaler's share of a person's data: the export lists their campaign invitations and the tidstjuvar they
reported under their name (never anonymous ones, never ratings); erasure blanks the invitations and makes their
reports anonymous; leaving the organisation forgets the address; retention blanks the addresses of ended campaigns."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tillit.core import personal_data as core_personal_data
from tillit.steering import actions, personal_data
from tillit.steering.models import CampaignInvitation, PendingSheet, TimeThief

from .campaign_support import end, make_campaign, make_signal, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(organisation, employee):
    signal = make_signal(organisation, "Avvikelser")
    campaign = make_campaign(organisation)
    actions.rate(
        campaign=campaign, token=token_of(campaign, employee), sheet={signal.public_id: actions.SheetEntry(value=2)}
    )
    membership = employee.memberships.get()
    TimeThief.objects.create(organisation=organisation, title="Dubbel dokumentation", reported_by=membership)
    TimeThief.objects.create(organisation=organisation, title="Anonym rapport")
    return campaign


def test_the_share_is_registered():
    assert "steering" in [share.name for share in core_personal_data.shares()]
    assert personal_data.RETENTION_KIND in [rule.kind for rule in core_personal_data.retention_rules()]


def test_export_lists_invitations_and_named_reports_only(rated, employee):
    exported = personal_data.export(employee)
    (invitation,) = exported["campaign_invitations"]
    assert invitation["campaign"] == rated.name
    assert invitation["email"] == employee.email
    assert invitation["rated"] is True
    assert [report["title"] for report in exported["time_thieves_reported"]] == ["Dubbel dokumentation"]
    assert "Anonymous" in exported["ratings"]


def test_erasure_blanks_invitations_and_keeps_reports_without_the_name(rated, employee):
    counts = personal_data.erase(employee)
    assert counts == {"steering_invitations": 1, "steering_time_thieves": 1}
    invitation = CampaignInvitation.objects.get(campaign=rated, email="")
    assert invitation.membership is None
    assert invitation.answered  # the count of who rated stays
    assert TimeThief.objects.filter(reported_by__isnull=False).count() == 0
    assert TimeThief.objects.filter(title="Dubbel dokumentation").exists()
    assert PendingSheet.objects.exists()  # the anonymous ratings stay
    assert personal_data.export(employee)["campaign_invitations"] == []


def test_leaving_the_organisation_forgets_the_address(rated, employee):
    employee.memberships.get().delete()
    assert not CampaignInvitation.objects.exclude(email="").filter(campaign=rated, answered=True).exists()


def test_retention_blanks_the_addresses_of_ended_campaigns(rated, organisation, make_member, home_unit):
    ongoing = make_campaign(organisation)
    end(rated)
    (rule,) = [r for r in core_personal_data.retention_rules() if r.kind == personal_data.RETENTION_KIND]
    cutoff = timezone.now() + datetime.timedelta(days=1)
    assert rule.due(cutoff) == CampaignInvitation.objects.filter(campaign=rated).count()
    rule.remove(cutoff)
    assert not CampaignInvitation.objects.filter(campaign=rated).exclude(email="").exists()
    assert CampaignInvitation.objects.filter(campaign=ongoing).exclude(email="").exists()
