"""The results page of a workshop costs the same queries whatever its size (issue 14): computed afresh, for a chain
of 2 effects and 2 activities rated by 6 as for one of 12 effects and 12 activities rated by 20, so an N+1 query
cannot come back unnoticed. The rating POST's own bound is in test_rating.py."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tillit.workshops import actions
from tillit.workshops.models import Workshop
from tillit.workshops.tests.conftest import participant_of

pytestmark = pytest.mark.django_db

RESULTS_QUERIES = 20


def new_workshop(organisation, facilitator, home_unit, title: str) -> Workshop:
    """A workshop of the home unit, led by the facilitator, running from today for 30 days."""
    return actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title=title,
        purpose="Äldre i hemtjänsten ska känna sig trygga hemma.",
        service_user_group="Äldre med hemtjänst",
        units=[home_unit],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
    )


def rated_workshop(organisation, facilitator, make_member, home_unit, cards: int, people: int) -> Workshop:
    workshop = new_workshop(organisation, facilitator, home_unit, f"Arbetsmöte med {cards} effekter")
    author = participant_of(workshop, facilitator)
    goal = actions.propose(participant=author, kind="goal", title="Trygghet i hemmet")
    effects = [actions.propose(participant=author, kind="effect", title=f"Effekt {n}") for n in range(cards)]
    activities = [actions.propose(participant=author, kind="activity", title=f"Aktivitet {n}") for n in range(cards)]
    for effect, activity in zip(effects, activities, strict=True):
        actions.link(source=effect, target=goal)
        actions.link(source=activity, target=effect)
    members = [make_member(organisation) for _number in range(people)]
    actions.add_members(workshop=workshop, memberships=members)
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    for number, membership in enumerate(members):
        rater = participant_of(workshop, membership.user)
        for effect, activity in zip(effects, activities, strict=True):
            actions.rate_effect(participant=rater, effect=effect, importance=number % 5, achievement=1 + number % 5)
            actions.rate_contribution(participant=rater, activity=activity, effect=effect, value=number % 4)
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)
    return workshop


def test_the_results_page_costs_the_same_queries_whatever_the_workshops_size(
    client, organisation, facilitator, make_member, home_unit
):
    client.force_login(facilitator)
    counts = []
    for cards, people in ((2, 6), (12, 20)):
        workshop = rated_workshop(organisation, facilitator, make_member, home_unit, cards, people)
        address = f"/w/{workshop.public_id}/results/"
        assert client.get(address).status_code == 200  # warm what is kept after the first look
        cache.clear()  # the results themselves are computed afresh
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= RESULTS_QUERIES, counts


def captured_queries(request) -> list:
    with CaptureQueriesContext(connection) as captured:
        assert request().status_code == 200
    return captured.captured_queries


def test_the_start_page_costs_the_same_queries_however_many_workshops_it_lists(
    client, organisation, facilitator, employee, home_unit
):
    """Whether the member has rated in each workshop taking ratings is read for all of them at once."""
    membership = employee.memberships.get()
    client.force_login(employee)
    start = f"/o/{organisation.slug}/"
    counts = []
    for workshops in (1, 4):
        while Workshop.objects.filter(organisation=organisation).count() < workshops:
            workshop = new_workshop(organisation, facilitator, home_unit, f"Arbetsmöte {Workshop.objects.count()}")
            effect = actions.propose(participant=participant_of(workshop, facilitator), kind="effect", title="Trygghet")
            actions.add_members(workshop=workshop, memberships=[membership])
            actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
            if Workshop.objects.count() % 2:
                rater = participant_of(workshop, employee)
                actions.rate_effect(participant=rater, effect=effect, importance=3, achievement=2)
        client.get(start)
        counts.append(len(captured_queries(lambda: client.get(start))))

    page = client.get(start).content.decode()
    assert counts[0] == counts[1], counts
    assert page.count("Du har betygsatt. Du kan ändra dina betyg tills betygsättningen stänger.") == 2
    assert page.count("Betygsätt hur viktiga effekterna är och vad aktiviteterna bidrar med.") == 2
