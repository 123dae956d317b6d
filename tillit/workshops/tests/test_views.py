import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from tillit.organisations.models import ActorGroup
from tillit.workshops import actions
from tillit.workshops.models import ContributionRating, ImportanceRating, Item, Participant, Workshop
from tillit.workshops.tests.conftest import participant_of
from tillit.workshops.tests.outside import swedish, swedish_plural

pytestmark = pytest.mark.django_db


def url(name, workshop, **kwargs):
    return reverse(f"workshops:{name}", kwargs={"workshop": workshop.public_id, **kwargs})


def test_a_process_leader_creates_a_workshop_and_leads_it(client, organisation, facilitator, home_unit):
    client.force_login(facilitator)

    response = client.post(
        reverse("workshops:create", kwargs={"organisation": organisation.slug}),
        {
            "title": "Trygg hemtjänst",
            "service_user_group": "Äldre med hemtjänst",
            "purpose": "Äldre ska känna sig trygga hemma.",
            "units": [home_unit.pk],
            "starts_on": "2026-11-24",
            "ends_on": "2026-12-24",
            "guest_places": "3",
        },
    )

    workshop = Workshop.objects.get(title="Trygg hemtjänst")
    assert response["Location"] == url("participants", workshop)
    assert participant_of(workshop, facilitator).is_leader
    assert list(workshop.units.all()) == [home_unit]
    assert workshop.guest_places == 3
    assert workshop.anonymity_threshold == organisation.anonymity_threshold


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"title": ""}, "Detta fält måste fyllas i.", id="empty title"),
        pytest.param({"title": "T" * 151}, "Högst 150 tecken", id="over-long title"),
        pytest.param({"ends_on": "2026-11-01"}, "sista dagen kan inte vara före", id="ends before it starts"),
        pytest.param({"starts_on": "igår"}, "Fyll i ett giltigt datum", id="not a date"),
        pytest.param({"purpose": "   "}, "Detta fält måste fyllas i.", id="blank purpose"),
    ],
)
def test_bad_workshop_details_are_refused(client, organisation, facilitator, data, message):
    client.force_login(facilitator)
    fields = {
        "title": "Trygg",
        "service_user_group": "Äldre",
        "purpose": "Trygghet",
        "starts_on": "2026-11-24",
        "ends_on": "2026-12-24",
        **data,
    }

    response = client.post(reverse("workshops:create", kwargs={"organisation": organisation.slug}), fields)

    assert response.status_code == 200
    assert message.lower() in response.content.decode().lower()
    assert not Workshop.objects.exists()


def test_an_employee_cannot_create_a_workshop(client, organisation, employee):
    client.force_login(employee)

    assert client.get(reverse("workshops:create", kwargs={"organisation": organisation.slug})).status_code == 403


def test_participants_see_only_their_workshops_in_the_list(client, organisation, workshop, politician):
    client.force_login(politician)

    body = client.get(reverse("workshops:list", kwargs={"organisation": organisation.slug})).content.decode()

    assert "Trygg hemtjänst" not in body


def test_the_workshop_page_warns_when_service_users_are_missing(client, workshop, employee):
    client.force_login(employee)

    body = client.get(url("detail", workshop)).content.decode()

    assert "Äldre i hemtjänsten ska känna sig trygga hemma." in body
    assert "brukare" in body.lower()
    assert workshop.guest_code not in body  # only leaders see the guest code


@time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC))
def test_a_guest_joins_with_the_code_and_proposes_without_an_account(client, workshop, organisation):
    service_users = ActorGroup.objects.get(organisation=organisation, key="service_user")

    first = client.post(reverse("workshops:join"), {"code": workshop.guest_code.lower()})
    joined = client.post(
        reverse("workshops:join"), {"code": workshop.guest_code, "name": "Greta", "actor_group": service_users.pk}
    )
    client.post(url("cards", workshop), {"kind": "effect", "title": "Samma personal varje dag"})

    assert "Trygg hemtjänst" in first.content.decode()
    assert joined["Location"] == url("detail", workshop)
    item = Item.objects.get(title="Samma personal varje dag")
    assert item.proposed_by.is_guest
    assert item.proposed_by.actor_group == service_users


@time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC))
def test_a_guest_who_chooses_no_actor_group_is_asked_to_and_does_not_join(client, workshop):
    before = Participant.objects.filter(workshop=workshop).count()

    response = client.post(reverse("workshops:join"), {"code": workshop.guest_code, "name": "Greta", "actor_group": ""})

    assert response.status_code == 200
    assert swedish("Choose the group you take part as.") in response.content.decode()
    assert Participant.objects.filter(workshop=workshop).count() == before


