"""A dialogue's results: the page (and its poll for a newer analysis), the CSV and the PDF, all read from the stored
publication (`queries.results_view`), and the one refusal while they are not open (`tillit.reports.refusals`)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from tillit.dialogues import exporting, queries, report_pdf, reporting
from tillit.dialogues.permissions import (
    DIALOGUE,
    EXPORT_RESULTS,
    MODERATE,
    READ_RESULTS,
    VIEW_DIALOGUE,
    DialogueAccess,
)
from tillit.organisations.door import OrganisationRequest, through
from tillit.organisations.stored_pages import stored_page
from tillit.reports.refusals import results_not_open


def _not_open(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    """403: before the dialogue closes (unless its results are live), and for anyone who has not taken part."""
    dialogue = access.target
    if access.may(MODERATE) or access.participant is not None:
        when = _(
            "The results open when the dialogue closes, after %(closes)s. Figures watched while votes come in could "
            "reveal how the latest participants voted."
        ) % {"closes": formats.date_format(dialogue.closes_on, "DATE_FORMAT")}
    else:
        when = _("The results are shown to those who have taken part.")
    back = reverse("dialogues:participate", kwargs={"dialogue": dialogue.public_id})
    return results_not_open(request, subject=dialogue.question, when=when, back_url=back)


@through(DIALOGUE, VIEW_DIALOGUE)
@stored_page(lambda access: queries.results_state(access.target))
def results(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    dialogue = access.target
    if not access.may(READ_RESULTS):
        return _not_open(request, access)
    if request.htmx:
        # The page's poll: nothing while unchanged, then a notice with a link; the page is never swapped.
        if request.GET.get("since") == queries.results_version(dialogue):
            return HttpResponse(status=204)
        return render(request, "dialogues/results.html#update-notice", {"dialogue": dialogue, "newer": True})
    view = queries.results_view(dialogue)
    context = {
        "dialogue": dialogue,
        "may_moderate": access.may(MODERATE),
        "view": view,
        "results": view.results,
        "points": reporting.map_points(view.results) if view.results is not None else [],
        "chart": reporting.participation_chart(view.results) if view.results is not None else None,
    }
    return render(request, "dialogues/results.html", context)


@through(DIALOGUE, VIEW_DIALOGUE)
def results_csv(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    if not access.may(EXPORT_RESULTS):
        return _not_open(request, access)
    return exporting.results_csv(queries.results_view(access.target))


@through(DIALOGUE, VIEW_DIALOGUE)
def results_pdf(request: OrganisationRequest, access: DialogueAccess) -> HttpResponse:
    if not access.may(EXPORT_RESULTS):
        return _not_open(request, access)
    return report_pdf.results_pdf(queries.results_view(access.target))
