"""The process leader's barometer screens: rounds and the questionnaire, and who may reach them. Long (about 680
lines): one test per screen and role."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.shortcuts import resolve_url
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from tillit.barometer import actions
from tillit.barometer.models import Instrument, Invitation, Item, Round
from tillit.organisations.models import ActorGroup

LIST = "/o/norrby/barometer/"
CREATE = "/o/norrby/barometer/new/"
QUESTIONNAIRE = "/o/norrby/barometer/questionnaire/"
ADD_ITEM = "/o/norrby/barometer/questionnaire/items/"
ADD_BLOCK = "/o/norrby/barometer/questionnaire/blocks/"
BLOCK = "statskontoret_2016"


def remove_url(item: Item) -> str:
    return f"/o/norrby/barometer/questionnaire/items/{item.pk}/remove/"


def manage_url(round: Round, action: str = "") -> str:
    return f"/b/{round.public_id}/manage/{action}"


def page(response) -> str:
    return response.content.decode()


def feedback(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def round_data(**changes: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "name": "Barometern våren 2027",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=14)).isoformat(),
    }
    data.update(changes)
    return data


@pytest.fixture
def draft_round(organisation, make_round) -> Round:
    return make_round(organisation, launched=False, name="Barometern utkast")


@pytest.fixture
def own_item(organisation) -> Item:
    instrument = actions.editable_instrument(organisation)
    return actions.add_own_item(
        instrument=instrument, theme="trust", kind="scale", text_sv="Vi får pröva nya arbetssätt.", text_en=""
    )


# Who may reach what ------------------------------------------------------------------------------------


def management_requests(round: Round, item: Item) -> list[tuple[str, str, dict]]:
    return [
        ("get", CREATE, {}),
        ("post", CREATE, round_data()),
        ("post", ADD_ITEM, {"theme": "trust", "kind": "scale", "text_sv": "Ny fråga"}),
        ("post", ADD_BLOCK, {"block": BLOCK}),
        ("get", remove_url(item), {}),
        ("post", remove_url(item), {}),
        ("get", manage_url(round), {}),
        ("get", manage_url(round, "edit/"), {}),
        ("post", manage_url(round, "edit/"), round_data()),
        ("get", manage_url(round, "open/"), {}),
        ("post", manage_url(round, "open/"), {}),
        ("get", manage_url(round, "remind/"), {}),
        ("post", manage_url(round, "remind/"), {}),
        ("get", manage_url(round, "close/"), {}),
        ("post", manage_url(round, "close/"), {}),
    ]


@pytest.mark.parametrize("person", ["employee", "manager", "politician"])
def test_members_without_the_process_leader_role_get_403_on_every_management_view(
    client, request, draft_round, own_item, person
):
    client.force_login(request.getfixturevalue(person))
    for method, url, data in management_requests(draft_round, own_item):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)
    draft_round.refresh_from_db()
    assert not draft_round.is_launched
    assert Round.objects.count() == 1
    assert Item.objects.filter(pk=own_item.pk).exists()
    assert not Item.objects.filter(code__startswith="statskontoret").exists()


def test_another_organisations_administrator_finds_nothing(client, outsider, draft_round, own_item):
    client.force_login(outsider)
    for method, url, data in [
        *management_requests(draft_round, own_item),
        ("get", LIST, {}),
        ("get", QUESTIONNAIRE, {}),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
    assert Round.objects.count() == 1
    assert Item.objects.filter(pk=own_item.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, draft_round, own_item):
    login = resolve_url(settings.LOGIN_URL)
    for method, url, data in [
        *management_requests(draft_round, own_item),
        ("get", LIST, {}),
        ("get", QUESTIONNAIRE, {}),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(login), (method, url)
    assert Round.objects.count() == 1


def test_the_process_leader_reaches_every_screen(client, facilitator, make_round, organisation, own_item):
    draft = make_round(organisation, launched=False, name="Utkastet")
    running = make_round(organisation, name="Den öppna")
    client.force_login(facilitator)
    for url in [
        LIST,
        CREATE,
        QUESTIONNAIRE,
        remove_url(own_item),
        manage_url(draft),
        manage_url(draft, "edit/"),
        manage_url(draft, "open/"),
        manage_url(running),
        manage_url(running, "remind/"),
        manage_url(running, "close/"),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("person", ["employee", "manager"])
def test_every_member_may_read_the_questionnaire_but_not_edit_it(client, request, organisation, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get(QUESTIONNAIRE)
    assert response.status_code == 200
    body = page(response)
    assert "Tillit" in body
    assert "Delegering och handlingsutrymme" in body
    assert "Lägg till en egen fråga" not in body
    assert "/remove/" not in body


# The list of rounds ------------------------------------------------------------------------------------


def test_the_process_leader_sees_every_round_and_responses_only_from_k(
    client, facilitator, organisation, make_round, add_responses, home_unit
):
    make_round(organisation, launched=False, name="Utkastet")
    few = make_round(organisation, name="Få svar")
    many = make_round(organisation, name="Många svar", closed=True)
    add_responses(few, home_unit, 2)
    add_responses(many, home_unit, 6)
    client.force_login(facilitator)
    body = page(client.get(LIST))
    assert "Utkastet" in body
    assert "Få svar" in body
    assert "Många svar" in body
    assert "Utkast" in body
    assert "Öppen" in body
    assert "Stängd" in body
    assert "färre än 5 svar" in body
    assert "6 svar" in body
    assert "2 svar" not in body
    assert f"/b/{many.public_id}/results/" in body
    assert f"/b/{few.public_id}/results/" not in body  # open: results only when it closes
    assert f"/b/{few.public_id}/manage/" in body


def test_a_manager_sees_the_open_rounds_and_the_results_of_closed_ones(client, manager, organisation, make_round):
    make_round(organisation, launched=False, name="Utkastet")
    running = make_round(organisation, name="Pågående")
    closed = make_round(organisation, name="Avslutad", closed=True)
    client.force_login(manager)
    body = page(client.get(LIST))
    assert "Avslutad" in body
    assert f"/b/{closed.public_id}/results/" in body
    assert "Pågående" in body  # they answer too
    assert f"/b/{running.public_id}/results/" not in body
    assert "Utkastet" not in body
    assert "/manage/" not in body


@pytest.mark.parametrize("person", ["employee", "politician"])
def test_the_steering_chain_finds_the_results_of_a_closed_round_on_the_list(
    client, request, organisation, make_round, person
):
    running = make_round(organisation, name="Pågående")
    closed = make_round(organisation, name="Avslutad", closed=True)
    client.force_login(request.getfixturevalue(person))

    body = page(client.get(LIST))

    assert f"/b/{closed.public_id}/results/" in body
    assert f"/b/{running.public_id}/results/" not in body
    assert "/manage/" not in body


def test_a_round_for_leaders_only_is_listed_without_a_link_to_its_results(client, employee, organisation, make_round):
    closed = make_round(organisation, name="Avslutad", closed=True, results_readers=Round.ResultsReaders.LEADERS)
    client.force_login(employee)

    body = page(client.get(LIST))

    assert "Avslutad" in body
    assert f"/b/{closed.public_id}/results/" not in body


def test_an_employee_gets_an_explanation_and_no_management_links(client, employee, organisation, make_round):
    make_round(organisation, name="Pågående")
    make_round(organisation, launched=False, name="Utkastet")
    client.force_login(employee)
    body = page(client.get(LIST))
    assert "anonyma" in body
    assert "personlig länk" in body
    assert "Pågående" in body  # open now: they know to look for their e-mail
    assert "Utkastet" not in body
    assert "/manage/" not in body
    assert "/results/" not in body
    assert "Ny omgång" not in body


def test_an_empty_list_says_so(client, facilitator, employee, organisation):
    client.force_login(facilitator)
    assert "Inga omgångar än" in page(client.get(LIST))
    client.force_login(employee)
    assert "Ingen omgång är öppen just nu" in page(client.get(LIST))


def test_more_than_twenty_rounds_are_paginated(client, facilitator, organisation):
    today = timezone.localdate()
    for number in range(21):
        actions.create_round(
            organisation=organisation,
            name=f"Omgång {number:02d}",
            opens_on=today - datetime.timedelta(days=number),
            closes_on=today + datetime.timedelta(days=10),
        )
    client.force_login(facilitator)
    first = client.get(LIST)
    assert len(first.context["rows"]) == 20
    assert "Sida 1 av 2" in page(first)
    second = client.get(LIST, {"page": "2"})
    assert len(second.context["rows"]) == 1
    assert "Omgång 20" in page(second)
    assert client.get(LIST, {"page": "inte-en-sida"}).status_code == 200


# Creating and editing a round ----------------------------------------------------------------------------


def test_a_process_leader_creates_a_round(client, facilitator, organisation):
    client.force_login(facilitator)
    response = client.post(CREATE, round_data(live_results="on"))  # an old form's field is ignored
    round = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == manage_url(round)
    assert round.name == "Barometern våren 2027"
    assert not round.is_launched
    assert not round.results_open
    assert round.created_by.user == facilitator


RESULTS_OPEN_AT_CLOSE = (
    "Results open when the round closes, not before: a result is published once, since two looks at it, before and "
    "after one more answer, would show that answer."
)


def test_the_form_says_results_open_when_the_round_closes(client, facilitator, organisation):
    client.force_login(facilitator)
    body = page(client.get(CREATE))
    assert 'type="date"' in body
    with translation.override("sv"):
        assert escape(gettext(RESULTS_OPEN_AT_CLOSE)) in body
    assert 'name="live_results"' not in body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closes_on": "2020-01-01"}, "Omgången kan inte stänga innan den öppnar."),
        ({"opens_on": "inte ett datum"}, "Ange ett datum"),
        ({"closes_on": "2026-02-31"}, "Ange ett datum"),
        ({"name": "   "}, "måste fyllas i"),
        ({"name": "x" * 151}, "Högst 150 tecken"),
    ],
)
def test_bad_round_input_is_explained_and_changes_nothing(client, facilitator, organisation, change, message):
    client.force_login(facilitator)
    response = client.post(CREATE, round_data(**change))
    assert response.status_code == 200
    assert message in page(response)
    assert not Round.objects.exists()


def test_a_new_round_goes_to_the_whole_steering_chain_unless_the_process_leader_chooses_otherwise(
    client, facilitator, organisation
):
    client.force_login(facilitator)

    client.post(CREATE, round_data(name="Kedjan"))
    client.post(CREATE, round_data(name="Ledningen", results_readers=Round.ResultsReaders.LEADERS))

    assert Round.objects.get(name="Kedjan").results_readers == Round.ResultsReaders.CHAIN
    assert Round.objects.get(name="Ledningen").results_readers == Round.ResultsReaders.LEADERS


def test_an_unknown_choice_of_readers_is_explained_and_changes_nothing(client, facilitator, organisation, make_round):
    round = make_round(organisation)
    client.force_login(facilitator)

    response = client.post(manage_url(round, "edit/"), round_data(results_readers="everyone"))

    assert response.status_code == 200
    assert response.context["form"].errors["results_readers"]
    round.refresh_from_db()
    assert round.results_readers == Round.ResultsReaders.CHAIN


def test_who_reads_the_results_may_change_while_the_round_is_open_and_is_shown_on_its_page(
    client, facilitator, organisation, make_round
):
    round = make_round(organisation)
    client.force_login(facilitator)

    client.post(
        manage_url(round, "edit/"),
        round_data(
            name=round.name,
            opens_on=round.opens_on.isoformat(),
            closes_on=round.closes_on.isoformat(),
            results_readers=Round.ResultsReaders.POLITICIANS,
        ),
    )

    round.refresh_from_db()
    assert round.results_readers == Round.ResultsReaders.POLITICIANS
    with translation.override("sv"):
        assert escape(str(round.get_results_readers_display())) in page(client.get(manage_url(round)))


def test_who_reads_the_results_cannot_change_once_the_round_has_closed(make_round, organisation):
    round = make_round(organisation, closed=True)

    with pytest.raises(actions.BarometerError):
        actions.update_round(
            round=round,
            name=round.name,
            opens_on=round.opens_on,
            closes_on=round.closes_on,
            results_readers=Round.ResultsReaders.LEADERS,
        )

    round.refresh_from_db()
    assert round.results_readers == Round.ResultsReaders.CHAIN


def test_an_open_round_keeps_its_opening_date_but_may_close_later(client, facilitator, organisation, make_round):
    round = make_round(organisation)
    client.force_login(facilitator)
    later = round.closes_on + datetime.timedelta(days=7)
    response = client.post(
        manage_url(round, "edit/"),
        round_data(name="Nytt namn", opens_on="2000-01-01", closes_on=later.isoformat()),
        follow=True,
    )
    assert "Omgången är sparad." in feedback(response)
    round.refresh_from_db()
    assert round.name == "Nytt namn"
    assert round.closes_on == later
    assert round.opens_on != datetime.date(2000, 1, 1)


def test_a_closed_round_cannot_be_edited(client, facilitator, organisation, make_round):
    round = make_round(organisation, closed=True)
    client.force_login(facilitator)
    explained = client.get(manage_url(round, "edit/"))
    assert "Omgången är stängd och kan inte längre ändras." in page(explained)
    assert 'name="name"' not in page(explained)
    response = client.post(manage_url(round, "edit/"), round_data(name="Nytt namn"), follow=True)
    assert "Omgången är stängd och kan inte längre ändras." in feedback(response)
    round.refresh_from_db()
    assert round.name != "Nytt namn"


# Opening, reminding and closing ------------------------------------------------------------------------


def test_opening_a_round_freezes_the_questionnaire_and_emails_every_member(
    client, facilitator, employee, manager, draft_round
):
    client.force_login(facilitator)
    confirm = page(client.get(manage_url(draft_round, "open/")))
    assert "e-postas till 3 medlemmar" in confirm
    assert "Version 1 av enkäten låses" in confirm
    assert not mail.outbox
    response = client.post(manage_url(draft_round, "open/"), follow=True)
    assert "Inbjudningar skickade till 3 personer." in feedback(response)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "erik@norrby.example",
        "frida@norrby.example",
        "maja@norrby.example",
    ]
    assert f"{settings.SITE_URL}/b/{draft_round.public_id}/svar/" in mail.outbox[0].body
    draft_round.refresh_from_db()
    assert draft_round.is_launched
    assert draft_round.instrument.is_frozen
    again = client.post(manage_url(draft_round, "open/"), follow=True)
    assert "Omgången är redan öppnad." in feedback(again)
    assert len(mail.outbox) == 3


@pytest.fixture
def staff(organisation, make_member, home_unit, facilitator, manager, employee) -> None:
    """Nine members with e-mail: the cast's three and six more on Hemtjänst Norr."""
    for _number in range(6):
        make_member(organisation, unit=home_unit)


