"""The data migration that fills User.canonical_email, run on both databases from the state before it."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_add_user_canonical_email")]
FILL = [("accounts", "0003_fill_user_canonical_email")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def accounts_before_the_canonical_form():
    old_user = migrate(BEFORE).get_model("accounts", "User")
    yield old_user
    old_user.objects.all().delete()  # so that the rest of the migrations apply again
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("accounts"))


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_get_their_canonical_address(accounts_before_the_canonical_form):
    old_user = accounts_before_the_canonical_form
    old_user.objects.create(email="Sara.Sjoberg@Norrby.example", full_name="Sara", password="!")

    apps = migrate(FILL)

    assert apps.get_model("accounts", "User").objects.get().canonical_email == "sara.sjoberg@norrby.example"


@pytest.mark.django_db(transaction=True)
def test_two_accounts_with_one_canonical_address_stop_the_migration(accounts_before_the_canonical_form):
    old_user = accounts_before_the_canonical_form
    old_user.objects.create(email="sara@norrby.example", full_name="Sara", password="!")
    old_user.objects.create(email="ſara@norrby.example", full_name="Inte Sara", password="!")

    with pytest.raises(RuntimeError, match=re.escape("'sara@norrby.example' and 'ſara@norrby.example'")):
        migrate(FILL)

    assert set(old_user.objects.values_list("canonical_email", flat=True)) == {""}
