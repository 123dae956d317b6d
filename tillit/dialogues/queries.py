"""Reading a dialogue: which statements a participant sees, and in which order.

**Which statement comes next.** Like Pol.is, the next statement is drawn at random with a
probability proportional to its priority, computed by the latest analysis:

    importance = (1 − (P+1)/(S+2)) · (E+1) · (A+1)/(S+2)
    priority   = (importance · (1 + 8 · 2^(−S/5)))²

where A, D, P are the agree, disagree and pass votes so far, S = A + D + P the votes seen, and E
the statement's extremity on the opinion map. Statements with few votes get a large novelty boost
that halves every 5 votes; statements that split opinion (far from the centre) and that are not
mostly passed rank higher. A statement added since the last analysis counts as one with no votes.
The draw is seeded by the participant and how many votes they have cast, so reloading the page
shows the same statement; a statement the participant has voted on (or written) is never shown again.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from tillit.dialogues.models import Dialogue, DialogueAnalysis, DialogueParticipant, Flag, Statement, Vote
from tillit.privacy.suppression import Cell, count

NOVELTY_BOOST = 8
NOVELTY_HALF_LIFE_VOTES = 5


def routing_priority(agree: int, disagree: int, seen: int, extremity: float) -> float:
    passes = seen - agree - disagree
    importance = (1 - (passes + 1) / (seen + 2)) * (extremity + 1) * (agree + 1) / (seen + 2)
    return (importance * (1 + NOVELTY_BOOST * 2 ** (-seen / NOVELTY_HALF_LIFE_VOTES))) ** 2


UNSEEN_PRIORITY = routing_priority(0, 0, 0, 0.0)


def shown_statements(dialogue: Dialogue) -> QuerySet[Statement]:
    """Statements participants vote on: accepted ones, and under post-moderation those not yet moderated."""
    shown = Q(status=Statement.Status.ACCEPTED)
    if dialogue.moderation == Dialogue.Moderation.POST:
        shown |= Q(status=Statement.Status.PENDING)
    return Statement.objects.filter(shown, dialogue=dialogue)


@dataclass(frozen=True)
class Progress:
    voted: int
    total: int

    @property
    def remaining(self) -> int:
        return max(self.total - self.voted, 0)


def next_statement(participant: DialogueParticipant) -> tuple[Statement | None, Progress]:
    dialogue = participant.dialogue
    voted_ids = set(Vote.objects.filter(participant=participant).values_list("statement_id", flat=True))
    shown = list(shown_statements(dialogue).values_list("id", "number"))
    candidates = [(pk, number) for pk, number in shown if pk not in voted_ids]
    progress = Progress(voted=len(shown) - len(candidates), total=len(shown))
    if not candidates:
        return None, progress
    priorities = _priorities(dialogue)
    weights = [max(priorities.get(str(number), UNSEEN_PRIORITY), 1e-9) for _pk, number in candidates]
    seed = hashlib.sha256(f"{participant.token_hash}:{len(voted_ids)}".encode()).digest()
    chosen, _number = random.Random(seed).choices(candidates, weights=weights, k=1)[0]  # noqa: S311 - ordering, not security
    return Statement.objects.get(pk=chosen), progress


def _priorities(dialogue: Dialogue) -> dict[str, float]:
    """The routing weights of the latest analysis: only that key of the stored report is read."""
    routing = DialogueAnalysis.objects.filter(dialogue=dialogue).values_list("report__routing", flat=True).first()
    return routing if isinstance(routing, dict) else {}


def moderation_queue(dialogue: Dialogue) -> QuerySet[Statement]:
    """Every statement with its flags and votes; waiting and flagged ones first."""
    return (
        Statement.objects.filter(dialogue=dialogue)
        .annotate(flag_count=Count("flags", distinct=True), vote_count=Count("votes", distinct=True))
        .select_related("merged_into")
        .order_by("-flag_count", "number")
    )


def statement_counts(dialogue: Dialogue) -> dict[str, int | Cell[int]]:
    """How many statements there are in each state, and how many people and votes: the last two as
    `privacy.count` cells, since a count of fewer than k people is a figure about them."""
    counts: dict[str, int | Cell[int]] = dict(
        Statement.objects.filter(dialogue=dialogue).aggregate(
            pending=Count("pk", filter=Q(status=Statement.Status.PENDING)),
            accepted=Count("pk", filter=Q(status=Statement.Status.ACCEPTED)),
            rejected=Count("pk", filter=Q(status=Statement.Status.REJECTED)),
            flagged=Count("pk", filter=Q(flags__isnull=False), distinct=True),
        )
    )
    k = dialogue.anonymity_threshold
    counts["participants"] = count(DialogueParticipant.objects.filter(dialogue=dialogue).count(), k=k)
    counts["votes"] = count(Vote.objects.filter(dialogue=dialogue).count(), k=k)
    return counts


def with_vote_counts(dialogue: Dialogue, statements: Iterable[Statement]) -> list[tuple[Statement, Cell[int]]]:
    """Each statement of the moderation list with its number of votes as a `privacy.count` cell."""
    k = dialogue.anonymity_threshold
    return [(statement, count(statement.vote_count, k=k)) for statement in statements]  # type: ignore[attr-defined]


def has_flagged(participant: DialogueParticipant, statement: Statement) -> bool:
    return Flag.objects.filter(participant=participant, statement=statement).exists()
