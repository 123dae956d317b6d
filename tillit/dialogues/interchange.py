"""Dialogues to and from Pol.is's open-data format (polis.py reads and writes the files).

Importing keeps Pol.is's ids: a comment's id becomes the statement's number and a voter's id the
participant's number, so exports and comparisons line up with the source. Participants get a
random token nobody holds, so nobody can act as them. Everything is imported in one transaction:
a file that fails a check leaves nothing behind.
"""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tillit.core.tokens import hash_token
from tillit.dialogues.models import (
    MAX_STATEMENT_LENGTH,
    MIN_STATEMENT_LENGTH,
    Dialogue,
    DialogueAnalysis,
    DialogueParticipant,
    Statement,
    Vote,
)
from tillit.dialogues.polis import (
    PolisComment,
    PolisConversation,
    PolisFormatError,
    PolisParticipant,
    PolisVotes,
)
from tillit.organisations.models import Organisation

STATUS_FROM_POLIS = {1: Statement.Status.ACCEPTED, 0: Statement.Status.PENDING, -1: Statement.Status.REJECTED}
POLIS_FROM_STATUS = {status: moderated for moderated, status in STATUS_FROM_POLIS.items()}
NO_AUTHOR = -1
BATCH = 5_000


def _moment(milliseconds: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(milliseconds / 1000, tz=datetime.UTC)


@transaction.atomic
def import_conversation(conversation: PolisConversation, *, organisation: Organisation, source: str) -> Dialogue:
    """A new open, closed dialogue in `organisation` holding the conversation's statements and votes."""
    too_long = [c.id for c in conversation.comments if len(c.body) > MAX_STATEMENT_LENGTH]
    if too_long:
        raise PolisFormatError(
            f"comments {', '.join(map(str, too_long[:10]))} are longer than {MAX_STATEMENT_LENGTH} characters"
        )
    if not conversation.comments:
        raise PolisFormatError("the conversation has no comments")
    votes = conversation.votes
    stamps = [c.timestamp for c in conversation.comments] + votes.timestamp.tolist()
    first, last = _moment(min(stamps)), _moment(max(stamps))
    question = (conversation.topic or Path(source).name or "Pol.is")[:300]
    dialogue = Dialogue.objects.create(
        organisation=organisation,
        question=question,
        background=conversation.description[:3000],
        access=Dialogue.Access.OPEN,
        moderation=Dialogue.Moderation.POST,
        statement_max_length=max(
            MIN_STATEMENT_LENGTH, min(MAX_STATEMENT_LENGTH, max(len(c.body) for c in conversation.comments))
        ),
        opens_on=timezone.localdate(first),
        closes_on=timezone.localdate(last),
        imported_from=str(source)[:300],
    )
    DialogueAnalysis.objects.create(dialogue=dialogue)

    first_vote: dict[int, int] = {}
    for voter, stamp in zip(votes.voter_id.tolist(), votes.timestamp.tolist(), strict=True):
        first_vote[voter] = min(stamp, first_vote.get(voter, stamp))
    participants = DialogueParticipant.objects.bulk_create(
        [
            DialogueParticipant(
                dialogue=dialogue,
                number=p.id,
                token_hash=hash_token(secrets.token_urlsafe(32)),
                joined_on=timezone.localdate(_moment(first_vote[p.id])) if p.id in first_vote else dialogue.opens_on,
            )
            for p in conversation.participants
        ],
        batch_size=BATCH,
    )
    participant_pk = {p.number: p.pk for p in participants}
    if len(participant_pk) != len(participants) or None in participant_pk.values():
        participant_pk = dict(DialogueParticipant.objects.filter(dialogue=dialogue).values_list("number", "pk"))
    statements = Statement.objects.bulk_create(
        [
            Statement(
                dialogue=dialogue,
                number=c.id,
                text=c.body,
                author_id=participant_pk.get(c.author_id),
                status=STATUS_FROM_POLIS[c.moderated],
                created_at=_moment(c.timestamp),
            )
            for c in conversation.comments
        ],
        batch_size=BATCH,
    )
    statement_pk = {s.number: s.pk for s in statements}
    if None in statement_pk.values():
        statement_pk = dict(Statement.objects.filter(dialogue=dialogue).values_list("number", "pk"))
    Vote.objects.bulk_create(
        (
            Vote(
                dialogue=dialogue,
                statement_id=statement_pk[comment],
                participant_id=participant_pk[voter],
                value=value,
                voted_at=_moment(stamp),
            )
            for voter, comment, value, stamp in zip(
                votes.voter_id.tolist(),
                votes.comment_id.tolist(),
                votes.vote.tolist(),
                votes.timestamp.tolist(),
                strict=True,
            )
        ),
        batch_size=BATCH,
    )
    return dialogue


def export_dialogue(dialogue: Dialogue, groups: dict[int, int] | None = None) -> PolisConversation:
    """The dialogue in Pol.is's format; `groups` maps participant numbers to their opinion group."""
    groups = groups or {}
    numbers = dict(DialogueParticipant.objects.filter(dialogue=dialogue).values_list("pk", "number"))
    comments = tuple(
        PolisComment(
            id=statement.number,
            author_id=numbers.get(statement.author_id, NO_AUTHOR),
            moderated=POLIS_FROM_STATUS[statement.status],
            body=statement.text,
            timestamp=int(statement.created_at.timestamp() * 1000),
            datetime=_display(statement.created_at),
            agrees=statement.agrees,
            disagrees=statement.disagrees,
        )
        for statement in _with_counts(dialogue)
    )
    rows = list(
        Vote.objects.filter(dialogue=dialogue)
        .order_by("participant__number", "statement__number")
        .values_list("participant_id", "statement__number", "value", "voted_at")
    )
    votes = PolisVotes(
        voter_id=np.array([numbers[row[0]] for row in rows], dtype=np.int64),
        comment_id=np.array([row[1] for row in rows], dtype=np.int64),
        vote=np.array([row[2] for row in rows], dtype=np.int8),
        timestamp=np.array([int(row[3].timestamp() * 1000) for row in rows], dtype=np.int64),
        datetime=tuple(_display(row[3]) for row in rows),
    )
    participants = tuple(
        PolisParticipant(id=number, group_id=groups.get(number)) for number in sorted(numbers.values())
    )
    summary = (
        ("topic", dialogue.question),
        ("url", ""),
        ("voters", str(len({numbers[row[0]] for row in rows}))),
        ("comments", str(len(comments))),
        ("groups", str(len(set(groups.values())))),
        ("conversation-description", dialogue.background),
    )
    return PolisConversation(summary=summary, comments=comments, votes=votes, participants=participants)


def _with_counts(dialogue: Dialogue) -> QuerySet[Statement, Any]:

    return (
        Statement.objects.filter(dialogue=dialogue)
        .annotate(agrees=Count("votes", filter=Q(votes__value=1)), disagrees=Count("votes", filter=Q(votes__value=-1)))
        .order_by("number")
    )


def _display(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
