"""Keeping each dialogue's analysis up to date in the background (django-tasks, see tillit.core.background).

A vote, statement or moderation decision flips the analysis's dirty flag, and the flip enqueues `refresh_dialogue`;
a run less than DEBOUNCE after the last one waits until DEBOUNCE has passed, so a burst of votes costs one run
every DEBOUNCE, not one per vote, and a lone vote is analysed at once. The run *claims* the analysis with one
conditional UPDATE that clears the flag and takes a lease (`lease()`); only the process whose UPDATE
changed the row goes on, so any number of workers may run. The lease is what makes the work survive faults:

- a run that raises gives the lease back as a pause before the next try (growing with `failures`), flag set again;
- a run that cannot even say it failed (its worker killed, the database gone) leaves the lease to expire, and
  `sweep_dialogues`, which every worker runs each SWEEP_EVERY, makes every dialogue with an expired lease due again.

Either way the analysis is redone by whichever worker picks it up, and the dialogue's pages show its state
(`analysis_state`)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from tillit.core.background import enqueue_after_commit, periodic
from tillit.dialogues import worker
from tillit.dialogues.models import Dialogue, DialogueAnalysis

log = logging.getLogger(__name__)

DEBOUNCE = datetime.timedelta(seconds=worker.DEBOUNCE_SECONDS)
SWEEP_EVERY = datetime.timedelta(seconds=30)
RETRY_PAUSES = (5, 30, 120, 600)  # seconds before the 1st, 2nd, 3rd and every later retry


def lease() -> datetime.timedelta:
    """How long a claim holds (DIALOGUE_ANALYSIS_LEASE_SECONDS): far longer than an analysis takes at region size."""
    return datetime.timedelta(seconds=settings.DIALOGUE_ANALYSIS_LEASE_SECONDS)


def schedule_refresh(dialogue_id: int, *, delay: datetime.timedelta | None = None) -> None:
    """Enqueue the dialogue's analysis once the current transaction commits."""
    enqueue_after_commit(refresh_dialogue, dialogue_id, delay=delay)


@task()
def refresh_dialogue(dialogue_id: int) -> str:
    """Claim the dialogue's analysis and redo it; what happened, in a word, as the task's result."""
    now = timezone.now()
    last = DialogueAnalysis.objects.filter(dialogue_id=dialogue_id).values_list("computed_at", flat=True).first()
    if last is not None and now < last + DEBOUNCE:
        schedule_refresh(dialogue_id, delay=last + DEBOUNCE - now)
        return "debounced"
    claimed = (
        DialogueAnalysis.objects.filter(dialogue_id=dialogue_id, dirty=True)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        .update(dirty=False, leased_until=now + lease())
    )
    if not claimed:
        held = (
            DialogueAnalysis.objects.filter(dialogue_id=dialogue_id, dirty=True, leased_until__gt=now)
            .values_list("leased_until", "failures")
            .first()
        )
        if held is None:
            return "up to date"
        # Changed while another run holds it: look again after the debounce; after a failure, when its pause ends.
        leased_until, failures = held
        schedule_refresh(dialogue_id, delay=(leased_until or now) - now if failures else DEBOUNCE)
        return "held"
    try:
        worker.analyse_dialogue(Dialogue.objects.select_related("organisation").get(pk=dialogue_id))
    except Exception:
        _failed(dialogue_id)
        raise
    DialogueAnalysis.objects.filter(dialogue_id=dialogue_id).update(leased_until=None, failures=0, failed_at=None)
    return "analysed"


def _failed(dialogue_id: int) -> None:
    """Due again after a pause; should this write fail too, the lease expires and the sweep takes over."""
    try:
        stored = DialogueAnalysis.objects.get(dialogue_id=dialogue_id)
        pause = datetime.timedelta(seconds=RETRY_PAUSES[min(stored.failures, len(RETRY_PAUSES) - 1)])
        now = timezone.now()
        DialogueAnalysis.objects.filter(pk=stored.pk).update(
            dirty=True, leased_until=now + pause, failures=F("failures") + 1, failed_at=now
        )
        schedule_refresh(dialogue_id, delay=pause)
    except Exception:
        log.exception("Could not record that analysing dialogue %s failed; its lease will expire", dialogue_id)


@periodic(every=SWEEP_EVERY)
def sweep_dialogues() -> int:
    """Make due again what a dead run left (an expired lease), and enqueue every dialogue that is due and has waited
    longer than a sweep (its enqueue was lost): returns how many were enqueued."""
    now = timezone.now()
    DialogueAnalysis.objects.filter(leased_until__lte=now).update(dirty=True, leased_until=None)
    due = list(
        DialogueAnalysis.objects.filter(dirty=True, leased_until__isnull=True)
        .filter(Q(computed_at__isnull=True) | Q(computed_at__lte=now - SWEEP_EVERY))
        .values_list("dialogue_id", flat=True)
    )
    for dialogue_id in due:
        schedule_refresh(dialogue_id)
    return len(due)
