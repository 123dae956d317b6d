"""Linking one card to several cards one step up the chain at once, and staying at the card afterwards."""

from __future__ import annotations

import pytest

from tillit.workshops import actions, queries
from tillit.workshops.models import ContributionRating, Item, Link
from tillit.workshops.tests.conftest import participant_of
from tillit.workshops.tests.outside import swedish

pytestmark = pytest.mark.django_db


def test_a_card_serves_exactly_the_ticked_cards_after_one_save(chain):
    team, safe, known = chain["team"], chain["safe"], chain["known"]  # the team serves both effects

    fewer = actions.set_links(source=team, targets=[known])
    more = actions.set_links(source=team, targets=[safe, known])
    again = actions.set_links(source=team, targets=[known, safe])

    assert (fewer.added, fewer.removed) == (0, 1)
    assert (more.added, more.removed) == (1, 0)
    assert (again.added, again.removed) == (0, 0)
    assert set(queries.linked_targets(team)) == {safe, known}


def test_removing_a_link_removes_its_contribution_ratings(workshop, chain, facilitator):
    activity, effect = chain["team"], chain["safe"]
    actions.set_links(source=activity, targets=[effect])
    ContributionRating.objects.create(
        participant=participant_of(workshop, facilitator), activity=activity, effect=effect, value=2
    )

    actions.set_links(source=activity, targets=[])

    assert not Link.objects.filter(source=activity, target=effect).exists()
    assert not ContributionRating.objects.filter(activity=activity, effect=effect).exists()


def test_a_card_cannot_serve_a_card_of_the_wrong_kind(workshop, chain):
    goal = Item.objects.filter(workshop=workshop, kind=Item.Kind.GOAL).first()
    before = set(Link.objects.values_list("pk", flat=True))

    with pytest.raises(actions.WorkshopError):
        actions.set_links(source=chain["team"], targets=[goal])

    assert set(Link.objects.values_list("pk", flat=True)) == before


def test_the_leader_saves_the_links_and_returns_to_the_card(client, workshop, chain, facilitator):
    activity = chain["team"]
    effects = list(Item.objects.filter(workshop=workshop, kind=Item.Kind.EFFECT, merged_into__isnull=True))
    client.force_login(facilitator)
    url = f"/w/{workshop.public_id}/cards/{activity.public_id}/links/"

    page = client.get(f"/w/{workshop.public_id}/cards/{activity.public_id}/").content.decode()
    saved = client.post(url, {"targets": [str(effect.public_id) for effect in effects]})

    assert url in page
    assert all(f'value="{effect.public_id}"' in page for effect in effects)
    assert saved.status_code == 302
    assert saved["Location"].endswith(f"#card-{activity.public_id}")
    assert set(queries.linked_targets(activity)) == set(effects)


def test_a_card_of_another_workshop_is_refused_and_nothing_changes(client, workshop, chain, facilitator):
    activity = chain["team"]
    before = set(queries.linked_targets(activity))
    client.force_login(facilitator)

    response = client.post(
        f"/w/{workshop.public_id}/cards/{activity.public_id}/links/",
        {"targets": ["00000000-0000-0000-0000-000000000000", "not-an-id"]},
        follow=True,
    )

    assert response.status_code == 200
    assert swedish("Choose among the listed cards.") in response.content.decode()
    assert set(queries.linked_targets(activity)) == before


def test_only_the_leader_saves_links(client, workshop, chain, employee, outsider):
    url = f"/w/{workshop.public_id}/cards/{chain['team'].public_id}/links/"
    client.force_login(outsider)
    assert client.post(url, {}).status_code == 404
