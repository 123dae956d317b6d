"""`manage.py seed_demo --reset` rebuilds the same demo, and deleting the demo leaves nothing of it.

A reset builds the whole demo again, which takes seconds, so it is run once for this module, on top of the demo
built for the package, inside a transaction rolled back when the module is done; each test then checks one
promise about what the reset did.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pytest_django import DjangoDbBlocker

from conftest import rolled_back_afterwards
from tillit.accounts.models import User
from tillit.barometer.models import Instrument, Invitation, Response, Round
from tillit.demo import organisations as demo_organisations
from tillit.demo import seeding
from tillit.demo.tests.helpers import (
    BuiltDemo,
    barometer_fingerprint,
    dialogue_fingerprint,
    rating_fingerprint,
    seed_demo,
)
from tillit.dialogues import demo as dialogues_demo
from tillit.dialogues.models import Dialogue
from tillit.organisations import actions
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit
from tillit.workshops.models import Workshop

ELSEWHERE = "medarbetare@exempelkommun.example"


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "units": Unit.objects.count(),
        "levels": Level.objects.count(),
        "workshops": Workshop.objects.count(),
        "dialogues": Dialogue.objects.count(),
        "rounds": Round.objects.count(),
    }


def emails_in(organisation: Organisation) -> set[str]:
    return set(Membership.objects.in_organisation(organisation).values_list("user__email", flat=True))


@dataclass(frozen=True)
class Before:
    """The demo as the first build left it, and what the reset printed."""

    exempelkommun: int
    counts: dict[str, int]
    emails: set[str]
    workshops: set[str]
    ratings: list[tuple]
    votes: dict[str, list[tuple]]
    rounds: dict[str, tuple]
    output: str


@pytest.fixture(scope="module")
def reset(built_demo: BuiltDemo, django_db_blocker: DjangoDbBlocker) -> Iterator[Before]:
    """The package's demo reset once, after one of its people was also added to an organisation of their own."""
    with rolled_back_afterwards(django_db_blocker):
        with django_db_blocker.unblock():
            elsewhere = actions.create_organisation(name="Söderby kommun", slug="soderby")
            actions.add_person(
                organisation=elsewhere,
                details=actions.PersonDetails(
                    full_name="Jonas Nilsson",
                    email=ELSEWHERE,
                    unit=None,
                    actor_group=elsewhere.actor_groups.get(key=ActorGroup.Key.EMPLOYEE),
                    level=None,
                    role=Membership.Role.PARTICIPANT,
                ),
                by_operator=True,
            )
            exempelkommun = Organisation.objects.get(slug="exempelkommun")
            before = Before(
                exempelkommun=exempelkommun.pk,
                counts=counts(),
                emails=emails_in(exempelkommun),
                workshops=set(Workshop.objects.values_list("title", flat=True)),
                ratings=rating_fingerprint(),
                votes=dialogue_fingerprint(),
                rounds=barometer_fingerprint(exempelkommun),
                output=seed_demo("--reset"),
            )
        yield before


@pytest.fixture
def rebuilt(reset: Before, db: None) -> Organisation:
    return Organisation.objects.get(slug="exempelkommun")


def test_reset_builds_a_new_organisation_with_the_same_people(reset: Before, rebuilt: Organisation) -> None:
    assert rebuilt.pk != reset.exempelkommun
    assert emails_in(rebuilt) == reset.emails
    assert counts() == reset.counts
    assert "Built Exempelkommun" in reset.output


def test_reset_keeps_demo_people_who_also_belong_elsewhere(rebuilt: Organisation) -> None:
    user = User.objects.get(email=ELSEWHERE)

    assert set(user.memberships.values_list("organisation__slug", flat=True)) == {"soderby", "exempelkommun"}


def test_reset_rebuilds_the_same_workshops_with_the_same_ratings(reset: Before, rebuilt: Organisation) -> None:
    assert set(Workshop.objects.values_list("title", flat=True)) == reset.workshops
    assert Workshop.objects.filter(organisation=rebuilt).count() == 2
    assert rating_fingerprint() == reset.ratings


def test_reset_rebuilds_the_same_dialogues_with_the_same_votes(reset: Before, rebuilt: Organisation) -> None:
    again = dialogue_fingerprint()

    assert set(again) == {dialogues_demo.HOME_CARE_QUESTION, dialogues_demo.STUDENT_HEALTH_QUESTION}
    assert again == reset.votes
    assert set(Dialogue.objects.values_list("organisation__slug", flat=True)) == {"exempelkommun"}


def test_reset_rebuilds_the_same_barometer_rounds_and_answers(reset: Before, rebuilt: Organisation) -> None:
    again = barometer_fingerprint(rebuilt)

    assert len(again) == 3
    assert again == reset.rounds


def test_deleting_the_demo_leaves_nothing_of_it(rebuilt: Organisation) -> None:
    seeding.delete_demo()

    assert not Organisation.objects.filter(slug__in=demo_organisations.DEMO_SLUGS).exists()
    assert not Unit.objects.exclude(organisation__slug="soderby").exists()
    assert not Workshop.objects.exists()
    assert not Dialogue.objects.exists()
    assert not Round.objects.exists()
    assert not Instrument.objects.exists()
    assert not Response.objects.exists()
    assert not Invitation.objects.exists()
    assert list(demo_organisations.demo_users().values_list("email", flat=True)) == [ELSEWHERE]
