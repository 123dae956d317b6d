"""Tidstjuvar: reporting one (any member, optionally anonymously; the Live part reports them too) and triaging it
(process leaders, by the rules of `triage.py`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.text import normalise_text
from tillit.organisations.models import Membership, Organisation, Unit
from tillit.privacy.masking import mask_personal_data, removed_in
from tillit.steering import triage as rules
from tillit.steering.actions.errors import SteeringError
from tillit.steering.models import DESCRIPTION_MAX_LENGTH, Owner, Signal, TimeThief

__all__ = ["KEEP_SIGNAL", "TITLE_MAX_LENGTH", "refusal_message", "report_time_thief", "triage"]

TITLE_MAX_LENGTH: Final = 150


class _Keep:
    """The signal a tidstjuv is linked to stays as it is."""


KEEP_SIGNAL: Final = _Keep()


def _check_length(text: str, limit: int) -> None:
    if len(text) > limit:
        raise SteeringError(
            _("Write at most %(limit)s characters; this has %(length)s.") % {"limit": limit, "length": len(text)}
        )


def _check_belongs(organisation: Organisation, *rows: object) -> None:
    for row in rows:
        if row is not None and getattr(row, "organisation_id", None) != organisation.pk:
            raise SteeringError(_("The chosen unit, signal or owner belongs to another organisation."))


@transaction.atomic
def report_time_thief(
    *,
    organisation: Organisation,
    title: str,
    description: str = "",
    reported_by: Membership | None = None,
    unit: Unit | None = None,
    signal: Signal | None = None,
) -> TimeThief:
    """A new tidstjuv, pending. `reported_by` None: anonymous, and then no membership is kept with it at all.
    Personnummer, phone numbers and e-mail addresses are masked in the texts (what was removed is on the returned
    row's `removed_personal_data`, for the notice, never stored)."""
    title, description = normalise_text(title), (description or "").strip()
    if not title:
        raise SteeringError(_("Say what takes the time."))
    _check_length(title, TITLE_MAX_LENGTH)
    _check_length(description, DESCRIPTION_MAX_LENGTH)
    _check_belongs(organisation, reported_by, unit, signal)
    masked_title, masked_description = mask_personal_data(title), mask_personal_data(description)
    thief = TimeThief.objects.create(
        organisation=organisation,
        title=masked_title.text,
        description=masked_description.text,
        reported_by=reported_by,
        unit=unit,
        signal=signal,
    )
    thief.removed_personal_data = removed_in(masked_title, masked_description)  # type: ignore[attr-defined]  # for the notice only
    return thief


def refusal_message(refusal: rules.Refusal) -> str:
    """A refusal of `triage.refusals` in the reader's language."""
    messages = {
        rules.Refusal.UNKNOWN_STATUS: _("Choose a status from the list."),
        rules.Refusal.UNKNOWN_ROUTE: _("Choose a route from the list."),
        rules.Refusal.ALREADY_DECIDED: _("This tidstjuv is already decided; its decision cannot change."),
        rules.Refusal.ROUTE_DOES_NOT_LEAD_THERE: _(
            "That route does not lead to that status: what we change ourselves is removed or simplified, what goes "
            "to the administration or a state body is escalated, and what the law requires or we keep is kept."
        ),
        rules.Refusal.NOT_AN_ANSWER: _(
            "An escalated tidstjuv waits for the owner's answer: removed, simplified or kept."
        ),
        rules.Refusal.ESCALATED_KEEPS_ITS_ROUTE: _("An escalated tidstjuv keeps the route it was escalated by."),
        rules.Refusal.REASON_NEEDED: _("Say why it is kept: the members read the reason."),
        rules.Refusal.HOURS_NEEDED: _("Estimate the hours freed a year (0 if none)."),
        rules.Refusal.HOURS_NEGATIVE: _("The hours freed cannot be negative."),
        rules.Refusal.HOURS_TOO_MANY: _("The hours freed are more than any one demand can take. Check the estimate."),
        rules.Refusal.HOURS_TOO_PRECISE: _("Give the hours freed with at most one decimal."),
        rules.Refusal.OWNER_NEEDED: _("Name the owner it is escalated to: who can change the demand."),
    }
    return messages[refusal]


def _owner(organisation: Organisation, owner_name: str) -> Owner:
    from tillit.steering.actions.catalogue import owner_named  # the catalogue's one way to name an owner

    return owner_named(organisation=organisation, name=owner_name)


@transaction.atomic
def triage(
    *,
    time_thief: TimeThief,
    route: str,
    status: str,
    reason: str = "",
    hours_freed: Decimal | None = None,
    owner_name: str = "",
    signal: Signal | _Keep | None = KEEP_SIGNAL,
) -> TimeThief:
    """Decide a tidstjuv by the rules of `triage.py`: a route and the status it leads to, or an escalated one's
    answer. SteeringError (nothing stored) for a jump that is not allowed, a kept one without a reason, hours freed
    missing, negative or absurd, an escalation without an owner. The owner is the typed one, else the linked
    signal's; the reason is masked (members read it). Hours freed are kept only for removed and simplified."""
    locked = TimeThief.objects.select_for_update().get(pk=time_thief.pk)
    organisation = locked.organisation
    if not isinstance(signal, _Keep):
        _check_belongs(organisation, signal)
        locked.signal = signal
    reason = (reason or "").strip()
    _check_length(reason, DESCRIPTION_MAX_LENGTH)
    owner_name = normalise_text(owner_name or "")
    has_owner = bool(owner_name) or locked.signal is not None or locked.owner_id is not None
    if locked.status == rules.ESCALATED and not route:
        route = locked.route
    decision = rules.Decision(route=route, status=status, reason=reason, hours_freed=hours_freed, has_owner=has_owner)
    found = rules.refusals(locked.status, locked.route, decision)
    if found:
        raise SteeringError([refusal_message(refusal) for refusal in found])
    if status == rules.ESCALATED:
        locked.owner = (
            _owner(organisation, owner_name)
            if owner_name
            else (locked.signal.owner if locked.signal is not None else locked.owner)
        )
    locked.route, locked.status = route, status
    locked.reason = mask_personal_data(reason).text
    locked.hours_freed = hours_freed if status in rules.FREEING else None
    locked.decided_on = timezone.localdate()
    locked.save()
    for field in ("route", "status", "reason", "hours_freed", "decided_on", "owner", "signal"):
        setattr(time_thief, field, getattr(locked, field))
    return time_thief
