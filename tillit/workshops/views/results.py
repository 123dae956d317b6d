"""The results: ranked activities and effects, the priority quadrant, the matrix and where groups disagree,
everything suppressed below the workshop's anonymity threshold (reporting.py); the decisions; the CSV and the
PDF, which read the same results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.reports.refusals import results_not_open
from tillit.reports.spreadsheets import CSV_TYPE, attachment
from tillit.workshops import actions, exporting, queries, report_pdf, reporting
from tillit.workshops.forms import DecisionForm
from tillit.workshops.models import Workshop
from tillit.workshops.permissions import READ_RESULTS, RECORD_DECISION, WORKSHOP
from tillit.workshops.views.common import acting_participant, context

PDF_TYPE = "application/pdf"


@through(WORKSHOP, READ_RESULTS)
def results(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    """The results page, where the process leaders record decisions (posted here)."""
    workshop = access.target
    if request.method == "POST":
        WORKSHOP.check(access, RECORD_DECISION)
    if not workshop.results_open:
        return _not_open(request, access)
    form = DecisionForm(request.POST or None, links=queries.decision_links(workshop))
    if request.method == "POST" and form.is_valid():
        link = form.cleaned_data["link"]
        try:
            actions.record_decision(
                decided_by=acting_participant(access),
                activity=link.source,
                effect=link.target,
                owner=form.cleaned_data["owner"],
                follow_up=form.cleaned_data["follow_up"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect(reverse("workshops:results", kwargs={"workshop": workshop.public_id}) + "#decisions")
    published = queries.workshop_results(workshop)
    page = context(
        access,
        results=published,
        quadrant=reporting.priority_quadrant(published),
        decision_form=form,
        decisions=queries.decisions(workshop),
    )
    return render(request, "workshops/results.html", page)


@through(WORKSHOP, READ_RESULTS)
def results_csv(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    """The aggregated results as CSV; hidden numbers are empty cells, never individual ratings."""
    workshop = access.target
    if not workshop.results_open:
        return _not_open(request, access)
    csv = exporting.results_csv(queries.workshop_results(workshop), list(queries.decisions(workshop)))
    return attachment(csv, CSV_TYPE, f"arbetsmote-{workshop.public_id}.csv")


@through(WORKSHOP, READ_RESULTS)
def results_pdf(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    """The workshop's report as PDF: purpose, chain, suppressed results with charts, decisions, the mix."""
    workshop = access.target
    if not workshop.results_open:
        return _not_open(request, access)
    pdf = report_pdf.render_report(
        workshop=workshop,
        results=queries.workshop_results(workshop),
        mix=queries.participant_mix(workshop),
        chain=queries.effect_chain(workshop),
        decisions=list(queries.decisions(workshop)),
    )
    return attachment(pdf, PDF_TYPE, f"arbetsmote-{workshop.public_id}.pdf")


def _not_open(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    """The results, and their exports, before rating has closed: the one refusal every part gives (403)."""
    return results_not_open(
        request,
        subject=access.target.title,
        when=_("The results are shown when rating has closed."),
        why=_(
            "Figures that change while people rate could reveal how the latest person rated, so nobody, process "
            "leaders included, sees them before the step “Results and decisions”."
        ),
        back_url=reverse("workshops:detail", kwargs={"workshop": access.target.public_id}),
        context=context(access),
    )
