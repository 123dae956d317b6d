"""Every page gets a scan: the organisation pages as an administrator, the account pages, the pages
reached signed out, and what a participant sees. Pages are reached by their links where there is one,
so the walk also checks that the links are there and named."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name)


def org_nav(page):
    return page.get_by_role("navigation", name="Organisation", exact=True)


def test_admin_walks_the_organisation_navigation(
    page, sign_in, assert_accessible, outside_requests, org_admin, employee
):
    sign_in(page, org_admin.email)
    expect(heading(page, "Norrby kommun")).to_be_visible()
    assert_accessible(page)

    org_nav(page).get_by_role("link", name="Nivåer").click()
    expect(heading(page, "Styrkedjans nivåer")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Lägg till").click()
    expect(page.get_by_role("alert").get_by_role("heading", name="Kontrollera det du har fyllt i")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ändra Verksamhetsnära nivå").click()
    expect(heading(page, "Ändra Verksamhetsnära nivå")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Avbryt").click()
    page.get_by_role("link", name="Ta bort Verksamhetsnära nivå").click()
    expect(heading(page, "Vill du ta bort Verksamhetsnära nivå?")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("1 person tillhör den.")
    assert_accessible(page)
    page.get_by_role("link", name="Tillbaka").click()
    page.get_by_role("link", name="Ta bort Politisk nivå").click()
    expect(page.get_by_role("button", name="Ta bort")).to_be_visible()
    assert_accessible(page)

    org_nav(page).get_by_role("link", name="Aktörsgrupper").click()
    expect(heading(page, "Aktörsgrupper")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ändra Medarbetare").click()
    expect(heading(page, "Ändra Medarbetare")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Avbryt").click()
    page.get_by_role("link", name="Ta bort Brukare").click()
    expect(heading(page, "Vill du ta bort Brukare?")).to_be_visible()
    assert_accessible(page)

    org_nav(page).get_by_role("link", name="Inställningar").click()
    expect(heading(page, "Inställningar")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Anonymitetsgräns").fill("2")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)

    org_nav(page).get_by_role("link", name="Start").click()
    expect(heading(page, "Norrby kommun")).to_be_visible()
    assert outside_requests == []


def test_admin_walks_the_unit_pages(page, sign_in, assert_accessible, outside_requests, org_admin, employee):
    sign_in(page, org_admin.email)
    main = page.get_by_role("main")

    org_nav(page).get_by_role("link", name="Enheter").click()
    expect(heading(page, "Enheter")).to_be_visible()
    assert_accessible(page)
    main.get_by_role("link", name="Ny enhet").click()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Kontrollera det du har fyllt i")
    assert_accessible(page)
    page.get_by_role("link", name="Avbryt").click()

    main.get_by_role("link", name="Socialförvaltningen").click()
    expect(heading(page, "Socialförvaltningen")).to_be_visible()
    assert_accessible(page)
    main.get_by_role("link", name="Hemtjänst Norr").click()
    expect(heading(page, "Hemtjänst Norr")).to_be_visible()
    expect(main.get_by_role("region", name="Medlemmar i Hemtjänst Norr")).to_contain_text("Erik Undersköterska")
    assert_accessible(page)
    for link, title in [
        ("Ändra", "Ändra Hemtjänst Norr"),
        ("Ny underenhet", "Ny enhet"),
        ("Flytta", "Flytta Hemtjänst Norr"),
        ("Stäng", "Vill du stänga Hemtjänst Norr?"),
    ]:
        main.get_by_role("link", name=link, exact=True).click()
        expect(heading(page, title)).to_be_visible()
        assert_accessible(page)
        page.go_back()
        expect(heading(page, "Hemtjänst Norr")).to_be_visible()
    assert outside_requests == []


def test_admin_walks_the_people_pages(page, sign_in, assert_accessible, outside_requests, org_admin, employee):
    sign_in(page, org_admin.email)

    org_nav(page).get_by_role("link", name="Personer").click()
    expect(heading(page, "Personer")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Lägg till en person").click()
    expect(heading(page, "Lägg till en person")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Kontrollera det du har fyllt i")
    assert_accessible(page)
    page.get_by_role("link", name="Avbryt").click()

    page.get_by_role("link", name="Ändra Erik Undersköterska").click()
    expect(heading(page, "Erik Undersköterska")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ta bort från organisationen").click()
    expect(heading(page, "Vill du ta bort Erik Undersköterska från Norrby kommun?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Avbryt").click()
    page.get_by_role("button", name="Skicka en inbjudan").click()
    expect(page.get_by_role("status").filter(has_text="1 inbjudan skickades med e-post.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Importera från CSV").click()
    expect(heading(page, "Importera personer från CSV")).to_be_visible()
    page.get_by_role("button", name="Kontrollera filen").click()
    expect(page.get_by_role("alert")).to_contain_text("Kontrollera det du har fyllt i")
    assert_accessible(page)
    assert outside_requests == []


def test_account_pages_and_the_page_not_found(page, base_url, sign_in, assert_accessible, outside_requests, org_admin):
    sign_in(page, org_admin.email)

    page.get_by_role("banner").get_by_role("link", name="Alva Administratör").click()
    expect(heading(page, "Din profil")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Byt ditt lösenord").click()
    expect(heading(page, "Byt ditt lösenord")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Gammalt lösenord").fill("fel")
    page.get_by_role("button", name="Byt lösenord").click()
    expect(page.get_by_role("alert")).to_contain_text("Kontrollera det du har fyllt i")
    assert_accessible(page)

    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(heading(page, "Tillgänglighetsredogörelse för Tillit")).to_be_visible()
    assert_accessible(page)

    response = page.goto(f"{base_url}/o/finns-inte/")
    assert response.status == 404
    expect(heading(page, "Sidan hittades inte")).to_be_visible()
    assert_accessible(page)
    assert outside_requests == []


def test_signed_out_pages_and_choosing_a_new_password(
    page, base_url, assert_accessible, outside_requests, employee, mailoutbox
):
    page.goto(f"{base_url}/")
    expect(heading(page, "Logga in i Tillit")).to_be_visible()

    page.get_by_role("link", name="Har du glömt ditt lösenord?").click()
    expect(heading(page, "Glömt lösenord")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("E-postadress").fill(employee.email)
    page.get_by_role("button", name="Skicka länken").click()
    expect(heading(page, "Titta i din e-post")).to_be_visible()
    assert_accessible(page)

    link = re.search(r"/accounts/password/reset/\S+/\S+/", mailoutbox[0].body).group(0)
    page.goto(f"{base_url}{link}")
    expect(heading(page, "Välj ett nytt lösenord")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Nytt lösenord")).fill("en-helt-ny-lång-lösenfras")
    page.get_by_label(re.compile(r"^Bekräfta nytt lösenord")).fill("en-helt-ny-lång-lösenfras")
    page.get_by_role("button", name="Spara lösenordet").click()
    expect(heading(page, "Ditt lösenord är sparat")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{base_url}{link}")
    expect(page.get_by_role("alert")).to_contain_text("Länken fungerar inte")
    assert_accessible(page)

    page.goto(f"{base_url}/finns-inte/")
    expect(heading(page, "Sidan hittades inte")).to_be_visible()
    assert_accessible(page)
    assert outside_requests == []


def test_repeated_wrong_passwords_show_the_lockout_page(
    page, base_url, assert_accessible, outside_requests, employee, settings
):
    page.goto(f"{base_url}/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("E-postadress").fill(employee.email)
        page.get_by_label("Lösenord").fill("fel-lösenord")
        page.get_by_role("button", name="Logga in").click()

    expect(heading(page, "För många misslyckade inloggningsförsök")).to_be_visible()
    assert_accessible(page)
    assert outside_requests == []


def test_participant_sees_the_start_page_and_the_units(
    page, base_url, sign_in, assert_accessible, outside_requests, employee, manager
):
    sign_in(page, employee.email)
    expect(heading(page, "Norrby kommun")).to_be_visible()
    expect(page.get_by_role("region", name="Din plats i styrkedjan")).to_contain_text("Hemtjänst Norr")
    expect(org_nav(page).get_by_role("link")).to_have_text(
        ["Start", "Arbetsmöten", "Samtal", "Barometern", "Styrsignaler", "Tidstjuvar", "Enheter"]
    )
    assert_accessible(page)

    org_nav(page).get_by_role("link", name="Enheter").click()
    expect(heading(page, "Enheter")).to_be_visible()
    expect(page.get_by_role("link", name="Ny enhet")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Hemtjänst Norr").click()
    expect(heading(page, "Hemtjänst Norr")).to_be_visible()
    assert_accessible(page)

    response = page.goto(f"{base_url}/o/norrby/people/")
    assert response.status == 403
    expect(heading(page, "Du har inte behörighet till det här")).to_be_visible()
    assert_accessible(page)
    assert outside_requests == []


def test_wide_tables_on_a_phone_can_be_scrolled_with_the_keyboard(
    page, base_url, sign_in, assert_accessible, outside_requests, org_admin, employee
):
    """At 375 px the people list and the questionnaire are wider than the screen: their tables scroll sideways in a
    region that takes keyboard focus and is named by the table's caption (axe's scrollable-region-focusable)."""
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, org_admin.email)

    for path, heading_name in (("/o/norrby/people/", "Personer"), ("/o/norrby/barometer/questionnaire/", None)):
        page.goto(f"{base_url}{path}")
        if heading_name:
            expect(heading(page, heading_name)).to_be_visible()
        regions = page.locator(".table-wrapper")
        expect(regions.first).to_be_visible()
        for region in regions.all():
            assert region.get_attribute("tabindex") == "0"
            assert region.get_attribute("role") == "region"
            assert region.get_attribute("aria-labelledby")
        regions.first.focus()
        expect(regions.first).to_be_focused()
        assert_accessible(page)
    assert outside_requests == []
