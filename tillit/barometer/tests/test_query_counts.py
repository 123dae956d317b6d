"""The report page of a closed round costs the same queries whatever the organisation's size (issue 14): built
afresh, for three units with 15 answers as for ten units with 80, so an N+1 query cannot come back unnoticed."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tillit.barometer import actions
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Unit

pytestmark = pytest.mark.django_db

REPORT_QUERIES = 30


def test_the_report_page_costs_the_same_queries_whatever_the_size(
    client, organisation, home_unit, facilitator, make_round, add_responses, front_line, employees
):
    client.force_login(facilitator)
    counts = []
    units = [home_unit]
    for size, answers in ((3, 5), (10, 8)):
        while len(units) < size:
            units.append(
                organisation_actions.create_unit(
                    organisation=organisation,
                    name=f"Hemtjänst {len(units)}",
                    kind=Unit.Kind.SECTION,
                    parent=home_unit.parent,
                    actor=None,
                )
            )
        round = make_round(organisation, name=f"Barometern med {size} enheter")
        for number, unit in enumerate(units):
            add_responses(round, unit, answers, level=front_line, actor_group=employees, seed=number)
        round = actions.close_round(round=round)
        address = f"/b/{round.public_id}/results/"
        assert client.get(address).status_code == 200  # warm what is kept after the first look
        cache.clear()  # the report itself is built afresh
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= REPORT_QUERIES, counts