def answer_by_link(round: Round, count: int) -> list[str]:
    """Mark `count` invitations answered (as answering through the link does); their e-mail addresses."""
    answered = list(Invitation.objects.filter(round=round).order_by("pk")[:count])
    Invitation.objects.filter(pk__in=[invitation.pk for invitation in answered]).update(answered=True)
    return [invitation.email for invitation in answered]


def test_the_round_page_shows_counts_only_from_k_and_never_who(
    client, facilitator, staff, organisation, make_round, add_responses, home_unit
):
    round = make_round(organisation)
    answer_by_link(round, 4)
    add_responses(round, home_unit, 4)
    client.force_login(facilitator)
    response = client.get(manage_url(round))
    body = page(response)
    assert response.context["participation"].invited == 9
    assert response.context["participation"].not_answered.hidden  # 9 - 5 would tell that 4 answered
    assert "inbjudna som inte har svarat: visas när minst 5 har svarat" in body
    assert "färre än 5 svar" in body
    assert "@norrby.example" not in body
    assert f"http://testserver/b/{round.public_id}/oppen/{round.open_key}/" in body
    answer_by_link(round, 5)
    add_responses(round, home_unit, 1)
    response = client.get(manage_url(round))
    body = page(response)
    assert response.context["participation"].not_answered.value == 4
    assert '<span class="figure">4</span> inbjudna som inte har svarat' in body
    assert "färre än 5 svar" not in body
    assert '<span class="figure">5</span> svar totalt' in body
    assert "@norrby.example" not in body


