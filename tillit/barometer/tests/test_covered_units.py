"""The units a round covers: chosen before it opens (none: the whole organisation), each with everything below it.
Only their members are invited and counted, the open link takes answers for them only, the results cover only
them, the choice is fixed when the round opens, and another organisation's unit is refused."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from tillit.barometer import actions, queries, reporting
from tillit.barometer.models import CoveredUnit, Invitation, PopulationCount, Round, covered_tree
from tillit.barometer.reporting import TOTAL, group_cell, level_cell, unit_cell
from tillit.barometer.tests.test_report_properties import atoms_of, small_crossings
from tillit.barometer.tests.test_responding import open_url, received, respondent, some_answers
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Level, Membership, Organisation, Unit
from tillit.privacy.audit import determined

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
CREATE = "/o/norrby/barometer/new/"
NOT_COVERED = "This survey covers only some of the organisation's units. Choose one of those listed."
OTHER_UNIT = "Choose the units from the organisation's own list."
FIXED = "The round has opened; the units it covers can no longer change."
FIXED_HELP = "The round has opened; the units it covers can no longer change (none chosen: the whole organisation)."


def page(response) -> str:
    return response.content.decode()


def sv(message: str) -> str:
    """A message as the Swedish page shows it (HTML-escaped), from the catalogue."""
    with translation.override("sv"):
        return escape(gettext(message))


def manage_url(round: Round, action: str = "") -> str:
    return f"/b/{round.public_id}/manage/{action}"


def round_data(*units: Unit, **changes: str) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "name": "Barometern för socialtjänsten",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=14)).isoformat(),
        "units": [str(unit.public_id) for unit in units],
    }
    data.update(changes)
    return data


@dataclass(frozen=True)
class Tree:
    """Norrby: Socialförvaltningen with Hemtjänst Norr and Hemtjänst Syd below it, and Kulturförvaltningen with
    Biblioteket below it."""

    social: Unit
    north: Unit
    south: Unit
    culture: Unit
    library: Unit


@pytest.fixture
def units(organisation: Organisation, home_unit: Unit) -> Tree:
    def unit(name: str, parent: Unit | None) -> Unit:
        return organisation_actions.create_unit(
            organisation=organisation, name=name, kind=Unit.Kind.SECTION, parent=parent, actor=None
        )

    culture = unit("Kulturförvaltningen", None)
    return Tree(
        home_unit.parent, home_unit, unit("Hemtjänst Syd", home_unit.parent), culture, unit("Biblioteket", culture)
    )


@pytest.fixture
def people(organisation: Organisation, units: Tree, make_member) -> dict[str, list[Membership]]:
    """Members on every unit, and one placed on no unit: by where they are placed."""
    return {
        "social": [make_member(organisation, unit=units.social)],
        "north": [make_member(organisation, unit=units.north) for _ in range(6)],
        "south": [make_member(organisation, unit=units.south) for _ in range(5)],
        "culture": [make_member(organisation, unit=units.culture)],
        "library": [make_member(organisation, unit=units.library) for _ in range(3)],
        "nowhere": [make_member(organisation)],
    }


def addresses(members: list[Membership]) -> set[str]:
    return {member.user.email for member in members}


def make_covering(organisation: Organisation, *chosen: Unit, launched: bool = True) -> Round:
    today = timezone.localdate()
    round = actions.create_round(
        organisation=organisation,
        name="Barometern för socialtjänsten",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=14),
        units=chosen,
    )
    if launched:
        actions.launch_round(round=round, site_url=SITE)
        round.refresh_from_db()
    return round


# The tree a round covers --------------------------------------------------------------------------------------


def test_a_chosen_unit_covers_everything_below_it_and_keeps_the_units_above_as_structure():
    parents = {1: None, 2: 1, 3: 2, 4: 2, 5: 1, 6: None, 7: 6}
    assert covered_tree(parents, frozenset()) == parents
    assert covered_tree(parents, frozenset({2})) == {1: None, 2: 1, 3: 2, 4: 2}
    assert covered_tree(parents, frozenset({3, 7})) == {1: None, 2: 1, 3: 2, 6: None, 7: 6}
    assert covered_tree(parents, frozenset({1, 3})) == {1: None, 2: 1, 3: 2, 4: 2, 5: 1}  # 3 is inside 1 already
    assert covered_tree(parents, frozenset({99})) == {}  # a unit not in the tree covers nothing


def test_a_round_covers_the_whole_organisation_unless_units_are_chosen(
    client, organisation, facilitator, units, people
):
    client.force_login(facilitator)
    form = page(client.get(CREATE))
    assert "Kulturförvaltningen / Biblioteket" in form
    assert str(units.library.public_id) in form

    created = client.post(CREATE, round_data())
    round = Round.objects.get(organisation=organisation)
    assert created.status_code == 302
    assert round.covers_everyone
    assert round.covered_unit_ids() == frozenset(
        Unit.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    detail = page(client.get(manage_url(round)))
    assert sv("The whole organisation") in detail
    everyone = sum(len(members) for members in people.values()) + 1  # the facilitator too
    assert queries.members_to_invite(round) == everyone


# Invitations and population -----------------------------------------------------------------------------------


def test_only_members_placed_in_the_covered_units_are_invited_and_counted(
    client, organisation, facilitator, units, people
):
    client.force_login(facilitator)
    created = client.post(CREATE, round_data(units.social))
    assert created.status_code == 302
    round = Round.objects.get(organisation=organisation)
    covered = people["social"] + people["north"] + people["south"]
    assert queries.members_to_invite(round) == len(covered) == 12
    detail = page(client.get(manage_url(round)))
    assert "Socialförvaltningen" in detail
    assert sv("The whole organisation") not in detail
    confirm = page(client.get(manage_url(round, "open/")))
    assert "12" in confirm
    assert "Socialförvaltningen" in confirm
    mail.outbox.clear()

    client.post(manage_url(round, "open/"))

    round.refresh_from_db()
    assert round.is_launched
    invited = set(Invitation.objects.filter(round=round).values_list("email", flat=True))
    assert invited == addresses(covered)
    assert {address for message in mail.outbox for address in message.to} == addresses(covered)
    # Those on Kulturförvaltningen, on Biblioteket, or on no unit (the facilitator too) are neither invited nor
    # counted.
    snapshot = PopulationCount.objects.filter(round=round)
    assert sum(snapshot.values_list("count", flat=True)) == 12
    assert set(snapshot.values_list("unit_id", flat=True)) == {units.social.pk, units.north.pk, units.south.pk}
    assert set(round.parents()) == {units.social.pk, units.north.pk, units.south.pk}
    assert round.covered_unit_ids() == {units.social.pk, units.north.pk, units.south.pk}


def test_a_unit_deep_in_the_tree_keeps_the_units_above_it_as_structure_only(organisation, units, people):
    round = make_covering(organisation, units.north)

    assert set(Invitation.objects.filter(round=round).values_list("email", flat=True)) == addresses(people["north"])
    assert round.parents() == {units.social.pk: None, units.north.pk: units.social.pk}
    assert round.covered_unit_ids() == {units.north.pk}
    # Nobody placed on Socialförvaltningen itself is in the population: it is there for the tree's shape.
    assert set(PopulationCount.objects.filter(round=round).values_list("unit_id", flat=True)) == {units.north.pk}


# The open link ------------------------------------------------------------------------------------------------


def test_the_open_link_offers_only_the_covered_units_and_refuses_answers_naming_others(
    client, organisation, units, people
):
    round = make_covering(organisation, units.north)

    offered = page(client.get(open_url(round)))
    assert str(units.north.public_id) in offered
    for other in (units.social, units.south, units.culture, units.library):
        assert str(other.public_id) not in offered
    for other in (units.library, units.social):  # outside, and above the covered unit
        named = Client().post(open_url(round), respondent(other, organisation) | some_answers(round))
        assert named.status_code == 400
        assert sv(NOT_COVERED) in page(named)
        with pytest.raises(actions.BarometerError) as refusal:
            actions.answer_openly(
                round=round,
                unit=other,
                level=None,
                actor_group=None,
                answers=actions.clean_answers(round, {"trust_1": "4"}, {}),
            )
        assert refusal.value.messages == [gettext(NOT_COVERED)]
    assert received(round) == 0

    covered = Client().post(open_url(round), respondent(units.north, organisation) | some_answers(round))
    assert covered.status_code == 302
    assert received(round) == 1


# The results --------------------------------------------------------------------------------------------------


def test_the_results_cover_only_the_covered_units(organisation, units, people, add_responses):
    round = make_covering(organisation, units.social)
    add_responses(round, units.north, 6)
    add_responses(round, units.south, 5)
    round = actions.close_round(round=round)

    report = reporting.build_report(round)

    assert report.cell(TOTAL).respondents == 11
    assert report.cell(TOTAL).population == 12  # the covered members, not the organisation's 17
    assert report.cell(unit_cell(units.social.pk)).population == 12
    assert report.cell(unit_cell(units.north.pk)).population == 6
    for outside in (units.culture, units.library):
        assert unit_cell(outside.pk) not in report.cells
    assert set(round.parents()) == {units.social.pk, units.north.pk, units.south.pk}


def test_the_report_page_lists_only_the_covered_units(client, organisation, units, people, add_responses, facilitator):
    round = make_covering(organisation, units.social)
    add_responses(round, units.north, 6)
    add_responses(round, units.south, 5)
    round = actions.close_round(round=round)
    client.force_login(facilitator)

    html = page(client.get(f"/b/{round.public_id}/results/"))

    assert "Hemtjänst Norr" in html
    assert "Hemtjänst Syd" in html
    assert "Kulturförvaltningen" not in html
    assert "Biblioteket" not in html


def test_a_unit_above_the_covered_one_shows_the_same_people_as_the_covered_unit(
    organisation, units, people, add_responses
):
    round = make_covering(organisation, units.north)
    add_responses(round, units.north, 6)
    round = actions.close_round(round=round)

    report = reporting.build_report(round)

    total, above, north = (report.cell(key) for key in (TOTAL, unit_cell(units.social.pk), unit_cell(units.north.pk)))
    assert total.respondents == above.respondents == north.respondents == 6
    assert total.population == above.population == north.population == 6
    assert unit_cell(units.south.pk) not in report.cells


def test_nothing_hidden_in_a_covered_round_follows_from_what_is_shown(organisation, units, people, add_responses):
    # Hemtjänst Norr meets k = 5 and Hemtjänst Syd (2) does not: Socialförvaltningen minus Hemtjänst Norr, or the
    # total minus it, would give Syd's two, so the engine must hide enough on the covered tree it is given.
    round = make_covering(organisation, units.social)
    level = Level.objects.get(organisation=organisation, rank=5)
    add_responses(round, units.north, 6, level=level)
    add_responses(round, units.south, 2, level=level, seed=1)
    round = actions.close_round(round=round)

    report = reporting.build_report(round)

    parents = round.parents()
    assert set(parents) == {units.social.pk, units.north.pk, units.south.pk}
    respondents = queries.report_answers(round, len(report.scale_items)).respondents
    keys = [TOTAL, *(unit_cell(unit) for unit in parents)]
    keys += [level_cell(value) for value in {atom[1] for atom in respondents}]
    keys += [group_cell(value) for value in {atom[2] for atom in respondents}]
    cells = {key: atoms_of(key, parents, respondents) for key in keys}
    shown = {key for key in keys if report.cell(key).shown}
    assert not report.cell(unit_cell(units.south.pk)).shown
    hidden = {key: cells[key] for key in keys if key not in shown}
    small = small_crossings(parents, respondents, round.k)
    assert not determined(respondents, (cells[key] for key in shown), {**hidden, **small})


# Fixed when the round opens -----------------------------------------------------------------------------------


def test_the_units_can_change_until_the_round_opens(client, organisation, facilitator, units, people):
    round = make_covering(organisation, units.north, launched=False)
    client.force_login(facilitator)

    changed = client.post(manage_url(round, "edit/"), round_data(units.south, units.library))
    assert changed.status_code == 302
    assert round.chosen_unit_ids() == {units.south.pk, units.library.pk}
    cleared = client.post(manage_url(round, "edit/"), round_data())
    assert cleared.status_code == 302
    assert round.covers_everyone
    assert not CoveredUnit.objects.filter(round=round).exists()


def test_the_units_cannot_change_after_the_round_opens(client, organisation, facilitator, units, people):
    round = make_covering(organisation, units.north)
    client.force_login(facilitator)

    form = page(client.get(manage_url(round, "edit/")))
    assert sv(FIXED_HELP) in form
    checkbox = form[
        form.index(f'value="{units.north.public_id}"') - 200 : form.index(f'value="{units.north.public_id}"') + 200
    ]
    assert "disabled" in checkbox
    assert "checked" in checkbox

    # A page opened before the round opened, sending other units: refused, nothing changes.
    stale = client.post(manage_url(round, "edit/"), round_data(units.south, name="Nytt namn"))
    assert stale.status_code == 200
    assert sv(FIXED) in page(stale)
    round.refresh_from_db()
    assert round.name == "Barometern för socialtjänsten"
    assert round.chosen_unit_ids() == {units.north.pk}

    # The disabled field sends nothing: the rest of the round is saved, its units kept.
    saved = client.post(
        manage_url(round, "edit/"), round_data(name="Nytt namn", opens_on=round.opens_on.isoformat()) | {"units": []}
    )
    assert saved.status_code == 302
    round.refresh_from_db()
    assert round.name == "Nytt namn"
    assert round.chosen_unit_ids() == {units.north.pk}

    for other in ([units.south], []):
        with pytest.raises(actions.BarometerError) as refusal:
            actions.update_round(
                round=round, name="Annat", opens_on=round.opens_on, closes_on=round.closes_on, units=other
            )
        assert refusal.value.messages == [gettext(FIXED)]
    round.refresh_from_db()
    assert round.name == "Nytt namn"
    assert round.chosen_unit_ids() == {units.north.pk}
    detail = page(client.get(manage_url(round)))
    assert sv("(fixed when the round opened)") in detail


# Another organisation's units ----------------------------------------------------------------------------------


def test_a_unit_of_another_organisation_is_refused_and_nothing_is_saved(
    client, organisation, other_organisation, facilitator, units
):
    foreign = Unit.objects.get(organisation=other_organisation)
    client.force_login(facilitator)

    for value in (str(foreign.public_id), "not-a-unit"):
        refused = client.post(CREATE, round_data(units.north) | {"units": [str(units.north.public_id), value]})
        assert refused.status_code == 200
        assert sv(OTHER_UNIT) in page(refused)
    assert not Round.objects.exists()

    round = make_covering(organisation, units.north, launched=False)
    refused = client.post(manage_url(round, "edit/"), round_data(foreign, name="Nytt namn"))
    assert refused.status_code == 200
    assert sv(OTHER_UNIT) in page(refused)
    round.refresh_from_db()
    assert round.name == "Barometern för socialtjänsten"
    assert round.chosen_unit_ids() == {units.north.pk}

    with pytest.raises(actions.BarometerError) as refusal:
        make_covering(organisation, foreign, launched=False)
    assert refusal.value.messages == [gettext(OTHER_UNIT)]
    with pytest.raises(actions.BarometerError):
        actions.update_round(
            round=round, name="Annat", opens_on=round.opens_on, closes_on=round.closes_on, units=[foreign]
        )
    assert Round.objects.filter(organisation=organisation).count() == 1
    assert round.chosen_unit_ids() == {units.north.pk}
