"""The shared cache in Redis (REDIS_URL), as Django's own, except that a Redis that does not answer is a cache that
holds nothing instead of a server error.

Everything Tillit keeps in the cache can be done without it: stored reports and pages are built again, and the
rate-limit counters start from nothing (`core.ratelimit`: while Redis is away, limits do not hold; the sign-in
lockout counts in the database and always holds). So when Redis is down or not answering, pages still answer and
votes are still stored (a live meeting goes on by polling, docs/live.md): reads miss, writes are dropped, `incr`
finds no key, and a warning is logged at most once a minute per process.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60
_warned_at = -float(WARN_EVERY_SECONDS)


def _unavailable(error: Exception) -> None:
    global _warned_at  # one warning a minute per process
    now = time.monotonic()
    if now - _warned_at >= WARN_EVERY_SECONDS:
        _warned_at = now
        logger.warning("the shared cache (Redis) does not answer (%s): going on without it", type(error).__name__)


class _Client(RedisCacheClient):
    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        try:
            return bool(super().add(key, value, timeout))
        except RedisError as error:
            _unavailable(error)
            return False

    def get(self, key: Any, default: Any) -> Any:
        try:
            return super().get(key, default)
        except RedisError as error:
            _unavailable(error)
            return default

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        try:
            super().set(key, value, timeout)
        except RedisError as error:
            _unavailable(error)

    def touch(self, key: Any, timeout: Any) -> bool:
        try:
            return bool(super().touch(key, timeout))
        except RedisError as error:
            _unavailable(error)
            return False

    def delete(self, key: Any) -> bool:
        try:
            return bool(super().delete(key))
        except RedisError as error:
            _unavailable(error)
            return False

    def get_many(self, keys: Any) -> dict[Any, Any]:
        try:
            return dict(super().get_many(keys))
        except RedisError as error:
            _unavailable(error)
            return {}

    def has_key(self, key: Any) -> bool:
        try:
            return bool(super().has_key(key))
        except RedisError as error:
            _unavailable(error)
            return False

    def incr(self, key: Any, delta: int) -> int:
        try:
            return int(super().incr(key, delta))
        except RedisError as error:
            _unavailable(error)
            raise ValueError(f"Key '{key}' not found.") from error

    def set_many(self, data: Any, timeout: Any) -> None:
        try:
            super().set_many(data, timeout)
        except RedisError as error:
            _unavailable(error)

    def delete_many(self, keys: Any) -> None:
        try:
            super().delete_many(keys)
        except RedisError as error:
            _unavailable(error)

    def clear(self) -> bool:
        try:
            return bool(super().clear())
        except RedisError as error:
            _unavailable(error)
            return False


class TolerantRedisCache(RedisCache):
    """Django's RedisCache whose failures to reach Redis are misses (see the module)."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _Client
