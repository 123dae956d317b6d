"""Things that open and close (a round, a dialogue, a workshop, a rating campaign): one check that they do not end
before they start, and the life of a survey whose results are published once (`SealedPeriod`)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = ["SealedPeriod", "check_period"]


def check_period(
    starts_on: datetime.date, ends_on: datetime.date, *, error: type[ValidationError], message: str | StrPromise
) -> None:
    """Raise `error(message)` when the period ends before it starts; a period of one day is fine."""
    if ends_on < starts_on:
        raise error(message)


class SealedPeriod(models.Model):
    """A survey that opens (a process leader opens it, from its first day on), closes (early, or after its last
    day) and is then sealed: its answers mixed so that nothing follows the order of answering, after which its
    results are published, once. A barometer round and a steering-signal rating campaign."""

    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_launched(self) -> bool:
        return self.opened_at is not None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None or (self.is_launched and timezone.localdate() > self.closes_on)

    @property
    def is_upcoming(self) -> bool:
        """Not taking answers yet: not opened, or its opening date is still to come."""
        return not self.is_launched or timezone.localdate() < self.opens_on

    @property
    def takes_answers(self) -> bool:
        return not self.is_upcoming and not self.is_closed

    @property
    def is_sealed(self) -> bool:
        """Every answer of the closed survey is mixed in, and none can arrive any more."""
        return self.sealed_at is not None

    @property
    def results_open(self) -> bool:
        """Results are published once, when the survey has closed and its answers are sealed: two looks at a result,
        before and after one more answer, would show that answer."""
        return self.is_closed and self.is_sealed

    @property
    def awaits_sealing(self) -> bool:
        """Closed (early, or by its closing date passing) but not yet sealed: its results are being prepared."""
        return self.is_closed and not self.is_sealed
