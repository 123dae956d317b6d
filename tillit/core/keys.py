"""The database remembers which data key it was written with, and says so when it is run with another.

A restored database run with another DATA_KEY would not find its members' participations (each would join again and
could vote twice) and would send reminder links that match no invitation; the check run by
`python manage.py check --database default` refuses that before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError

from tillit.core.models import DataKeyFingerprint
from tillit.core.tokens import data_keys, key_fingerprint

__all__ = ["data_key_matches", "record_data_key", "register_rekeyer", "rekeyers"]


def record_data_key(*, using: str = "default", replace: bool = False) -> None:
    """Store the fingerprint of the data key in use: when none is stored yet, or when `replace` (after rekeying)."""
    fingerprint = key_fingerprint(data_keys()[0])
    stored = DataKeyFingerprint.objects.using(using).first()
    if stored is None:
        DataKeyFingerprint.objects.using(using).create(fingerprint=fingerprint)
    elif replace and stored.fingerprint != fingerprint:
        stored.fingerprint = fingerprint
        stored.save(using=using)


def record_after_migrate(using: str = "default", **kwargs: Any) -> None:
    record_data_key(using=using)


@register(Tags.database)
def data_key_matches(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for alias in kwargs.get("databases") or []:
        try:
            stored = DataKeyFingerprint.objects.using(alias).values_list("fingerprint", flat=True).first()
        except DatabaseError:
            continue  # not migrated yet: nothing written with any key
        if stored is None:
            continue
        current, *older = data_keys()
        if stored == key_fingerprint(current):
            continue
        if stored in {key_fingerprint(key) for key in older}:
            messages.append(
                Warning(
                    f"Database '{alias}' was written with a data key from DATA_KEY_FALLBACKS.",
                    hint="Run `python manage.py rekey_data` to move it to the current DATA_KEY.",
                    id="tillit.W001",
                )
            )
            continue
        messages.append(
            Error(
                f"Database '{alias}' was written with another DATA_KEY than this installation has.",
                hint="Set DATA_KEY to the key backed up with this database (or put it in DATA_KEY_FALLBACKS and run "
                "`python manage.py rekey_data`). Running without it, members would join their dialogues again and "
                "reminder links would not match their invitations.",
                id="tillit.E001",
            )
        )
    return messages


Rekeyer = Callable[[], str]
_rekeyers: list[Rekeyer] = []


def register_rekeyer(rekeyer: Rekeyer) -> None:
    """A part's way to move its derived values from the older data keys to the current one (`rekey_data`); it
    returns one line saying what it did. Parts register from their AppConfig.ready."""
    if rekeyer not in _rekeyers:
        _rekeyers.append(rekeyer)


def rekeyers() -> list[Rekeyer]:
    return list(_rekeyers)
