"""Answering a round: the personal link, the open link, drafts on the device, and what is refused."""

from __future__ import annotations

import datetime
import json
import threading

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tillit.barometer import actions, responding
from tillit.barometer.models import Answer, Invitation, Item, OpenAnswer, Response, Round, Theme
from tillit.organisations.models import ActorGroup, Level, Membership, Unit

pytestmark = pytest.mark.django_db


def invitation_of(round: Round, user) -> Invitation:  # type: ignore[no-untyped-def]
    return Invitation.objects.select_related("round").get(round=round, membership__user=user)


def personal_url(round: Round, user) -> str:  # type: ignore[no-untyped-def]
    token = actions.invitation_token(invitation_of(round, user))
    return reverse("barometer:respond", args=[round.public_id, token])


def open_url(round: Round, key: str | None = None) -> str:
    return reverse("barometer:respond_open", args=[round.public_id, key or round.open_key])


def items(round: Round, kind: str) -> list[Item]:
    return list(round.instrument.items.filter(kind=kind))


def some_answers(round: Round) -> dict[str, str]:
    scale = items(round, Item.Kind.SCALE)
    open_items = items(round, Item.Kind.OPEN)
    return {
        f"scale_{scale[0].code}": "4",
        f"scale_{scale[1].code}": "dont_know",
        f"scale_{scale[2].code}": "1",
        f"open_{open_items[0].code}": "Mer tid hos brukaren",
        "action": "submit",
    }


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# The personal link ----------------------------------------------------------------------------------------


def test_the_questionnaire_shows_every_theme_the_scale_and_the_notices(client, organisation, employee, make_round):
    round = make_round(organisation)
    response = client.get(personal_url(round, employee))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = page(response)
    scale, open_items = items(round, Item.Kind.SCALE), items(round, Item.Kind.OPEN)
    assert scale[0].text_sv in html
    assert all(item.text_sv in html for item in open_items)
    assert html.count('type="radio"') == 6 * len(scale)
    assert html.count("<textarea") == len(open_items) == 3
    assert html.count('maxlength="2000"') == 3
    for label in ("Stämmer inte alls", "Stämmer helt", "Vet ej", "Skicka svar", "Spara och fortsätt senare"):
        assert label in html
    themes = list(dict.fromkeys(round.instrument.items.values_list("theme", flat=True)))
    assert html.count('<h2 class="theme__title">') == len(themes)
    with translation.override("sv"):
        assert f'<legend class="theme__legend"><h2 class="theme__title">{Theme.DELEGATION.label}</h2>' in html
    assert "allmän handling" in html
    assert "minst 5 personer" in html
    assert "sparas utan ditt namn" in html
    assert "css/barometer.css" in html


def test_the_personal_link_stores_one_response_with_the_invitations_groups(client, organisation, employee, make_round):
    round = make_round(organisation)
    invitation = invitation_of(round, employee)
    membership = Membership.objects.get(user=employee)
    scale, open_items = items(round, Item.Kind.SCALE), items(round, Item.Kind.OPEN)

    response = client.post(personal_url(round, employee), some_answers(round))

    assert response.status_code == 302
    assert response["Location"] == reverse("barometer:thanks", args=[round.public_id])
    stored = Response.objects.get()
    assert (stored.round, stored.unit_id, stored.level_id, stored.actor_group_id) == (
        round,
        membership.unit_id,
        membership.level_id,
        membership.actor_group_id,
    )
    assert dict(Answer.objects.values_list("item__code", "value")) == {
        scale[0].code: 4,
        scale[1].code: None,
        scale[2].code: 1,
    }
    assert list(OpenAnswer.objects.values_list("item_id", "text")) == [(open_items[0].pk, "Mer tid hos brukaren")]
    invitation.refresh_from_db()
    assert invitation.answered
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Tack för dina svar!" in page(thanks)


