"""Keyboard: the skip link comes first and takes focus past the header and navigation."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("signed_in", "path"),
    [(True, "/o/norrby/"), (False, "/accessibility/")],
    ids=["start-page", "signed-out"],
)
def test_skip_link_is_first_and_moves_focus_to_main(
    page, base_url, sign_in, assert_accessible, outside_requests, org_admin, signed_in, path
):
    if signed_in:
        sign_in(page, org_admin.email)
    page.goto(f"{base_url}{path}")

    page.keyboard.press("Tab")

    assert page.evaluate("document.activeElement.textContent.trim()") == "Hoppa till innehållet"
    skip_link = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    assert_accessible(page)

    page.keyboard.press("Enter")

    expect(page.get_by_role("main")).to_be_focused()
    expect(page).to_have_url(f"{base_url}{path}#main")
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert outside_requests == []
