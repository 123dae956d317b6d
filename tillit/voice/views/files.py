"""Brukarrösten's downloads for process leaders: a service page's poster (PDF in A4 or A3, the QR code as PNG) and
the organisation's suggestions (CSV, XLSX).

A closed page still has its poster: the code stays the page's, and its address answers that the page no longer
takes suggestions, so a poster printed again for a page that is opened again later says the same thing.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.utils.translation import get_language

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION, get_in_organisation
from tillit.reports.pdf import PDF_TYPE
from tillit.reports.spreadsheets import attachment
from tillit.voice import actions, exporting, poster, queries
from tillit.voice.models import ServicePage
from tillit.voice.permissions import MANAGE

PNG_TYPE = "image/png"


@through(ORGANISATION, MANAGE)
def page_poster(request: OrganisationRequest, access: Access[Organisation], page: UUID, size: str) -> HttpResponse:
    """The poster of a service page: `size` is "a4" or "a3" (a PDF) or "png" (the QR code alone)."""
    found = get_in_organisation(ServicePage, access.target, page)
    if size not in {*poster.SIZES, "png"}:
        raise Http404
    address = queries.public_address(found, site_url=settings.SITE_URL)
    name = f"affisch-{slugify(found.name)[:60].strip('-_') or found.code}"
    if size == "png":
        return attachment(poster.qr_png(address), PNG_TYPE, f"{name}-qr.png")
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    shown = poster.Poster(found.name, found.code, address, actions.LANGUAGES, language)
    return attachment(poster.poster_pdf(shown, size), PDF_TYPE, f"{name}-{size}.pdf")


@through(ORGANISATION, MANAGE)
def suggestions_export(request: OrganisationRequest, access: Access[Organisation], kind: str) -> HttpResponse:
    """Every suggestion of the organisation as CSV or XLSX (`exporting`), never the contact details."""
    if kind not in exporting.KINDS:
        raise Http404
    content = exporting.suggestions_file(queries.suggestions_to_export(access.target), kind)
    return attachment(content, exporting.CONTENT_TYPES[kind], exporting.filename(kind))
