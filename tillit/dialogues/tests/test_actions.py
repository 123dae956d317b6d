import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from tillit.core.tokens import hash_token
from tillit.dialogues import actions, queries
from tillit.dialogues.models import Dialogue, DialogueAnalysis, DialogueParticipant, Statement, Vote
from tillit.dialogues.tests.conftest import make_dialogue
from tillit.organisations.models import ActorGroup


def member_participant(dialogue, user):
    return actions.participant_for_member(dialogue, user.memberships.get(), create=True)


def test_seed_statements_are_accepted_numbered_and_deduplicated(organisation, facilitator):
    dialogue = make_dialogue(organisation, facilitator, seed_statements=["Ett", "  två  ", "ETT", ""])
    statements = list(Statement.objects.filter(dialogue=dialogue))
    assert [(s.number, s.text, s.status, s.is_seed) for s in statements] == [
        (1, "Ett", "accepted", True),
        (2, "två", "accepted", True),
    ]


def test_dialogue_cannot_close_before_it_opens(organisation, facilitator):
    today = timezone.localdate()
    with pytest.raises(actions.DialogueError):
        make_dialogue(organisation, facilitator, opens_on=today, closes_on=today - datetime.timedelta(days=1))
    assert not Dialogue.objects.exists()


def test_a_vote_cannot_be_changed_once_cast(dialogue, employee):
    # Published results must not move because someone changed their mind: two looks would show their vote.
    participant = member_participant(dialogue, employee)
    statement = dialogue.statements.first()
    actions.vote(participant=participant, statement=statement, value=1)
    with pytest.raises(actions.DialogueError):
        actions.vote(participant=participant, statement=statement, value=-1)
    assert list(Vote.objects.filter(participant=participant).values_list("value", flat=True)) == [1]


def test_the_same_vote_sent_twice_is_stored_once(dialogue, employee):
    participant = member_participant(dialogue, employee)
    statement = dialogue.statements.first()
    actions.vote(participant=participant, statement=statement, value=0)
    actions.vote(participant=participant, statement=statement, value=0)
    assert Vote.objects.filter(participant=participant).count() == 1


def test_votes_mark_the_analysis_dirty(dialogue, employee):
    DialogueAnalysis.objects.filter(dialogue=dialogue).update(dirty=False)
    actions.vote(participant=member_participant(dialogue, employee), statement=dialogue.statements.first(), value=0)
    assert DialogueAnalysis.objects.get(dialogue=dialogue).dirty


@pytest.mark.parametrize("value", [2, -2, None, "1"])
def test_a_vote_outside_agree_disagree_pass_is_refused(dialogue, employee, value):
    with pytest.raises(actions.DialogueError):
        actions.vote(
            participant=member_participant(dialogue, employee), statement=dialogue.statements.first(), value=value
        )
    assert not Vote.objects.exists()


def test_no_vote_on_a_rejected_statement(dialogue, employee):
    statement = dialogue.statements.first()
    actions.moderate(statement=statement, status=Statement.Status.REJECTED)
    with pytest.raises(actions.DialogueError, match="tagits bort"):
        actions.vote(participant=member_participant(dialogue, employee), statement=statement, value=1)
    assert not Vote.objects.exists()


def test_no_vote_on_a_statement_waiting_for_pre_moderation(organisation, facilitator, employee):
    dialogue = make_dialogue(organisation, facilitator, moderation=Dialogue.Moderation.PRE)
    author = member_participant(dialogue, facilitator)
    pending = actions.add_statement(participant=author, text="Fler raster för personalen.")
    assert pending.status == Statement.Status.PENDING
    with pytest.raises(actions.DialogueError, match="väntar på moderering"):
        actions.vote(participant=member_participant(dialogue, employee), statement=pending, value=1)


