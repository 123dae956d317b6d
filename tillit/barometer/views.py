"""The process leader's screens for Styrningsbarometern: rounds (list, create, edit, open, remind, close) and the
questionnaire (read by every member, edited by process leaders).

Organisation pages go through `get_organisation_for`, round pages through `permissions.with_round`: 404 outside
the organisation, 403 for too weak a role. Every change is a POST that redirects, with a message as feedback; the
GET of the same URL shows what the change will do. Counts of answers are shown only where they meet the
organisation's anonymity threshold, and who has not answered is only ever a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.barometer import actions
from tillit.barometer.bank import VALIDATED_BLOCKS
from tillit.barometer.forms import BlockForm, ItemForm, RoundForm
from tillit.barometer.models import Instrument, Invitation, Item, Round, Theme
from tillit.barometer.permissions import RoundAccess, managed_units, with_round
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.permissions import get_organisation_for
from tillit.privacy.suppression import HIDDEN, Hidden

VIEW_ORGANISATION = "organisations.view_organisation"
MANAGE = "organisations.view_people"  # process leaders and administrators
ROUNDS_PER_PAGE = 20


# Rounds of an organisation --------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundRow:
    round: Round
    respondents: int | Hidden | None  # None: not opened, so nobody could answer yet


def respondents_total(round: Round) -> int | Hidden:
    """How many answered in the whole organisation (those still in the inbox included), or HIDDEN below the
    anonymity threshold: the report's total, without building the report."""
    count = round.response_count()
    return count if count >= round.k else HIDDEN


def results_open_filter() -> Q:
    """The database form of `Round.results_open`: the round has closed."""
    launched = Q(opened_at__isnull=False)
    return Q(closed_at__isnull=False) | (launched & Q(closes_on__lt=timezone.localdate()))


def accepting_filter() -> Q:
    """The database form of `Round.accepts_answers`."""
    today = timezone.localdate()
    return Q(opened_at__isnull=False, closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today)


@login_required
def round_list(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=VIEW_ORGANISATION)
    membership: Membership = request.membership  # type: ignore[attr-defined]
    rounds = Round.objects.in_organisation(org).select_related("organisation", "instrument")
    if membership.is_facilitator:
        audience = "manage"
    elif managed_units(membership):
        audience = "results"
        rounds = rounds.filter(results_open_filter())
    else:
        audience = "member"
        rounds = rounds.filter(accepting_filter())
    page = Paginator(rounds, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        RoundRow(round, respondents_total(round) if audience == "manage" and round.is_launched else None)
        for round in page.object_list
    ]
    context = {"organisation": org, "audience": audience, "page": page, "rows": rows}
    return render(request, "barometer/round_list.html", context)


