"""A published results page is served from its stored figures: rendered once per language from the suppressed
results, then only read (issue 14). What is stored is what the page showed when it was rendered afresh."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from tillit.workshops import actions, queries
from tillit.workshops.tests.conftest import rate_all, raters

pytestmark = pytest.mark.django_db


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def results_page(client, workshop, language: str = "sv") -> str:
    """The page, without its CSRF tokens (masked afresh on every response)."""
    address = reverse("workshops:results", kwargs={"workshop": workshop.public_id})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(address)
    assert response.status_code == 200
    return CSRF_TOKEN.sub("", response.content.decode())


@pytest.fixture
def published(workshop, chain, organisation, make_member):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 6))
    workshop.refresh_from_db()
    return workshop


def test_the_stored_page_is_the_page_rendered_afresh(client, published, facilitator):
    client.force_login(facilitator)
    cache.clear()
    fresh = results_page(client, published)

    with mock.patch.object(queries, "workshop_results", side_effect=AssertionError("computed again")):
        stored = results_page(client, published)

    assert stored == fresh
    assert "1,50" in stored  # the top activity's expected contribution: 3 / 4 × 2


def test_a_participant_reads_the_same_figures_without_the_decision_form(client, published, facilitator, employee):
    client.force_login(facilitator)
    leader_page = results_page(client, published)
    client.force_login(employee)

    page = results_page(client, published)

    assert "1,50" in page
    assert 'name="owner"' in leader_page
    assert 'name="owner"' not in page


def test_a_card_edited_after_publication_shows_at_once(client, published, chain, facilitator):
    client.force_login(facilitator)
    assert "Fasta team" in results_page(client, published)
    team = chain["team"]
    team.refresh_from_db()

    actions.edit_item(item=team, title="Fasta team i varje område", description="", version=team.version)
    published.refresh_from_db()

    assert "Fasta team i varje område" in results_page(client, published)


def test_the_figures_are_stored_per_language(client, published, facilitator):
    client.force_login(facilitator)
    swedish_page = results_page(client, published, "sv")

    english_page = results_page(client, published, "en")

    assert "1,50" in swedish_page
    assert "1.50" in english_page
    assert "Activities ranked by expected contribution" in english_page
