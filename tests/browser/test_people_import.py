"""Journey: an organisation administrator imports people from CSV, then searches the people list."""

import pytest
from playwright.sync_api import expect

from tillit.organisations.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)

BAD_FILE = (
    "name,email,unit,actor_group\n"
    "Lisa Larsson,lisa@norrby.example,Socialförvaltningen / Hemtjänst Norr,Medarbetare\n"
    "Nils Nilsson,nils@norrby.example,Socialförvaltningen / Hemtjänst Väst,employee\n"
).encode()
GOOD_FILE = (
    "name,email,unit,actor_group\n"
    "Lisa Larsson,lisa@norrby.example,Socialförvaltningen / Hemtjänst Norr,Medarbetare\n"
    "Nils Nilsson,nils@norrby.example,Socialförvaltningen,employee\n"
).encode()


def csv_file(content: bytes) -> dict:
    return {"name": "personer.csv", "mimeType": "text/csv", "buffer": content}


def test_admin_imports_people_after_correcting_a_bad_row(page, sign_in, assert_accessible, outside_requests, org_admin):
    sign_in(page, org_admin.email)
    page.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Personer").click()
    page.get_by_role("link", name="Importera från CSV").click()
    expect(page.get_by_role("heading", level=1, name="Importera personer från CSV")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("CSV-fil").set_input_files(csv_file(BAD_FILE))
    page.get_by_role("button", name="Kontrollera filen").click()

    expect(page.get_by_role("heading", name="Förhandsvisning")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("1 rad har fel.")
    bad_row = page.get_by_role("row").filter(has_text="Nils Nilsson")
    expect(bad_row).to_contain_text("Det finns ingen öppen enhet ”Socialförvaltningen / Hemtjänst Väst”.")
    expect(page.get_by_role("row").filter(has_text="Lisa Larsson")).to_contain_text("OK")
    expect(page.get_by_role("button", name="Importera")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("CSV-fil").set_input_files(csv_file(GOOD_FILE))
    page.get_by_role("button", name="Kontrollera filen").click()

    expect(page.get_by_role("status").filter(has_text="2 personer är redo att importeras.")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Importera 2 personer").click()

    expect(page.get_by_role("heading", level=1, name="Personer")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="2 personer har importerats.")).to_be_visible()
    people = page.locator("#people-results")
    expect(people.get_by_role("row").filter(has_text="Lisa Larsson")).to_contain_text("Hemtjänst Norr")
    expect(people.get_by_role("row").filter(has_text="Nils Nilsson")).to_contain_text("Socialförvaltningen")
    assert_accessible(page)
    assert Membership.objects.filter(organisation__slug="norrby", user__email__endswith="@norrby.example").count() == 3
    assert outside_requests == []


def test_people_search_updates_the_list_in_place(
    page, base_url, sign_in, assert_accessible, outside_requests, org_admin, employee, manager
):
    sign_in(page, org_admin.email)
    page.goto(f"{base_url}/o/norrby/people/")
    people = page.locator("#people-results")
    expect(people.get_by_role("table")).to_contain_text("3 personer")
    assert_accessible(page)

    page.get_by_label("Sök på namn eller e-post").fill("maja")

    expect(page).to_have_url(f"{base_url}/o/norrby/people/?q=maja")
    expect(people.get_by_role("row").filter(has_text="Maja Enhetschef")).to_be_visible()
    expect(people.get_by_role("row").filter(has_text="Erik Undersköterska")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="1 person hittades.")).to_be_attached()
    assert_accessible(page)

    page.get_by_label("Sök på namn eller e-post").fill("ingen-sådan")

    expect(people).to_contain_text("Ingen matchar sökningen")
    expect(page.get_by_role("status").filter(has_text="0 personer hittades.")).to_be_attached()
    assert_accessible(page)
    assert outside_requests == []


def test_an_address_with_an_account_elsewhere_looks_new_in_the_preview_and_is_invited(
    page, base_url, sign_in, assert_accessible, outside_requests, org_admin, outsider
):
    from django.utils import translation
    from django.utils.translation import gettext

    from tillit.organisations.models import PendingMembership

    with translation.override("sv"):
        invited_not_accepted = gettext("Invited – not accepted")
    content = (
        "name,email,unit,actor_group\n"
        f"Olle Skriven,{outsider.email},Socialförvaltningen,Samverkanspartner\n"
        "Lisa Larsson,lisa@norrby.example,Socialförvaltningen / Hemtjänst Norr,Medarbetare\n"
    ).encode()
    sign_in(page, org_admin.email)
    page.goto(f"{base_url}/o/norrby/people/import/")

    page.get_by_label("CSV-fil").set_input_files(csv_file(content))
    page.get_by_role("button", name="Kontrollera filen").click()

    expect(page.get_by_role("status").filter(has_text="2 personer är redo att importeras.")).to_be_visible()
    olle_row = page.get_by_role("row").filter(has_text="Olle Skriven")
    lisa_row = page.get_by_role("row").filter(has_text="Lisa Larsson")
    expect(olle_row.get_by_role("cell").last).to_have_text("OK")
    expect(lisa_row.get_by_role("cell").last).to_have_text("OK")
    expect(page.get_by_role("main")).not_to_contain_text("Olle Utomstående")
    expect(page.get_by_role("main")).not_to_contain_text("Söderby")
    assert_accessible(page)

    page.get_by_role("button", name="Importera 2 personer").click()

    expect(page.get_by_role("status").filter(has_text="2 personer har importerats.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Olle Skriven")).to_contain_text(invited_not_accepted)
    expect(page.get_by_role("main")).not_to_contain_text("Olle Utomstående")
    assert_accessible(page)
    assert PendingMembership.objects.get().user == outsider
    assert not Membership.objects.filter(organisation__slug="norrby", user=outsider).exists()
    assert outside_requests == []
