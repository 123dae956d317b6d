"""The inputs of tidstjuvar: reporting one, triaging one, and the triage list's filter."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tillit.organisations.models import Unit
from tillit.steering import burden, triage
from tillit.steering.actions.thieves import TITLE_MAX_LENGTH
from tillit.steering.models import DESCRIPTION_MAX_LENGTH, Signal, TimeThief

__all__ = ["ReportForm", "StatusFilterForm", "TriageForm", "decision_label"]


class ReportForm(forms.Form):
    title = forms.CharField(
        label=_("What takes the time?"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("For example: “Weekly reports of the same figures to three different places”."),
    )
    description = forms.CharField(
        label=_("Why does it not help the meeting with the service user? (optional)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        help_text=_(
            "Do not write names or anything that identifies a person: personal identity numbers, phone numbers "
            "and e-mail addresses are removed. What you write may be shared with whoever owns the demand and may "
            "become an official document (allmän handling)."
        ),
    )
    signal = forms.ModelChoiceField(
        queryset=Signal.objects.none(),
        required=False,
        label=_("Which steering signal is it about? (optional)"),
        empty_label=_("Not in the catalogue, or I do not know"),
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Where does it take the time? (optional)"),
        empty_label=_("I prefer not to say"),
        help_text=_(
            "Process leaders see the unit with the report. In a small unit it can point at you, even in an anonymous "
            "report: then leave it out."
        ),
    )
    anonymous = forms.BooleanField(
        label=_("Report anonymously"),
        required=False,
        initial=True,
        help_text=_(
            "Anonymously, nothing of who you are is kept with the report. Otherwise the process leaders see your "
            "name, so they can ask you more; the other members never see who reported."
        ),
    )

    def __init__(self, *args: Any, signals: QuerySet[Signal], units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signal"].queryset = signals  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]  # a ModelChoiceField


def decision_label(route: str, status: str) -> str:
    """How a route and the status it leads to read as one choice."""
    routes = dict(TimeThief.Route.choices)
    statuses = dict(TimeThief.Status.choices)
    if route == triage.KEPT_ROUTE:
        return str(_("Kept as it is"))
    return f"{routes[route]}: {str(statuses[status]).lower()}"


class _DecisionField(forms.ChoiceField):
    """A route and a status as "route:status". The choices offered are the jumps allowed now; any known route
    and status is accepted, so that a jump that is no longer allowed (decided meanwhile, or typed by hand) is
    refused by the action with its own message, not as an unknown choice."""

    def valid_value(self, value: Any) -> bool:
        route, _sep, status = str(value).partition(":")
        return route in triage.ROUTES and status in triage.STATUSES


def _hours(value: str) -> Decimal | None:
    text = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(_("Write the hours as a number, for example 12,5.")) from None
    if not number.is_finite():
        raise forms.ValidationError(_("Write the hours as a number, for example 12,5."))
    return number


class TriageForm(forms.Form):
    decision = _DecisionField(label=_("Decision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        help_text=_("Needed when it is kept. The members read it; write no names."),
    )
    hours_freed = forms.CharField(
        label=_("Hours freed a year (estimate)"),
        required=False,
        max_length=30,
        help_text=_("Needed when it is removed or simplified; prefilled with the signal's estimated hours."),
    )
    owner_name = forms.CharField(
        label=_("Owner it is escalated to"),
        required=False,
        max_length=150,
        help_text=_("Who can change the demand. Empty: the owner of the linked signal."),
    )
    signal = forms.ModelChoiceField(
        queryset=Signal.objects.none(),
        required=False,
        label=_("Steering signal it is about"),
        empty_label=_("None"),
    )

    def __init__(self, *args: Any, time_thief: TimeThief, signals: QuerySet[Signal], **kwargs: Any) -> None:
        steps = triage.next_steps(time_thief.status, time_thief.route)
        initial: dict[str, Any] = dict(kwargs.pop("initial", None) or {})
        if time_thief.signal is not None:
            initial.setdefault("hours_freed", str(burden_display(time_thief.signal)).replace(".", ","))
            initial.setdefault("owner_name", time_thief.signal.owner.name)
        initial.setdefault("signal", time_thief.signal)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        field.choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (f"{route}:{status}", decision_label(route, status))
            for route in triage.ROUTES
            for status in triage.STATUSES
            if status in steps.get(route, frozenset())
        ]
        self.fields["signal"].queryset = signals  # type: ignore[attr-defined]  # a ModelChoiceField

    def clean_hours_freed(self) -> Decimal | None:
        return _hours(self.cleaned_data.get("hours_freed") or "")

    def route_and_status(self) -> tuple[str, str]:
        route, _sep, status = self.cleaned_data["decision"].partition(":")
        return route, status


def burden_display(signal: Signal) -> Decimal:
    return burden.display(signal.hours_per_year).hours


class StatusFilterForm(forms.Form):
    """Which tidstjuvar the triage list shows (`?status=`); anything unknown shows the pending ones."""

    status = forms.ChoiceField(choices=[("", _("All")), *TimeThief.Status.choices], required=False)

    def shown(self) -> str:
        if "status" not in self.data or not self.is_valid():
            return triage.PENDING
        return self.cleaned_data["status"]
