"""Secrets that travel in links and cookies are stored only as their hashes: one way to hash them everywhere."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

__all__ = ["hash_token", "keyed_digest"]


def hash_token(token: str) -> str:
    """The SHA-256 of a random token, as stored in place of the token (hex, 64 characters)."""
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_digest(message: str) -> bytes:
    """The HMAC-SHA-256 of `message` under the site's secret key: a value only this site can derive, such as a
    personal link's secret or a row's key that must not name a person. Name the purpose in `message`."""
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).digest()
