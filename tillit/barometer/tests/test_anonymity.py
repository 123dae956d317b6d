"""The barometer's results tried as an attacker with ordinary access would: crossings, padding, free text, and
a second look after the tree changed."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tillit.barometer import actions, reporting
from tillit.barometer.models import Item, Round
from tillit.barometer.tests.test_responding import open_url, respondent, some_answers, visit
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import ActorGroup, Level, Unit

pytestmark = pytest.mark.django_db


def csv_url(round: Round) -> str:
    return f"/b/{round.public_id}/results.csv"


def respondents_rows(client: Client, round: Round) -> dict[tuple[str, str], dict[str, str]]:
    """The export's respondent count per group, keyed by (kind of view, name)."""
    text = client.get(csv_url(round)).content.decode("utf-8-sig")
    rows = csv.DictReader(io.StringIO(text), delimiter=";")
    return {(row["vy"], row["namn"]): row for row in rows if row["mått_kod"] == "respondents"}


def shown(row: dict[str, str]) -> bool:
    with translation.override("sv"):
        return row["visas"] == gettext("yes")


def test_a_level_minus_an_actor_group_does_not_give_the_support_staff_at_the_front_line(
    client, organisation, facilitator, make_round, add_responses
):
    # Two front-line teams with 7 employees and 1 support person each, and an office at the middle level with 6
    # managers and 5 support staff. Every unit, level and actor group meets k = 5, but level "front line" (16)
    # minus actor group "employees" (14) would be the 2 support staff at the front line, spread over both teams.
    top = Unit.objects.get(organisation=organisation, name="Hemtjänst Norr").parent
    north, south, office = (
        organisation_actions.create_unit(
            organisation=organisation, name=name, kind=Unit.Kind.TEAM, parent=top, actor=None
        )
        for name in ("Team norr", "Team söder", "Kansliet")
    )
    front = Level.objects.get(organisation=organisation, rank=5)
    middle = Level.objects.get(organisation=organisation, rank=3)
    employees, support, managers = (
        ActorGroup.objects.get(organisation=organisation, key=key)
        for key in (ActorGroup.Key.EMPLOYEE, ActorGroup.Key.SUPPORT_FUNCTION, ActorGroup.Key.MIDDLE_MANAGEMENT)
    )
    round = make_round(organisation)
    for team in (north, south):
        add_responses(round, team, 7, level=front, actor_group=employees)
        add_responses(round, team, 1, level=front, actor_group=support, seed=2)
    add_responses(round, office, 6, level=middle, actor_group=managers)
    add_responses(round, office, 5, level=middle, actor_group=support, seed=3)
    round = actions.close_round(round=round)
    client.force_login(facilitator)

    rows = respondents_rows(client, round)

    with translation.override("sv"):
        level_row = rows[(gettext("Level"), front.name)]
        group_row = rows[(gettext("Actor group"), employees.name)]
    assert not (shown(level_row) and shown(group_row))


def test_open_link_answers_do_not_lift_one_real_respondent_over_the_threshold(
    client, organisation, facilitator, employee, make_member, make_round
):
    # A team of six members: one answers through their personal link; someone with the open link adds four more,
    # hoping to read the one real answer off the team's figures (the cap allows it: 5 of 6 members).
    team = organisation_actions.create_unit(
        organisation=organisation,
        name="Nattpatrullen",
        kind=Unit.Kind.TEAM,
        parent=Unit.objects.get(organisation=organisation, name="Hemtjänst Norr").parent,
        actor=None,
    )
    real = make_member(organisation, unit=team).user
    for _number in range(5):
        make_member(organisation, unit=team)
    round = make_round(organisation)
    person = Client()
    person.force_login(real)
    assert person.post(visit(person, round, real), some_answers(round)).status_code == 302
    for _number in range(4):
        assert Client().post(open_url(round), respondent(team, organisation) | some_answers(round)).status_code == 302
    round = actions.close_round(round=round)
    client.force_login(facilitator)

    rows = respondents_rows(client, round)

    with translation.override("sv"):
        team_row = next(
            row for (view, name), row in rows.items() if view == gettext("Unit") and name.endswith(team.name)
        )
    assert not shown(team_row)
    assert team_row["svar"] == ""


