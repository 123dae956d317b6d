"""Who may run a barometer round and who may read which of its results.

A round is reached by its public id. Outside its organisation it does not exist (404). Process leaders and
administrators manage rounds and read every result. A manager (a member whose actor group is top, middle or
first-line management, placed on a unit) reads the results of their unit and everything below it. Other
members get 403 on results: the barometer is read where it is acted on. Results of a round open when it closes:
they are published once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from tillit.barometer.models import Round
from tillit.barometer.reporting import subtree
from tillit.organisations.models import ActorGroup, Membership, Unit
from tillit.organisations.permissions import acting_membership
from tillit.workshops.permissions import SignInFirst, send_to_sign_in

MANAGER_GROUPS = frozenset(
    {ActorGroup.Key.TOP_MANAGEMENT, ActorGroup.Key.MIDDLE_MANAGEMENT, ActorGroup.Key.FIRST_LINE_MANAGER}
)


@dataclass
class RoundAccess:
    round: Round
    membership: Membership
    may_manage: bool
    # Units whose results this reader may see; None means every unit and the whole organisation.
    readable_units: frozenset[int] | None

    @property
    def reads_everything(self) -> bool:
        return self.readable_units is None

    @property
    def may_read_results(self) -> bool:
        return self.may_manage or bool(self.readable_units)

    def may_read_unit(self, unit_id: int) -> bool:
        return self.readable_units is None or unit_id in self.readable_units


def managed_units(membership: Membership) -> frozenset[int]:
    """The units a manager answers for: their own and everything below it. Empty for everyone else."""
    if membership.unit_id is None or membership.actor_group.key not in MANAGER_GROUPS:
        return frozenset()
    parents = dict(Unit.objects.filter(organisation_id=membership.organisation_id).values_list("pk", "parent_id"))
    return frozenset(subtree(membership.unit_id, parents))


def round_access(request: HttpRequest, public_id: UUID, *, manage: bool = False, results: bool = False) -> RoundAccess:
    """404 outside the round's organisation; 403 when `manage` or `results` is needed and missing."""
    round = Round.objects.select_related("organisation", "instrument").filter(public_id=public_id).first()
    if round is None:
        raise Http404
    if not request.user.is_authenticated:
        raise SignInFirst
    membership = acting_membership(request.user, round.organisation)
    if membership is None:
        raise Http404
    may_manage = membership.is_facilitator
    access = RoundAccess(round, membership, may_manage, None if may_manage else managed_units(membership))
    if manage and not may_manage:
        raise PermissionDenied
    if results and not access.may_read_results:
        raise PermissionDenied
    request.organisation = round.organisation  # type: ignore[attr-defined]
    request.membership = membership  # type: ignore[attr-defined]
    return access


def with_round(*, manage: bool = False, results: bool = False) -> Callable:
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, round: UUID, **kwargs: object) -> HttpResponse:
            try:
                access = round_access(request, round, manage=manage, results=results)
            except SignInFirst:
                return send_to_sign_in(request)
            return view(request, access, **kwargs)

        return wrapped

    return decorate
