"""Keeping each dialogue's analysis up to date, in the background.

`python manage.py dialogue_worker` runs `run_pending` in a loop. A dialogue is analysed when its
analysis is dirty (a vote, statement or moderation decision since the last run) and the last run
finished at least `DEBOUNCE_SECONDS` ago, so a burst of votes costs one run, not one per vote.
Several workers may run at once: each claims a dialogue by clearing its dirty flag in a single
UPDATE, and only the worker whose UPDATE changed the row goes on.

The analysis is deterministic: the seed is fixed, and the only state carried between runs
(`DialogueAnalysis.state`: the k-smoother and the previous components) is stored with it.
"""

from __future__ import annotations

import datetime
import logging
import time

import numpy as np
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tillit.dialogues import analysis as opinion
from tillit.dialogues import reporting
from tillit.dialogues.models import Dialogue, DialogueAnalysis, DialogueParticipant, Statement, Vote
from tillit.organisations.models import ActorGroup

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 2.0
SEED = 20261123


def load_matrix(dialogue: Dialogue, release: int | None = None) -> tuple[opinion.VoteMatrix, reporting.Inputs]:
    """The votes as compact arrays, participants and statements indexed in the order of their numbers.

    With a `release` number, the votes no release has counted yet are first marked as counted by this one, and
    only marked votes are read, so each vote's first release is exact (a vote committed after the marking waits
    for the next). The votes are read first: every participant and statement they refer to was committed before
    them, so the two later reads find them all (rows added in between only add empty rows or columns).
    Statements that participants are not shown (rejected, or waiting under pre-moderation) are
    excluded: they count as passes for everybody, as Pol.is treats moderated-out comments."""
    if release is not None:
        Vote.objects.filter(dialogue=dialogue, release__isnull=True).update(release=release)
    flat = _vote_rows(dialogue, released=release is not None)
    participants: list[tuple[int, int | None, datetime.date, int]] = list(
        DialogueParticipant.objects.filter(dialogue=dialogue)
        .order_by("number")
        .values_list("pk", "actor_group_id", "joined_on", "number")
    )
    statements = list(
        Statement.objects.filter(dialogue=dialogue).order_by("number").values_list("pk", "number", "status")
    )
    participant_pks = np.array([row[0] for row in participants], dtype=np.int64)
    statement_pks = np.array([row[0] for row in statements], dtype=np.int64)
    rows = _positions(participant_pks, flat[:, 0])
    cols = _positions(statement_pks, flat[:, 1])
    known = (rows >= 0) & (cols >= 0)
    flat, rows, cols = flat[known], rows[known], cols[known]
    count = len(flat)
    shown = _shown_statuses(dialogue)
    excluded = np.array([status not in shown for _pk, _number, status in statements], dtype=bool)
    matrix = opinion.VoteMatrix(len(participants), len(statements), rows, cols, flat[:, 2], excluded)

    group_ids = sorted({row[1] for row in participants if row[1] is not None})
    names = dict(ActorGroup.objects.filter(pk__in=group_ids).values_list("pk", "name"))
    index_of: dict[int | None, int] = {pk: index for index, pk in enumerate(group_ids)}
    inputs = reporting.Inputs(
        statement_numbers=[row[1] for row in statements],
        statement_shown=[not flag for flag in excluded.tolist()],
        participant_actor_groups=[index_of.get(row[1], -1) for row in participants],
        actor_group_names=[names[pk] for pk in group_ids],
        joined_on=[row[2] for row in participants],
        votes=count,
        k=dialogue.anonymity_threshold,
        actor_group_ids=group_ids,
        participant_numbers=[row[3] for row in participants],
        vote_releases=flat[:, 3] if flat.shape[1] > 3 else None,
        release=release or 1,
        unverified=not dialogue.is_internal,
    )
    return matrix, inputs


