from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tillit.accounts.models import User
from tillit.organisations import actions
from tillit.organisations.models import ActorGroup, Membership, Organisation


def create_organisation(name: str = "Norrby kommun", **options: object) -> str:
    options = {"slug": "norrby", "admin_email": "alva@norrby.example", "admin_name": "Alva Lind", **options}
    out = StringIO()
    call_command("create_organisation", name, stdout=out, **options)
    return out.getvalue()


def printed_link(output: str) -> str:
    match = re.search(r"http://\S+/accounts/invitation/\S+", output)
    assert match, output
    return match.group(0)


@pytest.mark.django_db
def test_creates_the_organisation_with_default_levels_and_actor_groups() -> None:
    create_organisation()

    organisation = Organisation.objects.get(slug="norrby")
    assert organisation.name == "Norrby kommun"
    assert organisation.levels.count() == 5
    assert set(organisation.actor_groups.values_list("key", flat=True)) == set(ActorGroup.Key.values)


@pytest.mark.django_db
def test_makes_the_person_administrator_in_top_management() -> None:
    create_organisation()

    membership = Membership.objects.select_related("user", "actor_group", "level").get(organisation__slug="norrby")
    assert (membership.user.email, membership.user.full_name) == ("alva@norrby.example", "Alva Lind")
    assert membership.role == Membership.Role.ADMIN
    assert membership.actor_group.key == ActorGroup.Key.TOP_MANAGEMENT
    assert membership.level.rank == 2


@pytest.mark.django_db
def test_administrator_can_be_in_a_support_function() -> None:
    create_organisation(admin_actor_group="support_function")

    membership = Membership.objects.get(organisation__slug="norrby")
    assert membership.actor_group.key == ActorGroup.Key.SUPPORT_FUNCTION


@pytest.mark.django_db
def test_printed_link_lets_the_administrator_choose_a_password(client: Client) -> None:
    output = create_organisation()

    response = client.get(printed_link(output).removeprefix("http://127.0.0.1:8000"))

    assert response.status_code == 302
    assert response["Location"].endswith("/set-password/")
    assert not User.objects.get(email="alva@norrby.example").has_usable_password()


@pytest.mark.django_db
def test_send_invitation_emails_the_link_instead_of_printing_it() -> None:
    output = create_organisation(send_invitation=True)

    assert "/accounts/invitation/" not in output
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alva@norrby.example"]
    assert "/accounts/invitation/" in mail.outbox[0].body
    assert Membership.objects.get(organisation__slug="norrby").invited_at is not None


@pytest.mark.django_db
def test_existing_account_is_told_to_sign_in_as_usual(organisation: Organisation, org_admin: User) -> None:
    output = create_organisation("Söderby kommun", slug="soderby", admin_email=org_admin.email)

    assert "/accounts/invitation/" not in output
    assert "already has an account" in output
    assert set(org_admin.memberships.values_list("organisation__slug", flat=True)) == {"norrby", "soderby"}


@pytest.mark.django_db
def test_taken_slug_is_refused() -> None:
    actions.create_organisation(name="Norrby kommun", slug="norrby")

    with pytest.raises(CommandError, match="taken"):
        create_organisation("Norrby kommun igen", admin_email="ny@norrby.example")

    assert Organisation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["Norrby", "norrby kommun", "södra", "norrby-", "x" * 61])
def test_invalid_slug_is_refused(slug: str) -> None:
    with pytest.raises(CommandError, match="Invalid slug"):
        create_organisation(slug=slug)

    assert not Organisation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["alva", "alva@", "alva@norrby", "alva lind@norrby.example"])
def test_invalid_email_is_refused_and_nothing_is_created(email: str) -> None:
    with pytest.raises(CommandError, match="Invalid e-mail address"):
        create_organisation(admin_email=email)

    assert not Organisation.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_empty_name_is_refused() -> None:
    with pytest.raises(CommandError, match="cannot be empty"):
        create_organisation("   ")
