"""The demo's Brukarrösten: two service pages, suggestions in every state of review and status, one flagged."""

from __future__ import annotations

from tillit.voice.models import ContactRequest, ServicePage, Suggestion


def test_two_services_have_pages_and_suggestions_in_every_state(demo):
    pages = {page.name: page for page in ServicePage.objects.filter(organisation=demo)}
    suggestions = Suggestion.objects.filter(organisation=demo)

    assert set(pages) == {"Hemtjänst Norr", "Elevhälsan"}
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
