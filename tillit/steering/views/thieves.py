"""Tidstjuvar: the members' results page and the report form (every member), the triage list and a tidstjuv's
triage page (process leaders)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION
from tillit.privacy.masking import removal_notice
from tillit.steering import actions, queries
from tillit.steering.forms.thieves import ReportForm, StatusFilterForm, TriageForm
from tillit.steering.models import TimeThief
from tillit.steering.permissions import MANAGE, READ, TIME_THIEF

PER_PAGE = 25


def _report_form(request: OrganisationRequest, organisation: Organisation, *, bound: bool = True) -> ReportForm:
    """No unit is chosen beforehand: an anonymous report with the reporter's own small unit would point at them."""
    return ReportForm(
        request.POST if bound and request.method == "POST" else None,
        signals=queries.signals_to_link(organisation),
        units=queries.units_to_choose(organisation),
    )


def _results_page(request: OrganisationRequest, organisation: Organisation, form: ReportForm) -> HttpResponse:
    decided = Paginator(queries.decided_time_thieves(organisation), PER_PAGE).get_page(request.GET.get("page"))
    summary = queries.thief_summary(organisation)
    context = {
        "organisation": organisation,
        "summary": summary,
        "status_rows": [(label, summary.by_status[value]) for value, label in TimeThief.Status.choices],
        "decided": decided,
        "form": form,
        "may_manage": request.membership is not None and request.membership.is_facilitator,
    }
    return render(request, "steering/thief_results.html", context, status=422 if form.errors else 200)


@through(ORGANISATION, READ)
def results(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """What became of the reported tidstjuvar and the hours freed, for every member; the report form below."""
    organisation = access.target
    return _results_page(request, organisation, _report_form(request, organisation, bound=False))


@through(ORGANISATION, READ)
def report(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """Report a tidstjuv: any member, anonymously unless they choose otherwise."""
    organisation = access.target
    form = _report_form(request, organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thief = actions.report_time_thief(
                organisation=organisation,
                title=data["title"],
                description=data["description"],
                reported_by=None if data["anonymous"] else request.membership,
                unit=data["unit"],
                signal=data["signal"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. The tidstjuv is reported; a process leader will look at it."))
            removed = getattr(thief, "removed_personal_data", {})
            if removed:
                messages.warning(request, removal_notice(removed))
            return redirect("steering:time_thieves", organisation=organisation.slug)
    context = {"organisation": organisation, "form": form}
    return render(request, "steering/thief_report.html", context, status=422 if form.errors else 200)


@through(ORGANISATION, MANAGE)
def triage_list(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.target
    status = StatusFilterForm(request.GET).shown()
    listed = Paginator(queries.time_thieves_to_triage(organisation, status), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "listed": listed,
        "status": status,
        "statuses": [*TimeThief.Status.choices, ("", _("All"))],
        "summary": queries.thief_summary(organisation),
    }
    return render(request, "steering/thief_triage_list.html", context)


@through(TIME_THIEF, MANAGE)
def triage(request: OrganisationRequest, access: Access[TimeThief]) -> HttpResponse:
    thief = access.target
    organisation = access.organisation
    form = TriageForm(
        request.POST if request.method == "POST" else None,
        time_thief=thief,
        signals=queries.signals_to_link(organisation),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        route, status = form.route_and_status()
        try:
            actions.triage(
                time_thief=thief,
                route=route,
                status=status,
                reason=data["reason"],
                hours_freed=data["hours_freed"],
                owner_name=data["owner_name"],
                signal=data["signal"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The decision is saved."))
            return redirect("steering:triage", time_thief=thief.public_id)
    context = {
        "organisation": organisation,
        "thief": thief,
        "reporter": thief.reported_by.user.full_name if thief.reported_by is not None else None,
        "flags": queries.identifying_details_of(thief),
        "form": form,
        "decidable": bool(form.fields["decision"].choices),  # type: ignore[attr-defined]  # a ChoiceField
    }
    return render(request, "steering/thief_triage.html", context, status=422 if form.errors else 200)
