"""Journey: a service user who reads Arabic, on a 375 px phone, with the keyboard alone.

From the poster's address (in Swedish, since the browser's language is English), they choose العربية in the language
list, write a suggestion with a phone number, see it masked in Arabic, and send it; the page is right to left all
the way and remembers the language. Every page of the public part is scanned with axe-core in Arabic, and one in
Finnish.
"""

from __future__ import annotations

import pytest
from django.test.utils import override_settings
from playwright.sync_api import Page, expect

from tillit.voice import actions
from tillit.voice.models import Suggestion

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
NO_HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def tab_to(page: Page, selector: str, most: int = 30) -> None:
    """Press Tab until the focused element matches `selector` (as a person moving through the page would)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def right_to_left(page: Page) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW)


def test_an_arabic_reader_chooses_the_language_and_sends_a_suggestion_by_keyboard(
    page: Page, base_url, organisation, home_unit, assert_accessible
):
    service = actions.open_page(organisation=organisation, unit=home_unit, name="Hemtjänst Norr")
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/r/{service.code}/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    tab_to(page, 'form.language-list button[lang="ar"]')
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="أخبرنا بما يهمك")).to_be_visible()
    right_to_left(page)
    expect(page.get_by_role("button", name="العربية")).to_have_attribute("aria-current", "true")
    assert_accessible(page)

    tab_to(page, "#id_helps")
    page.keyboard.type("نفس الموظفين كل أسبوع. اتصل بي على 070-123 45 67")
    tab_to(page, "#id_hinders")
    page.keyboard.type("موظفون جدد كل يوم.")
    tab_to(page, "#id_theme")
    page.keyboard.press("ArrowDown")  # the first theme after "I do not know"
    tab_to(page, 'input[name="respondent"]')
    page.keyboard.press("ArrowDown")  # the second: a relative
    tab_to(page, "#id_wants_answer")
    page.keyboard.press("Space")
    tab_to(page, "#id_contact")
    page.keyboard.type("anna@example.se")
    tab_to(page, 'button[type="submit"]')
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="راجِع قبل أن ترسل")).to_be_visible()
    right_to_left(page)
    expect(page.get_by_text("أزلنا من نصك رقم هاتف قبل حفظه.")).to_be_visible()
    expect(page.locator("blockquote").first).not_to_contain_text("070-123 45 67")
    expect(page.locator("blockquote").first).to_contain_text("[رقم هاتف]")
    assert_accessible(page)
    tab_to(page, 'button[value="send"]')
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="شكرًا لك!")).to_be_visible()
    right_to_left(page)
    assert_accessible(page)
    suggestion = Suggestion.objects.get()
    assert (suggestion.language, suggestion.respondent, suggestion.theme) == ("ar", "relative", "safety")
    assert "070" not in suggestion.helps

    # Remembered: the same address, without anything in it, is in Arabic.
    page.goto(f"{base_url}/r/{service.code}/")
    expect(page.get_by_role("heading", name="أخبرنا بما يهمك")).to_be_visible()
    page.get_by_role("button", name="متابعة").click()  # nothing written: the errors, in Arabic
    expect(page.get_by_role("heading", name="راجِع ما كتبته")).to_be_visible()
    expect(page.get_by_text("اكتب ما الذي يُحدث فرقًا لك.").first).to_be_visible()
    right_to_left(page)
    assert_accessible(page)


def test_every_public_page_in_arabic_and_one_in_finnish_passes_axe(
    page: Page, base_url, organisation, home_unit, assert_accessible
):
    service = actions.open_page(organisation=organisation, unit=home_unit, name="Hemtjänst Norr")
    for number in range(organisation.anonymity_threshold):
        suggestion = actions.submit(page=service, helps=f"اقتراح رقم {number}.", respondent="relative", language="ar")
        actions.review(suggestion=suggestion, publish=True)
    actions.set_status(suggestion=suggestion, status="not_possible", reason="Det kostar för mycket.")
    actions.answer(suggestion=suggestion, text="Vi har fasta team nu.")
    page.set_viewport_size(PHONE)

    page.goto(f"{base_url}/r/{service.code}/vi-gjorde/?sprak=ar")
    expect(page.get_by_role("heading", name="قلتم – فعلنا", exact=True)).to_be_visible()
    expect(page.locator('span[lang="ar"]').first).to_contain_text("اقتراح رقم")
    right_to_left(page)
    assert_accessible(page)

    page.goto(f"{base_url}/r/zzzzzz/")
    expect(page.get_by_role("heading", name="لا نجد هذه الصفحة")).to_be_visible()
    right_to_left(page)
    assert_accessible(page)

    actions.set_page_open(page=service, is_open=False)
    page.goto(f"{base_url}/r/{service.code}/")
    expect(page.get_by_text("هذه الصفحة لم تعد تستقبل الاقتراحات.")).to_be_visible()
    right_to_left(page)
    assert_accessible(page)

    page.goto(f"{base_url}/r/{service.code}/vi-gjorde/?sprak=fi")
    expect(page.get_by_role("heading", name="Te sanoitte – me teimme", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert_accessible(page)
    page.goto(f"{base_url}/r/{service.code}/tack/")
    expect(page.get_by_role("heading", name="Kiitos!")).to_be_visible()
    assert_accessible(page)

    with override_settings(VOICE_CODE_MISSES_PER_ADDRESS_PER_HOUR=1):  # one code missed above: guessing
        page.goto(f"{base_url}/r/{service.code}/?sprak=ar")
        expect(page.get_by_role("heading", name="يرجى الانتظار قليلًا")).to_be_visible()
        right_to_left(page)
        assert_accessible(page)
