"""Styrsignaler's permission matrix (permissions.py), every cell, through each door: every member reads, process
leaders and administrators change; another organisation's member finds nothing (404), and a visitor who is not
signed in is sent to sign in. The pages themselves are walked in `tests/test_url_isolation.py` and each screen's
tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from tillit.organisations.door import Door, SignInFirst
from tillit.organisations.permissions import ORGANISATION
from tillit.steering import actions
from tillit.steering.models import Kind, Source
from tillit.steering.permissions import CAMPAIGN, MANAGE, OWNER, READ, SIGNAL, TIME_THIEF

pytestmark = pytest.mark.django_db

Y, N = True, False
# Columns: READ, MANAGE.
MATRIX = {
    "org_admin": (Y, Y),
    "facilitator": (Y, Y),
    "manager": (Y, N),
    "employee": (Y, N),
    "politician": (Y, N),
}


@pytest.fixture
def rows(organisation):
    """One row behind each door: a signal with its owner, a campaign, a tidstjuv."""
    signal = actions.create_signal(
        organisation=organisation,
        name="Månadsrapport om övertid",
        source=Source.ADMINISTRATION,
        kind=Kind.PERFORMANCE,
        owner_name="Socialförvaltningen",
        occurrences_per_year=Decimal(12),
        minutes_per_occurrence=Decimal(90),
        people=2,
    )
    today = timezone.localdate()
    campaign = actions.create_campaign(
        organisation=organisation,
        created_by=None,
        name="Skattning",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
    )
    thief = actions.report_time_thief(organisation=organisation, title="Dubbel registrering")
    return {
        ORGANISATION: organisation.slug,
        SIGNAL: signal.public_id,
        OWNER: signal.owner.public_id,
        CAMPAIGN: campaign.public_id,
        TIME_THIEF: thief.public_id,
    }


def enter(door: Door, value: object, user: object):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = {}
    return door.open(request, value)


DOORS = [ORGANISATION, SIGNAL, OWNER, CAMPAIGN, TIME_THIEF]


@pytest.mark.parametrize("door", DOORS, ids=["organisation", "signal", "owner", "campaign", "time_thief"])
@pytest.mark.parametrize("role", sorted(MATRIX))
def test_every_member_reads_and_only_process_leaders_and_administrators_manage(request, rows, door, role):
    user = request.getfixturevalue(role)

    access = enter(door, rows[door], user)

    assert (access.may(READ), access.may(MANAGE)) == MATRIX[role]


def read(door: Door, value: object, user: object) -> None:
    door.check(enter(door, value, user), READ)


@pytest.mark.parametrize("door", DOORS, ids=["organisation", "signal", "owner", "campaign", "time_thief"])
def test_another_organisations_member_finds_nothing(rows, outsider, door):
    with pytest.raises(Http404):
        read(door, rows[door], outsider)


@pytest.mark.parametrize("door", DOORS, ids=["organisation", "signal", "owner", "campaign", "time_thief"])
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(rows, door):
    with pytest.raises(SignInFirst):
        read(door, rows[door], None)
