"""With `REDIS_URL`, the shared cache is the Redis on 127.0.0.1:6379 (as in the compose file): the rate limits count
there, shared by every process, and without it the database cache stays (the embedded default)."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from tillit.core import cache as tolerant
from tillit.core import ratelimit
from tillit.core.tests.test_settings import PRODUCTION, run_manage

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own, emptied around each test
PRINT_CACHE = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"


@pytest.fixture
def redis_cache():
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    ):
        yield client
    client.flushdb()


def test_redis_url_chooses_the_redis_cache_and_its_absence_the_database():
    with_redis = run_manage("shell", "--no-imports", "-c", PRINT_CACHE, env={**PRODUCTION, "REDIS_URL": REDIS_URL})
    without = run_manage("shell", "--no-imports", "-c", PRINT_CACHE, env=PRODUCTION)

    assert with_redis.stdout.strip() == "tillit.core.cache.TolerantRedisCache", with_redis.stderr
    assert without.stdout.strip() == "django.core.cache.backends.db.DatabaseCache", without.stderr


def test_rate_limits_count_in_redis_and_keep_no_address(redis_cache):
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")

    allowed = [ratelimit.allow(request, "test-scope", limit=3, seconds=60) for _attempt in range(5)]

    assert allowed == [True, True, True, False, False]
    keys = [key.decode() for key in redis_cache.keys("*")]
    assert any("ratelimit:test-scope" in key for key in keys)
    assert all("198.51.100.7" not in key for key in keys)
    assert cache.get("anything-else") is None


def test_a_redis_that_does_not_answer_is_a_cache_that_holds_nothing(caplog, monkeypatch):
    # Nothing listens on port 1: reads miss, writes are dropped, and rate limits let the request through.
    monkeypatch.setattr(tolerant, "_warned_at", -float(tolerant.WARN_EVERY_SECONDS))
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "tillit.core.cache.TolerantRedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
                "OPTIONS": {"socket_connect_timeout": 0.2},
            }
        }
    ):
        cache.set("key", "value")
        assert cache.get("key", "default") == "default"
        assert cache.add("key", 1) is False
        assert cache.get_many(["key"]) == {}
        with pytest.raises(ValueError, match="not found"):
            cache.incr("key")
        request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
        assert all(ratelimit.allow(request, "test-scope", limit=1, seconds=60) for _attempt in range(3))
    assert any("does not answer" in record.getMessage() for record in caplog.records)
