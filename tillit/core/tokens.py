"""Secrets that travel in links and cookies are stored only as their hashes: one way to hash them everywhere.

Values that must be derived again later (a member's key in an internal dialogue, a personal link repeated in a
reminder) are HMACs under the *data key* (`DATA_KEY`), not Django's `SECRET_KEY`: the signing key can then be
rotated, signing everybody out, without changing what the stored rows mean. The data key belongs with the data: it
is backed up with the database, and a restored database must be run with the key it was written with
(`python manage.py check --database default` says so, `tillit.core.checks`). Rotating it: put the old key first in
`DATA_KEY_FALLBACKS`, set the new one, and run `python manage.py rekey_data`.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

__all__ = ["data_keys", "hash_token", "key_fingerprint", "keyed_digest", "keyed_digests"]

FINGERPRINT_MESSAGE = "tillit:data-key-fingerprint"


def hash_token(token: str) -> str:
    """The SHA-256 of a random token, as stored in place of the token (hex, 64 characters)."""
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_digest(message: str) -> bytes:
    """The HMAC-SHA-256 of `message` under the data key: a value only this site can derive, such as a personal
    link's secret or a row's key that must not name a person. Name the purpose in `message`."""
    return _digest(settings.DATA_KEY, message)


def keyed_digests(message: str) -> list[bytes]:
    """`keyed_digest` under the data key and then under each older key in DATA_KEY_FALLBACKS: for finding a value
    stored before the key was rotated."""
    return [_digest(key, message) for key in data_keys()]


def data_keys() -> list[str]:
    """The data key, then the older ones still accepted."""
    return [settings.DATA_KEY, *settings.DATA_KEY_FALLBACKS]


def key_fingerprint(key: str) -> str:
    """What the database stores of the key it was written with: enough to recognise the key, nothing to derive it."""
    return hmac.new(key.encode(), FINGERPRINT_MESSAGE.encode(), hashlib.sha256).hexdigest()


def _digest(key: str, message: str) -> bytes:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
