"""Rating campaigns: the organisation's list (every member; process leaders create campaigns there), and one
campaign's page with its changes (edit, open, remind, close and publish), for process leaders.

Every change is a POST that redirects with a message; the GET of the same address says what the change will do. How
many have rated is shown only from the campaign's threshold k on, and who has not rated is only ever a number.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.core.confirming import confirm_page, not_possible_now
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION
from tillit.organisations.personal_links import Sent
from tillit.steering import actions, queries
from tillit.steering.forms.campaigns import CampaignForm
from tillit.steering.models import Campaign
from tillit.steering.permissions import CAMPAIGN, MANAGE, READ

CAMPAIGNS_PER_PAGE = 20


@through(ORGANISATION, READ)
def campaigns(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """Every member sees the campaigns, with a link to the analysis of those sealed; process leaders also create
    one here (a POST from anyone else is 403)."""
    organisation = access.target
    manages = access.may(MANAGE)
    if request.method == "POST" and not manages:
        raise PermissionDenied
    form = CampaignForm(request.POST or None) if manages else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            created = actions.create_campaign(
                organisation=organisation, created_by=access.membership, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The campaign is created. Check the catalogue, then open the campaign."))
            return redirect("steering:campaign", campaign=created.public_id)
    page = Paginator(queries.campaigns_of(organisation), CAMPAIGNS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"organisation": organisation, "page": page, "manages": manages, "form": form}
    status = 422 if form is not None and form.errors else 200
    return render(request, "steering/campaign_list.html", context, status=status)


def _to_campaign(campaign: Campaign) -> HttpResponse:
    return redirect("steering:campaign", campaign=campaign.public_id)


@through(CAMPAIGN, MANAGE)
def campaign(request: OrganisationRequest, access: Access[Campaign]) -> HttpResponse:
    found = access.target
    context = {
        "organisation": found.organisation,
        "campaign": found,
        "counts": queries.campaign_counts(found) if found.is_launched else None,
        "would_invite": None if found.is_launched else queries.members_to_invite(found),
        "k": found.k,
    }
    return render(request, "steering/campaign_detail.html", context)


@through(CAMPAIGN, MANAGE)
def edit_campaign(request: OrganisationRequest, access: Access[Campaign]) -> HttpResponse:
    found = access.target
    if found.is_closed:
        return _refuse(request, found, _("The campaign is closed and can no longer change."))
    form = CampaignForm(request.POST or None, campaign=found)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_campaign(campaign=found, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The campaign is saved."))
            return _to_campaign(found)
    context = {"organisation": found.organisation, "campaign": found, "form": form}
    return render(request, "steering/campaign_form.html", context, status=422 if form.errors else 200)


def _confirm(request: OrganisationRequest, campaign: Campaign, **question: Any) -> HttpResponse:
    """The campaign's page that asks before a change of its state (`core.confirming`)."""
    return confirm_page(
        request,
        subject=campaign.name,
        organisation=campaign.organisation,
        cancel_url=_page_of(campaign),
        back_label=campaign.name,
        **question,
    )


def _refuse(request: OrganisationRequest, campaign: Campaign, reason: str) -> HttpResponse:
    """A change the campaign's state does not allow (`core.confirming`)."""
    return not_possible_now(
        request,
        reason=reason,
        subject=campaign.name,
        organisation=campaign.organisation,
        cancel_url=_page_of(campaign),
        back_label=campaign.name,
    )


def _page_of(campaign: Campaign) -> str:
    return reverse("steering:campaign", kwargs={"campaign": campaign.public_id})


def _report_sent(request: OrganisationRequest, sent: Sent, *, reminder: bool, count_shown: bool) -> None:
    if not count_shown:
        text = _("The reminders are sent.")
    elif reminder:
        text = ngettext("Reminder sent to %(sent)d person.", "Reminders sent to %(sent)d people.", sent.sent) % {
            "sent": sent.sent
        }
    else:
        text = ngettext("Invitation sent to %(sent)d person.", "Invitations sent to %(sent)d people.", sent.sent) % {
            "sent": sent.sent
        }
    if sent.failed:
        failed = ngettext(
            "%(failed)d e-mail could not be sent.", "%(failed)d e-mails could not be sent.", sent.failed
        ) % {"failed": sent.failed}
        messages.warning(request, f"{text} {failed}" if count_shown else text)
    else:
        messages.success(request, text)


