"""Organisation screens: start page, unit tree, levels, actor groups, people, import, settings."""

from __future__ import annotations

from uuid import UUID, uuid4

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.core.collation import swedish_sort_key
from tillit.core.http import parse_uuid
from tillit.core.text import normalise_text
from tillit.organisations import actions, importing, queries
from tillit.organisations.forms import (
    ActorGroupForm,
    LevelForm,
    MembershipForm,
    OrganisationSettingsForm,
    PeopleImportForm,
    PersonForm,
    UnitCreateForm,
    UnitForm,
    UnitMoveForm,
)
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, PendingMembership, Unit
from tillit.organisations.permissions import get_organisation_for, organisation_may

VIEW = "organisations.view_organisation"
VIEW_PEOPLE = "organisations.view_people"
ADMINISTER = "organisations.administer_organisation"
PEOPLE_PER_PAGE = 25
IMPORT_SESSION_KEY = "people_import"


def _get_in(model: type[Model], organisation: Organisation, public_id: UUID) -> Model:
    """One door for rows of an organisation: another organisation's id is simply not found."""
    return get_object_or_404(model, organisation=organisation, public_id=public_id)


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send the person to the organisation they last acted in, or let them choose."""
    memberships = list(request.user.memberships.select_related("organisation"))
    slugs = [membership.organisation.slug for membership in memberships]
    last = request.session.get("organisation")
    if last in slugs:
        return redirect("organisations:start", organisation=last)
    if len(slugs) == 1:
        return redirect("organisations:start", organisation=slugs[0])
    return redirect("organisations:choose")


@login_required
def choose(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = Membership.objects.for_user(request.user).order_by("organisation__name")
    return render(request, "organisations/organisation_choose.html", {"memberships": memberships})


@login_required
def start(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=VIEW)
    return render(
        request,
        "organisations/organisation_start.html",
        {
            "organisation": org,
            "overview": queries.organisation_overview(org),
        },
    )


# Units ---------------------------------------------------------------------------------------


@login_required
def unit_list(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=VIEW)
    show_closed = request.GET.get("closed") == "1"
    tree = queries.unit_tree(org, include_closed=show_closed)
    context = {
        "organisation": org,
        "tree": tree,
        "roots": [node for node in tree if node.depth == 0],
        "show_closed": show_closed,
    }
    template = "organisations/unit_list.html"
    if request.htmx:
        template += "#unit-tree"
    return render(request, template, context)


@login_required
def unit_create(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    initial = {}
    if parent_id := request.GET.get("parent"):
        initial["parent"] = Unit.objects.in_organisation(org).filter(public_id=parse_uuid(parent_id)).first()
    form = UnitCreateForm(request.POST or None, organisation=org, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.create_unit(
                organisation=org,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                parent=form.cleaned_data["parent"],
                actor=request.user,
            )
        except actions.NameTaken as error:
            form.add_error("name", error)
        except ValidationError as error:
            form.add_error("parent", error)
        else:
            messages.success(request, _("The unit %(name)s was created.") % {"name": unit.name})
            return redirect("organisations:unit_detail", organisation=org.slug, unit=unit.public_id)
    return render(request, "organisations/unit_form.html", {"organisation": org, "form": form, "unit": None})


@login_required
def unit_detail(request: AuthenticatedHttpRequest, organisation: str, unit: UUID) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=VIEW)
    found = _get_in(Unit, org, unit)
    may_see_people = organisation_may(request, VIEW_PEOPLE)
    return render(
        request,
        "organisations/unit_detail.html",
        {
            "organisation": org,
            "unit": found,
            "ancestors": queries.ancestors(found),
            "children": sorted(found.children.all(), key=lambda u: (u.closed_at is not None, swedish_sort_key(u.name))),
            "members": queries.people_in(org, unit=found) if may_see_people else None,
            "events": found.events.select_related("actor")[:50],
        },
    )


@login_required
def unit_edit(request: AuthenticatedHttpRequest, organisation: str, unit: UUID) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    found = _get_in(Unit, org, unit)
    form = UnitForm(request.POST or None, instance=Unit.objects.get(pk=found.pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_unit(
                unit=found, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"], actor=request.user
            )
        except actions.NameTaken as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("The unit is saved."))
            return redirect("organisations:unit_detail", organisation=org.slug, unit=found.public_id)
    return render(request, "organisations/unit_form.html", {"organisation": org, "form": form, "unit": found})


@login_required
def unit_move(request: AuthenticatedHttpRequest, organisation: str, unit: UUID) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    found = _get_in(Unit, org, unit)
    form = UnitMoveForm(request.POST or None, organisation=org, initial={"parent": found.parent})
    if request.method == "POST" and form.is_valid():
        try:
            actions.move_unit(unit=found, new_parent=form.cleaned_data["parent"], actor=request.user)
        except ValidationError as error:
            form.add_error("parent", error)
        else:
            messages.success(request, _("The unit was moved."))
            return redirect("organisations:unit_detail", organisation=org.slug, unit=found.public_id)
    return render(request, "organisations/unit_move.html", {"organisation": org, "form": form, "unit": found})


@login_required
def unit_close(request: AuthenticatedHttpRequest, organisation: str, unit: UUID) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    found = _get_in(Unit, org, unit)
    if request.method == "POST":
        actions.close_unit(unit=found, actor=request.user)
        messages.success(request, _("The unit %(name)s is closed. Its history is kept.") % {"name": found.name})
        return redirect("organisations:unit_detail", organisation=org.slug, unit=found.public_id)
    return render(
        request,
        "organisations/unit_confirm_close.html",
        {
            "organisation": org,
            "unit": found,
            "closing": [found, *[u for u in actions.descendants(found) if u.is_open]],
        },
    )


@login_required
@require_POST
def unit_reopen(request: AuthenticatedHttpRequest, organisation: str, unit: UUID) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    found = _get_in(Unit, org, unit)
    try:
        actions.reopen_unit(unit=found, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The unit is open again."))
    return redirect("organisations:unit_detail", organisation=org.slug, unit=found.public_id)


# Levels and actor groups ---------------------------------------------------------------------


def _simple_list(
    request: AuthenticatedHttpRequest, organisation: str, *, model: type[Model], form_class: type, template: str
) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    form = form_class(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = org
        form.save()
        messages.success(request, _("%(name)s was added.") % {"name": form.instance.name})
        return redirect(request.path)
    items = model.objects.in_organisation(org).annotate_usage()  # type: ignore[attr-defined]
    return render(request, template, {"organisation": org, "form": form, "items": items})


def _simple_edit(
    request: AuthenticatedHttpRequest,
    organisation: str,
    public_id: UUID,
    *,
    model: type[Model],
    form_class: type,
    list_url: str,
) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    item = _get_in(model, org, public_id)
    form = form_class(request.POST or None, instance=item, organisation=org)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(name)s is saved.") % {"name": item.name})
        return redirect(list_url, organisation=org.slug)
    return render(
        request,
        "organisations/item_form.html",
        {
            "organisation": org,
            "form": form,
            "item": item,
            "list_url": list_url,
            "title": model._meta.verbose_name,
        },
    )


def _simple_delete(
    request: AuthenticatedHttpRequest, organisation: str, public_id: UUID, *, model: type[Model], list_url: str
) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    item = _get_in(model, org, public_id)
    refused = ""
    if request.method == "POST":
        try:
            actions.remove_unused(item=item)
        except actions.InUse as error:
            refused = " ".join(error.messages)
        else:
            messages.success(request, _("%(name)s was removed.") % {"name": item.name})
            return redirect(list_url, organisation=org.slug)
    in_use = item.memberships.count() + item.pending_memberships.count()
    return render(
        request,
        "organisations/item_confirm_delete.html",
        {
            "organisation": org,
            "item": item,
            "in_use": in_use,
            "refused": refused,
            "list_url": list_url,
        },
        status=409 if request.method == "POST" else 200,
    )


@login_required
def level_list(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    return _simple_list(
        request, organisation, model=Level, form_class=LevelForm, template="organisations/level_list.html"
    )


@login_required
def level_edit(request: AuthenticatedHttpRequest, organisation: str, level: UUID) -> HttpResponse:
    return _simple_edit(
        request, organisation, level, model=Level, form_class=LevelForm, list_url="organisations:level_list"
    )


@login_required
def level_delete(request: AuthenticatedHttpRequest, organisation: str, level: UUID) -> HttpResponse:
    return _simple_delete(request, organisation, level, model=Level, list_url="organisations:level_list")


@login_required
def actor_group_list(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    return _simple_list(
        request,
        organisation,
        model=ActorGroup,
        form_class=ActorGroupForm,
        template="organisations/actorgroup_list.html",
    )


@login_required
def actor_group_edit(request: AuthenticatedHttpRequest, organisation: str, actor_group: UUID) -> HttpResponse:
    return _simple_edit(
        request,
        organisation,
        actor_group,
        model=ActorGroup,
        form_class=ActorGroupForm,
        list_url="organisations:actor_group_list",
    )


@login_required
def actor_group_delete(request: AuthenticatedHttpRequest, organisation: str, actor_group: UUID) -> HttpResponse:
    return _simple_delete(
        request, organisation, actor_group, model=ActorGroup, list_url="organisations:actor_group_list"
    )


# People --------------------------------------------------------------------------------------


@login_required
def people_list(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=VIEW_PEOPLE)
    search = normalise_text(request.GET.get("q", ""))[:100]
    people = queries.people_in(org, search=search)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    template = "organisations/membership_list.html"
    if request.htmx and request.htmx.target == "people-results":
        template += "#people-results"
    return render(
        request,
        template,
        {"organisation": org, "page": page, "search": search, "invited": queries.invited_people_in(org, search=search)},
    )


@login_required
def person_create(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    form = PersonForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        try:
            added = actions.add_person(organisation=org, details=form.person_details())
        except ValidationError as error:
            form.add_error("email" if isinstance(error, actions.AlreadyMember) else None, error)
        else:
            # The name typed here, never the account's: an existing account's name is its holder's
            # to share, by accepting.
            name = form.cleaned_data["full_name"]
            if isinstance(added, PendingMembership):
                messages.success(
                    request,
                    _("%(name)s was invited and becomes a member on accepting the invitation.") % {"name": name},
                )
            else:
                messages.success(request, _("%(name)s was added.") % {"name": name})
            if form.cleaned_data["send_invitation"]:
                _invite(request, [added])
            return redirect("organisations:people_list", organisation=org.slug)
    return render(
        request, "organisations/membership_form.html", {"organisation": org, "form": form, "membership": None}
    )


@login_required
def person_edit(request: AuthenticatedHttpRequest, organisation: str, membership: UUID) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    found = _get_in(Membership, org, membership)
    form = MembershipForm(request.POST or None, organisation=org, membership=found)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_membership(membership=found, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": found.user.full_name})
            if found.user_id == request.user.pk and not found.is_admin:
                # Having stepped down, the people list would be out of reach.
                return redirect("organisations:start", organisation=org.slug)
            return redirect("organisations:people_list", organisation=org.slug)
    return render(
        request, "organisations/membership_form.html", {"organisation": org, "form": form, "membership": found}
    )


@login_required
def person_remove(request: AuthenticatedHttpRequest, organisation: str, membership: UUID) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    found = _get_in(Membership, org, membership)
    error = None
    if request.method == "POST":
        try:
            actions.remove_membership(membership=found)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request,
                _("%(name)s no longer belongs to %(organisation)s.")
                % {"name": found.user.full_name, "organisation": org.name},
            )
            if found.user_id == request.user.pk:
                return redirect("home")
            return redirect("organisations:people_list", organisation=org.slug)
    return render(
        request,
        "organisations/membership_confirm_delete.html",
        {"organisation": org, "membership": found, "error": error},
    )


@login_required
@require_POST
def person_invite(request: AuthenticatedHttpRequest, organisation: str, membership: UUID) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    found = _get_in(Membership, org, membership)
    _invite(request, [found])
    return redirect("organisations:people_list", organisation=org.slug)


@login_required
@require_POST
def pending_invite(request: AuthenticatedHttpRequest, organisation: str, pending: UUID) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    found = _get_in(PendingMembership, org, pending)
    _invite(request, [found])
    return redirect("organisations:people_list", organisation=org.slug)


@login_required
def pending_withdraw(request: AuthenticatedHttpRequest, organisation: str, pending: UUID) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    found = _get_in(PendingMembership, org, pending)
    if request.method == "POST":
        actions.withdraw_pending_membership(pending=found)
        messages.success(request, _("The invitation to %(name)s was withdrawn.") % {"name": found.full_name})
        return redirect("organisations:people_list", organisation=org.slug)
    return render(
        request, "organisations/pendingmembership_confirm_withdraw.html", {"organisation": org, "pending": found}
    )


@login_required
def people_import(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST":
        # A new upload replaces whatever was checked before, also when it fails.
        request.session.pop(IMPORT_SESSION_KEY, None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.PEOPLE_IMPORT_MAX_BYTES:
                data = upload.read(settings.PEOPLE_IMPORT_MAX_BYTES + 1)
            else:
                data = upload.read()
            preview = importing.read_people_csv(
                data,
                organisation=org,
                max_bytes=settings.PEOPLE_IMPORT_MAX_BYTES,
                max_rows=settings.PEOPLE_IMPORT_MAX_ROWS,
            )
        except importing.ImportFileError as error:
            form.add_error("file", error)
        else:
            token = uuid4().hex
            request.session[IMPORT_SESSION_KEY] = {
                "organisation": org.pk,
                "rows": importing.rows_to_session(preview.rows),
                "token": token,
            }
    return render(
        request,
        "organisations/people_import.html",
        {"organisation": org, "form": form, "preview": preview, "preview_token": token if preview else ""},
    )


@login_required
@require_POST
def people_import_commit(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or stored.get("organisation") != org.pk:
        messages.error(request, _("There is no checked file to import. Upload the file again."))
        return redirect("organisations:people_import", organisation=org.slug)
    if stored.get("token") != request.POST.get("preview"):
        messages.error(
            request,
            _(
                "A newer file was checked after this preview, perhaps in another window. Nothing was imported; "
                "check the file again."
            ),
        )
        return redirect("organisations:people_import", organisation=org.slug)
    preview = importing.rows_from_session(stored["rows"], organisation=org)
    if not preview.can_commit:
        messages.error(request, _("Something changed since the preview; nothing was imported. Check the rows below."))
        form = PeopleImportForm()
        return render(
            request,
            "organisations/people_import.html",
            {"organisation": org, "form": form, "preview": preview},
            status=409,
        )
    try:
        added = actions.add_people(organisation=org, people=preview.people())
    except (ValidationError, IntegrityError):
        messages.error(request, _("Something changed since the preview; nothing was imported. Upload the file again."))
        return redirect("organisations:people_import", organisation=org.slug)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(
        request,
        ngettext("%(count)s person was imported.", "%(count)s people were imported.", len(added))
        % {"count": len(added)},
    )
    invited = sum(1 for person in added if isinstance(person, PendingMembership))
    if invited:
        messages.info(
            request,
            ngettext(
                "%(count)s of them already has a Tillit account and becomes a member on accepting the invitation.",
                "%(count)s of them already have a Tillit account and become members on accepting the invitation.",
                invited,
            )
            % {"count": invited},
        )
    if request.POST.get("send_invitations"):
        _invite(request, added)
    return redirect("organisations:people_list", organisation=org.slug)


@login_required
def organisation_settings(request: AuthenticatedHttpRequest, organisation: str) -> HttpResponse:
    org = get_organisation_for(request, organisation, perm=ADMINISTER)
    form = OrganisationSettingsForm(request.POST or None, instance=Organisation.objects.get(pk=org.pk))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The settings are saved."))
        return redirect("organisations:settings", organisation=org.slug)
    return render(request, "organisations/organisation_settings.html", {"organisation": org, "form": form})


def _invite(request: AuthenticatedHttpRequest, memberships: list[Membership | PendingMembership]) -> None:
    """Send invitations and say how it went; the people stay added whether or not e-mail works.

    A member gets a link to choose a password or to sign in; someone invited with an existing
    account gets a link to accept or decline joining."""
    sent = 0
    for membership in memberships:
        try:
            if isinstance(membership, PendingMembership):
                actions.send_pending_invitation(pending=membership, invited_by=request.user, site_url=settings.SITE_URL)
            else:
                actions.send_invitation(membership=membership, invited_by=request.user, site_url=settings.SITE_URL)
        except actions.InvitationNotSent:
            messages.error(
                request,
                _(
                    "The e-mail server did not accept the invitations; %(sent)s of %(total)s were sent. "
                    "Try again later with “Send the invitation again” on each person's page."
                )
                % {"sent": sent, "total": len(memberships)},
            )
            return
        sent += 1
    messages.success(
        request,
        ngettext("%(count)s invitation was sent by e-mail.", "%(count)s invitations were sent by e-mail.", sent)
        % {"count": sent},
    )
