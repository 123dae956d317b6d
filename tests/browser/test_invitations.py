"""Journey: an administrator adds someone who already has an account in another organisation; they are
invited, not added, and accept in their own browser. The administrator never sees the account's name
before that."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

TYPED_NAME = "O. Skriven Av Norrby"
STORED_NAME = "Olle Utomstående"


def sv(msgid: str) -> str:
    """The text as the Swedish interface shows it (the catalogue, or the msgid until translated)."""
    with translation.override("sv"):
        return gettext(msgid)


def test_admin_invites_an_existing_account_which_accepts_in_its_own_browser(
    page, browser, base_url, sign_in, assert_accessible, outside_requests, org_admin, outsider, mailoutbox
):
    sign_in(page, org_admin.email)
    page.goto(f"{base_url}/o/norrby/people/")
    page.get_by_role("link", name="Lägg till en person").click()
    page.get_by_label("Namn").fill(TYPED_NAME)
    page.get_by_label("E-postadress").fill(outsider.email)
    page.get_by_label("Aktörsgrupp").select_option(label="Samverkanspartner")
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_role("heading", level=1, name="Personer")).to_be_visible()
    invited = page.get_by_role("row").filter(has_text=TYPED_NAME)
    expect(invited).to_contain_text(sv("Invited – not accepted"))
    expect(page.get_by_role("main")).not_to_contain_text(STORED_NAME)
    assert_accessible(page)

    invited.get_by_role("link", name=re.compile(sv("Withdraw"))).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TYPED_NAME)
    assert_accessible(page)
    page.get_by_role("link", name="Avbryt").click()
    expect(page.get_by_role("row").filter(has_text=TYPED_NAME)).to_be_visible()

    link = re.search(r"/o/invitations/\S+/", mailoutbox[0].body).group(0)
    olle = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm").new_page()
    olle.goto(f"{base_url}{link}")
    olle.get_by_label("E-postadress").fill(outsider.email)
    olle.get_by_label("Lösenord").fill(PASSWORD)
    olle.get_by_role("button", name="Logga in").click()

    expect(olle.get_by_role("heading", level=1)).to_contain_text("Norrby kommun")
    expect(olle.get_by_role("main")).to_contain_text(TYPED_NAME)
    assert_accessible(olle)
    olle.get_by_role("button", name=sv("Accept and join")).click()

    expect(olle).to_have_url(f"{base_url}/o/norrby/")
    expect(olle.get_by_role("banner")).to_contain_text("i organisationen Norrby kommun")
    assert_accessible(olle)

    olle.goto(f"{base_url}{link}")
    expect(olle.get_by_role("heading", level=1, name=sv("The invitation link does not work"))).to_be_visible()
    assert_accessible(olle)

    olle.context.close()

    page.reload()
    expect(page.get_by_role("row").filter(has_text=STORED_NAME)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(sv("Invited – not accepted"))
    assert outside_requests == []


def test_someone_else_signed_in_cannot_answer_the_invitation(
    page, base_url, sign_in, assert_accessible, org_admin, outsider, employee, mailoutbox
):
    from tillit.organisations.models import PendingMembership

    sign_in(page, org_admin.email)
    page.goto(f"{base_url}/o/norrby/people/new/")
    page.get_by_label("Namn").fill(TYPED_NAME)
    page.get_by_label("E-postadress").fill(outsider.email)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1, name="Personer")).to_be_visible()
    link = re.search(r"/o/invitations/\S+/", mailoutbox[0].body).group(0)
    page.get_by_role("banner").get_by_role("button", name="Logga ut").click()

    sign_in(page, employee.email)
    page.goto(f"{base_url}{link}")

    expect(page.get_by_role("heading", level=1, name=sv("The invitation is for another account"))).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(TYPED_NAME)
    assert_accessible(page)
    assert PendingMembership.objects.filter(user=outsider).exists()
