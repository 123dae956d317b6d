"""Typing and parsing helpers for views."""

from uuid import UUID

from django.http import HttpRequest


def parse_uuid(value: object) -> UUID | None:
    """A UUID from request data, or None for anything that is not one."""
    try:
        return UUID(str(value))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's address as the sign-in lockout sees it (proxy headers trusted only per PROXY_COUNT)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or ""
