"""The results: ranked activities and effects, the priority quadrant, the matrix and where groups disagree,
everything suppressed below the workshop's anonymity threshold (reporting.py); the decisions; the CSV and the
PDF, which read the same results."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.stored_pages import stored_page
from tillit.reports.refusals import results_not_open
from tillit.reports.spreadsheets import CSV_TYPE, attachment
from tillit.workshops import actions, exporting, queries, report_pdf, reporting
from tillit.workshops.forms import DecisionForm
from tillit.workshops.models import Workshop
from tillit.workshops.permissions import READ_RESULTS, RECORD_DECISION, WORKSHOP
from tillit.workshops.views.common import acting_participant, context

PDF_TYPE = "application/pdf"


@through(WORKSHOP, READ_RESULTS)
@stored_page()
def results(request: OrganisationRequest, access: Access[Workshop]) -> HttpResponse:
    """The results page, where the process leaders record decisions (posted here)."""
    workshop = access.target
    if request.method == "POST":
        WORKSHOP.check(access, RECORD_DECISION)
    if not workshop.results_open:
        return _not_open(request, access)
    form_html: SafeString | None = None
    if request.method == "POST":  # only a process leader's (checked above)
        form = DecisionForm(request.POST, links=queries.decision_links(workshop))
        if form.is_valid():
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
        form_html = mark_safe(_form_html(form))  # noqa: S308 - our own template's output
    figures_key, form_key = _stored_keys(workshop)
    empty_form = form_html is None and access.may(RECORD_DECISION)
    stored = cache.get_many([figures_key, form_key] if empty_form else [figures_key])
    if empty_form:
        form_html = _stored(stored, form_key, lambda: _form_html(DecisionForm(links=queries.decision_links(workshop))))
    figures = _stored(stored, figures_key, lambda: _figures_html(workshop))
    page = context(access, figures=figures, decision_form_html=form_html, decisions=queries.decisions(workshop))
    return render(request, "workshops/results.html", page)


FIGURES_FORMAT = 2  # part of the key: figures stored from an older template are never read back


def _stored_keys(workshop: Workshop) -> tuple[str, str]:
    """The keys of the page's figures and of its empty decision form, as rendered in the current language: under
    the results' `chain_version` and threshold, so a card's edited title, a new link or a merge is shown at once."""
    version = (
        f"{queries.RESULTS_FORMAT}.{FIGURES_FORMAT}:{workshop.public_id}:{workshop.chain_version}:"
        f"{workshop.anonymity_threshold}:{get_language()}"
    )
    return f"workshop-results-html:{version}", f"workshop-decision-form-html:{version}"


def _stored(stored: dict[str, str], key: str, render: Callable[[], str]) -> SafeString:
    """The HTML stored under `key` (read with the page's other stored parts), rendered and stored if missing."""
    html = stored.get(key)
    if html is None:
        html = render()
        cache.set(key, html, queries.RESULTS_CACHE_SECONDS)
    # Our own templates' output, escaped as it was rendered; stored only on the server.
    return mark_safe(html)  # noqa: S308


def _figures_html(workshop: Workshop) -> str:
    published = queries.workshop_results(workshop)
    return render_to_string(
        "workshops/results_figures.html",
        {"workshop": workshop, "results": published, "quadrant": reporting.priority_quadrant(published)},
    )


def _form_html(form: DecisionForm) -> str:
    """The decision form's fields as the page writes them: the same for every process leader of the workshop while
    it is empty (a page's CSRF token is outside it), so it is kept rendered beside the figures."""
    return render_to_string("forms/form.html", {"form": form})


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
        chain=queries.effect_chain(workshop, voices=True),  # its warnings: an effect without a service user's voice
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
