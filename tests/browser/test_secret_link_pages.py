"""The pages opened only by a link that holds a secret, which the walk of every URL (`test_every_url.py`) leaves out
(`opened_by_a_link_only`): scanned by axe-core at a phone's width and a laptop's, with no serious or critical
violation, in each state a person meets them in.

- The barometer's personal link (the token leaves the address at once: the questionnaire lives at `/b/<round>/svar/`):
  the questionnaire, a saved draft, thanks, the link used a second time, a link that is not valid. On a phone the
  questionnaire scrolls only downwards, and any region that scrolls can be reached by keyboard
  (axe's `scrollable-region-focusable`).
- The barometer's open link: choosing one's unit, then the questionnaire.
- The organisation's invitation to an account that already exists (a pending membership): the answer page for the
  invited account, the page for someone else signed in, and a link that does not work.
- The account links: choosing a password from an invitation, and from a password reset.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import PASSWORD, actor_group
from tests.browser.test_barometer_journey import open_round
from tillit.barometer import actions
from tillit.barometer.models import Invitation, Item
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import ActorGroup, Membership, PendingMembership

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (375, 1280)
NO_HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
SCROLLABLE = "scrollable-region-focusable"
NEW_PASSWORD = re.compile(r"^Nytt lösenord")


def swedish(message: str, **values: object) -> str:
    """A msgid as the Swedish page shows it, whether or not the catalogue has it yet."""
    with translation.override("sv"):
        return gettext(message) % values if values else gettext(message)


@pytest.fixture
def open_page(browser: Browser, base_url: str, outside_requests: list[str]) -> Iterator[Callable[[int], Page]]:
    """A browser of its own at the given width (a phone's at 375 px), its requests outside the app recorded."""
    contexts: list[BrowserContext] = []

    def open_at(width: int) -> Page:
        phone = width < 600
        context = browser.new_context(
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            viewport={"width": width, "height": 740 if phone else 900},
            is_mobile=phone,
            has_touch=phone,
        )
        contexts.append(context)
        context.on("request", lambda r: None if r.url.startswith(base_url) else outside_requests.append(r.url))
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_at
    for context in contexts:
        context.close()


def assert_scrolls_by_keyboard_only(axe: Axe, page: Page) -> None:
    """axe's `scrollable-region-focusable` ran on the page and found nothing, whatever impact it is given, and the
    page does not scroll sideways."""
    results = axe.run(page, options={"runOnly": {"type": "rule", "values": [SCROLLABLE]}})
    response = results.response
    assert response["violations"] == [], results.generate_report()
    assert any(rule["id"] == SCROLLABLE for rule in response["passes"] + response["inapplicable"]), "the rule ran"
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW), f"{page.url} scrolls sideways"


