"""Preparing a round's results files in the background (see `models.PreparedExport`)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from tillit.barometer import exporting
from tillit.barometer.models import PreparedExport, Round

BUILD_LEASE = datetime.timedelta(minutes=10)  # a build not finished by then is taken as lost and started again


def request_export(round: Round, kind: str, readable_units: frozenset[int] | None, language: str) -> PreparedExport:
    """The prepared file for this scope and language, asked for: made due (and its build enqueued) when there is
    none yet, when it failed, when its format is older, or when its build has been lost."""
    from tillit.barometer import tasks  # tasks call the actions: imported when called

    scope = exporting.scope_key(readable_units)
    units = None if readable_units is None else sorted(readable_units)
    now = timezone.now()
    with transaction.atomic():
        prepared = (
            PreparedExport.objects.select_for_update()
            .filter(round=round, kind=kind, scope=scope, language=language)
            .first()
        )
        if prepared is None:
            try:
                with transaction.atomic():
                    prepared = PreparedExport.objects.create(
                        round=round,
                        kind=kind,
                        scope=scope,
                        units=units,
                        language=language,
                        format=exporting.EXPORT_FORMAT,
                        requested_at=now,
                    )
            except IntegrityError:  # asked for twice at once: the other request made it
                return PreparedExport.objects.get(round=round, kind=kind, scope=scope, language=language)
        elif _due_again(prepared, now):
            prepared.status, prepared.content, prepared.finished_at = PreparedExport.Status.BUILDING, None, None
            prepared.format, prepared.requested_at, prepared.units = exporting.EXPORT_FORMAT, now, units
            prepared.save()
        else:
            return prepared
        transaction.on_commit(lambda: tasks.prepare_export.enqueue(prepared.pk))
    return prepared


def _due_again(prepared: PreparedExport, now: datetime.datetime) -> bool:
    if prepared.format != exporting.EXPORT_FORMAT or prepared.status == PreparedExport.Status.FAILED:
        return True
    return prepared.status == PreparedExport.Status.BUILDING and prepared.requested_at < now - BUILD_LEASE


def build_export(export_id: int) -> str:
    """Build the file of a prepared export and store it; what happened, in a word."""
    prepared = PreparedExport.objects.select_related("round__organisation").filter(pk=export_id).first()
    if prepared is None or prepared.status == PreparedExport.Status.READY:
        return "nothing to do"
    units = None if prepared.units is None else frozenset(prepared.units)
    try:
        with translation.override(prepared.language):
            content = exporting.results_file(prepared.round, prepared.kind, units)
    except Exception:
        PreparedExport.objects.filter(pk=prepared.pk).update(status=PreparedExport.Status.FAILED)
        raise
    PreparedExport.objects.filter(pk=prepared.pk, requested_at=prepared.requested_at).update(
        status=PreparedExport.Status.READY, content=content, finished_at=timezone.now()
    )
    return "built"
