"""Journey: a live meeting (Forum Tillit) with a big screen, a moderator and phones, in real time.

The process leader signs in, creates a meeting and adds a word cloud to its agenda with the keyboard alone (a poll,
questions to the panel and a dialogue's voting are added through `actions`), and opens the big screen (1280 px and
more) and the moderator's view (a laptop) in two browsers. Two phones at 375 px open /l/, type the code (one with
the keyboard alone) and join (one states its actor group and level). The moderator moves through the agenda and the
phones follow within seconds without reloading: both vote in the poll and the screen shows the results once k
answered (k = 3, a third participant answers through `actions`); words for the cloud; a question asked by one phone,
approved and put on the screen by the moderator, and voted up by the other; and the dialogue, which a phone opens and
votes in. Every page and state is scanned with axe-core. Two more tests: the phone without JavaScript (plain forms,
a reload shows what is on now), and the phone whose socket cannot connect (the Swedish notice, polling that still
follows the presenter).

Real time needs an ASGI server: the app runs under uvicorn (`live_server_asgi.py`) on the test database, which is
PostgreSQL in `make test` (test-browser-second).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Locator, Page, WebSocketRoute, expect

from conftest import PASSWORD, actor_group, level
from tests.browser.live_server_asgi import asgi_server
from tillit.accounts.models import User
from tillit.dialogues import actions as dialogue_actions
from tillit.dialogues.models import Dialogue
from tillit.live import actions
from tillit.live.models import Activity, LiveSession, Question
from tillit.organisations.models import ActorGroup, Organisation

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
NO_HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
FOLLOWS_WITHIN = 5_000  # ms: "within a few seconds" for a push, and for polling every 2 s

TITLE = "Forum Tillit"
POLL = "Känner du dig trygg på jobbet?"
POLL_OPTIONS = ["Ja, oftast", "Ibland", "Sällan"]
WORDS = "Ett ord om tillit"
QUESTIONS = "Frågor till panelen"
ASKED = "Hur blir bemanningen i sommar?"
DIALOGUE_STEP = "Rösta i samtalet om goda möten"
DIALOGUE = "Vad skapar ett gott möte?"
SEEDS = ["Samma personal varje gång", "Mer tid hos brukaren"]
NOTICE = "Direktanslutningen är bruten. Sidan hämtar det senaste med några sekunders mellanrum."
WAITING = "Vänta, nästa fråga kommer snart"
SCREEN_STATE = re.compile(r"/skarm/lage/$")


# --- The server and the browsers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def asgi_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the server writes (warnings and errors only)."""
    return tmp_path_factory.mktemp("uvicorn") / "server.log"


@pytest.fixture(scope="module")
def asgi_url(django_db_setup: None, asgi_log: Path) -> Iterator[str]:
    """uvicorn on the test database, for this module's tests; stopped before the database is dropped."""
    if connection.vendor != "postgresql":
        pytest.fail(
            "The live journey needs PostgreSQL: its ASGI server is another process, which cannot share an in-memory "
            "SQLite test database. Run it as `make test` does, with DATABASE_URL=postgres://…",
            pytrace=False,
        )
    with asgi_server(connection.settings_dict, log=asgi_log) as url:
        yield url


OpenPage = Callable[..., Page]


@pytest.fixture
def open_page(browser: Browser, asgi_url: str, asgi_log: Path, transactional_db: None) -> Iterator[OpenPage]:
    """A page in a browser context of its own (a person's own device), closed after the test and before the
    database is emptied. Requests to other hosts, script errors and server errors must not happen."""
    logged_before = asgi_log.stat().st_size
    contexts: list[BrowserContext] = []
    outside: list[str] = []
    errors: list[str] = []

    def open_one(*, storage_state: object = None, **options: object) -> Page:
        context = browser.new_context(
            locale="en-GB", timezone_id="Europe/Stockholm", storage_state=storage_state, **options
        )
        contexts.append(context)
        context.on("request", lambda r: None if r.url.startswith(asgi_url) else outside.append(r.url))
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield open_one
    for context in contexts:
        context.close()
    assert not outside, f"requests to other hosts: {outside}"
    assert not errors, f"script errors: {errors}"
    with asgi_log.open(errors="replace") as log:
        log.seek(logged_before)
        logged = log.read()
    assert not re.search(r"^(ERROR|CRITICAL)|Traceback", logged, re.MULTILINE), f"the server failed:\n{logged}"


