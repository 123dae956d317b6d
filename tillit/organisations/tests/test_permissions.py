"""The organisation's permission matrix, as its module docstring (`tillit/organisations/permissions.py`) states it.

The table is read from the docstring and every cell is checked against what the door really does for that role,
so the documented matrix cannot drift from the code.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from conftest import MakeMember
from tillit.accounts.models import User
from tillit.organisations import permissions
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Membership, Organisation, PendingMembership

pytestmark = pytest.mark.django_db

ROLES = ["administrator", "process leader", "participant", "no membership, signed in", "not signed in"]
ROLE_OF = {
    "administrator": Membership.Role.ADMIN,
    "process leader": Membership.Role.FACILITATOR,
    "participant": Membership.Role.PARTICIPANT,
}


def documented_matrix() -> dict[str, dict[str, str]]:
    """The permissions table of the module docstring: permission → role → "yes", "403", "404", "sign in", …"""
    lines = [line for line in (permissions.__doc__ or "").splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["permission", *ROLES]
    matrix = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        matrix[cells[0].strip("`")] = dict(zip(ROLES, cells[1:], strict=True))
    return matrix


MATRIX = documented_matrix()
ORGANISATION_PERMISSIONS = [permission for permission in MATRIX if permission != permissions.ANSWER_INVITATION]


def test_the_matrix_names_every_permission_of_the_module() -> None:
    assert set(MATRIX) == {
        permissions.VIEW_ORGANISATION,
        permissions.VIEW_PEOPLE,
        permissions.ADMINISTER,
        permissions.ANSWER_INVITATION,
    }


def requester(role: str, organisation: Organisation, make_member: MakeMember, other: Organisation) -> User | None:
    if role == "not signed in":
        return None
    if role == "no membership, signed in":
        return make_member(other, role=Membership.Role.ADMIN).user
    return make_member(organisation, role=ROLE_OF[role]).user


def met_at_the_door(user: User | None, organisation: Organisation, permission: str) -> str:
    """What a page behind `through(ORGANISATION, permission)` answers this requester."""

    @through(permissions.ORGANISATION, permission)
    def page(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
        return HttpResponse("inside")

    request = RequestFactory().get("/o/somewhere/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    try:
        response = page(request, organisation=organisation.slug)
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "sign in"
    return "yes" if response.content == b"inside" else str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", ORGANISATION_PERMISSIONS)
def test_each_role_meets_what_the_matrix_says(
    organisation: Organisation, other_organisation: Organisation, make_member: MakeMember, permission: str, role: str
) -> None:
    user = requester(role, organisation, make_member, other_organisation)

    assert met_at_the_door(user, organisation, permission) == MATRIX[permission][role]


@pytest.mark.parametrize("permission", ORGANISATION_PERMISSIONS)
def test_an_inactive_account_is_no_member(organisation: Organisation, make_member: MakeMember, permission: str) -> None:
    user = make_member(organisation, role=Membership.Role.ADMIN).user
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()

    assert met_at_the_door(user, organisation, permission) == "404"


def invitation_access(user: User | None, pending: PendingMembership) -> Access[PendingMembership]:
    request: HttpRequest = RequestFactory().get("/o/invitations/")
    request.user = user or AnonymousUser()
    return Access(request, pending, pending.organisation, None)


@pytest.mark.parametrize("role", ROLES[:4])
def test_only_the_invited_account_may_answer_its_invitation_whatever_its_role(
    organisation: Organisation, other_organisation: Organisation, make_member: MakeMember, role: str
) -> None:
    invited = requester(role, organisation, make_member, other_organisation)
    somebody_else = requester(role, organisation, make_member, other_organisation)
    pending = make_member(
        other_organisation if role != "no membership, signed in" else organisation, email=invited.email
    )
    assert isinstance(pending, PendingMembership)

    assert MATRIX[permissions.ANSWER_INVITATION][role] == "invited only"
    assert invitation_access(invited, pending).may(permissions.ANSWER_INVITATION)
    assert not invitation_access(somebody_else, pending).may(permissions.ANSWER_INVITATION)


def test_a_visitor_who_is_not_signed_in_answers_no_invitation(
    organisation: Organisation, make_member: MakeMember, employee: User, other_organisation: Organisation
) -> None:
    pending = make_member(other_organisation, email=employee.email)

    assert MATRIX[permissions.ANSWER_INVITATION]["not signed in"] == "sign in"
    assert not invitation_access(None, pending).may(permissions.ANSWER_INVITATION)