@login_required
def round_create(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=MANAGE)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round = actions.create_round(
                organisation=org,
                created_by=request.membership,  # type: ignore[attr-defined]
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except IntegrityError:  # two first visits creating the default questionnaire at once
            form.add_error(None, _("Something changed at the same time. Try again."))
        else:
            messages.success(request, _("The round is created. Check the questionnaire, then open the round."))
            return redirect("barometer:round", round=round.public_id)
    return render(request, "barometer/round_form.html", {"organisation": org, "form": form, "creating": True})


# The questionnaire ----------------------------------------------------------------------------------


def shown_instrument(organisation: Organisation) -> Instrument:
    """The newest questionnaire version; the first visit creates it from the item bank."""
    try:
        return actions.current_instrument(organisation)
    except IntegrityError:  # another request created version 1 at the same moment: read theirs
        return actions.current_instrument(organisation)


@dataclass(frozen=True)
class ThemeGroup:
    theme: str
    label: str
    items: list[Item]


def items_by_theme(instrument: Instrument) -> list[ThemeGroup]:
    items = list(instrument.items.all())
    return [
        ThemeGroup(theme.value, theme.label, [item for item in items if item.theme == theme])
        for theme in Theme
        if any(item.theme == theme for item in items)
    ]


def _instrument_page(
    request: HttpRequest,
    org: Organisation,
    *,
    item_form: ItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    instrument = shown_instrument(org)
    membership: Membership = request.membership  # type: ignore[attr-defined]
    codes = set(instrument.items.values_list("code", flat=True))
    blocks = [
        {"key": key, "block": block, "included": bool(codes & {item.code for item in block.items})}
        for key, block in VALIDATED_BLOCKS.items()
    ]
    context = {
        "organisation": org,
        "instrument": instrument,
        "groups": items_by_theme(instrument),
        "has_references": instrument.items.filter(reference_share__isnull=False).exists(),
        "rounds": instrument.rounds.filter(opened_at__isnull=False).order_by("opens_on"),
        "may_edit": membership.is_facilitator,
        "item_form": item_form or ItemForm(),
        "blocks": blocks,
        "next_version": instrument.version + 1,
    }
    return render(request, "barometer/instrument.html", context, status=status)


@login_required
def instrument(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=VIEW_ORGANISATION)
    return _instrument_page(request, org)


def _new_version_note(request: HttpRequest, before: Instrument, after: Instrument) -> None:
    if after.pk != before.pk:
        messages.info(
            request,
            _("Version %(old)d is used by a round, so your change is in a new version %(new)d.")
            % {"old": before.version, "new": after.version},
        )


@require_POST
@login_required
def add_item(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=MANAGE)
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _instrument_page(request, org, item_form=form)
    before = shown_instrument(org)
    try:
        with transaction.atomic():  # no empty new version is left behind when the item is refused
            draft = actions.editable_instrument(org)
            actions.add_own_item(instrument=draft, **form.cleaned_data)
    except ValidationError as error:
        form.add_error("text_sv", error.messages[0])
        return _instrument_page(request, org, item_form=form)
    except IntegrityError:
        messages.error(request, _("Something changed at the same time. Try again."))
        return redirect("barometer:instrument", organisation=org.slug)
    messages.success(request, _("The item is added."))
    _new_version_note(request, before, draft)
    return redirect("barometer:instrument", organisation=org.slug)


@require_POST
@login_required
def add_block(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=MANAGE)
    form = BlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed blocks."))
        return redirect("barometer:instrument", organisation=org.slug)
    block = VALIDATED_BLOCKS[form.cleaned_data["block"]]
    before = shown_instrument(org)
    if set(before.items.values_list("code", flat=True)) & {item.code for item in block.items}:
        # Checked before a frozen version is copied, so a repeated click creates no new version.
        messages.error(request, _("The questionnaire already has this block."))
        return redirect("barometer:instrument", organisation=org.slug)
    try:
        with transaction.atomic():
            draft = actions.editable_instrument(org)
            actions.add_validated_block(instrument=draft, key=block.key)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except IntegrityError:
        messages.error(request, _("Something changed at the same time. Try again."))
    else:
        messages.success(request, _("The block “%(name)s” is added.") % {"name": block.name_sv})
        _new_version_note(request, before, draft)
    return redirect("barometer:instrument", organisation=org.slug)


@login_required
def remove_item(request: AuthenticatedHttpRequest, organisation: str, item: int) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=MANAGE)
    current = shown_instrument(org)
    # Only items of the organisation's newest version can be removed; anything else does not exist here.
    target = Item.objects.filter(pk=item, instrument=current, instrument__organisation=org).first()
    if target is None:
        raise Http404
    back = reverse("barometer:instrument", kwargs={"organisation": org.slug})
    if request.method != "POST":
        paragraphs = [_("The item is taken out of the questionnaire. Rounds that have already opened keep it.")]
        if current.is_frozen:
            paragraphs.append(
                _("Version %(version)d is used by a round and is locked; changes create version %(next)d.")
                % {"version": current.version, "next": current.version + 1}
            )
        context = {
            "organisation": org,
            "title": _("Remove the item?"),
            "quote": target.text,
            "paragraphs": paragraphs,
            "button": _("Remove the item"),
            "danger": True,
            "cancel_url": back,
            "back_label": _("The questionnaire"),
        }
        return render(request, "barometer/confirm.html", context)
    try:
        with transaction.atomic():
            draft = actions.editable_instrument(org)
            copy = draft.items.filter(code=target.code).first()
            if copy is None:
                raise actions.BarometerError(_("The item is no longer in the questionnaire."))
            actions.remove_item(item=copy)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except IntegrityError:
        messages.error(request, _("Something changed at the same time. Try again."))
    else:
        messages.success(request, _("The item is removed."))
        _new_version_note(request, current, draft)
    return redirect(back)


# One round --------------------------------------------------------------------------------------------


def _to_round(round: Round) -> HttpResponse:
    return redirect("barometer:round", round=round.public_id)


def invited_members(organisation: Organisation) -> int:
    """How many members opening a round would e-mail (active, with an e-mail address)."""
    return Membership.objects.filter(organisation=organisation, user__is_active=True).exclude(user__email="").count()


def waiting_for_answers(round: Round) -> int | Hidden:
    """How many invited members have not answered, shown once at least k have answered through their link.

    Below that, invitations minus "not answered" would be a response count from fewer than k people.
    """
    counts = Invitation.objects.filter(round=round).aggregate(
        answered_count=Count("pk", filter=Q(answered=True)), waiting=Count("pk", filter=Q(answered=False))
    )
    k = round.k
    through_open_link = round.response_count() - counts["answered_count"]
    # Invitations minus "not answered", next to the response total, would also give the open link's count.
    if counts["answered_count"] < k or 0 < through_open_link < k:
        return HIDDEN
    return counts["waiting"]


@with_round(manage=True)
def round_detail(request: HttpRequest, access: RoundAccess) -> HttpResponse:
    round = access.round
    not_answered = waiting_for_answers(round) if round.is_launched else HIDDEN
    context = {
        "organisation": round.organisation,
        "round": round,
        "open_url": request.build_absolute_uri(
            reverse("barometer:respond_open", args=[round.public_id, round.open_key])
        ),
        "invited": Invitation.objects.filter(round=round, sent_at__isnull=False).count(),
        "not_answered": not_answered,
        "not_answered_shown": not isinstance(not_answered, Hidden),
        "respondents": respondents_total(round) if round.is_launched else None,
        "k": round.k,
        "would_invite": None if round.is_launched else invited_members(round.organisation),
    }
    return render(request, "barometer/round_detail.html", context)


@with_round(manage=True)
def round_edit(request: HttpRequest, access: RoundAccess) -> HttpResponse:
    round = access.round
    if round.is_closed:
        return _refuse(request, round, _("The round is closed and can no longer change."))
    form = RoundForm(request.POST or None, round=round)
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


def _confirm(request: HttpRequest, round: Round, **context: object) -> HttpResponse:
    context.setdefault("danger", False)
    context.update(
        organisation=round.organisation,
        round=round,
        cancel_url=reverse("barometer:round", kwargs={"round": round.public_id}),
        back_label=round.name,
    )
    return render(request, "barometer/confirm.html", context)


def _refuse(request: HttpRequest, round: Round, reason: str) -> HttpResponse:
    """A change the round's state does not allow: a message after a POST, a page saying why after a GET."""
    if request.method == "POST":
        messages.error(request, reason)
        return _to_round(round)
    return _confirm(request, round, title=_("Not possible now"), paragraphs=[reason], button=None)


def _report_sent(request: HttpRequest, sent: actions.Sent, *, reminder: bool, count_shown: bool = True) -> None:
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


@with_round(manage=True)
def round_launch(request: HttpRequest, access: RoundAccess) -> HttpResponse:
    round = access.round
    if round.is_launched:
        return _refuse(request, round, _("The round has already opened."))
    if request.method != "POST":
        version = shown_instrument(round.organisation)
        count = invited_members(round.organisation)
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


@with_round(manage=True)
def round_remind(request: HttpRequest, access: RoundAccess) -> HttpResponse:
    round = access.round
    if not round.accepts_answers:
        return _refuse(request, round, _("Reminders can only be sent while the round is open."))
    if request.method != "POST":
        waiting = waiting_for_answers(round)
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
    count_shown = not isinstance(waiting_for_answers(round), Hidden)
    try:
        sent = actions.send_reminders(round=round, site_url=settings.SITE_URL)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        _report_sent(request, sent, reminder=True, count_shown=count_shown)
    return _to_round(round)


@with_round(manage=True)
def round_close(request: HttpRequest, access: RoundAccess) -> HttpResponse:
    round = access.round
    if not round.is_launched:
        return _refuse(request, round, _("The round has not opened yet."))
    if round.closed_at is not None:
        return _refuse(request, round, _("The round is already closed."))
    if request.method != "POST":
        paragraphs = [
            _("Nobody can answer after this, not even with a link they have already received."),
            _("The results open to process leaders and to managers for their units."),
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
        actions.close_round(round=round)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The round is closed. The results are open."))
    return _to_round(round)
