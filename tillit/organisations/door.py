"""The one door: every view that reaches something of an organisation comes in here.

A part (workshops, dialogues, the barometer, and every later one) describes its way in once, as a `Door`: how to
find the object from the address, whose organisation it belongs to, and how to recognise someone taking part
without an account (a guest in a workshop, a cookie in an open dialogue). A view then says which permission it
needs:

    @through(WORKSHOP, "workshops.lead_workshop")
    def participants(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse: ...

The door builds one `Access` (the object, its organisation, the requester's membership there and their
participation in the part), and decides with django-rules predicates over that `Access`, each part keeping its
permission matrix in its own `permissions.py`:

- somebody who may not even know the object exists (`Door.enter` fails) gets 404, exactly as for an id that does
  not exist, or is sent to sign in when they are not signed in;
- somebody inside who lacks the permission gets 403; somebody outside the organisation (no membership, and no
  participation where `Door.participants_are_inside`) is treated as an outsider again: 404 or sign in.

Permissions are tested with `rules.has_perm` on the `Access`, never with `user.has_perm`: a platform superuser gets
no powers in an organisation beyond their role there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar
from uuid import UUID

import rules
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

from tillit.accounts.models import User
from tillit.organisations.models import Membership, Organisation

__all__ = [
    "Access",
    "Door",
    "OrganisationRequest",
    "SignInFirst",
    "acting_membership",
    "by_public_id",
    "memberships_of",
    "organisation_of",
    "through",
]

T = TypeVar("T")
M = TypeVar("M", bound=Model)
P = ParamSpec("P")


class OrganisationRequest(HttpRequest):
    """A request that has come through the door: who is asking, in which organisation, as which member."""

    user: User | AnonymousUser
    organisation: Organisation
    membership: Membership | None
    htmx: HtmxDetails


class SignInFirst(Exception):
    """The requester is not signed in, and nothing else lets them in: send them to sign in."""


def acting_membership(user: object, organisation: Organisation) -> Membership | None:
    """The user's membership in `organisation`, or None (from `memberships_of`).

    Only a `Membership` gives access: an invitation someone has not accepted yet is a `PendingMembership`,
    another model that nothing here reads."""
    return next((m for m in memberships_of(user) if m.organisation_id == organisation.pk), None)


def memberships_of(user: object) -> list[Membership]:
    """Every membership of the signed-in user, by organisation name, with its organisation and actor group: read
    once per request and kept on the user, so the door, the header's switcher and a stored page's key
    share one query. Empty for a visitor who is not signed in or an account that is not active."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    # getattr/setattr reach through request.user's SimpleLazyObject, so every use in one request shares the list.
    kept: list[Membership] | None = getattr(user, "_memberships", None)
    if kept is None:
        # The unit and level are read when a page needs them (a few do); joining them here would cost every page.
        kept = list(
            Membership.objects.select_related("organisation", "actor_group")
            .filter(user=user)
            .order_by("organisation__name", "pk")
        )
        user._memberships = kept  # type: ignore[attr-defined]  # a per-request cache on the user
    return kept


@dataclass
class Access(Generic[T]):
    """Who is asking about what: the object reached, its organisation, the requester's membership there (None for
    a guest or an anonymous participant) and their participation in the part (None when they take no part)."""

    request: HttpRequest
    target: T
    organisation: Organisation
    membership: Membership | None
    participant: Any = None
    _decided: dict[str, bool] = field(default_factory=dict, repr=False)

    @property
    def is_signed_in(self) -> bool:
        return bool(getattr(self.request.user, "is_authenticated", False))

    @property
    def user(self) -> User | None:
        """The signed-in account asking, or None for a visitor who is not signed in."""
        user = self.request.user
        return user if isinstance(user, User) and user.is_authenticated else None

    def may(self, permission: str) -> bool:
        """Whether the requester has `permission` (a django-rules permission over an `Access`)."""
        if permission not in self._decided:
            self._decided[permission] = rules.has_perm(permission, self)
        return self._decided[permission]


def by_public_id(model: type[M], *related: str) -> Callable[[HttpRequest, Any], M | None]:
    """A door's `find` for a row of a part named in the address by its public id, read with its organisation and
    the `related` rows every page of it needs."""

    def find(_request: HttpRequest, public_id: object) -> M | None:
        if not isinstance(public_id, UUID):
            return None
        return model._default_manager.select_related("organisation", *related).filter(public_id=public_id).first()

    return find


def organisation_of(target: Any) -> Organisation:
    """A door's `organisation` for a row that has one."""
    organisation: Organisation = target.organisation
    return organisation


@dataclass(frozen=True)
class Door(Generic[T]):
    """How a part is entered: the address's value, the object it names, and who is already inside.

    `find` returns the object named by the address's `url_kwarg` (None when there is none); `organisation` gives
    its organisation; `participant` recognises the requester's participation (a member's, or an account-less
    one from the session or a cookie); `enter` is the permission of knowing the object exists.

    `sign_in_before_not_found` sends a visitor who is not signed in to sign in also where the address names
    nothing, so that an address that can be guessed (an organisation's short name) cannot be tried without an
    account; doors whose objects anonymous participants may reach (an open dialogue) leave it off, so that a
    broken link says so at once.
    """

    url_kwarg: str
    find: Callable[[HttpRequest, Any], T | None]
    organisation: Callable[[T], Organisation]
    enter: str
    participant: Callable[[HttpRequest, T, Membership | None], Any] = lambda _request, _target, _membership: None
    participants_are_inside: bool = True  # a participant without membership who lacks a permission gets 403
    sign_in_before_not_found: bool = False

    def open(self, request: HttpRequest, value: object) -> Access[T]:
        """The requester's access to the object named by `value`; Http404 or SignInFirst for outsiders."""
        target = self.find(request, value)
        if target is None:
            if self.sign_in_before_not_found and not getattr(request.user, "is_authenticated", False):
                raise SignInFirst
            raise Http404
        organisation = self.organisation(target)
        membership = acting_membership(request.user, organisation)
        access = Access(request, target, organisation, membership, self.participant(request, target, membership))
        if not access.may(self.enter):
            raise self._outsider(access)
        request.organisation = organisation  # type: ignore[attr-defined]  # typed by OrganisationRequest
        request.membership = membership  # type: ignore[attr-defined]  # typed by OrganisationRequest
        if membership is not None and request.session.get("organisation") != organisation.slug:
            request.session["organisation"] = organisation.slug
        return access

    def check(self, access: Access[T], permission: str) -> None:
        """PermissionDenied for someone inside who lacks `permission`; 404 or sign-in for an outsider."""
        if access.may(permission):
            return
        inside = access.membership is not None or (self.participants_are_inside and access.participant is not None)
        if not inside:
            raise self._outsider(access)
        raise PermissionDenied

    @staticmethod
    def _outsider(access: Access[Any]) -> Exception:
        return Http404() if access.is_signed_in else SignInFirst()


def through(
    door: Door[T], permission: str | None = None
) -> Callable[[Callable[Concatenate[Any, Access[T], P], HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: open `door` with the address's value, check `permission`, and hand the view its Access.
    Visitors who must sign in first are sent to the sign-in page and brought back."""

    def decorate(view: Callable[Concatenate[Any, Access[T], P], HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            value = kwargs.pop(door.url_kwarg)
            try:
                access = door.open(request, value)
                if permission is not None:
                    door.check(access, permission)
            except SignInFirst:
                return redirect_to_login(request.get_full_path())
            return view(request, access, *args, **kwargs)

        return wrapped

    return decorate