def _positions(pks: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index of each wanted pk in `pks`, -1 where it is missing."""
    if not len(pks):
        return np.full(len(wanted), -1, dtype=np.int64)
    order = np.argsort(pks)
    found = np.minimum(np.searchsorted(pks, wanted, sorter=order), len(pks) - 1)
    index = order[found]
    return np.where(pks[index] == wanted, index, -1)


def _shown_statuses(dialogue: Dialogue) -> set[str]:
    if dialogue.moderation == Dialogue.Moderation.PRE:
        return {Statement.Status.ACCEPTED}
    return {Statement.Status.ACCEPTED, Statement.Status.PENDING}


def _vote_rows(dialogue: Dialogue, *, released: bool = False, chunk: int = 50_000) -> np.ndarray:
    """(participant pk, statement pk, value[, release]) per vote, read in chunks straight from the cursor.

    With `released`, only votes a release has counted, and their release. The ORM's per-row tuples cost about
    as much as the whole analysis at a few hundred thousand votes; reading the same query through the cursor in
    chunks costs about half."""
    votes = Vote.objects.filter(dialogue=dialogue)
    columns = ["participant_id", "statement_id", "value"]
    if released:
        votes = votes.filter(release__isnull=False)
        columns.append("release")
    sql, params = votes.values_list(*columns).query.sql_with_params()
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            parts.append(np.array(rows, dtype=np.int64))
    return np.concatenate(parts) if parts else np.zeros((0, len(columns)), dtype=np.int64)


def analyse_dialogue(dialogue: Dialogue) -> DialogueAnalysis:
    """Analyse now, whatever the dirty flag says, and store the report (`reporting.build_report`: every figure a
    `privacy.codec` cell): a new release of the results, audited against what earlier releases showed when readers
    may have seen them.

    Its writes are not one transaction, on purpose: the analysis takes seconds at scale, and a transaction holding
    the analysis row that long would make every vote's `mark_dirty` wait for it. Each write is safe alone instead:
    should the run fail after marking votes with this release, the report is not stored, `next_release` stays the
    same, and the next run marks the remaining votes with that release too and stores it."""
    started = time.perf_counter()
    stored, _created = DialogueAnalysis.objects.get_or_create(dialogue=dialogue)
    DialogueAnalysis.objects.filter(pk=stored.pk).update(dirty=False)
    release = int(stored.state.get("next_release", 1)) if isinstance(stored.state, dict) else 1
    matrix, inputs = load_matrix(dialogue, release=release)
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
    report, ledger = reporting.build_report(result, matrix, inputs, previous=ledger)
    stored.report = report
    stored.state = result.state.as_dict() | {"ledger": ledger, "next_release": release + 1}
    stored.computed_at = timezone.now()
    stored.seconds = round(time.perf_counter() - started, 4)
    DialogueAnalysis.objects.filter(pk=stored.pk).update(
        report=stored.report, state=stored.state, computed_at=stored.computed_at, seconds=stored.seconds
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


def due(now: datetime.datetime | None = None, debounce: float = DEBOUNCE_SECONDS) -> list[int]:
    now = now or timezone.now()
    quiet_since = now - datetime.timedelta(seconds=debounce)
    return list(
        DialogueAnalysis.objects.filter(dirty=True)
        .filter(Q(computed_at__isnull=True) | Q(computed_at__lte=quiet_since))
        .values_list("dialogue_id", flat=True)
    )


def run_pending(debounce: float = DEBOUNCE_SECONDS) -> int:
    """Analyse every dialogue that is due; returns how many were analysed. A failure is logged, not raised."""
    done = 0
    for dialogue_id in due(debounce=debounce):
        with transaction.atomic():
            claimed = DialogueAnalysis.objects.filter(dialogue_id=dialogue_id, dirty=True).update(dirty=False)
        if not claimed:
            continue  # another worker took it
        dialogue = Dialogue.objects.select_related("organisation").get(pk=dialogue_id)
        try:
            analyse_dialogue(dialogue)
        except Exception:
            # Due again after the debounce, so a dialogue that keeps failing does not hold up the others.
            DialogueAnalysis.objects.filter(dialogue_id=dialogue_id).update(dirty=True, computed_at=timezone.now())
            log.exception("Analysing dialogue %s failed", dialogue_id)
            continue
        done += 1
    return done
