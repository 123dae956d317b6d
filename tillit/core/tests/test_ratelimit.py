import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from tillit.core.http import client_address
from tillit.core.ratelimit import allow, allow_in_all


def test_the_address_is_the_direct_peer_without_a_proxy():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="192.0.2.1")
    assert client_address(request) == "192.0.2.1"


@override_settings(AXES_IPWARE_PROXY_COUNT=1, AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"))
def test_behind_a_proxy_the_forwarded_address_counts():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1", REMOTE_ADDR="10.0.0.2")
    assert client_address(request) == "203.0.113.9"


def test_each_address_has_its_own_count():
    first = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    second = RequestFactory().post("/", REMOTE_ADDR="192.0.2.2")
    assert [allow(first, "test", limit=2, seconds=3600) for _attempt in range(3)] == [True, True, False]
    assert allow(second, "test", limit=2, seconds=3600)


def test_a_limit_for_all_is_shared_by_every_address_and_scope_apart():
    assert [allow_in_all("reminder:one", limit=2, seconds=3600) for _attempt in range(3)] == [True, True, False]
    assert allow_in_all("reminder:two", limit=2, seconds=3600)


def test_an_ipv6_network_counts_as_one_sender():
    addresses = [f"2001:db8:1:2::{suffix:x}" for suffix in range(1, 4)]
    answers = [
        allow(RequestFactory().post("/", REMOTE_ADDR=address), "v6", limit=2, seconds=3600) for address in addresses
    ]

    assert answers == [True, True, False]
    assert allow(RequestFactory().post("/", REMOTE_ADDR="2001:db8:1:3::1"), "v6", limit=2, seconds=3600)


DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tillit_cache"}}


@pytest.mark.django_db
@override_settings(CACHES=DATABASE_CACHE)
def test_with_the_database_cache_a_counter_lives_as_long_as_its_window():
    """Django's database cache saves a counter again with the default five minutes when it is increased."""
    call_command("createcachetable", verbosity=0)  # the test settings keep the cache in memory
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    with time_machine.travel(datetime.datetime(2026, 12, 4, 10, 0, 5, tzinfo=datetime.UTC), tick=False) as clock:
        assert [allow(request, "slow", limit=2, seconds=3600) for _attempt in range(3)] == [True, True, False]
        clock.shift(datetime.timedelta(minutes=10))

        assert not allow(request, "slow", limit=2, seconds=3600)


def test_what_the_cache_holds_does_not_tell_an_address_without_the_secret_key():
    """Someone reading the shared cache (the salt and the counters) cannot test addresses against its keys."""
    import hashlib
    import hmac
    import time

    from django.core.cache import cache

    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.44")
    with time_machine.travel(datetime.datetime(2026, 12, 4, 10, 0, 5, tzinfo=datetime.UTC), tick=False):
        allow(request, "secret", limit=5, seconds=3600)
        window = int(time.time() // 3600)
        salt = cache.get(f"ratelimit-salt:3600:{window}").encode()
        guessed = hmac.new(salt, b"192.0.2.44", hashlib.sha256).hexdigest()[:32]

        assert cache.get(f"ratelimit:secret:{window}:{guessed}") is None
        with override_settings(SECRET_KEY="another-secret-key-for-the-test-only-0123456789"):
            assert allow(request, "secret", limit=1, seconds=3600)  # another key: another counter