def test_a_wrong_code_gets_a_clear_message(client):
    response = client.post(reverse("workshops:join"), {"code": "NOPE42"})

    assert "Det finns inget arbetsmöte med den koden" in response.content.decode()
    assert not Participant.objects.exists()


def test_a_guest_cannot_lead(client, workshop, organisation):
    guest = actions.join_as_guest(
        code=workshop.guest_code,
        name="Greta",
        actor_group=ActorGroup.objects.get(organisation=organisation, key="service_user"),
    )
    session = client.session
    session["workshop_guests"] = {str(workshop.public_id): str(guest.public_id)}
    session.save()

    assert client.get(url("detail", workshop)).status_code == 200
    assert client.get(url("participants", workshop)).status_code == 403
    assert client.post(url("set_step", workshop), {"step": "closed"}).status_code == 403


def test_a_guest_session_does_not_open_another_workshop(client, workshop, organisation, facilitator):
    other = actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title="Annat",
        purpose="x",
        service_user_group="y",
        units=[],
        starts_on=workshop.starts_on,
        ends_on=workshop.ends_on,
    )
    guest = actions.join_as_guest(
        code=workshop.guest_code,
        name="Greta",
        actor_group=ActorGroup.objects.get(organisation=organisation, key="service_user"),
    )
    session = client.session
    session["workshop_guests"] = {str(other.public_id): str(guest.public_id)}
    session.save()

    assert client.get(url("detail", other)).status_code == 302  # not a guest there: sign in


