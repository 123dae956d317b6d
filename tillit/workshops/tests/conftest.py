import datetime

import pytest

from tillit.workshops import actions
from tillit.workshops.models import Item, Participant, Workshop


@pytest.fixture
def workshop(organisation, facilitator, employee, manager, home_unit) -> Workshop:
    """Trygg hemtjänst, led by the facilitator, with the employee and the manager taking part; four guest places."""
    created = actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title="Trygg hemtjänst",
        purpose="Äldre i hemtjänsten ska känna sig trygga hemma.",
        service_user_group="Äldre med hemtjänst",
        units=[home_unit],
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2027, 1, 31),
        guest_places=4,
    )
    actions.add_members(workshop=created, memberships=[employee.memberships.get(), manager.memberships.get()])
    return created


def participant_of(workshop: Workshop, user) -> Participant:
    return Participant.objects.get(workshop=workshop, membership__user=user)


def rate_all(
    workshop: Workshop, chain: dict[str, Item], people, *, importance=3, achievement=2, contribution=2, close=True
):
    """Everyone in `people` rates both effects and one link, then (with `close`) rating closes."""
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    for membership in people:
        rater = participant_of(workshop, membership.user)
        for effect in ("safe", "known"):
            actions.rate_effect(participant=rater, effect=chain[effect], importance=importance, achievement=achievement)
        actions.rate_contribution(participant=rater, activity=chain["team"], effect=chain["safe"], value=contribution)
    if close:
        actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)


def raters(workshop: Workshop, organisation, make_member, count: int, group: str = "employee") -> list:
    """`count` new members of the organisation, taking part in the workshop."""
    people = [make_member(organisation, group=group) for _number in range(count)]
    actions.add_members(workshop=workshop, memberships=people)
    return people


@pytest.fixture
def chain(workshop, facilitator) -> dict[str, Item]:
    """A small chain: one goal, two effects, two activities, linked."""
    author = participant_of(workshop, facilitator)
    cards = {
        "goal": actions.propose(participant=author, kind="goal", title="Trygghet i hemmet"),
        "safe": actions.propose(participant=author, kind="effect", title="Jag känner mig trygg"),
        "known": actions.propose(participant=author, kind="effect", title="Jag vet vem som kommer"),
        "team": actions.propose(participant=author, kind="activity", title="Fasta team"),
        "call": actions.propose(participant=author, kind="activity", title="Ring vid förändring"),
    }
    actions.link(source=cards["safe"], target=cards["goal"])
    actions.link(source=cards["known"], target=cards["goal"])
    actions.link(source=cards["team"], target=cards["safe"])
    actions.link(source=cards["team"], target=cards["known"])
    actions.link(source=cards["call"], target=cards["known"])
    return cards
