"""Results reach the steering chain: a politician and employees find the barometer's results, and a workshop's, from
the start page after the round closes or the results are published, and read what the round's setting
(`Round.results_readers`, the whole steering chain by default) lets them read, and no more.

- A politician reads the organisation's page (clicked to from *Pågående arbete*, and from the list of rounds); a unit's,
  a level's and an actor group's page are refused with the 403 page, never a 500.
- An employee reads the organisation's page and their own unit's; a unit too small to show is a dash ("–") with its
  explanation, for its own staff as for everyone else; another unit's page is refused.
- A politician and an employee who took part in a workshop read its results once they are published.

Every page visited gets an axe scan (serious or critical = failure).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Page, expect

from tillit.barometer import actions
from tillit.barometer.models import Invitation, Item, Round
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import ActorGroup, Level, Membership, Unit
from tillit.workshops import actions as workshop_actions
from tillit.workshops.models import Workshop

pytestmark = pytest.mark.django_db(transaction=True)

ROUND_NAME = "Styrningsbarometern hösten 2026"
WORKSHOP_TITLE = "Trygg hemtjänst 2026"


def swedish(message: str, **values: object) -> str:
    """A msgid as the Swedish page shows it, whether or not the catalogue has it yet."""
    with translation.override("sv"):
        return gettext(message) % values if values else gettext(message)


def rated_by(count: int) -> str:
    with translation.override("sv"):
        return ngettext("%(counter)s person has rated.", "%(counter)s people have rated.", count) % {"counter": count}


def ongoing_link(page: Page, title: str, action: str):
    """The link of one card in the start page's *Pågående arbete* (the card named by its title)."""
    work = page.get_by_role("region", name=swedish("Ongoing work"))
    card = work.get_by_role("listitem").filter(has=page.get_by_role("heading", name=title, exact=True))
    return card.get_by_role("link", name=re.compile(f"^{re.escape(swedish(action))}"))


def respondents(page: Page):
    """The page's count of respondents (the first figure of its summary)."""
    return page.get_by_role("main").locator(".report-summary .figure").first


def unit_row(page: Page, name: str):
    """A unit's row in the page's table of units: its name, then its respondents, response rate and indices."""
    table = page.get_by_role("table", name=swedish("Respondents and index per principle and unit"), exact=True)
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))


HIDDEN_BECAUSE = "too few answers, or hidden to protect a smaller group"


def expect_hidden(figure) -> None:
    """A figure not shown: a dash, with the reason for screen readers (which of the two rules hid it is not said,
    since saying it could tell the size of the smaller group), and no number."""
    expect(figure).to_have_text("–" + swedish(HIDDEN_BECAUSE))


def expect_refused(page: Page, url: str, assert_accessible) -> None:
    """The page is refused as a page of the organisation refuses: 403 and the 403 page, not a 404 or a 500."""
    response = page.goto(url)
    assert response is not None, url
    assert response.status == 403, f"{url}: {response.status}"
    expect(page.get_by_role("heading", level=1, name=swedish("You may not do this"))).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(ROUND_NAME)
    assert_accessible(page)


# The barometer ----------------------------------------------------------------------------------------------------


@dataclass
class Barometer:
    round: Round
    units: dict[str, Unit]
    small_unit_member: Membership


# Members on each unit, and how many of them answer: Hemtjänst Syd is below the threshold (5).
STAFF = {"Hemtjänst Norr": (8, 7), "Hemtjänst Öst": (7, 6), "Hemtjänst Syd": (3, 2)}


