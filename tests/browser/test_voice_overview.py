"""Brukarrösten's overview for leaders in the browser: reached from the review list, filtered with the form, on a
375 px phone and a laptop, with an axe-core scan of each state (figures and chart, one unit, a forged unit in the
address, nothing in the period). The every-URL scan (`test_every_url.py`) covers the page with the isolation walk's
one suggestion; this covers its states."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Unit
from tillit.voice import actions
from tillit.voice.models import Suggestion

pytestmark = pytest.mark.django_db(transaction=True)

NO_HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_the_overview_on_a_phone_and_a_laptop(
    page: Page, base_url, organisation, home_unit, facilitator, sign_in, assert_accessible
):
    social = Unit.objects.get(organisation=organisation, name="Socialförvaltningen")
    south = organisation_actions.create_unit(
        organisation=organisation, name="Hemtjänst Syd", kind=Unit.Kind.SECTION, parent=social, actor=None
    )
    north_page = actions.open_page(organisation=organisation, unit=home_unit, name="Hemtjänst Norr")
    actions.open_page(organisation=organisation, unit=south, name="Hemtjänst Syd")
    today = timezone.localdate()
    for months_ago, theme, channel in [
        (0, "safety", "web"),
        (1, "conduct", "phone"),
        (3, "", "paper"),
        (5, "safety", "web"),
    ]:
        suggestion = actions.submit(
            page=north_page, helps="Samma personal.", theme=theme, respondent="relative", channel=channel
        )
        received = today - datetime.timedelta(days=31 * months_ago)
        Suggestion.objects.filter(pk=suggestion.pk).update(received_on=received)
        if months_ago:
            actions.answer(suggestion=suggestion, text="Tack, vi har ändrat schemat.")
            Suggestion.objects.filter(pk=suggestion.pk).update(answered_on=received + datetime.timedelta(days=12))
    sign_in(page, facilitator.email)

    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base_url}/o/{organisation.slug}/brukarrosten/")
        page.locator(f"a[href='/o/{organisation.slug}/brukarrosten/oversikt/']").first.click()

        expect(page.locator("svg.bars")).to_be_visible()
        expect(page.locator("table caption").first).to_be_visible()
        assert page.evaluate(NO_HORIZONTAL_OVERFLOW), width
        assert_accessible(page)

        page.locator("#id_dimension").select_option("unit")
        page.locator("#id_period").select_option("all")
        page.locator("form.stacked button[type=submit]").click()
        expect(page.locator("#id_dimension")).to_have_value("unit")
        expect(page.locator("table").first).to_contain_text("Hemtjänst Norr")
        assert_accessible(page)

        page.locator("#id_unit").select_option(label="Hemtjänst Syd")
        page.locator("form.stacked button[type=submit]").click()
        expect(page.locator(".empty-state")).to_be_visible()
        assert_accessible(page)

        page.goto(f"{base_url}/o/{organisation.slug}/brukarrosten/oversikt/?unit=forged")
        expect(page.locator(".error-summary")).to_be_visible()
        assert page.evaluate(NO_HORIZONTAL_OVERFLOW), width
        assert_accessible(page)
