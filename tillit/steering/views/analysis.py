"""The analysis of a rating campaign, for every member once the campaign is closed and sealed, and its CSV: both
read the one publication (`reporting.campaign_publication`), where the anonymity rules are already applied.

Before the campaign is sealed the page and the download say when the analysis opens, and show no figure at all
(`reports.refusals`). Once sealed the figures about people cannot change, so the page is stored per reader
(`stored_page`), under what it shows of the catalogue besides (names, owners, hours: `queries.analysis_version`).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.stored_pages import stored_page
from tillit.reports.refusals import results_not_open
from tillit.reports.spreadsheets import CSV_TYPE, XLSX_TYPE, attachment
from tillit.steering import exporting, queries, reporting
from tillit.steering.models import Campaign
from tillit.steering.permissions import CAMPAIGN, MANAGE, READ

SIGNALS_PER_PAGE = 20


def _not_open(request: OrganisationRequest, access: Access[Campaign]) -> HttpResponse:
    campaign = access.target
    if campaign.is_closed:
        when = _(
            "The campaign has closed and its ratings are being sealed. The analysis opens as soon as that is done."
        )
    else:
        when = _("The analysis opens when the campaign closes on %(date)s and its ratings are sealed.") % {
            "date": date_format(campaign.closes_on, "j F Y")
        }
    why = _("Until then nothing is shown, not even how many have rated, so that nobody can watch the ratings come in.")
    if access.may(MANAGE):
        back = reverse("steering:campaign", kwargs={"campaign": campaign.public_id})
    else:
        back = reverse("steering:campaigns", kwargs={"organisation": campaign.organisation.slug})
    response = results_not_open(
        request,
        subject=campaign.name,
        when=when,
        why=why,
        back_url=back,
        context={"organisation": campaign.organisation},
    )
    add_never_cache_headers(response)
    return response


@through(CAMPAIGN, READ)
@stored_page(lambda access: queries.analysis_version(access.target.organisation))
def analysis(request: OrganisationRequest, access: Access[Campaign]) -> HttpResponse:
    campaign = access.target
    if not campaign.results_open:
        return _not_open(request, access)
    publication = reporting.campaign_publication(campaign)
    return render(
        request,
        "steering/analysis.html",
        {
            "campaign": campaign,
            "organisation": campaign.organisation,
            "publication": publication,
            "summary_html": _summary_html(publication),
            "page": Paginator(publication.signals, SIGNALS_PER_PAGE).get_page(request.GET.get("page")),
            "may_manage": access.may(MANAGE),
        },
    )


SUMMARY_FORMAT = 1  # part of the key: a summary stored from an older template is never read back
SUMMARY_SECONDS = 60 * 60


def _summary_html(publication: reporting.Publication) -> SafeString:
    """The hours, the quadrant with its table and the candidates: the same for every reader and every page of the
    signals list, so kept rendered under what they show (the sealed figures, the catalogue's version, the
    language)."""
    campaign = publication.campaign
    version = hashlib.sha256(repr(queries.analysis_version(campaign.organisation)).encode()).hexdigest()[:16]
    sealed = campaign.sealed_at.timestamp() if campaign.sealed_at else 0
    pages = campaign.organisation.pages_version
    key = f"steering-analysis-html:{SUMMARY_FORMAT}:{campaign.pk}:{sealed}:{campaign.k}:{pages}:{version}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "steering/analysis_summary.html",
            {"publication": publication, "quadrant": reporting.analysis_quadrant(publication)},
        )
        cache.set(key, html, SUMMARY_SECONDS)
    # Our own template's output, escaped as it was rendered; stored only on the server.
    return mark_safe(html)  # noqa: S308


@through(CAMPAIGN, READ)
def analysis_csv(request: OrganisationRequest, access: Access[Campaign]) -> HttpResponse:
    campaign = access.target
    if not campaign.results_open:
        return _not_open(request, access)
    publication = reporting.campaign_publication(campaign)
    return attachment(exporting.analysis_csv(publication), CSV_TYPE, exporting.filename(publication, "csv"))


@through(CAMPAIGN, READ)
def analysis_xlsx(request: OrganisationRequest, access: Access[Campaign]) -> HttpResponse:
    campaign = access.target
    if not campaign.results_open:
        return _not_open(request, access)
    publication = reporting.campaign_publication(campaign)
    return attachment(exporting.analysis_xlsx(publication), XLSX_TYPE, exporting.filename(publication, "xlsx"))
