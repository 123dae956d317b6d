"""The one refusal of results that are not open yet, for every part.

Results open at a moment the part decides (a dialogue when it closes, or at once with live results; a workshop at its
results step; a barometer round when it closes), and before then nobody sees a figure, process leaders included, so
that nobody can watch the answers come in. Every part refuses the same way: `results_not_open` renders
`reports/results_not_open.html` with status 403 (someone inside who may not see the results yet), the heading
"Results", the part's own sentence of when its results open (and, if it wants, a second one on why not before), and a
link back to what the results are of. The part's pages and its exports (CSV, XLSX, PDF) use the same refusal, so a
download link followed too early explains itself instead of delivering an empty file.

    from tillit.reports.refusals import results_not_open

    if not access.may("dialogues.read_results"):
        return results_not_open(
            request,
            subject=dialogue.question,
            back_url=reverse("dialogues:participate", kwargs={"dialogue": dialogue.public_id}),
            when=_("The results open when the dialogue closes, after %(closes)s. …") % {"closes": …},
        )

The sentences are the part's: translated by the caller, plain text (escaped when drawn). Outsiders never get here:
the door (`tillit.organisations.door`) has answered them with 404 or the sign-in page already.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

__all__ = ["NOT_OPEN_STATUS", "results_not_open"]

NOT_OPEN_STATUS = 403


def results_not_open(
    request: HttpRequest,
    *,
    subject: str,
    when: str,
    why: str = "",
    back_url: str = "",
    status: int = NOT_OPEN_STATUS,
    context: Mapping[str, object] | None = None,
) -> HttpResponse:
    """The page saying the results of `subject` are not open yet: `when` they open (the part's sentence), `why` not
    before (optional), and a link back to `back_url` (optional); status 403 unless the part says otherwise.
    `context` adds what the part's layout needs (its organisation for the navigation, say)."""
    page = {**(context or {}), "subject": subject, "when": when, "why": why, "back_url": back_url}
    return render(request, "reports/results_not_open.html", page, status=status)
