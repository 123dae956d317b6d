"""What is going on for a member: the start page's *Pågående arbete*, gathered from every part.

The organisations app sits below the parts and imports none of them, so each part hands in what it knows: in its
`AppConfig.ready` it registers a provider, a function `(request, membership) -> Iterable[Ongoing]` (usually
`queries.ongoing_for`), which lists the member's workshops, dialogues, rounds … in the member's current organisation
with what waits for them. A provider only reads, only for that member, and shows the member nothing about anyone
else (whether others took part, rated or answered).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import Promise

from tillit.organisations.models import Membership

__all__ = ["Ongoing", "Provider", "ongoing_for", "register"]


@dataclass(frozen=True)
class Ongoing:
    """One thing the member takes part in, and what waits for them there."""

    part: str | Promise  # "Workshop", "Dialogue", "Barometer round": the kind of thing, in words
    title: str
    url: str  # where to go on (a path)
    waiting: str | Promise  # what waits for the member, in a few words
    action: str | Promise = ""  # the link's text; the title when empty
    urgent: bool = False  # something the member is asked to do (listed first)


Provider = Callable[[HttpRequest, Membership], Iterable[Ongoing]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add a part's provider under its name (registering the same name again replaces it)."""
    _providers[name] = provider


def ongoing_for(request: HttpRequest, membership: Membership) -> list[Ongoing]:
    """Everything the parts list for the member, what asks something of them first, in the parts' order."""
    found = [item for provider in _providers.values() for item in provider(request, membership)]
    return sorted(found, key=lambda item: not item.urgent)
