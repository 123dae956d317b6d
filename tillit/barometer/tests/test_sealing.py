"""What fixes a round's results and hides the order of its answers: the threshold and unit tree at opening, the
lock that closing shares with answering, the inbox whose batches are mixed in a random order, and the rewrite of
the "has answered" flags with each batch and when the round closes."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection
from django.test import override_settings
from django.utils import timezone

from tillit.barometer import actions, reporting
from tillit.barometer.models import Answer, Invitation, Item, OpenAnswer, PendingResponse, Response, Round
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Unit

pytestmark = pytest.mark.django_db

BATCH = 20  # BAROMETER_MIX_BATCH's default


def one_answer(round):
    item = Item.objects.filter(instrument=round.instrument, kind=Item.Kind.SCALE).first()
    return actions.Answers({item.pk: 4}, {})


def numbered_answer(round, number: int) -> actions.Answers:
    """Answers that say which submission they were (up to 125): three scale items spell the number in base 5."""
    first, second, third = Item.objects.filter(instrument=round.instrument, kind=Item.Kind.SCALE)[:3]
    return actions.Answers({first.pk: 1 + number // 25, second.pk: 1 + number // 5 % 5, third.pk: 1 + number % 5}, {})


def number_of(packed: bytes) -> int:
    return (packed[0] - 1) * 25 + (packed[1] - 1) * 5 + (packed[2] - 1)


@pytest.fixture
def staffed(organisation, make_member, home_unit):
    """A unit of 60 members, so that 40 and more answers fit under the open link's cap."""

    def make(size: int = 60) -> None:
        for _number in range(size):
            make_member(organisation, unit=home_unit, email=None)

    return make


def answer_openly(round, unit, answers) -> None:
    actions.answer_openly(round=round, unit=unit, level=None, actor_group=None, answers=answers)


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


