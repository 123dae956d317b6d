"""Adding someone who already has an account: they are invited and decide; until then the
organisation that added them sees only what its administrator typed, and they have no access.

The organisation adding is Norrby (its administrator Alva); the person is Olle, administrator of
Söderby, whose account says "Olle Utomstående".
"""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tillit.accounts.models import User
from tillit.organisations import actions
from tillit.organisations.models import ActorGroup, Level, Membership, PendingMembership
from tillit.organisations.permissions import acting_membership

pytestmark = pytest.mark.django_db

TYPED_NAME = "O. Skriven Av Norrby"
STORED_NAME = "Olle Utomstående"
SITE = "http://testserver"


def sv(msgid: str) -> str:
    """The text as the Swedish interface shows it (the catalogue, or the msgid until translated)."""
    with translation.override("sv"):
        return gettext(msgid)


def url(name, organisation, **kwargs):
    return reverse(f"organisations:{name}", kwargs={"organisation": organisation.slug, **kwargs})


@pytest.fixture
def admin_client(org_admin):
    """Norrby's administrator, in a browser of her own."""
    browser = Client()
    browser.force_login(org_admin)
    return browser


def add_olle(admin_client, organisation, *, email="olle@soderby.example", send="on"):
    group = ActorGroup.objects.get(organisation=organisation, key="partner")
    return admin_client.post(
        url("person_create", organisation),
        {
            "full_name": TYPED_NAME,
            "email": email,
            "actor_group": group.pk,
            "level": "",
            "role": "participant",
            "send_invitation": send,
        },
        follow=True,
    )


def answer_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/o/invitations/\S+)", message.body).group(1)


@pytest.fixture
def olle_invited(admin_client, organisation, outsider, mailoutbox):
    """Norrby's administrator has added Olle's address; the invitation is in Olle's mailbox."""
    add_olle(admin_client, organisation)
    return PendingMembership.objects.get(organisation=organisation, user=outsider)


# What the organisation that adds sees ---------------------------------------------------------


def test_adding_an_address_with_an_account_elsewhere_shows_only_what_was_typed(
    admin_client, organisation, outsider, mailoutbox
):
    response = add_olle(admin_client, organisation)

    body = response.content.decode()
    assert TYPED_NAME in body
    assert sv("Invited – not accepted") in body
    assert STORED_NAME not in body
    assert not Membership.objects.filter(organisation=organisation, user=outsider).exists()


def test_the_people_search_finds_the_invitation_by_what_was_typed_only(admin_client, organisation, olle_invited):
    typed = admin_client.get(url("people_list", organisation) + "?q=Skriven").content.decode()
    stored = admin_client.get(url("people_list", organisation) + "?q=Utomst").content.decode()

    assert TYPED_NAME in typed
    assert TYPED_NAME not in stored
    assert STORED_NAME not in typed + stored


def test_a_process_leader_sees_the_invitation_but_cannot_act_on_it(client, facilitator, organisation, olle_invited):
    client.force_login(facilitator)

    body = client.get(url("people_list", organisation)).content.decode()

    assert TYPED_NAME in body
    assert url("pending_withdraw", organisation, pending=olle_invited.public_id) not in body
    assert STORED_NAME not in body


def test_the_account_holders_name_shows_only_after_they_accept(client, admin_client, organisation, olle_invited):
    client.force_login(olle_invited.user)
    client.post(answer_link(mail.outbox[0]), {"answer": "accept"})

    body = admin_client.get(url("people_list", organisation)).content.decode()

    assert STORED_NAME in body
    assert sv("Invited – not accepted") not in body


# No access until accepted -----------------------------------------------------------------------


def test_an_invited_person_has_no_access_to_the_organisation(client, organisation, outsider, olle_invited):
    client.force_login(outsider)

    start = client.get(url("start", organisation))
    own_page = client.get(reverse("organisations:start", kwargs={"organisation": "soderby"})).content.decode()
    choose = client.get(reverse("organisations:choose")).content.decode()

    assert start.status_code == 404
    assert acting_membership(outsider, organisation) is None
    assert "Norrby kommun" not in own_page
    assert "Norrby kommun" not in choose


