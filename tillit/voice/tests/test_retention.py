"""Brukarrösten's retention of texts (per organisation), public texts from staff checked for names, and a page
closed with its unit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tillit.core.models import DataProtectionEvent
from tillit.organisations import actions as organisation_actions
from tillit.voice import actions, overview, queries, tasks
from tillit.voice.models import ContactRequest, Suggestion, VoiceSettings

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 4)


def received(service, day: datetime.date, **fields) -> Suggestion:
    suggestion = actions.submit(page=service, helps="Samma personal varje vecka.", respondent="relative", **fields)
    Suggestion.objects.filter(pk=suggestion.pk).update(received_on=day)
    return suggestion


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 12, 31)), st.integers(0, 240))
def test_months_before_keeps_the_day_or_the_months_last(day, months):
    earlier = overview.months_before(day, months)

    assert (day.year * 12 + day.month) - (earlier.year * 12 + earlier.month) == months
    assert earlier.day == day.day or (earlier.day < day.day and (earlier + datetime.timedelta(days=1)).day == 1)


def test_texts_past_the_organisations_months_are_deleted_and_the_counts_stay(organisation, service):
    actions.set_retention(organisation=organisation, months=6)
    old = received(service, datetime.date(2026, 6, 3), theme="safety", contact="070-1234567")
    actions.set_status(suggestion=old, status="done")
    kept = received(service, datetime.date(2026, 6, 4), theme="safety", contact="anna@example.org")

    removed = actions.remove_texts_past_retention(today=TODAY)

    old.refresh_from_db()
    kept.refresh_from_db()
    assert removed == 1
    assert (old.helps, old.hinders, old.text_removed_on) == ("", "", TODAY)
    assert (old.theme, old.status, old.page_id) == ("safety", "done", service.pk)  # counted as before
    assert kept.helps == "Samma personal varje vecka."
    assert not ContactRequest.objects.filter(suggestion=old).exists()  # at retention, whichever comes first
    assert ContactRequest.objects.filter(suggestion=kept).exists()
    assert actions.remove_texts_past_retention(today=TODAY) == 0  # once


def test_an_organisation_without_a_choice_keeps_texts_for_the_default(organisation, service):
    months = VoiceSettings.DEFAULT_RETENTION_MONTHS
    inside = received(service, overview.months_before(TODAY, months))
    outside = received(service, overview.months_before(TODAY, months) - datetime.timedelta(days=1))

    actions.remove_texts_past_retention(today=TODAY)

    assert Suggestion.objects.get(pk=inside.pk).text_removed_on is None
    assert Suggestion.objects.get(pk=outside.pk).text_removed_on == TODAY
    assert queries.retention_months(organisation) == months


def test_each_organisation_keeps_its_own_months(organisation, service, other_organisation):
    other_unit = other_organisation.units.first()
    other_page = actions.open_page(organisation=other_organisation, unit=other_unit, name="Biblioteket")
    actions.set_retention(organisation=organisation, months=1)
    ours = received(service, datetime.date(2026, 9, 1))
    theirs = received(other_page, datetime.date(2026, 9, 1))

    actions.remove_texts_past_retention(today=TODAY)

    assert Suggestion.objects.get(pk=ours.pk).text_removed_on == TODAY
    assert Suggestion.objects.get(pk=theirs.pk).text_removed_on is None


def test_the_daily_task_records_counts_only(organisation, service, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 4, 11, tzinfo=datetime.UTC))
    actions.set_retention(organisation=organisation, months=1)
    received(service, datetime.date(2026, 10, 1))

    assert tasks.remove_texts_past_retention.call() == 1

    event = DataProtectionEvent.objects.get()
    assert event.counts == {"voice_texts": 1}


def test_a_removed_text_leaves_the_public_page(organisation, service):
    suggestion = received(service, datetime.date(2020, 1, 1))
    actions.review(suggestion=suggestion, publish=True)
    assert list(queries.published_on(service)) == [suggestion]

    actions.remove_texts_past_retention(today=TODAY)

    assert list(queries.published_on(service)) == []


@pytest.mark.parametrize("months", [0, -3, 121, "tolv", "", None])
def test_retention_outside_1_to_120_months_is_refused(organisation, months):
    with pytest.raises(ValidationError):
        actions.set_retention(organisation=organisation, months=months)
    assert not VoiceSettings.objects.exists()


def test_a_process_leader_sets_the_months(client, organisation, facilitator, service):
    client.force_login(facilitator)
    url = f"/o/{organisation.slug}/brukarrosten/gallring/"

    unconfirmed = client.post(url, {"months": "12"})  # shorter than the default 24: asked first
    assert unconfirmed.status_code == 422
    assert "går inte att få tillbaka" in unconfirmed.content.decode()
    assert not VoiceSettings.objects.exists()
    saved = client.post(url, {"months": "12", "shorter_confirmed": "on"})
    assert saved.status_code == 302
    assert queries.retention_months(organisation) == 12
    refused = client.post(url, {"months": "9999"})
    longer = client.post(url, {"months": "36"})  # longer: nothing is lost, nothing asked

    assert refused.status_code == 422
    assert "från 1 till 120" in refused.content.decode()
    assert longer.status_code == 302
    assert queries.retention_months(organisation) == 36
    assert 'value="36"' in client.get(f"/o/{organisation.slug}/brukarrosten/sidor/").content.decode()


@pytest.mark.parametrize(("role", "status"), [("employee", 403), ("outsider", 404)])
def test_only_process_leaders_set_the_months(client, organisation, request, role, status):
    client.force_login(request.getfixturevalue(role))

    assert client.post(f"/o/{organisation.slug}/brukarrosten/gallring/", {"months": "1"}).status_code == status
    assert not VoiceSettings.objects.exists()


def test_the_review_page_says_when_the_texts_were_deleted(client, organisation, facilitator, service):
    suggestion = received(service, datetime.date(2020, 1, 1))
    actions.remove_texts_past_retention(today=TODAY)
    client.force_login(facilitator)

    page = client.get(f"/o/{organisation.slug}/brukarrosten/forslag/{suggestion.public_id}/").content.decode()

    assert "Texterna raderades" in page


def test_an_answer_that_seems_to_name_someone_needs_a_check(organisation, service):
    suggestion = received(service, TODAY)

    with pytest.raises(ValidationError, match="Karin"):
        actions.answer(suggestion=suggestion, text="Karin Lind på Storgatan 12 ringer dig.")
    with pytest.raises(ValidationError):
        actions.set_status(suggestion=suggestion, status="not_possible", reason="Karin Lind har slutat.")
    suggestion.refresh_from_db()
    assert (suggestion.answer, suggestion.status) == ("", "received")

    actions.answer(suggestion=suggestion, text="Karin Lind, vår enhetschef, svarar gärna.", names_checked=True)
    assert Suggestion.objects.get(pk=suggestion.pk).answer.startswith("Karin Lind")


def test_the_review_page_asks_for_the_check(client, organisation, facilitator, service):
    suggestion = received(service, TODAY)
    client.force_login(facilitator)
    url = f"/o/{organisation.slug}/brukarrosten/forslag/{suggestion.public_id}/"

    refused = client.post(url, {"decision": "answer", "answer": "Karin Lind ringer dig."})
    saved = client.post(url, {"decision": "answer", "answer": "Karin Lind ringer dig.", "names_checked": "on"})

    assert refused.status_code == 422
    assert "«Karin" in refused.content.decode()
    assert saved.status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).answer == "Karin Lind ringer dig."


def test_closing_the_unit_closes_its_page(client, organisation, service, facilitator):
    organisation_actions.close_unit(unit=service.unit, actor=facilitator)

    response = client.get(f"/r/{service.code}/")

    assert response.status_code == 410
    with pytest.raises(ValidationError):
        actions.submit(page=queries.page_by_code(service.code), helps="Hej", respondent="relative")
    entered = actions.submit(page=service, helps="Från ett möte.", respondent="relative", channel="meeting")
    assert entered.channel == "meeting"  # staff can still enter what was said before the unit closed
