"""Set up a new organisation for production use, with its first administrator."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from tillit.accounts import addresses
from tillit.accounts.models import User
from tillit.organisations import actions
from tillit.organisations.models import SLUG_MAX_LENGTH, ActorGroup, Level, Membership, Organisation

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ADMIN_GROUPS = [ActorGroup.Key.TOP_MANAGEMENT, ActorGroup.Key.SUPPORT_FUNCTION]
TOP_MANAGEMENT_RANK = 2


def clean_name(value: str, what: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise CommandError(f"The {what} cannot be empty.")
    if len(name) > 150:
        raise CommandError(f"The {what} is too long: at most 150 characters.")
    return name


def check_slug(slug: str, name: str) -> None:
    max_length = SLUG_MAX_LENGTH
    if not SLUG_PATTERN.fullmatch(slug) or len(slug) > max_length:
        raise CommandError(
            f"Invalid slug {slug!r}: use lowercase letters a-z, digits and single hyphens, "
            f"at most {max_length} characters (for example --slug {slugify(name)[:max_length] or 'norrby-kommun'})."
        )
    taken_by = Organisation.objects.filter(slug=slug).first()
    if taken_by is not None:
        raise CommandError(f"The slug {slug!r} is taken by the organisation {taken_by.name!r}. Choose another one.")


def clean_email(value: str) -> str:
    email = value.strip().lower()
    try:
        validate_email(email)
        if len(addresses.canonical_email(email)) > addresses.MAX_LENGTH:
            raise ValidationError("too long")
    except ValidationError:
        raise CommandError(f"Invalid e-mail address {value!r}.") from None
    return email


def admin_details(organisation: Organisation, *, full_name: str, email: str, group_key: str) -> actions.PersonDetails:
    level = None
    if group_key == ActorGroup.Key.TOP_MANAGEMENT:
        level = Level.objects.in_organisation(organisation).filter(rank=TOP_MANAGEMENT_RANK).first()
    return actions.PersonDetails(
        full_name=full_name,
        email=email,
        unit=None,
        actor_group=ActorGroup.objects.in_organisation(organisation).get(key=group_key),
        level=level,
        role=Membership.Role.ADMIN,
    )


def invite(membership: Membership) -> None:
    try:
        actions.send_invitation(membership=membership, invited_by=None, site_url=settings.SITE_URL)
    except actions.InvitationNotSent as error:
        raise CommandError(f"Could not send the invitation ({error.__cause__}); nothing was created.") from error


def how_to_sign_in(user: User) -> str:
    if user.has_usable_password():
        login_url = settings.SITE_URL + reverse("accounts:login")
        return f"{user.email} already has an account: they sign in at {login_url} with their usual password."
    return (
        f"Give this link to {user.full_name}. It works once, for {link_lifetime()}, "
        "and lets them choose a password:\n"
        f"{actions.invitation_url(user, site_url=settings.SITE_URL)}"
    )


def link_lifetime() -> str:
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    return f"{hours // 24} days" if hours >= 48 else f"{hours} hours"


class Command(BaseCommand):
    help = (
        "Create an organisation with the default levels and actor groups, add its first administrator, "
        "and print a one-time link for them to choose a password (or e-mail it with --send-invitation)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help='The organisation\'s name, e.g. "Norrby kommun".')
        parser.add_argument(
            "--slug", required=True, help="Short name in addresses: lowercase letters, digits and hyphens."
        )
        parser.add_argument("--admin-email", required=True, help="The first administrator's e-mail address.")
        parser.add_argument("--admin-name", required=True, help="The first administrator's full name.")
        parser.add_argument(
            "--admin-actor-group",
            choices=ADMIN_GROUPS,
            default=ActorGroup.Key.TOP_MANAGEMENT,
            help="The administrator's actor group (default: top_management).",
        )
        parser.add_argument(
            "--send-invitation",
            action="store_true",
            help="E-mail the invitation to the administrator instead of printing the link.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = clean_name(options["name"], "organisation name")
        admin_name = clean_name(options["admin_name"], "administrator's name")
        email = clean_email(options["admin_email"])
        check_slug(options["slug"], name)
        with transaction.atomic():
            organisation = actions.create_organisation(name=name, slug=options["slug"])
            details = admin_details(
                organisation, full_name=admin_name, email=email, group_key=options["admin_actor_group"]
            )
            # The operator sets the organisation up for its first administrator, who asked for it: an
            # existing account is made administrator at once, with no invitation to accept.
            membership = actions.add_person(organisation=organisation, details=details, by_operator=True)
            if options["send_invitation"]:
                invite(membership)
        self.stdout.write(self.style.SUCCESS(f"Created {organisation.name} ({organisation.slug}), admin {email}."))
        if options["send_invitation"]:
            self.stdout.write(f"Sent an invitation to {email}.")
        else:
            self.stdout.write(how_to_sign_in(membership.user))
