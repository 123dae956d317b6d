"""Journey: Brukarrösten from the poster's address on a phone to the process leader's answer.

A relative opens the service's short address on a 375 px phone without an account, writes a suggestion with a phone
number in it (partly with the keyboard alone), sees it masked and why before sending, and sends it. The process
leader finds it waiting for review, publishes it, sets a theme and a status, sees how to reach the person, links it
to an effect of a workshop, and answers: the contact details are then gone. The answer is then on the service's public *ni sa – vi gjorde* page on
the phone, and in the workshop's chain behind the effect. Every page and state is scanned with axe-core.
"""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from tillit.voice import actions
from tillit.voice.models import ContactRequest, Suggestion
from tillit.workshops import actions as workshop_actions
from tillit.workshops.models import Participant

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
NO_HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_from_the_poster_to_the_answer(
    page: Page, base_url, organisation, home_unit, facilitator, sign_in, assert_accessible
):
    service = actions.open_page(organisation=organisation, unit=home_unit, name="Hemtjänst Norr")
    workshop = workshop_actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title="Trygg hemtjänst",
        purpose="Äldre i hemtjänsten ska känna sig trygga hemma.",
        service_user_group="Äldre med hemtjänst",
        units=[home_unit],
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2027, 1, 31),
    )
    author = Participant.objects.get(workshop=workshop, membership__user=facilitator)
    effect = workshop_actions.propose(participant=author, kind="effect", title="Samma personal kommer")
    page.set_viewport_size(PHONE)

    page.goto(f"{base_url}/r/{service.code.upper()}/")
    expect(page.get_by_role("heading", name="Berätta vad som är viktigt för dig")).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert_accessible(page)

    page.get_by_label("Vad gör skillnad för dig när du möter oss?").fill(
        "Samma personal varje vecka. Ring 070-123 45 67."
    )
    page.get_by_label("Vad är i vägen? (du kan hoppa över det här)").focus()
    page.keyboard.type("Nya vikarier varje dag.")
    page.keyboard.press("Tab")  # the theme list
    page.keyboard.press("Tab")  # who is answering: the radio group
    page.keyboard.press("ArrowDown")  # the second choice, "Jag är anhörig"
    page.get_by_label("Jag vill ha svar").check()
    page.get_by_label("Hur når vi dig? (telefon eller e-post)").fill("anna@example.se")
    page.get_by_role("button", name="Fortsätt").click()

    expect(page.get_by_role("heading", name="Kontrollera innan du skickar")).to_be_visible()
    expect(page.get_by_text("telefonnummer", exact=False).first).to_be_visible()
    expect(page.locator("blockquote").first).not_to_contain_text("070-123 45 67")
    assert_accessible(page)
    page.get_by_role("button", name="Skicka").click()

    expect(page.get_by_role("heading", name="Tack!")).to_be_visible()
    assert_accessible(page)
    suggestion = Suggestion.objects.get()
    assert suggestion.respondent == Suggestion.Respondent.RELATIVE
    assert "070" not in suggestion.helps

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, facilitator.email)
    page.goto(f"{base_url}/o/{organisation.slug}/brukarrosten/")
    assert_accessible(page)
    page.get_by_role("link", name="Samma personal varje vecka.", exact=False).click()
    expect(page.get_by_text("anna@example.se")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publicera på verksamhetens sida").click()
    page.get_by_role("combobox", name="Tema").select_option("continuity")
    page.get_by_role("button", name="Spara temat").click()
    page.get_by_role("combobox", name="Status").select_option("considered")
    page.get_by_role("button", name="Spara statusen").click()
    page.get_by_role("combobox", name="Effekt eller aktivitet").select_option(str(effect.public_id))
    page.get_by_role("button", name="Koppla", exact=True).click()
    expect(page.get_by_role("link", name="Samma personal kommer")).to_be_visible()
    page.get_by_label("Svar (visas öppet)").fill("Vi planerar fasta team från januari.")
    page.get_by_role("button", name="Spara svaret").click()

    expect(page.get_by_text("Synpunkten är uppdaterad.")).to_be_visible()
    assert_accessible(page)
    suggestion.refresh_from_db()
    assert (suggestion.review, suggestion.theme, suggestion.status) == ("published", "continuity", "considered")
    assert suggestion.answer == "Vi planerar fasta team från januari."
    assert suggestion.item == effect
    assert not ContactRequest.objects.exists()

    for number in range(organisation.anonymity_threshold - 1):  # the public page shows texts once k are published
        earlier = actions.submit(page=service, helps=f"Tidigare synpunkt {number}.", respondent="service_user")
        actions.review(suggestion=earlier, publish=True)
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/r/{service.code}/vi-gjorde/")
    expect(page.get_by_role("heading", name="Kontinuitet")).to_be_visible()
    expect(page.get_by_text("Vi planerar fasta team från januari.")).to_be_visible()
    expect(page.get_by_text("anna@example.se")).to_have_count(0)
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert_accessible(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base_url}/w/{workshop.public_id}/")  # the effect in the chain: the service users' voice behind it
    card = page.locator(f"#card-{effect.public_id}")
    card.get_by_text("Brukarnas röst (1)").click()
    expect(card.get_by_text("Nya vikarier varje dag.", exact=False)).to_be_visible()
    assert_accessible(page)
