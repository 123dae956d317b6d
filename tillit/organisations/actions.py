"""Changes of state in an organisation. Each runs in one transaction.

In order: the organisation, the unit tree, levels and actor groups and the settings, people and memberships,
invitations. One module although it is a little over 600 lines, because every part and test reaches these verbs as
`organisations.actions.<verb>`, and they share the locks and checks at the top (the tree lock, the checks that a
unit, level or group belongs to the organisation).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, overload

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, RestrictedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tillit.accounts import addresses
from tillit.accounts.models import User
from tillit.core.mail import send_one
from tillit.organisations import tree
from tillit.organisations.models import (
    MIN_ANONYMITY_THRESHOLD,
    ActorGroup,
    Level,
    Membership,
    Organisation,
    PendingMembership,
    Unit,
    UnitEvent,
)
from tillit.organisations.queries import descendants, unit_parents, unit_path
from tillit.organisations.tokens import pending_membership_token

DEFAULT_ACTOR_GROUPS = [
    ActorGroup.Key.POLITICIAN,
    ActorGroup.Key.TOP_MANAGEMENT,
    ActorGroup.Key.MIDDLE_MANAGEMENT,
    ActorGroup.Key.FIRST_LINE_MANAGER,
    ActorGroup.Key.EMPLOYEE,
    ActorGroup.Key.SUPPORT_FUNCTION,
    ActorGroup.Key.SERVICE_USER,
    ActorGroup.Key.SUPERVISORY_BODY,
    ActorGroup.Key.PARTNER,
]


def default_levels() -> list[tuple[str, str]]:
    return [
        (pgettext("steering chain level", "Political level"), _("Council, boards and committees")),
        (pgettext("steering chain level", "Top management"), _("Chief executive and heads of administrations")),
        (pgettext("steering chain level", "Middle management"), _("Heads of departments")),
        (pgettext("steering chain level", "First-line management"), _("Managers of units and teams")),
        (pgettext("steering chain level", "Front line"), _("Staff who meet the service users")),
    ]


class TreeError(ValidationError):
    """A change that would break the unit tree (cycle, other organisation, closed parent)."""


class NameTaken(TreeError):
    """Another open unit at the same place has the name (the database's sibling-name constraint)."""


@contextmanager
def _name_free_at_place(unit: Unit, message: str | None = None) -> Iterator[None]:
    """Refuse a name an open sibling already has, whatever its case (SQLite's lower() folds
    ASCII only, so the database constraint alone would let "ÄLDREOMSORG" beside "Äldreomsorg")."""
    message = message or _("There is already an open unit with this name at that place.")
    siblings = Unit.objects.filter(organisation_id=unit.organisation_id, parent_id=unit.parent_id).open()
    if unit.pk is not None:
        siblings = siblings.exclude(pk=unit.pk)
    if any(name.casefold() == unit.name.casefold() for name in siblings.values_list("name", flat=True)):
        raise NameTaken(message)
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise NameTaken(message) from None


@transaction.atomic
def create_organisation(*, name: str, slug: str) -> Organisation:
    """Create an organisation with the default levels and actor groups (in Swedish); raises ValidationError."""
    validate_slug(slug)
    organisation = Organisation.objects.create(name=name, slug=slug)
    with translation.override("sv"):
        for rank, (level_name, description) in enumerate(default_levels(), start=1):
            Level.objects.create(organisation=organisation, name=level_name, rank=rank, description=description)
        for position, key in enumerate(DEFAULT_ACTOR_GROUPS):
            ActorGroup.objects.create(organisation=organisation, key=key, name=str(key.label), position=position)
    return organisation


def pages_changed(organisation_id: int) -> None:
    """Something every stored page of the organisation may show has changed (a unit, level or actor group, a round,
    a decision): no page stored before is served again (`stored_pages`). Called inside the action's transaction."""
    Organisation.objects.filter(pk=organisation_id).update(pages_version=F("pages_version") + 1)


def _lock_tree(organisation_id: int) -> None:
    """Serialise changes to one organisation's unit tree (moves, new units, closing, reopening),
    so that no change sees a tree another is halfway through changing."""
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()


def _check_parent(*, organisation: Organisation, unit: Unit | None, parent: Unit | None) -> None:
    """The parent is an open unit of the organisation and not the unit itself or below it (tree locked)."""
    if parent is None:
        return
    if parent.organisation_id != organisation.pk:
        raise TreeError(_("The chosen parent unit belongs to another organisation."))
    if not parent.is_open:
        raise TreeError(_("A unit cannot be placed under a closed unit."))
    if unit is not None and parent.pk in tree.subtree(unit.pk, unit_parents(organisation)):
        raise TreeError(_("A unit cannot be placed under itself or under one of its own sub-units."))


@transaction.atomic
def create_unit(*, organisation: Organisation, name: str, kind: str, parent: Unit | None, actor: User | None) -> Unit:
    """Create a unit under `parent` (or at the top); raises TreeError, or NameTaken."""
    _lock_tree(organisation.pk)
    if parent is not None:
        parent = Unit.objects.get(pk=parent.pk)
    _check_parent(organisation=organisation, unit=None, parent=parent)
    unit = Unit(organisation=organisation, name=name, kind=kind, parent=parent)
    with _name_free_at_place(unit):
        unit.save()
    UnitEvent.objects.create(organisation=organisation, unit=unit, kind=UnitEvent.Kind.CREATED, actor=actor)
    pages_changed(organisation.pk)
    return unit


@transaction.atomic
def update_unit(*, unit: Unit, name: str, kind: str, actor: User | None) -> Unit:
    """Rename a unit or change its kind, keeping the old name in its history; raises NameTaken."""
    old_name = unit.name
    unit.name = name
    unit.kind = kind
    with _name_free_at_place(unit):
        unit.save(update_fields=["name", "kind"])
    if old_name != name:
        UnitEvent.objects.create(
            organisation=unit.organisation,
            unit=unit,
            kind=UnitEvent.Kind.RENAMED,
            detail=f"{old_name} → {name}",
            actor=actor,
        )
    pages_changed(unit.organisation_id)
    return unit


@transaction.atomic
def move_unit(*, unit: Unit, new_parent: Unit | None, actor: User | None) -> Unit:
    """Move a unit (with its sub-units and members) under another unit or to the top; raises TreeError."""
    if unit.parent_id == (new_parent.pk if new_parent else None):
        return unit
    _lock_tree(unit.organisation_id)
    if new_parent is not None:
        new_parent = Unit.objects.get(pk=new_parent.pk)
    _check_parent(organisation=unit.organisation, unit=unit, parent=new_parent)
    old_path = unit_path(unit)
    unit.parent = new_parent
    with _name_free_at_place(unit):
        unit.save(update_fields=["parent"])
    UnitEvent.objects.create(
        organisation=unit.organisation,
        unit=unit,
        kind=UnitEvent.Kind.MOVED,
        detail=f"{old_path} → {unit_path(unit)}",
        actor=actor,
    )
    pages_changed(unit.organisation_id)
    return unit


@transaction.atomic
def close_unit(*, unit: Unit, actor: User | None) -> Unit:
    """Close a unit and every open unit under it; members and history are kept."""
    _lock_tree(unit.organisation_id)
    now = timezone.now()
    for closing in [unit, *descendants(unit)]:
        if closing.closed_at is None:
            closing.closed_at = now
            closing.save(update_fields=["closed_at"])
            UnitEvent.objects.create(
                organisation=unit.organisation, unit=closing, kind=UnitEvent.Kind.CLOSED, actor=actor
            )
    pages_changed(unit.organisation_id)
    return unit


@transaction.atomic
def reopen_unit(*, unit: Unit, actor: User | None) -> Unit:
    """Reopen a closed unit; its parent must be open."""
    if unit.is_open:
        return unit
    _lock_tree(unit.organisation_id)
    unit.parent = None if unit.parent_id is None else Unit.objects.filter(pk=unit.parent_id).first()
    if unit.parent is not None and not unit.parent.is_open:
        raise TreeError(_("Reopen the unit above first: %(parent)s is closed.") % {"parent": unit.parent.name})
    unit.closed_at = None
    message = _("Another open unit at the same place is already called %(name)s. Rename one of them first.")
    with _name_free_at_place(unit, message % {"name": unit.name}):
        unit.save(update_fields=["closed_at"])
    UnitEvent.objects.create(organisation=unit.organisation, unit=unit, kind=UnitEvent.Kind.REOPENED, actor=actor)
    pages_changed(unit.organisation_id)
    return unit


@dataclass(frozen=True)
class PersonDetails:
    full_name: str
    email: str
    unit: Unit | None
    actor_group: ActorGroup
    level: Level | None
    role: str


class AlreadyMember(ValidationError):
    pass


class AlreadyInvited(AlreadyMember):
    """The person has been invited to the organisation and has not answered yet."""


class InvitationAnswered(Exception):
    """The pending membership is gone: accepted, declined or withdrawn meanwhile."""


class NotYourInvitation(PermissionDenied):
    """Someone other than the invited account tried to answer the invitation."""


class InUse(ValidationError):
    """Somebody still belongs to the level or actor group."""


class InvitationNotSent(Exception):
    """The e-mail server refused or did not answer; the membership itself is kept."""


@transaction.atomic
def remove_unused(*, item: Level | ActorGroup) -> None:
    """Remove a level or actor group that nobody belongs to; raises InUse otherwise, also when
    someone was added to it since the page was shown (the database protects it)."""
    try:
        with transaction.atomic():
            item.delete()
            pages_changed(item.organisation_id)
    except (ProtectedError, RestrictedError) as error:  # members, people invited to it, or published results
        blocking = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", None) or ()
        if any(not isinstance(thing, (Membership, PendingMembership)) for thing in blocking):
            raise InUse(
                _(
                    "%(name)s is part of results that have been published, such as a workshop's ratings, so it "
                    "cannot be removed: the published figures would change. Rename it if it is no longer used."
                )
                % {"name": item.name}
            ) from None
        raise InUse(_("People belong to %(name)s. Move them elsewhere first.") % {"name": item.name}) from None


class NameInUse(ValidationError):
    """Another level or actor group of the organisation already has the name (or the kind)."""


@transaction.atomic
def change_settings(*, organisation: Organisation, name: str, anonymity_threshold: int) -> Organisation:
    """Rename the organisation and set its anonymity threshold (never below 3); raises ValidationError."""
    if anonymity_threshold < MIN_ANONYMITY_THRESHOLD:
        raise ValidationError(_("The threshold can never be below 3."))
    Organisation.objects.select_for_update().filter(pk=organisation.pk).update(
        name=name, anonymity_threshold=anonymity_threshold, pages_version=F("pages_version") + 1
    )
    organisation.name, organisation.anonymity_threshold = name, anonymity_threshold
    return organisation


def _save_named(item: Level | ActorGroup) -> None:
    """Save a level or actor group; a name (or kind) another took meanwhile is refused with NameInUse."""
    try:
        with transaction.atomic():
            item.save()
            pages_changed(item.organisation_id)
    except IntegrityError:
        if isinstance(item, Level):
            raise NameInUse(_("There is already a level called %(name)s.") % {"name": item.name}) from None
        others = ActorGroup.objects.filter(organisation_id=item.organisation_id).exclude(pk=item.pk)
        if item.key and others.filter(key=item.key).exists():
            raise NameInUse(_("Another actor group is already of this kind.")) from None
        raise NameInUse(_("There is already an actor group called %(name)s.") % {"name": item.name}) from None


@transaction.atomic
def add_level(*, organisation: Organisation, name: str, rank: int, description: str) -> Level:
    """Add a level of the steering chain; raises NameInUse when the organisation has one of that name."""
    level = Level(organisation=organisation, name=name, rank=rank, description=description)
    _save_named(level)
    return level


@transaction.atomic
def change_level(*, level: Level, name: str, rank: int, description: str) -> Level:
    """Rename, re-rank or describe a level; raises NameInUse when another level has the name."""
    level.name, level.rank, level.description = name, rank, description
    _save_named(level)
    return level


@transaction.atomic
def add_actor_group(*, organisation: Organisation, name: str, key: str, description: str, position: int) -> ActorGroup:
    """Add an actor group; raises NameInUse when another has the name or, for a standard kind, the kind."""
    group = ActorGroup(organisation=organisation, name=name, key=key, description=description, position=position)
    _save_named(group)
    return group


@transaction.atomic
def change_actor_group(*, group: ActorGroup, name: str, key: str, description: str, position: int) -> ActorGroup:
    """Change an actor group's name, kind, description or place in lists; raises NameInUse as add_actor_group."""
    group.name, group.key, group.description, group.position = name, key, description, position
    _save_named(group)
    return group


def _check_belongs(organisation: Organisation, details: PersonDetails, *, current_unit: Unit | None = None) -> None:
    """The unit, actor group and level are this organisation's, and locked until commit so they
    cannot be removed meanwhile; a closed unit is refused unless the person is already in it."""
    for model, item in ((Unit, details.unit), (ActorGroup, details.actor_group), (Level, details.level)):
        if item is None:
            continue
        locked = model.objects.select_for_update().filter(pk=item.pk, organisation=organisation).first()
        if locked is None:
            raise ValidationError(_("The chosen unit, level or actor group belongs to another organisation."))
    if details.unit is not None and not details.unit.is_open and details.unit != current_unit:
        raise ValidationError(_("People cannot be added to a closed unit."))


def _is_in_use(user: User) -> bool:
    """Whether the account holds anything of its own or of another organisation: a password, or a
    membership anywhere. Adding such an account needs the person's consent."""
    return not user.is_active or user.has_usable_password() or user.memberships.exists()


@overload
def add_person(*, organisation: Organisation, details: PersonDetails, by_operator: Literal[True]) -> Membership: ...


@overload
def add_person(
    *, organisation: Organisation, details: PersonDetails, by_operator: bool = False
) -> Membership | PendingMembership: ...


@transaction.atomic
def add_person(
    *, organisation: Organisation, details: PersonDetails, by_operator: bool = False
) -> Membership | PendingMembership:
    """Add a person to the organisation.

    A new address gets an account and a membership. An account already in use (a password, or a
    membership elsewhere) gets a PendingMembership instead, holding only the details typed here,
    which the person accepts or declines through an e-mailed link; nothing the account holds is
    read into this organisation. An unused account (no password, no organisation) is added as a
    new one, the name typed here replacing the one a former organisation typed.

    `by_operator` adds an account in use directly. Only the platform operator's commands
    (create_organisation, seed_demo) and test set-up pass it, never a request.

    Raises AlreadyMember if they already belong to this organisation, AlreadyInvited if they
    are invited and have not answered, ValidationError for an unusable address.
    """
    _check_belongs(organisation, details)
    email = details.email.strip().lower()
    key = addresses.canonical_email(email)
    if not key:
        raise ValueError("An e-mail address is required.")
    if len(key) > addresses.MAX_LENGTH:
        raise ValidationError(_("The e-mail address is too long."))
    already = AlreadyMember(_("%(email)s already belongs to this organisation.") % {"email": email})
    user = User.objects.filter(canonical_email=key).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email, password=None, full_name=details.full_name)
        except IntegrityError:  # someone added the same new address a moment ago
            user = User.objects.filter(canonical_email=key).first()
            if user is None:  # the database's lower() matched an account the canonical form does not
                raise ValidationError(
                    _("This e-mail address cannot be used. Check that it is written with ordinary letters.")
                ) from None
        else:
            return _create_membership(organisation, user, details, already=already)
    if by_operator:
        return _create_membership(organisation, user, details, already=already)
    # Locked, so that two organisations adding the same unused account at once queue up: the
    # second then sees the first's membership and asks for consent.
    user = User.objects.select_for_update().get(pk=user.pk)
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise already
    if _is_in_use(user):
        return _create_pending_membership(organisation, user, details, email=email)
    user.full_name = details.full_name
    user.save(update_fields=["full_name"])
    return _create_membership(organisation, user, details, already=already)


