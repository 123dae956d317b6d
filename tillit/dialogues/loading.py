"""The votes as the analysis reads them: compact arrays, read as a few packed blocks instead of one row per vote.

**Released votes are kept packed.** Each run of the analysis marks the votes no release has counted yet with its
release number (`release_new_votes`). In the same transaction it appends them, packed as arrays, to the dialogue's
`VoteBatch` rows and adds them to its `VoteTally`. So the batches of a dialogue hold exactly its released votes, by
construction, and loading them (`released_votes`) reads a few blocks of bytes into NumPy instead of millions of rows:
at 20,000 participants × 1,000 statements (6 M votes) reading the vote rows costs seconds, as any row-by-row path
does (the ORM's tuples, a cursor's, a binary COPY, which arrives one message per row), the batches a fraction of
that. Votes never change and are removed only with their participant or statement, whose absence `load_matrix`
filters out. Many small batches are merged now and then (`MERGE_WHEN`), so a dialogue keeps a handful. The
background worker keeps the full batches it has read in memory (`KEEP_VOTES`), so a run reads only the batches
released since.

A dialogue whose votes were released before batches existed has no `VoteTally`: its first run reads its released
votes from the vote rows once (`vote_rows`, the plain path) and packs them. `vote_rows` is also the reference the
tests hold the packed path to, on SQLite and on PostgreSQL. On PostgreSQL the batches are read through a binary
cursor, so their bytes arrive as they are stored, without the text protocol's hex encoding.

**The tally** counts the released votes per statement, so that the moderation page shows each statement's votes
without counting the vote rows (`queries.moderation_queue`): the votes not yet released are counted live, through
the partial index on them, and are few while the analysis keeps up.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from tillit.dialogues import analysis as opinion
from tillit.dialogues import reporting
from tillit.dialogues.analysis import matrix as opinion_matrix
from tillit.dialogues.models import Dialogue, DialogueParticipant, Statement, Vote, VoteBatch, VoteTally
from tillit.organisations.models import ActorGroup

BATCH_LIMIT = 2_000_000  # votes in one batch row (42 MB packed): far below PostgreSQL's 1 GB for a value
MERGE_WHEN = 16  # batches smaller than BATCH_LIMIT, beyond which they are merged into as few as fit
FETCH_ROWS = 50_000

# One vote packed: participant pk, statement pk (int64), release (int32), value (int8), each column stored whole
# after the other (little-endian), so every column is read back as one array without copying.
_COLUMNS = ("participants", "statements", "releases", "values")
_DTYPES = (np.dtype("<i8"), np.dtype("<i8"), np.dtype("<i4"), np.dtype("<i1"))
VOTE_BYTES = sum(dtype.itemsize for dtype in _DTYPES)


class Votes:
    """Votes as columns: participant and statement pks, value and release, one entry per vote."""

    __slots__ = ("participants", "releases", "statements", "values")

    def __init__(self, participants: np.ndarray, statements: np.ndarray, values: np.ndarray, releases: np.ndarray):
        self.participants = participants.astype(np.int64, copy=False)
        self.statements = statements.astype(np.int64, copy=False)
        self.values = values.astype(np.int8, copy=False)
        self.releases = releases.astype(np.int32, copy=False)

    def __len__(self) -> int:
        return len(self.participants)

    @classmethod
    def empty(cls) -> Votes:
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none, none, none)

    @classmethod
    def joined(cls, parts: Iterable[Votes]) -> Votes:
        parts = list(parts)
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        return cls(**{name: np.concatenate([getattr(part, name) for part in parts]) for name in _COLUMNS})

    def pack(self) -> bytes:
        return b"".join(
            getattr(self, name).astype(dtype, copy=False).tobytes()
            for name, dtype in zip(_COLUMNS, _DTYPES, strict=True)
        )

    @classmethod
    def unpack(cls, data: bytes | memoryview, count: int) -> Votes:
        if len(data) != count * VOTE_BYTES:
            raise ValueError(f"a vote batch of {count} votes holds {len(data)} bytes, not {count * VOTE_BYTES}")
        columns, offset = [], 0
        for dtype in _DTYPES:
            columns.append(np.frombuffer(data, dtype=dtype, count=count, offset=offset))
            offset += count * dtype.itemsize
        return cls(**dict(zip(_COLUMNS, columns, strict=True)))

    def slices(self, size: int) -> list[Votes]:
        return [
            Votes(**{name: getattr(self, name)[start : start + size] for name in _COLUMNS})
            for start in range(0, len(self), size)
        ]


# Releasing: marking new votes, packing them -------------------------------------------------------------------


def release_new_votes(dialogue: Dialogue, release: int) -> int:
    """Mark the votes no release has counted yet with `release`, append them to the dialogue's batches and add them
    to its tally, in one transaction; returns how many. The first run after batches existed packs the votes earlier
    releases counted first. Concurrent runs take turns on the tally's row lock."""
    new, _packed = _release(dialogue, release)
    return len(new)


