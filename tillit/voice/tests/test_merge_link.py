"""Merging similar suggestions and linking them to a workshop's effects and activities (issue 16), from the actions
and from the outside: the rules and refusals, the proposals, the public page, the workshop's chain, its hygiene
warning and its purpose, who may do what, and the queries a page costs."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tillit.organisations.models import Unit
from tillit.voice import actions, queries
from tillit.voice.models import Suggestion
from tillit.workshops import actions as workshop_actions
from tillit.workshops import queries as workshop_queries
from tillit.workshops.models import Item, Participant, Workshop

pytestmark = pytest.mark.django_db

FOOD_COLD = "Maten är kall när den kommer."
FOOD_BOXES_COLD = "Matlådorna är kalla när de levereras."
STAIRS = "Trappan är hal, någon måste sanda."
OTHERS = [
    "Att få gå ut på promenad.",
    "Jag vill själv bestämma när jag duschar.",
    "Att personalen knackar och väntar innan de går in.",
    "Bra bemötande i telefon.",
]


def said(page, helps: str, *, publish: bool | None = True, days_ago: int = 0) -> Suggestion:
    """A suggestion on `page`, published (or not published with False, waiting with None)."""
    suggestion = actions.submit(page=page, helps=helps, respondent="service_user")
    if publish is not None:
        actions.review(suggestion=suggestion, publish=publish)
    if days_ago:
        received = suggestion.received_on - datetime.timedelta(days=days_ago)
        Suggestion.objects.filter(pk=suggestion.pk).update(received_on=received)
    suggestion.refresh_from_db()
    return suggestion


def manage(organisation, path: str = "") -> str:
    return f"/o/{organisation.slug}/brukarrosten/{path}"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def other_service(other_organisation):
    unit = Unit.objects.filter(organisation=other_organisation).first()
    return actions.open_page(organisation=other_organisation, unit=unit, name="Hemtjänst Söder")


def new_workshop(organisation, facilitator, units, title: str = "Trygg hemtjänst") -> Workshop:
    return workshop_actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title=title,
        purpose="Äldre i hemtjänsten ska känna sig trygga hemma.",
        service_user_group="Äldre med hemtjänst",
        units=units,
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2027, 1, 31),
    )


@pytest.fixture
def workshop(organisation, facilitator, employee, home_unit):
    """A workshop of Socialförvaltningen (Hemtjänst Norr is below it), the employee taking part."""
    social = Unit.objects.get(organisation=organisation, name="Socialförvaltningen")
    created = new_workshop(organisation, facilitator, [social])
    workshop_actions.add_members(workshop=created, memberships=[employee.memberships.get()])
    return created


def cards_of(workshop, facilitator, *titles: str, kind: str = "effect") -> list[Item]:
    author = Participant.objects.get(workshop=workshop, membership__user=facilitator)
    return [workshop_actions.propose(participant=author, kind=kind, title=title) for title in titles]


# Merging --------------------------------------------------------------------------------------------------------


def test_a_merged_suggestion_keeps_its_row_and_text_and_can_be_taken_apart(service):
    kept, merged = said(service, FOOD_COLD), said(service, FOOD_BOXES_COLD)

    actions.merge(suggestion=merged, into=kept)

    merged.refresh_from_db()
    assert merged.merged_into == kept
    assert merged.helps == FOOD_BOXES_COLD
    assert Suggestion.objects.count() == 2

    actions.unmerge(suggestion=merged)

    merged.refresh_from_db()
    assert merged.merged_into is None
    with pytest.raises(ValidationError, match="inte ihopslaget"):
        actions.unmerge(suggestion=merged)


def test_merging_refuses_itself_and_another_organisations_suggestion(service, other_service):
    mine, theirs = said(service, FOOD_COLD), said(other_service, FOOD_BOXES_COLD)

    with pytest.raises(ValidationError, match="sig självt"):
        actions.merge(suggestion=mine, into=mine)
    with pytest.raises(ValidationError, match="samma organisation"):
        actions.merge(suggestion=mine, into=theirs)
    assert not Suggestion.objects.exclude(merged_into=None).exists()


def test_merging_never_makes_a_chain(service):
    a, b, c, d = (said(service, text) for text in ("A säger", "B säger", "C säger", "D säger"))
    actions.merge(suggestion=c, into=a)  # c under a

    actions.merge(suggestion=a, into=b)  # a goes under b, and c with it
    actions.merge(suggestion=d, into=a)  # a is merged: d goes to a's root, b

    assert dict(Suggestion.objects.values_list("helps", "merged_into__helps")) == {
        "A säger": "B säger",
        "B säger": None,
        "C säger": "B säger",
        "D säger": "B säger",
    }
    a.refresh_from_db()
    with pytest.raises(ValidationError, match="redan ihopslaget med det här"):
        actions.merge(suggestion=b, into=a)  # a is under b: b cannot go under a
    assert Suggestion.objects.get(pk=b.pk).merged_into is None


def test_the_review_page_proposes_a_similar_suggestion_and_not_a_dissimilar_one(client, facilitator, service):
    this = said(service, FOOD_COLD, publish=None)
    alike, unlike = said(service, FOOD_BOXES_COLD), said(service, STAIRS)
    for text in OTHERS:
        said(service, text)
    client.force_login(facilitator)

    page = client.get(manage(service.organisation, f"forslag/{this.public_id}/")).content.decode()

    assert f'name="into" value="{alike.public_id}"' in page
    assert str(unlike.public_id) not in page
    assert STAIRS not in page
    assert [found for found, _score in queries.proposals_for(this)] == [alike]


def test_proposals_are_compared_in_the_suggestions_language(service):
    finnish = actions.submit(page=service, helps="Ruoka on kylmää.", respondent="service_user", language="fi")
    actions.submit(page=service, helps="Ruoka on aina kylmää kun se tulee.", respondent="service_user", language="fi")
    said(service, FOOD_COLD)

    proposed = [found.helps for found, _score in queries.proposals_for(finnish)]

    assert proposed == ["Ruoka on aina kylmää kun se tulee."]


def test_merging_from_the_review_page_and_taking_apart_again(client, facilitator, service):
    this, other = said(service, FOOD_COLD, publish=None), said(service, FOOD_BOXES_COLD)
    client.force_login(facilitator)

    merged = client.post(manage(service.organisation, f"forslag/{this.public_id}/sla-ihop/"), {"into": other.public_id})

    assert merged.status_code == 302
    assert merged["Location"] == manage(service.organisation, f"forslag/{this.public_id}/")
    assert Suggestion.objects.get(pk=this.pk).merged_into_id == other.pk
    kept_page = client.get(manage(service.organisation, f"forslag/{other.public_id}/")).content.decode()
    assert f"/forslag/{this.public_id}/ta-isar/" in kept_page  # listed under the kept one, to take apart

    apart = client.post(manage(service.organisation, f"forslag/{this.public_id}/ta-isar/"), {"back": "into"})

    assert apart["Location"] == manage(service.organisation, f"forslag/{other.public_id}/")
    assert Suggestion.objects.get(pk=this.pk).merged_into is None


def test_another_organisations_suggestion_to_merge_into_is_not_found(client, facilitator, service, other_service):
    this, theirs = said(service, FOOD_COLD), said(other_service, FOOD_BOXES_COLD)
    client.force_login(facilitator)

    response = client.post(
        manage(service.organisation, f"forslag/{this.public_id}/sla-ihop/"), {"into": theirs.public_id}
    )
    forged = client.post(manage(service.organisation, f"forslag/{this.public_id}/sla-ihop/"), {"into": "not-an-id"})

    assert response.status_code == 404
    assert forged.status_code == 302  # back, with the form's message
    assert not Suggestion.objects.exclude(merged_into=None).exists()


def test_the_similar_pairs_page_lists_a_pair_and_merges_it(client, facilitator, service):
    older = said(service, FOOD_COLD, days_ago=3)
    newer = said(service, FOOD_BOXES_COLD, publish=None)
    said(service, STAIRS)
    client.force_login(facilitator)

    page = client.get(manage(service.organisation, "liknande/"))
    html = page.content.decode()

    assert page.status_code == 200
    assert FOOD_COLD in html
    assert FOOD_BOXES_COLD in html
    assert STAIRS not in html
    pairs = queries.proposed_pairs(service.organisation)
    assert [(pair.kept, pair.merged) for pair in pairs] == [(older, newer)]  # the published, older one is kept

    merged = client.post(
        manage(service.organisation, f"forslag/{newer.public_id}/sla-ihop/"),
        {"into": older.public_id, "back": "similar", "page": "1"},
    )

    assert merged["Location"] == manage(service.organisation, "liknande/?page=1")
    assert queries.proposed_pairs(service.organisation) == []


def test_the_similar_pairs_page_is_paginated(client, facilitator, service):
    for number in range(30):
        said(service, f"Maten nummer{number} är kall hos mig.")
    client.force_login(facilitator)

    first = client.get(manage(service.organisation, "liknande/")).content.decode()
    beyond = client.get(manage(service.organisation, "liknande/?page=999"))

    assert first.count('value="similar"') == queries.PROPOSALS_PER_PAGE
    assert 'rel="next"' in first
    assert beyond.status_code == 200


def test_the_review_list_shows_merged_ones_under_the_kept_one(client, facilitator, service):
    kept = said(service, FOOD_COLD)
    waiting = said(service, FOOD_BOXES_COLD, publish=None)
    actions.merge(suggestion=waiting, into=kept)
    client.force_login(english(client) and facilitator)

    pending = client.get(manage(service.organisation, "?review=pending")).content.decode()
    everything = client.get(manage(service.organisation, "?review=")).content.decode()

    for listed in (pending, everything):
        assert f"/forslag/{kept.public_id}/" in listed  # the kept one, because one merged into it waits
        assert f"/forslag/{waiting.public_id}/" not in listed
    assert "1 similar merged into it" in everything
    assert "1 of them waits for review" in everything


def test_the_public_page_shows_a_merged_suggestion_under_the_one_kept(client, service):
    kept = said(service, FOOD_COLD)
    merged = said(service, FOOD_BOXES_COLD)
    waiting = said(service, "Maten är ofta kall.", publish=None)
    for text in OTHERS[:3]:
        said(service, text)
    actions.merge(suggestion=merged, into=kept)
    actions.merge(suggestion=waiting, into=kept)  # not published: not counted

    page = client.get(f"/r/{service.code}/vi-gjorde/?sprak=en").content.decode()

    assert FOOD_COLD in page
    assert FOOD_BOXES_COLD not in page
    assert "1 more said something similar." in page


def test_a_merged_suggestion_still_counts_towards_the_threshold(client, service):
    kept = said(service, FOOD_COLD)
    merged = said(service, FOOD_BOXES_COLD)
    for text in OTHERS[:2]:
        said(service, text)
    actions.merge(suggestion=merged, into=kept)
    below = client.get(f"/r/{service.code}/vi-gjorde/?sprak=en").content.decode()

    said(service, OTHERS[3])
    shown = client.get(f"/r/{service.code}/vi-gjorde/?sprak=en").content.decode()

    assert FOOD_COLD not in below  # four published: below k = 5
    assert FOOD_COLD in shown
    assert "1 more said something similar." in shown


# Linking to a workshop's cards ----------------------------------------------------------------------------------


def test_a_suggestion_links_to_an_effect_or_activity_and_unlinks(service, workshop, facilitator):
    suggestion = said(service, FOOD_COLD)
    (effect,) = cards_of(workshop, facilitator, "Maten är god")
    (activity,) = cards_of(workshop, facilitator, "Laga mat hemma", kind="activity")

    actions.link_to_item(suggestion=suggestion, item=effect)
    assert Suggestion.objects.get(pk=suggestion.pk).item == effect
    actions.link_to_item(suggestion=suggestion, item=activity)
    assert Suggestion.objects.get(pk=suggestion.pk).item == activity

    actions.unlink(suggestion=suggestion)
    assert Suggestion.objects.get(pk=suggestion.pk).item is None


def test_linking_refuses_a_goal_a_merged_card_a_closed_workshop_and_another_organisation(
    service, workshop, facilitator, other_organisation, make_member
):
    suggestion = said(service, FOOD_COLD)
    (goal,) = cards_of(workshop, facilitator, "Trygghet", kind="goal")
    kept, duplicate = cards_of(workshop, facilitator, "Maten är god", "God mat")
    workshop_actions.merge_items(keep=kept, duplicate=duplicate)
    duplicate.refresh_from_db()
    leader = make_member(other_organisation, role="facilitator")
    theirs = workshop_actions.create_workshop(
        organisation=other_organisation,
        leader=leader,
        title="Deras arbetsmöte",
        purpose="Deras syfte",
        service_user_group="Deras brukare",
        units=[],
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2027, 1, 31),
    )
    their_effect = workshop_actions.propose(
        participant=Participant.objects.get(workshop=theirs), kind="effect", title="Deras effekt"
    )

    with pytest.raises(ValidationError, match="inte till ett mål"):
        actions.link_to_item(suggestion=suggestion, item=goal)
    with pytest.raises(ValidationError, match="slagits ihop med ett annat"):
        actions.link_to_item(suggestion=suggestion, item=duplicate)
    with pytest.raises(ValidationError, match="annan organisation"):
        actions.link_to_item(suggestion=suggestion, item=their_effect)
    workshop_actions.set_step(workshop=workshop, step=Workshop.Step.CLOSED)
    kept.refresh_from_db()
    with pytest.raises(ValidationError, match="stängt"):
        actions.link_to_item(suggestion=suggestion, item=kept)
    assert Suggestion.objects.get(pk=suggestion.pk).item is None


def test_linking_from_the_review_page_offers_effects_and_activities_by_workshop(client, facilitator, service, workshop):
    suggestion = said(service, FOOD_COLD)
    (goal,) = cards_of(workshop, facilitator, "Trygghet", kind="goal")
    (effect,) = cards_of(workshop, facilitator, "Maten är god")
    client.force_login(facilitator)
    address = manage(service.organisation, f"forslag/{suggestion.public_id}/")

    page = client.get(address).content.decode()
    refused = client.post(address + "koppla/", {"item": goal.public_id})
    linked = client.post(address + "koppla/", {"item": effect.public_id})

    assert f'<optgroup label="{workshop.title}">' in page
    assert f'value="{effect.public_id}"' in page
    assert f'value="{goal.public_id}"' not in page
    assert refused.status_code == 302
    assert linked["Location"] == address + "#link-title"
    assert Suggestion.objects.get(pk=suggestion.pk).item == effect
    assert f"#card-{effect.public_id}" in client.get(address).content.decode()

    client.post(address + "koppla-bort/")
    assert Suggestion.objects.get(pk=suggestion.pk).item is None


def test_another_organisations_card_cannot_be_linked_from_the_view(
    client, facilitator, service, other_organisation, make_member
):
    suggestion = said(service, FOOD_COLD)
    leader = make_member(other_organisation, role="facilitator")
    theirs = new_workshop(other_organisation, leader.user, [], "Deras")
    (their_effect,) = cards_of(theirs, leader.user, "Deras effekt")
    client.force_login(facilitator)

    response = client.post(
        manage(service.organisation, f"forslag/{suggestion.public_id}/koppla/"), {"item": their_effect.public_id}
    )

    assert response.status_code == 302  # "choose from the list": it is not in it, like an id that does not exist
    assert Suggestion.objects.get(pk=suggestion.pk).item is None


# In the workshop ------------------------------------------------------------------------------------------------


def test_the_chain_shows_the_voices_behind_a_card_only_once_published(client, employee, service, workshop, facilitator):
    (effect,) = cards_of(workshop, facilitator, "Maten är god")
    for text in OTHERS:
        said(service, text)
    linked = said(service, FOOD_COLD)
    unpublished = said(service, FOOD_BOXES_COLD, publish=False)
    waiting = said(service, "Maten kommer sent.", publish=None)
    for suggestion in (linked, unpublished, waiting):
        actions.link_to_item(suggestion=suggestion, item=effect)
    client.force_login(english(client) and employee)

    page = client.get(f"/w/{workshop.public_id}/").content.decode()

    assert "The service users' voice (1)" in page
    assert FOOD_COLD in page
    assert FOOD_BOXES_COLD not in page
    assert "Maten kommer sent." not in page


def test_the_chain_shows_no_voice_of_a_service_below_the_threshold(client, employee, service, workshop, facilitator):
    (effect,) = cards_of(workshop, facilitator, "Maten är god")
    linked = said(service, FOOD_COLD)
    actions.link_to_item(suggestion=linked, item=effect)
    client.force_login(english(client) and employee)

    page = client.get(f"/w/{workshop.public_id}/").content.decode()

    assert FOOD_COLD not in page  # one published suggestion on the page: it could be told apart


def test_the_hygiene_warning_names_effects_without_a_service_users_voice(service, workshop, facilitator):
    with_voice, _without = cards_of(workshop, facilitator, "Maten är god", "Jag känner personalen")
    for text in OTHERS:
        said(service, text)

    def warned() -> list[str]:
        chain = workshop_queries.effect_chain(workshop, voices=True)
        return [warning for warning in chain.warnings if "voice" in warning or "röst" in warning]

    assert len(warned()) == 2

    actions.link_to_item(suggestion=said(service, FOOD_COLD), item=with_voice)

    (warning,) = warned()
    assert "Jag känner personalen" in warning
    # Without the voices (the rating page, the results' computation) the chain has no such warning at all.
    assert not [w for w in workshop_queries.effect_chain(workshop).warnings if "voice" in w or "röst" in w]


def test_no_hygiene_warning_when_the_workshops_units_have_no_service_page(
    organisation, facilitator, service, home_unit
):
    elsewhere = Unit.objects.create(organisation=organisation, name="Elevhälsan", kind=Unit.Kind.SECTION)
    workshop = new_workshop(organisation, facilitator, [elsewhere])
    cards_of(workshop, facilitator, "Maten är god")

    assert not workshop_queries.effect_chain(workshop, voices=True).listens
    assert workshop_queries.voices_of_workshop(workshop) is None

    everyone = new_workshop(organisation, facilitator, [], "Hela kommunen")
    assert workshop_queries.effect_chain(everyone, voices=True).listens  # no units: the organisation's pages


def test_the_purpose_shows_the_published_suggestions_of_the_workshops_units(
    client, employee, facilitator, service, workshop
):
    for text in OTHERS:
        said(service, text)
    said(service, FOOD_COLD)
    said(service, FOOD_BOXES_COLD, publish=None)
    said(service, STAIRS, publish=False)

    client.force_login(english(client) and employee)
    page = client.get(f"/w/{workshop.public_id}/").content.decode()
    client.force_login(facilitator)
    leaders = client.get(f"/w/{workshop.public_id}/").content.decode()

    assert "What the service users say" in page
    assert FOOD_COLD in page
    assert OTHERS[0] in page
    assert FOOD_BOXES_COLD not in page
    assert STAIRS not in page
    assert manage(service.organisation) not in page  # the link to the review is for process leaders
    assert f'href="{manage(service.organisation)}"' in leaders


def test_linking_shows_at_once_on_the_workshops_page(client, employee, service, workshop, facilitator):
    """No stored page shows the voices (the results page shows figures only), so nothing needs `pages_changed`:
    the workshop's page, which does show them, is built on every look."""
    (effect,) = cards_of(workshop, facilitator, "Maten är god")
    for text in OTHERS:
        said(service, text)
    suggestion = said(service, FOOD_COLD)
    client.force_login(english(client) and employee)
    address = f"/w/{workshop.public_id}/"
    before = client.get(address).content.decode()

    actions.link_to_item(suggestion=suggestion, item=effect)
    after = client.get(address).content.decode()

    assert "The service users' voice" not in before
    assert "The service users' voice (1)" in after