# Answering the invitation -----------------------------------------------------------------------


def test_the_invitation_goes_to_the_accounts_own_address_with_a_link(olle_invited, outsider):
    [message] = mail.outbox

    assert message.to == [outsider.email]
    assert "/o/invitations/" in message.body
    assert STORED_NAME not in message.body


def test_the_invited_person_sees_what_was_typed_and_what_accepting_shares(client, outsider, olle_invited):
    client.force_login(outsider)

    body = client.get(answer_link(mail.outbox[0])).content.decode()

    assert "Norrby kommun" in body
    assert TYPED_NAME in body
    assert STORED_NAME in body


def test_accepting_makes_the_person_a_member_with_the_typed_place(client, organisation, outsider, olle_invited):
    client.force_login(outsider)

    response = client.post(answer_link(mail.outbox[0]), {"answer": "accept"})

    assert response["Location"] == url("start", organisation)
    membership = Membership.objects.get(organisation=organisation, user=outsider)
    assert membership.actor_group.key == "partner"
    assert not PendingMembership.objects.exists()
    assert client.get(url("start", organisation)).status_code == 200


def test_a_signed_out_visitor_with_the_link_is_asked_to_sign_in_first(client, olle_invited):
    link = answer_link(mail.outbox[0])

    response = client.get(link)
    post = client.post(link, {"answer": "accept"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert post.status_code == 302
    assert not Membership.objects.filter(user=olle_invited.user, organisation=olle_invited.organisation).exists()


def test_another_signed_in_person_cannot_accept_with_the_link(client, organisation, employee, olle_invited):
    client.force_login(employee)
    link = answer_link(mail.outbox[0])

    page = client.get(link)
    post = client.post(link, {"answer": "accept"})

    assert page.status_code == post.status_code == 403
    body = page.content.decode()
    assert sv("The invitation is for another account") in body
    assert TYPED_NAME not in body
    assert "olle@" not in body
    assert PendingMembership.objects.filter(pk=olle_invited.pk).exists()
    assert not Membership.objects.filter(user=olle_invited.user, organisation=organisation).exists()


def test_the_link_works_only_once(client, outsider, olle_invited):
    client.force_login(outsider)
    link = answer_link(mail.outbox[0])
    client.post(link, {"answer": "accept"})

    again = client.get(link)

    assert again.status_code == 200
    assert sv("The invitation link does not work") in again.content.decode()


def test_the_link_expires(client, outsider, olle_invited):
    client.force_login(outsider)
    link = answer_link(mail.outbox[0])
    later = timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT, days=1)

    with time_machine.travel(later, tick=False):
        client.force_login(outsider)  # the earlier session has expired too
        page = client.get(link)
        post = client.post(link, {"answer": "accept"})

    assert sv("The invitation link does not work") in page.content.decode()
    assert sv("The invitation link does not work") in post.content.decode()
    assert not Membership.objects.filter(user=outsider, organisation=olle_invited.organisation).exists()


@pytest.mark.parametrize("token", ["fel-token", "c0ffee-0123456789abcdef0123456789abcdef", "-", "a" * 300])
def test_a_wrong_token_gets_a_clear_page(client, outsider, olle_invited, token):
    client.force_login(outsider)

    response = client.get(
        reverse("organisations:invitation", kwargs={"pending": olle_invited.public_id, "token": token})
    )

    assert response.status_code == 200
    assert sv("The invitation link does not work") in response.content.decode()
    assert "Norrby kommun" not in response.content.decode().split("</header>")[1]


def test_an_unknown_invitation_gets_the_same_clear_page(client, outsider, olle_invited):
    client.force_login(outsider)
    link = answer_link(mail.outbox[0]).replace(str(olle_invited.public_id), "00000000-0000-4000-8000-000000000000")

    response = client.get(link)

    assert sv("The invitation link does not work") in response.content.decode()


def test_sending_again_voids_the_earlier_link(admin_client, client, organisation, outsider, olle_invited):
    admin_client.post(url("pending_invite", organisation, pending=olle_invited.public_id))
    first, second = answer_link(mail.outbox[0]), answer_link(mail.outbox[1])
    client.force_login(outsider)

    stale = client.post(first, {"answer": "accept"})
    fresh = client.post(second, {"answer": "accept"})

    assert sv("The invitation link does not work") in stale.content.decode()
    assert fresh.status_code == 302
    assert Membership.objects.filter(organisation=organisation, user=outsider).exists()


def test_declining_removes_the_invitation_and_tells_the_organisation_nothing_more(
    client, admin_client, organisation, outsider, olle_invited
):
    client.force_login(outsider)

    response = client.post(answer_link(mail.outbox[0]), {"answer": "decline"})

    assert response.status_code == 302
    assert not PendingMembership.objects.exists()
    assert not Membership.objects.filter(organisation=organisation, user=outsider).exists()
    body = admin_client.get(url("people_list", organisation)).content.decode()
    assert TYPED_NAME not in body
    assert STORED_NAME not in body


# Sending again and withdrawing ------------------------------------------------------------------


def test_withdrawing_asks_first_without_javascript_and_voids_the_link(
    admin_client, client, organisation, outsider, olle_invited
):
    withdraw = url("pending_withdraw", organisation, pending=olle_invited.public_id)

    page = admin_client.get(withdraw)
    assert PendingMembership.objects.filter(pk=olle_invited.pk).exists()
    assert '<form method="post">' in page.content.decode()
    admin_client.post(withdraw)

    assert not PendingMembership.objects.exists()
    client.force_login(outsider)
    assert sv("The invitation link does not work") in client.get(answer_link(mail.outbox[0])).content.decode()


def test_an_invitation_added_without_e_mail_is_sent_later_from_the_list(admin_client, organisation, outsider):
    add_olle(admin_client, organisation, send="")
    pending = PendingMembership.objects.get()
    assert mail.outbox == []
    assert pending.invited_at is None

    admin_client.post(url("pending_invite", organisation, pending=pending.public_id))

    pending.refresh_from_db()
    assert pending.invited_at is not None
    assert [message.to for message in mail.outbox] == [[outsider.email]]


def test_another_organisations_invitation_cannot_be_withdrawn(
    admin_client, organisation, other_organisation, make_member, employee
):
    pending = make_member(other_organisation, email=employee.email)

    response = admin_client.post(url("pending_withdraw", organisation, pending=pending.public_id))

    assert response.status_code == 404
    assert PendingMembership.objects.filter(pk=pending.pk).exists()


# Which addresses are asked ----------------------------------------------------------------------


def test_a_new_address_keeps_todays_flow(admin_client, organisation, mailoutbox):
    group = ActorGroup.objects.get(organisation=organisation, key="employee")

    admin_client.post(
        url("person_create", organisation),
        {
            "full_name": "Nora Ny",
            "email": "nora@norrby.example",
            "actor_group": group.pk,
            "role": "participant",
            "send_invitation": "on",
        },
    )

    assert Membership.objects.filter(organisation=organisation, user__email="nora@norrby.example").exists()
    assert not PendingMembership.objects.exists()
    assert "/accounts/invitation/" in mailoutbox[0].body


def test_a_look_alike_spelling_of_an_address_in_use_is_invited_not_given_a_new_account(
    admin_client, organisation, outsider
):
    users_before = User.objects.count()

    add_olle(admin_client, organisation, email="OLLE@ſoderby.example")

    assert User.objects.count() == users_before
    assert PendingMembership.objects.get().user == outsider


def test_an_account_with_a_membership_but_no_password_is_asked_too(organisation, other_organisation, org_admin):
    def add(organisation, name):
        return actions.add_person(
            organisation=organisation,
            details=actions.PersonDetails(
                full_name=name,
                email="sigrid@soderby.example",
                unit=None,
                actor_group=organisation.actor_groups.first(),
                level=None,
                role="participant",
            ),
        )

    add(other_organisation, "Sigrid Söderby")
    pending = add(organisation, "Sigrid")
    actions.send_pending_invitation(pending=pending, invited_by=org_admin, site_url=SITE)

    assert isinstance(pending, PendingMembership)
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_an_unused_account_is_added_directly_under_the_name_typed_now(organisation, other_organisation, make_member):
    former = make_member(other_organisation, email="tidigare@soderby.example", name="Namn Från Söderby")
    user = former.user
    user.set_unusable_password()
    user.save()
    actions.remove_membership(membership=former)

    added = make_member(organisation, email=user.email, name="Namn Från Norrby")

    assert isinstance(added, Membership)
    user.refresh_from_db()
    assert user.full_name == "Namn Från Norrby"


def test_an_invited_person_cannot_be_added_twice(organisation, outsider, make_member):
    make_member(organisation, email=outsider.email)

    with pytest.raises(actions.AlreadyInvited):
        make_member(organisation, email=outsider.email)


# Actions ----------------------------------------------------------------------------------------


def test_only_the_invited_account_can_accept_or_decline(organisation, outsider, employee, make_member):
    pending = make_member(organisation, email=outsider.email)
    other = make_member(organisation).user

    with pytest.raises(actions.NotYourInvitation):
        actions.accept_pending_membership(pending=pending, user=other)
    with pytest.raises(actions.NotYourInvitation):
        actions.decline_pending_membership(pending=pending, user=other)

    assert PendingMembership.objects.filter(pk=pending.pk).exists()


def test_an_answered_invitation_cannot_be_accepted_again(organisation, outsider, make_member):
    pending = make_member(organisation, email=outsider.email)
    actions.accept_pending_membership(pending=pending, user=outsider)

    with pytest.raises(actions.InvitationAnswered):
        actions.accept_pending_membership(pending=pending, user=outsider)

    assert Membership.objects.filter(organisation=organisation, user=outsider).count() == 1


def test_an_invitation_that_failed_to_send_keeps_the_earlier_link(
    organisation, org_admin, outsider, make_member, settings
):
    pending = make_member(organisation, email=outsider.email)
    actions.send_pending_invitation(pending=pending, invited_by=org_admin, site_url=SITE)
    sent_at = PendingMembership.objects.get().invited_at
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, False, 2

    with pytest.raises(actions.InvitationNotSent):
        actions.send_pending_invitation(pending=pending, invited_by=org_admin, site_url=SITE)

    assert PendingMembership.objects.get().invited_at == sent_at == pending.invited_at


def test_one_invitation_per_person_and_organisation_in_the_database(organisation, outsider, make_member):
    pending = make_member(organisation, email=outsider.email)

    with pytest.raises(IntegrityError):
        PendingMembership.objects.create(
            organisation=organisation,
            user=outsider,
            full_name="x",
            email="x@x.example",
            actor_group=pending.actor_group,
        )


def test_an_actor_group_or_level_someone_is_invited_to_is_not_removed(organisation, outsider, make_member):
    pending = make_member(organisation, email=outsider.email, group=ActorGroup.Key.PARTNER, rank=3)

    for item in (pending.actor_group, pending.level):
        with pytest.raises(actions.InUse):
            actions.remove_unused(item=item)

    assert ActorGroup.objects.filter(pk=pending.actor_group_id).exists()
    assert Level.objects.filter(pk=pending.level_id).exists()


def test_an_organisation_with_invitations_can_still_be_deleted(outsider, make_member):
    # The demo's reset deletes whole organisations; an invitation must not hold one up.
    tomby = actions.create_organisation(name="Tomby kommun", slug="tomby")
    make_member(tomby, email=outsider.email, rank=3)

    tomby.delete()

    assert not PendingMembership.objects.exists()
