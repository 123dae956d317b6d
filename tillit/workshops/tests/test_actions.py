import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import ProtectedError

from tillit.organisations.models import ActorGroup
from tillit.workshops import actions
from tillit.workshops.models import ContributionRating, ImportanceRating, Item, Link, Participant, Workshop
from tillit.workshops.tests.conftest import participant_of

pytestmark = pytest.mark.django_db


def test_the_creator_leads_and_invited_members_take_part(workshop, facilitator, employee):
    assert participant_of(workshop, facilitator).is_leader
    assert not participant_of(workshop, employee).is_leader
    assert participant_of(workshop, employee).unit.name == "Hemtjänst Norr"


def test_a_workshop_cannot_end_before_it_starts(organisation, facilitator):
    with pytest.raises(actions.WorkshopError):
        actions.create_workshop(
            organisation=organisation,
            leader=facilitator.memberships.get(),
            title="Baklänges",
            purpose="x",
            service_user_group="y",
            units=[],
            starts_on=datetime.date(2026, 12, 2),
            ends_on=datetime.date(2026, 12, 1),
        )


def test_members_of_another_organisation_cannot_be_added(workshop, outsider):
    with pytest.raises(actions.WorkshopError):
        actions.add_member(workshop=workshop, membership=outsider.memberships.get())


@time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC))
def test_a_guest_joins_with_the_code_in_any_case(workshop, organisation):
    service_users = ActorGroup.objects.get(organisation=organisation, key="service_user")

    guest = actions.join_as_guest(code=workshop.guest_code.lower(), name="Greta", actor_group=service_users)

    assert guest.is_guest
    assert guest.workshop == workshop


@time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC))
def test_the_guest_code_stops_working_when_the_workshop_has_ended(workshop, organisation):
    service_users = ActorGroup.objects.get(organisation=organisation, key="service_user")

    with pytest.raises(actions.WorkshopError, match="har avslutats"):
        actions.join_as_guest(code=workshop.guest_code, name="Greta", actor_group=service_users)


def test_the_guest_code_stops_working_when_the_workshop_is_closed(workshop, organisation):
    actions.set_step(workshop=workshop, step=Workshop.Step.CLOSED)
    service_users = ActorGroup.objects.get(organisation=organisation, key="service_user")

    with pytest.raises(actions.WorkshopError):
        actions.join_as_guest(code=workshop.guest_code, name="Greta", actor_group=service_users)


def test_a_guest_cannot_choose_another_organisations_actor_group(workshop, other_organisation):
    foreign = other_organisation.actor_groups.first()

    with pytest.raises(actions.WorkshopError):
        actions.join_as_guest(code=workshop.guest_code, name="Greta", actor_group=foreign)


def test_proposals_close_when_rating_starts(workshop, employee):
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)

    with pytest.raises(actions.WorkshopError):
        actions.propose(participant=participant_of(workshop, employee), kind="effect", title="Sent förslag")


@pytest.mark.parametrize(("source", "target"), [("goal", "safe"), ("safe", "team"), ("team", "goal"), ("call", "team")])
def test_links_only_point_one_step_up_the_chain_so_no_cycle_can_form(chain, source, target):
    before = Link.objects.count()

    with pytest.raises(actions.WorkshopError):
        actions.link(source=chain[source], target=chain[target])

    assert Link.objects.count() == before


def test_two_leaders_editing_at_once_do_not_overwrite_each_other(chain):
    card = chain["safe"]
    read_version = card.version
    actions.edit_item(item=card, title="Jag känner mig trygg hemma", description="", version=read_version)

    with pytest.raises(actions.Conflict):
        actions.edit_item(item=card, title="Trygg", description="", version=read_version)

    card.refresh_from_db()
    assert card.title == "Jag känner mig trygg hemma"


def test_merging_keeps_links_and_who_proposed(chain, workshop, employee):
    duplicate = actions.propose(participant=participant_of(workshop, employee), kind="effect", title="Trygg hemma")
    actions.link(source=chain["call"], target=duplicate)

    actions.merge_items(keep=chain["safe"], duplicate=duplicate)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == chain["safe"]
    assert Link.objects.filter(source=chain["call"], target=chain["safe"]).exists()
    assert not Link.objects.filter(target=duplicate).exists()
    assert chain["safe"].merged_items.get().proposed_by == participant_of(workshop, employee)


def test_cards_of_different_kinds_cannot_be_merged(chain):
    with pytest.raises(actions.WorkshopError):
        actions.merge_items(keep=chain["safe"], duplicate=chain["team"])


def test_ratings_can_be_changed_until_the_step_closes(chain, workshop, employee):
    rater = participant_of(workshop, employee)
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    actions.rate_effect(participant=rater, effect=chain["safe"], importance=3, achievement=2)
    actions.rate_effect(participant=rater, effect=chain["safe"], importance=4, achievement=2)
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)

    with pytest.raises(actions.WorkshopError):
        actions.rate_effect(participant=rater, effect=chain["safe"], importance=0, achievement=1)

    assert ImportanceRating.objects.get(participant=rater).value == 4


