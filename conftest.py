"""The cast shared by every test: two organisations and people in each role.

Everything is set up through the same actions the product uses, so the tests
exercise the real rules (defaults, tree checks, memberships).

The fixtures build the cast afresh for each test. A module whose every test only reads a larger set-up builds it
once instead, with the plain functions below (`build_norrby`, `build_soderby`, `Members`, `CAST`) inside
`rolled_back_afterwards`, and lets each test run in a savepoint of its own (tests/test_url_isolation.py and
tillit/demo/tests do).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import transaction
from pytest_django import DjangoDbBlocker

from tillit.accounts.models import User
from tillit.organisations import actions
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit

PASSWORD = "korrekt-häst-batteri-häftklammer"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail at once, and say why, when the PostgreSQL run cannot reach its server."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from psycopg.conninfo import make_conninfo

    try:
        # The test database does not exist yet; the server's maintenance database always does.
        psycopg.connect(make_conninfo(url, dbname="postgres"), connect_timeout=5).close()
    except psycopg.OperationalError as error:
        pytest.exit(
            f"PostgreSQL is not reachable at {url}: {error}\n"
            "The PostgreSQL half of the suite cannot run. Start the server "
            "(scripts/ensure-postgres does it where one is installed) or point TEST_DATABASE_URL at one.",
            returncode=3,
        )


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache, as a freshly started server does."""
    from django.core.cache import cache

    cache.clear()


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {settings.DATABASES['default']['ENGINE']} ({os.environ.get('DATABASE_URL', 'SQLite default')})"


def level(organisation: Organisation, rank: int) -> Level:
    return Level.objects.get(organisation=organisation, rank=rank)


def actor_group(organisation: Organisation, key: str) -> ActorGroup:
    return ActorGroup.objects.get(organisation=organisation, key=key)


MakeMember = Callable[..., Membership]


class Members:
    """Adds a person with the test password to an organisation, in the given role and actor group; people without
    a name or address given are numbered."""

    def __init__(self) -> None:
        self.numbers = itertools.count(1)

    def __call__(
        self,
        organisation: Organisation,
        *,
        role: str = Membership.Role.PARTICIPANT,
        group: str = ActorGroup.Key.EMPLOYEE,
        unit: Unit | None = None,
        rank: int | None = 5,
        name: str | None = None,
        email: str | None = None,
    ) -> Membership:
        number = next(self.numbers)
        membership = actions.add_person(
            organisation=organisation,
            details=actions.PersonDetails(
                full_name=name or f"Person {number} {organisation.slug}",
                email=email or f"person{number}@{organisation.slug}.example",
                unit=unit,
                actor_group=actor_group(organisation, group),
                level=level(organisation, rank) if rank else None,
                role=role,
            ),
        )
        if not membership.user.has_usable_password():  # a person already known keeps their password
            membership.user.set_password(PASSWORD)
            membership.user.save(update_fields=["password"])
        return membership


@pytest.fixture
def make_member(db: None) -> MakeMember:
    """Add a person with a password to an organisation, in the given role and actor group."""
    return Members()


def build_norrby() -> Organisation:
    """Norrby kommun: Socialförvaltningen with Hemtjänst Norr below it."""
    org = actions.create_organisation(name="Norrby kommun", slug="norrby")
    social = actions.create_unit(
        organisation=org, name="Socialförvaltningen", kind=Unit.Kind.ADMINISTRATION, parent=None, actor=None
    )
    actions.create_unit(organisation=org, name="Hemtjänst Norr", kind=Unit.Kind.SECTION, parent=social, actor=None)
    return org


def build_soderby() -> Organisation:
    """Söderby kommun: one administration."""
    org = actions.create_organisation(name="Söderby kommun", slug="soderby")
    actions.create_unit(
        organisation=org,
        name="Barn- och utbildningsförvaltningen",
        kind=Unit.Kind.ADMINISTRATION,
        parent=None,
        actor=None,
    )
    return org


def home_unit_of(organisation: Organisation) -> Unit:
    return Unit.objects.get(organisation=organisation, name="Hemtjänst Norr")


# The people of the cast: who they are in Norrby (the outsider in Söderby), as arguments to `Members`.
CAST: dict[str, dict[str, object]] = {
    "org_admin": {
        "role": Membership.Role.ADMIN,
        "group": ActorGroup.Key.SUPPORT_FUNCTION,
        "rank": 2,
        "name": "Alva Administratör",
        "email": "alva@norrby.example",
    },
    "facilitator": {
        "role": Membership.Role.FACILITATOR,
        "group": ActorGroup.Key.SUPPORT_FUNCTION,
        "rank": 3,
        "name": "Frida Processledare",
        "email": "frida@norrby.example",
    },
    "manager": {
        "group": ActorGroup.Key.FIRST_LINE_MANAGER,
        "rank": 4,
        "name": "Maja Enhetschef",
        "email": "maja@norrby.example",
    },
    "employee": {
        "group": ActorGroup.Key.EMPLOYEE,
        "rank": 5,
        "name": "Erik Undersköterska",
        "email": "erik@norrby.example",
    },
    "politician": {
        "group": ActorGroup.Key.POLITICIAN,
        "rank": 1,
        "name": "Per Politiker",
        "email": "per@norrby.example",
    },
    # The administrator of another organisation: the strongest role there, none here.
    "outsider": {
        "role": Membership.Role.ADMIN,
        "group": ActorGroup.Key.TOP_MANAGEMENT,
        "rank": 2,
        "name": "Olle Utomstående",
        "email": "olle@soderby.example",
    },
}
IN_HOME_UNIT = {"manager", "employee"}


def cast_member(members: MakeMember, role: str, organisation: Organisation) -> User:
    """One of the cast (`CAST`) added to `organisation` (Söderby for the outsider)."""
    unit = home_unit_of(organisation) if role in IN_HOME_UNIT else None
    return members(organisation, unit=unit, **CAST[role]).user


@contextmanager
def rolled_back_afterwards(blocker: DjangoDbBlocker) -> Iterator[None]:
    """A transaction opened now and rolled back on leaving, whatever happened inside: for a set-up built once for
    a module or package, whose tests then each run in a savepoint of their own (the `db` fixture), so that no
    other test ever sees it. The database stays blocked in between, except where a test or fixture asks for it."""
    atomic = transaction.atomic()
    with blocker.unblock():
        atomic.__enter__()
    try:
        yield
    finally:
        with blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def organisation(db: None) -> Organisation:
    return build_norrby()


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return build_soderby()


@pytest.fixture
def home_unit(organisation: Organisation) -> Unit:
    return home_unit_of(organisation)


@pytest.fixture
def org_admin(organisation: Organisation, make_member: MakeMember) -> User:
    return cast_member(make_member, "org_admin", organisation)


@pytest.fixture
def facilitator(organisation: Organisation, make_member: MakeMember) -> User:
    return cast_member(make_member, "facilitator", organisation)


@pytest.fixture
def manager(organisation: Organisation, make_member: MakeMember, home_unit: Unit) -> User:
    return cast_member(make_member, "manager", organisation)


@pytest.fixture
def employee(organisation: Organisation, make_member: MakeMember, home_unit: Unit) -> User:
    return cast_member(make_member, "employee", organisation)


@pytest.fixture
def politician(organisation: Organisation, make_member: MakeMember) -> User:
    return cast_member(make_member, "politician", organisation)


@pytest.fixture
def outsider(other_organisation: Organisation, make_member: MakeMember) -> User:
    """The administrator of another organisation: the strongest role there, none here."""
    return cast_member(make_member, "outsider", other_organisation)
