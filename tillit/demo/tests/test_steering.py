"""The demo's Styrsignaler: the inventory for hemtjänst and elevhälsa, a closed and sealed rating campaign whose
analysis every member reads, and tidstjuv reports in every state."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tillit.accounts.models import User
from tillit.organisations.models import Organisation
from tillit.steering.demo import CAMPAIGN_NAME, REPORTS
from tillit.steering.demo_catalogue import SIGNALS
from tillit.steering.models import Campaign, CampaignInvitation, PendingSheet, Rating, Signal, Source, TimeThief

EMPLOYEE = "medarbetare@exempelkommun.example"
LEADER = "processledare@exempelkommun.example"


@pytest.fixture
def campaign(demo: Organisation) -> Campaign:
    return Campaign.objects.get(organisation=demo, name=CAMPAIGN_NAME)


def signed_in(client: Client, email: str) -> Client:
    client.force_login(User.objects.get(email=email))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_inventory_covers_hemtjanst_and_elevhalsa_from_state_and_own_sources(demo: Organisation) -> None:
    signals = Signal.objects.filter(organisation=demo)

    assert signals.count() == len(SIGNALS) >= 20
    reached = set(signals.values_list("units__name", flat=True))
    assert {"Hemtjänst Norr", "Hemtjänst Söder", "Elevhälsan"} <= reached
    sources = set(signals.values_list("source", flat=True))
    assert {Source.TARGETED_GRANT, Source.DATA_COLLECTION, Source.ADMINISTRATION, Source.UNIT} <= sources
    assert len(set(signals.values_list("kind", flat=True))) == 5
    assert all(signal.hours_per_year > 0 for signal in signals)


def test_the_campaign_is_closed_and_sealed_with_ratings_through_personal_links(campaign: Campaign) -> None:
    assert campaign.results_open
    invitations = CampaignInvitation.objects.filter(campaign=campaign)
    rated = invitations.filter(answered=True).count()
    assert 0.7 * invitations.count() <= rated < invitations.count()
    assert invitations.filter(email=EMPLOYEE, answered=True).exists()
    assert not PendingSheet.objects.filter(campaign=campaign).exists()
    assert Rating.objects.filter(campaign=campaign).count() >= rated * 5
    # Every signal was rated by at least k people, so the analysis shows every signal's means.
    per_signal = Rating.objects.filter(campaign=campaign).values_list("signal", flat=True)
    assert min(list(per_signal).count(signal) for signal in set(per_signal)) >= campaign.k


def test_every_member_reads_the_analysis_with_its_tidstjuvar(client: Client, campaign: Campaign) -> None:
    response = signed_in(client, EMPLOYEE).get(reverse("steering:analysis", kwargs={"campaign": campaign.public_id}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tidsregistrering av varje besök i mobilappen" in html
    assert "<svg" in html
    assert "<table" in html


def test_the_reports_are_in_every_state_and_the_hours_freed_are_shown_to_members(
    client: Client, demo: Organisation
) -> None:
    reports = TimeThief.objects.filter(organisation=demo)

    assert reports.count() == len(REPORTS) >= 15
    assert set(reports.values_list("status", flat=True)) == set(TimeThief.Status.values)
    assert reports.filter(reported_by=None).exists()
    assert reports.exclude(reported_by=None).exists()
    response = signed_in(client, EMPLOYEE).get(reverse("steering:time_thieves", kwargs={"organisation": demo.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Introduktionschecklistan är för lång" in html
    for reported in reports.exclude(reported_by=None).select_related("reported_by__user"):
        assert reported.reported_by.user.get_full_name() not in html


def test_the_process_leader_finds_the_escalated_signals_under_their_owners(client: Client, demo: Organisation) -> None:
    escalated = TimeThief.objects.filter(organisation=demo, status=TimeThief.Status.ESCALATED).select_related("owner")
    owners = {report.owner for report in escalated}

    assert {owner.name for owner in owners} >= {"Socialstyrelsen", "Skolverket"}
    for owner in owners:
        response = signed_in(client, LEADER).get(reverse("steering:owner", kwargs={"owner": owner.public_id}))
        assert response.status_code == 200