# Who may do what ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("facilitator", 200), ("org_admin", 200), ("employee", 403), ("outsider", 404), (None, 302)],
)
def test_who_may_see_the_similar_pairs(client, request, service, who, expected):
    if who:
        client.force_login(request.getfixturevalue(who))

    response = client.get(manage(service.organisation, "liknande/"))

    assert response.status_code == expected
    if who is None:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("facilitator", 302), ("org_admin", 302), ("employee", 403), ("outsider", 404), (None, 302)],
)
@pytest.mark.parametrize("action", ["sla-ihop", "ta-isar", "koppla", "koppla-bort"])
def test_who_may_merge_and_link(client, request, service, workshop, facilitator, who, expected, action):
    kept, merged, loose = said(service, FOOD_COLD), said(service, FOOD_BOXES_COLD), said(service, STAIRS)
    actions.merge(suggestion=merged, into=kept)
    (effect,) = cards_of(workshop, facilitator, "Maten är god")
    actions.link_to_item(suggestion=kept, item=effect)
    target, data = {
        "sla-ihop": (loose, {"into": kept.public_id}),
        "ta-isar": (merged, {}),
        "koppla": (loose, {"item": effect.public_id}),
        "koppla-bort": (kept, {}),
    }[action]
    if who:
        client.force_login(request.getfixturevalue(who))
    before = list(Suggestion.objects.order_by("pk").values_list("merged_into", "item"))

    response = client.post(manage(service.organisation, f"forslag/{target.public_id}/{action}/"), data)

    assert response.status_code == expected
    after = list(Suggestion.objects.order_by("pk").values_list("merged_into", "item"))
    assert (after != before) == (who in {"facilitator", "org_admin"})
    if who is None:
        assert response["Location"].startswith("/accounts/login/")


