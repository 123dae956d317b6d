"""The start page's "Ongoing work" with something going on: readable, accessible, and it leads on."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tillit.workshops import actions

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_member_finds_their_workshop_on_the_start_page_and_goes_on_from_there(
    page, sign_in, assert_accessible, outside_requests, organisation, facilitator, employee
):
    today = timezone.localdate()
    workshop = actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title="Trygg hemtjänst",
        purpose="Äldre i hemtjänsten ska känna sig trygga hemma.",
        service_user_group="Äldre med hemtjänst",
        units=[],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
    )
    actions.add_members(workshop=workshop, memberships=[employee.memberships.get()])

    sign_in(page, employee.email)
    work = page.get_by_role("region", name="Pågående arbete")
    expect(work).to_contain_text("Trygg hemtjänst")
    assert_accessible(page)

    work.get_by_role("link", name=re.compile("Trygg hemtjänst")).click()
    expect(page.get_by_role("heading", level=1, name="Trygg hemtjänst")).to_be_visible()
    assert outside_requests == []