def test_proposals_appear_in_the_polled_fragment(client, workshop, employee):
    client.force_login(employee)

    response = client.post(
        url("cards", workshop), {"kind": "activity", "title": "Fasta team"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="chain"')
    assert "Fasta team" in body
    assert "Fasta team" in client.get(url("cards", workshop), headers={"HX-Request": "true"}).content.decode()


def test_a_conflicting_edit_shows_the_current_text(client, chain, workshop, facilitator):
    client.force_login(facilitator)
    card = chain["safe"]
    stale = card.version
    actions.edit_item(item=card, title="Jag är trygg hemma", description="", version=stale)

    response = client.post(
        url("card_edit", workshop, item=card.public_id), {"title": "Min version", "description": "", "version": stale}
    )

    assert response.status_code == 409
    assert "Jag är trygg hemma" in response.content.decode()
    card.refresh_from_db()
    assert card.title == "Jag är trygg hemma"


def test_the_leader_links_an_activity_to_an_effect(client, chain, workshop, facilitator):
    client.force_login(facilitator)

    client.post(url("link", workshop), {"source": chain["call"].public_id, "target": chain["safe"].public_id})

    assert chain["call"].links_up.filter(target=chain["safe"]).exists()


def test_a_link_that_would_go_down_the_chain_is_refused(client, chain, workshop, facilitator):
    client.force_login(facilitator)

    response = client.post(
        url("link", workshop), {"source": chain["goal"].public_id, "target": chain["team"].public_id}, follow=True
    )

    assert "En aktivitet kan bara bidra till en effekt" in response.content.decode()
    assert not chain["goal"].links_up.exists()


def test_a_participant_rates_and_changes_a_rating(client, chain, workshop, employee):
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    client.force_login(employee)
    safe, team = chain["safe"], chain["team"]

    client.post(
        url("rate", workshop),
        {
            f"importance-{safe.public_id}": "4",
            f"achievement-{safe.public_id}": "2",
            f"contribution-{team.public_id}-{safe.public_id}": "3",
        },
    )
    client.post(
        url("rate", workshop),
        {
            f"importance-{safe.public_id}": "3",
            f"achievement-{safe.public_id}": "2",
            f"contribution-{team.public_id}-{safe.public_id}": "",
        },
    )

    rater = participant_of(workshop, employee)
    assert ImportanceRating.objects.get(participant=rater, effect=safe).value == 3
    assert not ContributionRating.objects.filter(participant=rater).exists()


@pytest.mark.parametrize("value", ["9", "-1", "två", "1e3"])
def test_a_rating_outside_the_scale_saves_nothing(client, chain, workshop, employee, value):
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    client.force_login(employee)
    safe = chain["safe"]

    response = client.post(
        url("rate", workshop),
        {f"importance-{safe.public_id}": "2", f"achievement-{safe.public_id}": value},
        follow=True,
    )

    assert response.status_code == 200
    assert not ImportanceRating.objects.exists()


def test_ratings_after_the_step_closed_are_refused(client, chain, workshop, employee):
    client.force_login(employee)
    safe = chain["safe"]

    response = client.post(url("rate", workshop), {f"importance-{safe.public_id}": "2"}, follow=True)

    assert "Betygsättningen är inte öppen" in response.content.decode()
    assert not ImportanceRating.objects.exists()


def test_a_members_workshop_of_another_organisation_is_not_found(client, workshop, outsider):
    client.force_login(outsider)

    assert client.get(url("detail", workshop)).status_code == 404
    assert client.get(url("rate", workshop)).status_code == 404


def test_a_refused_proposal_comes_back_with_its_message_and_text(client, workshop, employee):
    client.force_login(employee)
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)

    response = client.post(
        url("cards", workshop), {"kind": "effect", "title": "Sent förslag"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#proposal-form"
    assert body.lstrip().startswith('<form id="proposal-form"')
    assert "Sent förslag" in body
    assert not Item.objects.filter(title="Sent förslag").exists()


def test_the_leader_moves_a_card_first_among_its_kind(client, chain, workshop, facilitator):
    from tillit.workshops import queries

    client.force_login(facilitator)
    card = chain["call"]

    client.post(
        url("card_edit", workshop, item=card.public_id),
        {"title": card.title, "description": "", "version": card.version, "position": "1"},
    )

    assert [a.title for a in queries.effect_chain(workshop).activities] == ["Ring vid förändring", "Fasta team"]


def test_a_place_out_of_range_is_refused(client, chain, workshop, facilitator):
    client.force_login(facilitator)
    card = chain["call"]

    response = client.post(
        url("card_edit", workshop, item=card.public_id),
        {"title": "Nytt namn", "description": "", "version": card.version, "position": "0"},
    )

    assert response.status_code == 200
    card.refresh_from_db()
    assert card.title == "Ring vid förändring"


def test_the_leader_appoints_another_process_leader(client, workshop, facilitator, politician):
    client.force_login(facilitator)

    client.post(url("participants", workshop), {"memberships": [politician.memberships.get().pk], "role": "leader"})

    assert participant_of(workshop, politician).is_leader
    client.force_login(politician)
    assert client.get(url("participants", workshop)).status_code == 200


def test_a_poll_with_nothing_new_gets_no_content(client, workshop, employee):
    client.force_login(employee)
    workshop.refresh_from_db()
    polled = url("cards", workshop) + f"?since={workshop.chain_version}"

    unchanged = client.get(polled, headers={"HX-Request": "true"})
    actions.propose(participant=participant_of(workshop, employee), kind="goal", title="Nytt mål")
    changed = client.get(polled, headers={"HX-Request": "true"})

    assert unchanged.status_code == 204
    assert changed.status_code == 200
    assert "Nytt mål" in changed.content.decode()


def test_once_the_results_are_shown_the_leader_is_offered_only_results_and_closed(client, chain, workshop, facilitator):
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)
    client.force_login(facilitator)

    body = client.get(url("detail", workshop)).content.decode()

    options = re.findall(r'<option value="(\w+)"', body.split('id="step-select"')[1].split("</select>")[0])
    assert options == ["decide", "closed"]


def test_once_the_results_are_shown_a_card_offers_no_links_and_no_merge(client, chain, workshop, facilitator):
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)
    client.force_login(facilitator)

    body = client.get(url("card_edit", workshop, item=chain["team"].public_id)).content.decode()

    assert 'name="action"' not in body
    assert "merge-into" not in body
    assert 'name="title"' in body


def test_every_participant_sees_how_many_guest_places_are_taken(client, workshop, employee):
    client.force_login(employee)

    body = client.get(url("detail", workshop)).content.decode()

    taken = swedish_plural(
        "%(joined)s of %(counter)s guest place is taken.",
        "%(joined)s of %(counter)s guest places are taken.",
        4,
        joined=0,
    )
    assert taken in body
    assert workshop.guest_code not in body


def test_the_workshops_settings_say_who_sees_the_results(client, organisation, facilitator):
    client.force_login(facilitator)

    html = client.get(reverse("workshops:create", kwargs={"organisation": organisation.slug})).content.decode()

    assert "Vilka som får se resultaten" in html
    assert f"färre än {organisation.anonymity_threshold} personer" in html
