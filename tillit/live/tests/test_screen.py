"""The big screen from the outside: the way in always visible (address, code, QR code), the participant count
through the threshold, the region live.js polls (which releases first), each kind's results with a table beside its
chart, results hidden by the moderator, and who may open it."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import segno
from django.conf import settings

from conftest import actor_group, level
from tillit.live import actions, rendering
from tillit.live.models import Activity
from tillit.organisations.models import ActorGroup
from tillit.workshops import actions as workshop_actions

pytestmark = pytest.mark.django_db

Kind = Activity.Kind


@pytest.fixture
def presenter(english, facilitator):
    english.force_login(facilitator)
    return english


def screen_url(session, path: str = "") -> str:
    return f"/live/{session.public_id}/skarm/{path}"


def on_now(session, kind=Kind.POLL, **fields) -> Activity:
    if kind in (Kind.POLL, Kind.RATING) and "options" not in fields:
        fields["options"] = ["Regler", "Uppföljning", "Tid"]
    activity = actions.add_activity(session, kind=kind, prompt=fields.pop("prompt", "Vad hindrar tilliten?"), **fields)
    actions.show(session, activity)
    return activity


def phones(session, count, start=0, verified=False, **background):
    """Phones joining; verified ones as signed-in members, one account each."""
    return [
        actions.join(session, token=f"phone-{n}", member_id=n if verified else None, **background)
        for n in range(start, start + count)
    ]


def text_of(response) -> str:
    """The page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_screen_always_shows_the_address_the_code_and_the_qr_code(presenter, session):
    page = presenter.get(screen_url(session))
    html = page.content.decode()

    assert page.status_code == 200
    address = settings.SITE_URL.removeprefix("https://").removeprefix("http://") + "/l/"
    assert address in html
    assert (
        f"{session.code[:3]}&#8239;{session.code[3:]}" in html or f"{session.code[:3]}\u202f{session.code[3:]}" in html
    )
    assert f'src="/live/{session.public_id}/qr.png"' in html
    assert f'data-live-socket="/ws/live/skarm/{session.public_id}/"' in html
    assert f'data-live-poll="/live/{session.public_id}/skarm/lage/"' in html
    assert 'data-live-kind="screen"' in html
    assert f'data-live-version="{session.version}"' in html
    assert "data-live-region" in html
    assert "data-live-notice" in html
    assert "The meeting starts soon" in text_of(page)
    assert "<script>" not in html
    assert "style=" not in html