# The barometer ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_the_barometers_personal_link(
    open_page, base_url, axe, assert_accessible, outside_requests, organisation, employee, width
):
    round = open_round(organisation)
    invitation = Invitation.objects.select_related("round").get(round=round, membership__user=employee)
    link = base_url + reverse("barometer:respond", args=[round.public_id, actions.invitation_token(invitation)])
    page = open_page(width)

    page.goto(link)
    expect(page.get_by_role("heading", level=1, name=round.name)).to_be_visible()
    assert page.url == base_url + reverse("barometer:answer", args=[round.public_id])
    assert_accessible(page)
    assert_scrolls_by_keyboard_only(axe, page)

    first = Item.objects.filter(instrument=round.instrument, kind=Item.Kind.SCALE).order_by("position").first()
    page.get_by_role("group", name=first.text_sv).get_by_label("Stämmer helt").check()
    page.get_by_role("button", name="Spara och fortsätt senare").click()
    expect(page.get_by_role("group", name=first.text_sv).get_by_label("Stämmer helt")).to_be_checked()
    assert_accessible(page)
    assert_scrolls_by_keyboard_only(axe, page)

    page.get_by_role("button", name="Skicka svar").click()
    expect(page.get_by_role("heading", level=1, name="Tack för dina svar!")).to_be_visible()
    assert_accessible(page)

    page.goto(link)  # the link a second time
    expect(page.get_by_role("heading", level=1, name=swedish("You have already answered. Thank you!"))).to_be_visible()
    assert_accessible(page)

    page.goto(base_url + reverse("barometer:respond", args=[round.public_id, "not-the-token"]))
    expect(page.get_by_role("heading", level=1, name=swedish("The link is not valid"))).to_be_visible()
    assert_accessible(page)
    assert outside_requests == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_barometers_open_link(
    open_page, base_url, axe, assert_accessible, outside_requests, organisation, home_unit, make_member, width
):
    for _number in range(5):
        make_member(organisation, unit=home_unit)
    round = open_round(organisation)
    page = open_page(width)

    page.goto(base_url + reverse("barometer:respond_open", args=[round.public_id, round.open_key]))
    expect(page.get_by_role("heading", level=1, name=round.name)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Fortsätt till frågorna").click()  # no unit chosen: the error, linked to it
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Din enhet").select_option(label="Socialförvaltningen / Hemtjänst Norr")
    page.get_by_role("button", name="Fortsätt till frågorna").click()
    expect(page.get_by_role("button", name="Skicka svar")).to_be_visible()
    assert_accessible(page)
    assert_scrolls_by_keyboard_only(axe, page)
    assert outside_requests == []


# Invitations ------------------------------------------------------------------------------------------------------


def pending_invitation_of(organisation, user) -> PendingMembership:
    """The organisation has added an account already in use elsewhere: it is invited, not added."""
    pending = organisation_actions.add_person(
        organisation=organisation,
        details=organisation_actions.PersonDetails(
            full_name="O. Skriven Av Norrby",
            email=user.email,
            unit=None,
            actor_group=actor_group(organisation, ActorGroup.Key.PARTNER),
            level=None,
            role=Membership.Role.PARTICIPANT,
        ),
    )
    assert isinstance(pending, PendingMembership)
    return pending


def sign_in_here(page: Page, email: str) -> None:
    """Fill in the sign-in form the page shows now."""
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_organisations_invitation_to_an_existing_account(
    open_page, base_url, assert_accessible, outside_requests, organisation, outsider, employee, width
):
    link = organisation_actions.pending_membership_url(pending_invitation_of(organisation, outsider), site_url=base_url)

    page = open_page(width)
    page.goto(link)  # not signed in: sign in first, then back to the invitation
    sign_in_here(page, outsider.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text(organisation.name)
    expect(page.get_by_role("button", name=swedish("Accept and join"))).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW), f"{page.url} scrolls sideways"
    assert_accessible(page)

    page.goto(link.rstrip("/").rsplit("/", 1)[0] + "/not-the-token/")  # a link that does not work
    expect(page.get_by_role("heading", level=1, name=swedish("The invitation link does not work"))).to_be_visible()
    assert_accessible(page)

    someone_else = open_page(width)
    someone_else.goto(link)
    sign_in_here(someone_else, employee.email)
    expect(
        someone_else.get_by_role("heading", level=1, name=swedish("The invitation is for another account"))
    ).to_be_visible()
    assert_accessible(someone_else)
    assert outside_requests == []


@pytest.mark.parametrize("width", WIDTHS)
def test_choosing_a_password_from_an_account_link(
    open_page, base_url, assert_accessible, outside_requests, organisation, employee, width
):
    new_person = organisation_actions.add_person(
        organisation=organisation,
        details=organisation_actions.PersonDetails(
            full_name="Nina Nyanställd",
            email="nina@norrby.example",
            unit=None,
            actor_group=actor_group(organisation, ActorGroup.Key.EMPLOYEE),
            level=None,
            role=Membership.Role.PARTICIPANT,
        ),
    )
    assert isinstance(new_person, Membership)
    links = [
        organisation_actions.invitation_url(new_person.user, site_url=base_url),
        base_url
        + reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(employee.pk)),
                "token": default_token_generator.make_token(employee),
            },
        ),
    ]
    page = open_page(width)
    for link in links:
        page.goto(link)
        expect(page.get_by_label(NEW_PASSWORD)).to_be_visible()
        assert page.evaluate(NO_HORIZONTAL_OVERFLOW), f"{page.url} scrolls sideways"
        assert_accessible(page)
    page.goto(links[1].rstrip("/") + "-not-the-token/")  # a link that does not work
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_label(NEW_PASSWORD)).to_have_count(0)
    assert_accessible(page)
    assert outside_requests == []
