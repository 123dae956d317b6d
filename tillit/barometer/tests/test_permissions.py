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

ROLES = [
    "administrator",
    "process leader",
    "manager",
    "politician",
    "other member",
    "no membership, signed in",
    "not signed in",
]
SETTINGS = {
    "results to leaders only": Round.ResultsReaders.LEADERS,
    "results to leaders and politicians": Round.ResultsReaders.POLITICIANS,
}
ORGANISATION_PAGES = {
    permissions.VIEW_ROUNDS,
    permissions.READ_QUESTIONNAIRE,
    permissions.EDIT_QUESTIONNAIRE,
    permissions.CREATE_ROUND,
}


def documented_matrix() -> dict[str, dict[str, str]]:
    """The permissions table of the module docstring: row → role → "yes", "403", "404" or "sign in". A row is named
    by its permission, for `read_unit_results` by which unit it is asked about ("own", "below" or "other"), and by
    the round's setting where the row names one ("@leaders", "@politicians"; none is the default)."""
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
            row += ":own" if "requester's own" in first and "below" not in first else ""
            row += ":below" if "below the requester's own" in first else ""
            row += ":other" if "any other" in first else ""
        setting = next((value for phrase, value in SETTINGS.items() if phrase in first), None)
        if setting:
            row += f"@{setting}"
        assert row not in matrix, row
        matrix[row] = dict(zip(ROLES, cells, strict=True))
    return matrix


MATRIX = documented_matrix()


def test_the_matrix_names_every_permission_of_the_module() -> None:
    named = {row.split("@")[0].split(":")[0] for row in MATRIX}

    assert named == {
        permissions.VIEW_ROUNDS,
        permissions.READ_QUESTIONNAIRE,
        permissions.EDIT_QUESTIONNAIRE,
        permissions.CREATE_ROUND,
        permissions.ENTER_ROUND,
        permissions.MANAGE_ROUND,
        permissions.READ_RESULTS,
        permissions.READ_EVERY_RESULT,
        permissions.READ_ORGANISATION_RESULTS,
        permissions.READ_UNIT_RESULTS,
        permissions.DOWNLOAD_RESULTS,
    }
    unit_rows = {f"{permissions.READ_UNIT_RESULTS}:{which}" for which in ("own", "below", "other")}
    assert unit_rows <= set(MATRIX)
    for setting in (Round.ResultsReaders.LEADERS, Round.ResultsReaders.POLITICIANS):
        assert {f"{permission}@{setting}" for permission in READERS_BY_SETTING} <= set(MATRIX)


READERS_BY_SETTING = [
    permissions.READ_RESULTS,
    permissions.READ_ORGANISATION_RESULTS,
    f"{permissions.READ_UNIT_RESULTS}:own",
]


@pytest.fixture
def people(organisation, other_organisation, org_admin, facilitator, manager, politician, employee, outsider):
    return {
        "administrator": org_admin,
        "process leader": facilitator,
        "manager": manager,
        "politician": politician,
        "other member": employee,
        "no membership, signed in": outsider,
        "not signed in": None,
    }


@pytest.fixture
def round(organisation, make_round) -> Round:
    return make_round(organisation)


@pytest.fixture
def units(organisation, home_unit) -> dict[str, Unit]:
    """The unit the manager and the employee are placed on, a team below it, and the unit above it."""
    team = organisation_actions.create_unit(
        organisation=organisation, name="Team Öst", kind=Unit.Kind.TEAM, parent=home_unit, actor=None
    )
    return {"own": home_unit, "below": team, "other": home_unit.parent}


def met_at_the_door(user, row: str, organisation: Organisation, round: Round, units: dict[str, Unit]) -> str:
    """What a page behind the barometer's door answers this requester for the matrix's `row`."""
    row, _at, setting = row.partition("@")
    permission, _colon, which = row.partition(":")
    round.results_readers = setting or Round.ResultsReaders.CHAIN
    round.save(update_fields=["results_readers"])

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

    assert permissions.managed_units(access) == {home_unit.pk, units["below"].pk}


def access_of(user, round: Round) -> Access[Round]:
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    return ROUND.open(request, round.public_id)


def test_a_member_of_a_management_group_without_a_unit_reads_no_results_of_a_round_for_leaders(
    organisation, round, make_member
):
    member = make_member(organisation, group=ActorGroup.Key.MIDDLE_MANAGEMENT, unit=None)
    round.results_readers = Round.ResultsReaders.LEADERS
    round.save()

    access = access_of(member.user, round)

    assert not access.may(permissions.READ_RESULTS)
    assert permissions.managed_units(access) == frozenset()


def test_in_a_round_for_the_whole_chain_a_member_without_a_unit_reads_the_organisation_only(
    organisation, round, make_member, home_unit
):
    member = make_member(organisation, group=ActorGroup.Key.MIDDLE_MANAGEMENT, unit=None)

    access = access_of(member.user, round)

    assert access.may(permissions.READ_ORGANISATION_RESULTS)
    assert not access.may(permissions.READ_EVERY_RESULT)
    assert not access.may(permissions.DOWNLOAD_RESULTS)
    assert not unit_access(access, home_unit.pk).may(permissions.READ_UNIT_RESULTS)


def test_a_politician_placed_on_a_unit_reads_it_when_the_results_go_to_the_whole_chain_only(
    organisation, round, make_member, home_unit
):
    member = make_member(organisation, group=ActorGroup.Key.POLITICIAN, unit=home_unit)

    for setting, reads_the_unit in (
        (Round.ResultsReaders.CHAIN, True),
        (Round.ResultsReaders.POLITICIANS, False),
        (Round.ResultsReaders.LEADERS, False),
    ):
        round.results_readers = setting
        round.save()
        access = access_of(member.user, round)

        assert unit_access(access, home_unit.pk).may(permissions.READ_UNIT_RESULTS) is reads_the_unit
        assert access.may(permissions.READ_ORGANISATION_RESULTS) is (setting != Round.ResultsReaders.LEADERS)


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
