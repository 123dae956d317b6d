"""Secrets that travel in links and cookies are stored only as their hashes: one way to hash them everywhere."""

from __future__ import annotations

import hashlib

__all__ = ["hash_token"]


def hash_token(token: str) -> str:
    """The SHA-256 of a random token, as stored in place of the token (hex, 64 characters)."""
    return hashlib.sha256(token.encode()).hexdigest()
