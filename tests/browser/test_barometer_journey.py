"""The barometer in a browser: an employee answers on a phone through their personal link, a manager reads the
results of their unit, where a small team is suppressed, and process leaders run a round to its results, also one
whose closing date passed without anyone closing it. Every page and state gets an axe scan."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, expect

from tillit.barometer import actions
from tillit.barometer.models import Invitation, Item, OpenAnswer, Response, Round
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Level, Unit

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}


def open_round(organisation):
    today = timezone.localdate()
    round = actions.create_round(
        organisation=organisation,
        name="Styrningsbarometern hösten 2026",
        opens_on=today - datetime.timedelta(days=2),
        closes_on=today + datetime.timedelta(days=14),
    )
    actions.launch_round(round=round, site_url="http://testserver")
    round.refresh_from_db()
    return round


def test_an_employee_answers_on_a_phone(
    browser: Browser, base_url, assert_accessible, outside_requests, organisation, employee
):
    round = open_round(organisation)
    invitation = Invitation.objects.select_related("round").get(round=round, membership__user=employee)
    link = base_url + reverse("barometer:respond", args=[round.public_id, actions.invitation_token(invitation)])
    context = browser.new_context(
        locale="sv-SE", timezone_id="Europe/Stockholm", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    context.on("request", lambda r: None if r.url.startswith(base_url) else outside_requests.append(r.url))

    token = actions.invitation_token(invitation)
    visited: list[str] = []
    page.on("request", lambda r: visited.append(r.url))
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Styrningsbarometern hösten 2026")).to_be_visible()
    # The token leaves the address at once: the questionnaire lives at an address without it.
    assert page.url == base_url + f"/b/{round.public_id}/svar/"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    first, second = Item.objects.filter(instrument=round.instrument, kind=Item.Kind.SCALE).order_by("position")[:2]
    page.get_by_role("group", name=first.text_sv).get_by_label("Stämmer helt").check()
    # The second by keyboard: focus the first option, then arrow keys move within the radio group.
    page.get_by_role("group", name=second.text_sv).get_by_label("Stämmer inte alls").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("group", name=second.text_sv).get_by_role("radio", checked=True)).to_have_value("3")
    value_question = Item.objects.get(instrument=round.instrument, code="open_value")
    page.get_by_label(value_question.text_sv).fill("Att få tid att lyssna på brukaren.")

    page.get_by_role("button", name="Spara och fortsätt senare").click()
    expect(page.get_by_role("group", name=first.text_sv).get_by_label("Stämmer helt")).to_be_checked()
    assert_accessible(page)
    assert Response.objects.count() == 0

    page.get_by_role("button", name="Skicka svar").click()
    expect(page.get_by_role("heading", level=1, name="Tack för dina svar!")).to_be_visible()
    assert_accessible(page)
    assert [url for url in visited if token in url] == [link]  # only the first visit carried it
    assert Invitation.objects.get(pk=invitation.pk).answered
    assert Response.objects.count() == 0  # in the round's inbox until a batch is mixed (or the round closes)
    actions.mix_inbox(round=round)
    response = Response.objects.get()
    assert {answer.value for answer in response.answers.all()} == {5, 3}

    page.goto(link)
    expect(page.get_by_text("Du har redan svarat")).to_be_visible()
    assert_accessible(page)
    context.close()
    assert outside_requests == []


def test_an_employee_is_told_what_personal_data_was_removed(
    browser: Browser, base_url, assert_accessible, outside_requests, organisation, employee
):
    round = open_round(organisation)
    invitation = Invitation.objects.select_related("round").get(round=round, membership__user=employee)
    link = base_url + reverse("barometer:respond", args=[round.public_id, actions.invitation_token(invitation)])
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(link)
    value_question = Item.objects.get(instrument=round.instrument, code="open_value")
    page.get_by_label(value_question.text_sv).fill("Ring mig gärna på 070-123 45 67 om det behövs.")
    page.get_by_role("button", name="Skicka svar").click()

    expect(page.get_by_role("heading", level=1, name="Tack för dina svar!")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="070-123 45 67")).to_have_count(0)
    expect(page.get_by_role("main").get_by_role("status")).to_be_visible()
    assert_accessible(page)
    actions.mix_inbox(round=round)
    assert "070-123 45 67" not in OpenAnswer.objects.get().text
    context.close()
    assert outside_requests == []


def test_a_manager_reads_their_unit_with_a_small_team_suppressed(
    page, sign_in, assert_accessible, outside_requests, organisation, home_unit, manager, make_member
):
    # The teams and their people exist before the round opens: a round's answers name only the units it opened
    # with, and the open link takes no more answers for a unit than it had members.
    teams = {
        name: organisation_actions.create_unit(
            organisation=organisation, name=name, kind=Unit.Kind.TEAM, parent=home_unit, actor=None
        )
        for name in ("Team Öst", "Team Syd", "Team Väst")
    }
    for name, size in (("Team Öst", 9), ("Team Syd", 8), ("Team Väst", 3)):
        for _number in range(size):
            make_member(organisation, unit=teams[name])
    round = open_round(organisation)
    item = Item.objects.filter(instrument=round.instrument, kind=Item.Kind.SCALE).first()
    for name, count in (("Team Öst", 8), ("Team Syd", 7), ("Team Väst", 2)):
        for number in range(count):
            actions.answer_openly(
                round=round,
                unit=teams[name],
                level=None,
                actor_group=None,
                answers=actions.Answers({item.pk: 1 + number % 5}, {}),
            )
    actions.close_round(round=round)

    sign_in(page, manager.email)
    page.goto(page.url.split("/o/")[0] + reverse("barometer:report", args=[round.public_id]))
    # The organisation's page first (the round's results go to the whole steering chain), then their own unit.
    expect(page.get_by_role("heading", level=1, name="Resultat för Norrby kommun")).to_be_visible()
    page.get_by_role("navigation", name="Visa resultat för").get_by_role("link", name="Hemtjänst Norr").click()
    expect(page.get_by_role("heading", level=1, name="Resultat för Hemtjänst Norr")).to_be_visible()
    assert_accessible(page)
    main = page.get_by_role("main")
    small_team = main.get_by_role("row").filter(has_text="Team Väst")
    expect(small_team.first).to_contain_text("–")
    expect(small_team.first).not_to_contain_text("2")
    expect(main.get_by_role("row").filter(has_text="Team Öst").first).to_contain_text("8")
    assert outside_requests == []


def test_a_process_leader_runs_a_round_from_the_questionnaire_to_the_results(
    page, sign_in, assert_accessible, outside_requests, organisation, home_unit, facilitator, employee, make_member
):
    for _number in range(6):  # staff on Hemtjänst Norr, who answer through the open link below
        make_member(organisation, unit=home_unit)
    sign_in(page, facilitator.email)
    page.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Barometern").click()
    expect(page.get_by_role("heading", level=1, name="Styrningsbarometern")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Enkäten").first.click()
    expect(page.get_by_role("heading", level=1, name="Enkäten")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Text på svenska").fill("Jag vet vart jag ska vända mig när något inte fungerar.")
    page.get_by_role("button", name="Lägg till frågan").click()
    expect(
        page.get_by_role("main").get_by_text("Jag vet vart jag ska vända mig när något inte fungerar.").first
    ).to_be_visible()
    assert_accessible(page)

    page.goto(page.url.split("/o/")[0] + reverse("barometer:create", args=[organisation.slug]))
    page.get_by_role("button", name="Skapa omgången").click()
    expect(page.get_by_role("alert")).to_be_visible()  # nothing filled in: the errors, linked to their fields
    assert_accessible(page)
    today = timezone.localdate()
    page.get_by_label("Namn").fill("Styrningsbarometern våren 2027")
    page.get_by_label("Öppnar").fill(today.isoformat())
    page.get_by_label("Stänger").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Skapa omgången").click()
    expect(page.get_by_role("heading", level=1, name="Styrningsbarometern våren 2027")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Öppna omgången").click()
    assert_accessible(page)
    page.get_by_role("button", name="Öppna omgången").click()
    expect(page.get_by_role("heading", level=1, name="Styrningsbarometern våren 2027")).to_be_visible()
    assert_accessible(page)

    round = organisation.barometer_rounds.get(name="Styrningsbarometern våren 2027")
    open_link = page.url.split("/b/")[0] + reverse("barometer:respond_open", args=[round.public_id, round.open_key])
    visitor = page.context.browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm").new_page()
    visitor.goto(open_link)
    expect(visitor.get_by_role("heading", level=1, name="Styrningsbarometern våren 2027")).to_be_visible()
    assert_accessible(visitor)
    visitor.get_by_label("Din enhet").select_option(label="Socialförvaltningen / Hemtjänst Norr")
    visitor.get_by_role("button", name="Fortsätt till frågorna").click()
    expect(visitor.get_by_role("button", name="Skicka svar")).to_be_visible()
    assert_accessible(visitor)
    visitor.context.close()

    item = Item.objects.filter(instrument=round.instrument, kind=Item.Kind.SCALE).first()
    front_line = Level.objects.get(organisation=organisation, rank=5)
    for number in range(6):
        actions.answer_openly(
            round=round,
            unit=home_unit,
            level=front_line,
            actor_group=None,
            answers=actions.Answers({item.pk: 2 + number % 3}, {}),
        )

    page.get_by_role("link", name="Skicka påminnelse").click()
    assert_accessible(page)
    page.get_by_role("button", name="Skicka påminnelse").click()
    expect(page.get_by_role("heading", level=1, name="Styrningsbarometern våren 2027")).to_be_visible()
    page.get_by_role("link", name="Stäng omgången").click()
    assert_accessible(page)
    page.get_by_role("button", name="Stäng omgången").click()
    page.get_by_role("link", name="Resultat").first.click()
    expect(page.get_by_role("heading", level=1, name="Resultat för Norrby kommun")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name=front_line.name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(front_line.name)
    assert_accessible(page)
    assert outside_requests == []


def test_a_process_leader_publishes_the_results_of_a_round_whose_closing_date_passed(
    page, sign_in, assert_accessible, outside_requests, organisation, home_unit, facilitator, make_member
):
    for _number in range(6):
        make_member(organisation, unit=home_unit)
    round = open_round(organisation)
    item = Item.objects.filter(instrument=round.instrument, kind=Item.Kind.SCALE).first()
    for number in range(6):
        actions.answer_openly(
            round=round,
            unit=home_unit,
            level=None,
            actor_group=None,
            answers=actions.Answers({item.pk: 1 + number % 5}, {}),
        )
    # Nobody closes the round: its closing date passes, and its answers wait in the inbox, unsealed.
    Round.objects.filter(pk=round.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))

    sign_in(page, facilitator.email)
    root = page.url.split("/o/")[0]
    page.goto(root + reverse("barometer:report", args=[round.public_id]))
    expect(page.get_by_role("heading", level=1, name="Resultat")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Svarsfrekvens")
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name=round.name).click()
    expect(page.get_by_role("heading", level=1, name=round.name)).to_be_visible()
    assert_accessible(page)
    with translation.override("sv"):
        publish, publish_question = gettext("Publish the results"), gettext("Publish the results?")
    page.get_by_role("link", name=publish).click()
    expect(page.get_by_role("heading", level=1, name=publish_question)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=publish).click()
    expect(page.get_by_role("heading", level=1, name=round.name)).to_be_visible()
    assert Round.objects.get(pk=round.pk).results_open
    assert Response.objects.filter(round=round).count() == 6

    page.get_by_role("link", name="Resultat").first.click()
    expect(page.get_by_role("heading", level=1, name="Resultat för Norrby kommun")).to_be_visible()
    assert_accessible(page)
    assert outside_requests == []


def test_a_region_sized_file_is_prepared_while_the_page_waits(
    page, sign_in, assert_accessible, organisation, home_unit, facilitator, make_member, monkeypatch
):
    """At a region's size the XLSX is built in the background: the page says so, follows by itself (htmx), and
    offers the file when the worker has stored it."""
    from tillit.barometer import exporting
    from tillit.barometer.models import PreparedExport

    monkeypatch.setattr(exporting, "INLINE_ROWS", 0)  # every file counts as a region's
    for _member in range(6):  # the open link takes no more answers for a unit than it has members
        make_member(organisation, unit=home_unit)
    round = open_round(organisation)
    item = Item.objects.filter(instrument=round.instrument, kind=Item.Kind.SCALE).first()
    for _answer in range(6):
        actions.answer_openly(
            round=round, unit=home_unit, level=None, actor_group=None, answers=actions.Answers({item.pk: 4}, {})
        )
    actions.close_round(round=round)

    sign_in(page, facilitator.email)
    page.goto(page.url.split("/o/")[0] + reverse("barometer:export_xlsx", args=[round.public_id]))
    expect(page.get_by_role("heading", level=1, name="Resultaten som XLSX-fil")).to_be_visible()
    expect(page.locator("#export-status")).to_contain_text("förbereds i bakgrunden")
    assert_accessible(page)

    actions.build_export(PreparedExport.objects.get(round=round).pk)  # what the worker does
    link = page.get_by_role("link", name="Ladda ner XLSX-filen")
    expect(link).to_be_visible(timeout=10_000)
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
