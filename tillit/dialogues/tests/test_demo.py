"""The demo dialogues that seed_demo builds in Exempelkommun (tillit.dialogues.demo)."""

from __future__ import annotations

import datetime
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tillit.dialogues import demo
from tillit.dialogues.models import Dialogue, DialogueAnalysis, DialogueParticipant, Flag, Statement, Vote
from tillit.organisations.management.commands import seed_demo as seeding
from tillit.organisations.models import ActorGroup, Membership, Organisation

Group = ActorGroup.Key


def seed_demo(*args: str) -> None:
    call_command("seed_demo", "--allow-without-debug", *args, stdout=StringIO())


@pytest.fixture
def exempelkommun(db: None) -> Organisation:
    """The demo organisation and its people, without the rest of the demo (quicker than seed_demo)."""
    namer = seeding.Namer(seeding.SEED, reserved_names=[account.full_name for account in seeding.DEMO_ACCOUNTS])
    return seeding.build_exempelkommun(namer)


@pytest.fixture
def dialogues(exempelkommun: Organisation) -> tuple[Dialogue, Dialogue]:
    home_care, student_health = demo.build_demo_dialogues(exempelkommun, random.Random(seeding.SEED))
    return home_care, student_health


def report_of(dialogue: Dialogue) -> dict:
    return DialogueAnalysis.objects.get(dialogue=dialogue).report


def vote_fingerprint(dialogue: Dialogue) -> list[tuple]:
    """Every vote by participant and statement number, with the participant's group and day: equal across rebuilds."""
    return sorted(
        Vote.objects.filter(dialogue=dialogue).values_list(
            "participant__number",
            "participant__actor_group__key",
            "participant__joined_on",
            "statement__number",
            "value",
            "voted_at",
        )
    )


def agreement(dialogue: Dialogue, statement: Statement, group: str) -> float:
    votes = Vote.objects.filter(dialogue=dialogue, statement=statement, participant__actor_group__key=group)
    return votes.filter(value=Vote.Value.AGREE).count() / votes.count()


def test_the_demo_accounts_are_the_ones_kept_out() -> None:
    assert {account.email for account in seeding.DEMO_ACCOUNTS} == demo.DEMO_ACCOUNT_EMAILS


def test_every_statement_fits_its_dialogue() -> None:
    texts = [stance.text for stance in demo.HOME_CARE_SEEDS] + [added.stance.text for added in demo.HOME_CARE_ADDED]
    texts += demo.STUDENT_HEALTH_SEEDS + demo.STUDENT_HEALTH_PENDING

    assert all(len(text) <= 140 for text in texts)
    assert len({text.casefold() for text in texts}) == len(texts)


def test_the_open_dialogue_closed_yesterday_after_three_weeks_of_participation(
    dialogues: tuple[Dialogue, Dialogue],
) -> None:
    home_care, _student_health = dialogues
    today = timezone.localdate()
    participants = DialogueParticipant.objects.filter(dialogue=home_care)
    days = set(participants.values_list("joined_on", flat=True))
    statements = Statement.objects.filter(dialogue=home_care)
    votes = Vote.objects.filter(dialogue=home_care)
    groups = set(participants.values_list("actor_group__key", flat=True))

    assert home_care.access == Dialogue.Access.OPEN
    assert home_care.moderation == Dialogue.Moderation.POST
    assert home_care.has_closed
    assert home_care.closes_on == today - datetime.timedelta(days=1)
    assert 19 <= (home_care.closes_on - home_care.opens_on).days <= 23
    assert participants.count() >= 150
    assert {Group.SERVICE_USER, Group.EMPLOYEE, Group.FIRST_LINE_MANAGER, Group.POLITICIAN, None} <= groups
    assert len(days) >= 15
    assert min(days) >= home_care.opens_on
    assert max(days) <= home_care.closes_on
    assert not votes.filter(voted_at__date__gte=today).exists()
    assert not statements.filter(created_at__date__gte=today).exists()
    assert statements.filter(is_seed=True).count() == 8
    assert 22 <= statements.filter(status=Statement.Status.ACCEPTED).count() <= 28
    assert 1 <= statements.filter(status=Statement.Status.REJECTED).count() <= 2
    assert not statements.filter(status=Statement.Status.PENDING).exists()
    assert Flag.objects.filter(statement__dialogue=home_care).values("statement").distinct().count() == 1
    # Most voted on 8–20 statements.
    per_participant = [participant.votes.count() for participant in participants.prefetch_related("votes")]
    assert sum(8 <= count <= 20 for count in per_participant) >= 0.7 * len(per_participant)


def test_the_planted_opinion_structure_is_found(dialogues: tuple[Dialogue, Dialogue]) -> None:
    home_care, _student_health = dialogues
    report = report_of(home_care)

    assert report["enough"]
    assert report["totals"]["voters"] >= 150
    assert 2 <= len(report["groups"]) <= 3
    assert all(group["size"] and group["representative"] for group in report["groups"])
    # Everyone agrees on some statements: across opinion groups and across actor groups, with the figures shown.
    for table in (report["consensus"], report["actor_consensus"]):
        assert len(table["groups"]) >= 2
        top = table["rows"][0]["cells"]
        assert all(cell is not None and cell["agree"] >= 60 for cell in top)
    assert {"Politiker", "Medarbetare", "Brukare"} <= set(report["actor_consensus"]["groups"])
    # ...and politicians and staff part ways over the key figures.
    key_figures = Statement.objects.get(dialogue=home_care, text__startswith="Nyckeltalet brukartid")
    assert (
        agreement(home_care, key_figures, Group.EMPLOYEE) - agreement(home_care, key_figures, Group.POLITICIAN) >= 0.3
    )


def test_the_internal_dialogue_is_open_and_waits_for_the_demo_accounts(
    dialogues: tuple[Dialogue, Dialogue], exempelkommun: Organisation
) -> None:
    _home_care, student_health = dialogues
    today = timezone.localdate()
    statements = Statement.objects.filter(dialogue=student_health)
    participants = DialogueParticipant.objects.filter(dialogue=student_health)
    demo_members = Membership.objects.filter(organisation=exempelkommun, user__email__in=demo.DEMO_ACCOUNT_EMAILS)

    assert student_health.access == Dialogue.Access.INTERNAL
    assert student_health.moderation == Dialogue.Moderation.PRE
    assert not student_health.live_results
    assert student_health.is_open
    assert student_health.opens_on == today - datetime.timedelta(days=3)
    assert student_health.closes_on == today + datetime.timedelta(days=14)
    assert statements.filter(is_seed=True).count() == 6
    assert statements.filter(status=Statement.Status.PENDING).count() == 2
    assert 15 <= participants.count() <= 25
    assert Vote.objects.filter(dialogue=student_health).count() <= 6 * participants.count()
    assert demo_members.count() == 5
    for membership in demo_members:
        assert demo.actions.participant_for_member(student_health, membership, create=False) is None


def test_reset_rebuilds_the_same_dialogues_with_the_same_votes(db: None) -> None:
    seed_demo("--reset")
    first = {dialogue.question: vote_fingerprint(dialogue) for dialogue in Dialogue.objects.all()}

    seed_demo("--reset")

    again = {dialogue.question: vote_fingerprint(dialogue) for dialogue in Dialogue.objects.all()}
    assert set(again) == {demo.HOME_CARE_QUESTION, demo.STUDENT_HEALTH_QUESTION}
    assert again == first
    assert Dialogue.objects.count() == 2
    assert set(Dialogue.objects.values_list("organisation__slug", flat=True)) == {"exempelkommun"}
