"""Every URL pattern that answers GET, at a phone's width and a laptop's, scanned by axe-core as the weakest role that
may open it: no serious or critical violation anywhere.

The pages and their objects come from the URL isolation walk (`ACCESS`, `build_world`): a workshop, a dialogue and a
closed barometer round in Norrby, and the people to open them. A new URL pattern is in `ACCESS` (its test says so), so
it is scanned here too. What axe cannot judge (reading order, wording, sense of the charts' tables) is in the
accessibility statement (`/accessibility/`).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD
from tests.test_url_isolation import (
    ACCESS,
    ADMIN,
    FACILITATOR,
    MEMBER,
    OBJECT_IN,
    PUBLIC,
    SIGNED_IN,
    build_world,
    kwargs_for,
    named_patterns,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (375, 1280)
# Who opens a page that needs a role: the weakest role that may.
OPENED_BY = {SIGNED_IN: "employee", MEMBER: "employee", FACILITATOR: "facilitator", ADMIN: "org_admin"}
# Addresses that are not pages: the load balancer's and the benchmark's plain answers, the language switch
# and signing out, and a live meeting's state that polling phones read as JSON. Downloads are left out by their suffix.
NOT_PAGES = {"health", "ready", "metrics", "bare", "set_language", "accounts:logout", "live:phone_state"}
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".pdf", ".png")


def opened_by_a_link_only(name: str) -> bool:
    """Pages whose address holds a secret (a token, a link's key): the journeys that send those links scan them."""
    pattern = dict(named_patterns())[name]
    return any(argument not in OBJECT_IN for argument in pattern.pattern.regex.groupindex)


def pages() -> list[tuple[str, str]]:
    """(URL name, who opens it) for every GET page."""
    found = []
    for name, access in sorted(ACCESS.items()):
        if "GET" not in access.methods or name in NOT_PAGES or opened_by_a_link_only(name):
            continue
        found.append((name, "" if access.needs == PUBLIC else OPENED_BY[access.needs]))
    return found


def sign_in(page, base_url: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def test_every_page_passes_axe_at_a_phones_and_a_laptops_width(page, base_url, axe):
    world = build_world()
    failures: list[str] = []
    scanned = 0
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        signed_in_as = None
        for name, role in pages():
            url = reverse(name, kwargs=kwargs_for(name, world.organisation))
            if url.endswith(DOWNLOAD_SUFFIXES):
                continue
            if role != signed_in_as:
                if role:
                    sign_in(page, base_url, world.people[role].email)
                else:
                    page.context.clear_cookies()
                signed_in_as = role
            response = page.goto(f"{base_url}{url}")
            if response is None or response.status >= 500:
                failures.append(f"{width} px {name} ({url}): status {response.status if response else 'none'}")
                continue
            results = axe.run(page)
            blocking = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
            failures += [f"{width} px {name} ({url}): {v['id']} – {v['help']}" for v in blocking]
            scanned += 1
    assert scanned >= 2 * 40, f"only {scanned} pages were scanned"
    assert failures == [], "\n".join(failures)
