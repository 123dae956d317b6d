"""The demo dialogues that seed_demo builds in Exempelkommun (tillit.dialogues.demo), read from the demo built
once for the package (conftest.py); rebuilding them is tested in test_reset.py."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tillit.demo import organisations as demo_organisations
from tillit.dialogues import actions as dialogue_actions
from tillit.dialogues import demo as dialogues_demo
from tillit.dialogues import reporting
from tillit.dialogues.models import Dialogue, DialogueAnalysis, DialogueParticipant, Flag, Statement, Vote
from tillit.organisations.models import ActorGroup, Membership, Organisation

Group = ActorGroup.Key


@pytest.fixture
def dialogues(demo: Organisation) -> tuple[Dialogue, Dialogue]:
    home_care = Dialogue.objects.get(organisation=demo, question=dialogues_demo.HOME_CARE_QUESTION)
    student_health = Dialogue.objects.get(organisation=demo, question=dialogues_demo.STUDENT_HEALTH_QUESTION)
    return home_care, student_health


def report_of(dialogue: Dialogue) -> reporting.Results:
    texts = {statement.number: (statement.text, statement.public_id) for statement in dialogue.statements.all()}
    results = reporting.publication(DialogueAnalysis.objects.get(dialogue=dialogue).report, texts)
    assert results is not None
    return results


def agreement(dialogue: Dialogue, statement: Statement, group: str) -> float:
    votes = Vote.objects.filter(dialogue=dialogue, statement=statement, participant__actor_group__key=group)
    return votes.filter(value=Vote.Value.AGREE).count() / votes.count()


def test_the_demo_accounts_are_the_ones_kept_out() -> None:
    assert {account.email for account in demo_organisations.DEMO_ACCOUNTS} == dialogues_demo.DEMO_ACCOUNT_EMAILS


def test_every_statement_fits_its_dialogue() -> None:
    texts = [stance.text for stance in dialogues_demo.HOME_CARE_SEEDS] + [
        added.stance.text for added in dialogues_demo.HOME_CARE_ADDED
    ]
    texts += dialogues_demo.STUDENT_HEALTH_SEEDS + dialogues_demo.STUDENT_HEALTH_PENDING

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

    assert report.enough
    assert report.totals is not None
    assert report.totals.voters.value >= 150
    assert 2 <= len(report.groups) <= 3
    assert all(not group.size.hidden and group.representative for group in report.groups)
    # Everyone agrees on some statements: across opinion groups and across actor groups, with the figures shown.
    for table in (report.consensus, report.actor_consensus):
        assert len(table.groups) >= 2
        top = table.rows[0].cells
        assert all(not cell.hidden and cell.agree >= 60 for cell in top)
    assert {"Politiker", "Medarbetare", "Brukare"} <= set(report.actor_consensus.groups)
    # ...and politicians and staff part ways over the key figures.
    key_figures = Statement.objects.get(dialogue=home_care, text__startswith="Nyckeltalet brukartid")
    assert (
        agreement(home_care, key_figures, Group.EMPLOYEE) - agreement(home_care, key_figures, Group.POLITICIAN) >= 0.3
    )


def test_the_internal_dialogue_is_open_and_waits_for_the_demo_accounts(
    dialogues: tuple[Dialogue, Dialogue], demo: Organisation
) -> None:
    _home_care, student_health = dialogues
    today = timezone.localdate()
    statements = Statement.objects.filter(dialogue=student_health)
    participants = DialogueParticipant.objects.filter(dialogue=student_health)
    demo_members = Membership.objects.filter(organisation=demo, user__email__in=dialogues_demo.DEMO_ACCOUNT_EMAILS)

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
        assert dialogue_actions.participant_for_member(student_health, membership, create=False) is None