# What a page costs ----------------------------------------------------------------------------------------------


def count_queries(client, address: str) -> int:
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_workshops_page_costs_the_same_queries_however_many_cards_and_voices(
    client, employee, service, workshop, facilitator
):
    for text in OTHERS:
        said(service, text)
    client.force_login(employee)
    counts = []
    for cards in (1, 6):
        for effect in cards_of(workshop, facilitator, *[f"Effekt {cards}.{n}" for n in range(cards)]):
            for text in ("Maten är god.", "Personalen har tid."):
                actions.link_to_item(suggestion=said(service, text), item=effect)
        counts.append(count_queries(client, f"/w/{workshop.public_id}/"))

    assert counts[0] == counts[1], counts


def test_the_review_page_and_the_pairs_cost_the_same_queries_however_many_suggestions(
    client, facilitator, service, workshop
):
    this = said(service, FOOD_COLD)
    client.force_login(facilitator)
    counts = []
    for more in (2, 12):
        while Suggestion.objects.count() < more:
            number = Suggestion.objects.count()
            merged = said(service, f"Maten nummer{number} är kall.")
            if number % 3 == 0:
                actions.merge(suggestion=merged, into=this)
        cards_of(workshop, facilitator, f"Effekt {more}")
        counts.append(
            (
                count_queries(client, manage(service.organisation, f"forslag/{this.public_id}/")),
                count_queries(client, manage(service.organisation, "liknande/")),
                count_queries(client, manage(service.organisation, "?review=")),
            )
        )

    assert counts[0] == counts[1], counts


