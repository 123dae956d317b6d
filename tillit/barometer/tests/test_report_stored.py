"""A report page's figures are kept rendered (views.reports.figures_html), and never shown to a reader they were
not rendered for: what differs between readers (the earlier round of the trend, the links to units) is part of
what they are kept under."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tillit.barometer import actions
from tillit.barometer.models import Round
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Membership

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
    assert "Nattpatrullen" in client.get(results_url(later)).content.decode()
    organisation_actions.update_unit(unit=small_unit, name="Nattpatrullen Väst", kind=small_unit.kind, actor=None)

    assert "Nattpatrullen Väst" in client.get(results_url(later)).content.decode()


# The whole page, stored per reader (organisations.stored_pages) -------------------------------------------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def without_tokens(html: str) -> str:
    return TOKEN.sub("", html)


def test_a_page_looked_at_again_is_served_whole_from_four_queries(
    client, facilitator, rounds, django_assert_max_num_queries
):
    _earlier, later = rounds
    client.force_login(facilitator)
    first = client.get(results_url(later)).content.decode()

    with django_assert_max_num_queries(4):  # the session, the account, the round (the door), the memberships
        again = client.get(results_url(later)).content.decode()

    assert without_tokens(again) == without_tokens(first)
    assert "Nattpatrullen" in again


def test_every_look_at_a_stored_page_carries_the_readers_own_csrf_token(client, facilitator, rounds):
    _earlier, later = rounds
    client.force_login(facilitator)
    for _look in range(3):  # the first stores the page, the others are served from the store
        client.cookies.pop(settings.CSRF_COOKIE_NAME, None)  # as in another browser of the same reader
        response = client.get(results_url(later))
        html = response.content.decode()
        tokens = TOKEN.findall(html)
        assert tokens, "the header's forms carry a token"
        assert "\x00" not in html
        secret = response.cookies[settings.CSRF_COOKIE_NAME].value
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}


def test_a_page_stored_for_one_reader_is_never_served_to_another(client, facilitator, politician, rounds):
    _earlier, later = rounds
    client.force_login(facilitator)
    assert facilitator.full_name in client.get(results_url(later)).content.decode()

    client.force_login(politician)
    html = client.get(results_url(later)).content.decode()

    assert politician.full_name in html
    assert facilitator.full_name not in html


def test_a_reader_whose_role_changes_is_shown_the_page_of_the_new_role(client, organisation, facilitator, rounds):
    _earlier, later = rounds
    client.force_login(facilitator)
    people = resolve_url("organisations:people_list", organisation=organisation.slug)
    assert people in client.get(results_url(later)).content.decode()
    membership = facilitator.memberships.get()
    organisation_actions.update_membership(
        membership=membership,
        unit=membership.unit,
        actor_group=membership.actor_group,
        level=membership.level,
        role=Membership.Role.PARTICIPANT,
    )

    assert people not in client.get(results_url(later)).content.decode()


def test_a_member_who_leaves_is_not_served_the_page_stored_for_them(client, employee, home_unit, rounds):
    _earlier, later = rounds
    client.force_login(employee)
    assert client.get(unit_url(later, home_unit)).status_code == 200
    organisation_actions.remove_membership(membership=employee.memberships.get())

    assert client.get(unit_url(later, home_unit)).status_code == 404


def test_an_earlier_round_sealed_later_shows_in_the_trend_at_once(
    client, organisation, facilitator, home_unit, make_round, add_responses, front_line, employees
):
    today = timezone.localdate()
    earlier = make_round(organisation, name="Våren", opens_on=today - datetime.timedelta(days=90), closes_on=today)
    add_responses(earlier, home_unit, 6, level=front_line, actor_group=employees)
    later = make_round(organisation, name="Hösten", opens_on=today - datetime.timedelta(days=30))
    add_responses(later, home_unit, 6, level=front_line, actor_group=employees, seed=1)
    later = actions.close_round(round=later)
    client.force_login(facilitator)
    assert "Våren" not in trend(client.get(results_url(later)).content.decode())

    actions.close_round(round=earlier)

    assert "Våren" in trend(client.get(results_url(later)).content.decode())


def test_a_page_asked_with_a_query_string_is_built_and_not_stored(client, facilitator, rounds):
    _earlier, later = rounds
    client.force_login(facilitator)
    address = results_url(later) + "?fill=1"
    client.get(address)

    with CaptureQueriesContext(connection) as again:
        assert client.get(address).status_code == 200

    assert len(again) > 4
