"""Limits on how often one network address (or anyone at all) may do something, without keeping the address.

The counter's key is an HMAC of the client address under a random salt that lives in the shared
cache for one window and is then forgotten, joined with the server's secret key, so neither the database nor the
cache ever holds an address; someone who can read the cache (with the database cache: the database) cannot test
addresses against the counters without the secret key, and once a window has passed its keys cannot be tied to an
address even with the server's secrets. An IPv6 address
counts as its /64 (`_network`), since one subscriber has all of it.
Counting uses the cache shared by all app processes; an increment there is not strictly atomic on
every backend, so a burst may get slightly more than the limit through, never fewer.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from tillit.core.http import client_address


def _salt(window: int, seconds: int) -> bytes:
    key = f"ratelimit-salt:{seconds}:{window}"
    cache.add(key, secrets.token_hex(32), timeout=seconds * 2)
    salt = cache.get(key) or secrets.token_hex(32)
    return salt.encode()


def _network(address: str) -> str:
    """The address as one sender: an IPv4 address itself, an IPv6 address its /64 (one subscriber's network, whose
    other addresses cost nothing to take)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def _key(request: HttpRequest, scope: str, seconds: int) -> str:
    window = int(time.time() // seconds)
    address = _network(client_address(request)).encode()
    secret = hashlib.sha256(settings.SECRET_KEY.encode() + _salt(window, seconds)).digest()
    digest = hmac.new(secret, address, hashlib.sha256).hexdigest()[:32]
    return f"ratelimit:{scope}:{window}:{digest}"


def exceeded(request: HttpRequest, scope: str, *, limit: int, seconds: int) -> bool:
    """Whether the request's address has used up `limit` attempts at `scope` in this window, without counting one
    (for limits that count only failures: check first, count with `allow` when an attempt fails)."""
    return (cache.get(_key(request, scope, seconds)) or 0) >= limit


def allow(request: HttpRequest, scope: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt at `scope` from the request's address; False once `limit` is passed in the window."""
    return _count(_key(request, scope, seconds), limit=limit, seconds=seconds)


def allow_in_all(scope: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt at `scope` whoever makes it, from whatever address (e-mails a workshop or a dialogue sends
    to its members: several leaders, or one from several networks, share the limit); False once `limit` is passed in
    the window."""
    return _count(f"ratelimit:{scope}:{int(time.time() // seconds)}:all", limit=limit, seconds=seconds)


def _count(key: str, *, limit: int, seconds: int) -> bool:
    cache.add(key, 0, timeout=seconds * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds * 2)
        count = 1
    else:
        # The database cache's incr saves the counter again with the default lifetime (5 minutes), which would let
        # a new window of attempts through every 5 minutes; the counter must live as long as its window.
        cache.touch(key, timeout=seconds * 2)
    return count <= limit
