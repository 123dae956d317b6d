"""The queries of a dialogue's busiest requests do not grow with its size: a vote, the moderation page and the
results page cost the same number of queries for 3 statements and 6 participants as for 15 and 24, so an N+1 query
cannot come back unnoticed (issue 14)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tillit.dialogues import actions, worker
from tillit.dialogues.models import Dialogue, Statement
from tillit.dialogues.tests.conftest import make_dialogue

pytestmark = pytest.mark.django_db

SMALL, LARGE = (3, 6), (15, 24)  # statements, participants who voted on all of them
VOTE_QUERIES = 15
MODERATION_QUERIES = 15
RESULTS_QUERIES = 12


def url(dialogue: Dialogue, name: str = "") -> str:
    return f"/s/{dialogue.public_id}/{name}"


def dialogue_of(organisation, facilitator, make_member, size: tuple[int, int]) -> Dialogue:
    statements, people = size
    dialogue = make_dialogue(
        organisation,
        facilitator,
        live_results=True,
        seed_statements=[f"Påstående nummer {n}" for n in range(statements)],
    )
    for number in range(people):
        participant = actions.participant_for_member(dialogue, make_member(organisation), create=True)
        assert participant is not None
        for statement in Statement.objects.filter(dialogue=dialogue):
            actions.vote(participant=participant, statement=statement, value=(number + statement.number) % 3 - 1)
    worker.analyse_dialogue(dialogue)
    return dialogue


def queries_of(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code in {200, 302}, response.status_code
    return len(captured)


@pytest.fixture
def sizes(organisation, facilitator, make_member):
    return [dialogue_of(organisation, facilitator, make_member, size) for size in (SMALL, LARGE)]


def test_a_vote_costs_the_same_queries_whatever_the_dialogues_size(client, sizes, employee):
    client.force_login(employee)
    counts = []
    for dialogue in sizes:
        client.post(url(dialogue, "join/"))
        first, second = Statement.objects.filter(dialogue=dialogue).order_by("number")[:2]
        for statement in (first, second):  # the first warms what is kept after one vote; the second is counted
            data = {"statement": str(statement.public_id), "vote": "1"}
            count = queries_of(lambda dialogue=dialogue, data=data: client.post(url(dialogue, "vote/"), data))
        counts.append(count)
    assert counts[0] == counts[1] <= VOTE_QUERIES, counts


@pytest.mark.parametrize("page", ["manage/", "results/"])
def test_the_moderation_and_results_pages_cost_the_same_queries_whatever_the_size(client, sizes, facilitator, page):
    client.force_login(facilitator)
    counts = []
    for dialogue in sizes:
        client.get(url(dialogue, page))  # warm: what is cached after the first look is not counted
        counts.append(queries_of(lambda dialogue=dialogue: client.get(url(dialogue, page))))
    assert counts[0] == counts[1] <= (MODERATION_QUERIES if page == "manage/" else RESULTS_QUERIES), counts


def test_the_start_page_costs_the_same_queries_however_many_dialogues_it_lists(
    client, organisation, facilitator, employee
):
    """Whether the member has joined each internal dialogue is read for all of them at once."""
    membership = employee.memberships.get()
    client.force_login(employee)
    start = f"/o/{organisation.slug}/"
    counts = []
    for dialogues in (1, 4):
        while Dialogue.objects.filter(organisation=organisation).count() < dialogues:
            joined = make_dialogue(organisation, facilitator, question=f"Fråga {Dialogue.objects.count()}?")
            if Dialogue.objects.count() % 2:
                actions.participant_for_member(joined, membership, create=True)
        client.get(start)
        counts.append(queries_of(lambda: client.get(start)))

    page = client.get(start).content.decode()
    assert counts[0] == counts[1], counts
    assert page.count("Du deltar: rösta på de påståenden som är nya för dig.") == 2
    assert page.count("Rösta på påståendena och lägg till egna.") == 2
