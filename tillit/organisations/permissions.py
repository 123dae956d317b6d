"""Who may do what in an organisation, as django-rules predicates.

Predicates take (user, organisation) and read the membership that
`acting_membership` has cached on the user, so a check costs no query after
the door (`get_organisation_for`) has run.

Only a Membership gives access. An invitation someone has not accepted yet is a
PendingMembership, another model that nothing here reads: the invited person
can answer it (`answer_invitation`), and that is all.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from tillit.organisations.models import Membership, Organisation, PendingMembership


def acting_membership(user: object, organisation: Organisation) -> Membership | None:
    """The user's membership in `organisation`, or None; cached per request on the user."""
    if not getattr(user, "is_authenticated", False):
        return None
    # getattr/setattr reach through request.user's SimpleLazyObject, so the page and
    # user.has_perm() share one cache.
    cache: dict[int, Membership | None] | None = getattr(user, "_memberships_by_organisation", None)
    if cache is None:
        cache = {}
        user._memberships_by_organisation = cache  # type: ignore[attr-defined]
    if organisation.pk not in cache:
        cache[organisation.pk] = (
            Membership.objects.select_related("unit", "actor_group", "level")
            .filter(organisation=organisation, user=user, user__is_active=True)
            .first()
        )
    return cache[organisation.pk]


@rules.predicate
def is_member(user: object, organisation: Organisation) -> bool:
    return acting_membership(user, organisation) is not None


@rules.predicate
def is_facilitator(user: object, organisation: Organisation) -> bool:
    membership = acting_membership(user, organisation)
    return membership is not None and membership.is_facilitator


@rules.predicate
def is_org_admin(user: object, organisation: Organisation) -> bool:
    membership = acting_membership(user, organisation)
    return membership is not None and membership.is_admin


@rules.predicate
def is_invited_person(user: object, pending: PendingMembership) -> bool:
    """The account the invitation was sent to, signed in as itself."""
    return bool(getattr(user, "is_authenticated", False)) and pending.user_id == getattr(user, "pk", None)


rules.add_perm("organisations.view_organisation", is_member)
rules.add_perm("organisations.view_people", is_facilitator)
rules.add_perm("organisations.administer_organisation", is_org_admin)
rules.add_perm("organisations.answer_invitation", is_invited_person)


def get_organisation_for(request: HttpRequest, slug: str, *, perm: str) -> Organisation:
    """The organisation if the signed-in user may `perm` it: 404 for non-members, 403 for too weak a role."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not is_member(request.user, organisation):
        raise Http404
    # rules directly, not user.has_perm(): a platform superuser gets no powers in an organisation
    # beyond their role there.
    if not rules.has_perm(perm, request.user, organisation):
        raise PermissionDenied
    if request.session.get("organisation") != organisation.slug:
        request.session["organisation"] = organisation.slug
    request.organisation = organisation  # type: ignore[attr-defined]
    request.membership = acting_membership(request.user, organisation)  # type: ignore[attr-defined]
    return organisation
