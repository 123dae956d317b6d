"""The dialogue's results tried as an attacker would: crossings, two looks, padding, counts and free text."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tillit.dialogues import actions, worker
from tillit.dialogues.models import Dialogue, DialogueParticipant, Statement, Vote
from tillit.dialogues.tests.conftest import make_dialogue
from tillit.dialogues.tests.test_worker import camps


def results_url(dialogue: Dialogue, suffix: str = "results/") -> str:
    return f"/s/{dialogue.public_id}/{suffix}"


def close(dialogue: Dialogue) -> None:
    actions.update_dialogue(dialogue=dialogue, closes_on=timezone.localdate() - datetime.timedelta(days=1))


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def in_english(client) -> None:
    """Read the pages in English, so the tests can name the tables by their English headings."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def section(rows: list[list[str]], title: str) -> list[list[str]]:
    """The rows of a CSV section, from its heading row to the next empty row."""
    start = rows.index([title])
    end = next((index for index in range(start, len(rows)) if rows[index] == []), len(rows))
    return rows[start + 1 : end]


def test_an_opinion_group_minus_an_actor_group_does_not_give_the_managers_in_it(
    client, organisation, facilitator, make_member
):
    # Camp A: 6 employees and 2 first-line managers; camp B: 7 first-line managers. Every camp and every actor
    # group meets k = 5, but opinion group A minus the employees (who all sit in A) is A's 2 managers.
    dialogue = make_dialogue(organisation, facilitator)

    def group_of(camp: int, index: int) -> str:
        return "employee" if camp == 0 and index < 6 else "first_line_manager"

    camps(dialogue, organisation, make_member, sizes=(8, 7), group_of=group_of)
    close(dialogue)
    worker.analyse_dialogue(dialogue)
    client.force_login(facilitator)
    in_english(client)

    rows = csv_rows(client.get(results_url(dialogue, "results.csv")))

    opinion = section(rows, "Consensus across opinion groups")
    actor = section(rows, "Consensus across actor groups")
    opinion_shown = opinion[1:] and all(value != "" for value in opinion[1][2:])
    actor_shown = actor[1:] and all(value != "" for value in actor[1][2:])
    # The first statement unites everyone: it would sit in both tables with every cell filled.
    assert not (opinion_shown and actor_shown)


def test_a_closed_dialogue_cannot_be_reopened_with_live_results(client, organisation, facilitator, make_member):
    dialogue = make_dialogue(organisation, facilitator)
    camps(dialogue, organisation, make_member)
    close(dialogue)
    dialogue.refresh_from_db()
    closed_on = dialogue.closes_on
    client.force_login(facilitator)
    form = {
        "question": dialogue.question,
        "background": dialogue.background,
        "access": dialogue.access,
        "moderation": dialogue.moderation,
        "accepts_statements": "on",
        "statement_max_length": dialogue.statement_max_length,
        "live_results": "on",
        "opens_on": dialogue.opens_on.isoformat(),
        "closes_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
    }

    in_english(client)

    response = client.post(results_url(dialogue, "manage/edit/"), form)

    dialogue.refresh_from_db()
    assert response.status_code == 200
    assert "cannot open again" in response.content.decode() or "no longer change" in response.content.decode()
    assert dialogue.closes_on == closed_on
    assert not dialogue.live_results


def test_live_results_cannot_be_switched_on_once_the_dialogue_has_opened(organisation, facilitator):
    dialogue = make_dialogue(organisation, facilitator)

    with pytest.raises(actions.DialogueError, match="before the dialogue opens"):
        actions.update_dialogue(dialogue=dialogue, live_results=True)

    dialogue.refresh_from_db()
    assert not dialogue.live_results


def statement_row(client, dialogue: Dialogue, number: int) -> list[str]:
    rows = csv_rows(client.get(results_url(dialogue, "results.csv")))
    return next(row for row in section(rows, "All statements") if row[0] == str(number))


