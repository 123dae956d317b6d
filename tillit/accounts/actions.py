"""A person's own data: exported and erased on request (`tillit.core.personal_data` puts every app's share together),
and the account's own share: the account row, its sign-in records and the accounts nobody uses any more."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from tillit.accounts.backends import lockout_key
from tillit.accounts.models import User
from tillit.core.models import DataProtectionEvent
from tillit.core.personal_data import (
    Exported,
    PersonalDataShare,
    RetentionRule,
    moment,
    record,
    register_personal_data,
    register_retention,
    shares,
)

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


def export_personal_data(user: User, *, channel: str) -> Exported:
    """Everything Tillit holds that names the person, as JSON-ready values, one key per app; recorded, not by whom."""
    exported: Exported = {"format": FORMAT_VERSION, "exported_at": moment(timezone.now())}
    for share in shares():
        exported[share.name] = share.export(user)
    record(DataProtectionEvent.Kind.EXPORT, channel, {"people": 1})
    return exported


def erase_person(user: User, *, channel: str) -> dict[str, int]:
    """Erase the person: every app removes what names them, the account last, in one transaction. Raises the first
    app's `ValidationError` (nothing is changed then), e.g. while they are an organisation's last administrator."""
    with transaction.atomic():
        locked = User.objects.select_for_update().filter(pk=user.pk).first()
        if locked is None:  # erased a moment ago (a form sent twice): nothing is left to erase
            return {}
        counts = _erase(locked)
        record(DataProtectionEvent.Kind.ERASURE, channel, counts)
    return counts


def _erase(user: User) -> dict[str, int]:
    counts: dict[str, int] = {}
    for share in shares():
        for kind, count in share.erase(user).items():
            counts[kind] = counts.get(kind, 0) + count
    return counts


def _export_account(user: User) -> Exported:
    return {
        "email": user.email,
        "name": user.full_name,
        "joined": moment(user.date_joined),
        "last_sign_in": moment(user.last_login),
        "failed_sign_ins_kept": _sign_in_records(user).count(),
    }


def _sign_in_records(user: User) -> Any:
    return AccessAttempt.objects.filter(username=lockout_key(user.email))


def _erase_account(user: User) -> dict[str, int]:
    attempts, _by_model = _sign_in_records(user).delete()
    user.delete()  # memberships and pending memberships go with it; rows that only pointed at it are emptied
    return {"accounts": 1, "sign_in_records": attempts}


def _sign_in_records_due(cutoff: datetime.datetime) -> int:
    return (
        AccessAttempt.objects.filter(attempt_time__lt=cutoff).count()
        + AccessLog.objects.filter(attempt_time__lt=cutoff).count()
        + AccessFailureLog.objects.filter(attempt_time__lt=cutoff).count()
        + Session.objects.filter(expire_date__lt=timezone.now()).count()
    )


def _remove_sign_in_records(cutoff: datetime.datetime) -> int:
    removed = 0
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        deleted, _by_model = model.objects.filter(attempt_time__lt=cutoff).delete()
        removed += deleted
    sessions, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return removed + sessions


def _unused_accounts(cutoff: datetime.datetime) -> Any:
    """Accounts in no organisation, not invited to one, not staff, not signed in (or, never signed in, not created)
    since the cutoff."""
    return (
        User.objects.filter(memberships__isnull=True, pending_memberships__isnull=True, is_staff=False)
        .filter(is_superuser=False)
        .annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=cutoff)
    )


def _remove_unused_accounts(cutoff: datetime.datetime) -> int:
    removed = 0
    due = list(_unused_accounts(cutoff).values_list("pk", flat=True))
    for user in User.objects.filter(pk__in=due).select_for_update(of=("self",)):
        if not _unused_accounts(cutoff).filter(pk=user.pk).exists():  # joined an organisation meanwhile
            continue
        _erase(user)
        removed += 1
    return removed


register_personal_data(PersonalDataShare("account", _export_account, _erase_account, order=100))
register_retention(
    RetentionRule(
        "sign_in_records",
        "failed sign-ins (django-axes) and expired sessions",
        _sign_in_records_due,
        _remove_sign_in_records,
    )
)
register_retention(
    RetentionRule(
        "unused_accounts",
        "accounts in no organisation, not signed in since",
        lambda cutoff: _unused_accounts(cutoff).count(),
        _remove_unused_accounts,
    )
)