def phone(open_page: OpenPage, **options: object) -> Page:
    return open_page(viewport=PHONE, is_mobile=True, has_touch=True, **options)


def sign_in(page: Page, url: str, user: User) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("E-postadress").fill(user.email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def tab_to(page: Page, target: Locator, most: int = 25) -> None:
    """Press Tab until `target` has the focus (the keyboard alone, from wherever the focus is)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} is not reached with Tab in {most} presses")


def expect_stayed(page: Page) -> None:
    """The page was not reloaded since `mark_page`: what changed came by the socket (or polling)."""
    assert page.evaluate("() => window.tillitStayed === true"), f"{page.url} was reloaded"


def mark_page(page: Page) -> None:
    page.evaluate("() => { window.tillitStayed = true; }")


def message_of(page: Page) -> Locator:
    """The phone page's status line for the answer just sent (outside the region, kept across swaps)."""
    return page.locator("[data-live-message]")


# --- The cast ---------------------------------------------------------------------------------------------------


@pytest.fixture
def norrby(organisation: Organisation) -> Organisation:
    """Norrby with the smallest anonymity threshold allowed, k = 3."""
    Organisation.objects.filter(pk=organisation.pk).update(anonymity_threshold=3)
    organisation.refresh_from_db()
    return organisation


@pytest.fixture
def open_dialogue(norrby: Organisation, facilitator: User) -> Dialogue:
    """An open dialogue of Norrby (anyone with the link, no account), going on now."""
    today = timezone.localdate()
    return dialogue_actions.create_dialogue(
        organisation=norrby,
        created_by=facilitator.memberships.get(),
        question=DIALOGUE,
        access=Dialogue.Access.OPEN,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=7),
        seed_statements=SEEDS,
    )


def another_phone_answers(session: LiveSession, activity: Activity, **answer: object) -> None:
    """One more participant, straight through `actions` (as its phone would): joins and answers."""
    participant = actions.join(session, token=actions.new_participant_token())
    actions.answer(activity, participant, **answer)


# --- The journey ------------------------------------------------------------------------------------------------


