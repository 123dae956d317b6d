"""The barometer's rounds: the organisation's list, creating a round, and one round's page with its changes (edit,
open, remind, close, and publish the results of a closed round).

Every change is a POST that redirects, with a message as feedback; the GET of the same URL shows what the change
will do. Counts of answers are shown only where they meet the round's anonymity threshold, and who has not answered
is only ever a number (`reporting.participation`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.barometer import actions, queries, reporting
from tillit.barometer.forms import RoundForm
from tillit.barometer.models import Round
from tillit.barometer.permissions import CREATE_ROUND, MANAGE_ROUND, READ_RESULTS, ROUND, VIEW_ROUNDS, round_access
from tillit.core.confirming import confirm_page, not_possible_now
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION
from tillit.privacy.suppression import Hidden

ROUNDS_PER_PAGE = 20


@through(ORGANISATION, VIEW_ROUNDS)
def round_list(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """Process leaders see every round; other members the rounds open now and the closed ones, with a link to the
    results of those whose results they may read (the round's setting says who)."""
    organisation = access.target
    if access.may(CREATE_ROUND):
        audience, rounds = "manage", queries.rounds_of(organisation)
    else:
        audience, rounds = "member", queries.open_or_closed_rounds_of(organisation)
    page = Paginator(rounds, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    rows = reporting.round_rows(shown, with_counts=audience == "manage")
    readable = {round.pk for round in shown if round_access(access, round).may(READ_RESULTS)}
    context = {"organisation": organisation, "audience": audience, "page": page, "rows": rows, "readable": readable}
    return render(request, "barometer/round_list.html", context)


@through(ORGANISATION, CREATE_ROUND)
def round_create(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.target
    form = RoundForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            round = actions.create_round(organisation=organisation, created_by=access.membership, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except IntegrityError:  # two first visits creating the default questionnaire at once
            form.add_error(None, _("Something changed at the same time. Try again."))
        else:
            messages.success(request, _("The round is created. Check the questionnaire, then open the round."))
            return redirect("barometer:round", round=round.public_id)
    context = {"organisation": organisation, "form": form, "creating": True}
    return render(request, "barometer/round_form.html", context)


# One round --------------------------------------------------------------------------------------------------------


def _to_round(round: Round) -> HttpResponse:
    return redirect("barometer:round", round=round.public_id)


@through(ROUND, MANAGE_ROUND)
def round_detail(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    round = access.target
    context = {
        "organisation": round.organisation,
        "round": round,
        "open_url": request.build_absolute_uri(
            reverse("barometer:respond_open", args=[round.public_id, round.open_key])
        ),
        "participation": reporting.participation(round) if round.is_launched else None,
        "k": round.k,
        "would_invite": None if round.is_launched else queries.members_to_invite(round),
        "covered_units": queries.covered_unit_paths(round),
    }
    return render(request, "barometer/round_detail.html", context)


@through(ROUND, MANAGE_ROUND)
def round_edit(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    round = access.target
    if round.is_closed:
        return _refuse(request, round, _("The round is closed and can no longer change."))
    form = RoundForm(request.POST or None, organisation=round.organisation, round=round)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_round(round=round, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The round is saved."))
            return _to_round(round)
    context = {"organisation": round.organisation, "round": round, "form": form, "creating": False}
    return render(request, "barometer/round_form.html", context)


def _confirm(request: OrganisationRequest, round: Round, **question: Any) -> HttpResponse:
    """The round's page that asks before a change of its state (`core.confirming`)."""
    return confirm_page(
        request,
        subject=round.name,
        organisation=round.organisation,
        cancel_url=_page_of(round),
        back_label=round.name,
        **question,
    )


def _refuse(request: OrganisationRequest, round: Round, reason: str) -> HttpResponse:
    """A change the round's state does not allow (`core.confirming`)."""
    return not_possible_now(
        request,
        reason=reason,
        subject=round.name,
        organisation=round.organisation,
        cancel_url=_page_of(round),
        back_label=round.name,
    )


def _page_of(round: Round) -> str:
    return reverse("barometer:round", kwargs={"round": round.public_id})


def _report_sent(request: OrganisationRequest, sent: actions.Sent, *, reminder: bool, count_shown: bool = True) -> None:
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
    if sent.failed and not count_shown:
        messages.warning(request, _("The reminders are sent, but some e-mails could not be sent."))
        return
    if sent.failed:
        failed = ngettext(
            "%(failed)d e-mail could not be sent.", "%(failed)d e-mails could not be sent.", sent.failed
        ) % {"failed": sent.failed}
        messages.warning(request, f"{text} {failed}")
    else:
        messages.success(request, text)


@through(ROUND, MANAGE_ROUND)
def round_launch(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    round = access.target
    if round.is_launched:
        return _refuse(request, round, _("The round has already opened."))
    if request.method != "POST":
        version = actions.current_instrument(round.organisation)
        count = queries.members_to_invite(round)
        covered = queries.covered_unit_paths(round)
        paragraphs = [
            _(
                "Version %(version)d of the questionnaire is locked for this round: it can no longer change, "
                "and later changes create a new version."
            )
            % {"version": version.version},
            ngettext(
                "An invitation with a personal link is e-mailed to %(count)d member.",
                "Invitations with personal links are e-mailed to %(count)d members.",
                count,
            )
            % {"count": count},
            _(
                "Everyone who is a member now counts in the response rates. Staff without e-mail answer "
                "through the open link, which you find on the round's page."
            ),
        ]
        if covered:
            paragraphs[-1] = _(
                "The round covers only these units, each with every unit below it: %(units)s. Only their members "
                "are invited and count in the response rates, and the open link offers only these units. Staff "
                "without e-mail answer through the open link, which you find on the round's page. The units can "
                "no longer change once the round is open."
            ) % {"units": "; ".join(covered)}
        if round.opens_on > timezone.localdate():
            paragraphs.append(
                _("Answers are accepted from %(date)s; the links do not work before then.")
                % {"date": date_format(round.opens_on, "j F Y")}
            )
        return _confirm(request, round, title=_("Open the round?"), paragraphs=paragraphs, button=_("Open the round"))
    try:
        sent = actions.launch_round(round=round, site_url=settings.SITE_URL)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.info(request, _("The round is open."))
        _report_sent(request, sent, reminder=False)
    return _to_round(round)


@through(ROUND, MANAGE_ROUND)
def round_remind(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    round = access.target
    if not round.accepts_answers:
        return _refuse(request, round, _("Reminders can only be sent while the round is open."))
    waiting = reporting.participation(round).not_answered.value
    if request.method != "POST":
        if isinstance(waiting, Hidden):
            recipients = _(
                "The reminder goes only to those who have not answered yet. How many they are is shown once "
                "at least %(k)d have answered with their personal link."
            ) % {"k": round.k}
        else:
            recipients = ngettext(
                "The reminder goes only to those who have not answered yet: %(count)d person.",
                "The reminder goes only to those who have not answered yet: %(count)d people.",
                waiting,
            ) % {"count": waiting}
        paragraphs = [
            recipients,
            _("It repeats their personal link. Nobody, not even you, can see who they are."),
        ]
        return _confirm(
            request, round, title=_("Send a reminder?"), paragraphs=paragraphs, button=_("Send the reminder")
        )
    try:
        sent = actions.send_reminders(round=round, site_url=settings.SITE_URL)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        _report_sent(request, sent, reminder=True, count_shown=not isinstance(waiting, Hidden))
    return _to_round(round)


@through(ROUND, MANAGE_ROUND)
def round_close(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    """Close the round and publish its results; for a round that is closed already (its closing date has passed,
    or sealing failed) whose results are not open yet, publish them."""
    round = access.target
    if not round.is_launched:
        return _refuse(request, round, _("The round has not opened yet."))
    if round.is_sealed:
        return _refuse(request, round, _("The round is already closed."))
    if round.is_closed:
        return _publish(request, round)
    if request.method != "POST":
        paragraphs = [
            _("Nobody can answer after this, not even with a link they have already received."),
            _("The results open to those the round's setting names: %(readers)s.")
            % {"readers": round.get_results_readers_display()},
        ]
        return _confirm(
            request,
            round,
            title=_("Close the round?"),
            paragraphs=paragraphs,
            button=_("Close the round"),
            danger=True,
        )
    try:
        closed = actions.close_round(round=round)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if closed.results_open:
            messages.success(request, _("The round is closed. The results are open."))
        else:  # closed, but sealing failed: the round's page offers to publish
            messages.warning(request, _("The round is closed. Its results could not be prepared yet; try again."))
    return _to_round(round)


def _publish(request: OrganisationRequest, round: Round) -> HttpResponse:
    """The results of a closed round that are not sealed yet: what publishing does, and the POST that does it."""
    if request.method != "POST":
        paragraphs = [
            _(
                "The round has closed, but its last answers are not mixed in with the others yet, so its results are not open."
            ),
            _("Publishing mixes them in and opens the results to those the round's setting names: %(readers)s.")
            % {"readers": round.get_results_readers_display()},
        ]
        return _confirm(
            request, round, title=_("Publish the results?"), paragraphs=paragraphs, button=_("Publish the results")
        )
    try:
        actions.seal_round(round=round)
    except DatabaseError:
        messages.error(request, _("The results could not be prepared. Try again."))
    else:
        messages.success(request, _("The results are open."))
    return _to_round(round)