def _create_membership(
    organisation: Organisation, user: User, details: PersonDetails, *, already: AlreadyMember
) -> Membership:
    try:
        with transaction.atomic():
            return Membership.objects.create(
                organisation=organisation,
                user=user,
                unit=details.unit,
                actor_group=details.actor_group,
                level=details.level,
                role=details.role,
            )
    except IntegrityError:
        raise already from None


def _create_pending_membership(
    organisation: Organisation, user: User, details: PersonDetails, *, email: str
) -> PendingMembership:
    invited = AlreadyInvited(
        _("%(email)s has already been invited to this organisation and has not answered yet.") % {"email": email}
    )
    if PendingMembership.objects.filter(organisation=organisation, user=user).exists():
        raise invited
    try:
        with transaction.atomic():
            return PendingMembership.objects.create(
                organisation=organisation,
                user=user,
                full_name=details.full_name,
                email=email,
                unit=details.unit,
                actor_group=details.actor_group,
                level=details.level,
                role=details.role,
            )
    except IntegrityError:
        raise invited from None


@transaction.atomic
def add_people(
    *, organisation: Organisation, people: Iterable[PersonDetails], by_operator: bool = False
) -> list[Membership | PendingMembership]:
    """Add several people, all or none (see add_person)."""
    return [add_person(organisation=organisation, details=details, by_operator=by_operator) for details in people]


