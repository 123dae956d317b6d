"""Contact details left with a suggestion: exported and erased on request by the person's address, and deleted after
`RETENTION_DAYS_VOICE_CONTACTS` when never answered. The suggestion stays and names nobody."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from tillit.core import personal_data
from tillit.voice import actions
from tillit.voice.models import ContactRequest, Suggestion

pytestmark = pytest.mark.django_db


def test_a_persons_contact_details_are_exported_and_erased_by_their_address(service, employee):
    mine = actions.submit(page=service, helps="Samma personal.", respondent="relative", contact=employee.email.upper())
    actions.submit(page=service, helps="Mer tid.", respondent="relative", contact="someone.else@example.se")

    exported = {share.name: share.export(employee) for share in personal_data.shares()}["voice"]
    erased = {share.name: share.erase for share in personal_data.shares()}["voice"](employee)

    assert exported["contact_details_left_for_an_answer"] == [
        {
            "service": "Hemtjänst Norr",
            "received": mine.received_on.isoformat(),
            "what_makes_a_difference": "Samma personal.",
            "what_gets_in_the_way": "",
            "contact": employee.email.upper(),
        }
    ]
    assert erased == {"voice_contact_details": 1}
    assert list(ContactRequest.objects.values_list("contact", flat=True)) == ["someone.else@example.se"]
    assert Suggestion.objects.count() == 2


@override_settings(RETENTION_DAYS={**settings.RETENTION_DAYS, "voice_contacts": 180})
def test_contact_details_never_answered_go_after_their_retention_and_not_before(service):
    old = actions.submit(page=service, helps="Samma personal.", respondent="relative", contact="070-1234567")
    new = actions.submit(page=service, helps="Mer tid.", respondent="relative", contact="070-7654321")
    today = timezone.localdate()
    Suggestion.objects.filter(pk=old.pk).update(received_on=today - datetime.timedelta(days=181))
    Suggestion.objects.filter(pk=new.pk).update(received_on=today - datetime.timedelta(days=179))

    assert personal_data.apply_retention(dry_run=True)["voice_contacts"] == 1
    personal_data.apply_retention()

    assert list(ContactRequest.objects.values_list("suggestion", flat=True)) == [new.pk]
    assert Suggestion.objects.count() == 2
