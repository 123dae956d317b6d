"""Answering a round: the personal link (its token kept out of later addresses), the open link (capped by the
population, closed to those with a personal link), drafts on the device, masking, and what is refused. Long (about 810 lines):
every way in and every refusal of the answering pages."""

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
from django.utils.html import escape
from django.utils.translation import gettext

from tillit.barometer import actions, cookies
from tillit.barometer.models import (
    Answer,
    Invitation,
    Item,
    OpenAnswer,
    PendingResponse,
    PopulationCount,
    Response,
    Round,
    Theme,
)
from tillit.barometer.views import responding
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import ActorGroup, Level, Membership, Unit
from tillit.privacy.masking import mask_personal_data, removal_notice

pytestmark = pytest.mark.django_db


def invitation_of(round: Round, user) -> Invitation:
    return Invitation.objects.select_related("round").get(round=round, membership__user=user)


def token_of(round: Round, user) -> str:
    return actions.invitation_token(invitation_of(round, user))


def personal_url(round: Round, user) -> str:
    """The personal link as the e-mail has it, with the token."""
    return reverse("barometer:respond", args=[round.public_id, token_of(round, user)])


def answer_url(round: Round) -> str:
    return f"/b/{round.public_id}/svar/"


def visit(client: Client, round: Round, user) -> str:
    """Open the personal link as from the e-mail; the address, without the token, where the questionnaire is."""
    first = client.get(personal_url(round, user))
    assert first.status_code == 302
    assert first["Location"] == answer_url(round)
    return first["Location"]


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


def page(response) -> str:
    return response.content.decode()


def sv(message: str) -> str:
    """A message as the Swedish page shows it (HTML-escaped), from the catalogue."""
    with translation.override("sv"):
        return escape(gettext(message))


UNIT_FULL = (
    "The unit you chose already has as many answers as it had members when the survey opened, so it takes no more "
    "through the open link. Check that you chose the right unit. If you did, contact whoever sent you the survey."
)
USE_PERSONAL_LINK = "You have a personal link to this survey"


def received(round: Round) -> int:
    """Answers the round holds: mixed responses and those waiting in the inbox."""
    return Response.objects.filter(round=round).count() + PendingResponse.objects.filter(round=round).count()


def mixed(round: Round) -> list[Response]:
    """Mix whatever waits in the inbox, and read the round's responses."""
    actions.mix_inbox(round=round)
    return list(Response.objects.filter(round=round))


@pytest.fixture
def staff(organisation, make_member, home_unit) -> None:
    """Six members on Hemtjänst Norr, so the unit's population leaves room for answers through the open link."""
    for _number in range(6):
        make_member(organisation, unit=home_unit)


# The personal link ----------------------------------------------------------------------------------------


def test_the_questionnaire_shows_every_theme_the_scale_and_the_notices(client, organisation, employee, make_round):
    round = make_round(organisation)
    response = client.get(visit(client, round, employee))
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
    assert "personnummer" in html
    assert "minst 5 personer" in html
    assert "sparas utan ditt namn" in html
    assert "css/barometer.css" in html
    assert f'action="{answer_url(round)}"' in html


def test_the_first_visit_keeps_the_token_in_a_cookie_and_moves_to_an_address_without_it(
    client, organisation, employee, make_round
):
    round = make_round(organisation)
    token = token_of(round, employee)

    first = client.get(personal_url(round, employee))

    assert first.status_code == 302
    assert first["Location"] == answer_url(round)
    assert token not in first["Location"]
    cookie = first.cookies[cookies.LINK_COOKIE]
    assert cookie["path"] == answer_url(round)
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # the test settings serve plain HTTP; see the next test
    assert int(cookie["max-age"]) > 0
    assert first.cookies[cookies.LINK_COOKIE].value != token  # signed, not the bare token
    questionnaire = client.get(first["Location"])
    assert questionnaire.status_code == 200
    assert "Skicka svar" in page(questionnaire)
    assert token not in page(questionnaire)


def test_the_link_cookie_is_secure_when_the_site_is(client, organisation, employee, make_round, settings):
    settings.SESSION_COOKIE_SECURE = True
    round = make_round(organisation)
    first = client.get(personal_url(round, employee))
    assert first.cookies[cookies.LINK_COOKIE]["secure"]