def _lock_pending(pending: PendingMembership, user: User) -> PendingMembership:
    locked = PendingMembership.objects.select_for_update().filter(pk=pending.pk).first()
    if locked is None:
        raise InvitationAnswered(pending.public_id)
    if locked.user_id != user.pk:
        raise NotYourInvitation
    return locked


@transaction.atomic
def accept_pending_membership(*, pending: PendingMembership, user: User) -> Membership:
    """Make the invited person a member with the details the organisation gave; caller has checked
    the link. Raises NotYourInvitation for another account, InvitationAnswered if it is gone."""
    locked = _lock_pending(pending, user)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                organisation_id=locked.organisation_id,
                user=user,
                unit_id=locked.unit_id,
                actor_group_id=locked.actor_group_id,
                level_id=locked.level_id,
                role=locked.role,
                invited_at=locked.invited_at,
            )
    except IntegrityError:  # already a member (added by the operator meanwhile): nothing to add
        membership = Membership.objects.get(organisation_id=locked.organisation_id, user=user)
    locked.delete()
    return membership


@transaction.atomic
def decline_pending_membership(*, pending: PendingMembership, user: User) -> None:
    """Remove the invitation at the invited person's wish; the organisation is told nothing more
    than that it is no longer waiting. Raises as accept_pending_membership does."""
    _lock_pending(pending, user).delete()


