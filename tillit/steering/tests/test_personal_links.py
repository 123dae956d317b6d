"""The personal-link machinery the barometer and the rating campaigns share (`organisations.personal_links`): the
secret derived with the data key (the barometer's links unchanged by the move), only its hash stored, found again
under an older key, sending and stamping, and the token's cookie."""

from __future__ import annotations

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

from tillit.barometer import actions as barometer_actions
from tillit.barometer.models import Invitation
from tillit.core.tokens import hash_token, keyed_digests
from tillit.organisations import personal_links
from tillit.steering.models import CampaignInvitation

from .campaign_support import make_campaign, make_signal

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(organisation, employee, facilitator):
    make_signal(organisation, "Avvikelserapportering")
    return make_campaign(organisation)


def test_only_the_hash_of_the_secret_is_stored_and_it_names_the_link(campaign, employee):
    invitation = CampaignInvitation.objects.select_related("campaign").get(membership__user=employee)
    token = personal_links.link_token(invitation)
    assert invitation.token_hash == hash_token(token) != token
    assert personal_links.find_link(CampaignInvitation.objects.all(), token) == invitation
    expected = keyed_digests(f"steering-invitation:{campaign.public_id}:{invitation.pk}")[0][:24].hex()
    assert token == expected


def test_the_barometer_derives_its_links_as_before(organisation, employee):
    round = barometer_actions.create_round(
        organisation=organisation,
        name="Barometern",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    barometer_actions.launch_round(round=round, site_url="http://testserver")
    invitation = Invitation.objects.select_related("round").get(membership__user=employee)
    token = barometer_actions.invitation_token(invitation)
    assert token == keyed_digests(f"barometer-invitation:{round.public_id}:{invitation.pk}")[0][:24].hex()
    assert invitation.token_hash == hash_token(token)


@pytest.mark.parametrize("token", ["", None, "x" * 101, "not-a-token"])
def test_no_link_is_found_for_a_wrong_token(campaign, token):
    assert personal_links.find_link(CampaignInvitation.objects.all(), token) is None


def test_a_link_made_under_an_older_key_is_still_found_and_counted(campaign, employee, settings):
    invitation = CampaignInvitation.objects.select_related("campaign").get(membership__user=employee)
    before = personal_links.link_token(invitation)
    with override_settings(DATA_KEY="a-new-data-key-" + "x" * 40, DATA_KEY_FALLBACKS=[settings.DATA_KEY]):
        assert personal_links.link_token(invitation) == before
        assert personal_links.find_link(CampaignInvitation.objects.all(), before) == invitation
        links = CampaignInvitation.objects.select_related("campaign")
        assert personal_links.links_under_older_keys(links) == links.count()
    assert personal_links.links_under_older_keys(CampaignInvitation.objects.select_related("campaign")) == 0


def test_sending_stamps_what_went_and_counts_what_failed(campaign, monkeypatch):
    links = CampaignInvitation.objects.filter(campaign=campaign).select_related("campaign")
    total = links.count()
    assert total >= 2
    calls = []

    def flaky(subject, body, address):
        calls.append(address)
        return len(calls) != 1  # the first fails

    monkeypatch.setattr(personal_links.mail, "send_one", flaky)
    sent = personal_links.send_links(
        links, subject="S", address=lambda token: f"/k/{token}/", body=lambda link: link, reminder=True
    )
    assert sent == personal_links.Sent(total - 1, 1)
    assert CampaignInvitation.objects.filter(campaign=campaign, reminded_at__isnull=False).count() == total - 1


def test_links_without_an_address_are_not_sent(campaign):
    mail.outbox.clear()
    CampaignInvitation.objects.filter(campaign=campaign).update(email="")
    sent = personal_links.send_links(
        CampaignInvitation.objects.filter(campaign=campaign).select_related("campaign"),
        subject="S",
        address=str,
        body=str,
        reminder=False,
    )
    assert sent == personal_links.Sent(0, 0)
    assert mail.outbox == []


def test_the_token_cookie_is_signed_httponly_and_scoped():
    response = HttpResponse()
    personal_links.keep_token(response, "secret", name="link", salt="s", path="/k/x/", max_age=60)
    morsel = response.cookies["link"]
    assert morsel["httponly"]
    assert morsel["path"] == "/k/x/"
    assert morsel["samesite"] == "Lax"
    assert morsel.value != "secret"
    request = RequestFactory().get("/k/x/")
    request.COOKIES["link"] = morsel.value
    assert personal_links.token_from_cookie(request, name="link", salt="s") == "secret"
    assert personal_links.token_from_cookie(request, name="link", salt="other") is None
    request.COOKIES["link"] = morsel.value[:-2] + "zz"
    assert personal_links.token_from_cookie(request, name="link", salt="s") is None
