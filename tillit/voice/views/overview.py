"""The overview for leaders (process leaders and administrators): what came in per month, by theme, channel, status
or unit, the totals per unit and status, and how long answers take. The database counts (`queries`), `overview.py`
arranges, `reports.charts.series` draws."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation, Unit
from tillit.organisations.permissions import ORGANISATION
from tillit.reports.charts.series import stacked_series_bars
from tillit.voice import overview as arranged
from tillit.voice import queries
from tillit.voice.forms import OverviewForm
from tillit.voice.models import Suggestion
from tillit.voice.permissions import MANAGE


@through(ORGANISATION, MANAGE)
def overview(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.target
    units = queries.units_with_page(organisation)
    form = OverviewForm(request.GET, units=units)
    form.is_valid()
    unit, dimension = form.chosen_unit, form.chosen_dimension
    today = timezone.localdate()
    since = arranged.period_start(today, arranged.PERIODS[form.chosen_period])
    shown_units = [(str(item.pk), item.name) for item in ([unit] if unit else units)]

    per_month = arranged.monthly_breakdown(
        queries.received_per_month(organisation, since=since, unit=unit, dimension=dimension),
        keys=_values_of(dimension, units),
        first=since,
        last=today,
    )
    counted = queries.received_by_unit_and_status(
        organisation,
        since=since,
        unit=unit,
        waiting_before=today - datetime.timedelta(days=arranged.ANSWER_WITHIN_DAYS),
    )
    statuses = arranged.unit_status_table(
        [(key, status, count) for key, status, count, _waiting in counted],
        units=shown_units,
        statuses=[(key, str(label)) for key, label in Suggestion.Status.choices],
    )
    times, overall = arranged.answer_times(
        queries.answer_days(organisation, since=since, unit=unit),
        [(key, waiting) for key, _status, _count, waiting in counted],
        units=shown_units,
        everyone=_("All units") if unit is None else unit.name,
    )
    series = arranged.chart_series(per_month, other=_("The others together"))
    chart = stacked_series_bars([formats.date_format(month, "b Y") for month in per_month.months], series)
    context = {
        "organisation": organisation,
        "form": form,
        "has_pages": bool(units),
        "unit": unit,
        "dimension": dict(form.fields["dimension"].choices)[dimension],  # type: ignore[attr-defined]
        "first_month": per_month.months[0],
        "last_month": per_month.months[-1],
        "per_month": per_month,
        "chart": chart,
        "statuses": statuses,
        "times": times,
        "overall": overall,
        "within_days": arranged.ANSWER_WITHIN_DAYS,
    }
    return render(request, "voice/overview.html", context)


def _values_of(dimension: str, units: list[Unit]) -> list[tuple[str, str]]:
    """The values of the breakdown, in the order and with the names the page gives them."""
    if dimension == "unit":
        return [(str(unit.pk), unit.name) for unit in units]
    if dimension == "channel":
        return [(key, str(label)) for key, label in Suggestion.Channel.choices]
    if dimension == "status":
        return [(key, str(label)) for key, label in Suggestion.Status.choices]
    return [*[(key, str(label)) for key, label in Suggestion.Theme.choices], ("", _("No theme"))]
