"""The results page keeps its figures and its empty decision form rendered (views.results), under the chain's
version: a change of the chain shows at once, and a participant never gets the process leaders' form."""

import pytest
from django.urls import reverse

from tillit.workshops import actions
from tillit.workshops.models import Workshop
from tillit.workshops.tests.conftest import rate_all, raters

pytestmark = pytest.mark.django_db


def results_url(workshop: Workshop) -> str:
    return reverse("workshops:results", kwargs={"workshop": workshop.public_id})


@pytest.fixture
def published(workshop, chain, organisation, make_member):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)
    workshop.refresh_from_db()
    return workshop


def test_an_edited_card_is_named_anew_in_the_stored_decision_form(client, published, chain, facilitator):
    client.force_login(facilitator)
    assert "Fasta team → Jag känner mig trygg" in client.get(results_url(published)).content.decode()
    team = chain["team"]
    team.refresh_from_db()

    actions.edit_item(item=team, title="Fasta team i hemtjänsten", description="", version=team.version)
    html = client.get(results_url(published)).content.decode()

    assert "Fasta team i hemtjänsten → Jag känner mig trygg" in html
    assert "Fasta team → Jag känner mig trygg" not in html


def test_a_participant_gets_no_decision_form_after_a_leader_read_the_page(client, published, facilitator, employee):
    client.force_login(facilitator)
    assert 'name="link"' in client.get(results_url(published)).content.decode()

    client.force_login(employee)
    html = client.get(results_url(published)).content.decode()

    assert 'name="link"' not in html
    assert "Fasta team" in html  # the figures are the same for both


def test_a_refused_decision_shows_the_form_as_posted(client, published, chain, facilitator):
    client.force_login(facilitator)
    client.get(results_url(published))

    response = client.post(
        results_url(published),
        {"link": f"{chain['team'].public_id}:{chain['safe'].public_id}", "owner": "Enhetschef", "due_on": "x"},
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert 'value="Enhetschef"' in html
    assert "error-summary" in html
    assert not published.decisions.exists()


def test_a_recorded_decision_is_on_the_stored_page_at_once_and_its_message_shown_once(
    client, published, chain, facilitator, employee
):
    client.force_login(employee)
    assert "Enhetschefen i Norr" not in client.get(results_url(published)).content.decode()
    client.force_login(facilitator)
    client.get(results_url(published))

    posted = client.post(
        results_url(published),
        {
            "link": f"{chain['team'].public_id}:{chain['safe'].public_id}",
            "owner": "Enhetschefen i Norr",
            "follow_up": "Vid arbetsplatsträffen",
            "due_on": "2027-03-01",
        },
        follow=True,
    )
    again = client.get(results_url(published)).content.decode()
    client.force_login(employee)
    for_employee = client.get(results_url(published)).content.decode()

    assert "Beslutet har registrerats" in posted.content.decode()
    assert "Enhetschefen i Norr" in again
    assert "Beslutet har registrerats" not in again
    assert "Enhetschefen i Norr" in for_employee