@transaction.atomic
def withdraw_pending_membership(*, pending: PendingMembership) -> None:
    """Remove an invitation the person has not answered; its link stops working."""
    PendingMembership.objects.filter(pk=pending.pk).delete()


@transaction.atomic
def update_membership(
    *, membership: Membership, unit: Unit | None, actor_group: ActorGroup, level: Level | None, role: str
) -> Membership:
    """Change a person's unit, actor group, level or role in this organisation."""
    details = PersonDetails(
        full_name=membership.user.full_name,
        email=membership.user.email,
        unit=unit,
        actor_group=actor_group,
        level=level,
        role=role,
    )
    _check_belongs(membership.organisation, details, current_unit=membership.unit)
    if membership.is_admin and role != Membership.Role.ADMIN:
        check_not_last_admin(membership)
    membership.unit, membership.actor_group, membership.level, membership.role = unit, actor_group, level, role
    membership.save(update_fields=["unit", "actor_group", "level", "role"])
    return membership


def check_not_last_admin(membership: Membership) -> None:
    """ValidationError when `membership` is its organisation's only administrator."""
    # Lock every administrator row, this one included and always in the same order, so two
    # administrators stepping down at once queue up instead of deadlocking.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organisation=membership.organisation, role=Membership.Role.ADMIN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not [pk for pk in admins if pk != membership.pk]:
        raise ValidationError(_("An organisation needs at least one administrator. Appoint another one first."))


