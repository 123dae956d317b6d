"""Journeys through Styrsignaler in a browser, with an axe-core scan on every page and state.

1. A process leader builds the catalogue (one signal typed into the form, partly by keyboard, with a decimal comma;
   two imported from a CSV through the preview), creates a rating campaign and opens it. An employee follows the
   personal link from the e-mail on a 375 px phone and rates, partly by keyboard; enough colleagues rate too for
   the figures to show. The process leader closes the campaign, and a member reads the analysis: the quadrant and
   the table beside it.
2. An employee reports a tidstjuv anonymously. The process leader escalates it to the owner of its signal, reads
   the owner's page, downloads its CSV and PDF, and opens a Samtal with the escalated signal and tidstjuv as seed
   statements. The owner removes the demand; every member then sees the hours freed.

The interface is Swedish whatever the browser's language (en-GB here on purpose). Texts the Swedish catalogue does
not translate yet are looked up through `sv`, so they read as the page renders them now and after translation.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from tillit.dialogues.models import Dialogue
from tillit.organisations import personal_links
from tillit.steering import actions
from tillit.steering.dossier import owner_dossier, seed_statements
from tillit.steering.models import Campaign, CampaignInvitation, Kind, Owner, Rating, Signal, Source, TimeThief

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
NO_HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"

FORM_SIGNAL = "Månadsuppföljning av beviljade timmar"
PLAN = "Genomförandeplan för varje brukare"
REGISTER = "Kvalitetsregister Senior alert"
IMPORTED_CSV = (
    "namn;källa;styrning;ägare;gånger per år;minuter per gång;personer;enheter\n"
    f"{PLAN};föreskrift;regelstyrning;Socialstyrelsen;2;45;30;Socialförvaltningen / Hemtjänst Norr\n"
    f"{REGISTER};datainsamling;prestationsstyrning;Senior alert;12;10,5;30;\n"
)
CAMPAIGN = "Styrsignaler hösten 2026"


def sv(msgid: str) -> str:
    """The text as the Swedish interface shows it (its translation, or the msgid until there is one)."""
    with translation.override("sv"):
        return gettext(msgid)


def new_page(browser: Browser, base_url: str, outside: list[str], **options: object) -> Page:
    """A page in a browser of its own (another person, another device)."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Stockholm", **options)
    context.on("request", lambda r: None if r.url.startswith(base_url) else outside.append(r.url))
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def link_of(mailbox, address: str) -> str:
    """The personal link's path in the campaign e-mail sent to `address`."""
    message = next(message for message in mailbox if address in message.to)
    return re.search(r"/k/[0-9a-f-]+/\S+/", message.body).group(0)


def rate_by_action(campaign: Campaign, membership, sheet: dict[str, tuple[int, int, bool, str]]) -> None:
    """A colleague's sheet through the action, by their personal link's token: {signal name: (value, burden,
    knows who uses the data, comment)}."""
    invitation = CampaignInvitation.objects.select_related("campaign").get(campaign=campaign, membership=membership)
    signals = {signal.name: signal.public_id for signal in Signal.objects.filter(organisation=campaign.organisation)}
    actions.rate(
        campaign=campaign,
        token=personal_links.link_token(invitation),
        sheet={
            signals[name]: actions.SheetEntry(value=value, burden=load, knows_user=knows, comment=comment)
            for name, (value, load, knows, comment) in sheet.items()
        },
    )


