"""Rating with a personal link: the token leaves the address after the first visit (kept in an HttpOnly cookie
scoped to the campaign's path), the sheet shows the signals that reach the rater with their estimated hours, and
bad input (outside 1–5, forged fields, a signal that does not reach the rater, a reused link, before opening, after
closing) is refused with a message, storing nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.steering import actions
from tillit.steering.models import PendingSheet
from tillit.steering.views import rating

from .campaign_support import end, invitation_of, make_campaign, make_signal, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(organisation, employee, home_unit, make_member):
    social_only = make_signal(organisation, "Förvaltningens lista", units=())
    mine = make_signal(organisation, "Hemtjänstens journal", units=(home_unit,))
    campaign = make_campaign(organisation)
    return campaign, mine, social_only


def rate_url(campaign):
    return f"/k/{campaign.public_id}/"


def visit(client, campaign, user):
    first = client.get(reverse("steering:rate_link", args=[campaign.public_id, token_of(campaign, user)]))
    assert first.status_code == 302
    assert first["Location"] == rate_url(campaign)
    return first


def test_the_link_keeps_its_token_in_a_scoped_cookie_and_leaves_the_address(english, setup, employee):
    campaign, _mine, _ = setup
    first = visit(english, campaign, employee)
    cookie = first.cookies[rating.LINK_COOKIE]
    assert cookie["httponly"]
    assert cookie["path"] == rate_url(campaign)
    assert cookie.value != token_of(campaign, employee)
    page = english.get(rate_url(campaign))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Hemtjänstens journal" in body
    assert "Förvaltningens lista" in body
    assert "hours a year (an estimate)" in body
    assert "<legend" in body
    assert 'type="radio"' in body
    assert "allmän handling" in body


def test_a_valid_sheet_is_stored_once_and_thanks(english, setup, employee):
    campaign, mine, _other = setup
    visit(english, campaign, employee)
    data = {f"value-{mine.public_id}": "5", f"burden-{mine.public_id}": "dont_know", f"knows-{mine.public_id}": "no"}
    response = english.post(rate_url(campaign), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("steering:thanks", args=[campaign.public_id])
    assert english.get(response["Location"]).status_code == 200
    assert PendingSheet.objects.get().ratings == [
        {"signal": mine.pk, "value": 5, "burden": None, "knows_user": False, "comment": ""}
    ]
    again = english.post(rate_url(campaign), data)
    assert again.status_code == 409
    assert "You have already rated" in again.content.decode()
    assert english.get(rate_url(campaign)).status_code == 200  # a page saying so
    assert PendingSheet.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("value", "6"), ("value", "0"), ("burden", "-1"), ("burden", "3.5"), ("knows", "maybe"), ("comment", "x" * 1001)],
)
def test_bad_values_are_refused_with_a_message(english, setup, employee, field, value):
    campaign, mine, _ = setup
    visit(english, campaign, employee)
    response = english.post(rate_url(campaign), {f"value-{mine.public_id}": "3", f"{field}-{mine.public_id}": value})
    assert response.status_code == 422
    assert "Check your ratings" in response.content.decode()
    assert not PendingSheet.objects.exists()
    assert not invitation_of(campaign, employee).answered


def test_an_empty_sheet_is_refused(english, setup, employee):
    campaign, *_ = setup
    visit(english, campaign, employee)
    response = english.post(rate_url(campaign), {})
    assert response.status_code == 422
    assert "Rate at least one signal" in response.content.decode()


def test_forged_fields_for_a_signal_that_does_not_reach_the_rater_are_refused(
    english, organisation, setup, employee, make_member
):
    campaign, mine, _ = setup
    from tillit.organisations.models import Unit

    elsewhere = Unit.objects.create(organisation=organisation, name="Skolan", kind=Unit.Kind.SECTION)
    theirs = make_signal(organisation, "Skolans plan", units=(elsewhere,))
    visit(english, campaign, employee)
    for forged in (str(theirs.public_id), "not-a-uuid"):
        response = english.post(rate_url(campaign), {f"value-{mine.public_id}": "3", f"value-{forged}": "2"})
        assert response.status_code == 422
        assert "do not match" in response.content.decode()
    assert not PendingSheet.objects.exists()


@pytest.mark.parametrize("token", ["0" * 48, "x" * 200, "%00"])
def test_a_wrong_link_is_not_valid(english, setup, token):
    campaign, *_ = setup
    response = english.get(f"/k/{campaign.public_id}/{token}/")
    assert response.status_code == 404
    assert rating.LINK_COOKIE not in response.cookies


def test_the_sheet_without_the_cookie_or_with_a_forged_cookie_is_not_valid(english, setup, employee):
    campaign, *_ = setup
    assert english.get(rate_url(campaign)).status_code == 404
    english.cookies[rating.LINK_COOKIE] = token_of(campaign, employee)  # unsigned
    assert english.get(rate_url(campaign)).status_code == 404


def test_another_campaigns_link_is_not_valid_here(english, organisation, setup, employee):
    campaign, *_ = setup
    other = make_campaign(organisation)
    response = english.get(f"/k/{other.public_id}/{token_of(campaign, employee)}/")
    assert response.status_code == 404


def test_before_opening_the_page_says_when(english, organisation, employee):
    make_signal(organisation, "Avvikelser")
    later = make_campaign(
        organisation,
        opens_on=timezone.localdate() + datetime.timedelta(days=3),
        closes_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    visit(english, later, employee)
    response = english.get(rate_url(later))
    assert "has not opened yet" in response.content.decode()
    response = english.post(rate_url(later), {})
    assert "has not opened yet" in response.content.decode()
    assert not PendingSheet.objects.exists()


def test_after_closing_nothing_is_taken(english, setup, employee):
    campaign, mine, _ = setup
    visit(english, campaign, employee)
    actions.close_campaign(campaign=campaign)
    response = english.post(rate_url(campaign), {f"value-{mine.public_id}": "3"})
    assert response.status_code == 410
    assert "The campaign has closed" in response.content.decode()
    assert not PendingSheet.objects.exists()


def test_after_the_closing_date_nothing_is_taken(english, setup, employee):
    campaign, mine, _ = setup
    visit(english, campaign, employee)
    end(campaign)
    response = english.post(rate_url(campaign), {f"value-{mine.public_id}": "3"})
    assert response.status_code == 410


def test_a_comment_is_masked_and_the_rater_told(english, setup, employee):
    campaign, mine, _ = setup
    visit(english, campaign, employee)
    response = english.post(
        rate_url(campaign),
        {f"comment-{mine.public_id}": "Ring 070-123 45 67", f"value-{mine.public_id}": "2"},
        follow=True,
    )
    assert response.status_code == 200
    assert "070-123" not in PendingSheet.objects.get().ratings[0]["comment"]


def test_a_rater_reached_by_no_signal_sees_an_empty_state(english, organisation, make_member, employee, home_unit):
    from tillit.organisations.models import Unit

    elsewhere = Unit.objects.create(organisation=organisation, name="Skolan", kind=Unit.Kind.SECTION)
    make_signal(organisation, "Hemtjänstens journal", units=(home_unit,))
    make_signal(organisation, "Skolans plan", units=(elsewhere,))
    pupil_worker = make_member(organisation, unit=elsewhere)
    campaign = make_campaign(organisation)
    visit(english, campaign, pupil_worker.user)
    body = english.get(rate_url(campaign)).content.decode()
    assert "Skolans plan" in body
    assert "Hemtjänstens journal" not in body


def test_the_sheet_is_usable_by_keyboard_and_on_a_phone(english, setup, employee):
    campaign, mine, _ = setup
    visit(english, campaign, employee)
    body = english.get(rate_url(campaign)).content.decode()
    assert 'name="viewport"' in body
    assert body.count("<fieldset") == 2 * 4  # per signal: its fieldset and three scales
    assert f'<label for="comment-{mine.public_id}">' in body
    assert 'tabindex="-1"' not in body.split('class="questionnaire"')[1]  # nothing taken out of the tab order
