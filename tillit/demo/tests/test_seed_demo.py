"""The demo organisations that `manage.py seed_demo` builds (tillit.demo.organisations), and the command itself.

The demo is built once for the package (conftest.py); resetting it is tested in test_reset.py.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from tillit.accounts.models import User
from tillit.demo import organisations as demo_organisations
from tillit.demo.tests.helpers import BuiltDemo, seed_demo
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit
from tillit.workshops.models import Workshop

PASSWORD = "tillit-demo-2026"
DEMO_EMAILS = [
    "admin@exempelkommun.example",
    "processledare@exempelkommun.example",
    "chef@exempelkommun.example",
    "medarbetare@exempelkommun.example",
    "politiker@exempelkommun.example",
]


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "units": Unit.objects.count(),
        "levels": Level.objects.count(),
        "workshops": Workshop.objects.count(),
    }


def membership_of(email: str, slug: str = "exempelkommun") -> Membership:
    return Membership.objects.select_related("unit", "actor_group", "level").get(
        user__email=email, organisation__slug=slug
    )


@pytest.mark.django_db
def test_the_demo_with_its_public_password_is_refused_on_a_production_server() -> None:
    before = counts()

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=StringIO())

    assert counts() == before


def test_the_demo_accounts_are_the_published_ones() -> None:
    assert [account.email for account in demo_organisations.DEMO_ACCOUNTS] == DEMO_EMAILS
    assert demo_organisations.DEMO_PASSWORD == PASSWORD


def test_demo_has_about_sixty_people_in_exempelkommun(demo: Organisation) -> None:
    people = Membership.objects.in_organisation(demo).count()

    assert 55 <= people <= 65


def test_demo_has_people_in_every_actor_group(demo: Organisation) -> None:
    used = set(Membership.objects.in_organisation(demo).values_list("actor_group__key", flat=True))

    assert used == set(ActorGroup.Key.values)


def test_demo_has_people_at_every_level(demo: Organisation) -> None:
    used = set(Membership.objects.in_organisation(demo).exclude(level=None).values_list("level__rank", flat=True))

    assert used == set(Level.objects.in_organisation(demo).values_list("rank", flat=True)) == {1, 2, 3, 4, 5}


@pytest.mark.parametrize(
    ("name", "kind", "parent"),
    [
        ("Kommunstyrelsen", Unit.Kind.POLITICAL_BODY, "Kommunfullmäktige"),
        ("Socialnämnden", Unit.Kind.POLITICAL_BODY, "Kommunfullmäktige"),
        ("Kommunledningskontoret", Unit.Kind.ADMINISTRATION, None),
        ("HR-avdelningen", Unit.Kind.DEPARTMENT, "Kommunledningskontoret"),
        ("Ekonomiavdelningen", Unit.Kind.DEPARTMENT, "Kommunledningskontoret"),
        ("IT-avdelningen", Unit.Kind.DEPARTMENT, "Kommunledningskontoret"),
        ("Socialförvaltningen", Unit.Kind.ADMINISTRATION, None),
        ("Äldreomsorg", Unit.Kind.DEPARTMENT, "Socialförvaltningen"),
        ("Hemtjänst Norr", Unit.Kind.SECTION, "Äldreomsorg"),
        ("Hemtjänst Söder", Unit.Kind.SECTION, "Äldreomsorg"),
        ("Särskilt boende Lindgården", Unit.Kind.SECTION, "Äldreomsorg"),
        ("Nattpatrullen", Unit.Kind.TEAM, "Hemtjänst Norr"),
        ("Utbildningsförvaltningen", Unit.Kind.ADMINISTRATION, None),
        ("Elevhälsan", Unit.Kind.SECTION, "Utbildningsförvaltningen"),
    ],
)
def test_demo_unit_sits_in_its_place_in_the_tree(demo: Organisation, name: str, kind: str, parent: str | None) -> None:
    unit = Unit.objects.in_organisation(demo).select_related("parent").get(name=name)

    assert unit.kind == kind
    assert (unit.parent.name if unit.parent else None) == parent


def test_demo_units_were_made_through_actions_and_have_their_history(demo: Organisation) -> None:
    units = Unit.objects.in_organisation(demo)

    assert all(unit.events.filter(kind="created").exists() for unit in units)


def test_demo_email_addresses_are_plain_ascii_and_unique(demo: Organisation) -> None:
    emails = list(Membership.objects.in_organisation(demo).values_list("user__email", flat=True))

    assert all(re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*@exempelkommun\.example", email) for email in emails)
    assert len(emails) == len(set(emails))


@pytest.mark.parametrize("email", DEMO_EMAILS)
def test_demo_account_can_sign_in_with_the_demo_password(demo: Organisation, client: Client, email: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


def test_other_demo_people_have_no_usable_password(demo: Organisation) -> None:
    others = User.objects.filter(memberships__organisation=demo).exclude(email__in=DEMO_EMAILS)

    assert others.exists()
    assert not any(user.has_usable_password() for user in others)


@pytest.mark.parametrize(
    ("email", "role", "group", "unit", "rank"),
    [
        ("admin@exempelkommun.example", "admin", "support_function", "IT-avdelningen", None),
        ("processledare@exempelkommun.example", "facilitator", "support_function", "Kommunledningskontoret", None),
        ("chef@exempelkommun.example", "participant", "first_line_manager", "Hemtjänst Norr", 4),
        ("medarbetare@exempelkommun.example", "participant", "employee", "Hemtjänst Norr", 5),
        ("politiker@exempelkommun.example", "participant", "politician", "Socialnämnden", 1),
    ],
)
def test_demo_account_has_its_place_and_role(
    demo: Organisation, email: str, role: str, group: str, unit: str, rank: int | None
) -> None:
    membership = membership_of(email)

    assert (membership.role, membership.actor_group.key, membership.unit.name) == (role, group, unit)
    assert (membership.level.rank if membership.level else None) == rank


def test_demo_politicians_sit_at_the_political_level(demo: Organisation) -> None:
    politicians = Membership.objects.in_organisation(demo).filter(actor_group__key=ActorGroup.Key.POLITICIAN)

    assert set(politicians.values_list("level__rank", flat=True)) == {1}
    assert set(politicians.values_list("unit__kind", flat=True)) == {Unit.Kind.POLITICAL_BODY}


def test_every_front_line_unit_has_a_first_line_manager(demo: Organisation) -> None:
    managed = set(
        Membership.objects.in_organisation(demo)
        .filter(actor_group__key=ActorGroup.Key.FIRST_LINE_MANAGER)
        .values_list("unit__name", flat=True)
    )

    assert {"Hemtjänst Norr", "Hemtjänst Söder", "Särskilt boende Lindgården", "Elevhälsan"} <= managed


def test_admin_belongs_to_two_organisations_with_different_roles(demo: Organisation) -> None:
    roles = dict(
        Membership.objects.filter(user__email="admin@exempelkommun.example").values_list("organisation__slug", "role")
    )

    assert set(roles) == {"exempelkommun", "norrdala"}
    assert roles["exempelkommun"] == Membership.Role.ADMIN
    assert roles["norrdala"] != Membership.Role.ADMIN


def test_norrdala_is_a_small_organisation_with_its_own_administrator(demo: Organisation) -> None:
    norrdala = Organisation.objects.get(slug="norrdala")

    assert norrdala.name == "Norrdala samordningsförbund"
    assert 2 <= Unit.objects.in_organisation(norrdala).count() <= 3
    assert 6 <= Membership.objects.in_organisation(norrdala).count() <= 10
    assert Membership.objects.in_organisation(norrdala).filter(role=Membership.Role.ADMIN).exists()


def test_seed_demo_prints_what_it_built_and_how_to_sign_in(built_demo: BuiltDemo) -> None:
    output = built_demo.output

    assert re.search(r"Built Exempelkommun: 1\d units, \d\d people\.", output)
    assert re.search(r"Built Norrdala samordningsförbund: 3 units, \d+ people\.", output)
    assert "2 workshops in Exempelkommun: http://127.0.0.1:8000/o/exempelkommun/workshops/" in output
    assert re.search(r"Guests join with the code [A-Z0-9]{8}: http://127\.0\.0\.1:8000/join/\?code=[A-Z0-9]{8}", output)
    assert "2 dialogues in Exempelkommun: http://127.0.0.1:8000/o/exempelkommun/dialogues/" in output
    assert "3 barometer rounds in Exempelkommun" in output
    assert "through its open link: http://127.0.0.1:8000/b/" in output
    assert "http://127.0.0.1:8000/accounts/login/" in output
    assert PASSWORD in output
    assert all(email in output for email in DEMO_EMAILS)


def test_running_seed_demo_again_changes_nothing_and_says_how_to_sign_in(demo: Organisation) -> None:
    before = counts()

    output = seed_demo()

    assert "already exists" in output
    assert PASSWORD in output
    assert all(email in output for email in DEMO_EMAILS)
    assert "2 workshops in Exempelkommun" in output
    assert "2 dialogues in Exempelkommun" in output
    assert "through its open link" in output
    assert counts() == before


def test_every_printed_link_points_where_the_demo_is_served(demo: Organisation, settings) -> None:
    settings.SITE_URL = "http://192.0.2.10:8080"

    output = seed_demo()
    links = re.findall(r"https?://\S+", output)

    assert len(links) >= 6
    assert all(link.startswith("http://192.0.2.10:8080/") for link in links)
