"""Journey: an organisation administrator builds, renames, moves, closes and reopens units."""

import pytest
from playwright.sync_api import expect

from tillit.organisations.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_edits_the_unit_tree(page, base_url, sign_in, assert_accessible, outside_requests, org_admin):
    sign_in(page, org_admin.email)
    org_nav = page.get_by_role("navigation", name="Organisation", exact=True)
    main = page.get_by_role("main")

    org_nav.get_by_role("link", name="Enheter").click()
    expect(page.get_by_role("heading", level=1, name="Enheter")).to_be_visible()
    assert_accessible(page)

    main.get_by_role("link", name="Ny enhet").click()
    expect(page.get_by_role("heading", level=1, name="Ny enhet")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Namn").fill("Omsorgsförvaltningen")
    page.get_by_label("Typ").select_option(label="Förvaltning")
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_role("heading", level=1, name="Omsorgsförvaltningen")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Enheten Omsorgsförvaltningen har skapats.")).to_be_visible()
    assert_accessible(page)

    main.get_by_role("link", name="Ny underenhet").click()
    expect(page.get_by_label("Del av")).to_have_value(str(Unit.objects.get(name="Omsorgsförvaltningen").pk))
    page.get_by_label("Namn").fill("Hemtjänst Syd")
    page.get_by_label("Typ").select_option(label="Enhet")
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_role("heading", level=1, name="Hemtjänst Syd")).to_be_visible()
    breadcrumbs = page.get_by_role("navigation", name="Plats i organisationen")
    expect(breadcrumbs.get_by_role("link", name="Omsorgsförvaltningen")).to_be_visible()
    assert_accessible(page)

    main.get_by_role("link", name="Ändra", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Ändra Hemtjänst Syd")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Namn").fill("Hemtjänst Söder")
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_role("heading", level=1, name="Hemtjänst Söder")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Enheten har sparats.")).to_be_visible()

    main.get_by_role("link", name="Flytta", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Flytta Hemtjänst Söder")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ny plats").select_option(label="Socialförvaltningen")
    page.get_by_role("button", name="Flytta").click()

    expect(page.get_by_role("status").filter(has_text="Enheten har flyttats.")).to_be_visible()
    expect(breadcrumbs.get_by_role("link", name="Socialförvaltningen")).to_be_visible()
    expect(breadcrumbs.get_by_role("link", name="Omsorgsförvaltningen")).to_have_count(0)
    assert_accessible(page)

    main.get_by_role("link", name="Stäng", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Vill du stänga Hemtjänst Söder?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Stäng enheten").click()

    expect(page.get_by_role("heading", level=1, name="Hemtjänst Söder stängd")).to_be_visible()
    expect(page.get_by_role("button", name="Öppna enheten igen")).to_be_visible()
    assert_accessible(page)

    org_nav.get_by_role("link", name="Enheter").click()
    tree = page.locator("#unit-tree")
    expect(tree.get_by_role("link", name="Hemtjänst Norr")).to_be_visible()
    expect(tree.get_by_role("link", name="Hemtjänst Söder")).to_have_count(0)

    page.get_by_label("Visa stängda enheter").check()

    expect(page).to_have_url(f"{base_url}/o/norrby/units/?closed=1")
    closed = tree.get_by_role("listitem").filter(has_text="Hemtjänst Söder").last  # the innermost item
    expect(closed).to_contain_text("stängd")
    expect(page.get_by_role("status").filter(has_text="Stängda enheter visas.")).to_be_attached()
    assert_accessible(page)

    tree.get_by_role("link", name="Hemtjänst Söder").click()
    page.get_by_role("button", name="Öppna enheten igen").click()

    expect(page.get_by_role("status").filter(has_text="Enheten är öppen igen.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Hemtjänst Söder", exact=True)).to_be_visible()
    expect(main.get_by_role("link", name="Stäng", exact=True)).to_be_visible()
    assert_accessible(page)
    assert Unit.objects.get(name="Hemtjänst Söder").is_open
    assert outside_requests == []
