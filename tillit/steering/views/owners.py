"""Owners and lärande tillsyn: the owners' list (every member), an owner's dossier with its CSV and PDF, and opening
a Samtal with the owner (process leaders)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION
from tillit.reports.spreadsheets import CSV_TYPE, attachment, csv_bytes
from tillit.steering import actions, queries
from tillit.steering.dossier import csv_rows, owner_dossier, seed_statements
from tillit.steering.forms.owners import OwnerDialogueForm
from tillit.steering.models import Owner
from tillit.steering.permissions import MANAGE, OWNER, READ
from tillit.steering.report_pdf import dossier_pdf

PER_PAGE = 50


@through(ORGANISATION, READ)
def owners(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.target
    listed = Paginator(queries.owners_overview(organisation), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "listed": listed,
        "may_manage": access.may(MANAGE),
    }
    return render(request, "steering/owners.html", context)


def _owner_page(
    request: OrganisationRequest, access: Access[Owner], form: OwnerDialogueForm, *, status: int = 200
) -> HttpResponse:
    dossier = owner_dossier(access.target)
    context = {
        "organisation": access.organisation,
        "owner": access.target,
        "dossier": dossier,
        "seeds": seed_statements(dossier),
        "form": form,
    }
    return render(request, "steering/owner.html", context, status=status)


@through(OWNER, MANAGE)
def owner(request: OrganisationRequest, access: Access[Owner]) -> HttpResponse:
    return _owner_page(request, access, OwnerDialogueForm())


def _filename(owner: Owner, extension: str) -> str:
    return f"tillsyn-{slugify(owner.name)[:60] or 'agare'}.{extension}"


@through(OWNER, MANAGE)
def export_csv(request: OrganisationRequest, access: Access[Owner]) -> HttpResponse:
    rows = csv_rows(owner_dossier(access.target))
    return attachment(csv_bytes(rows), CSV_TYPE, _filename(access.target, "csv"))


@through(OWNER, MANAGE)
def export_pdf(request: OrganisationRequest, access: Access[Owner]) -> HttpResponse:
    content = dossier_pdf(owner_dossier(access.target))
    return attachment(content, "application/pdf", _filename(access.target, "pdf"))


@through(OWNER, MANAGE)
def open_dialogue(request: OrganisationRequest, access: Access[Owner]) -> HttpResponse:
    """GET: back to the owner's page, where the form is; POST: open the Samtal and send the invitations."""
    if request.method != "POST":
        return redirect("steering:owner", owner=access.target.public_id)
    form = OwnerDialogueForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            dialogue = actions.open_owner_dialogue(
                owner=access.target,
                created_by=access.membership,
                question=data["question"],
                addresses=data["addresses"],
                actor_group=data["actor_group"],
                site_url=settings.SITE_URL,
                closes_on=data["closes_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "The dialogue is open and the invitations are sent. Share its link with others who should take part."
                ),
            )
            return redirect("dialogues:moderate", dialogue=dialogue.public_id)
    return _owner_page(request, access, form, status=422)
