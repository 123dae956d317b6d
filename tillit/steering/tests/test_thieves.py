"""Tidstjuvar: reporting (anonymously keeps no membership), triage through the action and the pages, bad input,
and the members' page, which never shows who reported."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tillit.steering import actions, queries
from tillit.steering.actions import SteeringError
from tillit.steering.models import TimeThief
from tillit.steering.tests.helpers_thieves import signal

pytestmark = pytest.mark.django_db


def _report(organisation, **fields):
    return actions.report_time_thief(
        organisation=organisation, title=fields.pop("title", "Dubbeldokumentation"), **fields
    )


# Reporting -------------------------------------------------------------------------------------------------------


def test_reporting_anonymously_stores_no_membership(organisation, employee, home_unit):
    thief = _report(organisation, description="Samma sak i två system.", unit=home_unit)
    thief.refresh_from_db()
    assert thief.reported_by_id is None
    assert thief.status == TimeThief.Status.PENDING
    assert thief.unit == home_unit
    # Nothing else on the row points at a person.
    assert {f.name for f in TimeThief._meta.fields if f.is_relation} == {
        "organisation",
        "signal",
        "owner",
        "unit",
        "reported_by",
    }


def test_reporting_by_name_keeps_the_membership(organisation, employee):
    membership = employee.memberships.get()
    thief = _report(organisation, reported_by=membership)
    assert TimeThief.objects.get(pk=thief.pk).reported_by == membership


def test_personal_data_is_masked(organisation):
    thief = _report(organisation, title="Ring 070-123 45 67", description="Mejla anna@example.se om 19121212-1212")
    thief.refresh_from_db()
    assert "070" not in thief.title
    assert "anna@example.se" not in thief.description
    assert "19121212" not in thief.description


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, "Say what takes the time"),
        ({"title": "x" * 151}, "at most 150"),
        ({"description": "x" * 4001}, "at most 4000"),
    ],
)
def test_bad_reports_store_nothing(organisation, fields, message):
    with pytest.raises(SteeringError, match=message):
        _report(organisation, **fields)
    assert not TimeThief.objects.exists()


def test_another_organisations_unit_signal_or_member_is_refused(organisation, other_organisation, outsider):
    foreign = signal(other_organisation)
    from tillit.organisations.models import Unit

    foreign_unit = Unit.objects.filter(organisation=other_organisation).first()
    for fields in ({"signal": foreign}, {"unit": foreign_unit}, {"reported_by": outsider.memberships.get()}):
        with pytest.raises(SteeringError, match="another organisation"):
            _report(organisation, **fields)
    assert not TimeThief.objects.exists()


# Triage through the action -------------------------------------------------------------------------------------------


def test_we_remove_it_ourselves_with_hours_freed(organisation):
    thief = _report(organisation)
    actions.triage(time_thief=thief, route="ourselves", status="removed", hours_freed=Decimal("120.5"))
    thief.refresh_from_db()
    assert (thief.status, thief.route, thief.hours_freed) == ("removed", "ourselves", Decimal("120.5"))
    assert thief.decided_on is not None


def test_escalation_takes_the_signals_owner_then_the_owners_answer(organisation):
    linked = signal(organisation)
    thief = _report(organisation, signal=linked)
    actions.triage(time_thief=thief, route="state", status="escalated")
    thief.refresh_from_db()
    assert thief.owner == linked.owner
    assert thief.status == "escalated"
    actions.triage(time_thief=thief, route="", status="simplified", hours_freed=Decimal("60"))
    thief.refresh_from_db()
    assert (thief.status, thief.route, thief.hours_freed) == ("simplified", "state", Decimal("60"))


def test_escalation_to_a_typed_owner(organisation):
    thief = _report(organisation)
    actions.triage(time_thief=thief, route="administration", status="escalated", owner_name="Socialförvaltningen")
    thief.refresh_from_db()
    assert thief.owner.name == "Socialförvaltningen"


def test_hours_are_kept_only_for_removed_and_simplified(organisation):
    thief = _report(organisation)
    actions.triage(time_thief=thief, route="law", status="kept", reason="SoL kräver det.", hours_freed=Decimal(5))
    thief.refresh_from_db()
    assert thief.hours_freed is None
    assert thief.reason == "SoL kräver det."


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ({"route": "ourselves", "status": "escalated"}, "does not lead to that status"),
        ({"route": "law", "status": "removed", "hours_freed": Decimal(1)}, "does not lead to that status"),
        ({"route": "kept", "status": "kept"}, "Say why it is kept"),
        ({"route": "law", "status": "kept", "reason": " "}, "Say why it is kept"),
        ({"route": "ourselves", "status": "removed"}, "Estimate the hours"),
        ({"route": "ourselves", "status": "removed", "hours_freed": Decimal(-3)}, "cannot be negative"),
        ({"route": "ourselves", "status": "simplified", "hours_freed": Decimal("1e12")}, "more than any one demand"),
        ({"route": "state", "status": "escalated"}, "Name the owner"),
        ({"route": "ourselves", "status": "pending"}, "does not lead to that status"),
        ({"route": "nowhere", "status": "removed"}, "Choose a route"),
    ],
)
def test_bad_decisions_store_nothing(organisation, decision, message):
    thief = _report(organisation)
    with pytest.raises(SteeringError, match=message):
        actions.triage(time_thief=thief, **decision)
    thief.refresh_from_db()
    assert (thief.status, thief.route, thief.reason, thief.hours_freed, thief.owner_id, thief.decided_on) == (
        "pending",
        "",
        "",
        None,
        None,
        None,
    )


def test_a_decided_tidstjuv_cannot_change(organisation):
    thief = _report(organisation)
    actions.triage(time_thief=thief, route="kept", status="kept", reason="Behövs.")
    with pytest.raises(SteeringError, match="already decided"):
        actions.triage(time_thief=thief, route="ourselves", status="removed", hours_freed=Decimal(1))
    assert TimeThief.objects.get(pk=thief.pk).status == "kept"


def test_an_escalated_one_keeps_its_route(organisation):
    thief = _report(organisation, signal=signal(organisation))
    actions.triage(time_thief=thief, route="state", status="escalated")
    with pytest.raises(SteeringError, match="keeps the route"):
        actions.triage(time_thief=thief, route="ourselves", status="removed", hours_freed=Decimal(1))
    with pytest.raises(SteeringError, match="owner's answer"):
        actions.triage(time_thief=thief, route="state", status="escalated")


def test_triage_refuses_another_organisations_signal(organisation, other_organisation):
    thief = _report(organisation)
    with pytest.raises(SteeringError, match="another organisation"):
        actions.triage(time_thief=thief, route="state", status="escalated", signal=signal(other_organisation))
    assert TimeThief.objects.get(pk=thief.pk).status == "pending"


def test_summary_sums_hours_and_counts(organisation):
    for hours in ("10", "2.5"):
        actions.triage(
            time_thief=_report(organisation), route="ourselves", status="removed", hours_freed=Decimal(hours)
        )
    _report(organisation)
    summary = queries.thief_summary(organisation)
    assert summary.hours_freed == Decimal("12.5")
    assert summary.by_status["removed"] == 2
    assert summary.by_status["pending"] == 1
    assert summary.reported == 3
    assert summary.decided == 2


# Pages ---------------------------------------------------------------------------------------------------------------


def test_the_members_page_shows_results_never_who_reported(english, organisation, employee, facilitator):
    reporter = employee.memberships.get()
    thief = _report(organisation, title="Veckorapport till tre ställen", reported_by=reporter)
    actions.triage(time_thief=thief, route="ourselves", status="removed", hours_freed=Decimal("52"))
    _report(organisation, title="Väntar på beslut", reported_by=reporter)
    english.force_login(employee)
    page = english.get(reverse("steering:time_thieves", kwargs={"organisation": organisation.slug}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Veckorapport till tre ställen" in html
    assert '<span class="figure">52</span>' in html
    assert "hours a year freed (estimate)" in html
    assert "Väntar på beslut" not in html  # only decided ones are listed
    assert employee.full_name not in html.replace(f">{employee.full_name}<", "")  # the header may name the reader
    assert employee.email not in html
    assert "Report anonymously" in html
    english.force_login(facilitator)  # not even process leaders see it here
    html = english.get(reverse("steering:time_thieves", kwargs={"organisation": organisation.slug})).content.decode()
    assert employee.full_name not in html


def test_an_empty_page_says_so(english, organisation, employee):
    english.force_login(employee)
    page = english.get(reverse("steering:time_thieves", kwargs={"organisation": organisation.slug}))
    assert "No decisions yet" in page.content.decode()


def test_reporting_through_the_form_anonymously_by_default(english, organisation, employee):
    english.force_login(employee)
    url = reverse("steering:report", kwargs={"organisation": organisation.slug})
    response = english.post(url, {"title": "Samma uppgifter i tre system", "anonymous": "on"})
    assert response.status_code == 302
    thief = TimeThief.objects.get()
    assert thief.reported_by is None
    english.post(url, {"title": "Med mitt namn"})
    assert TimeThief.objects.get(title="Med mitt namn").reported_by == employee.memberships.get()


def test_a_bad_report_is_422(english, organisation, employee, other_organisation):
    english.force_login(employee)
    url = reverse("steering:report", kwargs={"organisation": organisation.slug})
    assert english.post(url, {"title": ""}).status_code == 422
    foreign = signal(other_organisation)
    assert english.post(url, {"title": "x", "signal": foreign.pk}).status_code == 422
    assert not TimeThief.objects.exists()


def test_an_employee_may_not_triage(english, organisation, employee):
    thief = _report(organisation)
    english.force_login(employee)
    assert english.get(reverse("steering:triage_list", kwargs={"organisation": organisation.slug})).status_code == 403
    url = reverse("steering:triage", kwargs={"time_thief": thief.public_id})
    assert english.get(url).status_code == 403
    assert english.post(url, {"decision": "ourselves:removed", "hours_freed": "5"}).status_code == 403
    assert TimeThief.objects.get(pk=thief.pk).status == "pending"


def test_another_organisations_tidstjuv_is_404(english, organisation, outsider, other_organisation):
    thief = _report(organisation)
    english.force_login(outsider)
    url = reverse("steering:triage", kwargs={"time_thief": thief.public_id})
    assert english.get(url).status_code == 404
    assert english.post(url, {"decision": "ourselves:removed", "hours_freed": "5"}).status_code == 404
    assert english.get(reverse("steering:time_thieves", kwargs={"organisation": organisation.slug})).status_code == 404


def test_triage_list_filters_and_the_reporter_is_shown_only_to_process_leaders(
    english, organisation, employee, facilitator
):
    named = _report(organisation, title="Med namn", reported_by=employee.memberships.get())
    anonymous = _report(organisation, title="Utan namn")
    actions.triage(time_thief=anonymous, route="kept", status="kept", reason="Behövs.")
    english.force_login(facilitator)
    listing = english.get(reverse("steering:triage_list", kwargs={"organisation": organisation.slug}))
    html = listing.content.decode()
    assert "Med namn" in html
    assert "Utan namn" not in html
    html = english.get(
        reverse("steering:triage_list", kwargs={"organisation": organisation.slug}), {"status": "kept"}
    ).content.decode()
    assert "Utan namn" in html
    assert "Med namn" not in html
    html = english.get(reverse("steering:triage", kwargs={"time_thief": named.public_id})).content.decode()
    assert employee.full_name in html
    html = english.get(reverse("steering:triage", kwargs={"time_thief": anonymous.public_id})).content.decode()
    assert "Anonymous" in html
    assert "decided; its decision cannot change" in html


def test_triage_through_the_page(english, organisation, facilitator):
    linked = signal(organisation)  # 12 min × 52 × 30 = 312 hours
    thief = _report(organisation, signal=linked)
    english.force_login(facilitator)
    url = reverse("steering:triage", kwargs={"time_thief": thief.public_id})
    page = english.get(url)
    assert page.status_code == 200
    assert 'value="312,0"' in page.content.decode()  # prefilled with the signal's hours
    response = english.post(url, {"decision": "ourselves:simplified", "hours_freed": "100,5", "signal": linked.pk})
    assert response.status_code == 302
    thief.refresh_from_db()
    assert (thief.status, thief.hours_freed) == ("simplified", Decimal("100.5"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "ourselves:escalated"}, "does not lead to that status"),
        ({"decision": "kept:kept", "reason": ""}, "Say why it is kept"),
        ({"decision": "ourselves:removed", "hours_freed": "-5"}, "cannot be negative"),
        ({"decision": "ourselves:removed", "hours_freed": "99999999999999"}, "more than any one demand"),
        ({"decision": "ourselves:removed", "hours_freed": "mycket"}, "as a number"),
        ({"decision": "ourselves:removed", "hours_freed": "Infinity"}, "as a number"),
        ({"decision": "hacked"}, "valid choice"),
    ],
)
def test_bad_triage_through_the_page_is_422(english, organisation, facilitator, data, message):
    thief = _report(organisation)
    english.force_login(facilitator)
    response = english.post(reverse("steering:triage", kwargs={"time_thief": thief.public_id}), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert TimeThief.objects.get(pk=thief.pk).status == "pending"
