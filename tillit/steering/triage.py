"""What a process leader may decide about a tidstjuv, without Django: the routes, the statuses each route leads to,
and what a decision must carry.

A tidstjuv starts **pending**. Triage chooses a route and the status it leads to:

| route | leads to |
| --- | --- |
| ourselves (we can change it ourselves) | removed or simplified |
| administration, state (a state body or SKR) | escalated, to an owner |
| law (required by law) | kept |
| kept | kept |

An **escalated** tidstjuv waits for its owner's answer: removed, simplified or kept, on the route it was escalated
by. **Removed**, **simplified** and **kept** are final: nothing moves from them. Every other jump is refused.

A decision to keep needs a reason (whichever route: the members read why); removed and simplified need the hours
freed a year (an estimate, at least 0, at most what one demand could take: `burden.MAX_HOURS_FREED`, to one
decimal); escalating needs an owner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from tillit.steering import burden

__all__ = [
    "ANSWERS",
    "FINAL",
    "MAX_HOURS_FREED",
    "ROUTES",
    "ROUTE_LEADS_TO",
    "STATUSES",
    "Decision",
    "Refusal",
    "is_allowed",
    "next_steps",
    "refusals",
]

PENDING: Final = "pending"
REMOVED: Final = "removed"
SIMPLIFIED: Final = "simplified"
KEPT: Final = "kept"
ESCALATED: Final = "escalated"
STATUSES: Final = (PENDING, REMOVED, SIMPLIFIED, KEPT, ESCALATED)

OURSELVES: Final = "ourselves"
ADMINISTRATION: Final = "administration"
STATE: Final = "state"
LAW: Final = "law"
KEPT_ROUTE: Final = "kept"
ROUTES: Final = (OURSELVES, ADMINISTRATION, STATE, LAW, KEPT_ROUTE)

ROUTE_LEADS_TO: Final[Mapping[str, frozenset[str]]] = {
    OURSELVES: frozenset({REMOVED, SIMPLIFIED}),
    ADMINISTRATION: frozenset({ESCALATED}),
    STATE: frozenset({ESCALATED}),
    LAW: frozenset({KEPT}),
    KEPT_ROUTE: frozenset({KEPT}),
}
ESCALATING_ROUTES: Final = frozenset({ADMINISTRATION, STATE})
ANSWERS: Final = frozenset({REMOVED, SIMPLIFIED, KEPT})  # an owner's answer to an escalated tidstjuv
FINAL: Final = frozenset({REMOVED, SIMPLIFIED, KEPT})
FREEING: Final = frozenset({REMOVED, SIMPLIFIED})

MAX_HOURS_FREED: Final = burden.WORKING_YEAR_HOURS * burden.MAX_PEOPLE  # the most one demand's hours can be
HOURS_FREED_PLACES: Final = burden.HOURS_PLACES


class Refusal(StrEnum):
    """Why a decision cannot be stored (the actions say it in Swedish)."""

    UNKNOWN_STATUS = "unknown_status"
    UNKNOWN_ROUTE = "unknown_route"
    ALREADY_DECIDED = "already_decided"
    ROUTE_DOES_NOT_LEAD_THERE = "route_does_not_lead_there"
    NOT_AN_ANSWER = "not_an_answer"
    ESCALATED_KEEPS_ITS_ROUTE = "escalated_keeps_its_route"
    REASON_NEEDED = "reason_needed"
    HOURS_NEEDED = "hours_needed"
    HOURS_NEGATIVE = "hours_negative"
    HOURS_TOO_MANY = "hours_too_many"
    HOURS_TOO_PRECISE = "hours_too_precise"
    OWNER_NEEDED = "owner_needed"


@dataclass(frozen=True)
class Decision:
    """What the process leader chose: a route, the status it leads to, a reason, the hours freed, and whether an
    owner is known (typed, or the linked signal's)."""

    route: str
    status: str
    reason: str = ""
    hours_freed: Decimal | None = None
    has_owner: bool = False


def next_steps(current: str, current_route: str) -> dict[str, frozenset[str]]:
    """Each route a tidstjuv in `current` (triaged by `current_route`) may take now, and the statuses it may reach
    by it: every route from pending, the escalation's own route (with the owner's answers) from escalated,
    nothing from a final status."""
    if current == PENDING:
        return dict(ROUTE_LEADS_TO)
    if current == ESCALATED and current_route in ESCALATING_ROUTES:
        return {current_route: ANSWERS}
    return {}


def _jump(current: str, current_route: str, route: str, status: str) -> Refusal | None:
    if status not in STATUSES or current not in STATUSES:
        return Refusal.UNKNOWN_STATUS
    if route not in ROUTES:
        return Refusal.UNKNOWN_ROUTE
    if current in FINAL:
        return Refusal.ALREADY_DECIDED
    if current == ESCALATED:
        if route != current_route or current_route not in ESCALATING_ROUTES:
            return Refusal.ESCALATED_KEEPS_ITS_ROUTE
        return None if status in ANSWERS else Refusal.NOT_AN_ANSWER
    return None if status in ROUTE_LEADS_TO[route] else Refusal.ROUTE_DOES_NOT_LEAD_THERE


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _hours(status: str, hours: Decimal | None) -> Refusal | None:
    if status not in FREEING:
        return None
    if hours is None:
        return Refusal.HOURS_NEEDED
    if not hours.is_finite():
        return Refusal.HOURS_TOO_MANY
    if hours < 0:
        return Refusal.HOURS_NEGATIVE
    if hours > MAX_HOURS_FREED:
        return Refusal.HOURS_TOO_MANY
    if _places(hours) > HOURS_FREED_PLACES:
        return Refusal.HOURS_TOO_PRECISE
    return None


def refusals(current: str, current_route: str, decision: Decision) -> list[Refusal]:
    """Everything that stops `decision` for a tidstjuv in `current` (triaged by `current_route`, "" when it was
    not): the jump first (when the jump is refused, nothing else is asked), then reason, hours and owner. Empty:
    the decision may be stored."""
    jump = _jump(current, current_route, decision.route, decision.status)
    if jump is not None:
        return [jump]
    found: list[Refusal] = []
    if decision.status == KEPT and not decision.reason.strip():
        found.append(Refusal.REASON_NEEDED)
    hours = _hours(decision.status, decision.hours_freed)
    if hours is not None:
        found.append(hours)
    if decision.status == ESCALATED and not decision.has_owner:
        found.append(Refusal.OWNER_NEEDED)
    return found


def is_allowed(current: str, current_route: str, route: str, status: str) -> bool:
    """Whether the jump itself (not yet its reason, hours or owner) is allowed."""
    return _jump(current, current_route, route, status) is None
