"""Downloads of a round's results (CSV, XLSX) and its codebook.

The same readers and groups as the report pages: process leaders and administrators get every group, a manager
only their own units. Results are only given once they are open (when the round closes: they are published once);
the codebook holds no results and is there as soon as the reader may read results at all.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tillit.barometer import exporting, reporting
from tillit.barometer.permissions import RoundAccess, with_round

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_safe
@with_round(results=True)
def results_csv(request: HttpRequest, access: RoundAccess) -> HttpResponse:
    if not access.round.results_open:
        return _not_open()
    return _attachment(exporting.csv_bytes(_results(access)), CSV_TYPE, exporting.filename(access.round, "csv"))


@require_safe
@with_round(results=True)
def results_xlsx(request: HttpRequest, access: RoundAccess) -> HttpResponse:
    if not access.round.results_open:
        return _not_open()
    workbook = exporting.results_workbook(
        _results(access),
        exporting.codebook_rows(access.round),
        exporting.about_rows(access.round, whole_organisation=access.reads_everything),
    )
    return _attachment(workbook, XLSX_TYPE, exporting.filename(access.round, "xlsx"))


@require_safe
@with_round(results=True)
def codebook_csv(request: HttpRequest, access: RoundAccess) -> HttpResponse:
    content = exporting.csv_bytes(exporting.codebook_rows(access.round))
    return _attachment(content, CSV_TYPE, exporting.filename(access.round, "csv", suffix=_("codebook")))


def _results(access: RoundAccess) -> list[exporting.Row]:
    report = reporting.round_report(access.round)
    breakdowns = exporting.breakdowns_in_scope(access.round, report, access.readable_units)
    return exporting.result_rows(report, breakdowns)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)  # results are not for shared caches or the browser's history
    return response


def _not_open() -> HttpResponse:
    response = HttpResponse(
        _("The results are not open yet: they open when the round closes."),
        status=409,
        content_type="text/plain; charset=utf-8",
    )
    add_never_cache_headers(response)
    return response
