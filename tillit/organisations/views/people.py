"""People: the list, adding, changing, removing and inviting people, invitations not yet answered, the CSV import."""

from __future__ import annotations

from uuid import UUID, uuid4

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tillit.core.middleware import accepts_body_up_to
from tillit.core.text import normalise_text
from tillit.organisations import actions, importing, queries
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.forms import MembershipForm, PeopleImportCommitForm, PeopleImportForm, PersonForm
from tillit.organisations.models import Membership, Organisation, PendingMembership
from tillit.organisations.permissions import ADMINISTER, ORGANISATION, VIEW_PEOPLE, get_in_organisation

PEOPLE_PER_PAGE = 25
SEARCH_LENGTH = 100
IMPORT_SESSION_KEY = "people_import"
MULTIPART_OVERHEAD_BYTES = 65_536  # the form's other fields and the multipart boundaries around the file


def _to_people(organisation: Organisation) -> HttpResponse:
    return redirect("organisations:people_list", organisation=organisation.slug)


@through(ORGANISATION, VIEW_PEOPLE)
def people_list(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.organisation
    search = normalise_text(request.GET.get("q", ""))[:SEARCH_LENGTH]
    page = Paginator(queries.people_in(organisation, search=search), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    template = "organisations/membership_list.html"
    if request.htmx and request.htmx.target == "people-results":
        template += "#people-results"
    return render(
        request,
        template,
        {
            "organisation": organisation,
            "page": page,
            "search": search,
            "invited": queries.invited_people_in(organisation, search=search),
        },
    )


@through(ORGANISATION, ADMINISTER)
def person_create(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.organisation
    form = PersonForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            added = actions.add_person(organisation=organisation, details=form.person_details())
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
                _invite(request, access, [added])
            return _to_people(organisation)
    return render(
        request, "organisations/membership_form.html", {"organisation": organisation, "form": form, "membership": None}
    )


@through(ORGANISATION, ADMINISTER)
def person_edit(request: OrganisationRequest, access: Access[Organisation], membership: UUID) -> HttpResponse:
    organisation = access.organisation
    found = get_in_organisation(Membership, organisation, membership)
    form = MembershipForm(request.POST or None, organisation=organisation, membership=found)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_membership(membership=found, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": found.user.full_name})
            if found.user_id == request.user.pk and not found.is_admin:
                # Having stepped down, the people list would be out of reach.
                return redirect("organisations:start", organisation=organisation.slug)
            return _to_people(organisation)
    return render(
        request, "organisations/membership_form.html", {"organisation": organisation, "form": form, "membership": found}
    )


@through(ORGANISATION, ADMINISTER)
def person_remove(request: OrganisationRequest, access: Access[Organisation], membership: UUID) -> HttpResponse:
    organisation = access.organisation
    found = get_in_organisation(Membership, organisation, membership)
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
                % {"name": found.user.full_name, "organisation": organisation.name},
            )
            if found.user_id == request.user.pk:
                return redirect("home")
            return _to_people(organisation)
    return render(
        request,
        "organisations/membership_confirm_delete.html",
        {"organisation": organisation, "membership": found, "error": error},
    )


@through(ORGANISATION, ADMINISTER)
@require_POST
def person_invite(request: OrganisationRequest, access: Access[Organisation], membership: UUID) -> HttpResponse:
    organisation = access.organisation
    _invite(request, access, [get_in_organisation(Membership, organisation, membership)])
    return _to_people(organisation)


@through(ORGANISATION, ADMINISTER)
@require_POST
def pending_invite(request: OrganisationRequest, access: Access[Organisation], pending: UUID) -> HttpResponse:
    organisation = access.organisation
    _invite(request, access, [get_in_organisation(PendingMembership, organisation, pending)])
    return _to_people(organisation)


@through(ORGANISATION, ADMINISTER)
def pending_withdraw(request: OrganisationRequest, access: Access[Organisation], pending: UUID) -> HttpResponse:
    organisation = access.organisation
    found = get_in_organisation(PendingMembership, organisation, pending)
    if request.method == "POST":
        actions.withdraw_pending_membership(pending=found)
        messages.success(request, _("The invitation to %(name)s was withdrawn.") % {"name": found.full_name})
        return _to_people(organisation)
    return render(
        request,
        "organisations/pendingmembership_confirm_withdraw.html",
        {"organisation": organisation, "pending": found},
    )


@accepts_body_up_to(lambda: settings.PEOPLE_IMPORT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES)
@through(ORGANISATION, ADMINISTER)
def people_import(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """Check an uploaded CSV of people and show what importing it would do; nothing is added yet."""
    organisation = access.organisation
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    preview, token = None, ""
    if request.method == "POST":
        # A new upload replaces whatever was checked before, also when it fails.
        request.session.pop(IMPORT_SESSION_KEY, None)
    if request.method == "POST" and form.is_valid():
        try:
            preview = importing.read_people_csv(
                form.data_read(),
                organisation=organisation,
                max_bytes=settings.PEOPLE_IMPORT_MAX_BYTES,
                max_rows=settings.PEOPLE_IMPORT_MAX_ROWS,
            )
        except importing.ImportFileError as error:
            form.add_error("file", error)
        else:
            token = uuid4().hex
            request.session[IMPORT_SESSION_KEY] = {
                "organisation": organisation.pk,
                "rows": importing.rows_to_session(preview.rows),
                "token": token,
            }
    return render(
        request,
        "organisations/people_import.html",
        {"organisation": organisation, "form": form, "preview": preview, "preview_token": token},
    )


@through(ORGANISATION, ADMINISTER)
@require_POST
def people_import_commit(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    """Add everyone in the file last checked, all or none, if nothing changed that the preview relied on."""
    organisation = access.organisation
    form = PeopleImportCommitForm(request.POST)
    form.is_valid()  # both fields are optional: a missing preview token is told apart below
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or stored.get("organisation") != organisation.pk:
        messages.error(request, _("There is no checked file to import. Upload the file again."))
        return redirect("organisations:people_import", organisation=organisation.slug)
    if stored.get("token") != form.cleaned_data["preview"]:
        messages.error(
            request,
            _(
                "A newer file was checked after this preview, perhaps in another window. Nothing was imported; "
                "check the file again."
            ),
        )
        return redirect("organisations:people_import", organisation=organisation.slug)
    preview = importing.rows_from_session(stored["rows"], organisation=organisation)
    if not preview.can_commit:
        messages.error(request, _("Something changed since the preview; nothing was imported. Check the rows below."))
        return render(
            request,
            "organisations/people_import.html",
            {"organisation": organisation, "form": PeopleImportForm(), "preview": preview},
            status=409,
        )
    try:
        added = actions.add_people(organisation=organisation, people=preview.people())
    except (ValidationError, IntegrityError):
        messages.error(request, _("Something changed since the preview; nothing was imported. Upload the file again."))
        return redirect("organisations:people_import", organisation=organisation.slug)
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
    if form.cleaned_data["send_invitations"]:
        _invite(request, access, added)
    return _to_people(organisation)


def _invite(
    request: OrganisationRequest, access: Access[Organisation], memberships: list[Membership | PendingMembership]
) -> None:
    """Send invitations and say how it went; the people stay added whether or not e-mail works.

    A member gets a link to choose a password or to sign in; someone invited with an existing
    account gets a link to accept or decline joining."""
    sent = 0
    for membership in memberships:
        try:
            if isinstance(membership, PendingMembership):
                actions.send_pending_invitation(pending=membership, invited_by=access.user, site_url=settings.SITE_URL)
            else:
                actions.send_invitation(membership=membership, invited_by=access.user, site_url=settings.SITE_URL)
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
