"""The rating tables hold nothing that could lead back to a person or a moment.

A rating knows its campaign and signal, the rater's level and actor group (not the unit: with the memberships it
would name most first-line managers), and what was rated; the inbox
(`PendingSheet`) holds the same for a whole sheet, as one JSON list, until sealing splits it. Any new column fails
here until someone has argued, in this file, why it cannot identify anyone: no user, membership, invitation, token,
session, address, browser, sequential id or time. The invitation (which knows the person) points at neither, and
neither at it. And what a rating's JSON in the inbox holds is checked too: the signal and the four answers only.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, models

from tillit.accounts.models import User
from tillit.organisations.models import Membership
from tillit.steering import actions
from tillit.steering.models import CampaignInvitation, PendingSheet, Rating

from .campaign_support import make_campaign, make_signal, token_of

pytestmark = pytest.mark.django_db

EXPECTED_COLUMNS = {
    PendingSheet: {"id", "campaign_id", "level_id", "actor_group_id", "ratings"},
    Rating: {
        "id",
        "campaign_id",
        "signal_id",
        "level_id",
        "actor_group_id",
        "value",
        "burden",
        "knows_user",
        "comment",
    },
}
RATING_MODELS = tuple(EXPECTED_COLUMNS)
# "knows_user" is whether the rater knows who uses the data: allowed by name below, not a user.
ALLOWED_NAMES = {"knows_user"}
FORBIDDEN_NAME = re.compile(r"user|token|session|ip|address|agent|time|date|created|email", re.IGNORECASE)
FORBIDDEN_TARGETS = (User, Membership, CampaignInvitation, Session)
TIME_FIELD_TYPES = {"DateField", "DateTimeField", "TimeField", "DurationField"}
SEQUENTIAL_FIELD_TYPES = {"AutoField", "BigAutoField", "SmallAutoField"}


def concrete_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.get_fields() if getattr(field, "concrete", False)]


@pytest.mark.parametrize("model", RATING_MODELS, ids=lambda model: model.__name__)
def test_the_models_fields_are_exactly_the_expected_ones(model):
    assert {field.column for field in concrete_fields(model)} == EXPECTED_COLUMNS[model]


@pytest.mark.parametrize("model", RATING_MODELS, ids=lambda model: model.__name__)
def test_no_field_records_a_person_a_moment_or_an_order(model):
    for field in concrete_fields(model):
        if field.name not in ALLOWED_NAMES:
            assert not FORBIDDEN_NAME.search(field.name), field.name
            assert not FORBIDDEN_NAME.search(field.column), field.column
        assert field.get_internal_type() not in TIME_FIELD_TYPES | SEQUENTIAL_FIELD_TYPES, field.name
        if field.is_relation:
            assert field.related_model not in FORBIDDEN_TARGETS, field.name
        assert field.db_default is models.NOT_PROVIDED, field.name


@pytest.mark.parametrize("model", RATING_MODELS, ids=lambda model: model.__name__)
def test_a_rating_is_named_by_a_random_uuid(model):
    assert isinstance(model._meta.pk, models.UUIDField)
    assert model._meta.pk.default is uuid.uuid4


def column_problems(table: str) -> dict[str, str]:
    introspection = connection.introspection
    with connection.cursor() as cursor:
        description = introspection.get_table_description(cursor, table)
        relations = introspection.get_relations(cursor, table)
        constraints = introspection.get_constraints(cursor, table)
    primary_key = {column for c in constraints.values() if c["primary_key"] for column in c["columns"]}
    forbidden_tables = {target._meta.db_table for target in FORBIDDEN_TARGETS}
    problems = {}
    for column in description:
        field_type = introspection.get_field_type(column.type_code, column)
        default = str(getattr(column, "default", "") or "").lower()
        sequential = "nextval" in default or getattr(column, "is_autofield", False)
        sequential = sequential or (field_type in SEQUENTIAL_FIELD_TYPES and len(primary_key) == 1)
        if column.name not in ALLOWED_NAMES and FORBIDDEN_NAME.search(column.name):
            problems[column.name] = "a name that speaks of a person or a time"
        elif field_type in TIME_FIELD_TYPES:
            problems[column.name] = f"a time ({field_type})"
        elif sequential:
            problems[column.name] = "numbered by the database in the order rows arrive"
        elif any(clock in default for clock in ("now", "current_", "clock", "timestamp")):
            problems[column.name] = f"a default from the clock ({default})"
        elif relations.get(column.name, ("", ""))[1] in forbidden_tables:
            problems[column.name] = f"a link to {relations[column.name][1]}"
    return problems


@pytest.mark.parametrize("model", RATING_MODELS, ids=lambda model: model.__name__)
def test_the_database_tables_have_only_the_expected_columns(model):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, table)}
    assert columns == EXPECTED_COLUMNS[model]
    assert column_problems(table) == {}


def test_the_database_check_catches_what_it_is_for():
    problems = column_problems(CampaignInvitation._meta.db_table)
    assert {"id", "email", "token_hash", "sent_at", "reminded_at", "membership_id"} <= set(problems)
    assert {"answered", "awaiting_mix", "unit_id", "campaign_id"}.isdisjoint(problems)


def test_has_answered_lives_apart_from_the_ratings():
    for field in CampaignInvitation._meta.get_fields():
        assert field.related_model not in RATING_MODELS, field.name
    for model in RATING_MODELS:
        for field in model._meta.get_fields():
            assert field.related_model is not CampaignInvitation, (model.__name__, field.name)


def test_a_sheet_in_the_inbox_holds_the_ratings_only(organisation, employee):
    signal = make_signal(organisation, "Avvikelser")
    campaign = make_campaign(organisation)
    actions.rate(
        campaign=campaign,
        token=token_of(campaign, employee),
        sheet={signal.public_id: actions.SheetEntry(value=3, burden=4, knows_user=None, comment="Bra")},
    )
    (entry,) = PendingSheet.objects.get().ratings
    assert set(entry) == {"signal", "value", "burden", "knows_user", "comment"}


def test_the_rating_tables_have_no_triggers_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("triggers are checked on the PostgreSQL run")
    tables = [model._meta.db_table for model in RATING_MODELS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers WHERE event_object_table = ANY(%s)", [tables]
        )
        assert cursor.fetchall() == []
