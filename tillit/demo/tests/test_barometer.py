"""The demo rounds that seed_demo builds in Exempelkommun (tillit.barometer.demo), read from the demo built once
for the package (conftest.py); every test runs in a savepoint of its own within it. Rebuilding them is tested in
test_reset.py.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.barometer import actions, queries, reporting
from tillit.barometer import demo as barometer_demo
from tillit.barometer.models import (
    Answer,
    Instrument,
    Invitation,
    OpenAnswer,
    PopulationCount,
    Response,
    Round,
    Theme,
)
from tillit.demo import organisations as demo_organisations
from tillit.organisations import tree
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit
from tillit.privacy.suppression import HIDDEN

Group = ActorGroup.Key
STATSKONTORET_CODES = {"statskontoret_manager", "statskontoret_colleagues"}


@dataclass(frozen=True)
class Built:
    organisation: Organisation
    spring: Round
    autumn: Round
    open: Round


@pytest.fixture
def built(demo: Organisation) -> Built:
    spring, autumn, open_round = Round.objects.filter(organisation=demo).order_by("opens_on")
    return Built(demo, spring, autumn, open_round)


def fresh(round: Round) -> Round:
    return Round.objects.select_related("organisation", "instrument").get(pk=round.pk)


def level_of(organisation: Organisation, rank: int) -> Level:
    return Level.objects.get(organisation=organisation, rank=rank)


def group_of(organisation: Organisation, key: str) -> ActorGroup:
    return ActorGroup.objects.get(organisation=organisation, key=key)


def test_the_demo_accounts_are_the_ones_kept_free() -> None:
    assert {account.email for account in demo_organisations.DEMO_ACCOUNTS} == barometer_demo.DEMO_ACCOUNT_EMAILS
    assert demo_organisations.PROCESS_LEADER.email == barometer_demo.LEADER_EMAIL
    assert demo_organisations.MANAGER.email == barometer_demo.MANAGER_EMAIL
    assert demo_organisations.EMPLOYEE.email == barometer_demo.EMPLOYEE_EMAIL
    assert demo_organisations.POLITICIAN.email == barometer_demo.POLITICIAN_EMAIL


def test_the_rounds_are_named_after_their_seasons() -> None:
    autumn_2026 = barometer_demo.round_plans(datetime.date(2026, 11, 23))
    spring_2027 = barometer_demo.round_plans(datetime.date(2027, 2, 10))

    assert [plan.name for plan in autumn_2026] == [
        "Styrningsbarometern våren 2025",
        "Styrningsbarometern hösten 2025",
        "Styrningsbarometern hösten 2026",
    ]
    assert [plan.name for plan in spring_2027] == [
        "Styrningsbarometern våren 2026",
        "Styrningsbarometern hösten 2026",
        "Styrningsbarometern våren 2027",
    ]
    for plans, today in ((autumn_2026, datetime.date(2026, 11, 23)), (spring_2027, datetime.date(2027, 2, 10))):
        spring, autumn, open_round = plans
        assert spring.closes_on < autumn.opens_on <= autumn.closes_on < open_round.opens_on
        assert open_round.opens_on == today - datetime.timedelta(days=7)
        assert open_round.closes_on == today + datetime.timedelta(days=21)


def test_two_closed_rounds_and_one_open_on_two_questionnaire_versions(built: Built) -> None:
    spring, autumn, open_round = (fresh(round) for round in (built.spring, built.autumn, built.open))
    today = timezone.localdate()

    assert [round.name for round in (spring, autumn, open_round)] == [
        plan.name for plan in barometer_demo.round_plans(today)
    ]
    assert Round.objects.filter(organisation=built.organisation).count() == 3
    for closed in (spring, autumn):
        assert closed.is_launched
        assert closed.is_closed
        assert closed.results_open
        assert not closed.accepts_answers
    assert open_round.is_launched
    assert open_round.accepts_answers
    assert not open_round.is_closed
    assert not open_round.results_open
    assert (open_round.opens_on, open_round.closes_on) == (
        today - datetime.timedelta(days=7),
        today + datetime.timedelta(days=21),
    )
    assert queries.previous_round(open_round) == autumn
    assert queries.previous_round(autumn) == spring
    # Version 1 is the item bank; version 2 adds Statskontoret's block. Both are frozen, and nothing newer exists.
    assert (spring.instrument.version, autumn.instrument.version, open_round.instrument.version) == (1, 2, 2)
    assert Instrument.objects.filter(organisation=built.organisation).count() == 2
    first_codes = set(spring.instrument.items.values_list("code", flat=True))
    second_codes = set(autumn.instrument.items.values_list("code", flat=True))
    assert not first_codes & STATSKONTORET_CODES
    assert second_codes == first_codes | STATSKONTORET_CODES
    assert spring.instrument.is_frozen
    assert autumn.instrument.is_frozen
    assert timezone.localdate(spring.instrument.frozen_at) == spring.opens_on


def test_population_invitations_and_responses_add_up(built: Built) -> None:
    members = Membership.objects.filter(organisation=built.organisation)
    staff = members.exclude(actor_group__key__in=barometer_demo.OUTSIDERS)

    for round in (built.spring, built.autumn, built.open):
        invitations = Invitation.objects.filter(round=round)
        responses = Response.objects.filter(round=round)
        assert sum(PopulationCount.objects.filter(round=round).values_list("count", flat=True)) == members.count()
        assert invitations.count() == members.count()
        answered = Counter(
            invitations.filter(answered=True).values_list("unit_id", "level_id", "actor_group_id").order_by()
        )
        assert answered == Counter(responses.values_list("unit_id", "level_id", "actor_group_id").order_by())
        assert not invitations.filter(answered=True, actor_group__key__in=barometer_demo.OUTSIDERS).exists()
        # Every invitation holds the hash of its real personal link.
        for invitation in invitations.select_related("round")[:5]:
            assert actions.invitation_for_token(round, actions.invitation_token(invitation)) == invitation
    for closed in (built.spring, built.autumn):
        rate = Response.objects.filter(round=closed).count() / staff.count()
        assert 0.55 <= rate <= 0.85
        unanswered = Invitation.objects.filter(round=closed, answered=False)
        assert not unanswered.filter(reminded_at__isnull=True).exists()
    open_rate = Response.objects.filter(round=built.open).count() / staff.count()
    assert 0.3 <= open_rate <= 0.6
    assert not Invitation.objects.filter(round=built.open, reminded_at__isnull=False).exists()


def test_the_open_round_waits_for_the_demo_accounts(built: Built) -> None:
    open_round = fresh(built.open)
    invitations = Invitation.objects.filter(round=open_round, email__in=barometer_demo.DEMO_ACCOUNT_EMAILS)
    employee = invitations.get(email=demo_organisations.EMPLOYEE.email)
    before = set(Response.objects.filter(round=open_round).values_list("id", flat=True))

    assert invitations.count() == len(barometer_demo.DEMO_ACCOUNT_EMAILS)
    assert not invitations.filter(answered=True).exists()

    answers = actions.clean_answers(open_round, {"delegation_3": "4"}, {"open_value": "Tid med brukaren."})
    actions.answer_with_invitation(round=open_round, token=actions.invitation_token(employee), answers=answers)

    employee.refresh_from_db()
    assert employee.answered
    assert open_round.pending_responses.count() == 1  # in the inbox until a batch is full
    actions.mix_inbox(round=open_round)
    response = Response.objects.filter(round=open_round).exclude(id__in=before).get()
    assert (response.unit.name, response.level.rank, response.actor_group.key) == ("Hemtjänst Norr", 5, Group.EMPLOYEE)
    assert response.verified
    assert list(response.answers.values_list("item__code", "value")) == [("delegation_3", 4)]
    assert list(response.open_answers.values_list("text", flat=True)) == ["Tid med brukaren."]


def test_the_autumn_report_shows_the_front_line_below_management_on_delegation(built: Built) -> None:
    organisation = built.organisation
    report = reporting.round_report(fresh(built.autumn))
    front_line = report.cell(reporting.level_cell(level_of(organisation, 5).pk))
    management = [
        report.cell(reporting.level_cell(level.pk))
        for level in Level.objects.filter(organisation=organisation, rank__lt=5)
    ]
    shown_management = [cell for cell in management if cell.shown]
    politicians = report.cell(reporting.group_cell(group_of(organisation, Group.POLITICIAN).pk))
    employees = report.cell(reporting.group_cell(group_of(organisation, Group.EMPLOYEE).pk))

    assert front_line.shown
    assert shown_management
    for cell in shown_management:
        assert cell.principles[Theme.DELEGATION] - front_line.principles[Theme.DELEGATION] >= 10
    assert politicians.shown
    assert employees.shown
    for theme in (Theme.DELEGATION, Theme.TRUST, Theme.SUPPORT):
        assert politicians.principles[theme] > employees.principles[theme]


def test_small_units_are_suppressed_and_the_demo_managers_unit_is_shown(built: Built) -> None:
    organisation = built.organisation
    k = organisation.anonymity_threshold
    home_care = Unit.objects.get(organisation=organisation, name="Hemtjänst Norr")
    parents = dict(Unit.objects.filter(organisation=organisation).values_list("pk", "parent_id"))

    for closed in (built.spring, built.autumn):
        report = reporting.round_report(fresh(closed))
        per_unit = Counter(Response.objects.filter(round=closed).values_list("unit_id", flat=True))
        with_subunits = {unit: sum(per_unit[part] for part in tree.subtree(unit, parents)) for unit in parents}
        # Units (with everything below them) that 2 to k - 1 people answered, such as Nattpatrullen.
        small = [unit for unit, count in with_subunits.items() if 2 <= count < k]

        assert report.cell(reporting.TOTAL).shown
        assert report.cell(reporting.unit_cell(home_care.pk)).shown
        assert small
        for unit in small:
            assert report.cell(reporting.unit_cell(unit)).respondents is HIDDEN


def test_the_planted_patterns(built: Built) -> None:
    closed_answers = Answer.objects.filter(response__round__in=[built.spring, built.autumn])

    def dont_know_share(group: str) -> float:
        answers = closed_answers.filter(
            response__actor_group__key=group, item__code__in=barometer_demo.FRONT_LINE_ITEMS
        )
        return answers.filter(value__isnull=True).count() / answers.count()

    assert dont_know_share(Group.POLITICIAN) >= 0.2
    assert dont_know_share(Group.EMPLOYEE) <= 0.1
    # Openness and knowledge improved a little from spring to autumn.
    spring = reporting.round_report(fresh(built.spring)).cell(reporting.TOTAL)
    autumn = reporting.round_report(fresh(built.autumn)).cell(reporting.TOTAL)
    for theme in (Theme.OPENNESS, Theme.KNOWLEDGE):
        assert 3 <= autumn.principles[theme] - spring.principles[theme] <= 15
    # Some respondents wrote in the open questions, never the same text twice in a round.
    for round in (built.spring, built.autumn, built.open):
        texts = list(OpenAnswer.objects.filter(response__round=round).values_list("text", flat=True))
        writers = Response.objects.filter(round=round, open_answers__isnull=False).distinct().count()
        assert 0 < writers < 0.6 * Response.objects.filter(round=round).count()
        assert len(set(texts)) == len(texts)


def test_the_summary_gives_the_links_to_answer_the_open_round(built: Built) -> None:
    summary = barometer_demo.barometer_summary(built.organisation)
    open_round = fresh(built.open)
    personal_prefix = reverse("barometer:respond", args=[open_round.public_id, "x"]).removesuffix("x/")
    token = summary.split(personal_prefix)[1].split("/")[0]

    assert summary.startswith("3 barometer rounds in Exempelkommun (2 closed, 1 open)")
    assert reverse("barometer:respond_open", args=[open_round.public_id, open_round.open_key]) in summary
    assert actions.invitation_for_token(open_round, token).email == demo_organisations.EMPLOYEE.email
