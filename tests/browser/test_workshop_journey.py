"""Journey: a process leader runs a workshop from the first proposal to the exported decision.

The leader creates the workshop with two guest places and invites two colleagues; a service user
joins as a guest on a phone. All three propose while the leader's page picks the proposals up
without a reload; the leader structures the chain (edits, merges, links), everyone rates, and the
leader closes rating, reads the results (now fixed: rating cannot reopen), records a decision and
downloads the CSV. Every page and every htmx swap, in every browser, is scanned with axe-core.
"""

import datetime
import re
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tillit.organisations.models import ActorGroup
from tillit.workshops import actions, reporting
from tillit.workshops.models import Item, Workshop

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
NO_HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
POLL = 8_000  # the chain is polled every 5 s

TITLE = "Trygg hemtjänst 2025"
GOAL = "Äldre känner sig trygga hemma"
EFFECT = "Jag vet vem som kommer"
EFFECT_EDITED = "Jag vet vem som kommer hem till mig"
DUPLICATE = "Veta vem som kommer hem"
ACTIVITY = "Fast omsorgskontakt för varje brukare"
SECOND_ACTIVITY = "Schema skickas hem varje vecka"


@pytest.fixture
def open_context(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Further browsers for the other participants, closed after the test."""
    contexts: list[BrowserContext] = []

    def open_page(**options: object) -> Page:
        context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def swedish(message: str, **values: object) -> str:
    """A msgid as the Swedish page shows it, whether or not the catalogue has it yet."""
    with translation.override("sv"):
        return gettext(message) % values if values else gettext(message)


def guest_places_taken(joined: int, places: int) -> str:
    """The workshop page's count of guest places, as the Swedish page words it."""
    with translation.override("sv"):
        return ngettext(
            "%(joined)s of %(counter)s guest place is taken.",
            "%(joined)s of %(counter)s guest places are taken.",
            places,
        ) % {"joined": joined, "counter": places}


def propose(page: Page, kind: str, title: str, assert_accessible) -> None:
    """Propose a card through the htmx form and wait for it in the chain."""
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Föreslå"))
    form.get_by_label("Typ").select_option(label=kind)
    form.get_by_label("Ditt förslag").fill(title)
    form.get_by_role("button", name="Lägg till förslaget").click()
    expect(page.locator("#chain")).to_contain_text(title)
    expect(form.get_by_label("Ditt förslag")).to_have_value("")
    assert_accessible(page)


def card(page: Page, title: str) -> Locator:
    """A card in the chain, found by its title."""
    return page.locator("#chain .chain-card").filter(has=page.get_by_text(title, exact=True))


def open_card(page: Page, title: str, assert_accessible) -> None:
    page.locator("#chain").get_by_role("link", name=f"Ändra, slå ihop eller koppla {title}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    assert_accessible(page)


def rate(page: Page, ratings: dict[str, str], assert_accessible) -> None:
    page.get_by_role("main").get_by_role("link", name="Betygsätt", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Betygsätt")).to_be_visible()
    assert_accessible(page)
    for label, value in ratings.items():
        page.get_by_label(label).select_option(value)
    page.get_by_role("button", name="Spara mina betyg").click()
    expect(page.get_by_role("status").filter(has_text="Dina betyg har sparats.")).to_be_visible()
    for label, value in ratings.items():
        expect(page.get_by_label(label)).to_have_value(value)
    assert_accessible(page)


def test_a_workshop_from_proposals_to_an_exported_decision(
    page,
    base_url,
    sign_in,
    assert_accessible,
    outside_requests,
    open_context,
    organisation,
    facilitator,
    employee,
    manager,
    make_member,
):
    today = timezone.localdate()
    main = page.get_by_role("main")

    # The process leader creates the workshop ------------------------------------------------
    sign_in(page, facilitator.email)
    page.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Arbetsmöten").click()
    expect(page.get_by_role("heading", level=1, name="Arbetsmöten")).to_be_visible()
    assert_accessible(page)

    main.get_by_role("link", name="Nytt arbetsmöte").click()
    expect(page.get_by_role("heading", level=1, name="Nytt arbetsmöte")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_role("textbox", name="Brukare").fill("Äldre med hemtjänst i Norrby")
    page.get_by_label("Syfte").fill("Att äldre med hemtjänst känner sig trygga med vem som kommer och när.")
    page.get_by_label("Socialförvaltningen / Hemtjänst Norr").check()
    page.get_by_label("Första dagen").fill(today.isoformat())
    page.get_by_label("Sista dagen").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_label(swedish("Guest places")).fill("2")
    page.get_by_role("button", name="Skapa arbetsmötet").click()

    expect(page.get_by_role("heading", level=1, name="Deltagare")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Arbetsmötet har skapats.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("checkbox", name="Erik Undersköterska").check()
    page.get_by_role("checkbox", name="Maja Enhetschef").check()
    page.get_by_role("button", name="Lägg till de valda personerna").click()

    expect(page.get_by_role("status").filter(has_text="2 personer har lagts till.")).to_be_visible()
    participants = page.get_by_role("table", name="3 deltagare")
    for name in ("Frida Processledare", "Erik Undersköterska", "Maja Enhetschef"):
        expect(participants.get_by_role("cell", name=name, exact=True)).to_be_visible()
    assert_accessible(page)

    main.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    code = page.locator(".code").inner_text()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", code)
    workshop_url = page.url
    assert_accessible(page)

    # A service user joins on a phone, colleagues sign in; all three propose --------------------
    guest = open_context(viewport=PHONE, is_mobile=True, has_touch=True)
    guest.goto(f"{base_url}/join/")
    expect(guest.get_by_role("heading", level=1, name="Delta i ett arbetsmöte")).to_be_visible()
    assert_accessible(guest)
    guest.get_by_label("Kod").fill(code.lower())
    guest.get_by_role("button", name="Fortsätt").click()
    expect(guest.get_by_text(f"Du går med i {TITLE} i Norrby kommun.")).to_be_visible()
    expect(guest.get_by_role("main")).to_contain_text(guest_places_taken(0, 2))
    assert_accessible(guest)
    guest.get_by_label("Ditt namn eller dina initialer").fill("Gun")
    guest.get_by_label("Du deltar som").select_option(label="Brukare")
    guest.get_by_role("button", name="Gå med").click()
    expect(guest.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    assert guest.evaluate(NO_HORIZONTAL_OVERFLOW), "the workshop page scrolls sideways on a phone"
    assert_accessible(guest)
    propose(guest, "Effekt", EFFECT, assert_accessible)

    colleague = open_context()
    sign_in(colleague, employee.email)
    colleague.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Arbetsmöten").click()
    colleague.get_by_role("main").get_by_role("link", name=TITLE).click()
    expect(colleague.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    assert_accessible(colleague)
    propose(colleague, "Aktivitet", ACTIVITY, assert_accessible)
    propose(colleague, "Effekt", DUPLICATE, assert_accessible)

    # The leader's page picks the proposals up without a reload
    chain = page.locator("#chain")
    for title in (EFFECT, ACTIVITY, DUPLICATE):
        expect(chain).to_contain_text(title, timeout=POLL)
    expect(card(page, EFFECT)).to_contain_text("Föreslaget av Gun")
    assert_accessible(page)
    # A keyboard user on a card keeps the focus when new proposals are swapped in ...
    edit_effect = card(page, EFFECT).get_by_role("link")
    edit_effect.focus()

    chief = open_context()
    sign_in(chief, manager.email)
    chief.goto(workshop_url)
    propose(chief, "Mål", GOAL, assert_accessible)
    propose(chief, "Aktivitet", SECOND_ACTIVITY, assert_accessible)

    for title in (GOAL, SECOND_ACTIVITY):
        expect(chain).to_contain_text(title, timeout=POLL)
    expect(edit_effect).to_be_focused()
    assert_accessible(page)
    # ... and a poll that brings nothing new leaves the chain (and the focus) alone
    page.evaluate("() => { document.getElementById('chain').seen = true; }")
    page.evaluate(
        "() => new Promise(done => document.body.addEventListener('htmx:afterRequest', () => done(), {once: true}))"
    )
    assert page.evaluate("() => document.getElementById('chain').seen === true"), "an unchanged poll replaced the chain"
    expect(edit_effect).to_be_focused()

    # The leader structures the chain ----------------------------------------------------------
    open_card(page, EFFECT, assert_accessible)
    page.get_by_label("Titel").fill(EFFECT_EDITED)
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Kortet har sparats.")).to_be_visible()
    expect(chain).to_contain_text(EFFECT_EDITED)

    open_card(page, EFFECT_EDITED, assert_accessible)
    page.get_by_role("checkbox", name=GOAL).check()
    page.get_by_role("button", name="Spara kopplingarna").click()
    expect(card(page, EFFECT_EDITED)).to_contain_text(f"Bidrar till: {GOAL}")
    expect(card(page, EFFECT_EDITED)).to_be_in_viewport()  # back at the card, not at the top of the chain

    open_card(page, DUPLICATE, assert_accessible)
    page.get_by_role("button", name="Slå ihop", exact=True).click()  # nothing chosen yet: nothing is merged
    expect(page.get_by_role("alert").filter(has_text="Välj kortet som det ska slås ihop med.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Slå ihop med").select_option(label=EFFECT_EDITED)
    page.get_by_role("button", name="Slå ihop", exact=True).click()
    merged = f"”{DUPLICATE}” har slagits ihop med ”{EFFECT_EDITED}”."
    expect(page.get_by_role("status").filter(has_text=merged)).to_be_visible()
    expect(chain).not_to_contain_text(DUPLICATE)
    expect(card(page, EFFECT_EDITED)).to_contain_text("Gun, Erik Undersköterska")

    for activity in (ACTIVITY, SECOND_ACTIVITY):
        open_card(page, activity, assert_accessible)
        page.get_by_role("checkbox", name=EFFECT_EDITED).check()
        page.get_by_role("button", name="Spara kopplingarna").click()
        expect(card(page, activity)).to_contain_text(f"Bidrar till: {EFFECT_EDITED}")
    expect(page.get_by_role("list", name="Varningar om kedjan")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Steg", exact=True).select_option(label="Betygsätt")
    page.get_by_role("button", name="Byt steg").click()
    expect(page.get_by_role("status").filter(has_text="Arbetsmötet är nu i steget: Betygsätt.")).to_be_visible()
    assert_accessible(page)

    # Everyone who takes part rates; the guest on the phone ------------------------------------
    importance = "Hur viktig är den här effekten för målet? (0 = inte alls, 4 = mycket)"
    achievement = "Hur väl uppnås den i dag? (1 = inte alls, 5 = helt)"
    first = f"Hur mycket bidrar ”{ACTIVITY}” till den här effekten? (0 = inget, 3 = mycket)"
    second = f"Hur mycket bidrar ”{SECOND_ACTIVITY}” till den här effekten? (0 = inget, 3 = mycket)"
    ratings = {importance: "4", achievement: "2", first: "3", second: "1"}

    rate(page, ratings, assert_accessible)
    for other in (guest, colleague, chief):
        other.goto(workshop_url)
        rate(other, ratings, assert_accessible)
    assert guest.evaluate(NO_HORIZONTAL_OVERFLOW), "the rating page scrolls sideways on a phone"
    guest.goto(workshop_url)  # every participant sees how many guests have joined
    expect(guest.get_by_role("main")).to_contain_text(guest_places_taken(1, 2))

    # While rating is open nobody sees figures, the leader included
    page.goto(workshop_url)
    expect(main.get_by_role("link", name="Resultat", exact=True)).to_have_count(0)
    page.goto(workshop_url + "results/")
    expect(main).to_contain_text(swedish("The results are shown when rating has closed."))
    assert_accessible(page)

    # Three more colleagues rate in the room (straight into the database) before rating closes
    workshop = Workshop.objects.get(title=TITLE)
    effect = Item.objects.get(workshop=workshop, title=EFFECT_EDITED)
    for group in (ActorGroup.Key.EMPLOYEE, ActorGroup.Key.EMPLOYEE, ActorGroup.Key.SUPPORT_FUNCTION):
        member = make_member(organisation, group=group)
        rater = actions.add_member(workshop=workshop, membership=member)
        actions.rate_effect(participant=rater, effect=effect, importance=4, achievement=2)
        for title, value in ((ACTIVITY, 3), (SECOND_ACTIVITY, 1)):
            activity = Item.objects.get(workshop=workshop, title=title)
            actions.rate_contribution(participant=rater, activity=activity, effect=effect, value=value)

    # Results and the decision -------------------------------------------------------------------
    page.goto(workshop_url)
    page.get_by_label("Steg", exact=True).select_option(label="Resultat och beslut")
    page.get_by_role("button", name="Byt steg").click()
    expect(
        page.get_by_role("status").filter(has_text="Arbetsmötet är nu i steget: Resultat och beslut.")
    ).to_be_visible()
    assert_accessible(page)

    main.get_by_role("link", name="Resultat", exact=True).click()
    expect(main).to_contain_text("7 personer har betygsatt.")
    expect(main).to_contain_text("ingen siffra som färre än 5 personer står bakom. Sådana celler visar ”–”")
    ranked = page.get_by_role("table", name="Förväntat bidrag (0–3) med ett osäkerhetsintervall på 95 %")
    expect(ranked.get_by_role("row").filter(has_text=ACTIVITY).get_by_role("cell")).to_have_text(
        ["1", "3,00", "3,00–3,00", "7"]
    )
    expect(ranked.get_by_role("row").filter(has_text=SECOND_ACTIVITY).get_by_role("cell")).to_have_text(
        ["2", "1,00", "1,00–1,00", "7"]
    )
    effects = page.get_by_role("table", name="Effekter rangordnade efter vikt, med hur väl var och en uppnås i dag")
    expect(effects.get_by_role("row").filter(has_text=EFFECT_EDITED).get_by_role("cell")).to_have_text(
        ["1", "4,00", "4,00–4,00", "2,00", "Prioritera", "7"]
    )
    # No actor group has five raters here: every group's figure is "–"
    by_group = page.get_by_role("table", name="Effekternas vikt, per aktörsgrupp")
    expect(by_group.get_by_role("row").filter(has_text=EFFECT_EDITED).get_by_role("cell").nth(1)).to_have_text("–")
    quadrant = page.get_by_role("img", name="Prioriteringskvadrant")
    expect(quadrant).to_be_visible()
    expect(quadrant.locator("title")).to_have_text("Prioriteringskvadrant")
    expect(page.get_by_role("table", name=re.compile(r"^Genomsnittligt bidrag, 0–3"))).to_contain_text("3,0")
    for caption in (
        "Effekternas vikt, per aktörsgrupp",
        "Aktiviteternas förväntade bidrag, per aktörsgrupp",
        "Effekternas vikt, per nivå",
        "Aktiviteternas förväntade bidrag, per nivå",
    ):
        expect(page.get_by_role("table", name=caption)).to_be_visible()
    assert_accessible(page)

    # The results are published once: rating cannot reopen
    page.goto(workshop_url)
    expect(page.get_by_label("Steg", exact=True).locator("option")).to_have_text(["Resultat och beslut", "Avslutat"])
    assert_accessible(page)
    main.get_by_role("link", name="Resultat", exact=True).click()

    page.get_by_label("Aktivitet och den effekt den bidrar till").select_option(label=f"{ACTIVITY} → {EFFECT_EDITED}")
    page.get_by_label("Ansvarig").fill("Hemtjänst Norr, enhetschef")
    page.get_by_label("Hur det följs upp").fill("Brukarna tillfrågas vid nästa barometer")
    due = today + datetime.timedelta(days=90)
    page.get_by_label("Följs upp senast").fill(due.isoformat())
    page.get_by_role("button", name="Registrera beslutet").click()

    expect(page.get_by_role("status").filter(has_text="Beslutet har registrerats.")).to_be_visible()
    decisions = page.get_by_role("table", name="Valda aktiviteter")
    decision = decisions.get_by_role("row").filter(has_text=ACTIVITY)
    expect(decision.get_by_role("cell")).to_have_text(
        [EFFECT_EDITED, "Hemtjänst Norr, enhetschef", "Brukarna tillfrågas vid nästa barometer", due.isoformat()]
    )
    assert_accessible(page)

    with page.expect_download() as download_info:
        main.get_by_role("link", name="Ladda ner som CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"arbetsmote-{workshop.public_id}.csv"
    with open(download.path(), "rb") as exported:
        content = exported.read()
    assert content.startswith(b"\xef\xbb\xbf")  # so that Excel reads it as UTF-8
    rows = content.decode("utf-8-sig").splitlines()
    assert rows[0] == "Anonymitetsgräns;5"
    assert any(row.startswith(f"1;{ACTIVITY};3,00;") for row in rows), rows

    # The guest sees the results on the phone too
    guest.goto(workshop_url)
    guest.get_by_role("main").get_by_role("link", name="Resultat", exact=True).click()
    expect(guest.get_by_role("img", name="Prioriteringskvadrant")).to_be_visible()
    expect(guest.get_by_role("table", name="Valda aktiviteter")).to_contain_text(ACTIVITY)
    expect(guest.get_by_role("button", name="Registrera beslutet")).to_have_count(0)
    assert guest.evaluate(NO_HORIZONTAL_OVERFLOW), "the results scroll sideways on a phone"
    # The wide tables scroll inside their regions; their captions stay readable on the screen
    for caption in guest.locator("caption").all():
        box = caption.bounding_box()
        assert box["x"] >= 0, f"“{caption.inner_text()}” starts left of the screen"
        assert box["x"] + box["width"] <= PHONE["width"], f"“{caption.inner_text()}” is cut off at the right"
    assert_accessible(guest)
    assert outside_requests == []


def test_a_pilot_of_fifteen_reads_the_steering_side_against_the_front_line(
    page: Page, base_url, sign_in, assert_accessible, organisation, facilitator, make_member, home_unit
):
    """Fifteen people rate in a pilot (k = 5): three politicians, three in top management, four employees and five
    service users. No actor group but the service users reaches k alone, so a service user who took part finds the
    results from the start page and reads the two sides of the steering chain compared, with the reason given."""
    group_key = ActorGroup.Key
    workshop = actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title="Pilot: trygg hemtjänst",
        purpose="Äldre i hemtjänsten ska känna sig trygga hemma.",
        service_user_group="Äldre med hemtjänst",
        units=[home_unit],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    author = workshop.participants.get(membership__user=facilitator)
    goal = actions.propose(participant=author, kind="goal", title=GOAL)
    effect = actions.propose(participant=author, kind="effect", title=EFFECT)
    actions.link(source=effect, target=goal)
    people = (
        [(group_key.POLITICIAN, 1)] * 3
        + [(group_key.TOP_MANAGEMENT, 2)] * 3
        + [(group_key.EMPLOYEE, 5)] * 4
        + [(group_key.SERVICE_USER, 5)] * 5
    )
    members = [make_member(organisation, group=group, rank=rank) for group, rank in people]
    actions.add_members(workshop=workshop, memberships=members)
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    for membership, (group, _rank) in zip(members, people, strict=True):
        steering = group in (group_key.POLITICIAN, group_key.TOP_MANAGEMENT)
        actions.rate_effect(
            participant=workshop.participants.get(membership=membership),
            effect=effect,
            importance=4 if steering else 1,
            achievement=3,
        )
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)

    sign_in(page, members[-1].user.email)
    page.get_by_role("region", name="Pågående arbete").get_by_role("link", name=workshop.title).click()
    expect(page).to_have_url(re.compile(r"/results/$"))  # the start page leads straight to the published results

    table = page.get_by_role("table", name=swedish("Importance of the effects, by actor group"))
    expect(table.get_by_role("columnheader", name=swedish("Steering side"))).to_be_visible()
    expect(table.get_by_role("columnheader", name=swedish("Front line"))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(EFFECT))).to_contain_text("4,00")
    expect(table.get_by_role("row", name=re.compile(EFFECT))).to_contain_text("1,00")
    expect(page.get_by_text(swedish(str(reporting.SIDES_COMPARED))).first).to_be_visible()
    expect(page.get_by_text(swedish(str(reporting.LEVELS_MERGED))).first).to_be_visible()
    assert_accessible(page)
