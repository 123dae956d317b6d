"""Who may do what in an organisation, as django-rules predicates over the door's `Access`.

Every part's permissions are predicates of one argument, the `Access` the door built (`tillit.organisations.door`),
so that the matrix of one part can be read in its `permissions.py`, and they combine: a part's rule can say
`is_facilitator | is_participant`. The predicates here are the organisation's roles, which every part builds on.

| permission | administrator | process leader | participant | no membership, signed in | not signed in |
| --- | --- | --- | --- | --- | --- |
| `organisations.view_organisation` | yes | yes | yes | 404 | sign in |
| `organisations.view_people` | yes | yes | 403 | 404 | sign in |
| `organisations.administer_organisation` | yes | 403 | 403 | 404 | sign in |
| `organisations.answer_invitation` | invited only | invited only | invited only | invited only | sign in |

"Invited only": the account the invitation was sent to, signed in as itself, whatever its roles elsewhere.

The organisation's own pages (`/o/<slug>/…`) go through the `ORGANISATION` door: only members know an organisation
exists, and a visitor who is not signed in is sent to sign in whether or not the short name names one.

Only a Membership gives access. An invitation someone has not accepted yet is a PendingMembership, another model
that nothing here reads: the invited person can answer it, and that is all (the invitation page,
`views/invitations.py`, checks the signed link first and shows pages of its own instead of 404 and 403).
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

import rules
from django.db.models import Model
from django.http import Http404, HttpRequest

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
    "get_in_organisation",
    "is_facilitator",
    "is_member",
    "is_org_admin",
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
def is_invited_person(access: Access[Any]) -> bool:
    """The account the invitation (the Access's target) was sent to, signed in as itself: answered before any
    membership exists."""
    pending = access.target
    return isinstance(pending, PendingMembership) and access.user is not None and pending.user_id == access.user.pk


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
    sign_in_before_not_found=True,
)


M = TypeVar("M", bound=Model)


def get_in_organisation(model: type[M], organisation: Organisation, public_id: UUID) -> M:
    """A row of the organisation the door let the requester into, by its public id: 404 for any other row, so that
    another organisation's id looks exactly like one that does not exist."""
    found = model._default_manager.filter(organisation=organisation, public_id=public_id).first()
    if found is None:
        raise Http404
    return found
