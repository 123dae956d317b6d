"""The dialogue's permission matrix (permissions.py), role by role and state by state, through the DIALOGUE door."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from tillit.dialogues import actions, permissions
from tillit.dialogues.models import Dialogue
from tillit.dialogues.permissions import (
    ADD_STATEMENT,
    DIALOGUE,
    EXPORT_RESULTS,
    MODERATE,
    PROMOTE_STATEMENT,
    READ_RESULTS,
    REPORT_STATEMENT,
    TAKE_PART,
    VIEW_DIALOGUE,
    VOTE,
    token_cookie_name,
)
from tillit.dialogues.tests.conftest import make_dialogue
from tillit.organisations.door import SignInFirst
from tillit.organisations.permissions import ORGANISATION

PERMISSIONS = [
    VIEW_DIALOGUE,
    TAKE_PART,
    VOTE,
    ADD_STATEMENT,
    REPORT_STATEMENT,
    MODERATE,
    PROMOTE_STATEMENT,
    READ_RESULTS,
    EXPORT_RESULTS,
]
Y, N = True, False

# Internal dialogue, results not open yet (no live results, still open). Columns follow PERMISSIONS.
INTERNAL = {
    "org_admin": [Y, Y, N, N, N, Y, Y, N, N],
    "facilitator": [Y, Y, N, N, N, Y, Y, N, N],
    "facilitator who joined": [Y, Y, Y, Y, Y, Y, Y, N, N],
    "employee": [Y, Y, N, N, N, N, N, N, N],
    "employee who joined": [Y, Y, Y, Y, Y, N, N, N, N],
}
# Once the dialogue has closed, results open to leaders and to those who took part.
CLOSED_RESULTS = {
    "org_admin": (Y, Y),
    "facilitator": (Y, Y),
    "employee": (N, N),
    "employee who joined": (Y, Y),
}
# An open dialogue with live results: anyone with the link, without an account.
OPEN = {
    "visitor": [Y, Y, N, N, N, N, N, N, N],
    "visitor who joined": [Y, Y, Y, Y, Y, N, N, Y, Y],
    "employee": [Y, Y, N, N, N, N, N, N, N],
    "facilitator": [Y, Y, N, N, N, Y, Y, Y, Y],
}


def enter(dialogue: Dialogue, user: object = None, cookie: str = "") -> permissions.DialogueAccess:
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = {}
    if cookie:
        request.COOKIES[token_cookie_name(dialogue)] = cookie
    return DIALOGUE.open(request, dialogue.public_id)


def person(role: str, dialogue: Dialogue, cast: dict[str, object]) -> tuple[object, str]:
    """The user (None: not signed in) and the participation cookie of a role, joining the dialogue if it says so."""
    name, _, joined = role.partition(" who ")
    user = cast.get(name)
    cookie = ""
    if joined:
        if dialogue.is_internal:
            actions.participant_for_member(dialogue, user.memberships.get(), create=True)
        else:
            _participant, cookie = actions.join_open_dialogue(dialogue=dialogue, actor_group=None)
    return user, cookie


@pytest.fixture
def cast(org_admin, facilitator, employee) -> dict[str, object]:
    return {"org_admin": org_admin, "facilitator": facilitator, "employee": employee, "visitor": None}


@pytest.mark.parametrize("role", INTERNAL)
def test_internal_dialogue_matrix(dialogue, cast, role):
    user, cookie = person(role, dialogue, cast)

    access = enter(dialogue, user, cookie)

    assert [access.may(permission) for permission in PERMISSIONS] == INTERNAL[role]


@pytest.mark.parametrize("role", CLOSED_RESULTS)
def test_results_of_a_closed_dialogue_open_to_leaders_and_those_who_took_part(dialogue, cast, role):
    user, cookie = person(role, dialogue, cast)
    Dialogue.objects.filter(pk=dialogue.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    dialogue.refresh_from_db()

    access = enter(dialogue, user, cookie)

    assert (access.may(READ_RESULTS), access.may(EXPORT_RESULTS)) == CLOSED_RESULTS[role]


@pytest.mark.parametrize("role", OPEN)
def test_open_dialogue_with_live_results_matrix(open_dialogue, cast, role):
    user, cookie = person(role, open_dialogue, cast)

    access = enter(open_dialogue, user, cookie)

    assert [access.may(permission) for permission in PERMISSIONS] == OPEN[role]


def test_outsiders_do_not_learn_that_an_internal_dialogue_exists(dialogue, outsider):
    with pytest.raises(Http404):
        enter(dialogue, outsider)
    with pytest.raises(SignInFirst):
        enter(dialogue)


def test_a_visitor_who_took_part_is_still_an_outsider_to_the_leaders_pages(open_dialogue, outsider):
    _participant, cookie = actions.join_open_dialogue(dialogue=open_dialogue, actor_group=None)
    signed_in, visitor = enter(open_dialogue, outsider, cookie), enter(open_dialogue, cookie=cookie)

    with pytest.raises(Http404):
        DIALOGUE.check(signed_in, MODERATE)
    with pytest.raises(SignInFirst):
        DIALOGUE.check(visitor, MODERATE)


def test_a_forged_or_another_dialogues_cookie_is_no_participation(open_dialogue, organisation, facilitator):
    other = make_dialogue(organisation, facilitator, access=Dialogue.Access.OPEN, question="Annan?")
    _participant, cookie = actions.join_open_dialogue(dialogue=other, actor_group=None)

    assert enter(open_dialogue, cookie=cookie).participant is None
    assert enter(open_dialogue, cookie="forged").participant is None
    assert enter(other, cookie=cookie).participant is not None


def test_a_member_of_another_organisation_is_not_a_member_here(dialogue, outsider):
    request = RequestFactory().get("/")
    request.user = outsider
    request.session = {}
    with pytest.raises(Http404):
        ORGANISATION.open(request, dialogue.organisation.slug)


@pytest.mark.parametrize(
    ("role", "lists", "creates"),
    [("org_admin", Y, Y), ("facilitator", Y, Y), ("employee", Y, N)],
)
def test_the_organisations_list_and_creating_a_dialogue(organisation, cast, role, lists, creates):
    request = RequestFactory().get("/")
    request.user = cast[role]
    request.session = {}

    access = ORGANISATION.open(request, organisation.slug)

    assert (access.may(permissions.LIST_DIALOGUES), access.may(permissions.CREATE_DIALOGUE)) == (lists, creates)
