"""The data migrations that fix existing workshops' published context, run from the state before them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("workshops", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def workshops_before_freezing():
    apps = migrate(BEFORE)
    yield apps
    # Every app's latest, not only the workshops': going back unapplied what depends on them (Brukarrösten's
    # link from a suggestion to a card), which the tests after this one need.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_workshops_keep_their_threshold_their_guests_and_their_published_results(workshops_before_freezing):
    apps = workshops_before_freezing
    Organisation = apps.get_model("organisations", "Organisation")
    ActorGroup = apps.get_model("organisations", "ActorGroup")
    Workshop = apps.get_model("workshops", "Workshop")
    Participant = apps.get_model("workshops", "Participant")
    organisation = Organisation.objects.create(name="Norrby kommun", slug="norrby", anonymity_threshold=7)
    guests = ActorGroup.objects.create(organisation=organisation, name="Brukare", key="service_user")
    day = datetime.date(2026, 11, 1)
    decided = Workshop.objects.create(
        organisation=organisation,
        title="Klar",
        purpose="x",
        service_user_group="y",
        starts_on=day,
        ends_on=day,
        step="decide",
        guest_code="ABC234",
    )
    gathering = Workshop.objects.create(
        organisation=organisation,
        title="Pågår",
        purpose="x",
        service_user_group="y",
        starts_on=day,
        ends_on=day,
        step="gather",
        guest_code="XYZ789",
    )
    for name in ("Greta", "Gun"):
        Participant.objects.create(workshop=decided, guest_name=name, actor_group=guests)

    apps = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("workshops"))

    Workshop = apps.get_model("workshops", "Workshop")
    Participant = apps.get_model("workshops", "Participant")
    decided, gathering = Workshop.objects.get(pk=decided.pk), Workshop.objects.get(pk=gathering.pk)
    assert (decided.anonymity_threshold, gathering.anonymity_threshold) == (7, 7)
    assert (decided.guest_places, gathering.guest_places) == (2, 0)
    assert decided.results_published_at is not None
    assert gathering.results_published_at is None
    assert set(Participant.objects.values_list("joined_as_guest", flat=True)) == {True}
