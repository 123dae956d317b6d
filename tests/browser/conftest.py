"""Browser tests: Debian's Chromium driven by Playwright, with an axe-core scan on every page and state.

Playwright's sync API runs an event loop in this thread, and Django refuses ORM
calls from a thread with a running loop (microsoft/playwright-pytest#29), so
DJANGO_ALLOW_ASYNC_UNSAFE is set for these tests only.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from conftest import PASSWORD, actor_group
from tillit.accounts.models import User
from tillit.organisations import actions
from tillit.organisations.models import ActorGroup, Membership, Organisation

CHROMIUM = "/usr/bin/chromium"
BLOCKING_IMPACTS = {"serious", "critical"}

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install Debian's chromium package (make prerequisites).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """An English-language browser on purpose: the interface must still be Swedish until the person
    chooses English with the language button (the browser's Accept-Language is ignored)."""
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/Stockholm"}


@pytest.fixture(autouse=True)
def _fail_fast(page: Page) -> None:
    """Ten seconds is plenty for a local server; Playwright's 30 s default only slows down a failing run."""
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def base_url(live_server) -> str:  # type: ignore[no-untyped-def]
    return live_server.url


@pytest.fixture
def outside_requests(page: Page, base_url: str) -> list[str]:
    """Every request the page makes to a host other than the app (must stay empty)."""
    seen: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(base_url) else seen.append(request.url))
    return seen


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


AssertAccessible = Callable[[Page], None]


@pytest.fixture
def assert_accessible(axe: Axe) -> AssertAccessible:
    """Scan the page as it is now; fail on any serious or critical axe-core violation."""

    def check(page: Page) -> None:
        results = axe.run(page)
        blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        assert not blocking, f"axe-core found on {page.url}:\n" + results.generate_report()

    return check


@pytest.fixture
def sign_in(base_url: str) -> Callable[[Page, str], None]:
    def sign_in_as(page: Page, email: str) -> None:
        page.goto(f"{base_url}/accounts/login/")
        page.get_by_label("E-postadress").fill(email)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_load_state()

    return sign_in_as


@pytest.fixture
def admin_in_two_organisations(org_admin: User, other_organisation: Organisation) -> User:
    """The Norrby administrator also takes part in Söderby, with the same account."""
    actions.add_person(
        organisation=other_organisation,
        details=actions.PersonDetails(
            full_name=org_admin.full_name,
            email=org_admin.email,
            unit=None,
            actor_group=actor_group(other_organisation, ActorGroup.Key.EMPLOYEE),
            level=None,
            role=Membership.Role.PARTICIPANT,
        ),
        by_operator=True,
    )
    return org_admin
