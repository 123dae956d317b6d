"""The demo workshops that seed_demo builds in Exempelkommun (tillit.workshops.demo), read from the demo built
once for the package (conftest.py); rebuilding them is tested in test_reset.py."""

from __future__ import annotations

import pytest
from django.db.models import Avg
from django.utils import timezone

from tillit.organisations.models import ActorGroup, Organisation
from tillit.workshops import actions, demo, queries
from tillit.workshops.models import (
    AchievementRating,
    ContributionRating,
    ImportanceRating,
    Item,
    Link,
    Participant,
    Workshop,
)

Group = ActorGroup.Key
HOME_CARE = "Trygg hemtjänst"
STUDENT_HEALTH = "Elevhälsa som når fram"


@pytest.fixture
def home_care(demo: Organisation) -> Workshop:
    return Workshop.objects.get(organisation=demo, title=HOME_CARE)


def live_items(workshop: Workshop, kind: str) -> list[Item]:
    return list(Item.objects.filter(workshop=workshop, kind=kind, merged_into__isnull=True))


def mean_by_group(model: type, workshop: Workshop, groups: tuple[str, ...], **filters: object) -> float:
    ratings = model.objects.filter(participant__workshop=workshop, participant__actor_group__key__in=groups, **filters)
    return ratings.aggregate(mean=Avg("value"))["mean"]


def test_the_rating_parameters_match_the_chain() -> None:
    activity_links = {
        (card.key, target) for card in demo.HOME_CARE_CARDS if card.kind == Item.Kind.ACTIVITY for target in card.serves
    }
    effects = {card.key for card in demo.HOME_CARE_CARDS if card.kind == Item.Kind.EFFECT and card.duplicate_of is None}

    assert activity_links == set(demo.HOME_CARE_CONTRIBUTIONS)
    assert effects == set(demo.HOME_CARE_EFFECTS)


def test_the_demo_has_two_workshops_in_exempelkommun(demo: Organisation) -> None:
    titles = set(Workshop.objects.values_list("organisation__slug", "title"))

    assert titles == {("exempelkommun", HOME_CARE), ("exempelkommun", STUDENT_HEALTH)}


def test_the_finished_workshop_gathers_about_25_people_from_politicians_to_service_users(home_care: Workshop) -> None:
    participants = Participant.objects.filter(workshop=home_care)
    groups = set(participants.values_list("actor_group__key", flat=True))
    ranks = set(participants.exclude(level=None).values_list("level__rank", flat=True))
    leader = participants.get(role=Participant.Role.LEADER)

    assert 23 <= participants.count() <= 27
    assert set(Group.values) - {Group.SUPERVISORY_BODY} <= groups
    assert ranks == {1, 2, 3, 4, 5}
    assert leader.membership.user.email == "processledare@exempelkommun.example"
    guests = participants.filter(membership=None)
    assert set(guests.values_list("actor_group__key", flat=True)) == {Group.SERVICE_USER, Group.PARTNER}
    assert guests.count() >= 3
    assert set(home_care.units.values_list("name", flat=True)) == {"Äldreomsorg", "Hemtjänst Norr", "Hemtjänst Söder"}
    assert queries.participant_mix(home_care).warnings == []


def test_the_finished_workshop_has_a_clean_chain_with_merged_duplicates(home_care: Workshop) -> None:
    chain = queries.effect_chain(home_care)
    cards = Item.objects.filter(workshop=home_care)
    proposers = list(cards.values_list("proposed_by", flat=True))

    assert 2 <= len(chain.goals) <= 3
    assert 6 <= len(chain.effects) <= 8
    assert 8 <= len(chain.activities) <= 10
    assert 1 <= cards.exclude(merged_into=None).count() <= 2
    assert chain.warnings == []
    assert len(proposers) == len(set(proposers)), "every card has its own proposer"
    assert cards.filter(proposed_by__membership=None).count() >= 3, "guests propose cards too"
    assert 15 <= Link.objects.filter(workshop=home_care, source__kind=Item.Kind.ACTIVITY).count() <= 20


