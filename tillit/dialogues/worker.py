"""One run of a dialogue's analysis: read the votes, analyse, store the report.

When it runs, and how a run that fails or dies is picked up again, is `tasks.py`'s (django-tasks, run by
`python manage.py worker`).

The analysis is deterministic: the seed is fixed, and the only state carried between runs
(`DialogueAnalysis.state`: the k-smoother and the previous components) is stored with it.
"""

from __future__ import annotations

import logging
import time

import numpy as np
from django.utils import timezone

from tillit.dialogues import analysis as opinion
from tillit.dialogues import reporting
from tillit.dialogues.loading import load_matrix
from tillit.dialogues.models import Dialogue, DialogueAnalysis

log = logging.getLogger(__name__)

__all__ = ["analyse_dialogue", "load_matrix"]

DEBOUNCE_SECONDS = 2.0
SEED = 20261123


def analyse_dialogue(dialogue: Dialogue) -> DialogueAnalysis:
    """Analyse now, whatever the dirty flag says, and store the report (`reporting.build_report`: every figure a
    `privacy.codec` cell): a new release of the results, audited against what earlier releases showed when readers
    may have seen them.

    Its writes are not one transaction, on purpose: the analysis takes seconds at scale, and a transaction holding
    the analysis row that long would make every vote's `mark_dirty` wait for it. Each write is safe alone instead:
    should the run fail after marking votes with this release, the report is not stored, `next_release` stays the
    same, and the next run marks the remaining votes with that release too and stores it."""
    started = time.perf_counter()
    # The stored report is replaced, never read: not loaded (hundreds of kB at scale).
    stored, _created = DialogueAnalysis.objects.defer("report").get_or_create(dialogue=dialogue)
    DialogueAnalysis.objects.filter(pk=stored.pk).update(dirty=False)
    release = int(stored.state.get("next_release", 1)) if isinstance(stored.state, dict) else 1
    matrix, inputs = load_matrix(dialogue, release=release)
    loaded = time.perf_counter()
    previous = _previous_state(stored.state, matrix)
    # The report stored last could be read if results are readable now: it has been since the dialogue closed
    # (or all along, with live results), so this one is audited against its ledger.
    ledger = stored.state.get("ledger") if stored.computed_at and dialogue.results_are_open else None
    result = opinion.analyse(
        matrix,
        actor_groups=np.array(inputs.participant_actor_groups, dtype=np.int64),
        seed=SEED,
        previous=previous,
        # A statement "unites" only where every group has at least k voters on it.
        consensus_min_votes=max(reporting.CONSENSUS_MIN_VOTES, inputs.k),
    )
    analysed = time.perf_counter()
    report, ledger = reporting.build_report(result, matrix, inputs, previous=ledger)
    reported = time.perf_counter()
    stored.report = report
    stored.state = result.state.as_dict() | {"ledger": ledger, "next_release": release + 1}
    stored.computed_at = timezone.now()
    stored.seconds = round(time.perf_counter() - started, 4)
    DialogueAnalysis.objects.filter(pk=stored.pk).update(
        report=stored.report, state=stored.state, computed_at=stored.computed_at, seconds=stored.seconds
    )
    log.info(
        "Dialogue %s release %s: %s votes, %.3f s (load %.3f, analyse %.3f, report %.3f, store %.3f)",
        dialogue.pk,
        release,
        inputs.votes,
        time.perf_counter() - started,
        loaded - started,
        analysed - loaded,
        reported - analysed,
        time.perf_counter() - reported,
    )
    return stored


def _previous_state(data: dict, matrix: opinion.VoteMatrix) -> opinion.SmoothingState | None:
    if not data:
        return None
    try:
        state = opinion.SmoothingState.from_dict(data)
    except (KeyError, TypeError, ValueError):
        return None
    if state.components.shape[1] > matrix.n_statements or (
        state.clustered.size and state.clustered.max() >= matrix.n_participants
    ):
        return None  # statements or participants were removed since: start afresh
    return state
