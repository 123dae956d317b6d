"""Journey: an employee downloads what Tillit holds about them, then deletes their account (a wrong password first)."""

import json

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tillit.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_employee_downloads_their_data_and_deletes_their_account(
    page, base_url, assert_accessible, sign_in, employee
):
    sign_in(page, employee.email)
    page.goto(f"{base_url}/accounts/profile/")
    expect(page.get_by_role("heading", level=2, name="Dina personuppgifter")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ladda ner dina uppgifter").click()
    expect(page.get_by_role("heading", level=1, name="Ladda ner dina uppgifter")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner dina uppgifter (JSON)").click()
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exported["account"]["email"] == employee.email

    page.goto(f"{base_url}/accounts/profile/")
    page.get_by_role("link", name="Radera ditt konto och dina personuppgifter").click()
    expect(page.get_by_role("heading", level=1, name="Radera ditt konto")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ditt lösenord").fill("inte-rätt")
    page.get_by_role("button", name="Radera mitt konto").click()
    expect(page.get_by_role("alert")).to_contain_text("Lösenordet är fel.")
    assert_accessible(page)
    assert User.objects.filter(pk=employee.pk).exists()

    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Radera mitt konto").click()

    expect(page.get_by_role("heading", level=1, name="Ditt konto är raderat")).to_be_visible()
    assert_accessible(page)
    assert not User.objects.filter(pk=employee.pk).exists()
    page.goto(f"{base_url}/accounts/profile/")
    expect(page.get_by_role("heading", level=1, name="Logga in i Tillit")).to_be_visible()