def test_a_process_leader_counts_the_signals_and_the_staff_rate_them(
    page,
    browser,
    base_url,
    sign_in,
    assert_accessible,
    outside_requests,
    organisation,
    home_unit,
    facilitator,
    employee,
    manager,
    make_member,
    mailoutbox,
):
    k = organisation.anonymity_threshold
    colleagues = [manager.memberships.get()] + [make_member(organisation, unit=home_unit) for _ in range(k - 2)]
    page.set_viewport_size(DESKTOP)

    # The catalogue, empty at first.
    sign_in(page, facilitator.email)
    page.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Styrsignaler").click()
    expect(page.get_by_role("heading", level=1, name="Styrsignaler")).to_be_visible()
    assert_accessible(page)

    # One signal through the form, much of it by keyboard.
    page.get_by_role("main").get_by_role("link", name="Lägg till en styrsignal").first.click()
    expect(page.get_by_role("heading", level=1, name="Lägg till en styrsignal")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Lägg till i katalogen").click()  # nothing filled in: the errors first
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Namn").focus()
    page.keyboard.type(FORM_SIGNAL)
    page.keyboard.press("Tab")  # the description
    page.keyboard.type("Timmar per brukare följs upp varje månad och rapporteras till förvaltningen.")
    page.get_by_label("Källa").select_option(Source.ADMINISTRATION.value)
    kinds = page.get_by_role("group", name="Styrform")
    kinds.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowDown")  # the second kind: ekonomisk styrning
    expect(kinds.get_by_role("radio", checked=True)).to_have_value(Kind.ECONOMIC.value)
    page.get_by_label("Ägare").fill("Socialförvaltningen")
    page.get_by_label("Minuter per gång").fill("7,5")
    page.get_by_label("Gånger per år").fill("12")
    page.get_by_label("Antal personer som gör det").fill("40")
    page.get_by_label("Socialförvaltningen / Hemtjänst Norr").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Socialförvaltningen / Hemtjänst Norr")).to_be_checked()
    page.get_by_role("button", name="Lägg till i katalogen").click()

    expect(page.get_by_role("heading", level=1, name=FORM_SIGNAL)).to_be_visible()
    expect(page.get_by_test_id("arithmetic")).to_contain_text("7,5")
    expect(page.get_by_test_id("arithmetic")).to_contain_text("60")
    assert_accessible(page)
    typed = Signal.objects.get(name=FORM_SIGNAL)
    assert (typed.kind, typed.minutes_per_occurrence, typed.hours_per_year) == (Kind.ECONOMIC, Decimal("7.5"), 60)
    assert list(typed.units.all()) == [home_unit]

    # Two more from a CSV: upload, preview, confirm.
    page.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Styrsignaler").click()
    page.get_by_role("main").get_by_role("link", name="Importera styrsignaler från CSV eller XLSX").click()
    expect(page.get_by_role("heading", level=1, name="Importera styrsignaler från CSV eller XLSX")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("CSV- eller XLSX-fil").set_input_files(
        files=[{"name": "styrsignaler.csv", "mimeType": "text/csv", "buffer": IMPORTED_CSV.encode()}]
    )
    page.get_by_role("button", name="Kontrollera filen").click()
    expect(page.get_by_role("heading", level=2, name="Förhandsvisning")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text("2 styrsignaler är klara att importeras")
    expect(page.get_by_role("row").filter(has_text=REGISTER)).to_contain_text("10,5")
    assert_accessible(page)
    assert Signal.objects.count() == 1  # nothing until confirmed
    page.get_by_role("button", name="Importera 2 styrsignaler").click()
    expect(page.get_by_text("2 styrsignaler lades till i katalogen.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=PLAN)).to_be_visible()
    assert_accessible(page)
    assert Signal.objects.count() == 3

    # A rating campaign, opened after a confirmation.
    page.get_by_role("main").get_by_role("link", name="Bedömningskampanjer").click()
    expect(page.get_by_role("heading", level=1, name="Bedömningskampanjer")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Namn").fill(CAMPAIGN)
    page.get_by_role("button", name="Skapa kampanjen").click()
    expect(page.get_by_role("heading", level=1, name=CAMPAIGN)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Öppna kampanjen").click()
    expect(page.get_by_role("heading", level=1, name="Öppna kampanjen?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Öppna kampanjen").click()
    expect(page.get_by_text("Kampanjen är öppen.")).to_be_visible()
    assert_accessible(page)
    campaign = Campaign.objects.get(name=CAMPAIGN)
    assert campaign.is_launched

    # Colleagues rate through their links; the register's data is a burden nobody knows anyone uses.
    for number, colleague in enumerate(colleagues):
        rate_by_action(
            campaign,
            colleague,
            {
                PLAN: (4 + number % 2, 3, True, ""),
                REGISTER: (
                    1 + number % 2,
                    4 + number % 2,
                    False,
                    f"Samma siffror rapporteras flera gånger ({number}).",
                ),
                FORM_SIGNAL: (3, 2, True, ""),
            },
        )

    # The employee follows the link in the e-mail on a phone.
    phone = new_page(browser, base_url, outside_requests, viewport=PHONE, is_mobile=True, has_touch=True)
    link = link_of(mailoutbox, employee.email)
    phone.goto(base_url + link)
    expect(phone.get_by_role("heading", level=1, name=CAMPAIGN)).to_be_visible()
    assert phone.url == base_url + reverse("steering:rate", args=[campaign.public_id])  # the token left the address
    assert phone.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert_accessible(phone)

    register = phone.get_by_role("group", name=REGISTER, exact=True)
    value = register.get_by_role("group", name="Hur mycket hjälper den det goda mötet med brukaren?")
    value.get_by_role("radio").first.focus()
    phone.keyboard.press("ArrowRight")  # 2
    expect(value.get_by_role("radio", checked=True)).to_have_value("2")
    load = register.get_by_role("group", name="Hur betungande är den för dig?")
    load.get_by_role("radio").first.focus()
    for _step in range(4):
        phone.keyboard.press("ArrowRight")  # 5
    expect(load.get_by_role("radio", checked=True)).to_have_value("5")
    register.get_by_role("group", name="Vet du vem som använder uppgifterna eller resultatet?").get_by_label(
        "Nej"
    ).check()
    register.get_by_label("Kommentar (frivillig)").fill("Ingen vet vem som läser det. Ring mig på 070-123 45 67.")
    plan = phone.get_by_role("group", name=PLAN, exact=True)
    plan.get_by_role("group", name="Hur mycket hjälper den det goda mötet med brukaren?").locator(
        "input[value='5']"
    ).check()
    plan.get_by_role("group", name="Hur betungande är den för dig?").get_by_label("Vet ej").check()
    assert phone.evaluate(NO_HORIZONTAL_OVERFLOW)
    phone.get_by_role("button", name="Skicka dina bedömningar").click()

    expect(phone.get_by_role("heading", level=1, name="Tack för dina bedömningar!")).to_be_visible()
    assert phone.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert_accessible(phone)
    assert CampaignInvitation.objects.get(campaign=campaign, membership__user=employee).answered
    phone.goto(base_url + link)
    expect(phone.get_by_role("heading", level=1, name="Du har redan lämnat dina bedömningar. Tack!")).to_be_visible()
    assert_accessible(phone)
    phone.context.close()

    # The process leader closes the campaign after a confirmation.
    page.reload()
    expect(page.get_by_role("listitem").filter(has_text=re.compile(r"^\s*\d+ har lämnat"))).to_have_text(
        re.compile(rf"^\s*{k} har lämnat sina bedömningar")
    )  # the facilitator (no unit) was invited too and has not rated
    page.get_by_role("link", name="Stäng kampanjen").click()
    expect(page.get_by_role("heading", level=1, name="Stäng kampanjen?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Stäng kampanjen").click()
    expect(page.get_by_text("Kampanjen är stängd. Analysen är öppen.")).to_be_visible()
    assert_accessible(page)
    assert Rating.objects.filter(campaign=campaign).count() == 3 * len(colleagues) + 2
    assert not Rating.objects.filter(comment__contains="070-123").exists()

    # A member reads the analysis: the quadrant, and the table beside it.
    reader = new_page(browser, base_url, outside_requests, viewport=DESKTOP)
    sign_in(reader, manager.email)
    reader.goto(base_url + reverse("steering:campaigns", args=[organisation.slug]))
    assert_accessible(reader)
    reader.get_by_role("main").get_by_role("link", name=re.compile(sv("Analysis"))).click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text(CAMPAIGN)
    quadrant = reader.get_by_role("img", name=sv("Value against burden"))
    expect(quadrant).to_be_visible()
    table = reader.get_by_role("table", name=sv("The signals in the chart, with their means"))
    expect(table).to_be_visible()
    expect(table.get_by_role("row").filter(has_text=REGISTER)).to_be_visible()
    candidates = reader.get_by_role("table", name=sv("Candidates, with the most hours first"))
    expect(candidates.get_by_role("row").filter(has_text=REGISTER)).to_be_visible()
    assert_accessible(reader)
    reader.context.close()
    assert outside_requests == []


def sealed_campaign_with_ratings(organisation, raters, signal: Signal) -> Campaign:
    """A closed, sealed campaign in which `raters` found `signal` a burden of little value, with comments."""
    today = timezone.localdate()
    campaign = actions.create_campaign(
        organisation=organisation,
        created_by=None,
        name="Styrsignaler våren 2026",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=14),
    )
    actions.launch_campaign(campaign=campaign, site_url="http://testserver")
    campaign.refresh_from_db()
    for number, rater in enumerate(raters):
        rate_by_action(campaign, rater, {signal.name: (1 + number % 2, 5, False, "Ingen läser redovisningen.")})
    return actions.close_campaign(campaign=campaign)


def test_a_reported_tidstjuv_goes_to_its_owner_and_back(
    page,
    browser,
    base_url,
    sign_in,
    assert_accessible,
    outside_requests,
    organisation,
    home_unit,
    facilitator,
    employee,
    make_member,
    mailoutbox,
):
    grant = actions.create_signal(
        organisation=organisation,
        name="Redovisning av riktat statsbidrag",
        source=Source.TARGETED_GRANT,
        kind=Kind.ECONOMIC,
        owner_name="Socialstyrelsen",
        occurrences_per_year=Decimal(12),
        minutes_per_occurrence=Decimal(30),
        people=20,
        units=[home_unit],
    )
    raters = [employee.memberships.get()] + [
        make_member(organisation, unit=home_unit) for _ in range(organisation.anonymity_threshold - 1)
    ]
    sealed_campaign_with_ratings(organisation, raters, grant)
    mailoutbox.clear()

    # An employee reports a tidstjuv, anonymously (the default).
    reporter = new_page(browser, base_url, outside_requests, viewport=DESKTOP)
    sign_in(reporter, employee.email)
    reporter.goto(base_url + reverse("steering:report", args=[organisation.slug]))
    expect(reporter.get_by_role("heading", level=1, name="Rapportera en tidstjuv")).to_be_visible()
    assert_accessible(reporter)
    reporter.get_by_label("Vad är det som tar tid?").fill("Samma timmar redovisas tre gånger om året")
    reporter.get_by_label("Varför hjälper det inte mötet med brukaren? (frivilligt)").fill(
        "Siffrorna finns redan i verksamhetssystemet."
    )
    reporter.get_by_label("Vilken styrsignal gäller det? (frivilligt)").select_option(label=grant.name)
    expect(reporter.get_by_label("Rapportera anonymt")).to_be_checked()
    reporter.get_by_role("button", name="Rapportera", exact=True).click()
    expect(reporter.get_by_text("Tack! Tidstjuven är rapporterad")).to_be_visible()
    expect(reporter.get_by_role("heading", level=1, name="Tidstjuvar")).to_be_visible()
    assert_accessible(reporter)
    thief = TimeThief.objects.get()
    assert (thief.reported_by, thief.signal, thief.status) == (None, grant, TimeThief.Status.PENDING)

    # The process leader escalates it to the signal's owner.
    page.set_viewport_size(DESKTOP)
    sign_in(page, facilitator.email)
    page.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Tidstjuvar").click()
    assert_accessible(page)
    page.get_by_role("link", name="Hantera rapporterade tidstjuvar").click()
    expect(page.get_by_role("heading", level=1, name="Hantera tidstjuvar")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=thief.title).click()
    expect(page.get_by_role("heading", level=1, name=thief.title)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Anonym")
    expect(page.get_by_role("main")).not_to_contain_text(employee.full_name)
    assert_accessible(page)
    page.get_by_label("Till en statlig aktör eller SKR: eskalerad").check()
    expect(page.get_by_label("Ägare som den eskaleras till")).to_have_value("Socialstyrelsen")
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_text("Beslutet är sparat.")).to_be_visible()
    assert_accessible(page)
    thief.refresh_from_db()
    assert (thief.status, thief.owner.name) == (TimeThief.Status.ESCALATED, "Socialstyrelsen")
    triage_url = page.url

    # The owner's page, its CSV and PDF.
    page.get_by_role("main").get_by_role("link", name="Socialstyrelsen").click()
    expect(page.get_by_role("heading", level=1, name="Socialstyrelsen")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=grant.name)
    expect(row.get_by_role("cell").nth(1)).to_have_text(str(len(raters)))  # the raters, shown from k on
    expect(page.get_by_role("main")).to_contain_text("Ingen läser redovisningen.")
    expect(page.get_by_role("main")).to_contain_text(thief.title)
    assert_accessible(page)
    owner = Owner.objects.get(name="Socialstyrelsen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    csv = page.request.get(base_url + reverse("steering:owner_csv", args=[owner.public_id]))
    assert csv.headers["content-type"].startswith("text/csv")
    assert grant.name in csv.text()
    assert thief.title in csv.text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    pdf = page.request.get(base_url + reverse("steering:owner_pdf", args=[owner.public_id]))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # A Samtal with the owner, its seed statements the escalated signal and tidstjuv.
    with translation.override("sv"):
        seeds = seed_statements(owner_dossier(owner))
    assert len(seeds) == 2
    assert any(grant.name in seed for seed in seeds)
    for seed in seeds:
        expect(page.get_by_role("listitem").filter(has_text=seed)).to_be_visible()
    page.get_by_label("E-postadresser till ägarens företrädare").fill("tillsyn@socialstyrelsen.example")
    page.get_by_role("button", name="Öppna samtalet och skicka inbjudningarna").click()
    expect(page.get_by_text("Samtalet är öppnat och inbjudningarna är skickade.", exact=False)).to_be_visible()
    assert_accessible(page)
    dialogue = Dialogue.objects.get()
    assert dialogue.access == Dialogue.Access.OPEN
    assert sorted(dialogue.statements.filter(is_seed=True).values_list("text", flat=True)) == sorted(seeds)
    assert any("tillsyn@socialstyrelsen.example" in message.bcc for message in mailoutbox)

    # The owner removes the demand; the process leader records the answer with the hours it frees.
    page.goto(triage_url)
    expect(page.get_by_role("heading", level=2, name="Ägarens svar")).to_be_visible()
    page.get_by_label("Till en statlig aktör eller SKR: borttagen").check()
    expect(page.get_by_label("Frigjorda timmar per år (uppskattning)")).to_have_value("120,0")
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_text("Beslutet är sparat.")).to_be_visible()
    assert_accessible(page)

    # Every member sees the hours freed.
    reporter.goto(base_url + reverse("steering:time_thieves", args=[organisation.slug]))
    freed = reporter.get_by_role("listitem").filter(has_text="frigjorda timmar per år (uppskattning)")
    expect(freed).to_contain_text("120")
    expect(reporter.get_by_role("row").filter(has_text=thief.title)).to_contain_text("Borttagen")
    expect(reporter.get_by_role("main")).not_to_contain_text(employee.full_name)
    assert_accessible(reporter)
    reporter.context.close()
    assert outside_requests == []
