"""Reads that other parts and the screens rely on."""

from __future__ import annotations

import pytest
from django.utils import translation

from tillit.workshops import actions, queries
from tillit.workshops.models import Item, Participant, Workshop
from tillit.workshops.tests.conftest import participant_of

pytestmark = pytest.mark.django_db


def test_only_workshops_that_take_proposals_can_receive_a_statement(workshop, organisation, other_organisation):
    assert list(queries.workshops_taking_proposals(organisation)) == [workshop]

    actions.set_step(workshop=workshop, step=Workshop.Step.STRUCTURE)
    assert list(queries.workshops_taking_proposals(organisation)) == [workshop]

    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    assert list(queries.workshops_taking_proposals(organisation)) == []
    assert list(queries.workshops_taking_proposals(other_organisation)) == []


def test_a_statement_may_become_an_effect_or_an_activity_in_the_users_language():
    with translation.override("sv"):
        offered = [(value, str(label)) for value, label in queries.PROMOTABLE_KINDS]

    assert offered == [(Item.Kind.EFFECT, "Effekt"), (Item.Kind.ACTIVITY, "Aktivitet")]


def test_the_leader_role_makes_a_process_leader(workshop, politician):
    added = actions.add_member(workshop=workshop, membership=politician.memberships.get(), role=queries.LEADER_ROLE)

    assert added.role == Participant.Role.LEADER


def test_the_list_shows_members_their_own_workshops_and_process_leaders_all(workshop, organisation, politician):
    membership = politician.memberships.get()

    assert list(queries.workshops_of(organisation, membership, all_of_them=False)) == []
    assert list(queries.workshops_of(organisation, membership, all_of_them=True)) == [workshop]


def test_the_rating_page_shows_the_persons_own_ratings_and_only_linked_activities(workshop, chain, employee):
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    rater = participant_of(workshop, employee)
    actions.rate_page(
        participant=rater,
        importance={chain["safe"]: 4},
        achievement={},
        contribution={(chain["team"], chain["safe"]): 1},
    )

    rows = queries.rating_rows(rater, queries.effect_chain(workshop))

    assert [(row.effect, row.importance, row.achievement) for row in rows] == [
        (chain["safe"], "4", ""),
        (chain["known"], "", ""),
    ]
    assert rows[0].activities == [{"activity": chain["team"], "value": "1"}]
    assert [cell["activity"] for cell in rows[1].activities] == [chain["team"], chain["call"]]
