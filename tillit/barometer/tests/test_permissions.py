"""The barometer's permission matrix, as its module docstring (`tillit/barometer/permissions.py`) states it.

The table is read from the docstring and every cell is checked against what the door really does for that role, so
the documented matrix cannot drift from the code.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tillit.barometer import permissions
from tillit.barometer.models import Round
from tillit.barometer.permissions import ROUND, unit_access
from tillit.organisations import actions as organisation_actions
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import ActorGroup, Membership, Organisation, Unit
from tillit.organisations.permissions import ORGANISATION

pytestmark = pytest.mark.django_db

ROLES = ["administrator", "process leader", "manager", "other member", "no membership, signed in", "not signed in"]
ORGANISATION_PAGES = {
    permissions.VIEW_ROUNDS,
    permissions.READ_QUESTIONNAIRE,
    permissions.EDIT_QUESTIONNAIRE,
    permissions.CREATE_ROUND,
}


def documented_matrix() -> dict[str, dict[str, str]]:
    """The permissions table of the module docstring: row → role → "yes", "403", "404" or "sign in". A row is named
    by its permission, and for `read_unit_results` by which unit it is asked about ("own" or "other")."""
    lines = [line for line in (permissions.__doc__ or "").splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["permission", *ROLES]
    matrix = {}
    for line in lines[2:]:
        first, *cells = (cell.strip() for cell in line.strip("|").split("|"))
        name = re.search(r"`([^`]+)`", first)
        assert name is not None, first
        row = name.group(1)
        if row == permissions.READ_UNIT_RESULTS:
            row += ":own" if "manager's unit" in first else ":other"
        matrix[row] = dict(zip(ROLES, cells, strict=True))
    return matrix


MATRIX = documented_matrix()


def test_the_matrix_names_every_permission_of_the_module() -> None:
    named = {row.split(":")[0] for row in MATRIX}

    assert named == {
        permissions.VIEW_ROUNDS,
        permissions.READ_QUESTIONNAIRE,
        permissions.EDIT_QUESTIONNAIRE,
        permissions.CREATE_ROUND,
        permissions.ENTER_ROUND,
        permissions.MANAGE_ROUND,
        permissions.READ_RESULTS,
        permissions.READ_EVERY_RESULT,
        permissions.READ_UNIT_RESULTS,
    }
    assert {f"{permissions.READ_UNIT_RESULTS}:own", f"{permissions.READ_UNIT_RESULTS}:other"} <= set(MATRIX)


@pytest.fixture
def people(organisation, other_organisation, org_admin, facilitator, manager, employee, outsider):
    return {
        "administrator": org_admin,
        "process leader": facilitator,
        "manager": manager,
        "other member": employee,
        "no membership, signed in": outsider,
        "not signed in": None,
    }


@pytest.fixture
def round(organisation, make_round) -> Round:
    return make_round(organisation)


@pytest.fixture
def units(organisation, home_unit) -> dict[str, Unit]:
    """A team below the manager's unit, and the unit above it (neither theirs)."""
    team = organisation_actions.create_unit(
        organisation=organisation, name="Team Öst", kind=Unit.Kind.TEAM, parent=home_unit, actor=None
    )
    return {"own": team, "other": home_unit.parent}


def met_at_the_door(user, row: str, organisation: Organisation, round: Round, units: dict[str, Unit]) -> str:
    """What a page behind the barometer's door answers this requester for the matrix's `row`."""
    permission, _colon, which = row.partition(":")

    if permission in ORGANISATION_PAGES:

        @through(ORGANISATION, permission)
        def organisation_page(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
            return HttpResponse("inside")

        page, kwargs = organisation_page, {"organisation": organisation.slug}
    elif which:

        @through(ROUND, permissions.ENTER_ROUND)
        def unit_page(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
            if not unit_access(access, units[which].pk).may(permission):
                raise PermissionDenied
            return HttpResponse("inside")

        page, kwargs = unit_page, {"round": round.public_id}
    else:

        @through(ROUND, permission)
        def round_page(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
            return HttpResponse("inside")

        page, kwargs = round_page, {"round": round.public_id}
    request = RequestFactory().get("/b/somewhere/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    try:
        response = page(request, **kwargs)
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "sign in"
    return "yes" if response.content == b"inside" else str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", list(MATRIX))
def test_each_role_meets_what_the_matrix_says(people, organisation, round, units, row, role):
    assert met_at_the_door(people[role], row, organisation, round, units) == MATRIX[row][role]


def test_a_manager_answers_for_their_unit_and_everything_below_it_only(organisation, round, manager, home_unit, units):
    request = RequestFactory().get("/")
    request.user = manager
    request.session = SessionStore()
    access = ROUND.open(request, round.public_id)

    assert permissions.managed_units(access) == {home_unit.pk, units["own"].pk}


def test_a_member_of_a_management_group_without_a_unit_reads_no_results(organisation, round, make_member):
    member = make_member(organisation, group=ActorGroup.Key.MIDDLE_MANAGEMENT, unit=None)
    request = RequestFactory().get("/")
    request.user = member.user
    request.session = SessionStore()
    access = ROUND.open(request, round.public_id)

    assert not access.may(permissions.READ_RESULTS)
    assert permissions.managed_units(access) == frozenset()


def test_a_round_of_another_organisation_does_not_exist_for_its_administrator(
    other_organisation, outsider, organisation, make_round
):
    foreign = make_round(organisation, name="Norrbys omgång")
    request = RequestFactory().get("/")
    request.user = outsider
    request.session = SessionStore()

    assert Membership.objects.filter(user=outsider, organisation=other_organisation, role="admin").exists()
    with pytest.raises(Http404):
        ROUND.open(request, foreign.public_id)
