"""The answer tables hold nothing that could lead back to a person or a moment.

A response knows its round, the respondent's unit, level and actor group, and whether it came through a personal
link (`verified`: one bit, the same for everyone who used that kind of link); an answer its response, item and
value or text. The inbox (`PendingResponse`) holds the same as a response, with the open answers as one JSON
object, until its batch is mixed. Any new column fails here until someone has argued, in this file, why it cannot
identify anyone: no user, membership, invitation, token, session, address, browser, sequential id or time.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, models

from tillit.accounts.models import User
from tillit.barometer.models import Answer, Invitation, OpenAnswer, PendingResponse, Response
from tillit.organisations.models import Membership

pytestmark = pytest.mark.django_db

# Every column each answer table may have. Adding one means adding it here, with the argument above.
EXPECTED_COLUMNS = {
    PendingResponse: {
        "id",
        "round_id",
        "unit_id",
        "level_id",
        "actor_group_id",
        "verified",
        "scale_answers",
        "open_answers",
    },
    Response: {"id", "round_id", "unit_id", "level_id", "actor_group_id", "verified", "scale_answers"},
    Answer: {"response_id", "item_id", "value"},
    OpenAnswer: {"response_id", "item_id", "text"},
}
ANSWER_MODELS = tuple(EXPECTED_COLUMNS)
FORBIDDEN_NAME = re.compile(r"user|token|session|ip|address|agent|time|date|created|email", re.IGNORECASE)
FORBIDDEN_TARGETS = (User, Membership, Invitation, Session)
TIME_FIELD_TYPES = {"DateField", "DateTimeField", "TimeField", "DurationField"}
SEQUENTIAL_FIELD_TYPES = {"AutoField", "BigAutoField", "SmallAutoField"}


def concrete_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.get_fields() if getattr(field, "concrete", False)]


@pytest.mark.parametrize("model", ANSWER_MODELS, ids=lambda model: model.__name__)
def test_the_models_fields_are_exactly_the_expected_ones(model):
    columns = {field.column for field in concrete_fields(model) if field.column}
    assert columns == EXPECTED_COLUMNS[model]


@pytest.mark.parametrize("model", ANSWER_MODELS, ids=lambda model: model.__name__)
def test_no_field_records_a_person_a_moment_or_an_order(model):
    for field in concrete_fields(model):
        if field.column is None:  # the composite primary key is made of the columns checked here
            continue
        assert not FORBIDDEN_NAME.search(field.name), field.name
        assert not FORBIDDEN_NAME.search(field.column), field.column
        assert field.get_internal_type() not in TIME_FIELD_TYPES | SEQUENTIAL_FIELD_TYPES, field.name
        assert not isinstance(field, models.DateField | models.TimeField | models.DurationField), field.name
        assert not isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField), field.name
        if field.is_relation:
            assert field.related_model not in FORBIDDEN_TARGETS, field.name
        assert field.db_default is models.NOT_PROVIDED, field.name


@pytest.mark.parametrize("model", [PendingResponse, Response], ids=lambda model: model.__name__)
def test_a_response_is_named_by_a_random_uuid(model):
    """A random (version 4) id, not one made from the clock (version 1) or a counter."""
    assert isinstance(model._meta.pk, models.UUIDField)
    assert model._meta.pk.default is uuid.uuid4


def primary_key_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        column for constraint in constraints.values() if constraint["primary_key"] for column in constraint["columns"]
    }


def is_sequential(field_type: str, description: object, primary_key: set[str]) -> bool:
    """Whether the database numbers the column itself (serial, identity, SQLite's rowid alias)."""
    default = str(getattr(description, "default", "") or "")
    if "nextval" in default or getattr(description, "is_autofield", False):
        return True
    # SQLite reports every integer primary-key column as AutoField; only a lone one aliases the rowid.
    return field_type in SEQUENTIAL_FIELD_TYPES and len(primary_key) == 1


def column_problems(table: str) -> dict[str, str]:
    """What is wrong with each column of a table, by column, as the database itself describes it."""
    introspection = connection.introspection
    with connection.cursor() as cursor:
        description = introspection.get_table_description(cursor, table)
        relations = introspection.get_relations(cursor, table)
    primary_key = primary_key_columns(table)
    forbidden_tables = {target._meta.db_table for target in FORBIDDEN_TARGETS}
    problems = {}
    for column in description:
        field_type = introspection.get_field_type(column.type_code, column)
        default = str(getattr(column, "default", "") or "").lower()
        if FORBIDDEN_NAME.search(column.name):
            problems[column.name] = "a name that speaks of a person or a time"
        elif field_type in TIME_FIELD_TYPES:
            problems[column.name] = f"a time ({field_type})"
        elif is_sequential(field_type, column, primary_key):
            problems[column.name] = "numbered by the database in the order rows arrive"
        elif any(clock in default for clock in ("now", "current_", "clock", "timestamp")):
            problems[column.name] = f"a default from the clock ({default})"
        elif relations.get(column.name, ("", ""))[1] in forbidden_tables:
            problems[column.name] = f"a link to {relations[column.name][1]}"
    return problems


@pytest.mark.parametrize("model", ANSWER_MODELS, ids=lambda model: model.__name__)
def test_the_database_tables_have_only_the_expected_columns(model):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, table)}
    assert columns == EXPECTED_COLUMNS[model]
    assert column_problems(table) == {}


def test_the_database_check_catches_what_it_is_for():
    """The invitation table may know the person and the time; the check must see it, or it sees nothing."""
    problems = column_problems(Invitation._meta.db_table)
    assert {"id", "email", "token_hash", "sent_at", "reminded_at", "membership_id"} <= set(problems)
    assert {"answered", "awaiting_mix", "unit_id", "round_id"}.isdisjoint(problems)


def test_the_answer_tables_have_no_triggers_on_postgresql():
    """A trigger could stamp or copy a row where the model cannot see it."""
    if connection.vendor != "postgresql":
        pytest.skip("triggers are checked on the PostgreSQL run")
    tables = [model._meta.db_table for model in ANSWER_MODELS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers WHERE event_object_table = ANY(%s)", [tables]
        )
        assert cursor.fetchall() == []


def test_has_answered_lives_apart_from_the_answers():
    """An invitation points at no response, and no response at an invitation: the two cannot be joined."""
    for field in Invitation._meta.get_fields():
        assert field.related_model not in ANSWER_MODELS, field.name
    for model in ANSWER_MODELS:
        for field in model._meta.get_fields():
            assert field.related_model is not Invitation, (model.__name__, field.name)