def test_a_live_meeting_with_a_big_screen_a_moderator_and_phones(
    open_page: OpenPage, asgi_url: str, assert_accessible, norrby, facilitator, open_dialogue
):
    # The process leader creates the meeting on the moderator's laptop ------------------------------------------
    moderator = open_page(viewport=LAPTOP)
    sign_in(moderator, asgi_url, facilitator)
    moderator.goto(f"{asgi_url}/o/{norrby.slug}/live/")
    expect(moderator.get_by_role("heading", level=1, name="Livemöten")).to_be_visible()
    assert_accessible(moderator)
    moderator.get_by_label("Titel").fill(TITLE)
    moderator.get_by_role("button", name="Skapa mötet").click()
    expect(moderator.get_by_text("Mötet är skapat. Lägg till dess aktiviteter.")).to_be_visible()
    expect(moderator.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    assert_accessible(moderator)
    session = LiveSession.objects.get(organisation=norrby)
    poll = actions.add_activity(session, kind=Activity.Kind.POLL, prompt=POLL, options=POLL_OPTIONS)

    # A word cloud added with the keyboard alone: the kind (arrow keys in the radio group), then its question
    moderator.reload()
    expect(moderator.locator(".agenda__prompt", has_text=POLL)).to_be_visible()
    tab_to(moderator, moderator.get_by_label("Snabb omröstning", exact=True))
    moderator.keyboard.press("ArrowDown")  # Skala
    moderator.keyboard.press("ArrowDown")  # Ordmoln
    expect(moderator.get_by_label("Ordmoln", exact=True)).to_be_checked()
    moderator.keyboard.press("Tab")
    expect(moderator.get_by_role("button", name="Nästa", exact=True)).to_be_focused()
    moderator.keyboard.press("Enter")
    expect(moderator.get_by_role("heading", level=1, name=re.compile("Lägg till en aktivitet"))).to_be_visible()
    assert_accessible(moderator)
    tab_to(moderator, moderator.get_by_label("Fråga eller rubrik"))
    moderator.keyboard.type(WORDS)
    tab_to(moderator, moderator.get_by_role("button", name="Lägg till i dagordningen"))
    moderator.keyboard.press("Enter")
    expect(moderator.get_by_text("Aktiviteten är tillagd i dagordningen.")).to_be_visible()
    expect(moderator.locator(".agenda__prompt", has_text=WORDS)).to_be_visible()
    cloud = Activity.objects.get(session=session, kind=Activity.Kind.WORDS)
    assert (cloud.prompt, cloud.moderated, cloud.may_change) == (WORDS, True, True)
    panel = actions.add_activity(session, kind=Activity.Kind.QUESTIONS, prompt=QUESTIONS)
    actions.add_activity(session, kind=Activity.Kind.DIALOGUE, prompt=DIALOGUE_STEP, dialogue=open_dialogue)
    moderator.reload()
    assert_accessible(moderator)

    # The big screen on the presenter's computer, the moderator's view on the laptop ---------------------------
    screen = open_page(viewport=SCREEN, storage_state=moderator.context.storage_state())
    screen_link = moderator.get_by_role("link", name="Öppna storskärmen")
    screen.goto(f"{asgi_url}{screen_link.get_attribute('href')}")
    expect(screen.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(screen.locator(".screen__code")).to_have_text(f"{session.code[:3]}\u202f{session.code[3:]}")
    expect(screen.get_by_role("heading", level=2, name="Mötet börjar snart")).to_be_visible()
    assert_accessible(screen)
    mark_page(screen)

    moderator.get_by_role("link", name="Moderera", exact=True).click()
    expect(moderator.get_by_role("heading", level=1, name=f"Moderera: {TITLE}")).to_be_visible()
    assert_accessible(moderator)

    # Two phones join: one with the keyboard alone, stating its group and level ------------------------------
    anna = phone(open_page)
    anna.goto(f"{asgi_url}/l/")
    expect(anna.get_by_role("heading", level=1, name="Gå med i ett möte")).to_be_visible()
    assert anna.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert_accessible(anna)
    tab_to(anna, anna.get_by_label("Mötets kod"))
    anna.keyboard.type(f"{session.code[:3]} {session.code[3:]}")  # as the screen writes it
    anna.keyboard.press("Enter")
    expect(anna.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(anna.get_by_role("button", name="Gå med i mötet")).to_be_visible()
    assert anna.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert_accessible(anna)
    group = actor_group(norrby, ActorGroup.Key.EMPLOYEE)
    rank = level(norrby, 5)
    anna.get_by_role("group", name="Vilken grupp tillhör du?").get_by_label(group.name, exact=True).check()
    anna.get_by_role("group", name="På vilken nivå arbetar du?").get_by_label(rank.name, exact=True).check()
    anna.get_by_role("button", name="Gå med i mötet").click()
    expect(anna.get_by_role("heading", level=2, name=WAITING)).to_be_visible()
    assert_accessible(anna)

    bo = phone(open_page)
    bo.goto(f"{asgi_url}/l/")
    bo.get_by_label("Mötets kod").fill(session.code)
    bo.get_by_role("button", name="Fortsätt").click()
    bo.get_by_role("button", name="Gå med i mötet").click()
    expect(bo.get_by_role("heading", level=2, name=WAITING)).to_be_visible()
    joined = {(p.actor_group_id, p.level_id, p.verified) for p in session.participants.all()}
    assert joined == {(group.pk, rank.pk, False), (None, None, False)}
    phones = (anna, bo)
    answers_posted: list[str] = []  # answers go over the socket while it is open: none is posted
    for each in phones:
        mark_page(each)
        each.on("request", lambda r: answers_posted.append(r.url) if r.url.endswith("/svar/") else None)

    # The poll: the phones follow the moderator, vote, and the screen shows the results once k answered ------
    moderator.get_by_role("button", name="Nästa →").click()
    expect(moderator.get_by_text(f"På skärmen nu: {POLL}")).to_be_visible()
    for each in phones:
        expect(each.get_by_role("heading", level=2, name=POLL)).to_be_visible(timeout=FOLLOWS_WITHIN)
        expect_stayed(each)
    expect(screen.get_by_role("heading", level=2, name=POLL)).to_be_visible(timeout=FOLLOWS_WITHIN)
    waiting_for_k = screen.get_by_text("Svara i din telefon. Resultaten visas när minst 3 har svarat.")
    expect(waiting_for_k).to_be_visible()
    another_phone_answers(session, poll, choices=[0])

    anna.get_by_label(POLL_OPTIONS[0], exact=True).check()
    assert_accessible(anna)
    with screen.expect_response(SCREEN_STATE):  # the screen asks for its region once the answer is in
        anna.get_by_role("button", name="Skicka svar").click()
        expect(message_of(anna)).to_have_text("Tack! Ditt svar är sparat.")
    expect(waiting_for_k).to_be_visible()  # two answers: fewer than k, nothing shown yet
    expect(screen.locator("[data-release-participants]")).to_have_count(0)
    assert anna.evaluate(NO_HORIZONTAL_OVERFLOW)
    bo.get_by_label(POLL_OPTIONS[1], exact=True).check()
    bo.get_by_role("button", name="Skicka svar").click()
    expect(message_of(bo)).to_have_text("Tack! Ditt svar är sparat.")
    assert_accessible(bo)

    assert sorted(poll.answers.values_list("item", flat=True)) == [0, 0, 1]
    expect(screen.locator("[data-release-participants='3']")).to_be_visible(timeout=FOLLOWS_WITHIN)
    results = screen.get_by_role("table", name="Andel som valde varje svar")
    for option in POLL_OPTIONS:
        expect(results.get_by_role("rowheader", name=option)).to_be_visible()
    expect_stayed(screen)
    assert_accessible(screen)
    expect(moderator.locator("[data-release-participants='3']")).to_be_attached(timeout=FOLLOWS_WITHIN)
    assert_accessible(moderator)

    # The word cloud ------------------------------------------------------------------------------------------
    moderator.get_by_role("button", name="Nästa →").click()
    expect(moderator.get_by_text(f"På skärmen nu: {WORDS}")).to_be_visible()
    for each in phones:
        expect(each.get_by_role("heading", level=2, name=WORDS)).to_be_visible(timeout=FOLLOWS_WITHIN)
        expect_stayed(each)
    another_phone_answers(session, cloud, words=["förtroende"])
    anna.get_by_label("Ditt svar", exact=True).fill("Förtroende")
    assert_accessible(anna)
    anna.get_by_role("button", name="Skicka svar").click()
    expect(message_of(anna)).to_have_text("Tack! Ditt svar är sparat.")
    bo.get_by_label("Ditt svar", exact=True).fill("Trygghet")
    bo.get_by_label("Svar 2 (om du vill)").fill("Öppenhet")
    bo.get_by_role("button", name="Skicka svar").click()
    expect(message_of(bo)).to_have_text("Tack! Ditt svar är sparat.")

    words = screen.get_by_role("table", name="Orden, vanligast först")
    for word in ("förtroende", "trygghet", "öppenhet"):
        expect(words.get_by_role("rowheader", name=re.compile(word, re.IGNORECASE))).to_be_visible(
            timeout=FOLLOWS_WITHIN
        )
    expect(screen.locator(".word-cloud__word").first).to_contain_text(re.compile("förtroende", re.IGNORECASE))
    assert not answers_posted, answers_posted
    expect_stayed(screen)
    assert_accessible(screen)
    on_screen = moderator.get_by_role("heading", level=3, name="Ord på skärmen")
    expect(on_screen).to_be_visible(timeout=FOLLOWS_WITHIN)
    expect(moderator.get_by_role("button", name=re.compile(r"^Dölj – trygghet", re.IGNORECASE))).to_be_visible()
    assert_accessible(moderator)

    # Questions to the panel: one phone asks, the moderator puts it on the screen, the other votes it up -------
    moderator.get_by_role("button", name="Nästa →").click()
    expect(moderator.get_by_text(f"På skärmen nu: {QUESTIONS}")).to_be_visible()
    for each in phones:
        expect(each.get_by_role("heading", level=2, name=QUESTIONS)).to_be_visible(timeout=FOLLOWS_WITHIN)
        expect_stayed(each)
    anna.get_by_label("Din fråga").fill(ASKED)
    anna.get_by_role("button", name="Skicka fråga").click()
    expect(message_of(anna)).to_have_text("Tack! Din fråga visas när en moderator har läst den.")
    assert_accessible(anna)

    approve = moderator.get_by_role("button", name=f"Godkänn och visa på skärmen – {ASKED}")
    expect(approve).to_be_visible(timeout=FOLLOWS_WITHIN)  # the region followed the question in
    assert_accessible(moderator)
    approve.click()
    expect(moderator.get_by_text("Frågan visas på skärmen.")).to_be_visible()
    expect(moderator.get_by_text(f"{ASKED} (på skärmen)")).to_be_visible()
    assert_accessible(moderator)
    expect(screen.locator(".screen-question--current")).to_contain_text(ASKED, timeout=FOLLOWS_WITHIN)
    expect_stayed(screen)
    assert_accessible(screen)

    to_vote = bo.get_by_role("list").filter(has_text=ASKED)
    expect(to_vote).to_be_visible(timeout=FOLLOWS_WITHIN)
    expect_stayed(bo)
    assert_accessible(bo)
    bo.get_by_role("button", name="Rösta upp").click()
    expect(message_of(bo)).to_have_text("Tack! Din röst är räknad.")
    question = Question.objects.get(activity=panel)
    assert (question.text, question.status, question.on_screen, question.upvotes) == (ASKED, "approved", True, 1)

    # The dialogue's voting: the phone follows its link and votes on a statement -------------------------------
    moderator.get_by_role("button", name="Nästa →").click()
    expect(moderator.get_by_text(f"På skärmen nu: {DIALOGUE_STEP}")).to_be_visible()
    for each in phones:
        expect(each.get_by_role("heading", level=2, name=DIALOGUE_STEP)).to_be_visible(timeout=FOLLOWS_WITHIN)
        expect_stayed(each)
    assert_accessible(anna)
    expect(screen.get_by_text(f"Samtal: {DIALOGUE}")).to_be_visible(timeout=FOLLOWS_WITHIN)
    expect_stayed(screen)
    assert_accessible(screen)
    assert_accessible(moderator)

    anna.get_by_role("link", name="Öppna samtalet och rösta").click()
    expect(anna.get_by_role("heading", level=1, name=DIALOGUE)).to_be_visible()
    anna.get_by_role("button", name="Börja rösta").click()
    expect(anna.locator("#card-title")).to_have_text(f"Påstående 1 av {len(SEEDS)}")
    assert anna.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert_accessible(anna)
    anna.get_by_role("group", name="Din röst").get_by_role("button", name="Håller med", exact=True).click()
    expect(anna.locator("#card-title")).to_have_text(f"Påstående 2 av {len(SEEDS)}")
    assert sum(statement.votes.count() for statement in open_dialogue.statements.all()) == 1


# --- Without JavaScript, and without the socket -----------------------------------------------------------------


@pytest.fixture
def meeting(norrby: Organisation) -> LiveSession:
    """A meeting with a poll on the screen and a word cloud next."""
    session = actions.create_session(organisation=norrby, title=TITLE)
    poll = actions.add_activity(session, kind=Activity.Kind.POLL, prompt=POLL, options=POLL_OPTIONS)
    actions.add_activity(session, kind=Activity.Kind.WORDS, prompt=WORDS)
    actions.show(session, poll)
    return session


def next_activity(session: LiveSession) -> None:
    """The moderator's "Next", straight through `actions` (this process pushes to no socket: only what is stored
    reaches the phone)."""
    session.refresh_from_db()
    neighbour = actions.neighbour(session, forward=True)
    assert neighbour is not None
    actions.show(session, neighbour)


def test_a_phone_without_javascript_answers_and_follows_by_reloading(open_page: OpenPage, asgi_url: str, meeting):
    """Plain forms and links. (No axe-core scan here: it runs as a script, and the journey scans the same pages.)"""
    plain = phone(open_page, java_script_enabled=False)
    plain.goto(f"{asgi_url}/l/")
    plain.get_by_label("Mötets kod").fill(meeting.code)
    plain.get_by_role("button", name="Fortsätt").click()
    expect(plain.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    plain.get_by_role("button", name="Gå med i mötet").click()
    expect(plain.get_by_role("heading", level=2, name=POLL)).to_be_visible()

    plain.get_by_label(POLL_OPTIONS[2], exact=True).check()
    plain.get_by_role("button", name="Skicka svar").click()
    expect(plain.get_by_text("Tack! Ditt svar är sparat.")).to_be_visible()
    expect(plain.get_by_label(POLL_OPTIONS[2], exact=True)).to_be_checked()
    expect(plain.get_by_role("button", name="Ändra mitt svar")).to_be_visible()
    assert meeting.participants.get().answers.get().item == 2

    next_activity(meeting)
    expect(plain.get_by_role("heading", level=2, name=POLL)).to_be_visible()  # nothing moves by itself
    plain.get_by_role("link", name="Uppdatera sidan").click()
    expect(plain.get_by_role("heading", level=2, name=WORDS)).to_be_visible()
    plain.get_by_label("Ditt svar", exact=True).fill("Lugn")
    plain.get_by_role("button", name="Skicka svar").click()
    expect(plain.get_by_text("Tack! Ditt svar är sparat.")).to_be_visible()
    expect(plain.get_by_label("Ditt svar", exact=True)).to_have_value("Lugn")


def test_a_phone_whose_socket_cannot_connect_polls_and_still_follows(
    open_page: OpenPage, asgi_url: str, assert_accessible, meeting
):
    """Every socket the page opens is closed before it opens, as when the socket server cannot be reached (code
    1006): the phone says so in Swedish, answers by posting, and follows the presenter by asking every two seconds."""
    token = actions.new_participant_token()
    actions.join(meeting, token=token)  # joined before: the page is the meeting's at once
    cut_off = phone(open_page)
    cut_off.context.add_cookies([{"name": f"tillit_live_{meeting.code}", "value": token, "url": asgi_url}])
    tries: list[str] = []

    def cannot_connect(socket: WebSocketRoute) -> None:
        tries.append(socket.url)
        socket.close(code=1006, reason="unreachable")

    cut_off.route_web_socket(re.compile(r"/ws/live/"), cannot_connect)
    cut_off.goto(f"{asgi_url}/l/{meeting.code}/")
    expect(cut_off.get_by_role("heading", level=2, name=POLL)).to_be_visible()
    notice = cut_off.get_by_role("status").filter(has_text=NOTICE)
    expect(notice).to_be_visible(timeout=FOLLOWS_WITHIN)
    assert set(tries) == {f"{asgi_url.replace('http://', 'ws://')}/ws/live/{meeting.code}/"}
    assert_accessible(cut_off)
    mark_page(cut_off)

    cut_off.get_by_label(POLL_OPTIONS[0], exact=True).check()
    cut_off.get_by_role("button", name="Skicka svar").click()
    expect(message_of(cut_off)).to_have_text("Tack! Ditt svar är sparat.")
    assert meeting.participants.get().answers.get().item == 0

    next_activity(meeting)
    expect(cut_off.get_by_role("heading", level=2, name=WORDS)).to_be_visible(timeout=FOLLOWS_WITHIN)
    expect_stayed(cut_off)
    expect(notice).to_be_visible()
    assert_accessible(cut_off)