@pytest.mark.parametrize(("importance", "achievement"), [(5, 3), (-1, 3), (2, 0), (2, 6)])
def test_ratings_outside_the_scale_are_refused(chain, workshop, employee, importance, achievement):
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)

    with pytest.raises(actions.WorkshopError):
        actions.rate_effect(
            participant=participant_of(workshop, employee),
            effect=chain["safe"],
            importance=importance,
            achievement=achievement,
        )

    assert not ImportanceRating.objects.exists()


def test_dont_know_removes_a_contribution_rating(chain, workshop, employee):
    rater = participant_of(workshop, employee)
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    actions.rate_contribution(participant=rater, activity=chain["team"], effect=chain["safe"], value=2)

    actions.rate_contribution(participant=rater, activity=chain["team"], effect=chain["safe"], value=None)

    assert not ContributionRating.objects.exists()


def test_contribution_needs_a_link(chain, workshop, employee):
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)

    with pytest.raises(actions.WorkshopError):
        actions.rate_contribution(
            participant=participant_of(workshop, employee), activity=chain["call"], effect=chain["safe"], value=3
        )


def test_unlinking_removes_the_ratings_of_that_link(chain, workshop, employee):
    rater = participant_of(workshop, employee)
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    actions.rate_contribution(participant=rater, activity=chain["team"], effect=chain["safe"], value=3)

    actions.unlink(source=chain["team"], target=chain["safe"])

    assert not ContributionRating.objects.exists()


def test_a_decision_needs_a_linked_pair_and_is_recorded_once(chain, workshop, facilitator):
    leader = participant_of(workshop, facilitator)
    details = {"owner": "Hemtjänst Norr", "follow_up": "Kundenkät", "due_on": datetime.date(2027, 6, 1)}

    actions.record_decision(decided_by=leader, activity=chain["team"], effect=chain["safe"], **details)

    with pytest.raises(actions.WorkshopError):
        actions.record_decision(decided_by=leader, activity=chain["team"], effect=chain["safe"], **details)
    with pytest.raises(actions.WorkshopError):
        actions.record_decision(decided_by=leader, activity=chain["call"], effect=chain["safe"], **details)
    assert workshop.decisions.count() == 1


def test_merged_cards_leave_the_chain(chain, workshop, facilitator):
    from tillit.workshops import queries

    duplicate = actions.propose(participant=participant_of(workshop, facilitator), kind="goal", title="Trygghet")
    actions.merge_items(keep=chain["goal"], duplicate=duplicate)

    assert [goal.title for goal in queries.effect_chain(workshop).goals] == ["Trygghet i hemmet"]
    assert Item.objects.filter(workshop=workshop, kind="goal").count() == 2


# Published once, frozen ----------------------------------------------------------------------------------


def closed_rating(workshop: Workshop, chain) -> None:
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)


def test_the_workshop_keeps_the_threshold_it_was_created_with(workshop, organisation):
    organisation.anonymity_threshold = 9
    organisation.save(update_fields=["anonymity_threshold"])

    workshop.refresh_from_db()

    assert workshop.anonymity_threshold == 5


def test_the_results_are_published_when_the_workshop_first_reaches_them(workshop, chain):
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    assert workshop.results_published_at is None

    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)
    first = workshop.results_published_at
    actions.set_step(workshop=workshop, step=Workshop.Step.CLOSED)
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)

    assert first is not None
    assert workshop.results_published_at == first


def test_before_the_results_the_workshop_may_still_go_back(workshop, chain):
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)

    actions.set_step(workshop=workshop, step=Workshop.Step.STRUCTURE)

    assert workshop.step == Workshop.Step.STRUCTURE


