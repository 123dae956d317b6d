"""Brukarrösten's writes: what is stored, what is refused (and then nothing changes)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tillit.organisations.models import Unit
from tillit.voice import actions
from tillit.voice.models import CODE_ALPHABET, CODE_LENGTH, ContactRequest, ServicePage, Suggestion

pytestmark = pytest.mark.django_db


def test_a_page_gets_a_short_code_easy_to_read_aloud(service):
    assert len(service.code) == CODE_LENGTH
    assert set(service.code) <= set(CODE_ALPHABET)
    assert not set(service.code) & set("0o1li")


def test_a_unit_gets_one_page_and_a_unit_of_another_organisation_none(organisation, other_organisation, service):
    with pytest.raises(ValidationError, match="redan en sida"):
        actions.open_page(organisation=organisation, unit=service.unit, name="Igen")
    foreign = Unit.objects.filter(organisation=other_organisation).first()
    with pytest.raises(ValidationError, match="hör inte till"):
        actions.open_page(organisation=organisation, unit=foreign, name="Intrång")
    assert ServicePage.objects.count() == 1


def test_personal_data_is_masked_before_storage_and_a_name_is_flagged(service):
    suggestion = actions.submit(
        page=service,
        helps="Ring mig på 070-123 45 67 eller skriv till anna.berg@example.se. Mitt nummer är 19121212-1212.",
        hinders="Personalen Fatima har för bråttom.",
        respondent=Suggestion.Respondent.RELATIVE,
    )
    suggestion.refresh_from_db()

    assert "070" not in suggestion.helps
    assert "anna.berg" not in suggestion.helps
    assert "1212" not in suggestion.helps
    assert suggestion.needs_care  # "Fatima"
    assert suggestion.review == Suggestion.Review.PENDING  # pre-moderation: nothing is public before review
    assert suggestion.channel == Suggestion.Channel.WEB


def test_contact_details_are_stored_apart_and_deleted_with_the_answer(service):
    suggestion = actions.submit(page=service, helps="Samma personal.", respondent="service_user", contact="070-1234567")
    assert ContactRequest.objects.get(suggestion=suggestion).contact == "070-1234567"

    actions.answer(suggestion=suggestion, text="Vi har infört fasta team från januari.")

    suggestion.refresh_from_db()
    assert suggestion.answer == "Vi har infört fasta team från januari."
    assert suggestion.answered_on is not None
    assert not ContactRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"helps": "   "}, "Skriv vad som gör skillnad"),
        ({"helps": "\x00\u202e\u200b"}, "Skriv vad som gör skillnad"),
        ({"helps": "x" * 2001}, "högst 2000 tecken"),
        ({"respondent": "hacker"}, "Välj vem som svarar"),
        ({"theme": "politik"}, "Välj ett tema"),
        ({"channel": "fax"}, "Välj hur synpunkten kom in"),
        ({"contact": "x" * 201}, "kontaktuppgifter"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(service, fields, message):
    values = {"helps": "Samma personal varje dag.", "respondent": "service_user", **fields}
    with pytest.raises(ValidationError, match=message):
        actions.submit(page=service, **values)
    assert not Suggestion.objects.exists()
    assert not ContactRequest.objects.exists()


def test_control_and_direction_override_characters_are_taken_out(service):
    suggestion = actions.submit(page=service, helps="Bra\u202e personal\x00 🙂 مرحبا", respondent="other")

    assert suggestion.helps == "Bra personal 🙂 مرحبا"


def test_a_closed_page_takes_no_suggestions_from_the_web_but_staff_can_enter_one(service):
    actions.set_page_open(page=service, is_open=False)
    with pytest.raises(ValidationError, match="tar inte längre emot"):
        actions.submit(page=service, helps="Hej", respondent="service_user")

    entered = actions.submit(page=service, helps="Sagt i telefon.", respondent="relative", channel="phone")

    assert entered.channel == Suggestion.Channel.PHONE


def test_not_possible_needs_a_reason_and_the_reason_is_masked(service):
    suggestion = actions.submit(page=service, helps="Hund på boendet.", respondent="service_user")
    with pytest.raises(ValidationError, match="varför"):
        actions.set_status(suggestion=suggestion, status=Suggestion.Status.NOT_POSSIBLE)
    assert Suggestion.objects.get().status == Suggestion.Status.RECEIVED

    actions.set_status(suggestion=suggestion, status="not_possible", reason="Allergier. Ring 070-123 45 67.")

    stored = Suggestion.objects.get()
    assert stored.status == Suggestion.Status.NOT_POSSIBLE
    assert "070" not in stored.reason


def test_review_and_theme(service):
    suggestion = actions.submit(page=service, helps="Mer promenader.", respondent="service_user")

    actions.review(suggestion=suggestion, publish=True)
    actions.set_theme(suggestion=suggestion, theme=Suggestion.Theme.ACTIVITIES)

    stored = Suggestion.objects.get()
    assert (stored.review, stored.theme) == (Suggestion.Review.PUBLISHED, Suggestion.Theme.ACTIVITIES)
    with pytest.raises(ValidationError):
        actions.set_theme(suggestion=suggestion, theme="nonsense")


def test_a_page_of_a_closed_unit_cannot_be_opened_again(service):
    actions.set_page_open(page=service, is_open=False)
    Unit.objects.filter(pk=service.unit_id).update(closed_at=timezone.now())
    service.unit.refresh_from_db()

    with pytest.raises(ValidationError, match="Enheten är stängd"):
        actions.set_page_open(page=service, is_open=True)
    assert not ServicePage.objects.get().is_open