def test_answers_waiting_in_the_inbox_count_on_the_round_list_and_page(
    client, facilitator, staff, organisation, make_round, home_unit
):
    round = make_round(organisation)
    for _number in range(6):
        actions.answer_openly(
            round=round,
            unit=home_unit,
            level=None,
            actor_group=None,
            answers=actions.clean_answers(round, {"trust_1": "4"}, {}),
        )
    assert round.pending_responses.count() == 6  # fewer than a batch: none mixed yet
    assert not round.responses.exists()
    client.force_login(facilitator)
    assert "6 svar" in page(client.get(LIST))
    assert '<span class="figure">6</span> svar totalt' in page(client.get(manage_url(round)))


def test_a_reminder_goes_only_to_those_who_have_not_answered(client, facilitator, staff, organisation, make_round):
    round = make_round(organisation)
    answered = answer_by_link(round, 5)
    mail.outbox.clear()
    client.force_login(facilitator)
    assert "inte har svarat än: 4 personer" in page(client.get(manage_url(round, "remind/")))
    assert not mail.outbox
    response = client.post(manage_url(round, "remind/"), follow=True)
    assert "Påminnelser skickade till 4 personer." in feedback(response)
    reminded = {message.to[0] for message in mail.outbox}
    assert len(reminded) == 4
    assert not reminded & set(answered)
    assert all(message.subject.startswith("Påminnelse") for message in mail.outbox)


