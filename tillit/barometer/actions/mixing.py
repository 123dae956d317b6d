"""Mixing the round's inbox into its responses, so that neither the order of the rows nor the transaction that wrote
them follows the order of answering.

A submission lands in the round's inbox (`PendingResponse`); once the inbox holds a batch, the whole batch moves
into `Response`, `Answer` and `OpenAnswer` in a random order, with new random ids, in one transaction that also
rewrites the answered flags of the invitations whose answers these are. Afterwards the answer tables are VACUUMed on
PostgreSQL, so the row versions a batch left behind are gone.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from tillit.barometer.models import (
    Answer,
    Invitation,
    OpenAnswer,
    PendingResponse,
    Response,
    Round,
    scale_item_ids,
    unpack_scale_answers,
)

logger = logging.getLogger(__name__)

# How many answers the inbox gathers before they are mixed into the responses (settings.BAROMETER_MIX_BATCH).
DEFAULT_MIX_BATCH = 20


def mix_batch_size(round: Round) -> int:
    """How many answers the inbox gathers before they are mixed: BAROMETER_MIX_BATCH, never below the round's k."""
    return max(int(getattr(settings, "BAROMETER_MIX_BATCH", DEFAULT_MIX_BATCH)), round.k)


def _locked(round: Round) -> Round:
    return Round.objects.select_for_update(of=("self",)).select_related("organisation", "instrument").get(pk=round.pk)


def mix_inbox(*, round: Round) -> int:
    """Move everything in the round's inbox into its responses now, whatever its size; how many were moved.

    For tests and tools that need the answers readable at once; answering and closing mix by themselves.
    """
    with transaction.atomic():
        return mix(_locked(round))


def mix_when_full(round: Round) -> None:
    """Mix the round's inbox if it holds a batch. A separate transaction after the answer's: if mixing fails, the
    answer stays in the inbox and the next answer (or closing the round) mixes it."""
    try:
        with transaction.atomic():
            locked = _locked(round)
            if PendingResponse.objects.filter(round=locked).count() >= mix_batch_size(locked):
                mix(locked)
    except DatabaseError as error:
        logger.warning(
            "Barometer round %s: mixing the inbox failed (%s); it is tried again with the next answer",
            round.pk,
            type(error).__name__,
        )


@dataclass(frozen=True)
class _Entry:
    """One response's content on its way into the mixed tables."""

    unit_id: int | None
    level_id: int | None
    actor_group_id: int | None
    verified: bool
    scale_answers: bytes
    open_answers: dict[int, str]


def mix(round: Round, *, at_least: int = 0) -> int:
    """Move the whole inbox into Response, Answer and OpenAnswer in a random order, with new random ids; delete the
    inbox rows; rewrite the answered flags of the invitations whose answers these are. Caller holds the round's lock
    in a transaction; if fewer than `at_least` are waiting, responses already mixed are taken out and stored again
    with them, chosen at random. Returns how many responses were written."""
    shuffler = secrets.SystemRandom()
    pending = list(PendingResponse.objects.filter(round=round))
    if not pending:
        return 0
    entries = [
        _Entry(
            row.unit_id,
            row.level_id,
            row.actor_group_id,
            row.verified,
            bytes(row.scale_answers),
            {int(item_id): text for item_id, text in row.open_answers.items()},
        )
        for row in pending
    ]
    if len(entries) < at_least:
        mixed = list(Response.objects.filter(round=round).values_list("pk", flat=True))
        again = shuffler.sample(mixed, min(len(mixed), at_least - len(entries)))
        entries += _entries_of(again)
        OpenAnswer.objects.filter(response_id__in=again).delete()
        Answer.objects.filter(response_id__in=again).delete()
        Response.objects.filter(pk__in=again).delete()
    shuffler.shuffle(entries)
    scale_ids = scale_item_ids(round.instrument)
    responses = [
        Response(
            id=uuid.UUID(bytes=secrets.token_bytes(16), version=4),
            round=round,
            unit_id=entry.unit_id,
            level_id=entry.level_id,
            actor_group_id=entry.actor_group_id,
            verified=entry.verified,
            scale_answers=entry.scale_answers,
        )
        for entry in entries
    ]
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(
        Answer(response=response, item_id=item_id, value=value)
        for response, entry in zip(responses, entries, strict=True)
        for item_id, value in unpack_scale_answers(scale_ids, entry.scale_answers).items()
    )
    OpenAnswer.objects.bulk_create(
        OpenAnswer(response=response, item_id=item_id, text=text)
        for response, entry in zip(responses, entries, strict=True)
        for item_id, text in entry.open_answers.items()
    )
    PendingResponse.objects.filter(pk__in=[row.pk for row in pending]).delete()
    Invitation.objects.filter(round=round, awaiting_mix=True).update(awaiting_mix=False)
    transaction.on_commit(vacuum_answer_tables)
    return len(responses)


def _entries_of(response_ids: list[uuid.UUID]) -> list[_Entry]:
    texts: dict[uuid.UUID, dict[int, str]] = {}
    for response_id, item_id, text in OpenAnswer.objects.filter(response_id__in=response_ids).values_list(
        "response_id", "item_id", "text"
    ):
        texts.setdefault(response_id, {})[item_id] = text
    return [
        _Entry(
            row.unit_id, row.level_id, row.actor_group_id, row.verified, bytes(row.scale_answers), texts.get(row.pk, {})
        )
        for row in Response.objects.filter(pk__in=response_ids)
    ]


ANSWER_TABLE_MODELS = (PendingResponse, Invitation, Response, Answer, OpenAnswer)


def vacuum_answer_tables() -> None:
    """On PostgreSQL, VACUUM the inbox, invitation and answer tables, so that the row versions a batch left behind
    (the inbox rows, the invitations' earlier versions, each with the transaction of its answer) are gone, not
    just invisible. Runs after commit, outside a transaction; a failure is logged and left to autovacuum."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in ANSWER_TABLE_MODELS)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {tables}")
    except DatabaseError as error:
        logger.warning("Barometer: VACUUM of the answer tables failed (%s)", type(error).__name__)