def test_the_qr_code_is_a_png_of_the_meetings_address(presenter, session):
    response = presenter.get(f"/live/{session.public_id}/qr.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    expected = io.BytesIO()
    segno.make_qr(f"{settings.SITE_URL}/l/{session.code}/", error="m").save(expected, kind="png", scale=12, border=4)
    assert response.content == expected.getvalue()


def test_the_participant_count_is_hidden_below_k(presenter, session):
    phones(session, 4)
    assert "Fewer than 5 have joined" in text_of(presenter.get(screen_url(session)))

    phones(session, 2, start=4)
    assert "6 have joined" in text_of(presenter.get(screen_url(session)))


def test_the_region_releases_the_answers_and_shows_them_with_a_table_beside_the_chart(presenter, session):
    poll = on_now(session)
    for phone in phones(session, 4):
        actions.answer(poll, phone, choices=[0])

    waiting = presenter.get(screen_url(session, "lage/"))
    assert waiting.status_code == 200
    assert "<html" not in waiting.content.decode()
    assert "The results are shown when at least 5 have answered" in text_of(waiting)
    assert "Regler" in text_of(waiting)
    assert "<table" not in waiting.content.decode()

    actions.answer(poll, phones(session, 1, start=10)[0], choices=[1])
    shown = presenter.get(screen_url(session, "lage/"))
    html = shown.content.decode()

    assert Activity.objects.get(pk=poll.pk).release_number == 1
    assert "5 have answered" in text_of(shown)
    assert "<svg" in html
    assert "<table" in html
    assert re.search(r"Regler</th><td class=\"number\">4</td><td class=\"number\">80&nbsp;%</td>", html)
    assert re.search(r"Uppföljning</th><td class=\"number\">1</td><td class=\"number\">20&nbsp;%</td>", html)
    on_screen = Activity.objects.get(pk=poll.pk)
    assert html == rendering.screen_fragment(on_screen.session, on_screen)


def test_results_hidden_by_the_moderator_are_not_shown(presenter, session):
    poll = on_now(session)
    for phone in phones(session, 5):
        actions.answer(poll, phone, choices=[2])
    actions.set_results_shown(poll, False)

    region = presenter.get(screen_url(session, "lage/"))

    assert "Results are shown later" in text_of(region)
    assert "<table" not in region.content.decode()
    assert "100&nbsp;%" not in region.content.decode()


def test_hiding_shows_the_code_only(presenter, session):
    on_now(session)
    actions.show(session, None)

    region = text_of(presenter.get(screen_url(session, "lage/")))

    assert "Join with the code above" in region
    assert "Vad hindrar tilliten?" not in region


def test_a_scale_shows_its_mean_and_distribution(presenter, session):
    scale = on_now(session, kind=Kind.SCALE)
    for value, phone in zip([1, 2, 3, 4, 5], phones(session, 5), strict=True):
        actions.answer(scale, phone, value=value)

    region = text_of(presenter.get(screen_url(session, "lage/")))

    assert "Mean 3.0" in region
    assert "on a scale from 1 to 5" in region


def test_a_word_cloud_is_a_list_with_the_counts_for_screen_readers_and_a_table(presenter, session):
    words = on_now(session, kind=Kind.WORDS)
    for phone in phones(session, 5):
        actions.answer(words, phone, words=["Tillit", "tid"])

    html = presenter.get(screen_url(session, "lage/")).content.decode()

    assert 'class="word-cloud"' in html
    assert re.search(r'word-cloud__word--5">tillit<span class="visually-hidden"> \(5 said it\)', html)
    assert "<table" in html


def test_rate_these_are_ranked_with_their_means(presenter, session):
    rating = on_now(session, kind=Kind.RATING, options=["Tid", "Tillit"])
    for phone in phones(session, 5):
        actions.answer(rating, phone, values=[2, 4])

    html = presenter.get(screen_url(session, "lage/")).content.decode()

    assert html.index("Tillit (mean 4.0)") < html.index("Tid (mean 2.0)")
    assert re.search(r'<td class="number">1</td><th scope="row">Tillit</th><td class="number">4.0</td>', html)


def test_questions_show_the_one_on_screen_large(presenter, session):
    panel = on_now(session, kind=Kind.QUESTIONS, moderated=True)
    asker = phones(session, 1)[0]
    approved = actions.ask(panel, asker, "Vem bestämmer?")
    actions.ask(panel, asker, "Väntar på moderering")
    actions.moderate(approved, status="approved", on_screen=True)

    html = presenter.get(screen_url(session, "lage/")).content.decode()

    assert re.search(r'screen-question--current"><p>Vem bestämmer\?</p>', html)
    assert "Väntar på moderering" not in html


def test_a_breakdown_is_shown_after_the_lock(presenter, session):
    organisation = session.organisation
    poll = on_now(session)
    employees = {"actor_group": actor_group(organisation, ActorGroup.Key.EMPLOYEE), "level": level(organisation, 5)}
    politicians = {"actor_group": actor_group(organisation, ActorGroup.Key.POLITICIAN), "level": level(organisation, 1)}
    for phone in phones(session, 6, verified=True, **employees):
        actions.answer(poll, phone, choices=[0])
    for phone in phones(session, 6, start=6, verified=True, **politicians):
        actions.answer(poll, phone, choices=[1])

    assert "Where groups differ" not in text_of(presenter.get(screen_url(session, "lage/")))
    actions.lock(poll)
    region = text_of(presenter.get(screen_url(session, "lage/")))

    assert "Voting is closed" in region
    assert "Where groups differ" in region
    assert employees["actor_group"].name in region
    assert politicians["actor_group"].name in region


def test_a_workshop_step_shows_how_many_take_part_only_from_k(presenter, session, organisation, make_member):
    workshop = workshop_actions.create_workshop(
        organisation=organisation,
        leader=make_member(organisation, role="facilitator"),
        title="Målnedbrytning hemtjänst",
        purpose="Syfte",
        service_user_group="Brukare",
        units=[],
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2027, 1, 31),
    )
    on_now(session, kind=Kind.WORKSHOP, workshop=workshop)

    region = text_of(presenter.get(screen_url(session, "lage/")))

    assert "Målnedbrytning hemtjänst" in region
    assert "Fewer than 5 take part so far" in region  # one leader takes part: fewer than k


def test_an_ended_meeting_says_so(presenter, session):
    on_now(session)
    actions.end_session(session)

    assert "The meeting has ended" in text_of(presenter.get(screen_url(session)))


@pytest.mark.parametrize(
    ("role", "status"),
    [("facilitator", 200), ("org_admin", 200), ("employee", 403), ("politician", 403), ("outsider", 404)],
)
def test_who_may_open_the_screen(client, session, request, role, status):
    client.force_login(request.getfixturevalue(role))

    for path in (screen_url(session), screen_url(session, "lage/"), f"/live/{session.public_id}/qr.png"):
        assert client.get(path).status_code == status, path


def test_a_visitor_is_sent_to_sign_in(client, session):
    response = client.get(screen_url(session))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get(f"/live/{session.public_id}/qr.png").status_code == 302