def test_has_answered_is_written_in_the_same_transaction_as_the_answers(
    organisation, employee, make_round, monkeypatch
):
    round = make_round(organisation)
    invitation = invitation_of(round, employee)
    token = actions.invitation_token(invitation)
    answers = actions.clean_answers(round, {items(round, Item.Kind.SCALE)[0].code: "3"}, {})

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Answer.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        actions.answer_with_invitation(round=round, token=token, answers=answers)
    invitation.refresh_from_db()
    assert not invitation.answered
    assert not Response.objects.exists()


def test_a_second_answer_through_the_same_link_is_refused(client, organisation, employee, make_round):
    round = make_round(organisation)
    url = personal_url(round, employee)
    assert client.post(url, some_answers(round)).status_code == 302

    again = client.post(url, some_answers(round))
    assert again.status_code == 409
    assert "Du har redan svarat. Tack!" in page(again)
    shown = client.get(url)
    assert shown.status_code == 200
    assert "Du har redan svarat. Tack!" in page(shown)
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 3


def test_a_forged_token_finds_nothing_and_stores_nothing(client, organisation, employee, make_round):
    round = make_round(organisation)
    forged = "0" * 48
    url = reverse("barometer:respond", args=[round.public_id, forged])
    for response in (client.get(url), client.post(url, some_answers(round))):
        assert response.status_code == 404
        assert "Länken gäller inte" in page(response)
    unknown_round = reverse("barometer:respond", args=["00000000-0000-4000-8000-000000000000", forged])
    assert client.get(unknown_round).status_code == 404
    assert not Response.objects.exists()


def test_a_token_of_another_round_or_organisation_is_not_valid_here(
    client, organisation, other_organisation, employee, outsider, make_round
):
    ours = make_round(organisation)
    theirs = make_round(other_organisation)
    our_second = make_round(organisation, name="Andra omgången")
    for other_round, user in ((theirs, outsider), (our_second, employee)):
        token = actions.invitation_token(invitation_of(other_round, user))
        url = reverse("barometer:respond", args=[ours.public_id, token])
        assert client.get(url).status_code == 404
        response = client.post(url, some_answers(ours))
        assert response.status_code == 404
        assert "Länken gäller inte" in page(response)
    assert not Response.objects.exists()
    assert not Invitation.objects.filter(answered=True).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scale_trust_1": "7"}, "Svara på skalan från 1 till 5"),
        ({"scale_trust_1": "-1"}, "Svara på skalan från 1 till 5"),
        ({"scale_no_such_item": "3"}, "Svaren stämmer inte med enkäten"),
        ({"scale_open_value": "3"}, "Svaren stämmer inte med enkäten"),
        ({"open_trust_1": "Text"}, "Svaren stämmer inte med enkäten"),
        ({"open_open_value": "x" * 2001}, "2000 tecken"),
    ],
)
def test_bad_answers_are_explained_and_nothing_is_stored(client, organisation, employee, make_round, change, message):
    round = make_round(organisation)
    response = client.post(personal_url(round, employee), some_answers(round) | change)
    assert response.status_code == 400
    html = page(response)
    assert message in html
    assert "Inget har skickats än." in html
    assert 'value="1" checked' in html  # what was answered is kept for the next try
    assert not Response.objects.exists()
    assert not invitation_of(round, employee).answered


