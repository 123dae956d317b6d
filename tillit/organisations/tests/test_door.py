"""The one door (`tillit.organisations.door`), tested on a door of its own over units.

The test door lets in the organisation's members and anyone whose session says they take part in the unit (as a
guest in a workshop does); leading the unit takes an administrator. Everything a part's door relies on is held
here once: who learns that the object exists, who is sent to sign in, who gets 403, what the request carries
afterwards, and that a platform superuser gets nothing from being one.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from tillit.accounts.models import User
from tillit.organisations.door import Access, Door, OrganisationRequest, through
from tillit.organisations.models import Membership, Organisation, Unit
from tillit.organisations.permissions import (
    ORGANISATION,
    VIEW_ORGANISATION,
    get_in_organisation,
    is_member,
    is_org_admin,
)

pytestmark = pytest.mark.django_db

ENTER = "door_tests.enter_unit"
LEAD = "door_tests.lead_unit"
GUEST_KEY = "guest_of_units"


@rules.predicate
def is_guest(access: Access[Any]) -> bool:
    return access.participant is not None


def _unit(_request: HttpRequest, value: object) -> Unit | None:
    return Unit.objects.select_related("organisation").filter(public_id=value).first()


def _guest(request: HttpRequest, unit: Unit, _membership: Membership | None) -> str | None:
    """A participant without an account: the session says so (a workshop's guest is recognised the same way)."""
    return "guest" if str(unit.public_id) in request.session.get(GUEST_KEY, []) else None


UNIT_DOOR: Door[Unit] = Door(
    url_kwarg="unit",
    find=_unit,
    organisation=lambda unit: unit.organisation,
    enter=ENTER,
    participant=_guest,
)


@pytest.fixture(autouse=True)
def _test_permissions() -> Iterator[None]:
    rules.add_perm(ENTER, is_member | is_guest)
    rules.add_perm(LEAD, is_org_admin)
    yield
    rules.remove_perm(ENTER)
    rules.remove_perm(LEAD)


def unit_page(request: OrganisationRequest, access: Access[Unit]) -> HttpResponse:
    return HttpResponse(access.target.name)


def request_as(user: User | None = None, *, guest_of: Unit | None = None) -> HttpRequest:
    request = RequestFactory().get("/units/somewhere/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    if guest_of is not None:
        request.session[GUEST_KEY] = [str(guest_of.public_id)]
    return request


Outcome = str


def outcome(view: Callable[..., HttpResponse], request: HttpRequest, **kwargs: object) -> Outcome:
    """What the requester meets: "200", "403", "404" or "sign in"."""
    try:
        response = view(request, **kwargs)
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "sign in"
    return str(response.status_code)


def enter(door: Door[Unit] = UNIT_DOOR, permission: str | None = None) -> Callable[..., HttpResponse]:
    return through(door, permission)(unit_page)


# Who learns that the object exists -------------------------------------------------------------------------------


def test_an_outsider_gets_404_alike_for_another_organisations_unit_and_for_one_that_does_not_exist(
    outsider: User, home_unit: Unit
) -> None:
    foreign = outcome(enter(), request_as(outsider), unit=home_unit.public_id)
    missing = outcome(enter(), request_as(outsider), unit=uuid.uuid4())

    assert foreign == missing == "404"


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_brought_back(db: None, home_unit: Unit) -> None:
    response = enter()(request_as(), unit=home_unit.public_id)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/units/somewhere/"


def test_an_address_that_names_nothing_is_404_for_a_visitor_unless_the_door_hides_that_too(db: None) -> None:
    hiding = dataclasses.replace(UNIT_DOOR, sign_in_before_not_found=True)

    assert outcome(enter(), request_as(), unit=uuid.uuid4()) == "404"
    assert outcome(enter(hiding), request_as(), unit=uuid.uuid4()) == "sign in"


def test_members_and_participants_are_let_in(employee: User, home_unit: Unit) -> None:
    assert outcome(enter(), request_as(employee), unit=home_unit.public_id) == "200"
    assert outcome(enter(), request_as(guest_of=home_unit), unit=home_unit.public_id) == "200"


def test_a_participant_of_one_unit_is_an_outsider_to_the_next(db: None, home_unit: Unit) -> None:
    other = Unit.objects.exclude(pk=home_unit.pk).filter(organisation=home_unit.organisation).get()

    assert outcome(enter(), request_as(guest_of=home_unit), unit=other.public_id) == "sign in"


# Who lacks a permission ------------------------------------------------------------------------------------------


def test_a_member_lacking_the_permission_gets_403_and_one_holding_it_gets_in(
    employee: User, org_admin: User, home_unit: Unit
) -> None:
    assert outcome(enter(permission=LEAD), request_as(employee), unit=home_unit.public_id) == "403"
    assert outcome(enter(permission=LEAD), request_as(org_admin), unit=home_unit.public_id) == "200"


def test_a_participant_lacking_a_permission_gets_403_where_participants_are_inside(db: None, home_unit: Unit) -> None:
    guest = request_as(guest_of=home_unit)

    assert outcome(enter(permission=LEAD), guest, unit=home_unit.public_id) == "403"


def test_a_participant_lacking_a_permission_is_an_outsider_where_participants_are_not_inside(
    db: None, home_unit: Unit, outsider: User
) -> None:
    outside = dataclasses.replace(UNIT_DOOR, participants_are_inside=False)
    signed_in_guest = request_as(outsider, guest_of=home_unit)

    assert outcome(enter(outside, LEAD), request_as(guest_of=home_unit), unit=home_unit.public_id) == "sign in"
    assert outcome(enter(outside, LEAD), signed_in_guest, unit=home_unit.public_id) == "404"
    assert outcome(enter(outside), request_as(guest_of=home_unit), unit=home_unit.public_id) == "200"


# What the request carries afterwards -----------------------------------------------------------------------------


def test_the_request_carries_the_organisation_and_the_membership_and_the_session_remembers_it(
    employee: User, organisation: Organisation, home_unit: Unit
) -> None:
    request = request_as(employee)

    access = UNIT_DOOR.open(request, home_unit.public_id)

    assert request.organisation == organisation
    assert request.membership == employee.memberships.get()
    assert (access.target, access.organisation, access.membership) == (
        home_unit,
        organisation,
        employee.memberships.get(),
    )
    assert access.user == employee
    assert request.session["organisation"] == organisation.slug


def test_a_participant_without_membership_is_let_in_as_nobody_in_the_organisation(
    organisation: Organisation, home_unit: Unit
) -> None:
    request = request_as(guest_of=home_unit)

    access = UNIT_DOOR.open(request, home_unit.public_id)

    assert request.organisation == organisation
    assert request.membership is None
    assert (access.participant, access.user) == ("guest", None)
    assert "organisation" not in request.session


def test_an_outsider_is_stopped_before_the_request_learns_anything(outsider: User, home_unit: Unit) -> None:
    request = request_as(outsider)

    with pytest.raises(Http404):
        UNIT_DOOR.open(request, home_unit.public_id)

    assert not hasattr(request, "organisation")
    assert "organisation" not in request.session


def test_each_permission_is_decided_once_per_access(employee: User, home_unit: Unit) -> None:
    access = UNIT_DOOR.open(request_as(employee), home_unit.public_id)
    asked: list[Access[Any]] = []

    @rules.predicate
    def counting(access: Access[Any]) -> bool:
        asked.append(access)
        return True

    rules.add_perm("door_tests.counted", counting)
    try:
        decided = [access.may("door_tests.counted") for _ in range(3)]
    finally:
        rules.remove_perm("door_tests.counted")

    assert decided == [True, True, True]
    assert asked == [access]


# No powers from being a platform superuser -----------------------------------------------------------------------


def test_a_superuser_gets_nothing_in_an_organisation_they_do_not_belong_to(db: None, home_unit: Unit) -> None:
    superuser = User.objects.create_superuser("root@tillit.example", "x")
    assert superuser.has_perm(LEAD)  # Django's own check would let them in everywhere

    assert outcome(enter(), request_as(superuser), unit=home_unit.public_id) == "404"
    assert outcome(enter(permission=LEAD), request_as(superuser), unit=home_unit.public_id) == "404"


def test_a_superuser_who_is_a_member_has_their_role_and_no_more(
    employee: User, home_unit: Unit, client: Client, organisation: Organisation
) -> None:
    User.objects.filter(pk=employee.pk).update(is_superuser=True, is_staff=True)
    employee.refresh_from_db()
    client.force_login(employee)

    assert outcome(enter(permission=LEAD), request_as(employee), unit=home_unit.public_id) == "403"
    assert client.get(reverse("organisations:settings", kwargs={"organisation": organisation.slug})).status_code == 403


# The organisation's own door ---------------------------------------------------------------------------------------


def test_the_organisations_door_sends_visitors_to_sign_in_whether_or_not_the_short_name_exists(
    client: Client, organisation: Organisation
) -> None:
    for slug in (organisation.slug, "finns-inte"):
        response = client.get(reverse("organisations:start", kwargs={"organisation": slug}))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def without_tokens(page: bytes) -> bytes:
    """The page without its CSRF tokens, masked anew for every response, and the address the language button
    returns to."""
    return re.sub(rb'name="(csrfmiddlewaretoken|next)" value="[^"]*"', b"", page)


def test_the_organisations_door_answers_404_alike_to_an_outsider(
    client: Client, organisation: Organisation, outsider: User
) -> None:
    client.force_login(outsider)

    known = client.get(reverse("organisations:start", kwargs={"organisation": organisation.slug}))
    unknown = client.get(reverse("organisations:start", kwargs={"organisation": "finns-inte"}))

    assert known.status_code == unknown.status_code == 404
    assert without_tokens(known.content) == without_tokens(unknown.content)


def test_rows_are_fetched_only_inside_the_organisation_the_door_let_one_into(
    organisation: Organisation, other_organisation: Organisation, home_unit: Unit
) -> None:
    foreign = Unit.objects.get(organisation=other_organisation)

    assert get_in_organisation(Unit, organisation, home_unit.public_id) == home_unit
    with pytest.raises(Http404):
        get_in_organisation(Unit, organisation, foreign.public_id)


def test_a_member_of_the_organisation_is_inside_its_door(employee: User, organisation: Organisation) -> None:
    request = request_as(employee)

    access = ORGANISATION.open(request, organisation.slug)

    assert access.target == access.organisation == organisation
    assert access.may(VIEW_ORGANISATION)