def test_below_k_answers_the_reminder_gives_no_count(client, facilitator, staff, organisation, make_round):
    round = make_round(organisation)
    answer_by_link(round, 2)
    mail.outbox.clear()
    client.force_login(facilitator)
    confirm = page(client.get(manage_url(round, "remind/")))
    assert "går bara till dem som inte har svarat än. Hur många" in confirm
    assert "7 personer" not in confirm
    response = client.post(manage_url(round, "remind/"), follow=True)
    assert "Påminnelserna är skickade." in feedback(response)
    assert len(mail.outbox) == 7


def test_no_reminder_for_a_round_that_has_not_opened(client, facilitator, draft_round):
    client.force_login(facilitator)
    response = client.post(manage_url(draft_round, "remind/"), follow=True)
    assert "Påminnelser kan bara skickas medan omgången är öppen." in feedback(response)
    assert not mail.outbox


def test_closing_a_round_opens_its_results(client, facilitator, organisation, make_round):
    round = make_round(organisation)
    client.force_login(facilitator)
    assert "Stäng omgången?" in page(client.get(manage_url(round, "close/")))
    assert Round.objects.get().closed_at is None
    response = client.post(manage_url(round, "close/"), follow=True)
    assert "Omgången är stängd. Resultaten är öppna." in feedback(response)
    round.refresh_from_db()
    assert round.is_closed
    assert round.results_open
    assert f"/b/{round.public_id}/results/" in page(response)