def test_a_too_long_open_answer_is_marked_at_its_field(client, organisation, employee, make_round):
    round = make_round(organisation)
    response = client.post(personal_url(round, employee), {"open_open_value": "å" * 2001, "action": "submit"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in page(response)
    assert "Högst 2000 tecken (nu 2001)" in page(response)


def test_an_empty_answer_is_not_sent(client, organisation, employee, make_round):
    round = make_round(organisation)
    response = client.post(personal_url(round, employee), {"action": "submit", "open_open_value": "   "})
    assert response.status_code == 400
    assert "Svara på minst en fråga" in page(response)
    assert not Response.objects.exists()
    assert not invitation_of(round, employee).answered


def test_a_closed_round_takes_no_answers(client, organisation, employee, make_round):
    round = make_round(organisation, closed=True)
    url = personal_url(round, employee)
    assert client.get(url).status_code == 410
    response = client.post(url, some_answers(round))
    assert response.status_code == 410
    assert "Enkäten har stängt" in page(response)
    open_response = client.post(open_url(round), some_answers(round))
    assert open_response.status_code == 410
    assert not Response.objects.exists()
    assert not invitation_of(round, employee).answered


def test_a_round_past_its_closing_date_takes_no_answers(client, organisation, employee, make_round):
    round = make_round(organisation)
    url = personal_url(round, employee)
    Round.objects.filter(pk=round.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    assert client.post(url, some_answers(round)).status_code == 410
    assert not Response.objects.exists()


def test_a_round_not_yet_open_takes_no_answers(client, organisation, employee, make_round):
    today = timezone.localdate()
    not_launched = make_round(organisation, launched=False)
    response = client.get(open_url(not_launched))
    assert response.status_code == 200
    assert "Enkäten har inte öppnat än" in page(response)
    assert client.post(open_url(not_launched), some_answers(not_launched)).status_code == 200

    launched_early = make_round(
        organisation,
        name="Våren",
        opens_on=today + datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=20),
    )
    url = personal_url(launched_early, employee)
    response = client.post(url, some_answers(launched_early))
    assert response.status_code == 200
    assert "Enkäten har inte öppnat än" in page(response)
    assert not Response.objects.exists()
    assert not invitation_of(launched_early, employee).answered


# The open link ---------------------------------------------------------------------------------------------


def respondent(unit: Unit, organisation) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "unit": str(unit.public_id),
        "level": str(Level.objects.get(organisation=organisation, rank=5).public_id),
        "actor_group": str(ActorGroup.objects.get(organisation=organisation, key="employee").public_id),
    }


def test_a_wrong_open_key_finds_nothing(client, organisation, make_round):
    round = make_round(organisation)
    for key in ("wrong", round.open_key[:-1] + ("A" if round.open_key[-1] != "A" else "B")):
        response = client.get(open_url(round, key))
        assert response.status_code == 404
        assert "Länken gäller inte" in page(response)
        assert client.post(open_url(round, key), some_answers(round)).status_code == 404
    assert not Response.objects.exists()


def test_the_open_link_asks_for_the_unit_first_then_stores_the_choice(client, organisation, home_unit, make_round):
    round = make_round(organisation)
    first = client.get(open_url(round))
    assert first.status_code == 200
    html = page(first)
    assert "Socialförvaltningen / Hemtjänst Norr" in html
    assert "Din enhet" in html
    assert "minst 5 personer" in html

    missing = client.post(open_url(round), {"action": "choose"})
    assert missing.status_code == 400
    assert "Välj den enhet du arbetar i." in page(missing)

    chosen = respondent(home_unit, organisation)
    questionnaire = client.post(open_url(round), chosen | {"action": "choose"})
    assert questionnaire.status_code == 200
    assert "Skicka svar" in page(questionnaire)
    assert f'value="{home_unit.public_id}" selected' in page(questionnaire)

    response = client.post(open_url(round), chosen | some_answers(round))
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.unit == home_unit
    assert stored.level.rank == 5
    assert stored.actor_group.key == "employee"
    assert Answer.objects.filter(response=stored).count() == 3
    cookie = response.cookies[responding.ANSWERED_COOKIE]
    assert cookie["path"] == f"/b/{round.public_id}/"
    assert cookie["httponly"]


def test_level_and_actor_group_are_optional_on_the_open_link(client, organisation, home_unit, make_round):
    round = make_round(organisation)
    response = client.post(open_url(round), {"unit": str(home_unit.public_id)} | some_answers(round))
    assert response.status_code == 302
    stored = Response.objects.get()
    assert (stored.unit, stored.level, stored.actor_group) == (home_unit, None, None)


def test_the_open_link_takes_one_answer_per_device(client, organisation, home_unit, make_round):
    round = make_round(organisation)
    answer = respondent(home_unit, organisation) | some_answers(round)
    assert client.post(open_url(round), answer).status_code == 302

    again = client.post(open_url(round), answer)
    assert again.status_code == 409
    assert "Svar har redan skickats från den här webbläsaren" in page(again)
    assert client.get(open_url(round)).status_code == 200
    assert Response.objects.count() == 1
    # Another device is another respondent: the open link cannot tell more without identifying people.
    assert Client().post(open_url(round), answer).status_code == 302
    assert Response.objects.count() == 2


@pytest.mark.parametrize("field", ["unit", "level", "actor_group"])
def test_another_organisations_unit_level_or_group_is_refused(
    client, organisation, other_organisation, home_unit, make_round, field
):
    round = make_round(organisation)
    foreign = {
        "unit": Unit.objects.get(organisation=other_organisation).public_id,
        "level": Level.objects.filter(organisation=other_organisation).first().public_id,
        "actor_group": ActorGroup.objects.filter(organisation=other_organisation).first().public_id,
    }
    posted = respondent(home_unit, organisation) | {field: str(foreign[field])}
    choosing = client.post(open_url(round), posted | {"action": "choose"})
    assert choosing.status_code == 400
    response = client.post(open_url(round), posted | some_answers(round))
    assert response.status_code == 400
    assert "Välj en av" in page(response)
    assert "Inget har skickats än." in page(response)
    assert not Response.objects.exists()
    assert responding.ANSWERED_COOKIE not in response.cookies


def test_a_closed_unit_cannot_be_chosen(client, organisation, home_unit, make_round):
    round = make_round(organisation)
    Unit.objects.filter(pk=home_unit.pk).update(closed_at=timezone.now())
    response = client.post(open_url(round), respondent(home_unit, organisation) | some_answers(round))
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_the_open_link_is_rate_limited_per_address(organisation, home_unit, make_round, monkeypatch):
    monkeypatch.setattr(responding, "OPEN_ANSWERS_PER_ADDRESS_PER_HOUR", 1)
    round = make_round(organisation)
    answer = respondent(home_unit, organisation) | some_answers(round)
    assert Client().post(open_url(round), answer).status_code == 302
    refused = Client().post(open_url(round), answer)
    assert refused.status_code == 429
    assert "För många svar" in page(refused)
    assert Response.objects.count() == 1


# Drafts on the device --------------------------------------------------------------------------------------


def test_a_draft_is_saved_on_the_device_and_cleared_when_the_answers_are_sent(
    client, organisation, employee, make_round
):
    round = make_round(organisation)
    url = personal_url(round, employee)
    token = url.rstrip("/").rsplit("/", 1)[1]
    scale = items(round, Item.Kind.SCALE)
    draft = {f"scale_{scale[0].code}": "2", "open_open_value": "Kontinuitet i mötet", "action": "save"}

    saved = client.post(url, draft)

    assert saved.status_code == 302
    assert saved["Location"] == url
    assert not Response.objects.exists()
    cookie = saved.cookies[responding.DRAFT_COOKIE]
    assert cookie["path"] == f"/b/{round.public_id}/"
    assert cookie["httponly"]
    assert token not in cookie.value
    kept = signing.loads(cookie.value, salt=responding._draft_salt(round, token), serializer=responding._CompactJSON)
    assert token not in json.dumps(kept)
    assert kept == {f"scale_{scale[0].code}": "2", "open_open_value": "Kontinuitet i mötet"}

    resumed = client.get(url)
    html = page(resumed)
    assert "sparade i den här webbläsaren" in html
    assert f'name="scale_{scale[0].code}" value="2" checked' in html
    assert "Kontinuitet i mötet</textarea>" in html

    sent = client.post(url, some_answers(round))
    assert sent.status_code == 302
    assert sent.cookies[responding.DRAFT_COOKIE].value == ""
    assert sent.cookies[responding.DRAFT_COOKIE]["max-age"] == 0
    assert Response.objects.count() == 1


def test_a_draft_is_not_read_through_another_link(client, organisation, employee, manager, make_round):
    round = make_round(organisation)
    client.post(personal_url(round, employee), {"open_open_value": "Mitt utkast", "action": "save"})
    other = client.get(personal_url(round, manager))
    assert other.status_code == 200
    assert "Mitt utkast" not in page(other)
    assert "Mitt utkast" in page(client.get(personal_url(round, employee)))


def test_a_tampered_draft_is_ignored(client, organisation, employee, make_round):
    round = make_round(organisation)
    url = personal_url(round, employee)
    client.post(url, {"open_open_value": "Mitt utkast", "action": "save"})
    client.cookies[responding.DRAFT_COOKIE] = client.cookies[responding.DRAFT_COOKIE].value[:-2] + "xx"
    response = client.get(url)
    assert response.status_code == 200
    assert "Mitt utkast" not in page(response)


def test_long_open_answers_are_shortened_to_keep_the_draft_under_four_kilobytes(
    client, organisation, employee, make_round
):
    round = make_round(organisation)
    url = personal_url(round, employee)
    scale = items(round, Item.Kind.SCALE)
    sentence = "Vi behöver mer tid hos brukaren och färre blanketter att fylla i efter varje besök. "
    texts = {f"open_{item.code}": (sentence * 30)[:2000] for item in items(round, Item.Kind.OPEN)}
    scale_answers = {f"scale_{item.code}": "3" for item in scale}
    saved = client.post(url, scale_answers | texts | {"action": "save"})
    assert len(saved.cookies[responding.DRAFT_COOKIE].value) <= responding.DRAFT_COOKIE_MAX_BYTES
    resumed = page(client.get(url))
    assert f"de första {responding.DRAFT_TEXT_LIMIT} tecknen" in resumed
    assert resumed.count('value="3" checked') == len(scale)

    # Text that hardly compresses is shortened further, and still fits.
    noise = "".join(chr(0x4E00 + (n * 7919) % 20000) for n in range(2000))
    noisy = client.post(url, {f"open_{item.code}": noise for item in items(round, Item.Kind.OPEN)} | {"action": "save"})
    assert len(noisy.cookies[responding.DRAFT_COOKIE].value) <= responding.DRAFT_COOKIE_MAX_BYTES


def test_ordinary_open_answers_fit_in_a_draft_whole(organisation, make_round):
    round = make_round(organisation)
    link = responding.Link(round, "/", None, responding._draft_salt(round, "open"))
    sentence = "Vi behöver mer tid hos brukaren och färre blanketter att fylla i efter varje besök. "
    posted = {f"open_{item.code}": (sentence * 20)[: responding.DRAFT_TEXT_LIMIT] for item in items(round, "open")}
    posted |= {f"scale_{item.code}": "dont_know" for item in items(round, "scale")}
    draft, value = responding.draft_from(link, list(round.instrument.items.all()), posted)
    assert value is not None
    assert not draft.shortened


def test_the_open_link_keeps_no_draft_for_the_next_person_at_a_shared_computer(
    client, organisation, home_unit, make_round
):
    round = make_round(organisation)
    posted = respondent(home_unit, organisation) | {"open_open_value": "Mitt utkast", "action": "save"}
    refused = client.post(open_url(round), posted)
    assert refused.status_code == 400
    assert "kan inte sparas" in page(refused)
    assert not Response.objects.exists()
    next_person = client.get(open_url(round))
    html = page(next_person)
    assert "Mitt utkast" not in html
    assert f'value="{home_unit.public_id}" selected' not in html


# Concurrency -----------------------------------------------------------------------------------------------


# The in-memory SQLite test database locks whole tables across threads, so real concurrency is checked on
# PostgreSQL, the production database.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need the PostgreSQL run")
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_submissions_of_one_token_store_one_response(organisation, employee, make_round):
    round = make_round(organisation)
    url = personal_url(round, employee)
    answers = some_answers(round)
    start = threading.Barrier(10, timeout=60)
    statuses: list[int] = []

    def post() -> None:
        try:
            start.wait()
            statuses.append(Client().post(url, answers).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _number in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] + [409] * 9
    assert Response.objects.filter(round=round).count() == 1
    assert Answer.objects.count() == 3
    assert invitation_of(round, employee).answered
