"""Workshop screens: list, create, join by code, the workshop page with its chain, structuring,
rating and decisions. Every view reaches the workshop through permissions.workshop_access."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.core.http import parse_uuid
from tillit.core.ratelimit import allow, exceeded
from tillit.core.text import normalise_text
from tillit.organisations.models import Membership
from tillit.organisations.permissions import acting_membership, get_organisation_for, organisation_may
from tillit.privacy.masking import removal_notice
from tillit.workshops import actions, exporting, queries, report_pdf
from tillit.workshops.forms import (
    ACHIEVEMENT_CHOICES,
    CONTRIBUTION_CHOICES,
    IMPORTANCE_CHOICES,
    AddParticipantsForm,
    CodeForm,
    DecisionForm,
    GuestPlacesForm,
    ItemEditForm,
    JoinForm,
    ProposalForm,
    WorkshopForm,
)
from tillit.workshops.models import (
    AchievementRating,
    ContributionRating,
    ImportanceRating,
    Item,
    Link,
    Participant,
    Workshop,
)
from tillit.workshops.permissions import (
    GUEST_SESSION_KEY,
    Access,
    SignInFirst,
    remember_guest,
    send_to_sign_in,
    workshop_access,
)

VIEW_ORGANISATION = "organisations.view_organisation"
VIEW_PEOPLE = "organisations.view_people"

# Wrong guest codes per network address and window. Only wrong codes count, so a room of guests behind one address
# can all join; once the budget is used, right codes are refused too, so a guesser learns nothing more.
GUEST_CODE_CHECKS = 10
GUEST_CODE_WINDOW_SECONDS = 600
GUEST_CODE_SCOPE = "workshop-guest-code"


def with_access(*, lead: bool = False) -> Callable:
    """Fetch the workshop through the door and hand the view its Access; anonymous visitors sign in."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, workshop: UUID, **kwargs: object) -> HttpResponse:
            try:
                access = workshop_access(request, workshop, lead=lead)
            except SignInFirst:
                return send_to_sign_in(request)
            return view(request, access, **kwargs)

        return wrapped

    return decorate


def _item(access: Access, public_id: object) -> Item:
    return get_object_or_404(Item, workshop=access.workshop, public_id=public_id, merged_into__isnull=True)


def _acting_participant(access: Access) -> Participant:
    """The participant a leader acts as; an organisation's process leader joins as leader on first action."""
    if access.participant is not None:
        return access.participant
    return actions.add_member(workshop=access.workshop, membership=access.membership, role=Participant.Role.LEADER)


