"""Rounds with answers, for the barometer's tests."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

import pytest
from django.utils import timezone

from tillit.barometer import actions
from tillit.barometer.models import Item, Response, Round
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import ActorGroup, Level, Organisation, Unit

MakeRound = Callable[..., Round]
AddResponses = Callable[..., list[Response]]


@pytest.fixture
def make_round(db: None) -> MakeRound:
    def make(organisation: Organisation, *, launched: bool = True, closed: bool = False, **fields: object) -> Round:
        today = timezone.localdate()
        round = actions.create_round(
            organisation=organisation,
            name=fields.pop("name", "Barometern hösten 2026"),
            opens_on=fields.pop("opens_on", today - datetime.timedelta(days=7)),
            closes_on=fields.pop("closes_on", today + datetime.timedelta(days=14)),
            **fields,
        )
        if launched:
            actions.launch_round(round=round, site_url="http://testserver")
            round.refresh_from_db()
        if closed:
            round = actions.close_round(round=round)
        return round

    return make


@pytest.fixture
def add_responses(db: None) -> AddResponses:
    """Store `count` responses in `unit` (level and actor group optional), bypassing dates and the open link's cap,
    with answers drawn around `mean` on every scale item. They go through the round's inbox and are mixed at once,
    whatever the batch size, so the responses can be read straight away. `verified` says which link they came
    through (personal: True)."""

    def add(
        round: Round,
        unit: Unit | None,
        count: int,
        *,
        level: Level | None = None,
        actor_group: ActorGroup | None = None,
        mean: float = 3.5,
        seed: int = 0,
        texts: dict[str, str] | None = None,
        verified: bool = True,
    ) -> list[Response]:
        rng = random.Random(seed)
        items = list(round.instrument.items.all())
        responses = []
        for _ in range(count):
            scale = {
                item.pk: min(5, max(1, round_half(rng.gauss(mean, 0.9))))
                for item in items
                if item.kind == Item.Kind.SCALE
            }
            open_texts = {
                item.pk: texts[item.code]
                for item in items
                if item.kind == Item.Kind.OPEN and texts and item.code in texts
            }
            actions._put_in_inbox(
                round,
                unit.pk if unit else None,
                level.pk if level else None,
                actor_group.pk if actor_group else None,
                actions.Answers(scale, open_texts),
                verified=verified,
            )
        actions.mix_inbox(round=round)
        responses.extend(Response.objects.filter(round=round))
        return responses

    return add


def round_half(value: float) -> int:
    return int(value + 0.5)


@pytest.fixture
def small_unit(organisation: Organisation, home_unit: Unit) -> Unit:
    """Nattpatrullen, a sibling of Hemtjänst Norr."""
    return organisation_actions.create_unit(
        organisation=organisation, name="Nattpatrullen", kind=Unit.Kind.TEAM, parent=home_unit.parent, actor=None
    )


@pytest.fixture
def front_line(organisation: Organisation) -> Level:
    return Level.objects.get(organisation=organisation, rank=5)


@pytest.fixture
def employees(organisation: Organisation) -> ActorGroup:
    """The actor group of employees."""
    return ActorGroup.objects.get(organisation=organisation, key=ActorGroup.Key.EMPLOYEE)


@pytest.fixture
def night_patrol(organisation, home_unit) -> Unit:
    return organisation_actions.create_unit(
        organisation=organisation, name="Nattpatrullen", kind=Unit.Kind.TEAM, parent=home_unit.parent, actor=None
    )


@pytest.fixture
def closed_round(organisation, home_unit, night_patrol, make_round, add_responses) -> Round:
    """Eight answers in Hemtjänst Norr and two in the night patrol: both units hidden, their parent shown."""
    round = make_round(organisation)
    add_responses(round, home_unit, 8, mean=4.0)
    add_responses(round, night_patrol, 2, mean=2.0, seed=1)
    return actions.close_round(round=round)
