"""A live meeting's files: the QR code the big screen shows, and the results as CSV and PDF."""

from __future__ import annotations

from django.http import HttpResponse

from tillit.live import afterwards, exporting, report_pdf
from tillit.live.models import LiveSession
from tillit.live.permissions import MANAGE, SESSION
from tillit.live.views.screen import code_address
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.reports import qr
from tillit.reports.pdf import PDF_TYPE
from tillit.reports.spreadsheets import CSV_TYPE, attachment

QR_SCALE = 12  # pixels per module: about 450 pixels wide for the meeting's address, sharp when the screen scales it


@through(SESSION, MANAGE)
def qr_code(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """The QR code of the meeting's address (SITE_URL/l/<code>/) as a PNG, black on white with its quiet zone, for the
    big screen (`tillit.reports.qr`, as Brukarrösten's posters)."""
    response = HttpResponse(
        qr.qr_png(qr.qr_code(code_address(access.target)), scale=QR_SCALE), content_type="image/png"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


# The results afterwards ------------------------------------------------------------------------------------------


@through(SESSION, MANAGE)
def export_csv(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """The meeting's results as CSV: the same figures as the results page (`afterwards`), hidden ones empty."""
    results = afterwards.meeting_results(access.target)
    return attachment(exporting.results_csv(results), CSV_TYPE, exporting.filename(results, "csv"))


@through(SESSION, MANAGE)
def export_pdf(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """The meeting's results as PDF: the same figures as the results page, hidden ones as "–"."""
    results = afterwards.meeting_results(access.target)
    return attachment(report_pdf.results_pdf(results), PDF_TYPE, exporting.filename(results, "pdf"))
