"""Preparing a live meeting from the outside: the organisation's list of meetings, creating one, the agenda with its
code and links, reordering, editing and deleting activities (with a confirmation), the settings, and who may."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.conf import settings

from tillit.dialogues import actions as dialogue_actions
from tillit.live import actions
from tillit.live.models import Activity, LiveSession
from tillit.workshops import actions as workshop_actions

pytestmark = pytest.mark.django_db

Kind = Activity.Kind


def sessions_url(organisation) -> str:
    return f"/o/{organisation.slug}/live/"


def agenda_url(session, path: str = "") -> str:
    return f"/live/{session.public_id}/{path}"


def prompts(session) -> list[str]:
    return list(session.activities.values_list("prompt", flat=True))


# --- The list and creating a meeting ----------------------------------------------------------------------------


def test_the_list_is_empty_at_first_and_creating_a_meeting_leads_to_its_agenda(english, organisation, facilitator):
    english.force_login(facilitator)

    empty = english.get(sessions_url(organisation))
    assert empty.status_code == 200
    assert "No live meetings yet" in empty.content.decode()

    created = english.post(
        sessions_url(organisation), {"title": "  Forum   Tillit  ", "open_to_all": "on", "ask_background": "on"}
    )

    session = LiveSession.objects.get()
    assert created.status_code == 302
    assert created["Location"] == agenda_url(session)
    assert (session.title, session.open_to_all, session.ask_background) == ("Forum Tillit", True, True)
    assert session.organisation == organisation
    listed = english.get(sessions_url(organisation)).content.decode()
    assert "Forum Tillit" in listed
    assert session.code in listed


def test_a_meeting_without_a_title_is_refused_and_nothing_is_created(english, organisation, facilitator):
    english.force_login(facilitator)

    response = english.post(sessions_url(organisation), {"title": "   "})

    assert response.status_code == 422
    assert "Give the meeting a title." in response.content.decode()
    assert not LiveSession.objects.exists()


def test_the_list_is_newest_first_and_paginated_25_a_page(english, organisation, facilitator):
    for number in range(27):
        actions.create_session(organisation=organisation, title=f"Möte {number:02d}")
    english.force_login(facilitator)

    first = english.get(sessions_url(organisation)).content.decode()
    second = english.get(sessions_url(organisation) + "?page=2").content.decode()

    assert "Möte 26" in first
    assert "Möte 02" in first
    assert "Möte 01" not in first
    assert "Möte 01" in second
    assert "Möte 00" in second
    assert "Möte 26" not in second
    assert first.index("Möte 26") < first.index("Möte 25")
    assert 'rel="next"' in first
    assert 'rel="prev"' in second
    assert english.get(sessions_url(organisation) + "?page=x").status_code == 200  # a bad page number: the first


def test_another_organisations_meetings_are_not_listed(english, organisation, other_organisation, facilitator):
    actions.create_session(organisation=other_organisation, title="Söderbys möte")
    english.force_login(facilitator)

    assert "Söderbys möte" not in english.get(sessions_url(organisation)).content.decode()


# --- The agenda -------------------------------------------------------------------------------------------------


def test_the_agenda_shows_the_code_the_links_and_the_activities_in_order(english, session, facilitator):
    actions.add_activity(session, kind=Kind.POLL, prompt="Vem styr?", options=["Politiken", "Förvaltningen"])
    actions.add_activity(session, kind=Kind.WORDS, prompt="Ett ord om tillit")
    english.force_login(facilitator)

    page = english.get(agenda_url(session)).content.decode()

    assert session.code in page
    assert f"/live/{session.public_id}/skarm/" in page
    assert f"/live/{session.public_id}/moderera/" in page
    assert settings.SITE_URL + "/l/" in page
    assert page.index("Vem styr?") < page.index("Ett ord om tillit")
    assert "Quick poll" in page
    assert "Word cloud" in page
    assert "Not started" in page
    assert "Politiken · Förvaltningen" in page


def test_activities_move_up_and_down_with_plain_forms(english, session, facilitator):
    first = actions.add_activity(session, kind=Kind.SCALE, prompt="Ett")
    second = actions.add_activity(session, kind=Kind.SCALE, prompt="Två")
    english.force_login(facilitator)

    moved = english.post(agenda_url(session, f"aktiviteter/{second.public_id}/flytta/"), {"direction": "up"})

    assert moved.status_code == 302
    assert moved["Location"].endswith(f"#activity-{second.public_id}")
    assert prompts(session) == ["Två", "Ett"]

    refused = english.post(
        agenda_url(session, f"aktiviteter/{second.public_id}/flytta/"), {"direction": "up"}, follow=True
    )
    assert "The activity is already first." in refused.content.decode()
    assert prompts(session) == ["Två", "Ett"]

    bad = english.post(agenda_url(session, f"aktiviteter/{first.public_id}/flytta/"), {"direction": "sideways"})
    assert bad.status_code == 302
    assert prompts(session) == ["Två", "Ett"]
    assert english.get(agenda_url(session, f"aktiviteter/{first.public_id}/flytta/")).status_code == 405


def test_deleting_asks_first_then_deletes(english, session, facilitator):
    activity = actions.add_activity(session, kind=Kind.SCALE, prompt="Hur mycket tillit?")
    english.force_login(facilitator)
    url = agenda_url(session, f"aktiviteter/{activity.public_id}/ta-bort/")

    asked = english.get(url)
    assert asked.status_code == 200
    assert "Delete the activity?" in asked.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()

    deleted = english.post(url)
    assert deleted.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_the_activity_on_the_screen_cannot_be_deleted(english, session, facilitator):
    activity = actions.add_activity(session, kind=Kind.SCALE, prompt="På skärmen")
    actions.show(session, activity)
    english.force_login(facilitator)

    response = english.post(agenda_url(session, f"aktiviteter/{activity.public_id}/ta-bort/"), follow=True)

    assert "The activity is on the screen now." in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_another_meetings_activity_is_not_found_here(english, organisation, session, facilitator):
    other = actions.create_session(organisation=organisation, title="Annat möte")
    foreign = actions.add_activity(other, kind=Kind.SCALE, prompt="Inte här")
    english.force_login(facilitator)

    for path in ("", "flytta/", "ta-bort/"):
        assert english.get(agenda_url(session, f"aktiviteter/{foreign.public_id}/{path}")).status_code in {404, 405}
    assert english.post(agenda_url(session, f"aktiviteter/{foreign.public_id}/ta-bort/")).status_code == 404
    assert english.get(agenda_url(session, f"aktiviteter/{uuid.uuid4()}/")).status_code == 404
    assert Activity.objects.filter(pk=foreign.pk).exists()


# --- Adding and editing activities ------------------------------------------------------------------------------


def test_adding_asks_for_the_kind_first_then_its_fields(english, session, facilitator):
    english.force_login(facilitator)

    chooser = english.get(agenda_url(session, "aktiviteter/ny/")).content.decode()
    assert 'name="kind"' in chooser
    assert 'value="rating"' in chooser

    poll_form = english.get(agenda_url(session, "aktiviteter/ny/?kind=poll")).content.decode()
    assert 'name="options"' in poll_form
    assert 'name="several"' in poll_form
    assert 'name="scale"' not in poll_form
    scale_form = english.get(agenda_url(session, "aktiviteter/ny/?kind=scale")).content.decode()
    assert 'name="scale"' in scale_form
    assert 'name="options"' not in scale_form

    assert english.get(agenda_url(session, "aktiviteter/ny/?kind=nonsense")).status_code == 422


def test_a_poll_is_added_with_one_choice_per_line(english, session, facilitator):
    english.force_login(facilitator)

    response = english.post(
        agenda_url(session, "aktiviteter/ny/?kind=poll"),
        {"prompt": "Vad hindrar?", "options": "Regler\r\n\r\n  Uppföljning \nTid", "several": "on", "may_change": "on"},
    )

    assert response.status_code == 302
    activity = session.activities.get()
    assert (activity.kind, activity.options, activity.several, activity.may_change) == (
        Kind.POLL,
        ["Regler", "Uppföljning", "Tid"],
        True,
        True,
    )


def test_a_rating_on_the_scale_0_to_10(english, session, facilitator):
    english.force_login(facilitator)

    english.post(
        agenda_url(session, "aktiviteter/ny/?kind=rating"),
        {"prompt": "Betygsätt", "options": "Ett\nTvå", "scale": "0-10"},
    )

    activity = session.activities.get()
    assert (activity.scale_min, activity.scale_max, activity.may_change) == (0, 10, False)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"prompt": "Fråga", "options": "Bara en"}, "Give at least two choices, one per line."),
        ({"prompt": "Fråga", "options": "Ja\nja"}, "Two choices are the same."),
        ({"prompt": "", "options": "Ja\nNej"}, "Write the question or heading."),
        ({"prompt": "x" * 301, "options": "Ja\nNej"}, "At most 300 characters"),
    ],
)
def test_bad_activities_are_refused_with_a_message(english, session, facilitator, data, message):
    english.force_login(facilitator)

    response = english.post(agenda_url(session, "aktiviteter/ny/?kind=poll"), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not session.activities.exists()


def test_a_bad_scale_is_refused(english, session, facilitator):
    english.force_login(facilitator)

    response = english.post(agenda_url(session, "aktiviteter/ny/?kind=scale"), {"prompt": "Hur?", "scale": "2-7"})

    assert response.status_code == 422
    assert not session.activities.exists()


@pytest.fixture
def workshop(organisation, make_member):
    return workshop_actions.create_workshop(
        organisation=organisation,
        leader=make_member(organisation, role="facilitator"),
        title="Hemtjänstens målnedbrytning",
        purpose="Syfte",
        service_user_group="Brukare",
        units=[],
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2027, 1, 31),
    )


def test_a_workshop_step_is_chosen_among_the_organisations_workshops(
    english, session, facilitator, workshop, other_organisation, make_member
):
    foreign = workshop_actions.create_workshop(
        organisation=other_organisation,
        leader=make_member(other_organisation, role="facilitator"),
        title="Söderbys workshop",
        purpose="Syfte",
        service_user_group="Brukare",
        units=[],
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2027, 1, 31),
    )
    english.force_login(facilitator)
    url = agenda_url(session, "aktiviteter/ny/?kind=workshop")

    form = english.get(url).content.decode()
    assert "Hemtjänstens målnedbrytning" in form
    assert "Söderbys workshop" not in form

    refused = english.post(url, {"prompt": "Förslag", "workshop": str(foreign.public_id)})
    assert refused.status_code == 422
    assert not session.activities.exists()

    english.post(url, {"prompt": "Förslag", "workshop": str(workshop.public_id)})
    assert session.activities.get().workshop == workshop


def test_a_dialogue_step_is_chosen_among_the_organisations_dialogues(english, organisation, session, facilitator):
    dialogue = dialogue_actions.create_dialogue(
        organisation=organisation,
        created_by=None,
        question="Vad skapar tillit?",
        opens_on=datetime.date(2026, 11, 1),
        closes_on=datetime.date(2026, 12, 1),
    )
    english.force_login(facilitator)

    english.post(
        agenda_url(session, "aktiviteter/ny/?kind=dialogue"), {"prompt": "Rösta", "dialogue": str(dialogue.public_id)}
    )

    assert session.activities.get().dialogue == dialogue


def test_editing_keeps_what_was_not_asked_and_refuses_changed_choices_once_answered(english, session, facilitator):
    activity = actions.add_activity(session, kind=Kind.POLL, prompt="Före", options=["Ja", "Nej"], several=True)
    english.force_login(facilitator)
    url = agenda_url(session, f"aktiviteter/{activity.public_id}/")

    assert "Före" in english.get(url).content.decode()
    english.post(url, {"prompt": "Efter", "options": "Ja\nNej", "several": "on"})
    activity.refresh_from_db()
    assert (activity.prompt, activity.options, activity.several, activity.may_change) == (
        "Efter",
        ["Ja", "Nej"],
        True,
        False,
    )

    actions.show(session, activity)
    actions.answer(activity, actions.join(session, token="a-phone"), choices=[0])
    refused = english.post(url, {"prompt": "Efter", "options": "Ja\nNej\nKanske"})
    assert refused.status_code == 422
    assert "People have already answered" in refused.content.decode()
    activity.refresh_from_db()
    assert activity.options == ["Ja", "Nej"]


def test_the_settings_change_the_title_and_options(english, session, facilitator):
    english.force_login(facilitator)

    response = english.post(agenda_url(session, "installningar/"), {"title": "Nytt namn", "open_to_all": "on"})

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.open_to_all, session.ask_background) == ("Nytt namn", True, False)
    assert english.post(agenda_url(session, "installningar/"), {"title": ""}).status_code == 422


def test_an_ended_meeting_cannot_be_changed(english, session, facilitator):
    actions.end_session(session)
    english.force_login(facilitator)

    response = english.post(agenda_url(session, "installningar/"), {"title": "Nytt"})

    assert response.status_code == 422
    assert "The meeting has ended" in response.content.decode()
    session.refresh_from_db()
    assert session.title == "Forum Tillit"


# --- Who may ----------------------------------------------------------------------------------------------------


def preparing_paths(session, activity) -> list[str]:
    return [
        agenda_url(session),
        agenda_url(session, "installningar/"),
        agenda_url(session, "aktiviteter/ny/"),
        agenda_url(session, f"aktiviteter/{activity.public_id}/"),
        agenda_url(session, f"aktiviteter/{activity.public_id}/ta-bort/"),
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("facilitator", 200),
        ("org_admin", 200),
        ("employee", 403),
        ("manager", 403),
        ("politician", 403),
        ("outsider", 404),
    ],
)
def test_who_may_prepare(client, organisation, session, request, role, status):
    activity = actions.add_activity(session, kind=Kind.SCALE, prompt="Hur?")
    client.force_login(request.getfixturevalue(role))

    assert client.get(sessions_url(organisation)).status_code == status
    for path in preparing_paths(session, activity):
        assert client.get(path).status_code == status, path
    if status != 200:
        assert client.post(sessions_url(organisation), {"title": "Intrång"}).status_code == status
        post = client.post(agenda_url(session, f"aktiviteter/{activity.public_id}/ta-bort/"))
        assert post.status_code == status
        assert Activity.objects.filter(pk=activity.pk).exists()
        assert LiveSession.objects.count() == 1


def test_a_visitor_is_sent_to_sign_in(client, organisation, session):
    for path in (sessions_url(organisation), agenda_url(session)):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_navigation_has_a_live_entry_for_process_leaders_only(english, organisation, facilitator, employee):
    english.force_login(facilitator)
    start = f"/o/{organisation.slug}/"
    assert sessions_url(organisation) in english.get(start).content.decode()

    english.force_login(employee)
    assert sessions_url(organisation) not in english.get(start).content.decode()
