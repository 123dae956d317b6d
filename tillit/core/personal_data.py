"""Personal data on request and by the calendar (PRODUCT §4): what each app holds of a person, how it is erased, and
how long each kind of data is kept.

No app knows every other, so each registers its share when it starts (`register_personal_data`,
`register_retention`), as the data key's rekeyers do; `tillit.accounts.actions` puts a person's shares together and
`apply_retention` runs every rule. Every export, erasure and retention run is recorded as a `DataProtectionEvent`
(what, how many, through which channel) and logged as one line; neither names the person.

Erasure removes what names or reaches a person (the account, memberships, invitations' addresses, the key that ties
them to an internal dialogue's participant) and keeps their anonymous answers, votes and ratings, which then name
nobody.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tillit.core.models import DataProtectionEvent

log = logging.getLogger(__name__)

__all__ = [
    "PersonalDataShare",
    "RetentionRule",
    "apply_retention",
    "moment",
    "record",
    "register_personal_data",
    "register_retention",
    "retention_days",
    "retention_rules",
    "shares",
]

# A person's share of one app: plain, JSON-ready values (texts, numbers, ISO dates, lists and dicts of them).
Exported = dict[str, Any]


@dataclass(frozen=True)
class PersonalDataShare:
    """One app's part of a person's data. `export(user)` returns it; `erase(user)` removes what names them and returns
    how many rows of each kind it changed, or raises a `ValidationError` (with a Swedish message) when the erasure
    must wait, which then changes nothing. Shares are erased in ascending `order`: the account itself goes last."""

    name: str
    export: Callable[[Any], Exported]
    erase: Callable[[Any], dict[str, int]]
    order: int = 0


@dataclass(frozen=True)
class RetentionRule:
    """A kind of data kept for `settings.RETENTION_DAYS[kind]` days (0: kept until erased on request).
    `due(cutoff)` counts what is older than the cutoff; `remove(cutoff)` removes or blanks it and returns how many."""

    kind: str
    description: str
    due: Callable[[datetime.datetime], int]
    remove: Callable[[datetime.datetime], int]


_shares: list[PersonalDataShare] = []
_rules: list[RetentionRule] = []


def moment(when: datetime.datetime | None) -> str | None:
    """A moment in an export: ISO 8601 to the second, or None when it has not happened."""
    return when.isoformat(timespec="seconds") if when else None


def register_personal_data(share: PersonalDataShare) -> None:
    if all(known.name != share.name for known in _shares):
        _shares.append(share)


def register_retention(rule: RetentionRule) -> None:
    if all(known.kind != rule.kind for known in _rules):
        _rules.append(rule)


def shares() -> list[PersonalDataShare]:
    return sorted(_shares, key=lambda share: share.order)


def retention_rules() -> list[RetentionRule]:
    return sorted(_rules, key=lambda rule: rule.kind)


def retention_days(kind: str) -> int:
    """The days a kind is kept; every registered kind must have a setting (see `config/settings.py`)."""
    return int(settings.RETENTION_DAYS[kind])


def record(kind: str, channel: str, counts: dict[str, int]) -> DataProtectionEvent:
    """Record and log one export, erasure or retention run: counts only, never who."""
    event = DataProtectionEvent.objects.create(kind=kind, channel=channel, counts=counts)
    log.info("Personal data: %s through %s: %s", kind, channel, ", ".join(f"{k}={v}" for k, v in counts.items()))
    return event


def apply_retention(*, now: datetime.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Remove what has been kept longer than its kind's setting, each kind in its own transaction; returns how many
    rows of each kind were (or, with `dry_run`, would be) removed. A run that removed something is recorded."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for rule in retention_rules():
        days = retention_days(rule.kind)
        if days <= 0:
            continue
        cutoff = now - datetime.timedelta(days=days)
        if dry_run:
            counts[rule.kind] = rule.due(cutoff)
            continue
        with transaction.atomic():
            counts[rule.kind] = rule.remove(cutoff)
    if not dry_run and any(counts.values()):
        record(DataProtectionEvent.Kind.RETENTION, DataProtectionEvent.Channel.SCHEDULE, counts)
    return counts
