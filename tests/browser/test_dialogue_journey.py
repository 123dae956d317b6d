"""Journey: a process leader runs a dialogue (Samtal) from the question to a card in a workshop.

The leader creates an open dialogue with live results; a service user takes part on a phone
without an account (voting with the buttons and once with the keyboard alone) and adds a
statement; a participant without JavaScript takes part through plain forms. The leader moderates
(rejects one statement, merges a duplicate), more participants vote in two camps, the analysis
runs, and the leader reads the results, downloads them and brings a statement into a workshop.
Every page and every htmx swap, in every browser, is scanned with axe-core.
"""

import datetime
import re
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import actor_group
from tillit.dialogues import actions, worker
from tillit.dialogues.models import Dialogue, Statement
from tillit.organisations.models import ActorGroup
from tillit.workshops import actions as workshop_actions
from tillit.workshops.models import Item

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
NO_HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"

QUESTION = "Vad skulle göra hemtjänstbesöket bättre för dig?"
BACKGROUND = "Svaren tas med till arbetsmötet om trygg hemtjänst i höst."
WHO_COMES = "Brukaren ska få veta vem som kommer."
SEEDS = [
    "Brukaren ska få träffa samma personal varje vecka.",
    "Vi behöver mindre dokumentation och mer tid hos brukaren.",
    "Brukaren ska själv få välja tid för besöket.",
    "Personalen ska alltid ringa om de blir sena.",
    "Maten ska lagas hemma hos brukaren.",
    "Brukaren ska få läsa sin genomförandeplan.",
    "Nattpatrullen ska komma inom en kvart.",
    WHO_COMES,
]
DUPLICATE = "Jag vill veta vem som kommer hem till mig."
REJECTED = "Undersköterskan Kalle på Hemtjänst Norr är otrevlig."
WORKSHOP = "Trygg hemtjänst 2025"
DONE = "Du har röstat på alla påståenden"
PERCENT = re.compile(r"^\d+ %$")


@pytest.fixture
def open_context(browser: Browser, base_url: str, outside_requests: list[str]) -> Iterator[Callable[..., Page]]:
    """Further browsers for the other participants, closed after the test; their requests are watched too."""
    contexts: list[BrowserContext] = []

    def open_page(**options: object) -> Page:
        context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", **options)
        contexts.append(context)
        context.on("request", lambda r: None if r.url.startswith(base_url) else outside_requests.append(r.url))
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def progress(page: Page) -> tuple[int, int] | None:
    """The card's "Påstående X av Y", or None once every statement is voted on."""
    heading = page.locator("#card-title").inner_text()
    if heading == DONE:
        return None
    found = re.fullmatch(r"Påstående (\d+) av (\d+)", heading)
    assert found, heading
    return int(found[1]), int(found[2])


def vote(page: Page, choice: str) -> str:
    """Vote on the statement shown with a click; returns its text once the next card is in place."""
    card = page.locator("#card")
    text = card.locator(".statement").inner_text()
    number, total = progress(page)  # type: ignore[misc]
    card.get_by_role("group", name="Din röst").get_by_role("button", name=choice, exact=True).click()
    expect_next(page, number, total)
    return text


def expect_next(page: Page, number: int, total: int) -> None:
    title = page.locator("#card-title")
    if number < total:
        expect(title).to_have_text(f"Påstående {number + 1} av {total}")
    else:
        expect(title).to_have_text(DONE)


def vote_through(page: Page, choice: str = "Håller med") -> list[str]:
    """Vote on every statement left; the texts seen, in order."""
    seen = []
    while progress(page) is not None:
        seen.append(vote(page, choice))
    return seen