def test_one_merged_across_services_is_not_counted_on_the_other_services_page(service, organisation):
    """A suggestion of a service below k merged into one of another service must not show up on that one's page as
    "1 more said something similar" (it would tell that the first service has a published suggestion)."""
    unit = Unit.objects.filter(organisation=organisation).exclude(pk=service.unit_id).first()
    small = actions.open_page(organisation=organisation, unit=unit, name="Biblioteket")
    kept = said(service, FOOD_COLD)
    same_service = said(service, FOOD_BOXES_COLD)
    other_service = said(small, "Maten är kall när den kommer hem.")
    actions.merge(suggestion=same_service, into=kept)
    actions.merge(suggestion=other_service, into=kept)

    counted = {suggestion.pk: suggestion.similar for suggestion in queries.published_on(service)}

    assert counted[kept.pk] == 1  # the one of its own service only


def test_a_workshop_lists_the_voices_of_a_month_in_an_order_that_does_not_tell_the_days(
    service, organisation, workshop, facilitator
):
    (effect,) = cards_of(workshop, facilitator, "Maten är god")
    made = [said(service, f"Synpunkt {number}.", days_ago=number) for number in range(8)]
    for suggestion in made:
        actions.link_to_item(suggestion=suggestion, item=effect)
    newest_month_first_then_random = sorted(
        made, key=lambda s: (-s.received_on.replace(day=1).toordinal(), s.public_id.hex)
    )

    shown = [voice.helps for voice in queries.voices_behind([effect.pk])[effect.pk]]

    assert shown == [suggestion.helps for suggestion in newest_month_first_then_random]