def test_one_open_answer_among_a_units_respondents_is_not_shown(
    client, organisation, facilitator, home_unit, make_round, add_responses
):
    round = make_round(organisation)
    add_responses(round, home_unit, 1, texts={"open_value": "Att få komma hem till fru Lindqvist i lugn och ro."})
    add_responses(round, home_unit, 7, seed=4)
    round = actions.close_round(round=round)
    client.force_login(facilitator)

    page = client.get(f"/b/{round.public_id}/results/unit/{home_unit.public_id}/").content.decode()

    assert reporting.round_report(round).cell(reporting.unit_cell(home_unit.pk)).shown
    assert "fru Lindqvist" not in page
    assert "(1 svar)" not in page


def test_the_answers_to_a_question_are_shown_where_enough_wrote_one(
    client, organisation, facilitator, home_unit, make_round, add_responses
):
    round = make_round(organisation)
    add_responses(round, home_unit, 5, texts={"open_value": "Kontinuitet i personalen."})
    add_responses(round, home_unit, 3, seed=5)
    round = actions.close_round(round=round)
    client.force_login(facilitator)

    page = client.get(f"/b/{round.public_id}/results/unit/{home_unit.public_id}/").content.decode()

    assert "Kontinuitet i personalen." in page
    value = round.instrument.items.get(code="open_value")
    assert value.kind == Item.Kind.OPEN


def test_a_unit_made_after_opening_and_moved_after_closing_moves_no_answers_between_pages(
    client, organisation, facilitator, home_unit, make_member, make_round, add_responses
):
    # The review's example: a unit created after the round opened took answers through the open link and joined
    # the tree where it stood; moved to another department after closing, and the report rebuilt, its answers (and
    # free text) moved from one parent's page to another's, and the difference gave them.
    social = home_unit.parent
    other = organisation_actions.create_unit(
        organisation=organisation,
        name="Utbildningsförvaltningen",
        kind=Unit.Kind.ADMINISTRATION,
        parent=None,
        actor=None,
    )
    round = make_round(organisation)
    add_responses(round, home_unit, 6)
    add_responses(round, other, 6, seed=7)
    newcomer = organisation_actions.create_unit(
        organisation=organisation, name="Nya teamet", kind=Unit.Kind.TEAM, parent=social, actor=None
    )
    for _number in range(5):
        make_member(organisation, unit=newcomer)
    for _number in range(5):
        Client().post(open_url(round), respondent(newcomer, organisation) | some_answers(round))
    round = actions.close_round(round=round)
    client.force_login(facilitator)
    before = respondents_rows(client, round)

    organisation_actions.move_unit(unit=newcomer, new_parent=other, actor=None)
    cache.clear()
    after = respondents_rows(client, round)

    # The unit's path in the export follows the tree as it is now; its figures, and every parent's, do not.
    def figures(rows: dict) -> dict:
        return {(view, name.split(" / ")[-1]): row["svar"] for (view, name), row in rows.items()}

    assert figures(after) == figures(before)


def test_a_later_change_of_the_organisations_threshold_changes_no_published_figure(
    client, organisation, facilitator, home_unit, make_round, add_responses
):
    round = make_round(organisation)
    add_responses(round, home_unit, 4)
    round = actions.close_round(round=round)
    client.force_login(facilitator)
    before = respondents_rows(client, round)
    organisation.anonymity_threshold = 3
    organisation.save()
    cache.clear()

    after = respondents_rows(client, round)

    assert after == before


def test_the_organisations_page_says_how_many_answers_came_through_the_open_link(
    client, organisation, facilitator, home_unit, make_round, add_responses
):
    round = make_round(organisation)
    add_responses(round, home_unit, 6)
    add_responses(round, home_unit, 5, verified=False, seed=8)
    round = actions.close_round(round=round)
    client.force_login(facilitator)

    page = client.get(f"/b/{round.public_id}/results/").content.decode()

    assert reporting.round_report(round).unverified == 5
    assert "5 av svaren kom via den öppna länken" in page