@pytest.fixture
def barometer(request, organisation, home_unit, employee, manager, politician, make_member) -> Barometer:
    """A round of the whole steering chain (the default; another setting by indirect parametrisation), closed and
    sealed: 15 answers through personal links, 7 of them on the employee's Hemtjänst Norr, 6 on Hemtjänst Öst and 2
    on the small Hemtjänst Syd."""
    readers = getattr(request, "param", None)
    social = home_unit.parent
    units = {"Hemtjänst Norr": home_unit}
    for name in ("Hemtjänst Öst", "Hemtjänst Syd"):
        units[name] = organisation_actions.create_unit(
            organisation=organisation, name=name, kind=Unit.Kind.SECTION, parent=social, actor=None
        )
    # Hemtjänst Norr already has the employee and the manager.
    extra = {"Hemtjänst Norr": STAFF["Hemtjänst Norr"][0] - 2}
    members = {
        name: [make_member(organisation, unit=unit) for _n in range(extra.get(name, STAFF[name][0]))]
        for name, unit in units.items()
    }
    today = timezone.localdate()
    round = actions.create_round(
        organisation=organisation,
        name=ROUND_NAME,
        opens_on=today - datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=2),
        results_readers=readers,
    )
    assert round.results_readers == (readers or Round.ResultsReaders.CHAIN)
    actions.launch_round(round=round, site_url="http://testserver")
    round.refresh_from_db()
    items = list(Item.objects.filter(instrument=round.instrument, kind=Item.Kind.SCALE).order_by("position")[:6])
    for name, unit in units.items():
        answering = Invitation.objects.select_related("round").filter(round=round, unit=unit).order_by("pk")
        for number, invitation in enumerate(answering[: STAFF[name][1]]):
            actions.answer_with_invitation(
                round=round,
                token=actions.invitation_token(invitation),
                answers=actions.Answers(
                    {item.pk: 1 + (number + position) % 5 for position, item in enumerate(items)}, {}
                ),
            )
    round = actions.close_round(round=round)
    assert round.results_open
    return Barometer(round, units, members["Hemtjänst Syd"][0])


