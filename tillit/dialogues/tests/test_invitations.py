"""E-mail from an internal dialogue: the invitation to every member of the organisation, and the reminder to those
who have not taken part, each one message with the members as blind copies, which never says who or how many."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.conf import settings
from django.core import mail
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation

from conftest import cast_member
from tillit.dialogues import actions
from tillit.dialogues.models import Dialogue
from tillit.dialogues.tests.conftest import make_dialogue
from tillit.workshops.tests.outside import swedish

pytestmark = pytest.mark.django_db

INVITED = "The invitation was e-mailed to the members of the organisation."
REMINDED = "A reminder was e-mailed to the members who have not taken part yet."
NO_LIST = "An open dialogue has no list of members to e-mail. Share its link with those you want to take part."
CLOSED = "The dialogue has closed: invitations can no longer be sent."
NOT_OPEN = "Reminders can only be sent while the dialogue is open."
NOT_SENT = "The e-mail could not be sent. Try again later."


def invite_url(dialogue: Dialogue) -> str:
    return reverse("dialogues:invite", kwargs={"dialogue": dialogue.public_id})


def remind_url(dialogue: Dialogue) -> str:
    return reverse("dialogues:remind", kwargs={"dialogue": dialogue.public_id})


def manage_url(dialogue: Dialogue) -> str:
    return reverse("dialogues:moderate", kwargs={"dialogue": dialogue.public_id})


def participation_link(dialogue: Dialogue) -> str:
    return settings.SITE_URL + reverse("dialogues:participate", kwargs={"dialogue": dialogue.public_id})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def long_date(day: datetime.date) -> str:
    with translation.override("sv"):
        return date_filter(day, "j F Y")


@pytest.fixture
def everyone(org_admin, facilitator, manager, employee, politician, outsider):
    """Norrby's cast, and Söderby's administrator, who is no member here."""
    return {"org_admin": org_admin, "manager": manager, "employee": employee, "politician": politician}


@pytest.fixture
def broken_mail_server(settings):
    # Port 9 (discard) on loopback: nothing listens, so the SMTP connection is refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, False, 2


# The invitation ---------------------------------------------------------------------------------------------------


def test_the_invitation_goes_to_every_member_as_a_blind_copy(client, dialogue, facilitator, everyone, make_member):
    gone = make_member(dialogue.organisation, email="slutat@norrby.example").user
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    client.force_login(facilitator)

    response = client.post(invite_url(dialogue), follow=True)

    assert messages_of(response) == [swedish(INVITED)]
    [message] = mail.outbox
    # Nobody but the site in "to": the members are blind copies, the one inviting and those who cannot sign in not.
    assert message.to == [settings.DEFAULT_FROM_EMAIL]
    assert message.cc == []
    assert sorted(message.bcc) == sorted(user.email for user in everyone.values())
    assert "olle@soderby.example" not in message.bcc
    assert dialogue.question in message.subject
    assert dialogue.question in message.body
    assert participation_link(dialogue) in message.body
    assert long_date(dialogue.closes_on) in message.body
    assert facilitator.full_name in message.body
    dialogue.refresh_from_db()
    assert dialogue.invited_at is not None
    assert abs(timezone.now() - dialogue.invited_at) < datetime.timedelta(minutes=1)


def test_a_dialogue_that_opens_later_says_when(client, organisation, facilitator, employee):
    today = timezone.localdate()
    later = make_dialogue(
        organisation,
        facilitator,
        opens_on=today + datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=20),
    )
    client.force_login(facilitator)

    client.post(invite_url(later))

    [message] = mail.outbox
    assert message.bcc == [employee.email]
    assert long_date(later.opens_on) in message.body
    assert long_date(later.closes_on) in message.body
    # One that is open now says so, without an opening day.
    assert long_date(later.opens_on) not in _invitation_body(organisation, facilitator)


def _invitation_body(organisation, facilitator) -> str:
    now_open = make_dialogue(organisation, facilitator, question="Vad behöver hemtjänsten mer av?")
    mail.outbox.clear()
    actions.invite_members(dialogue=now_open, invited_by=None, site_url="https://tillit.example")
    [message] = mail.outbox
    assert "https://tillit.example/s/" in message.body
    return message.body


def test_the_manage_page_shows_when_it_was_sent_and_asks_before_sending_again(client, dialogue, facilitator, employee):
    client.force_login(facilitator)
    page = client.get(manage_url(dialogue)).content.decode()
    # Not sent yet: the button posts at once.
    assert f'action="{invite_url(dialogue)}"' in page

    client.post(invite_url(dialogue))
    dialogue.refresh_from_db()
    page = client.get(manage_url(dialogue)).content.decode()
    with translation.override("sv"):
        sent = date_filter(timezone.localtime(dialogue.invited_at), "j F Y, H:i")
    assert swedish("The invitation was sent on %(sent)s.", sent=sent) in page
    # Sent before: the manage page only links to the page that asks.
    assert f'action="{invite_url(dialogue)}"' not in page
    assert f'href="{invite_url(dialogue)}"' in page

    confirmation = client.get(invite_url(dialogue))
    assert confirmation.status_code == 200
    assert sent in confirmation.content.decode()
    assert len(mail.outbox) == 1  # asking sends nothing

    client.post(invite_url(dialogue))
    assert len(mail.outbox) == 2


def test_a_failing_mail_server_records_nothing_and_names_nobody(
    client, dialogue, facilitator, everyone, broken_mail_server, caplog
):
    client.force_login(facilitator)
    with caplog.at_level(logging.DEBUG):
        invited = client.post(invite_url(dialogue), follow=True)
        actions.participant_for_member(dialogue, everyone["employee"].memberships.get(), create=True)
        reminded = client.post(remind_url(dialogue), follow=True)

    assert messages_of(invited) == [swedish(NOT_SENT)]
    assert messages_of(reminded) == [swedish(NOT_SENT)]
    dialogue.refresh_from_db()
    assert dialogue.invited_at is None
    assert not any(user.email in caplog.text for user in everyone.values())
    assert "norrby.example" not in caplog.text


# The reminder -----------------------------------------------------------------------------------------------------


def test_the_reminder_goes_only_to_members_who_have_not_taken_part(
    client, dialogue, facilitator, org_admin, manager, employee, politician
):
    for user in (employee, org_admin):
        actions.participant_for_member(dialogue, user.memberships.get(), create=True)
    client.force_login(facilitator)

    response = client.post(remind_url(dialogue), follow=True)

    [message] = mail.outbox
    assert message.to == [settings.DEFAULT_FROM_EMAIL]
    assert sorted(message.bcc) == sorted([manager.email, politician.email])  # not the one reminding either
    assert participation_link(dialogue) in message.body
    assert dialogue.question in message.body
    # The page names nobody and counts nobody.
    assert messages_of(response) == [swedish(REMINDED)]
    page = response.content.decode()
    assert not any(user.email in page or user.full_name in page for user in (manager, politician, employee))


def test_the_reminder_is_the_same_one_message_when_everyone_has_taken_part(client, dialogue, facilitator, employee):
    actions.participant_for_member(dialogue, employee.memberships.get(), create=True)
    client.force_login(facilitator)

    response = client.post(remind_url(dialogue), follow=True)

    # Nothing in the answer tells "nobody left" from "some left".
    assert [(message.to, message.bcc) for message in mail.outbox] == [([settings.DEFAULT_FROM_EMAIL], [])]
    assert messages_of(response) == [swedish(REMINDED)]


def test_no_reminder_before_it_opens_or_after_it_closes(client, organisation, dialogue, facilitator, employee):
    today = timezone.localdate()
    upcoming = make_dialogue(
        organisation, facilitator, opens_on=today + datetime.timedelta(days=2), closes_on=today + datetime.timedelta(5)
    )
    actions.close_dialogue(dialogue=dialogue)
    client.force_login(facilitator)
    for closed_or_upcoming in (dialogue, upcoming):
        response = client.post(remind_url(closed_or_upcoming), follow=True)
        assert messages_of(response) == [swedish(NOT_OPEN)]
        assert remind_url(closed_or_upcoming) not in client.get(manage_url(closed_or_upcoming)).content.decode()
    assert mail.outbox == []


# Refusals ---------------------------------------------------------------------------------------------------------


def test_an_open_dialogue_has_no_member_list_to_write_to(client, open_dialogue, facilitator, employee):
    client.force_login(facilitator)
    page = client.get(manage_url(open_dialogue)).content.decode()
    assert invite_url(open_dialogue) not in page
    assert remind_url(open_dialogue) not in page

    for response in (
        client.post(invite_url(open_dialogue), follow=True),
        client.get(invite_url(open_dialogue), follow=True),
        client.post(remind_url(open_dialogue), follow=True),
    ):
        assert messages_of(response) == [swedish(NO_LIST)]
    assert mail.outbox == []
    open_dialogue.refresh_from_db()
    assert open_dialogue.invited_at is None


def test_a_closed_dialogue_sends_no_invitation(client, dialogue, facilitator, employee):
    actions.close_dialogue(dialogue=dialogue)
    client.force_login(facilitator)
    assert invite_url(dialogue) not in client.get(manage_url(dialogue)).content.decode()

    for response in (client.post(invite_url(dialogue), follow=True), client.get(invite_url(dialogue), follow=True)):
        assert messages_of(response) == [swedish(CLOSED)]
    assert mail.outbox == []


def test_nobody_else_to_invite_is_said_plainly(client, dialogue, facilitator):
    client.force_login(facilitator)
    response = client.post(invite_url(dialogue), follow=True)
    assert messages_of(response) == [
        swedish("Nobody else in the organisation has an e-mail address to send the invitation to.")
    ]
    assert mail.outbox == []
    dialogue.refresh_from_db()
    assert dialogue.invited_at is None


def test_a_few_invitations_and_reminders_a_day_and_no_more(client, dialogue, facilitator, employee):
    client.force_login(facilitator)
    for _attempt in range(3):
        client.post(invite_url(dialogue))
        client.post(remind_url(dialogue))
    assert len(mail.outbox) == 6

    invited = client.post(invite_url(dialogue), follow=True)
    reminded = client.post(remind_url(dialogue), follow=True)

    assert len(mail.outbox) == 6
    assert messages_of(invited)[-1] == swedish(
        "The invitation has already been sent several times today. Try again tomorrow."
    )
    assert messages_of(reminded) == [swedish("Reminders have already been sent today. Try again tomorrow.")]


def test_only_those_who_lead_the_dialogue_may_send(client, organisation, dialogue, employee, politician, outsider):
    # A participant (one who has joined) acting as the process leader is refused; so is any other member.
    actions.participant_for_member(dialogue, employee.memberships.get(), create=True)
    for user in (employee, politician):
        client.force_login(user)
        assert client.get(invite_url(dialogue)).status_code == 403
        assert client.post(invite_url(dialogue)).status_code == 403
        assert client.post(remind_url(dialogue)).status_code == 403
    # Another organisation's administrator does not learn that the dialogue exists.
    client.force_login(outsider)
    for sent in (
        client.get(invite_url(dialogue)),
        client.post(invite_url(dialogue)),
        client.post(remind_url(dialogue)),
    ):
        assert sent.status_code == 404
    client.logout()
    for url in (invite_url(dialogue), remind_url(dialogue)):
        assert client.post(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(politician)
    assert client.get(remind_url(dialogue)).status_code == 405
    assert mail.outbox == []
    dialogue.refresh_from_db()
    assert dialogue.invited_at is None


def test_a_leader_elsewhere_gets_404_for_this_organisations_dialogue(
    client, dialogue, other_organisation, make_member, employee
):
    leader_elsewhere = cast_member(make_member, "outsider", other_organisation)
    theirs = make_dialogue(other_organisation, leader_elsewhere)
    client.force_login(leader_elsewhere)
    assert client.post(invite_url(theirs)).status_code == 302  # their own: allowed (nobody else there to invite)
    for url in (invite_url(dialogue), remind_url(dialogue)):
        assert client.post(url).status_code == 404
    assert mail.outbox == []
