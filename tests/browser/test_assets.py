"""The stylesheet and scripts load: without them the other journeys would scan an unstyled page."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_stylesheet_and_scripts_are_served(page, base_url, outside_requests):
    failed = []
    page.on(
        "response",
        lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )

    page.goto(f"{base_url}/accounts/login/")
    page.wait_for_load_state("load")

    assert not [line for line in failed if "/static/" in line], (
        "Static files are not served; is tillit/static on STATICFILES_DIRS?\n" + "\n".join(failed)
    )
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") != "none"
    assert outside_requests == []
