"""What the barometer's actions refuse, with a message in the reader's language."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class BarometerError(ValidationError):
    """A change the barometer's rules or dates do not allow."""


class AlreadyAnswered(BarometerError):
    """The personal link has been used."""


class UnitFull(BarometerError):
    """The open link would give a unit more responses than it had members when the round opened."""
