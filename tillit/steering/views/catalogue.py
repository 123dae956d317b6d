"""The catalogue of steering signals: the list with its filters and the hours together (every member), a signal with
its Standard Cost Model arithmetic (every member), and adding, changing and deleting a signal (process leaders and
administrators). Every figure of hours is an estimate, and the pages say so."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION
from tillit.steering import actions, queries, reporting
from tillit.steering.forms.catalogue import CatalogueFilterForm, SignalForm
from tillit.steering.models import Signal
from tillit.steering.permissions import MANAGE, READ, SIGNAL

PER_PAGE = 25


@through(ORGANISATION, READ)
def catalogue(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """The organisation's signals, filtered by kind, source and owner, a page at a time, with their hours a year
    together and by kind, source, owner and unit (`reporting.hours_summary`; estimates)."""
    organisation = access.target
    filters = CatalogueFilterForm(request.GET or None, owners=queries.owners_of(organisation))
    signals = queries.filtered_signals(organisation, **filters.filters())
    listed = Paginator(signals, PER_PAGE).get_page(request.GET.get("page"))
    summary = reporting.hours_summary(list(signals))
    context = {
        "organisation": organisation,
        "filters": filters,
        "listed": listed,
        "summary": summary,
        "total_hours": summary.shown_total,
        "catalogue_is_empty": not filters.active and listed.paginator.count == 0,
        "may_manage": access.may(MANAGE),
    }
    return render(request, "steering/catalogue_list.html", context)


@through(ORGANISATION, MANAGE)
def add_signal(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.target
    form = SignalForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            signal = actions.create_signal(organisation=organisation, **form.action_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(name)s” is added to the catalogue.") % {"name": signal.name})
            return redirect("steering:signal", signal=signal.public_id)
    context = {"organisation": organisation, "form": form, "signal": None}
    return render(request, "steering/signal_form.html", context, status=422 if form.errors else 200)


@through(SIGNAL, READ)
def signal(request: OrganisationRequest, access: Access[Signal]) -> HttpResponse:
    """A signal: what it asks, of whom, and its hours a year worked out (an estimate)."""
    found = access.target
    context = {
        "organisation": access.organisation,
        "signal": found,
        "arithmetic": queries.arithmetic_of(found),
        "units": list(found.units.all()),
        "effects": queries.effects_of(found, access.membership, all_of_them=access.may(MANAGE)),
        "may_manage": access.may(MANAGE),
    }
    return render(request, "steering/signal_detail.html", context)


@through(SIGNAL, MANAGE)
def edit_signal(request: OrganisationRequest, access: Access[Signal]) -> HttpResponse:
    found = access.target
    form = SignalForm(request.POST or None, organisation=access.organisation, signal=found)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_signal(signal=found, **form.action_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The signal is saved."))
            return redirect("steering:signal", signal=found.public_id)
    context = {"organisation": access.organisation, "form": form, "signal": found}
    return render(request, "steering/signal_form.html", context, status=422 if form.errors else 200)


@through(SIGNAL, MANAGE)
def delete_signal(request: OrganisationRequest, access: Access[Signal]) -> HttpResponse:
    """Asks first; refuses, saying why, when a campaign has rated the signal or asks about it."""
    found = access.target
    status = 200
    if request.method == "POST":
        try:
            actions.delete_signal(signal=found)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            status = 422
        else:
            messages.success(request, _("“%(name)s” is deleted from the catalogue.") % {"name": found.name})
            return redirect("steering:catalogue", organisation=access.organisation.slug)
    context = {"organisation": access.organisation, "signal": found, "in_use": queries.signal_in_use(found)}
    return render(request, "steering/signal_confirm_delete.html", context, status=status)
