"""The pure rules of triage (`triage.py`): every allowed and every illegal jump, and what a decision must carry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tillit.steering import triage
from tillit.steering.models import TimeThief
from tillit.steering.triage import Decision, Refusal

ALLOWED_FROM_PENDING = {
    ("ourselves", "removed"),
    ("ourselves", "simplified"),
    ("administration", "escalated"),
    ("state", "escalated"),
    ("law", "kept"),
    ("kept", "kept"),
}


def _complete(route: str, status: str) -> Decision:
    """A decision with whatever its status needs."""
    return Decision(route=route, status=status, reason="Because.", hours_freed=Decimal("10"), has_owner=True)


def test_the_models_choices_are_the_rules_values():
    assert set(TimeThief.Status.values) == set(triage.STATUSES)
    assert set(TimeThief.Route.values) == set(triage.ROUTES)


@pytest.mark.parametrize("route", triage.ROUTES)
@pytest.mark.parametrize("status", triage.STATUSES)
def test_every_jump_from_pending(route, status):
    found = triage.refusals("pending", "", _complete(route, status))
    if (route, status) in ALLOWED_FROM_PENDING:
        assert found == []
    else:
        assert found == [Refusal.ROUTE_DOES_NOT_LEAD_THERE]


@pytest.mark.parametrize("escalated_by", ["administration", "state"])
@pytest.mark.parametrize("route", triage.ROUTES)
@pytest.mark.parametrize("status", triage.STATUSES)
def test_every_jump_from_escalated(escalated_by, route, status):
    found = triage.refusals("escalated", escalated_by, _complete(route, status))
    if route != escalated_by:
        assert found == [Refusal.ESCALATED_KEEPS_ITS_ROUTE]
    elif status in {"removed", "simplified", "kept"}:
        assert found == []
    else:
        assert found == [Refusal.NOT_AN_ANSWER]


@pytest.mark.parametrize("final", ["removed", "simplified", "kept"])
@pytest.mark.parametrize("route", triage.ROUTES)
@pytest.mark.parametrize("status", triage.STATUSES)
def test_nothing_moves_from_a_final_status(final, route, status):
    assert triage.refusals(final, "ourselves", _complete(route, status)) == [Refusal.ALREADY_DECIDED]


def test_unknown_values_are_refused():
    assert triage.refusals("pending", "", _complete("ourselves", "gone")) == [Refusal.UNKNOWN_STATUS]
    assert triage.refusals("pending", "", _complete("nowhere", "removed")) == [Refusal.UNKNOWN_ROUTE]
    assert triage.refusals("limbo", "", _complete("ourselves", "removed")) == [Refusal.UNKNOWN_STATUS]


@pytest.mark.parametrize("route", ["law", "kept"])
def test_kept_needs_a_reason_on_both_routes(route):
    assert triage.refusals("pending", "", Decision(route=route, status="kept", reason="  ")) == [Refusal.REASON_NEEDED]
    assert triage.refusals("pending", "", Decision(route=route, status="kept", reason="Lag (2001:453)")) == []


def test_the_owners_answer_kept_needs_a_reason_too():
    assert triage.refusals("escalated", "state", Decision(route="state", status="kept")) == [Refusal.REASON_NEEDED]


@pytest.mark.parametrize("status", ["removed", "simplified"])
def test_removed_and_simplified_need_sensible_hours(status):
    def refused(hours):
        return triage.refusals("pending", "", Decision(route="ourselves", status=status, hours_freed=hours))

    assert refused(None) == [Refusal.HOURS_NEEDED]
    assert refused(Decimal("-1")) == [Refusal.HOURS_NEGATIVE]
    assert refused(triage.MAX_HOURS_FREED + 1) == [Refusal.HOURS_TOO_MANY]
    assert refused(Decimal("Infinity")) == [Refusal.HOURS_TOO_MANY]
    assert refused(Decimal("NaN")) == [Refusal.HOURS_TOO_MANY]
    assert refused(Decimal("1.25")) == [Refusal.HOURS_TOO_PRECISE]
    assert refused(Decimal("0")) == []
    assert refused(triage.MAX_HOURS_FREED) == []


def test_escalation_needs_an_owner():
    decision = Decision(route="state", status="escalated", has_owner=False)
    assert triage.refusals("pending", "", decision) == [Refusal.OWNER_NEEDED]


def test_next_steps():
    assert triage.next_steps("pending", "") == dict(triage.ROUTE_LEADS_TO)
    assert triage.next_steps("escalated", "state") == {"state": frozenset({"removed", "simplified", "kept"})}
    for final in ("removed", "simplified", "kept"):
        assert triage.next_steps(final, "ourselves") == {}


texts = st.sampled_from(["", " ", "Because.", "x"])
hours = st.one_of(st.none(), st.decimals(allow_nan=True, allow_infinity=True, places=None))
any_status = st.one_of(st.sampled_from(triage.STATUSES), st.text(max_size=12))
any_route = st.one_of(st.sampled_from(triage.ROUTES), st.just(""), st.text(max_size=12))


@given(any_status, any_route, any_route, any_status, texts, hours, st.booleans())
def test_a_decision_is_stored_only_when_the_jump_is_allowed_and_complete(
    current, current_route, route, status, reason, hours_freed, has_owner
):
    decision = Decision(route=route, status=status, reason=reason, hours_freed=hours_freed, has_owner=has_owner)
    found = triage.refusals(current, current_route, decision)
    steps = triage.next_steps(current, current_route) if current in triage.STATUSES else {}
    allowed = status in steps.get(route, frozenset())
    assert triage.is_allowed(current, current_route, route, status) == allowed
    if not allowed:
        assert len(found) == 1  # the jump is refused on its own
        return
    # An allowed jump: only what the status needs can stop it.
    assert current in {"pending", "escalated"}
    assert status != "pending"
    assert (Refusal.REASON_NEEDED in found) == (status == "kept" and not reason.strip())
    assert (Refusal.OWNER_NEEDED in found) == (status == "escalated" and not has_owner)
    hours_ok = (
        hours_freed is not None
        and hours_freed.is_finite()
        and 0 <= hours_freed <= triage.MAX_HOURS_FREED
        and -hours_freed.normalize().as_tuple().exponent <= 1
    )
    hours_refused = any(r.name.startswith("HOURS") for r in found)
    assert hours_refused == (status in {"removed", "simplified"} and not hours_ok)


@given(st.sampled_from(triage.STATUSES), st.sampled_from(["", *triage.ROUTES]))
def test_final_statuses_are_absorbing(current, current_route):
    steps = triage.next_steps(current, current_route)
    if current in triage.FINAL:
        assert steps == {}
    for statuses in steps.values():
        assert "pending" not in statuses