def test_no_vote_in_a_closed_dialogue(dialogue, employee):
    participant = member_participant(dialogue, employee)
    Dialogue.objects.filter(pk=dialogue.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    statement = Statement.objects.select_related("dialogue").filter(dialogue=dialogue).first()
    with pytest.raises(actions.DialogueError, match="har stängt"):
        actions.vote(participant=participant, statement=statement, value=1)
    assert not Vote.objects.exists()


def test_no_vote_on_another_dialogues_statement(dialogue, organisation, facilitator, employee):
    other = make_dialogue(organisation, facilitator, question="En annan fråga?")
    with pytest.raises(actions.DialogueError):
        actions.vote(participant=member_participant(dialogue, employee), statement=other.statements.first(), value=1)


def test_an_author_agrees_with_their_own_statement(dialogue, employee):
    participant = member_participant(dialogue, employee)
    statement = actions.add_statement(participant=participant, text="  Kontinuitet   är viktigast. ")
    assert statement.text == "Kontinuitet är viktigast."
    assert Vote.objects.get(participant=participant).statement == statement
    assert Vote.objects.get(participant=participant).value == Vote.Value.AGREE


def test_statement_length_and_duplicates_are_checked(dialogue, employee):
    participant = member_participant(dialogue, employee)
    with pytest.raises(actions.DialogueError, match="140"):
        actions.add_statement(participant=participant, text="x" * 141)
    with pytest.raises(actions.DialogueError, match="finns redan"):
        actions.add_statement(participant=participant, text=dialogue.statements.first().text.upper())
    with pytest.raises(actions.DialogueError):
        actions.add_statement(participant=participant, text=" \u0000 ")
    assert dialogue.statements.count() == 3


def test_members_are_not_named_in_their_participation(dialogue, employee):
    participant = member_participant(dialogue, employee)
    membership = employee.memberships.get()
    assert participant.actor_group == membership.actor_group
    related = {field.related_model for field in DialogueParticipant._meta.get_fields() if field.is_relation}
    assert not related & {type(membership), type(employee)}
    assert participant.token_hash == queries.member_token_hash(dialogue, membership)
    assert employee.email not in str(DialogueParticipant.objects.filter(pk=participant.pk).values().get())
    assert member_participant(dialogue, employee) == participant


def test_open_participants_are_a_random_token_only_its_hash_stored(open_dialogue, organisation):
    service_users = ActorGroup.objects.get(organisation=organisation, key="service_user")
    participant, token = actions.join_open_dialogue(dialogue=open_dialogue, actor_group=service_users)
    assert len(token) >= 40
    assert participant.token_hash == hash_token(token) != token
    assert queries.participation_with_token(open_dialogue, token) == participant
    assert queries.participation_with_token(open_dialogue, token + "x") is None


def test_open_participants_cannot_claim_another_organisations_group(open_dialogue, other_organisation):
    foreign = ActorGroup.objects.filter(organisation=other_organisation).first()
    with pytest.raises(actions.DialogueError):
        actions.join_open_dialogue(dialogue=open_dialogue, actor_group=foreign)
    assert not DialogueParticipant.objects.exists()


def test_internal_dialogues_take_no_anonymous_participants(dialogue):
    with pytest.raises(actions.DialogueError):
        actions.join_open_dialogue(dialogue=dialogue, actor_group=None)


def test_merge_takes_the_duplicate_out(dialogue):
    keep, duplicate = dialogue.statements.all()[:2]
    actions.merge(duplicate=duplicate, keep=keep)
    duplicate.refresh_from_db()
    assert duplicate.status == Statement.Status.REJECTED
    assert duplicate.merged_into == keep
    with pytest.raises(actions.DialogueError):
        actions.moderate(statement=duplicate, status=Statement.Status.ACCEPTED)
    with pytest.raises(actions.DialogueError):
        actions.merge(duplicate=keep, keep=keep)


def test_the_database_refuses_a_second_vote_row(dialogue, employee):
    participant = member_participant(dialogue, employee)
    statement = dialogue.statements.first()
    Vote.objects.create(dialogue=dialogue, statement=statement, participant=participant, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(dialogue=dialogue, statement=statement, participant=participant, value=-1)


# The in-memory SQLite test database locks whole tables across threads, so real concurrency is
# checked on PostgreSQL, the production database; the constraint itself is checked on both above.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need the PostgreSQL run")
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_identical_votes_store_one_row(organisation, facilitator, employee):
    dialogue = make_dialogue(organisation, facilitator)
    member_participant(dialogue, employee)
    statement = dialogue.statements.first()
    url = f"/s/{dialogue.public_id}/vote/"
    signed_in = Client()
    signed_in.force_login(employee)
    start = threading.Barrier(50, timeout=60)
    statuses: list[int] = []

    def post() -> None:
        client = Client()
        client.cookies = signed_in.cookies
        try:
            start.wait()
            response = client.post(url, {"statement": str(statement.public_id), "vote": "1"})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _number in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 50
    assert Vote.objects.filter(statement=statement).count() == 1


def test_no_reports_after_closing(dialogue, employee):
    participant = member_participant(dialogue, employee)
    Dialogue.objects.filter(pk=dialogue.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    statement = Statement.objects.select_related("dialogue").filter(dialogue=dialogue).first()
    with pytest.raises(actions.DialogueError):
        actions.flag(participant=participant, statement=statement)


def test_a_participant_adds_at_most_twenty_statements_an_hour(dialogue, employee):
    participant = member_participant(dialogue, employee)
    for number in range(actions.STATEMENTS_PER_PARTICIPANT_PER_HOUR):
        actions.add_statement(participant=participant, text=f"Förslag nummer {number}")
    with pytest.raises(actions.DialogueError):
        actions.add_statement(participant=participant, text="Ett till")
    assert dialogue.statements.filter(author=participant).count() == actions.STATEMENTS_PER_PARTICIPANT_PER_HOUR


# Into a workshop ----------------------------------------------------------------------------------------------------


def workshop_of(organisation, leader):
    from tillit.workshops import actions as workshop_actions

    return workshop_actions.create_workshop(
        organisation=organisation,
        leader=leader.memberships.get(),
        title="Trygg hemtjänst",
        purpose="Trygghet",
        service_user_group="Äldre",
        units=[],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )


def test_promoting_a_statement_makes_a_card_with_the_promoter_as_a_leader(dialogue, facilitator, org_admin):
    from tillit.workshops.models import Participant

    workshop = workshop_of(dialogue.organisation, facilitator)
    statement = dialogue.statements.first()

    card = actions.promote_statement(
        statement=statement, workshop=workshop, kind="effect", membership=org_admin.memberships.get()
    )

    assert (card.workshop, card.kind, card.title) == (workshop, "effect", statement.text)
    assert dialogue.question in card.description
    assert Participant.objects.get(workshop=workshop, membership__user=org_admin).is_leader


def test_promoting_into_a_workshop_that_takes_no_proposals_leaves_nothing_behind(dialogue, facilitator, org_admin):
    from tillit.workshops import actions as workshop_actions
    from tillit.workshops.models import Item, Participant

    workshop = workshop_of(dialogue.organisation, facilitator)
    workshop_actions.set_step(workshop=workshop, step="rate")

    with pytest.raises(ValidationError):
        actions.promote_statement(
            statement=dialogue.statements.first(),
            workshop=workshop,
            kind="activity",
            membership=org_admin.memberships.get(),
        )

    assert not Item.objects.filter(workshop=workshop).exists()
    assert not Participant.objects.filter(workshop=workshop, membership__user=org_admin).exists()


def test_a_removed_statement_or_another_organisations_workshop_is_refused(dialogue, facilitator, outsider):
    from tillit.workshops.models import Item

    statement = dialogue.statements.first()
    foreign = workshop_of(outsider.memberships.get().organisation, outsider)
    with pytest.raises(actions.DialogueError, match=r"workshop|arbetsmöte"):
        actions.promote_statement(
            statement=statement, workshop=foreign, kind="effect", membership=facilitator.memberships.get()
        )
    actions.moderate(statement=statement, status=Statement.Status.REJECTED)
    own = workshop_of(dialogue.organisation, facilitator)
    with pytest.raises(actions.DialogueError):
        actions.promote_statement(
            statement=statement, workshop=own, kind="effect", membership=facilitator.memberships.get()
        )

    assert not Item.objects.exists()
