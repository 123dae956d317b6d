"""(being written)"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from tillit.live import afterwards, exporting, report_pdf
from tillit.live.models import LiveSession
from tillit.live.permissions import MANAGE, SESSION
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.reports.pdf import PDF_TYPE
from tillit.reports.spreadsheets import CSV_TYPE, attachment


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


# The QR code on the big screen (S) --------------------------------------------------------------------------------

QR_QUIET_ZONE = 4  # modules of white around the symbol, as the standard asks
QR_SCALE = 12  # pixels per module: about 450 pixels wide for the meeting's address, sharp when the screen scales it


@through(SESSION, MANAGE)
def qr_code(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """The QR code of the meeting's address (SITE_URL/l/<code>/) as a PNG, black on white with its quiet zone, for the
    big screen. segno writes the PNG itself (as Brukarrösten's poster does), error correction M or better."""
    session = access.target
    address = settings.SITE_URL + reverse("live:follow", kwargs={"code": session.code})
    out = io.BytesIO()
    segno.make_qr(address, error="m").save(out, kind="png", scale=QR_SCALE, border=QR_QUIET_ZONE)
    response = HttpResponse(out.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


# The results afterwards (R) ---------------------------------------------------------------------------------------


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
