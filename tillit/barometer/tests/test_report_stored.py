"""A report page's figures are kept rendered (views.reports.figures_html), and never shown to a reader they were
not rendered for: what differs between readers (the earlier round of the trend, the links to units) is part of
what they are kept under."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tillit.barometer import actions
from tillit.barometer.models import Round

pytestmark = pytest.mark.django_db


def results_url(round: Round) -> str:
    return resolve_url("barometer:report", round=round.public_id)


def unit_url(round: Round, unit) -> str:
    return resolve_url("barometer:report_unit", round=round.public_id, unit=unit.public_id)


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def trend(html: str) -> str:
    start = html.index('id="trend-title"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def rounds(organisation, home_unit, small_unit, front_line, employees, make_round, add_responses):
    """An earlier round whose results went to the leaders only, and a later one for the whole steering chain."""
    today = timezone.localdate()
    earlier = make_round(
        organisation,
        name="Våren",
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today + datetime.timedelta(days=1),
        results_readers=Round.ResultsReaders.LEADERS,
    )
    add_responses(earlier, home_unit, 6, level=front_line, actor_group=employees)
    earlier = actions.close_round(round=earlier)
    later = make_round(organisation, name="Hösten")
    add_responses(later, home_unit, 8, level=front_line, actor_group=employees, seed=1)
    add_responses(later, small_unit, 6, level=front_line, actor_group=employees, seed=2)
    return earlier, actions.close_round(round=later)


def test_a_reader_who_may_not_read_the_earlier_round_gets_no_trend_after_one_who_may(
    client, facilitator, employee, home_unit, rounds
):
    _earlier, later = rounds
    client.force_login(facilitator)
    for url in (results_url(later), unit_url(later, home_unit)):
        assert "Våren" in trend(client.get(url).content.decode())

    client.force_login(employee)
    for url in (results_url(later), unit_url(later, home_unit)):
        assert "Våren" not in trend(client.get(url).content.decode())


def test_a_reader_gets_only_their_own_links_to_units_after_one_with_more(
    client, facilitator, employee, small_unit, rounds
):
    _earlier, later = rounds
    client.force_login(facilitator)
    assert unit_url(later, small_unit) in client.get(results_url(later)).content.decode()

    client.force_login(employee)
    html = client.get(results_url(later)).content.decode()

    assert "Nattpatrullen" in html
    assert unit_url(later, small_unit) not in html


def test_a_page_read_again_is_the_same_page_from_fewer_queries(client, facilitator, rounds):
    _earlier, later = rounds
    client.force_login(facilitator)
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(results_url(later)).content.decode()

    with CaptureQueriesContext(connection) as again_queries:
        again = client.get(results_url(later)).content.decode()

    assert main(again) == main(first)
    assert len(again_queries) < len(first_queries)
    assert not any("barometer_item" in query["sql"] for query in again_queries.captured_queries)


def test_a_renamed_unit_is_shown_by_its_new_name_at_once(client, facilitator, small_unit, rounds):
    _earlier, later = rounds
    client.force_login(facilitator)
    client.get(results_url(later))
    type(small_unit).objects.filter(pk=small_unit.pk).update(name="Nattpatrullen Väst")

    assert "Nattpatrullen Väst" in client.get(results_url(later)).content.decode()
