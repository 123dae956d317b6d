"""Downloads of a round's results (CSV, XLSX) and its codebook.

Process leaders and administrators get every group, a manager only their own units (`barometer.download_results`).
Politicians and other members, who read the organisation's page and their own unit's when the round's setting lets
them, download nothing: the pages are theirs, the spreadsheets are for those who work with the results. Results are only given once they are open (the round closed and sealed: they are published
once); before, the download explains itself with the same refusal as the pages (status 403, nothing attached). The
codebook holds no results and is there as soon as the reader may read results at all.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tillit.barometer import exporting, reporting
from tillit.barometer.models import Round
from tillit.barometer.permissions import DOWNLOAD_RESULTS, READ_EVERY_RESULT, ROUND, managed_units
from tillit.barometer.views.reports import results_refusal
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.reports.spreadsheets import CSV_TYPE, XLSX_TYPE, Row, attachment, csv_bytes


@require_safe
@through(ROUND, DOWNLOAD_RESULTS)
def results_csv(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    round = access.target
    if not round.results_open:
        return results_refusal(request, access)
    return attachment(csv_bytes(_results(access)), CSV_TYPE, exporting.filename(round, "csv"))


@require_safe
@through(ROUND, DOWNLOAD_RESULTS)
def results_xlsx(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    round = access.target
    if not round.results_open:
        return results_refusal(request, access)
    workbook = exporting.results_workbook(
        _results(access),
        exporting.codebook_rows(round),
        exporting.about_rows(round, whole_organisation=access.may(READ_EVERY_RESULT)),
    )
    return attachment(workbook, XLSX_TYPE, exporting.filename(round, "xlsx"))


@require_safe
@through(ROUND, DOWNLOAD_RESULTS)
def codebook_csv(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    round = access.target
    content = csv_bytes(exporting.codebook_rows(round))
    return attachment(content, CSV_TYPE, exporting.filename(round, "csv", suffix=_("codebook")))


def _results(access: Access[Round]) -> list[Row]:
    report = reporting.round_report(access.target)
    readable = None if access.may(READ_EVERY_RESULT) else managed_units(access)
    return exporting.result_rows(report, exporting.breakdowns_in_scope(access.target, report, readable))
