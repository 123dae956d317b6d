"""The results page of a meeting afterwards: every activity's last release with its tables and charts, the breakdowns
the publication discloses, empty states for what shows nothing, and the door."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import actor_group
from tillit.live import actions, afterwards
from tillit.live.models import Activity
from tillit.live.tests.meetings import english, finished_meeting
from tillit.organisations.models import ActorGroup
from tillit.privacy.suppression import Cell

pytestmark = pytest.mark.django_db

Kind = Activity.Kind


def results_url(session):
    return reverse("live:results", kwargs={"session": session.public_id})


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " "))


@pytest.fixture
def meeting(organisation):
    return finished_meeting(organisation)


def test_the_process_leader_sees_every_activity_with_its_figures_and_the_downloads(
    client, facilitator, meeting, organisation
):
    english(client).force_login(facilitator)

    response = client.get(results_url(meeting.session))

    assert response.status_code == 200
    html = response.content.decode()
    for activity in (meeting.poll, meeting.scale, meeting.words, meeting.questions, meeting.rating, meeting.few):
        assert activity.prompt in html
    text = text_of(html)
    assert "Phones that joined 13" in text
    assert "=Möten 6 46 %" in text  # six of thirteen chose it: 46 per cent
    assert "Rapporter 7 54 %" in text
    assert "Mean: 2.9" in text  # (6 × 4 + 7 × 2) / 13
    assert "Vilken uppföljning kan vi sluta med?" in html
    assert "Vem tar kaffet?" not in html
    for name in ("export_csv", "export_pdf", "send_on"):
        assert reverse(f"live:{name}", kwargs={"session": meeting.session.public_id}) in html


def test_each_chart_has_a_table_of_the_same_figures_beside_it(client, facilitator, meeting):
    english(client).force_login(facilitator)

    html = client.get(results_url(meeting.session)).content.decode()

    charts = re.findall(r'<svg class="bars"[^>]*aria-labelledby="(chart-[0-9a-f-]+)', html)
    assert len(charts) >= 4  # poll, scale, rate these, the poll by actor group and by level
    tables = html.count("<table>")
    assert tables >= len(charts)
    assert '<ul class="word-cloud" aria-hidden="true">' in html  # the cloud is drawn, the table is read


def test_breakdowns_by_actor_group_and_level_show_the_disclosed_groups(client, facilitator, meeting, organisation):
    english(client).force_login(facilitator)

    text = text_of(client.get(results_url(meeting.session)).content.decode())

    politicians = actor_group(organisation, ActorGroup.Key.POLITICIAN).name
    employees = actor_group(organisation, ActorGroup.Key.EMPLOYEE).name
    assert "By actor group" in text
    assert "By level" in text
    assert f"{politicians} 6 100 % 0 %" in text  # the poll: every politician chose the first answer
    assert f"{employees} 7 0 % 100 %" in text
    assert f"{politicians} 6 4.0" in text  # the scale's mean among politicians


def test_an_activity_answered_by_fewer_than_k_shows_nothing_and_says_why(client, facilitator, meeting):
    english(client).force_login(facilitator)

    text = text_of(client.get(results_url(meeting.session)).content.decode())

    section = text.split("Nästan ingen svarade", 1)[1].split("Aldrig startad", 1)[0]
    assert "Fewer than 5 participants answered before the last release, so nothing is shown." in section
    assert "%" not in section
    assert "3" not in section
    assert "The activity was never started." in text.split("Aldrig startad", 1)[1]


def test_an_open_activity_shows_its_release_but_no_breakdown_until_locked(client, facilitator, organisation):
    meeting = finished_meeting(organisation, end=False)
    actions.reopen(meeting.poll)
    english(client).force_login(facilitator)

    shown = afterwards.meeting_results(meeting.session)
    text = text_of(client.get(results_url(meeting.session)).content.decode())

    poll = next(activity for activity in shown.activities if activity.publication.public_id == meeting.poll.public_id)
    assert poll.whole is not None
    assert poll.breakdowns == ()
    assert "Shown once the activity is locked." in text
    assert "The meeting is still going on" in text


def test_when_no_group_can_be_shown_apart_the_page_says_so(client, facilitator, organisation):
    session = actions.create_session(organisation=organisation, title="Liten")
    poll = actions.add_activity(session, kind=Kind.POLL, prompt="Vad tycker du?", options=["Ja", "Nej"])
    actions.show(session, poll)
    group = actor_group(organisation, ActorGroup.Key.POLITICIAN)
    for number in range(6):  # five politicians and one who stated nothing: the politicians alone would tell
        stated = {"actor_group": group} if number < 5 else {}
        actions.answer(poll, actions.join(session, token=f"t{number}", **stated), choices=[number % 2])
    actions.lock(poll)
    english(client).force_login(facilitator)

    text = text_of(client.get(results_url(session)).content.decode())

    assert "No actor group or level can be shown apart" in text


def test_a_meeting_without_activities_has_an_empty_state(client, facilitator, organisation):
    session = actions.create_session(organisation=organisation, title="Tomt")
    english(client).force_login(facilitator)

    response = client.get(results_url(session))

    assert response.status_code == 200
    assert "The meeting has no activities, so there are no results." in response.content.decode()


def test_the_figures_come_from_the_publication_as_cells(meeting):
    shown = afterwards.meeting_results(meeting.session)

    assert isinstance(shown.participants, Cell)
    assert shown.participants.value == 13
    few = next(activity for activity in shown.activities if activity.publication.prompt == "Nästan ingen svarade")
    assert few.whole is None
    assert few.publication.whole.participants.hidden


@pytest.mark.parametrize(("role", "status"), [("employee", 403), ("outsider", 404), (None, 302)])
def test_the_door_lets_only_process_leaders_and_administrators_in(client, meeting, role, status, request):
    if role:
        client.force_login(request.getfixturevalue(role))

    assert client.get(results_url(meeting.session)).status_code == status


def test_an_administrator_reads_the_results_too(client, org_admin, meeting):
    client.force_login(org_admin)

    assert client.get(results_url(meeting.session)).status_code == 200
