"""Importing a catalogue from CSV or XLSX (process leaders and administrators): upload, a preview of every row with
its errors, then a confirmation that adds them all or none. The checked rows wait in the session between the two
steps (as text, checked again when confirmed), under a token the confirmation must name, so an older preview in
another window cannot import a newer file."""

from __future__ import annotations

from uuid import uuid4

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.core.middleware import accepts_body_up_to
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION
from tillit.reports.spreadsheets import attachment, csv_bytes
from tillit.steering import actions, importing
from tillit.steering.forms.importing import SignalImportConfirmForm, SignalImportForm
from tillit.steering.permissions import MANAGE

SESSION_KEY = "steering_import"
MULTIPART_OVERHEAD_BYTES = 65_536  # the form's other fields and the multipart boundaries around the file


@accepts_body_up_to(lambda: importing.limits()[0] + MULTIPART_OVERHEAD_BYTES)
@through(ORGANISATION, MANAGE)
def import_signals(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """GET: the upload form (`?example=csv`: the example file). POST with a file: the preview, nothing added yet.
    POST with the preview's token: every row added, or none."""
    organisation = access.target
    if request.GET.get("example") == "csv":
        return attachment(csv_bytes(importing.example_rows()), "text/csv; charset=utf-8", "styrsignaler-exempel.csv")
    confirm = SignalImportConfirmForm(None if request.FILES else request.POST or None)
    if confirm.is_valid():
        return _commit(request, organisation, confirm.cleaned_data["preview"])
    form = SignalImportForm(request.POST or None, request.FILES or None)
    preview, token = None, ""
    if request.method == "POST":
        request.session.pop(SESSION_KEY, None)  # a new upload replaces whatever was checked before, even if it fails
    if request.method == "POST" and form.is_valid():
        try:
            preview = importing.read_signals(form.data_read(), organisation=organisation, name=form.file_name())
        except ValidationError as error:
            form.add_error("file", error)
        if preview is not None and preview.can_commit:
            token = uuid4().hex
            request.session[SESSION_KEY] = {
                "organisation": organisation.pk,
                "rows": importing.rows_to_session(preview.rows),
                "token": token,
            }
    status = 422 if form.errors or (preview is not None and not preview.can_commit) else 200
    context = {"organisation": organisation, "form": form, "preview": preview, "preview_token": token}
    return render(request, "steering/import_form.html", context, status=status)


def _commit(request: OrganisationRequest, organisation: Organisation, token: str) -> HttpResponse:
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("organisation") != organisation.pk:
        messages.error(request, _("There is no checked file to import. Upload the file again."))
        return redirect("steering:import", organisation=organisation.slug)
    if stored.get("token") != token:
        messages.error(
            request,
            _(
                "A newer file was checked after this preview, perhaps in another window. Nothing was imported; "
                "check the file again."
            ),
        )
        return redirect("steering:import", organisation=organisation.slug)
    preview = importing.rows_from_session(stored["rows"], organisation=organisation)
    if not preview.can_commit:
        messages.error(request, _("Something changed since the preview; nothing was imported. Check the rows below."))
        context = {"organisation": organisation, "form": SignalImportForm(), "preview": preview}
        return render(request, "steering/import_form.html", context, status=409)
    try:
        added = actions.import_signals(organisation=organisation, rows=preview.signals())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("steering:import", organisation=organisation.slug)
    del request.session[SESSION_KEY]
    messages.success(
        request,
        ngettext(
            "%(count)s signal was added to the catalogue.", "%(count)s signals were added to the catalogue.", len(added)
        )
        % {"count": len(added)},
    )
    return redirect("steering:catalogue", organisation=organisation.slug)