def test_every_participant_rated_the_finished_workshop(home_care: Workshop) -> None:
    participants = Participant.objects.filter(workshop=home_care).count()
    effects = len(live_items(home_care, Item.Kind.EFFECT))
    links = Link.objects.filter(workshop=home_care, source__kind=Item.Kind.ACTIVITY).count()
    contributions = ContributionRating.objects.filter(participant__workshop=home_care)

    assert home_care.step == Workshop.Step.DECIDE
    assert ImportanceRating.objects.filter(participant__workshop=home_care).count() == participants * effects
    assert AchievementRating.objects.filter(participant__workshop=home_care).count() == participants * effects
    assert contributions.values("participant").distinct().count() == participants
    # Some answered "vet ej", which is no rating at all.
    assert 0.75 * participants * links <= contributions.count() < participants * links


def test_the_levels_disagree_on_how_well_things_work_today(home_care: Workshop) -> None:
    steering = mean_by_group(AchievementRating, home_care, (Group.POLITICIAN, Group.TOP_MANAGEMENT))
    front_line = mean_by_group(AchievementRating, home_care, (Group.EMPLOYEE, Group.SERVICE_USER))

    assert steering - front_line >= 1


def test_front_line_and_service_users_rate_fixed_teams_and_familiar_staff_high(home_care: Workshop) -> None:
    front_line = (Group.EMPLOYEE, Group.FIRST_LINE_MANAGER, Group.SERVICE_USER)
    fixed_teams = Item.objects.get(workshop=home_care, title="Fasta team per område")
    familiar = Item.objects.get(workshop=home_care, title="Jag känner igen personalen")

    assert mean_by_group(ContributionRating, home_care, front_line, activity=fixed_teams) >= 2.2
    assert mean_by_group(ImportanceRating, home_care, front_line, effect=familiar) >= 3.3


def test_the_finished_workshop_has_results_and_decisions(home_care: Workshop) -> None:
    results = queries.workshop_results(home_care)
    top = results.activities[0]
    decisions = list(home_care.decisions.select_related("activity", "effect"))

    assert results.raters.value == Participant.objects.filter(workshop=home_care).count()
    assert not top.score.hidden
    assert top.item.title == "Fasta team per område"
    assert [activity.score.value for activity in results.activities] == sorted(
        (activity.score.value for activity in results.activities), reverse=True
    )
    assert any(effect.quadrant == "prioritise" for effect in results.effects)
    assert 2 <= len(decisions) <= 3
    assert top.item in {decision.activity for decision in decisions}
    for decision in decisions:
        assert Link.objects.filter(source=decision.activity, target=decision.effect).exists()
        assert decision.owner
        assert decision.follow_up
        assert decision.due_on.year == 2027


def test_guests_can_still_join_the_finished_workshop(home_care: Workshop) -> None:
    relative = ActorGroup.objects.get(organisation=home_care.organisation, key=Group.SERVICE_USER)

    guest = actions.join_as_guest(code=home_care.guest_code, name="Erik, son", actor_group=relative)

    assert guest.workshop == home_care
    assert home_care.starts_on < timezone.localdate() <= home_care.ends_on


def test_the_workshop_in_progress_is_gathering_proposals(demo: Organisation) -> None:
    workshop = Workshop.objects.get(organisation=demo, title=STUDENT_HEALTH)
    participants = Participant.objects.filter(workshop=workshop)

    assert workshop.step == Workshop.Step.GATHER
    assert 5 <= participants.count() <= 10
    assert set(workshop.units.values_list("name", flat=True)) == {"Utbildningsförvaltningen", "Elevhälsan"}
    assert Item.objects.filter(workshop=workshop).count() >= 3
    assert not ImportanceRating.objects.filter(participant__workshop=workshop).exists()
    assert not ContributionRating.objects.filter(participant__workshop=workshop).exists()
    assert not workshop.decisions.exists()
