"""When a round's results open: once it is closed and sealed, never by reading. A round whose closing date passed
without anyone closing it waits, with its pages saying that the results are being prepared, until
`actions.seal_due_rounds` (`manage.py seal_rounds`) or a process leader's "Publish the results" seals it."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from tillit.barometer import actions, queries, reporting
from tillit.barometer.models import Item, PendingResponse, Response, Round

pytestmark = pytest.mark.django_db

BEING_PREPARED = (
    "The round has closed and its results are being prepared: the last answers are being mixed in with the others."
)


def in_swedish(msgid: str) -> str:
    with translation.override("sv"):
        return escape(gettext(msgid))


def results_url(round: Round) -> str:
    return f"/b/{round.public_id}/results/"


def close_url(round: Round) -> str:
    return f"/b/{round.public_id}/manage/close/"


def answer_into_inbox(round: Round, unit, count: int) -> None:
    """`count` answers waiting in the round's inbox, fewer than a batch: none of them mixed yet."""
    item = Item.objects.filter(instrument=round.instrument, kind=Item.Kind.SCALE).first()
    for _number in range(count):
        actions._put_in_inbox(round, unit.pk, None, None, actions.Answers({item.pk: 4}, {}), verified=True)


def let_the_closing_date_pass(round: Round) -> Round:
    Round.objects.filter(pk=round.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    return Round.objects.select_related("organisation", "instrument").get(pk=round.pk)


@pytest.fixture
def overdue(organisation, home_unit, make_round) -> Round:
    """A round with six answers in its inbox whose closing date passed yesterday; nobody has closed it."""
    round = make_round(organisation)
    answer_into_inbox(round, home_unit, 6)
    return let_the_closing_date_pass(round)


def test_a_round_past_its_closing_date_is_closed_but_its_results_are_not_open(overdue):
    assert overdue.is_closed
    assert overdue.awaits_sealing
    assert not overdue.results_open


def test_reading_the_report_never_seals_a_round(overdue):
    with pytest.raises(reporting.ResultsNotOpen):
        reporting.round_report(overdue)

    overdue.refresh_from_db()
    assert overdue.sealed_at is None
    assert PendingResponse.objects.filter(round=overdue).count() == 6
    assert not Response.objects.filter(round=overdue).exists()


def test_every_results_page_and_download_says_the_results_are_being_prepared(
    client, facilitator, manager, home_unit, overdue
):
    client.force_login(facilitator)
    page = client.get(results_url(overdue))
    download = client.get(f"/b/{overdue.public_id}/results.csv")
    client.force_login(manager)
    unit_page = client.get(f"{results_url(overdue)}unit/{home_unit.public_id}/")

    for response, status in ((page, 403), (download, 403), (unit_page, 403)):
        assert response.status_code == status
        assert in_swedish(BEING_PREPARED) in response.content.decode()
        assert "Content-Disposition" not in response
    assert PendingResponse.objects.filter(round=overdue).count() == 6


def test_the_process_leader_publishes_the_results_of_a_round_nobody_closed(client, facilitator, overdue):
    client.force_login(facilitator)
    round_page = client.get(f"/b/{overdue.public_id}/manage/").content.decode()
    confirm = client.get(close_url(overdue))

    assert in_swedish("Publish the results") in round_page
    assert confirm.status_code == 200
    assert in_swedish("Publish the results?") in confirm.content.decode()
    assert PendingResponse.objects.filter(round=overdue).count() == 6

    response = client.post(close_url(overdue), follow=True)

    overdue.refresh_from_db()
    assert overdue.results_open
    assert overdue.closed_at is None  # it closed on its date, not when it was published
    assert not PendingResponse.objects.filter(round=overdue).exists()
    assert Response.objects.filter(round=overdue).count() == 6
    assert in_swedish("The results are open.") in [escape(str(message)) for message in response.context["messages"]]
    assert client.get(results_url(overdue)).status_code == 200


def test_publishing_twice_is_refused_and_changes_nothing(client, facilitator, overdue):
    client.force_login(facilitator)
    client.post(close_url(overdue))
    ids = set(Response.objects.values_list("pk", flat=True))

    response = client.post(close_url(overdue), follow=True)

    assert "Omgången är redan stängd." in [str(message) for message in response.context["messages"]]
    assert set(Response.objects.values_list("pk", flat=True)) == ids


def test_an_employee_cannot_publish(client, employee, overdue):
    client.force_login(employee)

    assert client.post(close_url(overdue)).status_code == 403
    overdue.refresh_from_db()
    assert overdue.sealed_at is None


def test_seal_due_rounds_seals_the_closed_rounds_and_leaves_the_open_ones(organisation, home_unit, make_round, overdue):
    running = make_round(organisation, name="Pågående")
    answer_into_inbox(running, home_unit, 2)
    draft = make_round(organisation, launched=False, name="Utkastet")

    done = actions.seal_due_rounds()

    assert done == actions.Sealing(sealed=1, failed=0)
    assert Round.objects.get(pk=overdue.pk).results_open
    assert Round.objects.get(pk=running.pk).sealed_at is None
    assert PendingResponse.objects.filter(round=running).count() == 2
    assert Round.objects.get(pk=draft.pk).sealed_at is None
    assert actions.seal_due_rounds() == actions.Sealing(sealed=0, failed=0)


def test_the_seal_rounds_command_seals_and_says_how_many(capsys, overdue):
    call_command("seal_rounds")

    assert "Sealed 1 round(s)." in capsys.readouterr().out
    assert Round.objects.get(pk=overdue.pk).results_open


def test_the_trend_compares_only_with_a_round_whose_results_are_open(organisation, home_unit, make_round):
    today = timezone.localdate()
    earlier = make_round(organisation, name="Våren", opens_on=today - datetime.timedelta(days=90))
    answer_into_inbox(earlier, home_unit, 6)
    earlier = let_the_closing_date_pass(earlier)
    round = actions.close_round(round=make_round(organisation, name="Hösten"))

    assert queries.previous_round(round) is None  # closed, but not sealed: no published figures to compare with
    actions.seal_due_rounds()
    assert queries.previous_round(round) == earlier


def test_a_manager_sees_that_the_results_of_a_closed_round_are_being_prepared(client, manager, overdue):
    client.force_login(manager)

    body = client.get("/o/norrby/barometer/").content.decode()

    assert overdue.name in body
    assert in_swedish("Results being prepared") in body
    assert f"/b/{overdue.public_id}/results/" not in body
