"""The workshop's permission matrix (workshops.permissions), read through the door as every view reads it."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from tillit.organisations.door import Access, SignInFirst
from tillit.workshops import actions
from tillit.workshops.models import Participant, Workshop
from tillit.workshops.permissions import (
    ENTER,
    LEAD,
    PROPOSE,
    RATE,
    READ_RESULTS,
    RECORD_DECISION,
    VIEW,
    WORKSHOP,
    remember_guest,
)
from tillit.workshops.tests.outside import url

pytestmark = pytest.mark.django_db

PERMISSIONS = [ENTER, VIEW, PROPOSE, RATE, LEAD, READ_RESULTS, RECORD_DECISION]
EVERYTHING = set(PERMISSIONS)

# Who may do what; the docstring of workshops.permissions holds the same table.
MATRIX = {
    "participant": {ENTER, VIEW, PROPOSE, RATE, READ_RESULTS},
    "guest": {ENTER, VIEW, PROPOSE, RATE, READ_RESULTS},
    "process leader of the workshop": EVERYTHING,
    "the organisation's process leader": EVERYTHING - {RATE},
    "the organisation's administrator": EVERYTHING - {RATE},
    "other member": {ENTER},
}


def request_as(user=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    return request


@pytest.fixture
def requests(workshop, organisation, employee, manager, facilitator, org_admin, politician, make_member):
    """One request per role, the workshop fixture's people: the employee and the manager take part, the facilitator
    created it; here the manager is made one of its process leaders and a second process leader of the
    organisation takes no part."""
    actions.add_member(workshop=workshop, membership=manager.memberships.get(), role=Participant.Role.LEADER)
    other_leader = make_member(organisation, role="facilitator").user
    guest = actions.join_as_guest(
        code=workshop.guest_code, name="Greta", actor_group=organisation.actor_groups.get(key="service_user")
    )
    guest_request = request_as()
    remember_guest(guest_request, guest)
    return {
        "participant": request_as(employee),
        "guest": guest_request,
        "process leader of the workshop": request_as(manager),
        "the organisation's process leader": request_as(other_leader),
        "the organisation's administrator": request_as(org_admin),
        "other member": request_as(politician),
    }


@pytest.mark.parametrize("role", list(MATRIX))
def test_each_role_has_exactly_its_permissions(requests, workshop, role):
    access: Access[Workshop] = WORKSHOP.open(requests[role], workshop.public_id)

    assert {permission for permission in PERMISSIONS if access.may(permission)} == MATRIX[role]


def test_the_door_finds_the_participation(requests, workshop, employee):
    access = WORKSHOP.open(requests["participant"], workshop.public_id)

    assert access.participant == Participant.objects.get(workshop=workshop, membership__user=employee)
    assert access.target == workshop


def test_a_member_is_never_taken_for_a_guest_of_the_same_browser(requests, workshop, politician):
    guest = Participant.objects.get(workshop=workshop, joined_as_guest=True)
    member_request = request_as(politician)
    remember_guest(member_request, guest)

    access = WORKSHOP.open(member_request, workshop.public_id)

    assert access.participant is None
    assert not access.may(VIEW)


def test_an_outsider_does_not_learn_that_the_workshop_exists(workshop, outsider):
    with pytest.raises(Http404):
        WORKSHOP.open(request_as(outsider), workshop.public_id)


def test_a_visitor_who_is_neither_signed_in_nor_a_guest_is_sent_to_sign_in(workshop):
    with pytest.raises(SignInFirst):
        WORKSHOP.open(request_as(), workshop.public_id)


def test_a_guest_of_one_workshop_is_nobody_in_another(requests, workshop, organisation, facilitator):
    other = actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title="Annan",
        purpose="Annat",
        service_user_group="Andra",
        units=[],
        starts_on=workshop.starts_on,
        ends_on=workshop.ends_on,
    )

    with pytest.raises(SignInFirst):
        WORKSHOP.open(requests["guest"], other.public_id)


@pytest.mark.parametrize(
    ("role", "page", "status"),
    [
        ("other member", "detail", 403),
        ("guest", "detail", 200),
        ("guest", "participants", 403),
        ("participant", "participants", 403),
        ("the organisation's process leader", "participants", 200),
    ],
)
def test_the_views_answer_as_the_matrix_says(client, requests, workshop, role, page, status):
    request = requests[role]
    if request.user.is_authenticated:
        client.force_login(request.user)
    else:
        session = client.session
        session.update(dict(request.session))
        session.save()

    assert client.get(url(page, workshop)).status_code == status
