"""The demo's Brukarrösten: four service pages, suggestions in every state of review and status, one flagged."""

from __future__ import annotations

from tillit.voice.models import ContactRequest, ServicePage, Suggestion


def test_four_services_have_pages_and_about_eighty_suggestions_in_every_state(demo):
    pages = {page.name: page for page in ServicePage.objects.filter(organisation=demo)}
    suggestions = Suggestion.objects.filter(organisation=demo)

    assert set(pages) == {"Hemtjänst Norr", "Hemtjänst Söder", "Särskilt boende Lindgården", "Elevhälsan"}
    assert 75 <= suggestions.count() <= 90
    assert {s.language for s in suggestions} == {"sv", "en", "fi", "ar"}
    assert {s.review for s in suggestions} == set(Suggestion.Review.values)
    assert {s.status for s in suggestions} == set(Suggestion.Status.values)
    assert {s.channel for s in suggestions} == set(Suggestion.Channel.values)
    assert suggestions.filter(needs_care=True).count() >= 1  # "Karin på förmiddagen …"
    assert suggestions.filter(answer__gt="").count() >= 3
    assert ContactRequest.objects.filter(suggestion__organisation=demo).count() == 1


def test_the_public_pages_answer_without_an_account(client, demo):
    for page in ServicePage.objects.filter(organisation=demo):
        response = client.get(f"/r/{page.code}/")
        assert response.status_code == 200
        assert page.name in response.content.decode()


def test_the_planted_personal_data_is_masked_before_storage(demo):
    texts = " ".join(Suggestion.objects.filter(organisation=demo).values_list("helps", flat=True))

    for planted in ("070-123 45 67", "anna.berg@example.org", "19460523-1234", "08-123 456 78", "0701234567"):
        assert planted not in texts
    assert texts.count("[") >= 5  # each replaced by a placeholder


def test_several_answered_suggestions_are_on_the_public_pages(client, demo):
    for name in ("Hemtjänst Söder", "Särskilt boende Lindgården", "Elevhälsan"):
        page = ServicePage.objects.get(organisation=demo, name=name)
        shown = client.get(f"/r/{page.code}/vi-gjorde/").content.decode()
        answered = Suggestion.objects.filter(page=page, review="published").exclude(answer="").first()
        assert answered.answer in shown