def test_a_dialogue_from_the_question_to_a_card_in_a_workshop(
    page,
    base_url,
    sign_in,
    assert_accessible,
    outside_requests,
    open_context,
    organisation,
    facilitator,
):
    today = timezone.localdate()
    main = page.get_by_role("main")

    # The process leader creates an open dialogue with live results -----------------------------
    sign_in(page, facilitator.email)
    page.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Samtal").click()
    expect(page.get_by_role("heading", level=1, name="Samtal")).to_be_visible()
    expect(main).to_contain_text("Inga samtal än")
    assert_accessible(page)

    main.get_by_role("link", name="Nytt samtal").click()
    expect(page.get_by_role("heading", level=1, name="Nytt samtal")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Fråga").fill(QUESTION)
    page.get_by_label("Bakgrund").fill(BACKGROUND)
    page.get_by_label("Öppet: alla med länken, utan konto").check()
    expect(page.get_by_label("Efterhandsmoderering: påståenden visas direkt och kan tas bort senare")).to_be_checked()
    expect(page.get_by_label("Deltagarna får lägga till egna påståenden")).to_be_checked()
    page.get_by_label("Visa resultat medan samtalet pågår").check()
    page.get_by_label("Öppnar").fill(today.isoformat())
    page.get_by_label("Stänger").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_label("Startpåståenden").fill("\n".join(SEEDS))
    page.get_by_role("button", name="Skapa samtalet").click()

    expect(page.get_by_role("heading", level=1, name=QUESTION)).to_be_visible()
    expect(
        page.get_by_role("status").filter(has_text="Samtalet är skapat. Dela länken med deltagarna.")
    ).to_be_visible()
    expect(main).to_contain_text("Alla med länken")
    statements = page.get_by_role("table", name="Påståenden, anmälda först")
    for seed in SEEDS:
        expect(statements.get_by_role("rowheader", name=re.compile(re.escape(seed)))).to_be_visible()
    assert_accessible(page)
    link = page.get_by_label("Länk till deltagarna").input_value()
    dialogue = Dialogue.objects.get(question=QUESTION)
    assert link == f"{base_url}/s/{dialogue.public_id}/"
    manage_url = page.url

    # A service user takes part on a phone, with no account --------------------------------------
    guest = open_context(viewport=PHONE, is_mobile=True, has_touch=True)
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1, name=QUESTION)).to_be_visible()
    expect(guest.get_by_text(BACKGROUND)).to_be_visible()
    expect(guest.get_by_role("heading", level=2, name="Delta")).to_be_visible()
    assert guest.evaluate(NO_HORIZONTAL_OVERFLOW), "the introduction scrolls sideways on a phone"
    assert_accessible(guest)
    guest.get_by_label("Jag deltar som (frivilligt)").select_option(label="Brukare")
    guest.get_by_role("button", name="Börja rösta").click()

    expect(guest.locator("#card-title")).to_have_text(f"Påstående 1 av {len(SEEDS)}")
    assert guest.evaluate(NO_HORIZONTAL_OVERFLOW), "the voting card scrolls sideways on a phone"
    for target in guest.locator("#card").get_by_role("button").all():
        box = target.bounding_box()
        assert box["height"] >= 24, f"“{target.inner_text()}” is too small a target on a phone: {box}"
    assert_accessible(guest)
    seen_by_guest = [vote(guest, "Håller med")]
    # The next statement is swapped in and takes the focus, so a screen reader reads it out
    statement = guest.locator("#card .statement")
    expect(statement).to_be_focused()
    expect(guest.locator("#live-region")).to_have_text(statement.inner_text())
    assert_accessible(guest)
    seen_by_guest.append(vote(guest, "Håller inte med"))
    expect(statement).to_be_focused()

    # A vote with the keyboard alone: from the statement, Tab to the buttons and press Space
    keyboard_text = statement.inner_text()
    guest.keyboard.press("Tab")
    expect(guest.get_by_role("button", name="Håller med", exact=True)).to_be_focused()
    guest.keyboard.press("Tab")
    expect(guest.get_by_role("button", name="Håller inte med", exact=True)).to_be_focused()
    guest.keyboard.press("Space")
    expect(guest.locator("#card-title")).to_have_text(f"Påstående 4 av {len(SEEDS)}")
    expect(statement).to_be_focused()
    expect(statement).not_to_have_text(keyboard_text)
    seen_by_guest.append(keyboard_text)
    assert_accessible(guest)

    guest.get_by_label("Ditt påstående").fill(DUPLICATE)
    guest.get_by_role("button", name="Lägg till påståendet").click()
    expect(guest.get_by_role("status").filter(has_text="Tack! Ditt påstående visas nu för andra.")).to_be_visible()
    expect(guest.get_by_role("heading", level=2, name="Lägg till ett eget påstående")).to_be_visible()
    # The guest's own statement counts as agreed with and is never shown to the guest
    expect(guest.locator("#card-title")).to_have_text(f"Påstående 5 av {len(SEEDS) + 1}")
    assert guest.evaluate(NO_HORIZONTAL_OVERFLOW), "the page scrolls sideways on a phone after a statement"
    assert_accessible(guest)
    votes = {Statement.objects.get(text=text).votes.get().value for text in seen_by_guest}
    assert votes == {1, -1}, votes

    # A participant without JavaScript takes part through plain forms ---------------------------
    plain = open_context(java_script_enabled=False)
    plain.goto(link)
    expect(plain.get_by_label("Jag deltar som (frivilligt)")).to_have_value("")  # "Vill inte ange"
    plain.get_by_label("Jag deltar som (frivilligt)").select_option(label="Medarbetare")
    plain.get_by_role("button", name="Börja rösta").click()
    expect(plain.locator("#card-title")).to_have_text(f"Påstående 1 av {len(SEEDS) + 1}")
    reported = plain.locator("#card .statement").inner_text()
    plain.get_by_role("button", name="Anmäl påståendet till moderatorn").click()
    expect(plain.get_by_role("status").filter(has_text="Tack! Moderatorn tittar på påståendet.")).to_be_visible()
    plain.get_by_label("Ditt påstående").fill(REJECTED)
    plain.get_by_role("button", name="Lägg till påståendet").click()
    expect(plain.get_by_role("status").filter(has_text="Tack! Ditt påstående visas nu för andra.")).to_be_visible()
    # Post-moderation: the guest's statement, not yet moderated, is already shown to others
    seen_without_js = vote_through(plain)
    assert DUPLICATE in seen_without_js, seen_without_js
    assert REJECTED not in seen_without_js, seen_without_js  # the author's own is never shown to them
    assert len(seen_without_js) == len(SEEDS) + 1
    expect(plain.get_by_text("Du har röstat på 10 påståenden.")).to_be_visible()
    # (No axe scan here: axe-core is JavaScript and never finishes in a page without it; the same markup
    # is scanned in the guest's browser.)

    # The leader moderates: rejects a statement naming a person and merges the duplicate -----------
    page.goto(manage_url)
    main.get_by_role("link", name="Väntar (2)").click()
    waiting = page.get_by_role("table", name="Påståenden, anmälda först")
    expect(waiting.get_by_role("rowheader")).to_have_text([DUPLICATE, REJECTED])
    for text in (DUPLICATE, REJECTED):
        expect(waiting.get_by_role("row").filter(has_text=text)).to_contain_text("Väntar på moderering")
    assert_accessible(page)

    rejected = Statement.objects.get(dialogue=dialogue, text=REJECTED)
    waiting.get_by_role("button", name=f"Ta bort {rejected.number}", exact=True).click()
    expect(page.get_by_role("status").filter(has_text=f"Påstående {rejected.number}: Borttaget.")).to_be_visible()
    # Back on the same filter: the removed statement has left the queue
    expect(main.get_by_role("link", name="Väntar (1)")).to_have_attribute("aria-current", "true")
    expect(waiting.get_by_role("rowheader")).to_have_text([DUPLICATE])
    assert_accessible(page)
    main.get_by_role("link", name="Borttaget (1)").click()
    expect(statements.get_by_role("row").filter(has_text=REJECTED)).to_contain_text("Borttaget")
    main.get_by_role("link", name="Väntar (1)").click()

    duplicate = Statement.objects.get(dialogue=dialogue, text=DUPLICATE)
    keep = Statement.objects.get(dialogue=dialogue, text=WHO_COMES)
    waiting.get_by_role("link", name=f"Slå ihop {duplicate.number}", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Slå ihop ett påstående")).to_be_visible()
    expect(main.locator("blockquote")).to_have_text(DUPLICATE)
    expect(page.get_by_label(f"{rejected.number}. {REJECTED}")).to_have_count(0)  # nothing merges into the removed
    assert_accessible(page)
    page.get_by_label(f"{keep.number}. {WHO_COMES}").check()
    page.get_by_role("button", name="Slå ihop", exact=True).click()
    merged = f"Påstående {duplicate.number} har slagits ihop med påstående {keep.number}."
    expect(page.get_by_role("status").filter(has_text=merged)).to_be_visible()
    row = statements.get_by_role("row").filter(has_text=DUPLICATE)
    expect(row).to_contain_text(f"Ihopslaget med påstående {keep.number}")
    expect(row).to_contain_text("Borttaget")
    expect(main.get_by_role("link", name="Väntar (0)")).to_be_visible()
    expect(main.get_by_role("link", name="Anmälda (1)")).to_be_visible()
    expect(statements.get_by_role("rowheader").first).to_contain_text(reported)  # reported ones first
    assert_accessible(page)

    # The guest goes on voting and never gets the rejected statement
    guest.reload()
    expect(guest.locator("#card-title")).to_have_text(f"Påstående 4 av {len(SEEDS)}")
    seen_by_guest += vote_through(guest, "Pass / osäker")
    assert sorted(seen_by_guest) == sorted(SEEDS), seen_by_guest  # neither the rejected nor the merged one
    expect(guest.locator("#card-title")).to_be_focused()
    assert guest.evaluate(NO_HORIZONTAL_OVERFLOW), "the last card scrolls sideways on a phone"
    assert_accessible(guest)

    # Fourteen more participants vote, in two camps; the analysis runs ----------------------------
    seeds = list(Statement.objects.filter(dialogue=dialogue, is_seed=True))
    for index in range(14):
        group = ActorGroup.Key.SERVICE_USER if index % 2 else ActorGroup.Key.EMPLOYEE
        participant, _token = actions.join_open_dialogue(
            dialogue=dialogue, actor_group=actor_group(organisation, group)
        )
        for statement in seeds:
            agree = statement.text == WHO_COMES or index < 7
            actions.vote(participant=participant, statement=statement, value=1 if agree else -1)
    worker.analyse_dialogue(dialogue)

    # The leader reads the results ---------------------------------------------------------------
    page.goto(manage_url)
    main.get_by_role("link", name="Resultat", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Resultat")).to_be_visible()
    expect(main).to_contain_text("16 personer har röstat")
    expect(main).to_contain_text("ingen siffra som färre än 5 personer står bakom. Sådana celler visar ”–”")
    opinion_map = page.get_by_role("img", name="Opinionskarta")
    expect(opinion_map).to_be_visible()
    expect(opinion_map.locator("circle").first).to_be_visible()
    groups = page.get_by_role("table", name="Åsiktsgrupper och deras storlek")
    expect(groups.get_by_role("rowheader")).to_have_text(["Grupp A", "Grupp B"])
    for row in groups.locator("tbody tr").all():  # a size, and the squares on the map or "–" when hidden
        expect(row.get_by_role("cell")).to_have_text([re.compile(r"^\d+$"), re.compile(r"^(\d+(, \d+)*|–)$")])
    expect(page.get_by_role("heading", level=3, name=re.compile(r"^Grupp A: \d+ deltagare$"))).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=re.compile(r"^Grupp B: \d+ deltagare$"))).to_be_visible()
    consensus = page.get_by_role(
        "table", name="Andel som håller med, per åsiktsgrupp, för påståendena med bredast stöd"
    )
    expect(consensus.get_by_role("row").filter(has_text=WHO_COMES).get_by_role("cell")).to_have_text([PERCENT] * 2)
    actor_consensus = page.get_by_role(
        "table", name="Andel som håller med, per aktörsgrupp, för påståendena med bredast stöd"
    )
    expect(actor_consensus).to_be_visible()
    every = page.get_by_role("table", name="Röster per påstående, i procent av dem som röstat på det")
    expect(every.get_by_role("row").filter(has_text=WHO_COMES).get_by_role("cell")).to_have_text(
        [str(keep.number), PERCENT, PERCENT, PERCENT, "16", f"Till ett arbetsmöte {keep.number}"]
    )
    expect(every).not_to_contain_text(REJECTED)
    expect(page.get_by_role("img", name=re.compile("^Nya deltagare per dag"))).to_be_visible()
    expect(page.get_by_role("table", name="Nya deltagare per dag").get_by_role("cell")).to_have_text(["16"])
    actor_participation = page.get_by_role("table", name="Deltagare per aktörsgrupp")
    expect(actor_participation.get_by_role("row").filter(has_text="Brukare").get_by_role("cell")).to_have_text(["8"])
    assert_accessible(page)

    with page.expect_download() as download_info:
        main.get_by_role("link", name="Ladda ner som CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"samtal-{today.isoformat()}.csv"
    with open(download.path(), "rb") as exported:
        content = exported.read()
    assert content.startswith(b"\xef\xbb\xbf")  # so that Excel reads it as UTF-8
    rows = content.decode("utf-8-sig").splitlines()
    assert rows[0] == f"Fråga;{QUESTION}"
    assert rows[1] == "Anonymitetsgräns;5"
    assert any(WHO_COMES in row for row in rows), rows
    assert not any(REJECTED in row for row in rows), rows

    with page.expect_download() as download_info:
        main.get_by_role("link", name="Ladda ner rapporten (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"samtal-{today.isoformat()}.pdf"
    with open(download.path(), "rb") as exported:
        assert exported.read(5) == b"%PDF-"

    # The leader brings a statement into a workshop ------------------------------------------------
    workshop = workshop_actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title=WORKSHOP,
        purpose="Att äldre med hemtjänst känner sig trygga.",
        service_user_group="Äldre med hemtjänst i Norrby",
        units=[],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=14),
    )
    page.reload()
    every.get_by_role("link", name=f"Till ett arbetsmöte {keep.number}", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Ta med ett påstående till ett arbetsmöte")).to_be_visible()
    expect(main.locator("blockquote")).to_have_text(WHO_COMES)
    assert_accessible(page)
    page.get_by_label("Arbetsmöte").select_option(label=WORKSHOP)
    page.get_by_label("Effekt", exact=True).check()
    page.get_by_role("button", name="Lägg till i arbetsmötet").click()
    expect(page.get_by_role("status").filter(has_text=f"Påståendet är nu ett kort i ”{WORKSHOP}”.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Resultat")).to_be_visible()
    assert_accessible(page)

    card = Item.objects.get(workshop=workshop, title=WHO_COMES)
    assert card.kind == Item.Kind.EFFECT
    page.goto(f"{base_url}/w/{workshop.public_id}/")
    expect(page.locator("#chain")).to_contain_text(WHO_COMES)
    assert outside_requests == []


def test_an_internal_dialogue_shows_a_dash_for_a_group_below_the_threshold(
    page, base_url, sign_in, assert_accessible, outside_requests, organisation, facilitator, employee, make_member
):
    today = timezone.localdate()
    dialogue = actions.create_dialogue(
        organisation=organisation,
        created_by=facilitator.memberships.get(),
        question=QUESTION,
        live_results=True,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
        seed_statements=SEEDS,
    )

    # A member takes part: signed in, no group to choose, the membership's actor group counts
    sign_in(page, employee.email)
    page.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Samtal").click()
    expect(page.get_by_role("table", name="Samtal").get_by_role("row").filter(has_text=QUESTION)).to_contain_text(
        "Medlemmar"
    )
    page.get_by_role("main").get_by_role("link", name=QUESTION).click()
    expect(page.get_by_text("Ingen ser hur du röstade.")).to_be_visible()
    expect(page.get_by_label("Jag deltar som (frivilligt)")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Börja rösta").click()
    vote_through(page)
    expect(page.locator("#card-title")).to_be_focused()

    # Six managers and six more staff in two camps, and two service users: fewer than five
    seeds = list(Statement.objects.filter(dialogue=dialogue))
    groups = [ActorGroup.Key.FIRST_LINE_MANAGER] * 6 + [ActorGroup.Key.EMPLOYEE] * 6 + [ActorGroup.Key.SERVICE_USER] * 2
    for index, group in enumerate(groups):
        participant = actions.participant_for_member(dialogue, make_member(organisation, group=group), create=True)
        for statement in seeds:
            agree = statement.text == WHO_COMES or index % 2
            actions.vote(participant=participant, statement=statement, value=1 if agree else -1)
    worker.analyse_dialogue(dialogue)

    page.goto(f"{base_url}/s/{dialogue.public_id}/results/")
    expect(page.get_by_role("heading", level=1, name="Resultat")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("15 personer har röstat")
    participation = page.get_by_role("table", name="Deltagare per aktörsgrupp")
    expect(participation.get_by_role("row").filter(has_text="Brukare").get_by_role("cell")).to_have_text(["–"])
    # The next smallest group is hidden as well, or the total would give the two service users away
    expect(participation.get_by_role("row").filter(has_text="Första linjens chefer").get_by_role("cell")).to_have_text(
        ["–"]
    )
    expect(participation.get_by_role("row").filter(has_text="Medarbetare").get_by_role("cell")).to_have_text(["7"])
    actor_consensus = page.get_by_role(
        "table", name="Andel som håller med, per aktörsgrupp, för påståendena med bredast stöd"
    )
    expect(actor_consensus.get_by_role("columnheader", name="Brukare")).to_have_count(0)
    assert_accessible(page)
    assert outside_requests == []


def test_results_that_are_not_open_yet_say_when_they_open(
    page, base_url, sign_in, assert_accessible, outside_requests, organisation, facilitator, employee
):
    today = timezone.localdate()
    closes_on = today + datetime.timedelta(days=14)
    dialogue = actions.create_dialogue(
        organisation=organisation,
        created_by=facilitator.memberships.get(),
        question=QUESTION,
        opens_on=today,
        closes_on=closes_on,
        seed_statements=SEEDS,
    )
    actions.participant_for_member(dialogue, employee.memberships.get(), create=True)

    sign_in(page, employee.email)
    response = page.goto(f"{base_url}/s/{dialogue.public_id}/results/")

    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1, name="Resultat")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Resultatet öppnar när samtalet stänger")
    page.get_by_role("main").get_by_role("link", name=f"← {QUESTION}").click()
    expect(page.get_by_role("heading", level=1, name=QUESTION)).to_be_visible()
    page.go_back()
    assert_accessible(page)
    assert outside_requests == []
