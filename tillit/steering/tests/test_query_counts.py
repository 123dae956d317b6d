"""The analysis page of a sealed campaign costs the same queries whatever its size: built afresh, for three signals
rated by a few as for twelve rated by many more, across more units, levels and actor groups, so that an N+1 query
cannot come back unnoticed. The ratings are summed in the database (one GROUP BY), never read row by row."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import ActorGroup, Unit
from tillit.steering.tests.analysis_data import group, level, make_campaign, make_signal, rate

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 15


def test_the_analysis_page_costs_the_same_queries_whatever_the_size(english, organisation, home_unit, employee):
    english.force_login(employee)
    keys = [ActorGroup.Key.EMPLOYEE, ActorGroup.Key.FIRST_LINE_MANAGER, ActorGroup.Key.SUPPORT_FUNCTION]
    counts = []
    for size, raters in ((3, 6), (12, 15)):
        units = [
            organisation_actions.create_unit(
                organisation=organisation,
                name=f"Enhet {size}-{number}",
                kind=Unit.Kind.SECTION,
                parent=home_unit,
                actor=None,
            )
            for number in range(size)
        ]
        signals = [
            make_signal(organisation, f"Signal {size}-{number}", units=[units[number]], owner=f"Ägare {number % 4}")
            for number in range(size)
        ]
        campaign = make_campaign(organisation, signals, name=f"Kampanj {size}")
        for number, signal in enumerate(signals):
            for rank in (3, 4, 5)[: 1 + size // 6]:
                for key in keys[: 1 + size // 6]:
                    rate(
                        campaign,
                        signal,
                        raters,
                        value=1 + number % 5,
                        burden=5 - number % 5,
                        comment=f"Kommentar {number}",
                        level=level(organisation, rank),
                        group=group(organisation, key),
                    )
        address = reverse("steering:analysis", kwargs={"campaign": campaign.public_id})
        assert english.get(address).status_code == 200  # warm what is kept after the first look
        cache.clear()  # the analysis itself is built afresh
        with CaptureQueriesContext(connection) as captured:
            response = english.get(address)
        assert response.status_code == 200
        assert "Kommentar 1" in response.text
        counts.append(len(captured))
    assert counts[0] == counts[1] <= PAGE_QUERIES, counts