def test_two_looks_at_live_results_before_and_after_one_vote_show_nothing_of_it(
    client, organisation, facilitator, make_member
):
    dialogue = make_dialogue(
        organisation, facilitator, live_results=True, opens_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    Dialogue.objects.filter(pk=dialogue.pk).update(opens_on=timezone.localdate())
    dialogue.refresh_from_db()
    camps(dialogue, organisation, make_member, sizes=(6, 6))
    worker.analyse_dialogue(dialogue)
    client.force_login(facilitator)
    in_english(client)
    first = dialogue.statements.order_by("number").first()
    before = statement_row(client, dialogue, first.number)

    newcomer = actions.participant_for_member(dialogue, make_member(organisation), create=True)
    actions.vote(participant=newcomer, statement=first, value=-1)
    worker.analyse_dialogue(dialogue)
    after = statement_row(client, dialogue, first.number)

    assert before[2:] != ["", "", "", ""]
    # Either the same figures as before, or held back: never the figures with one more vote in them.
    assert after[2:] in (before[2:], ["", "", "", ""])

    for _index in range(4):  # with k = 5 new voters since the last release, the statement is released again
        participant = actions.participant_for_member(dialogue, make_member(organisation), create=True)
        actions.vote(participant=participant, statement=first, value=-1)
    worker.analyse_dialogue(dialogue)
    released = statement_row(client, dialogue, first.number)
    assert released[-1] == "17"


def test_a_vote_cannot_be_changed_over_http(client, organisation, facilitator, employee):
    dialogue = make_dialogue(organisation, facilitator)
    statement = dialogue.statements.first()
    client.force_login(employee)
    client.post(results_url(dialogue, "join/"))
    client.post(results_url(dialogue, "vote/"), {"statement": statement.public_id, "vote": "1"})

    client.post(results_url(dialogue, "vote/"), {"statement": statement.public_id, "vote": "-1"})

    assert list(Vote.objects.filter(statement=statement).values_list("value", flat=True)) == [1]


@override_settings(DIALOGUE_JOINS_PER_ADDRESS_PER_DIALOGUE=3)
def test_one_address_can_add_only_so_many_participants_to_an_open_dialogue(client, organisation, facilitator):
    dialogue = make_dialogue(organisation, facilitator, access=Dialogue.Access.OPEN)
    limit = 3
    statuses = []
    for _attempt in range(limit + 2):
        client.cookies.clear()  # a fresh identity each time, as a script would
        statuses.append(client.post(results_url(dialogue, "join/")).status_code)

    assert DialogueParticipant.objects.filter(dialogue=dialogue).count() == limit
    assert statuses[-1] == 429


def test_the_results_of_an_open_dialogue_say_that_participants_are_unverified(client, organisation, facilitator):
    dialogue = make_dialogue(organisation, facilitator, access=Dialogue.Access.OPEN)
    for _person in range(6):
        participant, _token = actions.join_open_dialogue(dialogue=dialogue, actor_group=None)
        for statement in dialogue.statements.all():
            actions.vote(participant=participant, statement=statement, value=1)
    close(dialogue)
    worker.analyse_dialogue(dialogue)
    client.force_login(facilitator)
    in_english(client)

    page = client.get(results_url(dialogue)).content.decode()

    assert "cannot be verified" in page


def test_the_moderation_page_shows_no_count_of_fewer_than_k(client, organisation, facilitator, make_member):
    dialogue = make_dialogue(organisation, facilitator)
    statement = dialogue.statements.order_by("number").first()
    for _person in range(2):
        participant = actions.participant_for_member(dialogue, make_member(organisation), create=True)
        actions.vote(participant=participant, statement=statement, value=1)
    client.force_login(facilitator)
    in_english(client)

    page = client.get(results_url(dialogue, "manage/"))

    counts = page.context["counts"]
    assert counts["participants"].hidden
    assert counts["votes"].hidden
    assert all(row.votes.hidden for row in page.context["statements"])
    assert "participants: fewer than 5" in page.content.decode()


def test_a_phone_number_in_a_statement_is_not_stored_and_the_writer_is_told(
    client, organisation, facilitator, employee
):
    dialogue = make_dialogue(organisation, facilitator)
    client.force_login(employee)
    client.post(results_url(dialogue, "join/"))

    response = client.post(
        results_url(dialogue, "statements/"), {"text": "Ring mig på 070-123 45 67 om ni vill veta mer."}, follow=True
    )

    stored = Statement.objects.get(dialogue=dialogue, is_seed=False)
    assert "123 45 67" not in stored.text
    assert "[telefonnummer]" in stored.text or "[phone number]" in stored.text
    assert "phone number" in response.content.decode() or "telefonnummer" in response.content.decode()


def test_the_threshold_a_dialogue_was_created_with_holds_after_the_organisation_changes_it(
    client, organisation, facilitator, make_member
):
    dialogue = make_dialogue(organisation, facilitator)
    camps(dialogue, organisation, make_member, sizes=(6, 6))
    close(dialogue)
    worker.analyse_dialogue(dialogue)
    organisation.anonymity_threshold = 3
    organisation.save()
    client.force_login(facilitator)

    page = client.get(reverse("dialogues:results", kwargs={"dialogue": dialogue.public_id}))

    assert page.context["view"].k == 5
    assert page.context["view"].results.k == 5
