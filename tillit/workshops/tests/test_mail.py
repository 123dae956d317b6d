"""E-mail from a workshop: the link to those a process leader invites, and the reminder to rate, which goes only to
members who have not rated and never says who they are."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tillit.workshops import actions
from tillit.workshops.models import Workshop
from tillit.workshops.tests.conftest import participant_of
from tillit.workshops.tests.outside import swedish

pytestmark = pytest.mark.django_db

REMINDED = "A reminder was e-mailed to those taking part who have not rated yet."


def remind_url(workshop: Workshop) -> str:
    return reverse("workshops:remind_raters", kwargs={"workshop": workshop.public_id})


def test_those_the_leader_adds_get_the_link_by_e_mail_and_nobody_else(
    client, workshop, facilitator, employee, politician, org_admin
):
    client.force_login(facilitator)
    url = reverse("workshops:participants", kwargs={"workshop": workshop.public_id})
    response = client.post(
        url, {"memberships": [politician.memberships.get().pk, org_admin.memberships.get().pk], "role": "participant"}
    )
    assert response.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == sorted([politician.email, org_admin.email])
    link = settings.SITE_URL + reverse("workshops:detail", kwargs={"workshop": workshop.public_id})
    assert all(link in message.body and workshop.title in message.subject for message in mail.outbox)
    assert all(facilitator.full_name in message.body for message in mail.outbox)


def test_someone_already_taking_part_and_the_one_inviting_get_no_e_mail(workshop, facilitator, employee, politician):
    added = actions.invite_members(
        workshop=workshop,
        memberships=[employee.memberships.get(), politician.memberships.get(), facilitator.memberships.get()],
        invited_by=facilitator.memberships.get(),
        site_url="https://tillit.example",
    )
    assert len(added) == 3
    assert [message.to for message in mail.outbox] == [[politician.email]]
    assert "https://tillit.example/w/" in mail.outbox[0].body


def test_a_failing_mail_server_does_not_undo_the_invitation(workshop, facilitator, politician):
    with mock.patch("tillit.core.mail.send_mail", side_effect=OSError("no server")):
        actions.invite_members(
            workshop=workshop, memberships=[politician.memberships.get()], invited_by=None, site_url="http://x"
        )
    assert workshop.participants.filter(membership__user=politician).exists()


def rating_workshop(workshop, chain, rated_by):
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    for user in rated_by:
        actions.rate_effect(
            participant=participant_of(workshop, user), effect=chain["safe"], importance=3, achievement=2
        )


def test_the_reminder_goes_only_to_members_who_have_not_rated(
    client, workshop, chain, facilitator, employee, manager, politician, org_admin
):
    actions.add_members(workshop=workshop, memberships=[politician.memberships.get(), org_admin.memberships.get()])
    actions.join_as_guest(code=workshop.guest_code, name="Gäst", actor_group=employee.memberships.get().actor_group)
    rating_workshop(workshop, chain, rated_by=[employee, org_admin])
    # A contribution alone counts as having rated.
    actions.rate_contribution(
        participant=participant_of(workshop, politician), activity=chain["team"], effect=chain["safe"], value=2
    )
    client.force_login(facilitator)
    response = client.post(remind_url(workshop), follow=True)
    assert response.status_code == 200
    # Only the manager has not rated (the facilitator who sends it is not reminded; guests have no address). One
    # message, with those reminded as blind copies: nobody sees the others, and sending takes as long for one as many.
    assert [(message.to, message.bcc) for message in mail.outbox] == [([settings.DEFAULT_FROM_EMAIL], [manager.email])]
    rate_link = settings.SITE_URL + reverse("workshops:rate", kwargs={"workshop": workshop.public_id})
    assert rate_link in mail.outbox[0].body
    # The message names nobody and counts nobody.
    assert [str(message) for message in response.context["messages"]] == [swedish(REMINDED)]


def test_the_page_says_the_same_whoever_has_rated(client, workshop, chain, facilitator, employee, manager):
    rating_workshop(workshop, chain, rated_by=[employee, manager])
    client.force_login(facilitator)
    response = client.post(remind_url(workshop), follow=True)
    # The same one message goes whether or not anyone is left to remind, so nothing in the answer tells them apart.
    assert [(message.to, message.bcc) for message in mail.outbox] == [([settings.DEFAULT_FROM_EMAIL], [])]
    assert [str(message) for message in response.context["messages"]] == [swedish(REMINDED)]


def test_a_few_reminders_a_day_and_no_more(client, workshop, chain, facilitator, employee, manager):
    rating_workshop(workshop, chain, rated_by=[])
    client.force_login(facilitator)
    for _ in range(3):
        client.post(remind_url(workshop))
    sent = len(mail.outbox)

    response = client.post(remind_url(workshop), follow=True)

    assert sent == 3
    assert len(mail.outbox) == 3
    assert swedish("Reminders have already been sent today. Try again tomorrow.") in response.content.decode()


def test_no_reminder_outside_the_rating_step(client, workshop, facilitator, employee):
    client.force_login(facilitator)
    response = client.post(remind_url(workshop), follow=True)
    assert mail.outbox == []
    assert swedish("Reminders to rate can only be sent while rating is open.") in response.content.decode()


def test_only_those_who_lead_may_remind(client, workshop, chain, employee, outsider, politician):
    rating_workshop(workshop, chain, rated_by=[])
    for user, status in ((employee, 403), (politician, 403), (outsider, 404)):
        client.force_login(user)
        assert client.post(remind_url(workshop)).status_code == status
    client.force_login(employee)
    assert client.get(remind_url(workshop)).status_code == 405
    assert mail.outbox == []


def test_the_button_shows_only_while_rating(client, workshop, chain, facilitator):
    client.force_login(facilitator)
    url = reverse("workshops:participants", kwargs={"workshop": workshop.public_id})
    assert remind_url(workshop) not in client.get(url).content.decode()
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    assert remind_url(workshop) in client.get(url).content.decode()