@transaction.atomic
def remove_membership(*, membership: Membership) -> None:
    """Remove a person from the organisation; their account and other memberships stay."""
    if membership.is_admin:
        check_not_last_admin(membership)
    membership.delete()


def invitation_url(user: User, *, site_url: str) -> str:
    """A one-time link to choose a password: the same signed token as a password reset."""
    return site_url + reverse(
        "accounts:accept_invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def send_invitation(*, membership: Membership, invited_by: User | None, site_url: str) -> None:
    """E-mail the person a link into the organisation and record when it was sent.

    `invited_by` is None for an organisation's first administrator, whom nobody invited.
    """
    user = membership.user
    context = {
        "organisation": membership.organisation,
        "invited_by": invited_by,
        "user": user,
        "site_url": site_url,
        "needs_password": not user.has_usable_password(),
        "login_url": site_url + reverse("accounts:login"),
    }
    if not user.has_usable_password():
        context["invitation_url"] = invitation_url(user, site_url=site_url)
    subject = _("Invitation to %(organisation)s in Tillit") % {"organisation": membership.organisation.name}
    body = render_to_string("organisations/email/invitation.txt", context)
    if not send_one(subject, body, user.email):
        raise InvitationNotSent(user.email)
    Membership.objects.filter(pk=membership.pk).update(invited_at=timezone.now())


def pending_membership_url(pending: PendingMembership, *, site_url: str) -> str:
    """The one-time link to answer the invitation, signed over the time it was last sent."""
    return site_url + reverse(
        "organisations:invitation",
        kwargs={"pending": pending.public_id, "token": pending_membership_token.make_token(pending)},
    )


def send_pending_invitation(*, pending: PendingMembership, invited_by: User | None, site_url: str) -> None:
    """E-mail the account's own address a link to accept or decline joining; links sent before stop working.

    Raises InvitationNotSent when the e-mail server fails; then nothing changes and earlier links still work.
    """
    user = pending.user
    previously_sent = pending.invited_at
    pending.invited_at = timezone.now()
    context = {
        "organisation": pending.organisation,
        "invited_by": invited_by,
        "answer_url": pending_membership_url(pending, site_url=site_url),
        "needs_password": not user.has_usable_password(),
        "password_reset_url": site_url + reverse("accounts:password_reset"),
    }
    subject = _("Invitation to %(organisation)s in Tillit") % {"organisation": pending.organisation.name}
    body = render_to_string("organisations/email/pending_invitation.txt", context)
    if not send_one(subject, body, user.email):
        pending.invited_at = previously_sent
        raise InvitationNotSent(pending.email)
    PendingMembership.objects.filter(pk=pending.pk).update(invited_at=pending.invited_at)
