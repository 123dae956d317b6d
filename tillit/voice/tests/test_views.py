"""Brukarrösten from the outside: the public page without an account, and the process leader's pages."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from tillit.organisations.models import Unit
from tillit.voice import actions
from tillit.voice.models import ContactRequest, Suggestion

pytestmark = pytest.mark.django_db

FORM = {
    "helps": "Samma personal varje vecka.",
    "hinders": "",
    "theme": "",
    "respondent": "service_user",
    "extra_note": "",
}


def public(service, name: str = "") -> str:
    return f"/r/{service.code}/{name}"


def manage(organisation, path: str = "") -> str:
    return f"/o/{organisation.slug}/brukarrosten/{path}"


def test_the_public_page_needs_no_account_and_works_in_three_posts(client, service):
    page = client.get(public(service))
    assert page.status_code == 200
    assert "Vad gör skillnad för dig när du möter oss?" in page.content.decode()

    preview = client.post(public(service), {**FORM, "helps": "Ring mig på 070-123 45 67, samma personal tack."})
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "Kontrollera innan du skickar" in text
    assert "070-123 45 67" not in text.split("<form")[0]  # shown masked before sending
    assert "telefonnummer" in text  # and told what was removed and why
    assert "allmän handling" in text
    assert not Suggestion.objects.exists()

    sent = client.post(
        public(service), {**FORM, "helps": "Ring mig på 070-123 45 67, samma personal tack.", "step": "send"}
    )

    assert sent.status_code == 302
    assert sent["Location"] == public(service, "tack/")
    stored = Suggestion.objects.get()
    assert "070" not in stored.helps
    assert stored.review == Suggestion.Review.PENDING
    assert "Tack!" in client.get(sent["Location"]).content.decode()


def test_changing_before_sending_keeps_what_was_written(client, service):
    response = client.post(public(service), {**FORM, "helps": "Mer tid hos mig.", "step": "edit"})

    assert response.status_code == 200
    assert "Mer tid hos mig." in response.content.decode()
    assert not Suggestion.objects.exists()


def test_an_answer_wanted_needs_contact_details_which_are_stored_apart(client, service):
    missing = client.post(public(service), {**FORM, "wants_answer": "on", "step": "send"})
    assert missing.status_code == 422
    assert "Skriv hur vi når dig" in missing.content.decode()

    client.post(public(service), {**FORM, "wants_answer": "on", "contact": "anna@example.se", "step": "send"})

    assert ContactRequest.objects.get().contact == "anna@example.se"


def test_contact_details_without_the_tick_are_not_stored(client, service):
    client.post(public(service), {**FORM, "contact": "anna@example.se", "step": "send"})

    assert Suggestion.objects.count() == 1
    assert not ContactRequest.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [{"helps": ""}, {"helps": "x" * 2001}, {"respondent": "admin"}, {"theme": "<script>"}, {"helps": "\x00"}],
)
def test_bad_input_gets_a_message_in_the_page_and_stores_nothing(client, service, changes):
    response = client.post(public(service), {**FORM, **changes, "step": "send"})

    assert response.status_code == 422
    assert "Kontrollera det du har fyllt i" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_filled_honeypot_is_thanked_and_nothing_is_stored(client, service):
    response = client.post(public(service), {**FORM, "extra_note": "http://spam.example", "step": "send"})

    assert response.status_code == 302
    assert not Suggestion.objects.exists()


def test_the_honeypot_is_not_shown_or_reachable(client, service):
    text = client.get(public(service)).content.decode()

    assert 'class="honeypot"' in text
    assert 'tabindex="-1"' in text


@override_settings(VOICE_SUGGESTIONS_PER_ADDRESS_PER_HOUR=2)
def test_many_suggestions_from_one_address_are_limited_without_storing_it(client, service):
    cache.clear()
    responses = [client.post(public(service), {**FORM, "step": "send"}) for _ in range(3)]

    assert [response.status_code for response in responses] == [302, 302, 429]
    assert Suggestion.objects.count() == 2
    assert "Samma personal varje vecka." in responses[2].content.decode()  # the text is not lost


def test_a_closed_page_answers_with_a_friendly_page(client, service):
    actions.set_page_open(page=service, is_open=False)

    response = client.get(public(service))

    assert response.status_code == 410
    assert "tar inte längre emot synpunkter" in response.content.decode()
    assert client.post(public(service), {**FORM, "step": "send"}).status_code == 410
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("code", ["zzzzzz", "ABC%20", "x" * 40, "<script>"])
def test_an_unknown_code_answers_with_a_way_on(client, service, code):
    response = client.get(f"/r/{code}/")

    assert response.status_code == 404
    assert "Kontrollera adressen på affischen" in response.content.decode()


@override_settings(VOICE_CODE_MISSES_PER_ADDRESS_PER_HOUR=3)
def test_guessing_codes_is_limited_and_the_thanks_page_confirms_no_code(client, service):
    cache.clear()
    misses = [client.get(f"/r/zzzzz{letter}/").status_code for letter in "abc"]

    assert misses == [404, 404, 404]
    assert client.get(public(service)).status_code == 429  # even a right code, once guessing has been seen
    thanks = client.get("/r/zzzzzz/tack/")
    assert thanks.status_code == 200
    assert service.name not in thanks.content.decode()


def test_a_text_that_masking_makes_too_long_is_refused_before_the_preview(client, service):
    numbers = " ".join(["070-123 45 67"] * 150)  # 2,000 characters or fewer, longer once each number is replaced

    response = client.post(public(service), {**FORM, "helps": numbers[:2000]})

    assert response.status_code == 422
    assert "högst 2000 tecken" in response.content.decode()


def test_labels_that_are_questions_have_no_colon(client, service):
    text = client.get(public(service)).content.decode()

    assert "?:" not in text
    assert "):" not in text


def test_a_code_typed_in_capitals_finds_the_page(client, service):
    assert client.get(f"/r/{service.code.upper()}/").status_code == 200


@pytest.mark.parametrize(
    ("role", "status"), [("facilitator", 200), ("org_admin", 200), ("employee", 403), ("outsider", 404)]
)
def test_who_may_manage(client, organisation, service, request, role, status):
    client.force_login(request.getfixturevalue(role))

    for path in ("", "sidor/", f"sidor/{service.public_id}/inmatning/"):
        assert client.get(manage(organisation, path)).status_code == status


def test_a_visitor_is_sent_to_sign_in(client, organisation, service):
    response = client.get(manage(organisation))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_process_leader_opens_a_page_for_a_unit(client, organisation, facilitator, home_unit):
    client.force_login(facilitator)

    response = client.post(manage(organisation, "sidor/"), {"unit": str(home_unit.public_id), "name": "Hemtjänst Norr"})

    assert response.status_code == 302
    page = client.get(manage(organisation, "sidor/")).content.decode()
    assert "Hemtjänst Norr" in page
    assert "/r/" in page
    again = client.post(manage(organisation, "sidor/"), {"unit": str(home_unit.public_id), "name": "Igen"})
    assert again.status_code == 422


def test_staff_enter_a_suggestion_received_by_phone(client, organisation, facilitator, service):
    client.force_login(facilitator)

    response = client.post(
        manage(organisation, f"sidor/{service.public_id}/inmatning/"),
        {**FORM, "helps": "Sa i telefon: mer tid för samtal.", "respondent": "relative", "channel": "phone"},
    )

    stored = Suggestion.objects.get()
    assert response.status_code == 302
    assert stored.channel == Suggestion.Channel.PHONE
    assert stored.respondent == "relative"
    web = client.post(manage(organisation, f"sidor/{service.public_id}/inmatning/"), {**FORM, "channel": "web"})
    assert web.status_code == 422  # staff enter what did not come through the web page


def test_the_review_of_a_suggestion(client, organisation, facilitator, service):
    suggestion = actions.submit(page=service, helps="Mer promenader.", respondent="service_user", contact="070-7654321")
    client.force_login(facilitator)
    url = manage(organisation, f"forslag/{suggestion.public_id}/")
    assert "070-7654321" in client.get(url).content.decode()  # the leader sees how to reach the person

    client.post(url, {"decision": "publish"})
    client.post(url, {"decision": "theme", "theme": "activities"})
    refused = client.post(url, {"decision": "status", "status": "not_possible", "reason": ""})
    client.post(url, {"decision": "answer", "answer": "Vi går ut varje dag från mars."})

    suggestion.refresh_from_db()
    assert refused.status_code == 422
    assert "Skriv varför" in refused.content.decode()
    assert refused.content.decode().count('id="id_reason"') == 1  # the error summary, not a second copy of the form
    assert suggestion.review == Suggestion.Review.PUBLISHED
    assert suggestion.theme == "activities"
    assert suggestion.status == Suggestion.Status.RECEIVED
    assert suggestion.answer == "Vi går ut varje dag från mars."
    assert not ContactRequest.objects.exists()
    assert client.post(url, {"decision": "delete"}).status_code == 422


def test_the_list_waits_for_review_first_and_is_paginated(client, organisation, facilitator, service):
    for number in range(30):
        actions.submit(page=service, helps=f"Synpunkt {number}.", respondent="service_user")
    actions.review(suggestion=Suggestion.objects.first(), publish=True)
    client.force_login(facilitator)

    first = client.get(manage(organisation)).content.decode()
    second = client.get(manage(organisation) + "?review=pending&page=2").content.decode()
    published = client.get(manage(organisation) + "?review=published").content.decode()

    assert first.count("forslag/") == 25
    assert second.count("forslag/") == 4
    assert published.count("forslag/") == 1
    assert client.get(manage(organisation) + "?review=<x>&page=abc").status_code == 200


def test_the_list_costs_the_same_queries_for_3_and_30_suggestions(client, organisation, facilitator, service):
    client.force_login(facilitator)
    counts = []
    for total in (3, 25):
        while Suggestion.objects.count() < total:
            actions.submit(page=service, helps="Samma personal.", respondent="service_user", contact="070-1234567")
        client.get(manage(organisation))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(manage(organisation)).status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1], counts


def test_the_start_page_tells_process_leaders_what_waits_for_review_and_nobody_else(
    client, organisation, facilitator, employee, service
):
    start = f"/o/{organisation.slug}/"
    client.force_login(facilitator)
    assert "väntar på granskning" not in client.get(start).content.decode()

    actions.submit(page=service, helps="Samma personal.", respondent="service_user")
    actions.submit(page=service, helps="Mer tid.", respondent="relative")

    assert "2 synpunkter väntar på granskning." in client.get(start).content.decode()
    client.force_login(employee)
    assert "väntar på granskning" not in client.get(start).content.decode()


def test_you_said_we_did_shows_published_suggestions_by_theme_once_there_are_k(client, organisation, service):
    url = public(service, "vi-gjorde/")
    made = [
        actions.submit(page=service, helps=f"Synpunkt nummer {n}.", respondent="relative", theme="continuity")
        for n in range(organisation.anonymity_threshold)
    ]
    hidden = actions.submit(page=service, helps="Inte publicerad.", respondent="service_user")
    for suggestion in made[:-1]:
        actions.review(suggestion=suggestion, publish=True)

    before = client.get(url).content.decode()
    assert "Synpunkt nummer" not in before
    assert f"minst {organisation.anonymity_threshold} synpunkter" in before

    actions.review(suggestion=made[-1], publish=True)
    actions.set_status(suggestion=made[0], status="done")
    actions.answer(suggestion=made[0], text="Fasta team från januari.")
    after = client.get(url).content.decode()

    assert after.count("Synpunkt nummer") == organisation.anonymity_threshold
    assert "Kontinuitet" in after
    assert "Fasta team från januari." in after
    assert hidden.helps not in after
    assert "Jag är anhörig" not in after  # never who wrote it
    assert made[0].received_on.isoformat() not in after  # the month only


def test_within_a_month_the_published_suggestions_are_not_in_the_order_of_their_days(service):
    from tillit.voice import queries

    first = actions.submit(page=service, helps="Först.", respondent="relative")
    second = actions.submit(page=service, helps="Sedan.", respondent="relative")
    early, late = uuid.UUID(int=1), uuid.UUID(int=2**128 - 1)  # the later day gets the later id: the orders differ
    Suggestion.objects.filter(pk=first.pk).update(received_on=datetime.date(2026, 11, 2), public_id=early)
    Suggestion.objects.filter(pk=second.pk).update(received_on=datetime.date(2026, 11, 28), public_id=late)
    for suggestion in Suggestion.objects.all():
        actions.review(suggestion=suggestion, publish=True)

    listed = [suggestion.public_id for suggestion in queries.published_on(service)]

    assert listed == [early, late]


def test_reopening_the_page_of_a_closed_unit_is_refused_with_a_message(client, organisation, facilitator, service):
    actions.set_page_open(page=service, is_open=False)
    Unit.objects.filter(pk=service.unit_id).update(closed_at=timezone.now())
    client.force_login(facilitator)

    response = client.post(manage(organisation, f"sidor/{service.public_id}/oppen/"), {"open": "1"}, follow=True)

    assert response.status_code == 200
    assert "Enheten är stängd." in response.content.decode()
    service.refresh_from_db()
    assert not service.is_open
