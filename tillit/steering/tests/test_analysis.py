"""The analysis page and its CSV over HTTP: every member reads a sealed campaign's analysis (`steering.read`), nobody
reads a figure before it is sealed, another organisation's campaign does not exist, and the page holds what the
publication holds: hidden figures as "–", estimates said to be estimates, the quadrant with its table."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from tillit.organisations.models import ActorGroup
from tillit.steering.tests.analysis_data import group, level, make_campaign, make_signal, rate

pytestmark = pytest.mark.django_db

MEMBERS = ["org_admin", "facilitator", "manager", "politician", "employee"]


def page_of(campaign) -> str:
    return reverse("steering:analysis", kwargs={"campaign": campaign.public_id})


def csv_of(campaign) -> str:
    return reverse("steering:analysis_csv", kwargs={"campaign": campaign.public_id})


def xlsx_of(campaign) -> str:
    return reverse("steering:analysis_xlsx", kwargs={"campaign": campaign.public_id})


@pytest.fixture
def sealed(organisation):
    signal = make_signal(organisation, "Månadsuppföljning", minutes="45", occurrences="12", people=20)
    small = make_signal(organisation, "Blankett för hjälpmedel")
    campaign = make_campaign(organisation, [signal, small])
    staff = group(organisation, ActorGroup.Key.EMPLOYEE)
    rate(
        campaign,
        signal,
        6,
        value=2,
        burden=5,
        knows=False,
        level=level(organisation, 5),
        group=staff,
        comment="Ingen vet vem som läser den",
    )
    rate(campaign, small, 2, value=5, burden=1, comment="Hemlig kommentar")
    return campaign


@pytest.mark.parametrize("role", MEMBERS)
def test_every_member_reads_a_sealed_campaigns_analysis_and_its_csv(request, english, sealed, role):
    english.force_login(request.getfixturevalue(role))
    page = english.get(page_of(sealed))
    assert page.status_code == 200
    text = page.text
    assert "Analysis: Styrsignaler 2026" in text
    assert "Månadsuppföljning" in text
    assert "Tidstjuv" in text
    assert "Ingen vet vem som läser den" in text  # six rated and wrote: shown for the signal as a whole
    assert "Hemlig kommentar" not in text  # two rated
    assert "(estimate)" in text
    download = english.get(csv_of(sealed))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert "Månadsuppföljning" in download.content.decode("utf-8-sig")
    workbook = english.get(xlsx_of(sealed))
    assert workbook.status_code == 200
    assert workbook.content[:2] == b"PK"
    rows = list(openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True).active.iter_rows(values_only=True))
    assert any("Månadsuppföljning" in row for row in rows)


@pytest.mark.parametrize("role", MEMBERS)
def test_nothing_is_shown_before_the_campaign_is_sealed(request, english, organisation, role):
    signal = make_signal(organisation, "Månadsuppföljning")
    running = make_campaign(organisation, [signal], sealed=False)
    rate(running, signal, 8, value=1, burden=5, comment="Syns inte än")
    english.force_login(request.getfixturevalue(role))
    for address in (page_of(running), csv_of(running), xlsx_of(running)):
        response = english.get(address)
        assert response.status_code == 403
        assert "The analysis opens when the campaign closes" in response.text
        assert "Syns inte än" not in response.text
        assert "Månadsuppföljning" not in response.text


def test_a_closed_campaign_not_yet_sealed_says_it_is_being_sealed(english, organisation, employee):
    signal = make_signal(organisation, "Månadsuppföljning")
    campaign = make_campaign(organisation, [signal])
    campaign.sealed_at = None
    campaign.save()
    english.force_login(employee)
    response = english.get(page_of(campaign))
    assert response.status_code == 403
    assert "being sealed" in response.text


def test_another_organisations_campaign_does_not_exist_and_strangers_sign_in_first(english, sealed, outsider):
    assert english.get(page_of(sealed)).status_code == 302  # not signed in: to the sign-in page
    assert english.get(csv_of(sealed)).status_code == 302
    english.force_login(outsider)
    assert english.get(page_of(sealed)).status_code == 404
    assert english.get(csv_of(sealed)).status_code == 404


def test_the_page_draws_the_quadrant_with_its_table_and_hides_what_too_few_rated(english, sealed, employee):
    english.force_login(employee)
    text = english.get(page_of(sealed)).text
    assert '<svg viewBox="0 0 480 320" role="img"' in text
    assert "The signals in the chart, with their means" in text
    assert "fewer than 5" in text  # the two raters of the small signal
    assert "Blankett för hjälpmedel" in text


def test_the_signals_are_paginated(english, organisation, employee):
    signals = [make_signal(organisation, f"Signal {number:02}") for number in range(25)]
    make_campaign(organisation, signals)
    campaign = make_campaign(organisation, signals, name="Andra")
    english.force_login(employee)
    first = english.get(page_of(campaign)).text
    second = english.get(page_of(campaign) + "?page=2").text
    assert 'id="signal-' in first
    assert "Page 1 of 2" in first
    assert f'id="signal-{signals[24].public_id}"' in second
    assert f'id="signal-{signals[0].public_id}"' not in second


def test_a_corrected_catalogue_reaches_the_stored_page(english, sealed, employee):
    english.force_login(employee)
    assert "Månadsuppföljning" in english.get(page_of(sealed)).text
    signal = sealed.signals.get(signal__name="Månadsuppföljning").signal
    signal.name = "Månatlig uppföljning"
    signal.save()
    assert "Månatlig uppföljning" in english.get(page_of(sealed)).text