def _release(dialogue: Dialogue, release: int) -> tuple[Votes, int]:
    """`release_new_votes`: the votes it marked, and how many votes the batches hold now."""
    with transaction.atomic():
        tally, created = VoteTally.objects.select_for_update().get_or_create(dialogue=dialogue)
        if created:
            earlier = vote_rows(dialogue, released=True)
            if len(earlier):
                _append(dialogue, tally, earlier)
        new = _mark(dialogue, release)
        if len(new):
            _append(dialogue, tally, new)
        tally.save()
        _merge_small_batches(dialogue)
    return new, tally.votes


def _mark(dialogue: Dialogue, release: int) -> Votes:
    """UPDATE … RETURNING (PostgreSQL, and SQLite since 3.35): only the votes not yet released, found through the
    partial index `vote_not_yet_released`, and read back in the same statement."""
    table = connection.ops.quote_name(Vote._meta.db_table)
    column = {field.name: connection.ops.quote_name(field.column) for field in Vote._meta.concrete_fields}
    sql = (
        f"UPDATE {table} SET {column['release']} = %s "  # noqa: S608  (names from the model)
        f"WHERE {column['dialogue']} = %s AND {column['release']} IS NULL "
        f"RETURNING {column['participant']}, {column['statement']}, {column['value']}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [release, dialogue.pk])
        rows = _fetch_arrays(cursor, 3)
    return Votes(rows[:, 0], rows[:, 1], rows[:, 2], np.full(len(rows), release, dtype=np.int32))


def _append(dialogue: Dialogue, tally: VoteTally, votes: Votes) -> None:
    VoteBatch.objects.bulk_create(
        [VoteBatch(dialogue=dialogue, count=len(part), votes=part.pack()) for part in votes.slices(BATCH_LIMIT)],
        batch_size=1,  # one row (up to 42 MB) per INSERT: a whole dialogue's at once would overflow a message
    )
    statements, counts = np.unique(votes.statements, return_counts=True)
    by_statement = dict(tally.by_statement)
    for statement, added in zip(statements.tolist(), counts.tolist(), strict=True):
        by_statement[str(statement)] = by_statement.get(str(statement), 0) + added
    tally.by_statement = by_statement
    tally.votes += len(votes)


def _merge_small_batches(dialogue: Dialogue) -> None:
    small = list(
        VoteBatch.objects.filter(dialogue=dialogue, count__lt=BATCH_LIMIT).order_by("pk").values_list("pk", "count")
    )
    if len(small) <= MERGE_WHEN:
        return
    merged = Votes.joined(_read_batches([pk for pk, _count in small]))
    VoteBatch.objects.filter(pk__in=[pk for pk, _count in small]).delete()
    VoteBatch.objects.bulk_create(
        [VoteBatch(dialogue=dialogue, count=len(part), votes=part.pack()) for part in merged.slices(BATCH_LIMIT)],
        batch_size=1,
    )


# Reading -------------------------------------------------------------------------------------------------------


def released_votes(dialogue: Dialogue) -> Votes:
    """Every vote a release has counted, from the dialogue's batches."""
    return Votes.joined(_read_batches(list(VoteBatch.objects.filter(dialogue=dialogue).values_list("pk", flat=True))))


# The votes of the dialogues this process analysed last, as the matrix's arrays, by (database, dialogue): votes never
# change, so the background worker reads a dialogue's batches once and then adds only the votes each release marks.
# They are indexed against the participants and statements of the time, and used again while those still lead the
# lists (participants and statements are only ever added at the end, by number; when one is removed, the batches are
# read again) and the batches hold exactly the votes kept plus those just marked (else another process released
# some meanwhile). PostgreSQL only: in the tests on SQLite every run reads the batches.
@dataclass(frozen=True)
class _Kept:
    packed: int  # the votes the batches held (`VoteTally.votes`), those of removed participants included
    participants: np.ndarray  # the pks its rows index, and the statements' its columns
    statements: np.ndarray
    rows: np.ndarray  # int32, sorted, and by statement within a participant
    cols: np.ndarray  # int32
    values: np.ndarray  # int8
    releases: np.ndarray  # int32

    def follows(self, packed: int, added: int, participants: np.ndarray, statements: np.ndarray) -> bool:
        return (
            self.packed + added == packed
            and _leads(self.participants, participants)
            and _leads(self.statements, statements)
        )


def _leads(first: np.ndarray, now: np.ndarray) -> bool:
    return len(first) <= len(now) and np.array_equal(first, now[: len(first)])


_kept: OrderedDict[tuple[str, int], _Kept] = OrderedDict()
KEEP_VOTES = 32_000_000  # at most so many votes kept (13 bytes each), those of the dialogues analysed last


def _released_matrix(
    dialogue: Dialogue, release: int, participants: np.ndarray, statements: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every released vote after marking the new ones with `release`, as (rows, cols, values, releases) indexed
    against `participants` and `statements` (pks, in the matrix's order) and sorted by row, then column; the votes
    of participants or statements since removed left out."""
    new, packed = _release(dialogue, release)
    row_of, col_of = _Positions(participants), _Positions(statements)
    keeping = connection.vendor == "postgresql"
    key = (str(connection.settings_dict["NAME"]), dialogue.pk)
    kept = _kept.pop(key, None) if keeping else None
    if kept is not None and kept.follows(packed, len(new), participants, statements):
        arrays = _insert(
            (kept.rows, kept.cols, kept.values, kept.releases), _sorted(_index(new, row_of, col_of), len(participants))
        )
    else:
        batches = list(VoteBatch.objects.filter(dialogue=dialogue).values_list("pk", flat=True))
        parts = [_index(votes, row_of, col_of) for votes in _read_batches(batches)]
        rows, cols, values, releases = (
            _joined([part[column] for part in parts], dtype) for column, dtype in enumerate(_INDEXED)
        )
        arrays = _sorted((rows, cols, values, releases), len(participants))
    if keeping:
        _kept[key] = _Kept(packed, participants, statements, *arrays)
        while sum(len(entry.rows) for entry in _kept.values()) > KEEP_VOTES:
            _kept.popitem(last=False)
    return arrays


_INDEXED = (np.int32, np.int32, np.int8, np.int32)  # rows, cols, values, releases
Indexed = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _sorted(arrays: Indexed, n: int) -> Indexed:
    """The votes by row, then column (a stable radix sort on the columns, then on the rows)."""
    rows, cols = arrays[0], arrays[1]
    order = np.argsort(cols.astype(np.uint16) if cols.size and cols.max() < 1 << 16 else cols, kind="stable")
    order = order[opinion_matrix.order_by_row(rows[order], n)]
    return arrays[0][order], arrays[1][order], arrays[2][order], arrays[3][order]


def _insert(kept: Indexed, added: Indexed) -> Indexed:
    """Sorted votes (`_sorted`) with sorted new ones inserted in their places."""
    if not len(added[0]):
        return kept
    rows, cols = kept[0], kept[1]
    starts = np.searchsorted(rows, added[0], side="left")
    stops = np.searchsorted(rows, added[0], side="right")
    places = [
        start + int(np.searchsorted(cols[start:stop], col))
        for start, stop, col in zip(starts.tolist(), stops.tolist(), added[1].tolist(), strict=True)
    ]
    inserted = [np.insert(array, places, new) for array, new in zip(kept, added, strict=True)]
    return inserted[0], inserted[1], inserted[2], inserted[3]


def _index(votes: Votes, row_of: _Positions, col_of: _Positions) -> Indexed:
    rows, cols = row_of(votes.participants), col_of(votes.statements)
    values, releases = votes.values, votes.releases
    known = (rows >= 0) & (cols >= 0)
    if not known.all():
        rows, cols, values, releases = rows[known], cols[known], values[known], releases[known]
    return rows, cols, values.astype(np.int8, copy=False), releases.astype(np.int32, copy=False)


def _read_batches(pks: list[int]) -> list[Votes]:
    if not pks:
        return []
    if connection.vendor == "postgresql":
        return _read_batches_binary(pks)
    rows = VoteBatch.objects.filter(pk__in=pks).order_by("pk").values_list("count", "votes")
    return [Votes.unpack(bytes(data), count) for count, data in rows]


def _read_batches_binary(pks: list[int]) -> list[Votes]:
    """The batches' bytes as stored: a server-side-binding cursor of psycopg 3 with binary results (Django's own
    cursors ask for text, in which bytea travels hex-encoded, twice its size, and is decoded)."""
    import psycopg

    table = connection.ops.quote_name(VoteBatch._meta.db_table)
    connection.ensure_connection()
    raw = connection.connection
    if raw is None:
        raise RuntimeError("no database connection")
    with psycopg.Cursor(raw) as cursor:
        cursor.execute(
            f"SELECT count, votes FROM {table} WHERE id = ANY(%s) ORDER BY id",  # noqa: S608  (a name from the model)
            [pks],
            binary=True,
        )
        return [Votes.unpack(data, count) for count, data in cursor.fetchall()]


def vote_rows(dialogue: Dialogue, *, released: bool = False) -> Votes:
    """The plain path: the dialogue's vote rows through a cursor, in chunks (all of them, or only those a release
    has counted, with their release; the others' release is 0)."""
    votes = Vote.objects.filter(dialogue=dialogue)
    columns = ["participant_id", "statement_id", "value"]
    if released:
        votes = votes.filter(release__isnull=False)
        columns.append("release")
    sql, params = votes.values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = _fetch_arrays(cursor, len(columns))
    releases = rows[:, 3] if released else np.zeros(len(rows), dtype=np.int32)
    return Votes(rows[:, 0], rows[:, 1], rows[:, 2], releases)


def _fetch_arrays(cursor: object, width: int) -> np.ndarray:
    parts = []
    while rows := cursor.fetchmany(FETCH_ROWS):  # type: ignore[attr-defined]
        parts.append(np.array(rows, dtype=np.int64))
    return np.concatenate(parts) if parts else np.zeros((0, width), dtype=np.int64)


# The matrix ----------------------------------------------------------------------------------------------------


def load_matrix(dialogue: Dialogue, release: int | None = None) -> tuple[opinion.VoteMatrix, reporting.Inputs]:
    """The votes as compact arrays, participants and statements indexed in the order of their numbers.

    With a `release` number, the votes no release has counted yet are first marked as counted by this one
    (`release_new_votes`), and only released votes are read, so each vote's first release is exact (a vote
    committed after the marking waits for the next). Without, every vote is read from the vote rows (the commands
    that export or compare a dialogue). The votes are read first: every participant and statement they refer to
    was committed before them, so the two later reads find them all (rows added in between only add empty rows or
    columns). Statements that participants are not shown (rejected, or waiting under pre-moderation) are
    excluded: they count as passes for everybody, as Pol.is treats moderated-out comments."""
    if release is None:
        plain = vote_rows(dialogue)
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
    if release is not None:
        rows, cols, values, releases = _released_matrix(dialogue, release, participant_pks, statement_pks)
    else:
        rows, cols, values, releases = _index(plain, _Positions(participant_pks), _Positions(statement_pks))
    shown = _shown_statuses(dialogue)
    excluded = np.array([status not in shown for _pk, _number, status in statements], dtype=bool)
    matrix = opinion.VoteMatrix(len(participants), len(statements), rows, cols, values, excluded)

    group_ids = sorted({row[1] for row in participants if row[1] is not None})
    names = dict(ActorGroup.objects.filter(pk__in=group_ids).values_list("pk", "name"))
    index_of: dict[int | None, int] = {pk: index for index, pk in enumerate(group_ids)}
    inputs = reporting.Inputs(
        statement_numbers=[row[1] for row in statements],
        statement_shown=[not flag for flag in excluded.tolist()],
        participant_actor_groups=[index_of.get(row[1], -1) for row in participants],
        actor_group_names=[names[pk] for pk in group_ids],
        joined_on=[row[2] for row in participants],
        votes=len(values),
        k=dialogue.anonymity_threshold,
        actor_group_ids=group_ids,
        participant_numbers=[row[3] for row in participants],
        vote_releases=releases if release is not None else None,
        release=release or 1,
        unverified=not dialogue.is_internal,
    )
    return matrix, inputs


def _joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    if len(parts) == 1:
        return parts[0].astype(dtype, copy=False)
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)


class _Positions:
    """Index of each wanted pk among `pks`, -1 where it is missing (`positions`), for many arrays of wanted pks:
    through a lookup table when the pks are close together (a dialogue's rows mostly are), else by binary search."""

    def __init__(self, pks: np.ndarray) -> None:
        self.pks = pks
        self.table: np.ndarray | None = None
        if len(pks):
            self.low, self.high = int(pks.min()), int(pks.max())
            if self.high - self.low < 4 * len(pks) + 1_000_000:
                self.table = np.full(self.high - self.low + 1, -1, dtype=np.int32)
                self.table[pks - self.low] = np.arange(len(pks), dtype=np.int32)

    def __call__(self, wanted: np.ndarray) -> np.ndarray:
        pks = self.pks
        if not len(pks):
            return np.full(len(wanted), -1, dtype=np.int32)
        if self.table is not None:
            if not len(wanted) or (int(wanted.min()) >= self.low and int(wanted.max()) <= self.high):
                return self.table[wanted - self.low]
            inside = (wanted >= self.low) & (wanted <= self.high)
            found = np.full(len(wanted), -1, dtype=np.int32)
            found[inside] = self.table[wanted[inside] - self.low]
            return found
        order = np.argsort(pks)
        found = np.minimum(np.searchsorted(pks, wanted, sorter=order), len(pks) - 1)
        index = order[found]
        return np.where(pks[index] == wanted, index, -1).astype(np.int32)


def positions(pks: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index of each wanted pk in `pks`, -1 where it is missing."""
    return _Positions(pks)(wanted).astype(np.int64)


def _shown_statuses(dialogue: Dialogue) -> set[str]:
    if dialogue.moderation == Dialogue.Moderation.PRE:
        return {Statement.Status.ACCEPTED}
    return {Statement.Status.ACCEPTED, Statement.Status.PENDING}
