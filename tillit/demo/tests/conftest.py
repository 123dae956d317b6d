"""One demo for every test of this package, built once and removed again afterwards.

Building the demo (two organisations, about seventy people, two workshops with their ratings, two dialogues with
thousands of votes and three barometer rounds) takes seconds, so it is built once, by `manage.py seed_demo` itself,
inside a transaction that stays open while the package's tests run and is rolled back after the last one: no test
outside this package ever sees the demo. Each test runs in a savepoint of its own within that transaction (the
`db` fixture), so a test that changes the demo (answers a round, seeds again, resets it) leaves it as it was for
the next. Pytest sets the fixture up again should the package's tests ever be run apart from each other.

Database access stays blocked between set-up and tear-down, as everywhere: a test that reads the demo asks for
`demo` (or `db`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django import DjangoDbBlocker

from conftest import rolled_back_afterwards
from tillit.demo.tests.helpers import BuiltDemo, seed_demo
from tillit.organisations.models import Organisation


@pytest.fixture(scope="package")
def built_demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[BuiltDemo]:
    with rolled_back_afterwards(django_db_blocker):
        with django_db_blocker.unblock():
            output = seed_demo()
        yield BuiltDemo(output=output)


@pytest.fixture
def demo(built_demo: BuiltDemo, db: None) -> Organisation:
    """Exempelkommun, as the demo built it (changes a test makes are undone after it)."""
    return Organisation.objects.get(slug="exempelkommun")
