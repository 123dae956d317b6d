"""Things that open and close (a round, a dialogue, a workshop): one check that they do not end before they start."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = ["check_period"]


def check_period(
    starts_on: datetime.date, ends_on: datetime.date, *, error: type[ValidationError], message: str | StrPromise
) -> None:
    """Raise `error(message)` when the period ends before it starts; a period of one day is fine."""
    if ends_on < starts_on:
        raise error(message)