def test_a_draft_round_cannot_be_closed(client, facilitator, draft_round):
    client.force_login(facilitator)
    response = client.post(manage_url(draft_round, "close/"), follow=True)
    assert "Omgången har inte öppnat än." in feedback(response)
    draft_round.refresh_from_db()
    assert draft_round.closed_at is None


# The questionnaire ----------------------------------------------------------------------------------------


def test_a_process_leader_adds_and_removes_an_own_item(client, facilitator, organisation):
    client.force_login(facilitator)
    response = client.post(
        ADD_ITEM,
        {"theme": "delegation", "kind": "scale", "text_sv": "  Jag  får bestämma själv. ", "text_en": ""},
        follow=True,
    )
    assert "Frågan är tillagd." in feedback(response)
    item = Item.objects.get(origin=Item.Origin.OWN)
    assert item.text_sv == "Jag får bestämma själv."
    assert item.instrument.version == 1
    assert "Organisationens egen" in page(response)
    assert "Ta bort frågan?" in page(client.get(remove_url(item)))
    response = client.post(remove_url(item), follow=True)
    assert "Frågan är borttagen." in feedback(response)
    assert not Item.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"theme": "trust", "kind": "scale", "text_sv": "   "}, "Skriv frågan på svenska."),
        ({"theme": "påhittat", "kind": "scale", "text_sv": "Text"}, "Välj ett av temana i listan."),
        ({"theme": "trust", "kind": "fritt", "text_sv": "Text"}, "Välj påstående eller öppen fråga."),
        ({"theme": "trust", "kind": "scale", "text_sv": "x" * 301}, "Högst 300 tecken"),
        (
            {
                "theme": "trust",
                "kind": "scale",
                "text_sv": "Jag får förtroende att använda mitt eget omdöme i arbetet.",
            },
            "Enkäten har redan en fråga med den här texten.",
        ),
    ],
)
def test_a_bad_item_is_explained_and_changes_nothing(client, facilitator, organisation, data, message):
    client.force_login(facilitator)
    before = actions.current_instrument(organisation).items.count()
    response = client.post(ADD_ITEM, data)
    assert response.status_code == 200
    assert message in page(response)
    assert Instrument.objects.filter(organisation=organisation).count() == 1
    assert actions.current_instrument(organisation).items.count() == before


