"""What fixes a round's results: the threshold and unit tree at opening, the lock that closing shares with
answering, and the rewrite of the "has answered" flags when it closes."""

from __future__ import annotations

import pytest
from django.db import connection

from tillit.barometer import actions, reporting
from tillit.barometer.models import Invitation, Item, Response
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Unit

pytestmark = pytest.mark.django_db


def one_answer(round):
    item = Item.objects.filter(instrument=round.instrument, kind=Item.Kind.SCALE).first()
    return actions.Answers({item.pk: 4}, {})


def test_an_answer_sent_as_the_round_closes_is_refused(organisation, home_unit, make_round):
    round = make_round(organisation)
    stale = type(round).objects.get(pk=round.pk)  # loaded by the request before the round closed
    actions.close_round(round=round)

    with pytest.raises(actions.BarometerError):
        actions.answer_openly(round=stale, unit=home_unit, level=None, actor_group=None, answers=one_answer(stale))
    assert not Response.objects.exists()


def test_the_threshold_is_the_one_the_round_opened_with(organisation, home_unit, make_round, add_responses):
    round = make_round(organisation)
    add_responses(round, home_unit, 4)
    organisation.anonymity_threshold = 3
    organisation.save()
    round.refresh_from_db()

    assert round.k == 5
    assert reporting.build_report(round).cell(reporting.TOTAL).respondents is reporting.HIDDEN


def test_moving_a_unit_after_opening_does_not_move_its_answers(organisation, home_unit, make_round, add_responses):
    social = home_unit.parent
    other = organisation_actions.create_unit(
        organisation=organisation, name="Individ- och familjeomsorg", kind=Unit.Kind.SECTION, parent=social, actor=None
    )
    small = organisation_actions.create_unit(
        organisation=organisation, name="Nattpatrullen", kind=Unit.Kind.TEAM, parent=social, actor=None
    )
    round = make_round(organisation)
    add_responses(round, home_unit, 10)
    add_responses(round, other, 11, seed=1)
    add_responses(round, small, 3, seed=2)
    before = reporting.build_report(round)
    organisation_actions.move_unit(unit=small, new_parent=other, actor=None)
    round.refresh_from_db()
    after = reporting.build_report(round)

    for unit in (social, home_unit, other, small):
        assert after.cell(reporting.unit_cell(unit.pk)) == before.cell(reporting.unit_cell(unit.pk))


def test_live_results_cannot_be_switched_on_once_the_round_has_opened(organisation, make_round):
    round = make_round(organisation)
    with pytest.raises(actions.BarometerError):
        actions.update_round(
            round=round, name=round.name, opens_on=round.opens_on, closes_on=round.closes_on, live_results=True
        )
    round.refresh_from_db()
    assert not round.live_results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row versions (xmin) are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_closing_rewrites_every_answered_flag_so_no_row_version_pairs_it_with_a_response(
    organisation, employee, facilitator, make_round
):
    round = make_round(organisation)
    for invitation in Invitation.objects.select_related("round").filter(round=round):
        actions.answer_with_invitation(
            round=round, token=actions.invitation_token(invitation), answers=one_answer(round)
        )

    def shared_versions() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM barometer_invitation i JOIN barometer_response r ON i.xmin = r.xmin "
                "WHERE i.round_id = %s",
                [round.pk],
            )
            return cursor.fetchone()[0]

    assert shared_versions() > 0  # the test can see the pairing it guards against
    actions.close_round(round=round)
    assert shared_versions() == 0
    assert type(round).objects.get(pk=round.pk).sealed_at is not None


def test_a_unit_made_after_opening_has_its_answers_counted_where_it_is(
    organisation, home_unit, make_round, add_responses
):
    round = make_round(organisation)
    team = organisation_actions.create_unit(
        organisation=organisation, name="Team Öst", kind=Unit.Kind.TEAM, parent=home_unit, actor=None
    )
    add_responses(round, team, 6)
    round.refresh_from_db()
    report = reporting.build_report(round)
    assert report.cell(reporting.unit_cell(team.pk)).respondents == 6
    assert report.cell(reporting.unit_cell(home_unit.pk)).respondents == 6