@through(CAMPAIGN, MANAGE)
def launch(request: OrganisationRequest, access: Access[Campaign]) -> HttpResponse:
    found = access.target
    if found.is_launched:
        return _refuse(request, found, _("The campaign has already opened."))
    if request.method != "POST":
        count = queries.members_to_invite(found)
        paragraphs = [
            _(
                "Which units each signal of the catalogue reaches is fixed now: later changes of the catalogue or "
                "of the units do not change whom this campaign asks."
            ),
            ngettext(
                "A personal link is e-mailed to %(count)d member whom at least one signal reaches.",
                "Personal links are e-mailed to %(count)d members whom at least one signal reaches.",
                count,
            )
            % {"count": count},
        ]
        if found.opens_on > timezone.localdate():
            paragraphs.append(
                _("Ratings are accepted from %(date)s; the links do not work before then.")
                % {"date": date_format(found.opens_on, "j F Y")}
            )
        return _confirm(
            request, found, title=_("Open the campaign?"), paragraphs=paragraphs, button=_("Open the campaign")
        )
    try:
        sent = actions.launch_campaign(campaign=found, site_url=settings.SITE_URL)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.info(request, _("The campaign is open."))
        _report_sent(request, sent, reminder=False, count_shown=True)
    return _to_campaign(found)


@through(CAMPAIGN, MANAGE)
def remind(request: OrganisationRequest, access: Access[Campaign]) -> HttpResponse:
    found = access.target
    if not found.accepts_ratings:
        return _refuse(request, found, _("Reminders can only be sent while the campaign is open."))
    counts = queries.campaign_counts(found)
    count_shown = not counts.not_answered.hidden
    if request.method != "POST":
        if count_shown:
            waiting = counts.not_answered.value
            recipients = ngettext(
                "The reminder goes only to those who have not rated yet: %(count)d person.",
                "The reminder goes only to those who have not rated yet: %(count)d people.",
                waiting,  # type: ignore[arg-type]  # shown: an int
            ) % {"count": waiting}
        else:
            recipients = _(
                "The reminder goes only to those who have not rated yet. How many they are is shown once at least "
                "%(k)d have rated."
            ) % {"k": found.k}
        paragraphs = [recipients, _("It repeats their personal link. Nobody, not even you, can see who they are.")]
        return _confirm(
            request, found, title=_("Send a reminder?"), paragraphs=paragraphs, button=_("Send the reminder")
        )
    try:
        sent = actions.send_campaign_reminders(campaign=found, site_url=settings.SITE_URL)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        _report_sent(request, sent, reminder=True, count_shown=count_shown)
    return _to_campaign(found)


@through(CAMPAIGN, MANAGE)
def close(request: OrganisationRequest, access: Access[Campaign]) -> HttpResponse:
    """Close the campaign and open its analysis; for one closed already (its closing date passed, or sealing
    failed) whose analysis is not open yet, publish it."""
    found = access.target
    if not found.is_launched:
        return _refuse(request, found, _("The campaign has not opened yet."))
    if found.is_sealed:
        return _refuse(request, found, _("The campaign is already closed."))
    if found.is_closed:
        return _publish(request, found)
    if request.method != "POST":
        paragraphs = [
            _("Nobody can rate after this, not even with a link they have already received."),
            _("The analysis opens to every member of the organisation, with no group smaller than %(k)d shown.")
            % {"k": found.k},
        ]
        return _confirm(
            request,
            found,
            title=_("Close the campaign?"),
            paragraphs=paragraphs,
            button=_("Close the campaign"),
            danger=True,
        )
    try:
        closed = actions.close_campaign(campaign=found)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if closed.results_open:
            messages.success(request, _("The campaign is closed. The analysis is open."))
        else:
            messages.warning(request, _("The campaign is closed. Its analysis could not be prepared yet; try again."))
    return _to_campaign(found)


def _publish(request: OrganisationRequest, campaign: Campaign) -> HttpResponse:
    if request.method != "POST":
        paragraphs = [
            _("The campaign has closed, but its last ratings are not sealed yet, so its analysis is not open."),
            _("Publishing seals them and opens the analysis to every member of the organisation."),
        ]
        return _confirm(
            request, campaign, title=_("Publish the analysis?"), paragraphs=paragraphs, button=_("Publish the analysis")
        )
    try:
        actions.seal_campaign(campaign=campaign)
    except DatabaseError:
        messages.error(request, _("The analysis could not be prepared. Try again."))
    else:
        messages.success(request, _("The analysis is open."))
    return _to_campaign(campaign)
