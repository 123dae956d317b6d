"""A member's key in an internal dialogue depends on the data key only: restoring or rotating SECRET_KEY changes
nothing, and a data key rotated with a fallback keeps every member the same participant (issue 15, point 2)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tillit.dialogues import actions, queries
from tillit.dialogues.models import DialogueParticipant, Vote
from tillit.organisations.models import Membership

pytestmark = pytest.mark.django_db

OLD_KEY = "the-data-key-the-database-was-written-with-0123456789-abcdefghijklmn"
NEW_KEY = "the-data-key-after-rotation-0123456789-abcdefghijklmnopqrstuvwxyz-01"


def membership_of(user, dialogue) -> Membership:
    return Membership.objects.get(user=user, organisation=dialogue.organisation)


def join_and_vote(dialogue, membership) -> DialogueParticipant:
    participant = actions.participant_for_member(dialogue, membership, create=True)
    [statement] = actions.add_seed_statements(dialogue=dialogue, texts=["Vi behöver mer tid med brukarna."])
    actions.vote(participant=participant, statement=statement, value=Vote.Value.AGREE)
    return participant


def test_another_secret_key_keeps_a_member_the_same_participant(dialogue, employee, settings):
    membership = membership_of(employee, dialogue)
    settings.DATA_KEY = OLD_KEY
    settings.SECRET_KEY = "the-signing-key-before-0123456789-abcdefghijklmnopqrstuvwxyz-0123"
    first = join_and_vote(dialogue, membership)

    settings.SECRET_KEY = "the-signing-key-after-a-restore-0123456789-abcdefghijklmnopqrstuv"
    again = actions.participant_for_member(dialogue, membership, create=True)

    assert again == first
    assert DialogueParticipant.objects.filter(dialogue=dialogue).count() == 1
    assert queries.addresses_not_taking_part(dialogue, besides=None).count(employee.email) == 0


def test_a_rotated_data_key_with_its_fallback_finds_the_member_and_rekeying_moves_them(dialogue, employee, settings):
    membership = membership_of(employee, dialogue)
    settings.DATA_KEY = OLD_KEY
    first = join_and_vote(dialogue, membership)

    settings.DATA_KEY, settings.DATA_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    during = actions.participant_for_member(dialogue, membership, create=True)
    left_out = employee.email not in queries.addresses_not_taking_part(dialogue, besides=None)
    call_command("rekey_data", stdout=io.StringIO())
    settings.DATA_KEY_FALLBACKS = []
    after = actions.participant_for_member(dialogue, membership, create=True)

    assert during == first
    assert left_out
    assert after == first
    assert DialogueParticipant.objects.get(pk=first.pk).token_hash == queries.member_token_hash(dialogue, membership)
    assert DialogueParticipant.objects.filter(dialogue=dialogue).count() == 1


def test_without_the_old_key_the_member_would_join_again(dialogue, employee, settings):
    """What the fallback and the database check prevent: the same member as a second participant."""
    membership = membership_of(employee, dialogue)
    settings.DATA_KEY = OLD_KEY
    first = join_and_vote(dialogue, membership)

    settings.DATA_KEY = NEW_KEY
    second = actions.participant_for_member(dialogue, membership, create=True)

    assert second != first