def test_results_open_only_when_the_round_has_closed(organisation, make_round):
    draft = make_round(organisation, launched=False, name="Utkastet")
    running = make_round(organisation, name="Pågående")
    assert not draft.results_open
    assert not running.results_open
    assert actions.close_round(round=running).results_open


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

    def pairs(table: str) -> int:
        """Answered invitations whose row version was written by the same transaction as one row of `table`."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM barometer_invitation i JOIN {table} r ON i.xmin = r.xmin "  # noqa: S608
                "WHERE i.round_id = %s AND i.answered",
                [round.pk],
            )
            return cursor.fetchone()[0]

    assert pairs("barometer_pendingresponse") == 2  # the test can see the pairing it guards against
    actions.close_round(round=round)
    assert not PendingResponse.objects.exists()
    # One transaction wrote every response and rewrote every answered invitation: all of them share it, so it
    # pairs none with another.
    assert len(set(xmins("SELECT xmin FROM barometer_response WHERE round_id = %s", [round.pk]))) == 1
    assert pairs("barometer_response") == 2 * 2
    assert type(round).objects.get(pk=round.pk).sealed_at is not None


def test_a_unit_made_after_opening_is_not_in_the_rounds_tree_and_takes_no_answers(organisation, home_unit, make_round):
    round = make_round(organisation)
    team = organisation_actions.create_unit(
        organisation=organisation, name="Team Öst", kind=Unit.Kind.TEAM, parent=home_unit, actor=None
    )
    round.refresh_from_db()

    assert team.pk not in round.parents()
    assert home_unit.pk in round.parents()
    with pytest.raises(actions.BarometerError):
        answer_openly(round, team, one_answer(round))
    assert not PendingResponse.objects.exists()


# The inbox and its batches -------------------------------------------------------------------------------------


def test_answers_wait_in_the_inbox_until_a_batch_is_full_then_move_together(
    organisation, home_unit, staffed, make_round
):
    staffed()
    round = make_round(organisation)
    for number in range(BATCH - 1):
        answer_openly(round, home_unit, numbered_answer(round, number))
    assert PendingResponse.objects.filter(round=round).count() == BATCH - 1
    assert not Response.objects.filter(round=round).exists()
    waiting_ids = set(PendingResponse.objects.values_list("pk", flat=True))

    answer_openly(round, home_unit, numbered_answer(round, BATCH - 1))

    assert not PendingResponse.objects.exists()
    responses = list(Response.objects.filter(round=round))
    assert len(responses) == BATCH
    assert sorted(number_of(bytes(response.scale_answers)) for response in responses) == list(range(BATCH))
    assert not {response.pk for response in responses} & waiting_ids  # new ids, not the inbox's
    assert Answer.objects.filter(response__round=round).count() == 3 * BATCH
    assert all(not response.verified for response in responses)


def test_a_batch_is_never_smaller_than_the_rounds_k(organisation, make_round):
    round = make_round(organisation)
    with override_settings(BAROMETER_MIX_BATCH=2):
        assert actions.mix_batch_size(round) == round.k == 5
    with override_settings(BAROMETER_MIX_BATCH=30):
        assert actions.mix_batch_size(round) == 30


def test_a_batch_rewrites_the_answered_flags_of_its_invitations(organisation, home_unit, make_member, make_round):
    for _number in range(BATCH):
        make_member(organisation, unit=home_unit)
    round = make_round(organisation)
    invitations = list(Invitation.objects.select_related("round").filter(round=round))
    for invitation in invitations[: BATCH - 1]:
        actions.answer_with_invitation(
            round=round, token=actions.invitation_token(invitation), answers=one_answer(round)
        )
    assert Invitation.objects.filter(round=round, answered=True, awaiting_mix=True).count() == BATCH - 1

    actions.answer_with_invitation(
        round=round, token=actions.invitation_token(invitations[BATCH - 1]), answers=one_answer(round)
    )

    assert Invitation.objects.filter(round=round, answered=True).count() == BATCH
    assert not Invitation.objects.filter(round=round, awaiting_mix=True).exists()
    assert Response.objects.filter(round=round, verified=True).count() == BATCH


@pytest.mark.parametrize("batch", [20, 60])
def test_the_stored_order_of_a_batch_is_not_the_order_of_answering(organisation, home_unit, staffed, make_round, batch):
    """Rows are read in the order the database keeps them (PostgreSQL's ctid, SQLite's rowid). A random order of 20
    equals the order of answering with a chance of 1 in 20! (about 4 · 10^-19)."""
    staffed(batch)
    round = make_round(organisation)
    with override_settings(BAROMETER_MIX_BATCH=batch):
        for number in range(batch):
            answer_openly(round, home_unit, numbered_answer(round, number))
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT scale_answers FROM barometer_response WHERE round_id = %s ORDER BY {position}",  # noqa: S608
            [round.pk],
        )
        stored = [number_of(bytes(packed)) for (packed,) in cursor.fetchall()]
        cursor.execute(
            f"SELECT r.scale_answers FROM barometer_answer a JOIN barometer_response r ON r.id = a.response_id "  # noqa: S608
            f"WHERE r.round_id = %s ORDER BY a.{position}",
            [round.pk],
        )
        answer_order = list(dict.fromkeys(number_of(bytes(packed)) for (packed,) in cursor.fetchall()))
    assert sorted(stored) == list(range(batch))
    assert stored != list(range(batch))
    assert stored != list(range(batch))[::-1]
    assert answer_order != list(range(batch))


def test_a_failed_mix_loses_nothing_and_the_next_answer_mixes_it(
    organisation, home_unit, staffed, make_round, monkeypatch
):
    staffed()
    round = make_round(organisation)
    for number in range(BATCH - 1):
        answer_openly(round, home_unit, numbered_answer(round, number))

    def fail(*args, **kwargs):
        raise DatabaseError("the disk is full")

    with monkeypatch.context() as patched:
        patched.setattr(Answer.objects, "bulk_create", fail)
        answer_openly(round, home_unit, numbered_answer(round, BATCH - 1))  # stored; its mix fails

    assert PendingResponse.objects.filter(round=round).count() == BATCH
    assert not Response.objects.filter(round=round).exists()
    answer_openly(round, home_unit, numbered_answer(round, BATCH))
    assert not PendingResponse.objects.exists()
    assert Response.objects.filter(round=round).count() == BATCH + 1


def test_closing_mixes_a_small_tail_with_responses_already_mixed(organisation, home_unit, staffed, make_round):
    staffed()
    round = make_round(organisation)
    for number in range(BATCH + 3):
        answer_openly(round, home_unit, numbered_answer(round, number))
    first_batch = set(Response.objects.filter(round=round).values_list("pk", flat=True))
    assert len(first_batch) == BATCH
    assert PendingResponse.objects.count() == 3

    actions.close_round(round=round)

    after = set(Response.objects.filter(round=round).values_list("pk", flat=True))
    assert not PendingResponse.objects.exists()
    assert len(after) == BATCH + 3
    # The 3 were written together with 17 taken out of the first batch and stored again under new ids.
    assert len(first_batch - after) == BATCH - 3
    assert len(after - first_batch) == BATCH
    numbers = sorted(number_of(bytes(packed)) for packed in Response.objects.values_list("scale_answers", flat=True))
    assert numbers == list(range(BATCH + 3))
    assert Answer.objects.filter(response__round=round).count() == 3 * (BATCH + 3)


def test_closing_a_round_smaller_than_a_batch_mixes_all_of_it(organisation, home_unit, staffed, employee, make_round):
    staffed()
    round = make_round(organisation)
    item = Item.objects.filter(instrument=round.instrument, kind=Item.Kind.OPEN).first()
    for number in range(3):
        answer_openly(round, home_unit, numbered_answer(round, number))
    invitation = Invitation.objects.select_related("round").get(round=round, membership__user=employee)
    answers = actions.Answers(dict(numbered_answer(round, 3).scale), {item.pk: "Mer tid hos brukaren"})
    actions.answer_with_invitation(round=round, token=actions.invitation_token(invitation), answers=answers)

    sealed = actions.close_round(round=round)

    assert sealed.sealed_at is not None
    assert not PendingResponse.objects.exists()
    assert Response.objects.filter(round=round).count() == 4
    assert Response.objects.filter(round=round, verified=True).count() == 1
    assert list(OpenAnswer.objects.values_list("text", flat=True)) == ["Mer tid hos brukaren"]
    assert not Invitation.objects.filter(round=round, awaiting_mix=True).exists()
    assert reporting.build_report(sealed).cell(reporting.TOTAL).respondents is reporting.HIDDEN  # 4 < k


def test_sealing_an_already_sealed_round_changes_nothing(organisation, home_unit, staffed, make_round):
    staffed()
    round = make_round(organisation)
    for number in range(6):
        answer_openly(round, home_unit, numbered_answer(round, number))
    sealed = actions.close_round(round=round)
    ids = set(Response.objects.values_list("pk", flat=True))

    again = actions.seal_round(round=sealed)

    assert again.sealed_at == sealed.sealed_at
    assert set(Response.objects.values_list("pk", flat=True)) == ids


def xmins(sql: str, params: list) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [str(row[0]) for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row versions (xmin) are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_batch_and_its_rewritten_invitations_share_one_transaction_and_no_answer_pairs_with_its_invitation(
    organisation, home_unit, make_member, make_round
):
    for _number in range(BATCH + 2):
        make_member(organisation, unit=home_unit)
    round = make_round(organisation)
    invitations = list(Invitation.objects.select_related("round").filter(round=round).order_by("pk"))
    for invitation in invitations[: BATCH - 1]:
        actions.answer_with_invitation(
            round=round, token=actions.invitation_token(invitation), answers=one_answer(round)
        )
    # While an answer waits in the inbox, its row and its invitation's share a transaction: the test can see it.
    assert set(xmins("SELECT xmin FROM barometer_pendingresponse WHERE round_id = %s", [round.pk])) <= set(
        xmins("SELECT xmin FROM barometer_invitation WHERE round_id = %s AND answered", [round.pk])
    )

    actions.answer_with_invitation(
        round=round, token=actions.invitation_token(invitations[BATCH - 1]), answers=one_answer(round)
    )

    response_xmins = xmins("SELECT xmin FROM barometer_response WHERE round_id = %s", [round.pk])
    answer_xmins = xmins(
        "SELECT a.xmin FROM barometer_answer a JOIN barometer_response r ON r.id = a.response_id WHERE r.round_id = %s",
        [round.pk],
    )
    invitation_xmins = xmins("SELECT xmin FROM barometer_invitation WHERE round_id = %s AND answered", [round.pk])
    assert len(response_xmins) == len(invitation_xmins) == BATCH
    assert len(set(response_xmins)) == 1
    assert set(answer_xmins) == set(response_xmins)
    assert set(invitation_xmins) == set(response_xmins)  # all rewritten by the batch, none by its own answer
    unanswered = xmins("SELECT xmin FROM barometer_invitation WHERE round_id = %s AND NOT answered", [round.pk])
    assert not set(unanswered) & set(response_xmins)
    assert not PendingResponse.objects.exists()


def stored_row_versions(table: str) -> int:
    """Row versions that still hold data in the table's pages, dead ones included (pageinspect)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
        pages = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM generate_series(0, %s - 1) AS page, "
            "LATERAL heap_page_items(get_raw_page(%s, page::int)) WHERE t_data IS NOT NULL",
            [pages, table],
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM and row versions are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_after_a_batch_no_earlier_row_version_of_an_answer_or_invitation_is_left(
    organisation, home_unit, make_member, make_round
):
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    except DatabaseError:
        pytest.skip("pageinspect is not available to this database user")
    for _number in range(BATCH + 2):
        make_member(organisation, unit=home_unit)
    round = make_round(organisation)
    invitations = list(Invitation.objects.select_related("round").filter(round=round))
    for invitation in invitations[: BATCH - 1]:
        actions.answer_with_invitation(
            round=round, token=actions.invitation_token(invitation), answers=one_answer(round)
        )
    assert stored_row_versions("barometer_pendingresponse") == BATCH - 1
    assert stored_row_versions("barometer_invitation") > Invitation.objects.count()  # the test can see them

    actions.answer_with_invitation(
        round=round, token=actions.invitation_token(invitations[BATCH - 1]), answers=one_answer(round)
    )

    assert stored_row_versions("barometer_pendingresponse") == 0
    assert stored_row_versions("barometer_invitation") == Invitation.objects.count()
    assert stored_row_versions("barometer_response") == BATCH


def test_the_worker_seals_rounds_whose_date_has_passed(make_round, organisation, employee):
    from tillit.barometer import tasks

    round = make_round(organisation)
    Round.objects.filter(pk=round.pk).update(
        opens_on=timezone.localdate() - datetime.timedelta(days=20),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )

    assert tasks.seal_due_rounds.call() == {"sealed": 1, "failed": 0}
    assert Round.objects.get(pk=round.pk).sealed_at is not None
