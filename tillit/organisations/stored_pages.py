"""Results pages kept whole, per reader: a look at a page whose figures cannot have changed costs the door and one
read from the cache, not the page's queries and templates.

    @through(ROUND, READ_RESULTS)
    @stored_page()
    def report(request: OrganisationRequest, access: Access[Round]) -> HttpResponse: ...

The door still runs on every request, so who may read the page is decided afresh each time; the page stored is the
one this reader was shown, under a key that holds everything the page's HTML depends on:

- the address, the language and the view;
- the reader: their account's name and address, their membership (role, unit, level, actor group), the
  organisations they can switch to (the header), and their participation in the part, if any (its whole row: a
  workshop role, say);
- the page's object as read by the door (every column of its row: a title, a step, a threshold, a version), and
  the organisation's row, whose `pages_version` every action raises that changes something else a stored page shows
  (units, levels, actor groups, a sealed round, a decision: `organisations.actions.pages_changed`);
- what else the view names (`version`: for a dialogue, when its analysis was stored), and today's date.

Only a member's plain GET at the page's own address is stored; a query string, a page with messages waiting, an
HTMX fragment, a page that sets a cookie, any answer but 200 and a cache that does not answer: the page is built as
before. Each form's CSRF token is taken out before storing and the reader's own put back when serving, so no token
of one request is ever sent in another.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from tillit.accounts.models import User
from tillit.organisations.door import Access, memberships_of
from tillit.organisations.models import Membership

__all__ = ["STORED_PAGE_SECONDS", "stored_page"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")

STORED_PAGE_SECONDS = 60 * 60  # bounds the space and how long a page (with its reader's name) stays: a change
# reaches the page through its key at once
STORED_PAGE_FORMAT = 1  # part of the key: pages stored by an older release are never read back

_TOKEN_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
# Where each form's token goes: it cannot occur in a rendered template, whose output never holds a NUL.
_PLACEHOLDER = "\x00csrf\x00"
_KEPT_HEADERS = {"content-type", "cache-control", "x-robots-tag", "content-language"}


@dataclass(frozen=True)
class StoredPage:
    body: str  # the page as rendered, each CSRF token replaced by _PLACEHOLDER
    headers: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, response: HttpResponse) -> StoredPage:
        body = _TOKEN_FIELD.sub(lambda match: match.group(1) + _PLACEHOLDER + match.group(2), response.text)
        headers = tuple((name, value) for name, value in response.items() if name.lower() in _KEPT_HEADERS)
        return cls(body, headers)

    def response(self, request: HttpRequest) -> HttpResponse:
        body = self.body.replace(_PLACEHOLDER, get_token(request)) if _PLACEHOLDER in self.body else self.body
        response = HttpResponse(body)
        for name, value in self.headers:
            response[name] = value
        return response


def stored_page(
    version: Callable[[Access[Any]], Hashable] | None = None,
) -> Callable[[Callable[Concatenate[Any, Access[T], P], HttpResponse]], Callable[..., HttpResponse]]:
    """A decorator under `through`: serve the page stored for this reader and everything it shows, or build it,
    store it and serve it. `version` names what else the page shows that neither its object's row nor the
    organisation's `pages_version` follows (read cheaply: it runs on every request)."""

    def decorate(
        view: Callable[Concatenate[Any, Access[T], P], HttpResponse],
    ) -> Callable[..., HttpResponse]:
        name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapped(request: HttpRequest, access: Access[T], *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            user, membership = access.user, access.membership
            if user is None or membership is None or not _storable(request):
                return view(request, access, *args, **kwargs)
            key = page_key(request, access, user, membership, name, version(access) if version is not None else None)
            try:
                stored = cache.get(key)
            except Exception:  # a cache that does not answer (or a page stored by another release): build the page
                logger.warning("Stored page unreadable; building it", exc_info=True)
                stored = None
            if isinstance(stored, StoredPage):
                return stored.response(request)
            response = view(request, access, *args, **kwargs)
            if _keepable(response):
                try:
                    cache.set(key, StoredPage.of(response), STORED_PAGE_SECONDS)
                except Exception:  # the page is served all the same
                    logger.warning("Page not stored", exc_info=True)
            return response

        return wrapped

    return decorate


def _storable(request: HttpRequest) -> bool:
    """A plain GET of a whole page at its own address (no query string, so that nobody can fill the cache with
    copies of it), with no message waiting to be shown on it; the caller checks that a member asks."""
    return (
        request.method == "GET"
        and not request.GET
        and not getattr(request, "htmx", False)
        and len(get_messages(request)) == 0  # counting does not mark them shown
    )


def _keepable(response: HttpResponse) -> bool:
    """A whole, rendered 200 page that sets no cookie of its own."""
    return (
        response.status_code == 200
        and not response.streaming
        and getattr(response, "is_rendered", True)
        and not response.cookies
    )


def page_key(
    request: HttpRequest, access: Access[Any], user: User, membership: Membership, view: str, version: Hashable
) -> str:
    """The cache key of this reader's page: a SHA-256 of everything its HTML depends on (see the module)."""
    switcher = tuple((m.pk, m.role, m.organisation.slug, m.organisation.name) for m in memberships_of(user))
    participant = access.participant
    parts = (
        STORED_PAGE_FORMAT,
        view,
        request.get_full_path(),
        get_language(),
        (user.pk, user.full_name, user.email),
        (membership.pk, membership.role, membership.unit_id, membership.level_id, membership.actor_group_id),
        switcher,
        _row(participant) if isinstance(participant, Model) else repr(participant),
        _row(access.organisation),
        _row(access.target) if isinstance(access.target, Model) else repr(access.target),
        version,
        _today(),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _row(row: Model) -> tuple[tuple[str, object], ...]:
    """Every column of the row as the door read it."""
    return tuple((field.attname, getattr(row, field.attname)) for field in row._meta.concrete_fields)


def _today() -> datetime.date:
    return timezone.localdate()
