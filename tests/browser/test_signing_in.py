"""Journey: sign in (a wrong password first), see who you are and where you act, sign out."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_employee_signs_in_after_a_wrong_password_and_signs_out(
    page, base_url, assert_accessible, outside_requests, employee
):
    page.goto(f"{base_url}/accounts/login/")
    assert_accessible(page)

    page.get_by_label("E-postadress").fill(employee.email)
    page.get_by_label("Lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()

    summary = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="Kontrollera det du har fyllt i"))
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("E-postadressen eller lösenordet är fel.")
    expect(summary).to_be_focused()
    assert_accessible(page)

    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    expect(page).to_have_url(f"{base_url}/o/norrby/")
    banner = page.get_by_role("banner")
    expect(banner.get_by_role("link", name="Erik Undersköterska")).to_be_visible()
    expect(banner).to_contain_text("Inloggad som Erik Undersköterska")
    expect(banner).to_contain_text("i organisationen Norrby kommun")
    expect(page.get_by_role("heading", level=1, name="Norrby kommun")).to_be_visible()
    assert_accessible(page)

    banner.get_by_role("button", name="Logga ut").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1, name="Logga in i Tillit")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("button", name="Logga ut")).to_have_count(0)
    assert_accessible(page)
    assert outside_requests == []