CHANGES = {
    "link": lambda chain: actions.link(source=chain["call"], target=chain["safe"]),
    "unlink": lambda chain: actions.unlink(source=chain["team"], target=chain["safe"]),
    "merge": lambda chain: actions.merge_items(keep=chain["safe"], duplicate=chain["known"]),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_links_cannot_change_after_the_results_are_published(workshop, chain, change):
    closed_rating(workshop, chain)

    with pytest.raises(actions.Published):
        CHANGES[change](chain)

    assert Link.objects.filter(source=chain["team"], target=chain["safe"]).exists()
    assert not Link.objects.filter(source=chain["call"], target=chain["safe"]).exists()
    assert not Item.objects.filter(merged_into__isnull=False).exists()


def test_a_card_may_be_renamed_and_moved_after_the_results_are_published(workshop, chain):
    closed_rating(workshop, chain)

    card = actions.edit_item(item=chain["call"], title="Ring alltid", description="", version=1, position=1)

    assert card.title == "Ring alltid"


def test_a_raters_level_is_protected(workshop, employee):
    level = participant_of(workshop, employee).level

    with pytest.raises(ProtectedError):
        level.delete()


def test_a_participation_outlives_the_membership_with_its_ratings(workshop, chain, employee):
    rater = participant_of(workshop, employee)
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    actions.rate_effect(participant=rater, effect=chain["safe"], importance=3, achievement=2)

    employee.memberships.get().delete()

    rater.refresh_from_db()
    assert rater.membership is None
    assert not rater.is_guest
    assert ImportanceRating.objects.filter(participant=rater).exists()


def test_the_database_refuses_a_guest_who_leads(workshop, organisation):
    service_users = ActorGroup.objects.get(organisation=organisation, key="service_user")

    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(workshop=workshop, actor_group=service_users, joined_as_guest=True, role="leader")


# Guest places -----------------------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC))
def test_a_guest_is_refused_when_every_place_is_taken(workshop, organisation):
    service_users = ActorGroup.objects.get(organisation=organisation, key="service_user")
    actions.set_guest_places(workshop=workshop, places=1)
    actions.join_as_guest(code=workshop.guest_code, name="Greta", actor_group=service_users)

    with pytest.raises(actions.WorkshopError):
        actions.join_as_guest(code=workshop.guest_code, name="Greta igen", actor_group=service_users)

    assert Participant.objects.filter(workshop=workshop, joined_as_guest=True).count() == 1


@time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC))
def test_guest_places_cannot_fall_below_the_guests_who_joined(workshop, organisation):
    service_users = ActorGroup.objects.get(organisation=organisation, key="service_user")
    actions.join_as_guest(code=workshop.guest_code, name="Greta", actor_group=service_users)
    actions.join_as_guest(code=workshop.guest_code, name="Gun", actor_group=service_users)

    with pytest.raises(actions.WorkshopError):
        actions.set_guest_places(workshop=workshop, places=1)

    workshop.refresh_from_db()
    assert workshop.guest_places == 4


@pytest.mark.parametrize("places", [-1, 501, True, "3"])
def test_guest_places_off_the_scale_are_refused(organisation, facilitator, places):
    with pytest.raises(actions.WorkshopError):
        actions.create_workshop(
            organisation=organisation,
            leader=facilitator.memberships.get(),
            title="T",
            purpose="x",
            service_user_group="y",
            units=[],
            starts_on=datetime.date(2026, 12, 1),
            ends_on=datetime.date(2026, 12, 2),
            guest_places=places,
        )


def test_new_guest_codes_have_eight_characters_from_the_unambiguous_alphabet(workshop):
    assert len(workshop.guest_code) == 8
    assert set(workshop.guest_code) <= set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


# Personal data in cards ----------------------------------------------------------------------------------------


def test_a_proposal_is_stored_masked_and_says_what_was_removed(workshop, employee):
    item = actions.propose(
        participant=participant_of(workshop, employee),
        kind="effect",
        title="Ring 070-123 45 67",
        description="eller skriv till anna@norrby.se",
    )

    item.refresh_from_db()
    assert "070-123" not in item.title
    assert "anna@norrby.se" not in item.description
    assert item.personal_data_removed == {"phone_number": 1, "email": 1}


def test_an_edit_is_stored_masked_and_says_what_was_removed(chain):
    card = actions.edit_item(item=chain["team"], title="Fasta team", description="Anna 070-123 45 67", version=1)

    assert "070-123" not in card.description
    assert card.personal_data_removed == {"phone_number": 1}


def test_a_masked_title_keeps_to_its_length_limit(workshop, employee):
    long_title = "x" * 128 + " 070-1234567"

    item = actions.propose(participant=participant_of(workshop, employee), kind="goal", title=long_title)

    item.refresh_from_db()
    assert len(item.title) <= 140
    assert "070" not in item.title


@pytest.mark.django_db(transaction=True)
def test_closing_rating_waits_for_a_rating_being_saved(workshop, chain, employee):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite lets one writer in at a time")
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)

    def close_rating_at_once() -> str:
        try:
            with transaction.atomic():
                Workshop.objects.select_for_update(nowait=True).get(pk=workshop.pk)
            return "closed"
        except DatabaseError:
            return "waits"
        finally:
            connections.close_all()

    with transaction.atomic():
        actions.rate_effect(
            participant=participant_of(workshop, employee), effect=chain["safe"], importance=3, achievement=2
        )
        with ThreadPoolExecutor(max_workers=1) as pool:
            while_saving = pool.submit(close_rating_at_once).result()
    with ThreadPoolExecutor(max_workers=1) as pool:
        afterwards = pool.submit(close_rating_at_once).result()

    assert (while_saving, afterwards) == ("waits", "closed")