def test_a_politician_reads_the_organisations_results_and_no_unit(
    page, base_url, sign_in, assert_accessible, outside_requests, organisation, politician, barometer
):
    round = barometer.round
    sign_in(page, politician.email)
    expect(page.get_by_role("heading", level=1, name=organisation.name)).to_be_visible()
    assert_accessible(page)

    # From the start page, by clicking.
    ongoing_link(page, ROUND_NAME, "Read the results").click()
    organisation_page = base_url + reverse("barometer:report", args=[round.public_id])
    expect(page).to_have_url(organisation_page)
    expect(
        page.get_by_role("heading", level=1, name=swedish("Results for %(name)s", name=organisation.name))
    ).to_be_visible()
    main = page.get_by_role("main")
    expect(respondents(page)).to_have_text("15")
    expect(main.get_by_role("table", name=swedish("Index per principle"), exact=True)).to_be_visible()
    expect(main.get_by_role("table", name=swedish("Figures per statement"), exact=True)).to_be_visible()
    # The politician reads everything the organisation's page publishes, but opens no unit, level or actor group.
    expect(unit_row(page, "Hemtjänst Norr").get_by_role("cell").first).to_have_text("7")
    # Hemtjänst Syd is too small; Hemtjänst Öst is hidden too, or Syd would be the organisation minus Norr and Öst.
    expect_hidden(unit_row(page, "Hemtjänst Öst").get_by_role("cell").first)
    expect_hidden(unit_row(page, "Hemtjänst Syd").get_by_role("cell").first)
    expect(main.locator("table.breakdown").get_by_role("link")).to_have_count(0)
    expect(main.get_by_role("link", name="Hemtjänst Norr")).to_have_count(0)
    switcher = page.get_by_role("navigation", name=swedish("Show results for"))
    expect(switcher.get_by_role("link")).to_have_count(1)
    expect(switcher.get_by_role("link", name=swedish("The whole organisation"))).to_be_visible()
    assert_accessible(page)

    # And from the list of rounds.
    page.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Barometern").click()
    expect(page.get_by_role("heading", level=1, name="Styrningsbarometern")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("main").get_by_role("row").filter(has_text=ROUND_NAME).get_by_role("link").click()
    expect(page).to_have_url(organisation_page)

    # What the politician may not open is refused with the 403 page.
    level = Level.objects.get(organisation=organisation, rank=1)
    group = ActorGroup.objects.get(organisation=organisation, key=ActorGroup.Key.POLITICIAN)
    for url in (
        reverse("barometer:report_unit", args=[round.public_id, barometer.units["Hemtjänst Norr"].public_id]),
        reverse("barometer:report_unit", args=[round.public_id, home_unit_parent(barometer).public_id]),
        reverse("barometer:report_level", args=[round.public_id, level.public_id]),
        reverse("barometer:report_group", args=[round.public_id, group.public_id]),
        reverse("barometer:export_csv", args=[round.public_id]),
    ):
        expect_refused(page, base_url + url, assert_accessible)
    assert outside_requests == []


def home_unit_parent(barometer: Barometer) -> Unit:
    parent = barometer.units["Hemtjänst Norr"].parent
    assert parent is not None
    return parent


def test_an_employee_reads_their_own_unit_and_the_organisation(
    page, base_url, sign_in, assert_accessible, outside_requests, organisation, employee, barometer
):
    round = barometer.round
    sign_in(page, employee.email)
    link = ongoing_link(page, ROUND_NAME, "Read the results")
    expect(link).to_be_visible()
    assert_accessible(page)
    link.click()
    expect(
        page.get_by_role("heading", level=1, name=swedish("Results for %(name)s", name=organisation.name))
    ).to_be_visible()
    main = page.get_by_role("main")
    expect(respondents(page)).to_have_text("15")
    # The small unit is a dash in every column, never its count; the employee's own unit is shown, and linked for
    # them alone.
    small = unit_row(page, "Hemtjänst Syd")
    for cell in small.get_by_role("cell").all():
        expect(cell).to_contain_text("–")
    expect_hidden(small.get_by_role("cell").first)
    expect(unit_row(page, "Hemtjänst Norr").get_by_role("cell").first).to_have_text("7")
    expect(main.locator("table.breakdown").get_by_role("link")).to_have_count(1)
    assert_accessible(page)

    unit_row(page, "Hemtjänst Norr").get_by_role("link", name="Hemtjänst Norr").click()
    expect(
        page.get_by_role("heading", level=1, name=swedish("Results for %(name)s", name="Hemtjänst Norr"))
    ).to_be_visible()
    expect(respondents(page)).to_have_text("7")
    expect(
        page.get_by_role("main").get_by_role("table", name=swedish("Index per principle"), exact=True)
    ).to_be_visible()
    assert_accessible(page)

    # Back to the organisation through the switcher: the two pages the employee reads.
    switcher = page.get_by_role("navigation", name=swedish("Show results for"))
    expect(switcher.get_by_role("link")).to_have_count(2)
    switcher.get_by_role("link", name=swedish("The whole organisation")).click()
    expect(
        page.get_by_role("heading", level=1, name=swedish("Results for %(name)s", name=organisation.name))
    ).to_be_visible()

    for unit in (barometer.units["Hemtjänst Öst"], barometer.units["Hemtjänst Syd"], home_unit_parent(barometer)):
        expect_refused(
            page, base_url + reverse("barometer:report_unit", args=[round.public_id, unit.public_id]), assert_accessible
        )
    assert outside_requests == []


def test_the_staff_of_a_small_unit_see_their_units_figures_hidden_on_a_phone(
    page, sign_in, assert_accessible, outside_requests, organisation, barometer
):
    page.set_viewport_size({"width": 375, "height": 740})  # on a phone
    sign_in(page, barometer.small_unit_member.user.email)
    link = ongoing_link(page, ROUND_NAME, "Read the results")
    expect(link).to_be_visible()
    assert_accessible(page)
    link.click()
    expect(
        page.get_by_role("heading", level=1, name=swedish("Results for %(name)s", name=organisation.name))
    ).to_be_visible()
    expect_hidden(unit_row(page, "Hemtjänst Syd").get_by_role("cell").first)
    assert_accessible(page)
    page.get_by_role("navigation", name=swedish("Show results for")).get_by_role("link", name="Hemtjänst Syd").click()
    expect(
        page.get_by_role("heading", level=1, name=swedish("Results for %(name)s", name="Hemtjänst Syd"))
    ).to_be_visible()
    main = page.get_by_role("main")
    expect_hidden(respondents(page))
    either = "They are shown when this group and the groups around it have at least %(k)s respondents each."
    expect(main.locator(".notice")).to_contain_text(swedish(either, k=barometer.round.k))
    expect(main.get_by_role("table")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert_accessible(page)
    assert outside_requests == []


@pytest.mark.parametrize("barometer", [Round.ResultsReaders.LEADERS], indirect=True)
def test_results_to_leaders_only_do_not_reach_the_politician_or_the_employee(
    page, base_url, sign_in, assert_accessible, outside_requests, organisation, politician, employee, barometer
):
    round = barometer.round
    for person in (politician, employee):
        page.context.clear_cookies()
        sign_in(page, person.email)
        expect(page.get_by_role("heading", level=1, name=organisation.name)).to_be_visible()
        expect(page.get_by_role("region", name=swedish("Ongoing work"))).not_to_contain_text(ROUND_NAME)
        assert_accessible(page)
        page.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Barometern").click()
        row = page.get_by_role("main").get_by_role("row").filter(has_text=ROUND_NAME)
        expect(row).to_contain_text(
            swedish(str(Round.ResultsReaders.LEADERS.label))
        )  # who reads them instead of a link
        expect(row.get_by_role("link")).to_have_count(0)
        assert_accessible(page)
        expect_refused(page, base_url + reverse("barometer:report", args=[round.public_id]), assert_accessible)
    expect_refused(
        page,
        base_url
        + reverse("barometer:report_unit", args=[round.public_id, barometer.units["Hemtjänst Norr"].public_id]),
        assert_accessible,
    )
    assert outside_requests == []


# A workshop -------------------------------------------------------------------------------------------------------


@pytest.fixture
def published_workshop(organisation, home_unit, facilitator, employee, politician, make_member) -> Workshop:
    """A workshop led by the process leader, with the politician, the employee and three colleagues taking part;
    all six have rated, and the results are published."""
    today = timezone.localdate()
    workshop = workshop_actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title=WORKSHOP_TITLE,
        purpose="Att äldre med hemtjänst känner sig trygga med vem som kommer och när.",
        service_user_group="Äldre med hemtjänst i Norrby",
        units=[home_unit],
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=7),
    )
    colleagues = [make_member(organisation, unit=home_unit) for _n in range(3)]
    people = [politician.memberships.get(), employee.memberships.get(), *colleagues]
    raters = [workshop.participants.get(membership__user=facilitator)]
    raters += workshop_actions.add_members(workshop=workshop, memberships=people)
    author = raters[0]
    goal = workshop_actions.propose(participant=author, kind="goal", title="Äldre känner sig trygga hemma")
    effect = workshop_actions.propose(participant=author, kind="effect", title="Jag vet vem som kommer")
    activity = workshop_actions.propose(participant=author, kind="activity", title="Fast omsorgskontakt")
    workshop_actions.link(source=effect, target=goal)
    workshop_actions.link(source=activity, target=effect)
    workshop_actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    for rater in raters:
        workshop_actions.rate_effect(participant=rater, effect=effect, importance=4, achievement=2)
        workshop_actions.rate_contribution(participant=rater, activity=activity, effect=effect, value=3)
    return workshop_actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)


