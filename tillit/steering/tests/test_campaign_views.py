"""The campaign pages from the outside: every cell of the permission matrix for them (`steering.read` for the list,
`steering.manage` for the rest), another organisation's campaign as 404, confirmation before every change, and bad
input answered with a message (422), never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tillit.steering.models import Campaign, CampaignInvitation, Rating

from .campaign_support import make_campaign, make_signal

pytestmark = pytest.mark.django_db

ROLES = ["org_admin", "facilitator", "manager", "employee", "politician", "outsider", "anonymous"]
MANAGERS = {"org_admin", "facilitator"}
MEMBERS = {"org_admin", "facilitator", "manager", "employee", "politician"}


@pytest.fixture
def as_role(request, english):
    def login(role):
        if role != "anonymous":
            english.force_login(request.getfixturevalue(role))
        return english

    return login


@pytest.fixture
def campaign(organisation, employee):
    make_signal(organisation, "Avvikelser")
    return make_campaign(organisation, launched=False)


def expected(role, needs):
    allowed = MANAGERS if needs == "manage" else MEMBERS
    if role == "anonymous":
        return 302
    if role in allowed:
        return 200
    return 403 if role in MEMBERS else 404


@pytest.mark.parametrize("role", ROLES)
def test_the_campaign_list_is_for_every_member(as_role, role, organisation, campaign):
    response = as_role(role).get(reverse("steering:campaigns", kwargs={"organisation": organisation.slug}))
    assert response.status_code == expected(role, "read")
    if response.status_code == 200:
        assert campaign.name in response.content.decode()
        assert ("New campaign" in response.content.decode()) == (role in MANAGERS)


@pytest.mark.parametrize("name", ["campaign", "edit_campaign", "launch", "remind", "close"])
@pytest.mark.parametrize("role", ROLES)
def test_a_campaigns_pages_are_for_process_leaders(as_role, role, name, campaign):
    response = as_role(role).get(reverse(f"steering:{name}", kwargs={"campaign": campaign.public_id}))
    assert response.status_code == expected(role, "manage")
    if role == "anonymous":
        assert "/login" in response["Location"] or "logga-in" in response["Location"] or "next=" in response["Location"]


@pytest.mark.parametrize("name", ["edit_campaign", "launch", "remind", "close"])
@pytest.mark.parametrize("role", ["manager", "employee", "politician", "outsider"])
def test_no_change_is_made_by_those_who_may_not(as_role, role, name, campaign):
    response = as_role(role).post(reverse(f"steering:{name}", kwargs={"campaign": campaign.public_id}))
    assert response.status_code in (403, 404)
    campaign.refresh_from_db()
    assert not campaign.is_launched
    assert not campaign.is_closed


@pytest.mark.parametrize("role", ["manager", "employee", "politician", "outsider"])
def test_only_process_leaders_create(as_role, role, organisation):
    url = reverse("steering:campaigns", kwargs={"organisation": organisation.slug})
    today = timezone.localdate()
    response = as_role(role).post(url, {"name": "X", "opens_on": today, "closes_on": today})
    assert response.status_code == (403 if role != "outsider" else 404)
    assert not Campaign.objects.exists()


def test_another_organisations_process_leader_gets_404(english, other_organisation, make_member, campaign):
    stranger = make_member(other_organisation, role="facilitator").user
    english.force_login(stranger)
    for name in ["campaign", "edit_campaign", "launch", "remind", "close", "analysis"]:
        response = english.get(reverse(f"steering:{name}", kwargs={"campaign": campaign.public_id}))
        assert response.status_code == 404, name


def test_a_process_leader_creates_opens_reminds_and_closes(english, facilitator, organisation, employee, home_unit):
    make_signal(organisation, "Avvikelser", units=(home_unit,))
    english.force_login(facilitator)
    today = timezone.localdate()
    url = reverse("steering:campaigns", kwargs={"organisation": organisation.slug})
    response = english.post(url, {"name": "Våren", "opens_on": today, "closes_on": today + datetime.timedelta(days=7)})
    created = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/styrsignaler/kampanjer/{created.public_id}/"
    page = english.get(response["Location"])
    assert "Opening the campaign fixes whom each signal reaches and e-mails a personal link to 1 member." in (
        page.content.decode()
    )

    launch = reverse("steering:launch", kwargs={"campaign": created.public_id})
    confirm = english.get(launch)
    assert "Open the campaign?" in confirm.content.decode()
    created.refresh_from_db()
    assert not created.is_launched  # the confirmation page changes nothing
    mail.outbox.clear()
    english.post(launch, follow=True)
    created.refresh_from_db()
    assert created.is_launched
    assert len(mail.outbox) == 1

    remind = reverse("steering:remind", kwargs={"campaign": created.public_id})
    assert "shown once at least" in english.get(remind).content.decode()
    mail.outbox.clear()
    english.post(remind)
    assert len(mail.outbox) == 1

    page = english.get(reverse("steering:campaign", kwargs={"campaign": created.public_id})).content.decode()
    assert "personal links sent" in page
    assert "fewer than" in page

    close = reverse("steering:close", kwargs={"campaign": created.public_id})
    assert "Close the campaign?" in english.get(close).content.decode()
    response = english.post(close, follow=True)
    created.refresh_from_db()
    assert created.results_open
    assert "The analysis is open." in response.content.decode()
    assert english.get(close).status_code == 200  # "already closed", said on a page
    assert CampaignInvitation.objects.filter(campaign=created).count() == 1
    assert not Rating.objects.exists()


def test_opening_with_an_empty_catalogue_says_why(english, facilitator, organisation):
    campaign = make_campaign(organisation, launched=False)
    english.force_login(facilitator)
    response = english.post(reverse("steering:launch", kwargs={"campaign": campaign.public_id}), follow=True)
    assert "The catalogue has no steering signals yet." in response.content.decode()
    campaign.refresh_from_db()
    assert not campaign.is_launched


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "opens_on": "2026-09-01", "closes_on": "2026-09-21"},
        {"name": "X", "opens_on": "i morgon", "closes_on": "2026-09-21"},
        {"name": "X", "opens_on": "2026-09-21", "closes_on": "2026-09-01"},
        {"name": "X" * 151, "opens_on": "2026-09-01", "closes_on": "2026-09-21"},
    ],
    ids=["no name", "not a date", "closes first", "too long"],
)
def test_bad_campaign_input_is_refused_with_a_message(english, facilitator, organisation, campaign, data):
    english.force_login(facilitator)
    response = english.post(reverse("steering:campaigns", kwargs={"organisation": organisation.slug}), data)
    assert response.status_code == 422
    assert Campaign.objects.count() == 1
    response = english.post(reverse("steering:edit_campaign", kwargs={"campaign": campaign.public_id}), data)
    assert response.status_code == 422
    campaign.refresh_from_db()
    assert campaign.name == "Styrsignaler våren 2027"


def test_a_closed_campaign_cannot_be_edited(english, facilitator, organisation, employee):
    make_signal(organisation, "Avvikelser")
    campaign = make_campaign(organisation)
    english.force_login(facilitator)
    english.post(reverse("steering:close", kwargs={"campaign": campaign.public_id}))
    response = english.get(reverse("steering:edit_campaign", kwargs={"campaign": campaign.public_id}))
    assert "The campaign is closed and can no longer change." in response.content.decode()
    response = english.post(
        reverse("steering:edit_campaign", kwargs={"campaign": campaign.public_id}),
        {"name": "Y", "opens_on": campaign.opens_on, "closes_on": campaign.closes_on},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name != "Y"


def test_the_list_is_paginated_and_has_an_empty_state(english, employee, organisation):
    english.force_login(employee)
    url = reverse("steering:campaigns", kwargs={"organisation": organisation.slug})
    assert "No campaigns yet" in english.get(url).content.decode()
    for _ in range(25):
        make_campaign(organisation, launched=False)
    assert english.get(url).content.decode().count("<tr>") == 21  # the header and 20 rows
    assert english.get(url + "?page=2").status_code == 200