def _back(access: Access, anchor: str = "") -> HttpResponse:
    response = redirect("workshops:detail", workshop=access.workshop.public_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


# Organisation level -------------------------------------------------------------------------


@login_required
def workshop_list(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=VIEW_ORGANISATION)
    workshops = Workshop.objects.in_organisation(org)
    if not organisation_may(request, VIEW_PEOPLE):
        workshops = workshops.filter(participants__membership=request.membership)  # type: ignore[attr-defined]
    return render(request, "workshops/workshop_list.html", {"organisation": org, "workshops": workshops.distinct()})


@login_required
def workshop_create(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=VIEW_PEOPLE)
    form = WorkshopForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = actions.create_workshop(organisation=org, leader=request.membership, **form.cleaned_data)  # type: ignore[attr-defined]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The workshop is created. Invite participants next."))
            return redirect("workshops:participants", workshop=workshop.public_id)
    return render(request, "workshops/workshop_form.html", {"organisation": org, "form": form})


def join(request: HttpRequest) -> HttpResponse:
    """Guests join with the workshop's code and a self-declared actor group, without an account.

    First the code alone; once it names a workshop, the name and actor group (of that organisation).
    Checking codes is rate-limited per network address, on GET ?code= and POST alike. A member of the
    workshop's organisation takes part with their account and is not let in as a guest as well.
    """
    code = normalise_text(request.POST.get("code") or request.GET.get("code") or "").upper()[:12]
    if not code:
        form = CodeForm(request.POST or None)
        if form.is_bound:
            form.is_valid()  # shows that the code is missing
        return render(request, "workshops/join.html", {"form": form, "workshop": None})
    if _too_many_wrong_codes(request):
        # Once the budget is used, right codes are refused too: a guesser must learn nothing more.
        response = render(request, "workshops/too_many_codes.html", status=429)
        response["Retry-After"] = str(GUEST_CODE_WINDOW_SECONDS)
        return response
    workshop = Workshop.objects.select_related("organisation").filter(guest_code=code).first()
    if workshop is None:
        _count_wrong_code(request)
        form = CodeForm({"code": code})
        if form.is_valid():
            form.add_error("code", _("There is no workshop with that code. Check the code and try again."))
        return render(request, "workshops/join.html", {"form": form, "workshop": None})
    membership = acting_membership(request.user, workshop.organisation)
    if membership is not None:
        return _member_is_no_guest(request, workshop, membership)
    if _joined_here(request, workshop):
        messages.info(request, _("You have already joined this workshop in this browser."))
        return redirect("workshops:detail", workshop=workshop.public_id)
    form = JoinForm(
        request.POST if "actor_group" in request.POST else None,
        organisation=workshop.organisation,
        initial={"code": code},
    )
    if form.is_bound and form.is_valid():
        try:
            participant = actions.join_as_guest(
                code=code, name=form.cleaned_data["name"], actor_group=form.cleaned_data["actor_group"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            remember_guest(request, participant)
            return redirect("workshops:detail", workshop=participant.workshop.public_id)
    return render(request, "workshops/join.html", {"form": form, "workshop": workshop, **_guest_counts(workshop)})


def _too_many_wrong_codes(request: HttpRequest) -> bool:
    """Whether this address has tried `GUEST_CODE_CHECKS` wrong codes in the window. Only wrong codes count, so
    the guests of one meeting behind a shared address do not use up the budget by joining."""
    return exceeded(request, GUEST_CODE_SCOPE, limit=GUEST_CODE_CHECKS, seconds=GUEST_CODE_WINDOW_SECONDS)


def _count_wrong_code(request: HttpRequest) -> None:
    allow(request, GUEST_CODE_SCOPE, limit=GUEST_CODE_CHECKS, seconds=GUEST_CODE_WINDOW_SECONDS)


def _member_is_no_guest(request: HttpRequest, workshop: Workshop, membership: Membership) -> HttpResponse:
    """One person, one door: a member takes part with their account, never also as a guest."""
    takes_part = Participant.objects.filter(workshop=workshop, membership=membership).exists()
    if takes_part or membership.is_facilitator:
        messages.info(
            request,
            _("You belong to %(organisation)s, so you take part with your own account, not as a guest.")
            % {"organisation": workshop.organisation.name},
        )
        return redirect("workshops:detail", workshop=workshop.public_id)
    messages.error(
        request,
        _(
            "You belong to %(organisation)s, so you cannot join as a guest. Ask the process leader to invite "
            "you with your account."
        )
        % {"organisation": workshop.organisation.name},
    )
    return redirect("workshops:list", organisation=workshop.organisation.slug)


def _joined_here(request: HttpRequest, workshop: Workshop) -> bool:
    participant_id = request.session.get(GUEST_SESSION_KEY, {}).get(str(workshop.public_id))
    return (
        participant_id is not None
        and Participant.objects.filter(workshop=workshop, public_id=participant_id, joined_as_guest=True).exists()
    )


def _guest_counts(workshop: Workshop) -> dict[str, int]:
    return {
        "guests_joined": Participant.objects.filter(workshop=workshop, joined_as_guest=True).count(),
        "guest_places": workshop.guest_places,
    }


# The workshop ---------------------------------------------------------------------------------


@with_access()
def detail(request: HttpRequest, access: Access) -> HttpResponse:
    return render(request, "workshops/workshop_detail.html", _page_context(access, ProposalForm()))


def _page_context(access: Access, proposal_form: ProposalForm) -> dict[str, object]:
    workshop = access.workshop
    return {
        "access": access,
        "workshop": workshop,
        "organisation": workshop.organisation,
        "mix": queries.participant_mix(workshop),
        "chain": queries.effect_chain(workshop),
        "proposal_form": proposal_form,
        "steps": _steps(workshop),
        **_guest_counts(workshop),
    }


def _steps(workshop: Workshop) -> list[tuple[str, str]]:
    """The steps the leader can choose; once the results are published, only the results and closed."""
    if workshop.results_published:
        return [(value, label) for value, label in Workshop.Step.choices if value in Workshop.RESULT_STEPS]
    return list(Workshop.Step.choices)


@with_access()
def cards(request: HttpRequest, access: Access) -> HttpResponse:
    """The chain as a fragment (polled while proposals come in), and where proposals are posted.

    A poll that names the chain version it already shows gets 204 when nothing has changed, so
    thousands of participants polling cost a single indexed read each.
    """
    if request.method == "GET" and request.htmx and request.GET.get("since") == str(access.workshop.chain_version):
        return HttpResponse(status=204)
    form = ProposalForm(request.POST or None)
    notice = ""
    if request.method == "POST" and form.is_valid():
        participant = access.participant or _acting_participant(access)
        try:
            item = actions.propose(participant=participant, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            access.workshop.refresh_from_db(fields=["chain_version"])  # the fragment carries the new version
            notice = removal_notice(item.personal_data_removed)
            if not request.htmx:
                messages.success(request, _("Your proposal is added."))
                if notice:
                    messages.warning(request, notice)
                return _back(access, "chain")
            form = ProposalForm(initial={"kind": form.cleaned_data["kind"]})
    context = {
        "access": access,
        "workshop": access.workshop,
        "chain": queries.effect_chain(access.workshop),
        "proposal_form": form,
        "notice": notice,
    }
    if request.htmx and form.errors:
        # Send the form back with its errors in place of the form, so nothing typed is lost.
        response = render(request, "workshops/workshop_detail.html#proposal-form", context, status=422)
        response["HX-Retarget"] = "#proposal-form"
        response["HX-Reswap"] = "outerHTML"
        return response
    if request.htmx:
        return render(request, "workshops/workshop_detail.html#chain", context)
    return render(request, "workshops/workshop_detail.html", _page_context(access, form))


@with_access(lead=True)
def participants(request: HttpRequest, access: Access) -> HttpResponse:
    form = AddParticipantsForm(request.POST or None, workshop=access.workshop)
    if request.method == "POST" and form.is_valid():
        added = actions.add_members(
            workshop=access.workshop, memberships=form.cleaned_data["memberships"], role=form.cleaned_data["role"]
        )
        messages.success(
            request,
            ngettext("%(count)s person was added.", "%(count)s people were added.", len(added)) % {"count": len(added)},
        )
        return redirect("workshops:participants", workshop=access.workshop.public_id)
    return render(
        request,
        "workshops/participant_list.html",
        {
            "access": access,
            "workshop": access.workshop,
            "organisation": access.workshop.organisation,
            "form": form,
            "mix": queries.participant_mix(access.workshop),
            "participants": access.workshop.participants.select_related("membership__user", "actor_group", "unit"),
        },
    )


@require_POST
@with_access(lead=True)
def guest_places(request: HttpRequest, access: Access) -> HttpResponse:
    """The process leader opens (or closes) places for guests."""
    form = GuestPlacesForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return _back(access)
    try:
        actions.set_guest_places(workshop=access.workshop, places=form.cleaned_data["places"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "The workshop now has %(count)s guest place.",
                "The workshop now has %(count)s guest places.",
                access.workshop.guest_places,
            )
            % {"count": access.workshop.guest_places},
        )
    return _back(access)


@require_POST
@with_access(lead=True)
def set_step(request: HttpRequest, access: Access) -> HttpResponse:
    try:
        actions.set_step(workshop=access.workshop, step=request.POST.get("step", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The workshop is now in the step: %(step)s.") % {"step": access.workshop.get_step_display()}
        )
        if access.workshop.results_open:
            # Rating has closed: compute the results now, once, so nobody waits for them later.
            queries.workshop_results(access.workshop)
    return _back(access)


@with_access(lead=True)
def card_edit(request: HttpRequest, access: Access, item: UUID) -> HttpResponse:
    card = _item(access, item)
    form = ItemEditForm(request.POST or None, initial=_edit_initial(card))
    if request.method == "POST" and form.is_valid():
        try:
            edited = actions.edit_item(item=card, **form.cleaned_data)
        except actions.Conflict as error:
            card.refresh_from_db()
            form = ItemEditForm(initial=_edit_initial(card))
            messages.error(request, " ".join(error.messages))
            status = 409
        else:
            messages.success(request, _("The card is saved."))
            notice = removal_notice(edited.personal_data_removed)
            if notice:
                messages.warning(request, notice)
            return _back(access, "chain")
    else:
        status = 200
    others = Item.objects.filter(workshop=access.workshop, kind=card.kind, merged_into__isnull=True).exclude(pk=card.pk)
    return render(
        request,
        "workshops/item_form.html",
        {
            "access": access,
            "workshop": access.workshop,
            "organisation": access.workshop.organisation,
            "card": card,
            "form": form,
            "others": others,
            "link_targets": _link_targets(card),
        },
        status=status,
    )


def _edit_initial(card: Item) -> dict[str, object]:
    """The card as it is now, with its 1-based place among the cards of its kind."""
    siblings = list(
        Item.objects.filter(workshop_id=card.workshop_id, kind=card.kind, merged_into__isnull=True).values_list(
            "pk", flat=True
        )
    )
    return {
        "title": card.title,
        "description": card.description,
        "version": card.version,
        "position": siblings.index(card.pk) + 1,
    }


def _link_targets(card: Item) -> list[tuple[Item, bool]]:
    """The cards this one may serve, each with whether it already does."""
    kind = actions.SERVES.get(card.kind)
    if kind is None:
        return []
    linked = set(card.links_up.values_list("target_id", flat=True))
    targets = Item.objects.filter(workshop_id=card.workshop_id, kind=kind, merged_into__isnull=True)
    return [(target, target.pk in linked) for target in targets]


@require_POST
@with_access(lead=True)
def card_merge(request: HttpRequest, access: Access, item: UUID) -> HttpResponse:
    duplicate = _item(access, item)
    keep = Item.objects.filter(workshop=access.workshop, public_id=parse_uuid(request.POST.get("into"))).first()
    if keep is None:
        messages.error(request, _("Choose the card to merge into."))
        return redirect("workshops:card_edit", workshop=access.workshop.public_id, item=duplicate.public_id)
    try:
        actions.merge_items(keep=keep, duplicate=duplicate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(duplicate)s” is merged into “%(keep)s”.") % {"duplicate": duplicate.title, "keep": keep.title},
        )
    return _back(access, "chain")


@require_POST
@with_access(lead=True)
def link(request: HttpRequest, access: Access) -> HttpResponse:
    source = _item(access, parse_uuid(request.POST.get("source")))
    target = _item(access, parse_uuid(request.POST.get("target")))
    try:
        if request.POST.get("action") == "unlink":
            actions.unlink(source=source, target=target)
        else:
            actions.link(source=source, target=target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(access, "chain")


@with_access()
def rate(request: HttpRequest, access: Access) -> HttpResponse:
    """One page with every rating the person can give; ratings can be changed until the step closes."""
    participant = access.participant
    if participant is None:
        messages.info(request, _("Process leaders who do not take part do not rate."))
        return _back(access)
    chain = queries.effect_chain(access.workshop)
    if request.method == "POST":
        try:
            _save_ratings(request, participant, chain)
        except (ValidationError, ValueError) as error:
            message = (
                " ".join(error.messages)
                if isinstance(error, ValidationError)
                else _("A rating was outside its scale; nothing was saved.")
            )
            messages.error(request, message)
            return redirect("workshops:rate", workshop=access.workshop.public_id)
        messages.success(request, _("Your ratings are saved. You can change them until rating closes."))
        return redirect("workshops:rate", workshop=access.workshop.public_id)
    return render(
        request,
        "workshops/rate.html",
        {
            "access": access,
            "workshop": access.workshop,
            "organisation": access.workshop.organisation,
            "rows": _rating_rows(participant, chain),
            "importance_choices": IMPORTANCE_CHOICES,
            "achievement_choices": ACHIEVEMENT_CHOICES,
            "contribution_choices": CONTRIBUTION_CHOICES,
        },
    )


@with_access()
def results(request: HttpRequest, access: Access) -> HttpResponse:
    """Ranked activities and effects, the priority quadrant, the matrix and where groups disagree;
    everything suppressed below the organisation's anonymity threshold (tillit.privacy)."""
    workshop = access.workshop
    if request.method == "POST" and not access.may_lead:
        raise PermissionDenied
    if not workshop.results_open:
        return render(
            request,
            "workshops/results_not_yet.html",
            {"access": access, "workshop": workshop, "organisation": workshop.organisation},
        )
    decision_form = DecisionForm(request.POST or None, choices=_decision_choices(workshop))
    if request.method == "POST" and decision_form.is_valid():
        activity, effect = _decision_pair(workshop, decision_form.cleaned_data["link"])
        try:
            actions.record_decision(
                decided_by=_acting_participant(access),
                activity=activity,
                effect=effect,
                owner=decision_form.cleaned_data["owner"],
                follow_up=decision_form.cleaned_data["follow_up"],
                due_on=decision_form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            decision_form.add_error(None, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect(reverse("workshops:results", kwargs={"workshop": workshop.public_id}) + "#decisions")
    return render(
        request,
        "workshops/results.html",
        {
            "access": access,
            "workshop": workshop,
            "organisation": workshop.organisation,
            "results": queries.workshop_results(workshop),
            "decision_form": decision_form,
            "decisions": workshop.decisions.select_related("activity", "effect"),
            "quadrant": {
                "width": queries.QUADRANT_WIDTH,
                "height": queries.QUADRANT_HEIGHT,
                "margin": queries.QUADRANT_MARGIN,
            },
        },
    )


def _decision_choices(workshop: Workshop) -> list[tuple[str, str]]:
    links = Link.objects.filter(
        workshop=workshop,
        source__kind=Item.Kind.ACTIVITY,
        source__merged_into__isnull=True,
        target__merged_into__isnull=True,
    )
    return [("", _("Choose…"))] + [
        (f"{link.source.public_id}:{link.target.public_id}", f"{link.source.title} → {link.target.title}")
        for link in links.select_related("source", "target")
    ]


def _decision_pair(workshop: Workshop, value: str) -> tuple[Item, Item]:
    activity_id, effect_id = value.split(":")
    activity = get_object_or_404(Item, workshop=workshop, public_id=activity_id)
    effect = get_object_or_404(Item, workshop=workshop, public_id=effect_id)
    return activity, effect


@with_access()
def results_csv(request: HttpRequest, access: Access) -> HttpResponse:
    """The aggregated results as CSV; hidden numbers are empty cells, never individual ratings."""
    if not access.workshop.results_open:
        raise Http404
    results_ = queries.workshop_results(access.workshop)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="arbetsmote-{access.workshop.public_id}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    exporting.write_results(response, results_)
    return response


@with_access()
def results_pdf(request: HttpRequest, access: Access) -> HttpResponse:
    """The workshop's report as PDF: purpose, chain, suppressed results with charts, decisions, the mix."""
    workshop = access.workshop
    if not workshop.results_open:
        raise Http404
    pdf = report_pdf.render_report(
        workshop=workshop,
        results=queries.workshop_results(workshop),
        mix=queries.participant_mix(workshop),
        chain=queries.effect_chain(workshop),
        decisions=list(workshop.decisions.select_related("activity", "effect")),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="arbetsmote-{workshop.public_id}.pdf"'
    return response


def _rating_rows(participant: Participant, chain: queries.Chain) -> list[dict[str, object]]:
    importance = dict(ImportanceRating.objects.filter(participant=participant).values_list("effect_id", "value"))
    achievement = dict(AchievementRating.objects.filter(participant=participant).values_list("effect_id", "value"))
    contribution = {
        (a, e): v
        for a, e, v in ContributionRating.objects.filter(participant=participant).values_list(
            "activity_id", "effect_id", "value"
        )
    }
    rows = []
    for effect in chain.effects:
        activities = [
            {"activity": activity, "value": str(contribution.get((activity.pk, effect.pk), ""))}
            for activity in chain.activities
            if chain.serves(activity, effect)
        ]
        rows.append(
            {
                "effect": effect,
                "importance": str(importance.get(effect.pk, "")),
                "achievement": str(achievement.get(effect.pk, "")),
                "activities": activities,
            }
        )
    return rows


def _optional_int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def _save_ratings(request: HttpRequest, participant: Participant, chain: queries.Chain) -> None:
    with transaction.atomic():
        for effect in chain.effects:
            actions.rate_effect(
                participant=participant,
                effect=effect,
                importance=_optional_int(request.POST.get(f"importance-{effect.public_id}")),
                achievement=_optional_int(request.POST.get(f"achievement-{effect.public_id}")),
            )
            for activity in chain.activities:
                if chain.serves(activity, effect):
                    actions.rate_contribution(
                        participant=participant,
                        activity=activity,
                        effect=effect,
                        value=_optional_int(request.POST.get(f"contribution-{activity.public_id}-{effect.public_id}")),
                    )
