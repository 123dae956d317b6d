"""A reminder repeats the personal link the invitation carried, whatever happened to SECRET_KEY, and while the data
key is rotated (issue 15, point 2)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tillit.barometer import actions
from tillit.barometer.models import Invitation
from tillit.core.tokens import hash_token

pytestmark = pytest.mark.django_db

OLD_KEY = "the-data-key-the-database-was-written-with-0123456789-abcdefghijklmn"
NEW_KEY = "the-data-key-after-rotation-0123456789-abcdefghijklmnopqrstuvwxyz-01"


def invitation_of(round, user) -> Invitation:
    return Invitation.objects.select_related("round").get(round=round, membership__user=user)


def test_the_link_survives_a_new_secret_key_and_a_rotated_data_key(make_round, organisation, employee, settings):
    settings.DATA_KEY = OLD_KEY
    round = make_round(organisation)
    sent = actions.invitation_token(invitation_of(round, employee))

    settings.SECRET_KEY = "the-signing-key-after-a-restore-0123456789-abcdefghijklmnopqrstuv"
    after_restore = actions.invitation_token(invitation_of(round, employee))
    settings.DATA_KEY, settings.DATA_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    while_rotating = actions.invitation_token(invitation_of(round, employee))
    output = io.StringIO()
    call_command("rekey_data", stdout=output)

    assert after_restore == while_rotating == sent
    assert hash_token(sent) == invitation_of(round, employee).token_hash
    assert "were made with an older key" in output.getvalue()


def test_rekeying_says_nothing_waits_when_every_link_has_the_current_key(make_round, organisation, employee):
    make_round(organisation)
    output = io.StringIO()
    call_command("rekey_data", stdout=output)

    assert "every personal link of an open round is made with the current key" in output.getvalue()
