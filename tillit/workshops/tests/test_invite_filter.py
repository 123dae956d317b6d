"""Inviting many people: the list is filtered by unit (with the units below it), level and actor group, and everyone
shown can be added at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import actor_group
from tillit.organisations.models import ActorGroup
from tillit.workshops.models import Participant
from tillit.workshops.tests.outside import swedish

pytestmark = pytest.mark.django_db


def url(workshop, **filters):
    address = reverse("workshops:participants", kwargs={"workshop": workshop.public_id})
    return address + ("?" + "&".join(f"{key}={value}" for key, value in filters.items()) if filters else "")


@pytest.fixture
def staff(organisation, make_member, home_unit):
    """Five more employees in Hemtjänst Norr, and two politicians on no unit."""
    employees = [make_member(organisation, group=ActorGroup.Key.EMPLOYEE, unit=home_unit) for _ in range(5)]
    politicians = [make_member(organisation, group=ActorGroup.Key.POLITICIAN) for _ in range(2)]
    return employees, politicians


def test_the_list_shows_only_the_chosen_actor_group(client, workshop, organisation, facilitator, staff, politician):
    employees, politicians = staff
    client.force_login(facilitator)
    politicians_group = actor_group(organisation, ActorGroup.Key.POLITICIAN)

    page = client.get(url(workshop, actor_group=politicians_group.public_id)).content.decode()

    assert all(str(member.public_id) in page or member.user.full_name in page for member in politicians)
    assert not any(member.user.full_name in page for member in employees)


def test_everyone_shown_is_added_at_once_and_no_one_else(client, workshop, organisation, facilitator, staff, home_unit):
    employees, politicians = staff
    client.force_login(facilitator)
    before = set(Participant.objects.filter(workshop=workshop).values_list("membership_id", flat=True))

    response = client.post(url(workshop, unit=home_unit.public_id), {"everyone_shown": "1", "role": "participant"})

    added = set(Participant.objects.filter(workshop=workshop).values_list("membership_id", flat=True)) - before
    assert response.status_code == 302
    assert response["Location"].endswith(f"?unit={home_unit.public_id}")
    assert added == {member.pk for member in employees}
    assert not added & {member.pk for member in politicians}


def test_another_organisations_unit_filters_nothing_and_adds_nothing(
    client, workshop, facilitator, staff, other_organisation
):
    foreign = other_organisation.units.first()
    client.force_login(facilitator)
    before = Participant.objects.filter(workshop=workshop).count()

    page = client.get(url(workshop, unit=foreign.public_id))
    client.post(url(workshop, unit=foreign.public_id), {"role": "participant"})

    assert page.status_code == 200
    assert swedish("Choose one of the listed values, or all.") in page.content.decode()
    assert Participant.objects.filter(workshop=workshop).count() == before


def test_nothing_chosen_says_so_and_adds_nobody(client, workshop, facilitator, staff):
    client.force_login(facilitator)
    before = Participant.objects.filter(workshop=workshop).count()

    response = client.post(url(workshop), {"role": "participant"})

    assert response.status_code == 200
    assert swedish("Choose at least one person.") in response.content.decode()
    assert Participant.objects.filter(workshop=workshop).count() == before