def read_workshop_results(page: Page, assert_accessible) -> None:
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1, name=swedish("Results"))).to_be_visible()
    expect(page).to_have_title(re.compile(re.escape(WORKSHOP_TITLE)))
    expect(main).to_contain_text(rated_by(6))
    ranked = page.get_by_role("table", name="Förväntat bidrag (0–3) med ett osäkerhetsintervall på 95 %")
    expect(ranked.get_by_role("row").filter(has_text="Fast omsorgskontakt").get_by_role("cell")).to_have_text(
        ["1", "3,00", "3,00–3,00", "6"]
    )
    expect(page.get_by_role("img", name="Prioriteringskvadrant")).to_be_visible()
    expect(page.get_by_role("button", name="Registrera beslutet")).to_have_count(0)
    assert_accessible(page)


def test_a_politician_who_took_part_reads_a_workshops_results_from_the_start_page(
    page, sign_in, assert_accessible, outside_requests, politician, published_workshop
):
    sign_in(page, politician.email)
    link = ongoing_link(page, WORKSHOP_TITLE, "Read the results")
    expect(link).to_be_visible()
    assert_accessible(page)
    link.click()
    read_workshop_results(page, assert_accessible)
    assert outside_requests == []


def test_an_employee_who_took_part_reads_a_workshops_results_from_their_list(
    page, sign_in, assert_accessible, outside_requests, employee, published_workshop
):
    sign_in(page, employee.email)
    expect(ongoing_link(page, WORKSHOP_TITLE, "Read the results")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Organisation", exact=True).get_by_role("link", name="Arbetsmöten").click()
    expect(page.get_by_role("heading", level=1, name="Arbetsmöten")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name=WORKSHOP_TITLE).click()
    expect(page.get_by_role("heading", level=1, name=WORKSHOP_TITLE)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Resultat", exact=True).click()
    read_workshop_results(page, assert_accessible)
    assert outside_requests == []
