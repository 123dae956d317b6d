"""Journey: switch the interface to English and back to Swedish from the header."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_interface_switches_to_english_and_back(
    page, base_url, sign_in, assert_accessible, outside_requests, org_admin
):
    sign_in(page, org_admin.email)
    page.goto(f"{base_url}/o/norrby/units/")
    org_nav = page.get_by_role("navigation", name="Organisation", exact=True)
    expect(org_nav.get_by_role("link", name="Enheter")).to_be_visible()

    page.get_by_role("button", name="In English").click()

    expect(page).to_have_url(f"{base_url}/o/norrby/units/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1, name="Units")).to_be_visible()
    expect(org_nav.get_by_role("link", name="People")).to_be_visible()
    expect(page.get_by_role("button", name="På svenska")).to_have_attribute("lang", "sv")
    assert_accessible(page)

    page.get_by_role("button", name="På svenska").click()

    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1, name="Enheter")).to_be_visible()
    expect(org_nav.get_by_role("link", name="Personer")).to_be_visible()
    expect(page.get_by_role("button", name="In English")).to_have_attribute("lang", "en")
    assert_accessible(page)
    assert outside_requests == []