def test_another_organisations_item_cannot_be_removed(client, facilitator, organisation, other_organisation):
    foreign = actions.add_own_item(
        instrument=actions.editable_instrument(other_organisation),
        theme="trust",
        kind="scale",
        text_sv="Söderbys egen fråga.",
        text_en="",
    )
    client.force_login(facilitator)
    assert client.get(remove_url(foreign)).status_code == 404
    assert client.post(remove_url(foreign)).status_code == 404
    assert client.post("/o/norrby/barometer/questionnaire/items/999999/remove/").status_code == 404
    assert Item.objects.filter(pk=foreign.pk).exists()


def test_the_validated_block_is_added_once(client, facilitator, organisation):
    client.force_login(facilitator)
    body = page(client.get(QUESTIONNAIRE))
    assert "Tillit på jobbet (Statskontoret 2016)" in body
    assert "89 % instämmer" in body
    response = client.post(ADD_BLOCK, {"block": BLOCK}, follow=True)
    assert "Blocket ”Tillit på jobbet (Statskontoret 2016)” är tillagt." in feedback(response)
    assert "Nationell jämförelse" in page(response)
    assert "(Statskontoret 2016, Tillit på jobbet)" in page(response)
    assert "Enkäten har det här blocket." in page(response)
    again = client.post(ADD_BLOCK, {"block": BLOCK}, follow=True)
    assert "Enkäten har redan det här blocket." in feedback(again)
    assert Item.objects.filter(code="statskontoret_manager").count() == 1
    unknown = client.post(ADD_BLOCK, {"block": "påhittat"}, follow=True)
    assert "Välj ett av blocken i listan." in feedback(unknown)


def test_editing_after_a_round_opened_creates_version_2_and_the_round_keeps_version_1(
    client, facilitator, organisation, make_round
):
    round = make_round(organisation)
    version_1 = round.instrument
    first_item = version_1.items.first()
    client.force_login(facilitator)
    body = page(client.get(QUESTIONNAIRE))
    assert "Version 1 används av en omgång och är låst; ändringar skapar version 2." in body
    assert "Version 2 av enkäten" not in body
    confirm = page(client.get(remove_url(first_item)))
    assert "Version 1 används av en omgång och är låst; ändringar skapar version 2." in confirm
    response = client.post(
        ADD_ITEM, {"theme": "support", "kind": "open", "text_sv": "Vad behöver du mer stöd i?"}, follow=True
    )
    assert "Version 1 används av en omgång, så din ändring finns i en ny version 2." in feedback(response)
    version_2 = actions.current_instrument(organisation)
    assert version_2.version == 2
    assert not version_2.is_frozen
    assert version_2.items.count() == version_1.items.count() + 1
    round.refresh_from_db()
    assert round.instrument == version_1
    assert not version_1.items.filter(text_sv="Vad behöver du mer stöd i?").exists()
    # Version 1's items are no longer the questionnaire's: their old ids do not reach version 2.
    assert client.post(remove_url(first_item)).status_code == 404
    same_in_2 = version_2.items.get(code=first_item.code)
    client.post(remove_url(same_in_2))
    assert not version_2.items.filter(code=first_item.code).exists()
    assert version_1.items.filter(code=first_item.code).exists()
    assert Instrument.objects.filter(organisation=organisation).count() == 2


def test_removing_from_a_frozen_version_creates_the_new_version(client, facilitator, organisation, make_round):
    round = make_round(organisation)
    item = round.instrument.items.get(code="trust_1")
    client.force_login(facilitator)
    response = client.post(remove_url(item), follow=True)
    assert "Frågan är borttagen." in feedback(response)
    version_2 = actions.current_instrument(organisation)
    assert version_2.version == 2
    assert not version_2.items.filter(code="trust_1").exists()
    assert round.instrument.items.filter(code="trust_1").exists()


def test_a_politician_reads_the_questionnaire_grouped_by_theme(client, make_member, organisation):
    member = make_member(organisation, group=ActorGroup.Key.POLITICIAN, rank=1)
    client.force_login(member.user)
    response = client.get(QUESTIONNAIRE)
    themes = [group.label for group in response.context["groups"]]
    assert themes[:3] == ["Tillit", "Brukarfokus", "Öppenhet"]
    assert themes[-1] == "Det goda mötet"
    assert "Öppen fråga" in page(response)
