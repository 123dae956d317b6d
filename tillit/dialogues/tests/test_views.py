import datetime

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from tillit.core.tokens import hash_token
from tillit.dialogues import actions, worker
from tillit.dialogues.models import Dialogue, DialogueParticipant, Flag, Statement, Vote
from tillit.dialogues.tests.conftest import make_dialogue
from tillit.organisations.models import ActorGroup
from tillit.workshops.models import Item


def url(dialogue: Dialogue, name: str = "") -> str:
    return f"/s/{dialogue.public_id}/{name}"


def test_a_process_leader_creates_a_dialogue_with_seed_statements(client, organisation, facilitator):
    client.force_login(facilitator)
    today = timezone.localdate()
    response = client.post(
        "/o/norrby/dialogues/new/",
        {
            "question": "Vad gör besöket bättre?",
            "background": "Bakgrund",
            "access": "open",
            "moderation": "pre",
            "accepts_statements": "on",
            "statement_max_length": "200",
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=7)).isoformat(),
            "seed_statements": "Samma personal varje gång\n\nMer tid hos brukaren\n",
        },
    )
    dialogue = Dialogue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(dialogue, "manage/")
    assert dialogue.access == "open"
    assert dialogue.moderation == "pre"
    assert dialogue.statement_max_length == 200
    assert list(dialogue.statements.values_list("text", flat=True)) == [
        "Samma personal varje gång",
        "Mer tid hos brukaren",
    ]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Samma personal varje gång" in page.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closes_on": "2020-01-01"}, "stänga"),
        ({"statement_max_length": "10"}, "50"),
        ({"question": "   "}, "måste fyllas i"),
        ({"seed_statements": "x" * 141}, "140"),
        ({"opens_on": "inte ett datum"}, "datum"),
    ],
)
def test_bad_dialogue_input_is_explained_and_changes_nothing(client, organisation, facilitator, change, message):
    client.force_login(facilitator)
    today = timezone.localdate().isoformat()
    data = {
        "question": "Fråga?",
        "access": "internal",
        "moderation": "post",
        "statement_max_length": "140",
        "opens_on": today,
        "closes_on": today,
    }
    data.update(change)
    response = client.post("/o/norrby/dialogues/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Dialogue.objects.exists()


def test_a_member_joins_votes_and_never_sees_a_statement_twice(client, dialogue, employee):
    client.force_login(employee)
    page = client.get(url(dialogue))
    assert "Börja rösta" in page.content.decode()
    assert client.post(url(dialogue, "join/")).status_code == 302
    seen = []
    for _round in range(3):
        page = client.get(url(dialogue))
        statement = page.context["statement"]
        assert statement is not None
        assert statement.pk not in seen
        seen.append(statement.pk)
        response = client.post(url(dialogue, "vote/"), {"statement": str(statement.public_id), "vote": "-1"})
        assert response.status_code == 302
    page = client.get(url(dialogue))
    assert page.context["statement"] is None
    assert "Du har röstat på alla påståenden" in page.content.decode()
    assert Vote.objects.filter(value=-1).count() == 3


def test_voting_with_htmx_returns_the_next_card(client, dialogue, employee):
    client.force_login(employee)
    client.post(url(dialogue, "join/"))
    first = client.get(url(dialogue)).context["statement"]
    response = client.post(
        url(dialogue, "vote/"), {"statement": str(first.public_id), "vote": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="card"')
    assert first.text not in body


@pytest.mark.parametrize("data", [{"vote": "1"}, {"statement": "nej", "vote": "1"}, {"statement": "", "vote": "7"}])
def test_malformed_votes_are_refused_without_change(client, dialogue, employee, data):
    client.force_login(employee)
    client.post(url(dialogue, "join/"))
    response = client.post(url(dialogue, "vote/"), data, follow=True)
    assert response.status_code == 200
    assert not Vote.objects.exists()


def test_a_vote_on_a_rejected_statement_is_refused_with_a_message(client, dialogue, employee):
    client.force_login(employee)
    client.post(url(dialogue, "join/"))
    statement = dialogue.statements.first()
    actions.moderate(statement=statement, status=Statement.Status.REJECTED)
    response = client.post(url(dialogue, "vote/"), {"statement": str(statement.public_id), "vote": "1"}, follow=True)
    assert "tagits bort" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_vote_on_another_dialogues_statement_is_refused(client, dialogue, organisation, facilitator, employee):
    other = make_dialogue(organisation, facilitator, question="Annan?")
    client.force_login(employee)
    client.post(url(dialogue, "join/"))
    foreign = other.statements.first()
    client.post(url(dialogue, "vote/"), {"statement": str(foreign.public_id), "vote": "1"})
    assert not Vote.objects.exists()


def test_anyone_with_the_link_joins_an_open_dialogue_with_a_cookie(client, open_dialogue, organisation):
    page = client.get(url(open_dialogue))
    assert page.status_code == 200
    assert "Jag deltar som" in page.content.decode()
    group = ActorGroup.objects.get(organisation=organisation, key="service_user")
    response = client.post(url(open_dialogue, "join/"), {"actor_group": group.pk})
    cookie = response.cookies[f"samtal_{open_dialogue.public_id.hex}"]
    assert cookie["httponly"]
    assert cookie["path"] == url(open_dialogue)
    participant = DialogueParticipant.objects.get()
    assert participant.actor_group == group
    assert participant.token_hash == hash_token(cookie.value)
    statement = client.get(url(open_dialogue)).context["statement"]
    client.post(url(open_dialogue, "vote/"), {"statement": str(statement.public_id), "vote": "0"})
    assert Vote.objects.get().participant == participant


def test_a_forged_participation_cookie_is_a_stranger(client, open_dialogue):
    client.cookies[f"samtal_{open_dialogue.public_id.hex}"] = "forged"
    statement = open_dialogue.statements.first()
    client.post(url(open_dialogue, "vote/"), {"statement": str(statement.public_id), "vote": "1"})
    assert not Vote.objects.exists()


@override_settings(DIALOGUE_JOINS_PER_ADDRESS_PER_HOUR=30)  # 1,000 by default
def test_joining_an_open_dialogue_is_rate_limited_per_address(client, open_dialogue):
    # Time stands still mid-hour: the count starts afresh every hour, and the test must not straddle one.
    mid_hour = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10, 15)))
    with time_machine.travel(mid_hour, tick=False):
        for _attempt in range(30):
            client.cookies.clear()  # as a script would: every join a new participant
            assert client.post(url(open_dialogue, "join/"), REMOTE_ADDR="192.0.2.7").status_code == 302
        client.cookies.clear()
        response = client.post(url(open_dialogue, "join/"), REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 429
        assert DialogueParticipant.objects.count() == 30
        assert client.post(url(open_dialogue, "join/"), REMOTE_ADDR="192.0.2.8").status_code == 302


def test_the_rate_limit_keeps_no_address(client, open_dialogue):
    from django.core.cache import cache

    client.post(url(open_dialogue, "join/"), REMOTE_ADDR="198.51.100.23")
    stored = " ".join(str(key) for key in cache._cache)  # locmem in tests
    assert "198.51.100.23" not in stored
    assert "ratelimit:dialogue-join" in stored


def test_an_own_statement_is_added_and_a_too_long_one_explained(client, dialogue, employee):
    client.force_login(employee)
    client.post(url(dialogue, "join/"))
    response = client.post(url(dialogue, "statements/"), {"text": "x" * 141})
    assert response.status_code == 422
    assert "140" in response.content.decode()
    assert dialogue.statements.count() == 3
    response = client.post(url(dialogue, "statements/"), {"text": "Fler händer i vården"}, follow=True)
    assert "Tack" in response.content.decode()
    assert dialogue.statements.filter(text="Fler händer i vården", status="pending").exists()


def test_a_participant_reports_a_statement(client, dialogue, employee):
    client.force_login(employee)
    client.post(url(dialogue, "join/"))
    statement = dialogue.statements.first()
    client.post(url(dialogue, "flag/"), {"statement": str(statement.public_id)})
    client.post(url(dialogue, "flag/"), {"statement": str(statement.public_id)})
    assert Flag.objects.filter(statement=statement).count() == 1
    assert client.post(url(dialogue, "flag/"), {"statement": "x"}).status_code == 302


def test_moderation_accepts_rejects_and_merges(client, dialogue, facilitator):
    client.force_login(facilitator)
    first, second, third = dialogue.statements.all()
    client.post(url(dialogue, f"manage/{first.public_id}/"), {"status": "rejected"})
    first.refresh_from_db()
    assert first.status == "rejected"
    assert client.post(url(dialogue, f"manage/{second.public_id}/"), {"status": "bogus"}).status_code == 302
    second.refresh_from_db()
    assert second.status == "accepted"
    page = client.get(url(dialogue, f"manage/{second.public_id}/merge/"))
    assert third.text in page.content.decode()
    client.post(url(dialogue, f"manage/{second.public_id}/merge/"), {"keep": str(third.public_id)})
    second.refresh_from_db()
    assert second.merged_into == third
    bad = client.post(url(dialogue, f"manage/{third.public_id}/merge/"), {"keep": str(first.public_id)})
    assert bad.status_code == 422
    page = client.get(url(dialogue, "manage/") + "?status=rejected")
    assert page.status_code == 200
    assert [row.statement for row in page.context["statements"]] == [first, second]


def test_the_moderation_list_is_read_fifty_statements_at_a_time_and_a_decision_returns_to_its_page(
    client, dialogue, facilitator
):
    actions.add_seed_statements(dialogue=dialogue, texts=[f"Påstående nummer {n} om mötet." for n in range(117)])
    client.force_login(facilitator)

    first = client.get(url(dialogue, "manage/"))
    last = client.get(url(dialogue, "manage/") + "?page=3")
    beyond = client.get(url(dialogue, "manage/") + "?page=banan")

    assert [len(page.context["statements"]) for page in (first, last, beyond)] == [50, 20, 50]
    shown = [row.statement.number for page in (first, last) for row in page.context["statements"]]
    assert shown == list(range(1, 51)) + list(range(101, 121))
    assert "Sida 1 av 3" in first.content.decode()
    assert "101–120 av 120" in last.content.decode()
    on_page_two = client.get(url(dialogue, "manage/") + "?page=2").context["statements"][0].statement
    decided = client.post(url(dialogue, f"manage/{on_page_two.public_id}/"), {"status": "rejected", "page": "2"})
    assert decided["Location"].endswith("manage/?page=2")
    for page in ("-4", "²", "9" * 40):
        nonsense = client.post(url(dialogue, f"manage/{on_page_two.public_id}/"), {"status": "accepted", "page": page})
        assert nonsense["Location"].endswith("manage/"), page
    on_page_two.refresh_from_db()
    assert on_page_two.status == "accepted"


def test_a_participant_cannot_manage(client, dialogue, employee):
    client.force_login(employee)
    assert client.get(url(dialogue, "manage/")).status_code == 403
    statement = dialogue.statements.first()
    assert client.post(url(dialogue, f"manage/{statement.public_id}/"), {"status": "rejected"}).status_code == 403
    statement.refresh_from_db()
    assert statement.status == "accepted"


def test_another_organisation_sees_nothing(client, dialogue, open_dialogue, outsider):
    client.force_login(outsider)
    assert client.get(url(dialogue)).status_code == 404
    assert client.get(url(open_dialogue, "manage/")).status_code == 404
    assert client.get("/o/norrby/dialogues/").status_code == 404


def test_results_wait_for_closing_unless_live(client, dialogue, employee):
    client.force_login(employee)
    client.post(url(dialogue, "join/"))
    response = client.get(url(dialogue, "results/"))
    assert response.status_code == 403
    assert "när samtalet stänger" in response.content.decode()
    assert client.get(url(dialogue, "results.csv")).status_code == 403


def voting_population(dialogue, organisation, make_member, count=12):
    """`count` members in two camps voting on the seed statements, half of them managers."""
    statements = list(dialogue.statements.all())
    for index in range(count):
        group = "employee" if index % 2 else "first_line_manager"
        membership = make_member(organisation, group=group)
        participant = actions.participant_for_member(dialogue, membership, create=True)
        for position, statement in enumerate(statements):
            value = 1 if (position == 0 or index < count // 2) else -1
            actions.vote(participant=participant, statement=statement, value=value)


def test_results_show_groups_consensus_and_a_map(client, open_dialogue, organisation, make_member, facilitator):
    dialogue = make_dialogue(organisation, facilitator, live_results=True)
    voting_population(dialogue, organisation, make_member)
    worker.analyse_dialogue(dialogue)
    client.force_login(facilitator)
    response = client.get(url(dialogue, "results/"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "12 personer har röstat" in body
    assert "<svg" in body
    assert "Opinionskarta" in body
    assert dialogue.statements.first().text in body
    since = {"since": response.context["view"].version}
    unchanged = client.get(url(dialogue, "results/"), since, headers={"HX-Request": "true"})
    assert unchanged.status_code == 204
    newer = client.get(url(dialogue, "results/"), {"since": "older"}, headers={"HX-Request": "true"})
    assert "Nya röster har analyserats" in newer.content.decode()
    assert "<svg" not in newer.content.decode()


def gathering_workshop(organisation, facilitator):
    """A workshop that takes proposals, led by the facilitator."""
    from tillit.workshops import actions as workshop_actions

    return workshop_actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title="Trygg hemtjänst",
        purpose="Trygghet",
        service_user_group="Äldre",
        units=[],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )


def test_promoting_a_statement_adds_a_card_to_a_workshop(client, dialogue, facilitator):
    workshop = gathering_workshop(dialogue.organisation, facilitator)
    client.force_login(facilitator)
    statement = dialogue.statements.first()
    response = client.post(
        url(dialogue, f"manage/{statement.public_id}/promote/"), {"workshop": workshop.pk, "kind": "activity"}
    )
    assert response.status_code == 302
    item = Item.objects.get(workshop=workshop)
    assert item.kind == "activity"
    assert item.title == statement.text


def test_a_statement_waiting_for_pre_moderation_cannot_be_promoted(client, organisation, facilitator):
    dialogue = make_dialogue(organisation, facilitator, moderation=Dialogue.Moderation.PRE)
    pending = actions.add_statement(
        participant=actions.participant_for_member(dialogue, facilitator.memberships.get(), create=True),
        text="Väntar på granskning",
    )
    workshop = gathering_workshop(organisation, facilitator)
    client.force_login(facilitator)
    response = client.post(
        url(dialogue, f"manage/{pending.public_id}/promote/"), {"workshop": workshop.pk, "kind": "effect"}
    )
    assert response.status_code == 422
    assert not Item.objects.exists()


def test_who_may_take_part_is_locked_once_someone_has_joined(client, dialogue, employee, facilitator):
    actions.participant_for_member(dialogue, employee.memberships.get(), create=True)
    with pytest.raises(actions.DialogueError):
        actions.update_dialogue(dialogue=dialogue, access=Dialogue.Access.OPEN)
    dialogue.refresh_from_db()
    assert dialogue.access == Dialogue.Access.INTERNAL


def test_a_visitor_who_has_not_taken_part_is_told_who_sees_the_results(client, open_dialogue):
    response = client.get(url(open_dialogue, "results/"))

    assert response.status_code == 403
    assert "Resultatet visas för dem som har deltagit." in response.content.decode()
    assert client.get(url(open_dialogue, "report.pdf")).status_code == 403


def test_a_participant_of_an_open_dialogue_with_live_results_reads_them_and_exports_them(client, open_dialogue):
    client.post(url(open_dialogue, "join/"))

    page = client.get(url(open_dialogue, "results/"))
    export = client.get(url(open_dialogue, "results.csv"))

    assert page.status_code == 200
    assert "Inget resultat än" in page.content.decode() or "För få har röstat" in page.content.decode()
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith('attachment; filename="samtal-')


def test_everyone_who_took_part_in_an_internal_dialogue_reads_its_results_once_it_closes_and_nobody_else(
    client, dialogue, organisation, employee, politician, make_member
):
    bystander = make_member(organisation).user
    for person in (employee, politician):
        client.force_login(person)
        client.post(url(dialogue, "join/"))
    actions.close_dialogue(dialogue=dialogue)

    statuses = {}
    for person in (employee, politician, bystander):
        client.force_login(person)
        statuses[person] = client.get(url(dialogue, "results/")).status_code

    assert statuses == {employee: 200, politician: 200, bystander: 403}


def test_the_dialogues_settings_say_who_sees_the_results(client, organisation, facilitator, dialogue):
    client.force_login(facilitator)

    for address in ("/o/norrby/dialogues/new/", url(dialogue, "manage/edit/")):
        html = client.get(address).content.decode()
        assert "Vilka som får se resultatet" in html, address
        assert f"färre än {dialogue.anonymity_threshold} personer" in html, address


@pytest.fixture
def analysed(client, organisation, make_member, facilitator):
    """A dialogue with live results, twelve voters analysed, and its process leader signed in."""
    dialogue = make_dialogue(organisation, facilitator, live_results=True)
    voting_population(dialogue, organisation, make_member, count=12)
    worker.analyse_dialogue(dialogue)
    client.force_login(facilitator)
    return dialogue


def test_a_stored_results_page_is_replaced_when_a_new_analysis_is_stored(
    client, analysed, organisation, make_member, django_assert_max_num_queries
):
    dialogue = analysed
    assert "12 personer har röstat" in client.get(url(dialogue, "results/")).content.decode()
    with django_assert_max_num_queries(6):  # session, account, dialogue, memberships, participation, analysis state
        assert "12 personer har röstat" in client.get(url(dialogue, "results/")).content.decode()

    voting_population(dialogue, organisation, make_member, count=2)
    assert "12 personer har röstat" in client.get(url(dialogue, "results/")).content.decode()  # not analysed yet
    worker.analyse_dialogue(dialogue)

    assert "14 personer har röstat" in client.get(url(dialogue, "results/")).content.decode()


def test_results_are_served_when_the_shared_cache_does_not_answer(client, analysed, settings):
    dialogue = analysed
    # A Redis that is not there (nothing listens on port 1): the page is built as if nothing were stored.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    for _look in range(2):
        response = client.get(url(dialogue, "results/"))
        assert response.status_code == 200
        assert "12 personer har röstat" in response.content.decode()
