"""Typing and parsing helpers for views."""

from uuid import UUID

from django.http import HttpRequest

from tillit.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def parse_uuid(value: object) -> UUID | None:
    """A UUID from request data, or None for anything that is not one."""
    try:
        return UUID(str(value))
    except ValueError:
        return None
