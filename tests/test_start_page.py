"""The start page's "Ongoing work": what the parts list for the signed-in member (`tillit.organisations.ongoing`),
from the outside: other organisations' work, closed work and work the member takes no part in stay off the page, and
nobody learns anything about anyone else (who has answered, who has rated)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tillit.barometer import actions as barometer_actions
from tillit.barometer.models import Invitation
from tillit.dialogues import actions as dialogue_actions
from tillit.dialogues.models import Dialogue
from tillit.organisations import ongoing
from tillit.workshops import actions as workshop_actions
from tillit.workshops.models import Participant, Workshop
from tillit.workshops.tests.outside import swedish

pytestmark = pytest.mark.django_db

NOTHING = "Nothing waits for you right now"


def start_page(client, user, organisation) -> str:
    client.force_login(user)
    response = client.get(reverse("organisations:start", kwargs={"organisation": organisation.slug}))
    assert response.status_code == 200
    return response.content.decode()


def make_workshop(organisation, leader, title, *members, step=Workshop.Step.GATHER) -> Workshop:
    today = timezone.localdate()
    workshop = workshop_actions.create_workshop(
        organisation=organisation,
        leader=leader.memberships.get(organisation=organisation),
        title=title,
        purpose="Äldre i hemtjänsten ska känna sig trygga hemma.",
        service_user_group="Äldre med hemtjänst",
        units=[],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
    )
    workshop_actions.add_members(workshop=workshop, memberships=[m.memberships.get() for m in members])
    if step != Workshop.Step.GATHER:
        workshop_actions.set_step(workshop=workshop, step=step)
    return workshop


def make_dialogue(organisation, creator, question, **fields) -> Dialogue:
    today = timezone.localdate()
    values = {
        "question": question,
        "background": "",
        "access": Dialogue.Access.INTERNAL,
        "opens_on": today - datetime.timedelta(days=1),
        "closes_on": today + datetime.timedelta(days=13),
        "seed_statements": [],
    }
    values.update(fields)
    return dialogue_actions.create_dialogue(
        organisation=organisation, created_by=creator.memberships.get(organisation=organisation), **values
    )


def open_round(organisation, name):
    today = timezone.localdate()
    round = barometer_actions.create_round(
        organisation=organisation,
        name=name,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=14),
    )
    barometer_actions.launch_round(round=round, site_url="http://testserver")
    round.refresh_from_db()
    return round


def test_every_part_has_registered_its_list():
    assert set(ongoing._providers) == {
        "tillit.workshops",
        "tillit.dialogues",
        "tillit.barometer",
        "tillit.voice",
        "tillit.steering",
    }


def test_a_member_with_nothing_going_on_is_told_so_in_clear_words(client, employee, organisation):
    page = start_page(client, employee, organisation)
    assert swedish(NOTHING) in page
    assert "follow-up" not in page
    assert "uppföljning" not in page.lower()


def test_the_member_sees_their_workshops_with_what_waits_and_not_others(
    client, organisation, other_organisation, facilitator, employee, manager, outsider
):
    make_workshop(organisation, facilitator, "Trygg hemtjänst", employee)
    make_workshop(organisation, facilitator, "Bara för chefer", manager)
    make_workshop(organisation, facilitator, "Avslutat arbetsmöte", employee, step=Workshop.Step.CLOSED)
    make_workshop(other_organisation, outsider, "Söderbys arbetsmöte")

    page = start_page(client, employee, organisation)
    assert "Trygg hemtjänst" in page
    assert swedish("Propose goals, effects and activities.") in page
    assert "Bara för chefer" not in page
    assert "Avslutat arbetsmöte" not in page
    assert "Söderbys arbetsmöte" not in page
    assert swedish(NOTHING) not in page

    # The leader is asked to structure the chain; the participant may still propose.
    workshop = Workshop.objects.get(title="Trygg hemtjänst")
    workshop_actions.set_step(workshop=workshop, step=Workshop.Step.STRUCTURE)
    assert swedish("Structure the chain: edit, merge and link the cards.") in start_page(
        client, facilitator, organisation
    )
    assert swedish("The chain is being structured; you can still propose cards.") in start_page(
        client, employee, organisation
    )

    # The outsider's own start page lists nothing of Norrby's, and Norrby's start page does not exist for them.
    outsider_page = start_page(client, outsider, other_organisation)
    assert "Söderbys arbetsmöte" in outsider_page
    assert "Trygg hemtjänst" not in outsider_page
    assert client.get(reverse("organisations:start", kwargs={"organisation": organisation.slug})).status_code == 404


def test_rating_shows_the_member_only_whether_they_themselves_have_rated(
    client, organisation, facilitator, employee, manager
):
    workshop = make_workshop(organisation, facilitator, "Trygg hemtjänst", employee, manager)
    leader = Participant.objects.get(workshop=workshop, membership__user=facilitator)
    effect = workshop_actions.propose(participant=leader, kind="effect", title="Jag känner mig trygg")
    workshop_actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    rate_url = reverse("workshops:rate", kwargs={"workshop": workshop.public_id})
    asked = swedish("Rate how important the effects are and what the activities contribute.")
    done = swedish("You have rated; you can change your ratings until rating closes.")

    page = start_page(client, employee, organisation)
    assert asked in page
    assert rate_url in page

    rater = Participant.objects.get(workshop=workshop, membership__user=employee)
    workshop_actions.rate_effect(participant=rater, effect=effect, importance=3, achievement=2)
    page = start_page(client, employee, organisation)
    assert done in page
    assert asked not in page
    # The manager's page is the same as before: it says nothing about whether the employee has rated.
    page = start_page(client, manager, organisation)
    assert asked in page
    assert done not in page

    workshop_actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)
    results_url = reverse("workshops:results", kwargs={"workshop": workshop.public_id})
    assert results_url in start_page(client, employee, organisation)
    leader_page = start_page(client, facilitator, organisation)
    assert swedish("The results are open: record the decisions.") in leader_page


def test_internal_dialogues_are_listed_for_voting_and_for_results_after_closing(
    client, organisation, other_organisation, facilitator, employee, manager, outsider
):
    dialogue = make_dialogue(organisation, facilitator, "Vad skapar ett gott möte?")
    make_dialogue(other_organisation, outsider, "Söderbys samtal?")
    later = make_dialogue(
        organisation,
        facilitator,
        "Ett samtal som inte öppnat?",
        opens_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert later.state() == "upcoming"

    page = start_page(client, employee, organisation)
    assert "Vad skapar ett gott möte?" in page
    assert swedish("Vote on the statements and add your own.") in page
    assert reverse("dialogues:participate", kwargs={"dialogue": dialogue.public_id}) in page
    assert "Söderbys samtal?" not in page
    assert "Ett samtal som inte öppnat?" not in page

    dialogue_actions.participant_for_member(dialogue, employee.memberships.get(), create=True)
    assert swedish("You take part: vote on the statements that are new to you.") in start_page(
        client, employee, organisation
    )
    # Someone else's page does not change when the employee joins.
    assert swedish("Vote on the statements and add your own.") in start_page(client, manager, organisation)

    results_url = reverse("dialogues:results", kwargs={"dialogue": dialogue.public_id})
    with time_machine.travel(dialogue.closes_on + datetime.timedelta(days=5)):
        assert results_url in start_page(client, employee, organisation)  # joined: may read the results
        assert results_url in start_page(client, facilitator, organisation)  # leads: may read them
        assert "Vad skapar ett gott möte?" not in start_page(client, manager, organisation)  # did not take part
    with time_machine.travel(dialogue.closes_on + datetime.timedelta(days=60)):
        assert "Vad skapar ett gott möte?" not in start_page(client, employee, organisation)


def test_open_dialogues_are_listed_for_taking_part(client, organisation, facilitator, employee):
    make_dialogue(organisation, facilitator, "Ett öppet samtal?", access=Dialogue.Access.OPEN)
    page = start_page(client, employee, organisation)
    assert "Ett öppet samtal?" in page
    assert swedish("Open to anyone with the link: vote on the statements and add your own.") in page


def test_an_open_round_shows_the_member_their_own_personal_link_until_they_answer(
    client, organisation, other_organisation, facilitator, employee, manager, outsider
):
    round = open_round(organisation, "Barometern hösten 2026")
    open_round(other_organisation, "Söderbys barometer")
    respond = reverse("barometer:respond", args=[round.public_id, "TOKEN"]).replace("TOKEN/", "")

    page = start_page(client, employee, organisation)
    assert "Barometern hösten 2026" in page
    assert "Söderbys barometer" not in page
    links = set(re.findall(re.escape(respond) + r"([0-9a-f]+)/", page))
    assert len(links) == 1
    (token,) = links
    # It is the employee's own invitation, and the link works.
    own = Invitation.objects.get(round=round, membership__user=employee)
    assert barometer_actions.invitation_for_token(round, token) == own
    assert client.get(f"{respond}{token}/").status_code in {200, 302}

    manager_page = start_page(client, manager, organisation)
    assert token not in manager_page

    Invitation.objects.filter(pk=own.pk).update(answered=True)
    page = start_page(client, employee, organisation)
    assert "Barometern hösten 2026" not in page
    # Nobody else's page shows whether the employee has answered: the manager's still lists the manager's own link.
    assert "Barometern hösten 2026" in start_page(client, manager, organisation)


def test_a_round_whose_results_opened_is_listed_for_those_who_may_read_them(
    client, organisation, other_organisation, facilitator, outsider
):
    round = open_round(organisation, "Barometern våren 2026")
    barometer_actions.close_round(round=round)
    report = reverse("barometer:report", kwargs={"round": round.public_id})
    assert report in start_page(client, facilitator, organisation)
    assert report not in start_page(client, outsider, other_organisation)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=60)):
        assert report not in start_page(client, facilitator, organisation)
