"""Journey: a person in two organisations chooses one, then switches to the other from the header."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_of_two_organisations_switches_from_the_header(
    page, base_url, sign_in, assert_accessible, outside_requests, admin_in_two_organisations
):
    sign_in(page, admin_in_two_organisations.email)

    expect(page.get_by_role("heading", level=1, name="Välj organisation")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name="Norrby kommun").click()

    banner = page.get_by_role("banner")
    expect(page.get_by_role("heading", level=1, name="Norrby kommun")).to_be_visible()
    expect(banner).to_contain_text("i organisationen Norrby kommun")
    assert_accessible(page)

    banner.get_by_text("Byt organisation").click()
    switcher = banner.get_by_role("group").filter(has_text="Byt organisation")
    expect(switcher.get_by_role("link", name="Norrby kommun")).to_have_attribute("aria-current", "true")
    assert_accessible(page)
    switcher.get_by_role("link", name="Söderby kommun").click()

    expect(page).to_have_url(f"{base_url}/o/soderby/")
    expect(page.get_by_role("heading", level=1, name="Söderby kommun")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("i organisationen Söderby kommun")
    page.get_by_role("banner").get_by_text("Byt organisation").click()
    expect(switcher.get_by_role("link", name="Söderby kommun")).to_have_attribute("aria-current", "true")
    assert_accessible(page)
    assert outside_requests == []
