"""Who may do what in an organisation, as django-rules predicates over the door's `Access`.

Every part's permissions are predicates of one argument, the `Access` the door built (`tillit.organisations.door`),
so that the matrix of one part can be read in its `permissions.py`, and they combine: a part's rule can say
`is_facilitator | is_participant`. The predicates here are the organisation's roles, which every part builds on.

| permission | who |
| --- | --- |
| `organisations.view_organisation` | every member |
| `organisations.view_people` | process leaders and administrators |
| `organisations.administer_organisation` | administrators |
| `organisations.answer_invitation` | the account an invitation was sent to, signed in as itself |

Only a Membership gives access. An invitation someone has not accepted yet is a PendingMembership, another model
that nothing here reads: the invited person can answer it, and that is all.
"""

from __future__ import annotations

from typing import Any

import rules
from django.http import HttpRequest

from tillit.organisations.door import Access, Door, acting_membership
from tillit.organisations.models import Organisation, PendingMembership

VIEW_ORGANISATION = "organisations.view_organisation"
VIEW_PEOPLE = "organisations.view_people"
ADMINISTER = "organisations.administer_organisation"
ANSWER_INVITATION = "organisations.answer_invitation"

__all__ = [
    "ADMINISTER",
    "ANSWER_INVITATION",
    "ORGANISATION",
    "VIEW_ORGANISATION",
    "VIEW_PEOPLE",
    "acting_membership",
    "get_organisation_for",
    "is_facilitator",
    "is_member",
    "is_org_admin",
    "organisation_may",
]


@rules.predicate
def is_member(access: Access[Any]) -> bool:
    return access.membership is not None


@rules.predicate
def is_facilitator(access: Access[Any]) -> bool:
    """A process leader or an administrator of the organisation."""
    return access.membership is not None and access.membership.is_facilitator


@rules.predicate
def is_org_admin(access: Access[Any]) -> bool:
    return access.membership is not None and access.membership.is_admin


@rules.predicate
def is_invited_person(user: object, pending: PendingMembership) -> bool:
    """The account the invitation was sent to, signed in as itself (answered before any membership exists)."""
    return bool(getattr(user, "is_authenticated", False)) and pending.user_id == getattr(user, "pk", None)


rules.add_perm(VIEW_ORGANISATION, is_member)
rules.add_perm(VIEW_PEOPLE, is_facilitator)
rules.add_perm(ADMINISTER, is_org_admin)
rules.add_perm(ANSWER_INVITATION, is_invited_person)


def _organisation_by_slug(_request: HttpRequest, slug: object) -> Organisation | None:
    return Organisation.objects.filter(slug=str(slug)).first()


# The organisation's own pages: only members know it exists.
ORGANISATION: Door[Organisation] = Door(
    url_kwarg="organisation",
    find=_organisation_by_slug,
    organisation=lambda organisation: organisation,
    enter=VIEW_ORGANISATION,
    participants_are_inside=False,
)


def get_organisation_for(request: HttpRequest, slug: str, *, perm: str) -> Organisation:
    """The organisation if the signed-in user may `perm` it: 404 for non-members, 403 for too weak a role.

    For views that take the organisation's slug among other arguments; others use `through(ORGANISATION, perm)`."""
    access = ORGANISATION.open(request, slug)
    ORGANISATION.check(access, perm)
    return access.target


def organisation_may(request: HttpRequest, permission: str) -> bool:
    """Whether the requester, inside the organisation the door let them into, has `permission` there."""
    organisation: Organisation = request.organisation  # type: ignore[attr-defined]  # set by the door
    return Access(request, organisation, organisation, acting_membership(request.user, organisation)).may(permission)
