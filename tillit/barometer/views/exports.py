"""Downloads of a round's results (CSV, XLSX, PDF) and its codebook.

Process leaders and administrators get every group, a manager only their own units (`barometer.download_results`).
Politicians and other members, who read the organisation's page and their own unit's when the round's setting lets
them, download nothing: the pages are theirs, the spreadsheets are for those who work with the results. Results are only given once they are open (the round closed and sealed: they are published
once); before, the download explains itself with the same refusal as the pages (status 403, nothing attached). The
codebook holds no results and is there as soon as the reader may read results at all.

The PDF is the report page on paper, for one scope as the pages offer it: the organisation's (for those who read
everything; a manager is sent to their own unit's, as the spreadsheets give them only their units) or a unit's with
everything below it (one of the units the spreadsheets would give the reader). It is drawn from the same publication
as the page (`reporting.figures_of`, the breakdowns, the disclosed open answers), never recomputed.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tillit.barometer import actions, exporting, queries, report_pdf, reporting
from tillit.barometer.models import PreparedExport, Round
from tillit.barometer.permissions import DOWNLOAD_RESULTS, READ_EVERY_RESULT, ROUND, managed_units
from tillit.barometer.reporting import TOTAL, RoundReport, unit_cell
from tillit.barometer.views.reports import (
    UnitTree,
    _may_read_in,
    flat_breakdowns,
    results_refusal,
    unit_breakdown,
)
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.reports.pdf import PDF_TYPE
from tillit.reports.spreadsheets import CSV_TYPE, XLSX_TYPE, attachment, csv_bytes

CONTENT_TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


@require_safe
@through(ROUND, DOWNLOAD_RESULTS)
def results_csv(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    return _results_file(request, access, "csv")


@require_safe
@through(ROUND, DOWNLOAD_RESULTS)
def results_xlsx(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    return _results_file(request, access, "xlsx")


def _results_file(request: OrganisationRequest, access: Access[Round], kind: str) -> HttpResponse:
    """The results file: built at once when it is small; a region's is prepared in the background and served from
    the database when ready, with a page that says it is being prepared until then (it follows by itself with
    JavaScript, and has a link to try again without)."""
    round = access.target
    if not round.results_open:
        return results_refusal(request, access)
    readable = None if access.may(READ_EVERY_RESULT) else managed_units(access)
    content_type, name = CONTENT_TYPES[kind], exporting.filename(round, kind)
    if exporting.estimated_rows(round, readable) <= exporting.INLINE_ROWS:
        return attachment(exporting.results_file(round, kind, readable), content_type, name)
    language = translation.get_language()
    prepared = queries.prepared_export(round, kind, exporting.scope_key(readable), language)
    failed_before = prepared is not None and prepared.status == PreparedExport.Status.FAILED
    if prepared is None or prepared.status != PreparedExport.Status.READY:
        prepared = actions.request_export(round, kind, readable, language)
    content = prepared.content if prepared.status == PreparedExport.Status.READY else None
    ready = content is not None
    if content is not None and not request.htmx:
        return attachment(bytes(content), content_type, name)
    context = {
        "round": round,
        "prepared": prepared,
        "failed_before": failed_before,
        "kind": kind.upper(),
        "download": request.path,
    }
    if request.htmx:  # the waiting page asking again: the notice, with the link once the file is ready
        return render(request, "barometer/export_waiting.html#status", context, status=200 if ready else 202)
    return render(request, "barometer/export_waiting.html", context, status=202)


@require_safe
@through(ROUND, DOWNLOAD_RESULTS)
def codebook_csv(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    round = access.target
    content = csv_bytes(exporting.codebook_rows(round))
    return attachment(content, CSV_TYPE, exporting.filename(round, "csv", suffix=_("codebook")))


@require_safe
@through(ROUND, DOWNLOAD_RESULTS)
def results_pdf(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    """The organisation's report as PDF, for those who read everything; a manager gets their own unit's."""
    round = access.target
    if not access.may(READ_EVERY_RESULT):
        own = access.membership.unit if access.membership is not None else None
        if own is None or own.pk not in managed_units(access):
            raise PermissionDenied
        return redirect("barometer:export_pdf_unit", round=round.public_id, unit=own.public_id)
    if not round.results_open:
        return results_refusal(request, access)
    report = reporting.round_report(round)
    units = UnitTree(round, queries.report_units(round.organisation))
    themes = report.present_principles()
    previous = reporting.previous_report(round, readable=lambda earlier: _may_read_in(access, earlier))
    pdf = report_pdf.render_report(
        round=round,
        scope=report_pdf.Scope(round.organisation.name),
        figures=reporting.figures_of(report, TOTAL, previous),
        breakdowns=flat_breakdowns(access, report, themes),
        units=unit_breakdown(access, report, units.top_units(), themes),
        open_questions=_open_questions(round, report, None),
        unverified=reporting.open_link_answers(report),
    )
    return attachment(pdf, PDF_TYPE, exporting.filename(round, "pdf"))


@require_safe
@through(ROUND, DOWNLOAD_RESULTS)
def results_unit_pdf(request: OrganisationRequest, access: Access[Round], unit: UUID) -> HttpResponse:
    """A unit's report (with everything below it) as PDF, for a unit the spreadsheets would give the reader."""
    round = access.target
    units = UnitTree(round, queries.report_units(round.organisation))
    node = units.find(unit)
    if node is None:
        raise Http404
    if not access.may(READ_EVERY_RESULT) and node.pk not in managed_units(access):
        raise PermissionDenied
    if not round.results_open:
        return results_refusal(request, access)
    report = reporting.round_report(round)
    previous = reporting.previous_report(round, readable=lambda earlier: _may_read_in(access, earlier, node.pk))
    pdf = report_pdf.render_report(
        round=round,
        scope=report_pdf.Scope(node.name, unit=node.name),
        figures=reporting.figures_of(report, unit_cell(node.pk), previous),
        units=unit_breakdown(access, report, units.children(node.pk), report.present_principles()),
        open_questions=_open_questions(round, report, node.pk),
    )
    return attachment(pdf, PDF_TYPE, exporting.filename(round, "pdf", suffix=node.name))


def _open_questions(round: Round, report: RoundReport, unit_id: int | None) -> list[reporting.OpenQuestion] | None:
    """The open questions as the page discloses them for the organisation or a unit, every answer on one page."""
    key = TOTAL if unit_id is None else unit_cell(unit_id)
    if not report.cell(key).shown:
        return None
    texts = queries.open_answer_texts(round, report.readable_questions(unit_id), unit_id)
    longest = max((len(answers) for answers in texts.values()), default=0)
    return reporting.open_questions(report, key, texts, chosen="", page=None, per_page=max(1, longest))