def test_the_answer_is_sent_to_an_address_without_the_token(client, organisation, employee, make_round):
    round = make_round(organisation)
    token = token_of(round, employee)
    url = visit(client, round, employee)

    response = client.post(url, some_answers(round))

    assert response.status_code == 302
    assert response.request["PATH_INFO"] == answer_url(round)
    assert token not in response.request["PATH_INFO"]
    assert response["Location"] == reverse("barometer:thanks", args=[round.public_id])
    assert received(round) == 1
    assert invitation_of(round, employee).answered


def test_the_personal_link_stores_one_response_with_the_invitations_groups(client, organisation, employee, make_round):
    round = make_round(organisation)
    invitation = invitation_of(round, employee)
    membership = Membership.objects.get(user=employee)
    scale, open_items = items(round, Item.Kind.SCALE), items(round, Item.Kind.OPEN)

    response = client.post(visit(client, round, employee), some_answers(round))

    assert response.status_code == 302
    assert PendingResponse.objects.filter(round=round).count() == 1  # waits for a batch to be mixed with
    (stored,) = mixed(round)
    assert (stored.round, stored.unit_id, stored.level_id, stored.actor_group_id, stored.verified) == (
        round,
        membership.unit_id,
        membership.level_id,
        membership.actor_group_id,
        True,
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

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(PendingResponse.objects, "create", fail)
    with pytest.raises(RuntimeError):
        actions.answer_with_invitation(round=round, token=token, answers=answers)
    invitation.refresh_from_db()
    assert not invitation.answered
    assert not invitation.awaiting_mix
    assert received(round) == 0


def test_a_second_answer_through_the_same_link_is_refused(client, organisation, employee, make_round):
    round = make_round(organisation)
    url = visit(client, round, employee)
    assert client.post(url, some_answers(round)).status_code == 302

    again = client.post(url, some_answers(round))
    assert again.status_code == 409
    assert "Du har redan svarat. Tack!" in page(again)
    shown = client.get(url)
    assert shown.status_code == 200
    assert "Du har redan svarat. Tack!" in page(shown)
    from_the_email = client.get(personal_url(round, employee), follow=True)
    assert "Du har redan svarat. Tack!" in page(from_the_email)
    assert received(round) == 1
    assert len(mixed(round)) == 1
    assert Answer.objects.count() == 3


def test_a_forged_token_finds_nothing_stores_nothing_and_sets_no_cookie(client, organisation, employee, make_round):
    round = make_round(organisation)
    forged = "0" * 48
    url = reverse("barometer:respond", args=[round.public_id, forged])
    for response in (client.get(url), client.post(url, some_answers(round))):
        assert response.status_code == 404
        assert "Länken gäller inte" in page(response)
        assert cookies.LINK_COOKIE not in response.cookies
    unknown_round = reverse("barometer:respond", args=["00000000-0000-4000-8000-000000000000", forged])
    assert client.get(unknown_round).status_code == 404
    assert received(round) == 0


def test_the_address_without_the_token_needs_the_cookie(client, organisation, employee, make_round):
    round = make_round(organisation)
    for response in (client.get(answer_url(round)), client.post(answer_url(round), some_answers(round))):
        assert response.status_code == 404
        assert "Länken gäller inte" in page(response)
    assert client.get("/b/00000000-0000-4000-8000-000000000000/svar/").status_code == 404
    assert received(round) == 0
    assert not invitation_of(round, employee).answered


def test_a_tampered_or_foreign_link_cookie_is_not_valid(client, organisation, employee, manager, make_round):
    round = make_round(organisation)
    other_round = make_round(organisation, name="Andra omgången")
    visit(client, round, employee)
    signed = client.cookies[cookies.LINK_COOKIE].value
    client.cookies[cookies.LINK_COOKIE] = signed[:-2] + ("xx" if not signed.endswith("xx") else "yy")
    assert client.get(answer_url(round)).status_code == 404
    # A cookie signed for another round does not open this one, even with a valid token of that round.
    other = Client()
    visit(other, other_round, manager)
    client.cookies[cookies.LINK_COOKIE] = other.cookies[cookies.LINK_COOKIE].value
    assert client.get(answer_url(round)).status_code == 404
    # A bare token in the cookie, unsigned, is not accepted either.
    client.cookies[cookies.LINK_COOKIE] = token_of(round, employee)
    assert client.post(answer_url(round), some_answers(round)).status_code == 404
    assert received(round) == 0


def test_a_form_sent_to_the_address_with_the_token_is_sent_on_without_losing_it(
    client, organisation, employee, make_round
):
    """A page opened before the token moved out of the address still posts there: the answers follow a 307."""
    round = make_round(organisation)
    response = client.post(personal_url(round, employee), some_answers(round))
    assert response.status_code == 307
    assert response["Location"] == answer_url(round)
    assert received(round) == 0
    followed = client.post(response["Location"], some_answers(round))
    assert followed.status_code == 302
    assert received(round) == 1


def test_a_token_of_another_round_or_organisation_is_not_valid_here(
    client, organisation, other_organisation, employee, outsider, make_round
):
    ours = make_round(organisation)
    theirs = make_round(other_organisation)
    our_second = make_round(organisation, name="Andra omgången")
    for other_round, user in ((theirs, outsider), (our_second, employee)):
        token = actions.invitation_token(invitation_of(other_round, user))
        url = reverse("barometer:respond", args=[ours.public_id, token])
        response = client.get(url)
        assert response.status_code == 404
        assert cookies.LINK_COOKIE not in response.cookies
        response = client.post(url, some_answers(ours))
        assert response.status_code == 404
        assert "Länken gäller inte" in page(response)
    assert received(ours) == 0
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
    response = client.post(visit(client, round, employee), some_answers(round) | change)
    assert response.status_code == 400
    html = page(response)
    assert message in html
    assert "Inget har skickats än." in html
    assert 'value="1" checked' in html  # what was answered is kept for the next try
    assert received(round) == 0
    assert not invitation_of(round, employee).answered


def test_a_too_long_open_answer_is_marked_at_its_field(client, organisation, employee, make_round):
    round = make_round(organisation)
    response = client.post(visit(client, round, employee), {"open_open_value": "å" * 2001, "action": "submit"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in page(response)
    assert "Högst 2000 tecken (nu 2001)" in page(response)


def test_an_empty_answer_is_not_sent(client, organisation, employee, make_round):
    round = make_round(organisation)
    response = client.post(visit(client, round, employee), {"action": "submit", "open_open_value": "   "})
    assert response.status_code == 400
    assert "Svara på minst en fråga" in page(response)
    assert received(round) == 0
    assert not invitation_of(round, employee).answered


def test_a_closed_round_takes_no_answers(client, organisation, employee, make_round):
    round = make_round(organisation, closed=True)
    url = visit(client, round, employee)
    assert client.get(url).status_code == 410
    response = client.post(url, some_answers(round))
    assert response.status_code == 410
    assert "Enkäten har stängt" in page(response)
    open_response = client.post(open_url(round), some_answers(round))
    assert open_response.status_code == 410
    assert received(round) == 0
    assert not invitation_of(round, employee).answered


def test_a_round_past_its_closing_date_takes_no_answers(client, organisation, employee, make_round):
    round = make_round(organisation)
    url = visit(client, round, employee)
    Round.objects.filter(pk=round.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    assert client.post(url, some_answers(round)).status_code == 410
    assert received(round) == 0


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
    url = visit(client, launched_early, employee)
    response = client.post(url, some_answers(launched_early))
    assert response.status_code == 200
    assert "Enkäten har inte öppnat än" in page(response)
    assert received(launched_early) == 0
    assert not invitation_of(launched_early, employee).answered


# The open link ---------------------------------------------------------------------------------------------


def respondent(unit: Unit, organisation) -> dict[str, str]:
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
    assert received(round) == 0


def test_the_open_link_asks_for_the_unit_first_then_stores_the_choice(
    client, organisation, home_unit, staff, make_round
):
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
    (stored,) = mixed(round)
    assert stored.unit == home_unit
    assert stored.level.rank == 5
    assert stored.actor_group.key == "employee"
    assert not stored.verified
    assert Answer.objects.filter(response=stored).count() == 3
    cookie = response.cookies[cookies.ANSWERED_COOKIE]
    assert cookie["path"] == f"/b/{round.public_id}/"
    assert cookie["httponly"]


def test_level_and_actor_group_are_optional_on_the_open_link(client, organisation, home_unit, staff, make_round):
    round = make_round(organisation)
    response = client.post(open_url(round), {"unit": str(home_unit.public_id)} | some_answers(round))
    assert response.status_code == 302
    (stored,) = mixed(round)
    assert (stored.unit, stored.level, stored.actor_group) == (home_unit, None, None)


def test_the_open_link_takes_one_answer_per_device(client, organisation, home_unit, staff, make_round):
    round = make_round(organisation)
    answer = respondent(home_unit, organisation) | some_answers(round)
    assert client.post(open_url(round), answer).status_code == 302

    again = client.post(open_url(round), answer)
    assert again.status_code == 409
    assert "Svar har redan skickats från den här webbläsaren" in page(again)
    assert client.get(open_url(round)).status_code == 200
    assert received(round) == 1
    # Another device is another respondent: the open link cannot tell more without identifying people.
    assert Client().post(open_url(round), answer).status_code == 302
    assert received(round) == 2


def test_the_open_link_cannot_pad_a_unit_beyond_its_members_at_opening(
    client, organisation, home_unit, staff, employee, make_round
):
    round = make_round(organisation)
    population = sum(PopulationCount.objects.filter(round=round, unit=home_unit).values_list("count", flat=True))
    assert population == 7  # the six of `staff` and the employee
    client.post(visit(client, round, employee), some_answers(round))  # a personal answer counts too
    answer = respondent(home_unit, organisation) | some_answers(round)
    for _number in range(population - 1):
        assert Client().post(open_url(round), answer).status_code == 302

    refused = Client().post(open_url(round), answer)

    assert refused.status_code == 400
    assert sv(UNIT_FULL) in page(refused)
    assert "Inget har skickats än." in page(refused)
    assert cookies.ANSWERED_COOKIE not in refused.cookies
    assert received(round) == population
    assert (
        Response.objects.filter(round=round, unit=home_unit).count()
        + PendingResponse.objects.filter(round=round, unit=home_unit).count()
        == population
    )


def test_a_unit_made_after_opening_is_not_offered_and_cannot_be_named(
    client, organisation, home_unit, staff, make_member, make_round
):
    round = make_round(organisation)
    team = organisation_actions.create_unit(
        organisation=organisation, name="Team Öst", kind=Unit.Kind.TEAM, parent=home_unit, actor=None
    )
    make_member(organisation, unit=team)  # members added later are not in the round's population either

    offered = page(client.get(open_url(round)))
    assert "Hemtjänst Norr" in offered
    assert "Team Öst" not in offered
    assert str(team.public_id) not in offered
    named = client.post(open_url(round), respondent(team, organisation) | some_answers(round))
    assert named.status_code == 400
    assert "Välj en av" in page(named)
    assert received(round) == 0
    with pytest.raises(actions.BarometerError) as refusal:
        actions.answer_openly(
            round=round,
            unit=team,
            level=None,
            actor_group=None,
            answers=actions.clean_answers(round, {"trust_1": "4"}, {}),
        )
    assert refusal.value.messages == [
        gettext("Choose one of the units that were in the organisation when the survey opened.")
    ]
    assert received(round) == 0


def test_a_member_with_a_personal_link_is_sent_to_it_from_the_open_link(
    client, organisation, home_unit, staff, employee, make_round
):
    round = make_round(organisation)
    client.force_login(employee)

    shown = client.get(open_url(round))
    refused = client.post(open_url(round), respondent(home_unit, organisation) | some_answers(round))

    assert shown.status_code == 200
    assert sv(USE_PERSONAL_LINK) in page(shown)
    assert 'name="unit"' not in page(shown)
    assert refused.status_code == 403
    assert sv(USE_PERSONAL_LINK) in page(refused)
    assert received(round) == 0
    assert not invitation_of(round, employee).answered


def test_a_signed_in_member_without_a_personal_link_may_use_the_open_link(
    client, organisation, home_unit, staff, make_member, make_round
):
    round = make_round(organisation)
    newcomer = make_member(organisation, unit=home_unit, name="Nyanställd")  # joined after the round opened
    client.force_login(newcomer.user)
    response = client.post(open_url(round), respondent(home_unit, organisation) | some_answers(round))
    assert response.status_code == 302
    assert received(round) == 1


@pytest.mark.parametrize("field", ["unit", "level", "actor_group"])
def test_another_organisations_unit_level_or_group_is_refused(
    client, organisation, other_organisation, home_unit, staff, make_round, field
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
    assert received(round) == 0
    assert cookies.ANSWERED_COOKIE not in response.cookies


def test_a_closed_unit_cannot_be_chosen(client, organisation, home_unit, staff, make_round):
    round = make_round(organisation)
    Unit.objects.filter(pk=home_unit.pk).update(closed_at=timezone.now())
    response = client.post(open_url(round), respondent(home_unit, organisation) | some_answers(round))
    assert response.status_code == 400
    assert received(round) == 0


def test_the_open_link_is_rate_limited_per_address(organisation, home_unit, staff, make_round, monkeypatch):
    monkeypatch.setattr(responding, "OPEN_ANSWERS_PER_ADDRESS_PER_HOUR", 1)
    round = make_round(organisation)
    answer = respondent(home_unit, organisation) | some_answers(round)
    assert Client().post(open_url(round), answer).status_code == 302
    refused = Client().post(open_url(round), answer)
    assert refused.status_code == 429
    assert "För många svar" in page(refused)
    assert received(round) == 1


# Personal data in free text ------------------------------------------------------------------------------

PERSONAL = (
    "Ring mig på 070-123 45 67 eller skriv till anna.svensson@norrby.example, mitt personnummer är 19121212-1212."
)


def assert_masked(round: Round) -> None:
    texts = [answer.text for response in mixed(round) for answer in response.open_answers.all()]
    assert len(texts) == 1
    for secret in ("070-123 45 67", "anna.svensson@norrby.example", "19121212-1212", "121212", "1212"):
        assert secret not in texts[0]
    assert "Ring mig på" in texts[0]


def test_personal_data_in_an_open_answer_is_removed_before_storage_and_the_writer_is_told(
    client, organisation, employee, make_round
):
    round = make_round(organisation)
    with translation.override("sv"):
        notice = escape(removal_notice(mask_personal_data(PERSONAL).removed))
    assert notice

    response = client.post(visit(client, round, employee), some_answers(round) | {"open_open_value": PERSONAL})

    assert response.status_code == 302
    thanks = page(client.get(response["Location"]))
    assert notice in thanks
    assert "070-123 45 67" not in thanks
    assert "19121212-1212" not in thanks
    assert_masked(round)


def test_personal_data_is_removed_from_answers_through_the_open_link_too(
    client, organisation, home_unit, staff, make_round
):
    round = make_round(organisation)
    posted = respondent(home_unit, organisation) | some_answers(round) | {"open_open_value": PERSONAL}
    response = client.post(open_url(round), posted)
    assert response.status_code == 302
    assert "070-123 45 67" not in page(client.get(response["Location"]))
    assert_masked(round)


def test_an_answer_without_personal_data_gets_no_notice(client, organisation, employee, make_round):
    round = make_round(organisation)
    response = client.post(visit(client, round, employee), some_answers(round))
    thanks = client.get(response["Location"])
    assert not list(thanks.context["messages"])


# Drafts on the device --------------------------------------------------------------------------------------


def test_a_draft_is_saved_on_the_device_and_cleared_when_the_answers_are_sent(
    client, organisation, employee, make_round
):
    round = make_round(organisation)
    token = token_of(round, employee)
    url = visit(client, round, employee)
    scale = items(round, Item.Kind.SCALE)
    draft = {f"scale_{scale[0].code}": "2", "open_open_value": "Kontinuitet i mötet", "action": "save"}

    saved = client.post(url, draft)

    assert saved.status_code == 302
    assert saved["Location"] == url == answer_url(round)
    assert received(round) == 0
    cookie = saved.cookies[cookies.DRAFT_COOKIE]
    assert cookie["path"] == f"/b/{round.public_id}/"
    assert cookie["httponly"]
    assert token not in cookie.value
    kept = signing.loads(cookie.value, salt=cookies.draft_salt(round, token), serializer=cookies.CompactJSON)
    assert token not in json.dumps(kept)
    assert kept == {f"scale_{scale[0].code}": "2", "open_open_value": "Kontinuitet i mötet"}

    resumed = client.get(url)
    html = page(resumed)
    assert "sparade i den här webbläsaren" in html
    assert f'name="scale_{scale[0].code}" value="2" checked' in html
    assert "Kontinuitet i mötet</textarea>" in html

    sent = client.post(url, some_answers(round))
    assert sent.status_code == 302
    assert sent.cookies[cookies.DRAFT_COOKIE].value == ""
    assert sent.cookies[cookies.DRAFT_COOKIE]["max-age"] == 0
    assert received(round) == 1


def test_a_draft_is_not_read_through_another_link(client, organisation, employee, manager, make_round):
    round = make_round(organisation)
    client.post(visit(client, round, employee), {"open_open_value": "Mitt utkast", "action": "save"})
    other = client.get(visit(client, round, manager))
    assert other.status_code == 200
    assert "Mitt utkast" not in page(other)
    assert "Mitt utkast" in page(client.get(visit(client, round, employee)))


def test_a_tampered_draft_is_ignored(client, organisation, employee, make_round):
    round = make_round(organisation)
    url = visit(client, round, employee)
    client.post(url, {"open_open_value": "Mitt utkast", "action": "save"})
    client.cookies[cookies.DRAFT_COOKIE] = client.cookies[cookies.DRAFT_COOKIE].value[:-2] + "xx"
    response = client.get(url)
    assert response.status_code == 200
    assert "Mitt utkast" not in page(response)


def test_long_open_answers_are_shortened_to_keep_the_draft_under_four_kilobytes(
    client, organisation, employee, make_round
):
    round = make_round(organisation)
    url = visit(client, round, employee)
    scale = items(round, Item.Kind.SCALE)
    sentence = "Vi behöver mer tid hos brukaren och färre blanketter att fylla i efter varje besök. "
    texts = {f"open_{item.code}": (sentence * 30)[:2000] for item in items(round, Item.Kind.OPEN)}
    scale_answers = {f"scale_{item.code}": "3" for item in scale}
    saved = client.post(url, scale_answers | texts | {"action": "save"})
    assert len(saved.cookies[cookies.DRAFT_COOKIE].value) <= cookies.DRAFT_COOKIE_MAX_BYTES
    resumed = page(client.get(url))
    assert f"de första {cookies.DRAFT_TEXT_LIMIT} tecknen" in resumed
    assert resumed.count('value="3" checked') == len(scale)

    # Text that hardly compresses is shortened further, and still fits.
    noise = "".join(chr(0x4E00 + (n * 7919) % 20000) for n in range(2000))
    noisy = client.post(url, {f"open_{item.code}": noise for item in items(round, Item.Kind.OPEN)} | {"action": "save"})
    assert len(noisy.cookies[cookies.DRAFT_COOKIE].value) <= cookies.DRAFT_COOKIE_MAX_BYTES


def test_ordinary_open_answers_fit_in_a_draft_whole(organisation, make_round):
    round = make_round(organisation)
    link = cookies.Link(round, "/", None, cookies.draft_salt(round, "open"))
    sentence = "Vi behöver mer tid hos brukaren och färre blanketter att fylla i efter varje besök. "
    posted = {f"open_{item.code}": (sentence * 20)[: cookies.DRAFT_TEXT_LIMIT] for item in items(round, "open")}
    posted |= {f"scale_{item.code}": "dont_know" for item in items(round, "scale")}
    draft, value = cookies.draft_from(link, list(round.instrument.items.all()), posted)
    assert value is not None
    assert not draft.shortened


def test_the_open_link_keeps_no_draft_for_the_next_person_at_a_shared_computer(
    client, organisation, home_unit, staff, make_round
):
    round = make_round(organisation)
    posted = respondent(home_unit, organisation) | {"open_open_value": "Mitt utkast", "action": "save"}
    refused = client.post(open_url(round), posted)
    assert refused.status_code == 400
    assert "kan inte sparas" in page(refused)
    assert received(round) == 0
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
    clients = [Client() for _number in range(10)]
    urls = {visit(client, round, employee) for client in clients}  # each device opens the link from the e-mail
    (url,) = urls
    answers = some_answers(round)
    start = threading.Barrier(10, timeout=60)
    statuses: list[int] = []

    def post(client: Client) -> None:
        try:
            start.wait()
            statuses.append(client.post(url, answers).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] + [409] * 9
    assert received(round) == 1
    assert len(mixed(round)) == 1
    assert Answer.objects.count() == 3
    assert invitation_of(round, employee).answered
