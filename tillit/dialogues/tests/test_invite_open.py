"""Inviting people outside the organisation to an open dialogue by e-mail, with a link that preselects their actor
group (used by Styrsignaler's lärande tillsyn)."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from tillit.dialogues import actions
from tillit.dialogues.actions import DialogueError
from tillit.dialogues.tests.conftest import make_dialogue
from tillit.organisations.models import ActorGroup

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def _group(organisation, key="supervisory_body"):
    return ActorGroup.objects.get(organisation=organisation, key=key)


def test_invites_by_blind_copy_with_the_group_in_the_link(organisation, facilitator, open_dialogue):
    group = _group(organisation)
    actions.invite_to_open_dialogue(
        dialogue=open_dialogue,
        addresses=["a@ivo.se", " b@ivo.se ", "a@ivo.se", ""],
        actor_group=group,
        invited_by=facilitator.memberships.get(),
        site_url="https://tillit.example",
    )
    [message] = mail.outbox
    assert message.to == [settings.DEFAULT_FROM_EMAIL]
    assert sorted(message.bcc) == ["a@ivo.se", "b@ivo.se"]
    link = "https://tillit.example" + reverse("dialogues:participate", kwargs={"dialogue": open_dialogue.public_id})
    assert f"{link}?grupp={group.public_id}" in message.body
    assert "no account needed" in message.body
    open_dialogue.refresh_from_db()
    assert open_dialogue.invited_at is not None


def test_without_a_group_the_link_is_plain(organisation, open_dialogue):
    actions.invite_to_open_dialogue(
        dialogue=open_dialogue, addresses=["a@ivo.se"], actor_group=None, invited_by=None, site_url=""
    )
    assert "grupp=" not in mail.outbox[0].body


def test_refusals(organisation, other_organisation, facilitator, dialogue, open_dialogue):
    def invite(target, **fields):
        values = {"addresses": ["a@ivo.se"], "actor_group": None, "invited_by": None, "site_url": ""} | fields
        return actions.invite_to_open_dialogue(dialogue=target, **values)

    with pytest.raises(DialogueError, match="Only an open dialogue"):
        invite(dialogue)
    with pytest.raises(DialogueError, match="at least one"):
        invite(open_dialogue, addresses=[" "])
    with pytest.raises(DialogueError, match="listed groups"):
        invite(open_dialogue, actor_group=_group(other_organisation))
    with pytest.raises(DialogueError, match="At most"):
        invite(open_dialogue, addresses=[f"p{n}@ivo.se" for n in range(actions.MAX_INVITED_ADDRESSES + 1)])
    closed = make_dialogue(
        organisation,
        facilitator,
        access="open",
        opens_on=timezone.localdate() - datetime.timedelta(days=10),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    with pytest.raises(DialogueError, match="has closed"):
        invite(closed)
    with (
        mock.patch("tillit.dialogues.actions.send_blind", return_value=False),
        pytest.raises(DialogueError, match="could not be sent"),
    ):
        invite(open_dialogue)
    open_dialogue.refresh_from_db()
    assert open_dialogue.invited_at is None
    assert not mail.outbox


def test_the_link_preselects_the_group_on_the_joining_form(client, organisation, other_organisation, open_dialogue):
    url = reverse("dialogues:participate", kwargs={"dialogue": open_dialogue.public_id})
    group = _group(organisation, "partner")
    html = client.get(url, {"grupp": group.public_id}).content.decode()
    assert f'<option value="{group.pk}" selected>' in html
    for wrong in (_group(other_organisation, "partner").public_id, "nonsense"):
        html = client.get(url, {"grupp": wrong}).content.decode()
        assert not re.search(r'<option value="\d+" selected>', html)
