"""The organisations' share of a person's data (`tillit.core.personal_data`): memberships, invitations to join that
are not accepted yet, and the record of changes to units they made."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.core.personal_data import (
    Exported,
    PersonalDataShare,
    RetentionRule,
    moment,
    register_personal_data,
    register_retention,
)
from tillit.organisations.actions import check_not_last_admin
from tillit.organisations.models import Membership, PendingMembership, UnitEvent


def export(user: User) -> Exported:
    memberships = Membership.objects.filter(user=user).select_related("organisation", "unit", "actor_group", "level")
    pending = PendingMembership.objects.filter(user=user).select_related("organisation")
    return {
        "memberships": [
            {
                "organisation": membership.organisation.name,
                "unit": membership.unit.name if membership.unit else None,
                "actor_group": membership.actor_group.name,
                "level": membership.level.name if membership.level else None,
                "role": membership.get_role_display(),
                "member_since": moment(membership.created_at),
                "invited": moment(membership.invited_at),
            }
            for membership in memberships.order_by("organisation__name")
        ],
        "invitations_not_accepted": [
            {
                "organisation": invitation.organisation.name,
                "name_given": invitation.full_name,
                "email_given": invitation.email,
                "invited": moment(invitation.invited_at),
            }
            for invitation in pending.order_by("organisation__name")
        ],
        "changes_to_units_made": UnitEvent.objects.filter(actor=user).count(),
    }


def erase(user: User) -> dict[str, int]:
    """Memberships and invitations to join are deleted (with the account); refused while the person is the last
    administrator of an organisation, which would be left without one."""
    for membership in Membership.objects.filter(user=user, role=Membership.Role.ADMIN).select_related("organisation"):
        try:
            check_not_last_admin(membership)  # locks the administrators: two erasing at once queue up
        except ValidationError:
            raise ValidationError(
                _("You are the only administrator of %(organisation)s. Appoint another administrator first.")
                % {"organisation": membership.organisation.name}
            ) from None
    pending, _by_model = PendingMembership.objects.filter(user=user).delete()
    memberships, _by_model = Membership.objects.filter(user=user).delete()
    return {"memberships": memberships, "invitations_to_join": pending}


def _pending_due(cutoff: datetime.datetime) -> QuerySet[PendingMembership]:
    """Invitations to join last sent (or, never sent, made) before the cutoff: sending again starts the time anew."""
    return PendingMembership.objects.annotate(last_sent=Coalesce("invited_at", "created_at")).filter(
        last_sent__lt=cutoff
    )


def _remove_pending(cutoff: datetime.datetime) -> int:
    deleted, _by_model = PendingMembership.objects.filter(pk__in=_pending_due(cutoff).values("pk")).delete()
    return deleted


def register() -> None:
    register_personal_data(PersonalDataShare("organisations", export, erase, order=50))
    register_retention(
        RetentionRule(
            "pending_invitations",
            "invitations to join not accepted, since last sent",
            lambda cutoff: _pending_due(cutoff).count(),
            _remove_pending,
        )
    )
