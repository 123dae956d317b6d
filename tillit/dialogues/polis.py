"""The Pol.is open-data export format: read, write, and compare with our analysis.

Pure Python (no Django), so management commands and tests can both use it.

A conversation is a directory of four CSV files (see ``shared/data/polis/ATTRIBUTION.md``):

- ``votes.csv``: ``timestamp, datetime, comment-id, voter-id, vote`` (1 agree, -1 disagree,
  0 pass). A voter may have voted on a comment more than once: the latest vote counts
  (greatest timestamp; on equal timestamps the later line).
- ``comments.csv``: ``timestamp, datetime, comment-id, author-id, agrees, disagrees,
  moderated, comment-body``; moderated is 1 accepted, -1 rejected, 0 not moderated.
- ``participants-votes.csv``: one row per participant: ``participant``, optionally
  ``xid``, ``group-id`` (the opinion group Pol.is assigned; empty when not clustered),
  ``n-comments``, ``n-votes``, ``n-agree``, ``n-disagree``, then one column per comment id
  with the participant's vote. Columns are found by their header names.
- ``summary.csv``: ``key,value`` rows (topic, url, views, voters, ...,
  conversation-description); a quoted value may span lines.

:func:`read_conversation` raises :class:`PolisFormatError` with a message naming the file
and line for anything malformed. :func:`write_conversation` writes the four files back;
``read_conversation(write_conversation(read_conversation(x)))`` equals the first read.
:func:`vote_matrix` turns a conversation into the input of
:func:`tillit.dialogues.analysis.analyse`; :func:`compare_groupings` (for any vote matrix)
and :func:`compare_with_polis` (for an export) measure how well our opinion groups agree
with the ones Pol.is published.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tillit.dialogues.analysis import SmoothingState, VoteMatrix, adjusted_rand_index, analyse

__all__ = [
    "COMMENTS_FILE",
    "PARTICIPANTS_FILE",
    "SUMMARY_FILE",
    "VOTES_FILE",
    "PolisComment",
    "PolisConversation",
    "PolisFormatError",
    "PolisParticipant",
    "PolisVotes",
    "compare_groupings",
    "compare_with_polis",
    "polis_imputation",
    "read_conversation",
    "vote_matrix",
    "write_conversation",
]

VOTES_FILE = "votes.csv"
COMMENTS_FILE = "comments.csv"
PARTICIPANTS_FILE = "participants-votes.csv"
SUMMARY_FILE = "summary.csv"

VOTES_HEADER = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
COMMENTS_HEADER = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
PARTICIPANT_COUNTS = ("n-comments", "n-votes", "n-agree", "n-disagree")

_INT = re.compile(r"-?[0-9]+")


class PolisFormatError(ValueError):
    """Malformed Pol.is export. ``str(error)`` is a complete English message for users;
    ``file`` and ``line`` (1-based, the line where the record starts) locate the problem
    when known."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line


@dataclass(frozen=True)
class PolisComment:
    id: int
    author_id: int
    moderated: int  # 1 accepted, 0 not moderated, -1 rejected
    body: str
    timestamp: int  # milliseconds since the epoch
    datetime: str = ""  # as exported, for display only
    agrees: int = 0  # as exported by Pol.is
    disagrees: int = 0


@dataclass(frozen=True)
class PolisParticipant:
    id: int
    group_id: int | None  # the opinion group Pol.is assigned; None when not clustered
    xid: str = ""  # external id, when the export has an xid column


@dataclass(frozen=True, eq=False)
class PolisVotes:
    """The latest vote per (voter, comment), ordered by voter id then comment id."""

    voter_id: np.ndarray  # int64
    comment_id: np.ndarray  # int64
    vote: np.ndarray  # int8: 1 agree, -1 disagree, 0 pass
    timestamp: np.ndarray  # int64 milliseconds
    datetime: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.voter_id.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PolisVotes):
            return NotImplemented
        return (
            np.array_equal(self.voter_id, other.voter_id)
            and np.array_equal(self.comment_id, other.comment_id)
            and np.array_equal(self.vote, other.vote)
            and np.array_equal(self.timestamp, other.timestamp)
            and self.datetime == other.datetime
        )

    __hash__ = None  # type: ignore[assignment]  # mutable arrays: unhashable, as __eq__ is defined


@dataclass(frozen=True)
class PolisConversation:
    summary: tuple[tuple[str, str], ...]  # the key,value rows of summary.csv, in order
    comments: tuple[PolisComment, ...]  # ascending id
    votes: PolisVotes
    participants: tuple[PolisParticipant, ...]  # ascending id; every voter is included
    has_xid: bool = False  # participants-votes.csv has an xid column

    def summary_value(self, key: str, default: str = "") -> str:
        for k, v in self.summary:
            if k == key:
                return v
        return default

    @property
    def topic(self) -> str:
        return self.summary_value("topic")

    @property
    def description(self) -> str:
        return self.summary_value("conversation-description")


# --------------------------------------------------------------------------- reading


def _open_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, fields) for each non-blank CSV record."""
    name = path.name
    if not path.is_file():
        raise PolisFormatError(f"{name} is missing: expected the file {path}", file=name)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            end = 0
            while True:
                start = end + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    raise PolisFormatError(
                        f"{name}, line {start}: not valid CSV ({error})", file=name, line=start
                    ) from error
                end = reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                yield start, row
    except UnicodeDecodeError as error:
        raise PolisFormatError(f"{name} is not UTF-8 text ({error.reason} at byte {error.start})", file=name) from error


class _Table:
    """A CSV file with a header row; columns are looked up by name."""

    def __init__(self, path: Path, required: tuple[str, ...]) -> None:
        self.name = path.name
        self.rows = _open_rows(path)
        try:
            self.header_line, header = next(self.rows)
        except StopIteration:
            raise PolisFormatError(f"{self.name} is empty: expected a header row", file=self.name) from None
        self.header = [h.strip() for h in header]
        seen: set[str] = set()
        for h in self.header:
            if h in seen and h in required:
                raise PolisFormatError(
                    f"{self.name}, line {self.header_line}: column '{h}' appears twice in the header",
                    file=self.name,
                    line=self.header_line,
                )
            seen.add(h)
        missing = [c for c in required if c not in seen]
        if missing:
            names = ", ".join(f"'{c}'" for c in missing)
            raise PolisFormatError(
                f"{self.name}, line {self.header_line}: missing column{'s' if len(missing) > 1 else ''} {names} "
                f"(the header has: {', '.join(self.header)})",
                file=self.name,
                line=self.header_line,
            )
        self.index = {h: i for i, h in reversed(list(enumerate(self.header)))}

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.header)
        for line, row in self.rows:
            if len(row) != width:
                raise PolisFormatError(
                    f"{self.name}, line {line}: {len(row)} fields, but the header has {width}",
                    file=self.name,
                    line=line,
                )
            yield line, row

    def error(self, line: int, message: str) -> PolisFormatError:
        return PolisFormatError(f"{self.name}, line {line}: {message}", file=self.name, line=line)

    def get(self, row: list[str], column: str, default: str = "") -> str:
        i = self.index.get(column)
        return default if i is None else row[i]

    def integer(self, line: int, row: list[str], column: str) -> int:
        text = row[self.index[column]].strip()
        if not _INT.fullmatch(text):
            shown = f"'{_show(text)}'" if text else "empty"
            raise self.error(line, f"column '{column}' must be a whole number, not {shown}")
        return int(text)

    def optional_integer(self, line: int, row: list[str], column: str) -> int | None:
        """A whole number, or None when the cell is empty or the column is absent."""
        if column not in self.index or not row[self.index[column]].strip():
            return None
        return self.integer(line, row, column)


def _show(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _read_comments(path: Path) -> tuple[PolisComment, ...]:
    table = _Table(path, ("timestamp", "comment-id", "author-id", "moderated", "comment-body"))
    comments: dict[int, PolisComment] = {}
    first_line: dict[int, int] = {}
    for line, row in table:
        cid = table.integer(line, row, "comment-id")
        if cid < 0:
            raise table.error(line, f"comment-id must not be negative, not {cid}")
        if cid in comments:
            raise table.error(line, f"comment-id {cid} appears twice (first on line {first_line[cid]})")
        moderated = table.integer(line, row, "moderated")
        if moderated not in (-1, 0, 1):
            raise table.error(line, f"moderated must be -1, 0 or 1, not {moderated}")
        agrees = table.optional_integer(line, row, "agrees")
        disagrees = table.optional_integer(line, row, "disagrees")
        comments[cid] = PolisComment(
            id=cid,
            author_id=table.integer(line, row, "author-id"),
            moderated=moderated,
            body=table.get(row, "comment-body"),
            timestamp=table.integer(line, row, "timestamp"),
            datetime=table.get(row, "datetime"),
            agrees=agrees or 0,
            disagrees=disagrees or 0,
        )
        first_line[cid] = line
    return tuple(comments[c] for c in sorted(comments))


def _read_votes(path: Path, comment_ids: set[int]) -> PolisVotes:
    table = _Table(path, ("timestamp", "comment-id", "voter-id", "vote"))
    voter: list[int] = []
    comment: list[int] = []
    vote: list[int] = []
    stamp: list[int] = []
    when: list[str] = []
    for line, row in table:
        v = table.integer(line, row, "vote")
        if v not in (-1, 0, 1):
            raise table.error(line, f"vote must be -1, 0 or 1, not {v}")
        c = table.integer(line, row, "comment-id")
        if c not in comment_ids:
            raise table.error(line, f"vote on comment {c}, which is not in {COMMENTS_FILE}")
        p = table.integer(line, row, "voter-id")
        if p < 0:
            raise table.error(line, f"voter-id must not be negative, not {p}")
        voter.append(p)
        comment.append(c)
        vote.append(v)
        stamp.append(table.integer(line, row, "timestamp"))
        when.append(table.get(row, "datetime"))
    if not voter:
        raise PolisFormatError(f"{table.name} has no votes: the conversation cannot be analysed", file=table.name)
    voter_a = np.asarray(voter, dtype=np.int64)
    comment_a = np.asarray(comment, dtype=np.int64)
    stamp_a = np.asarray(stamp, dtype=np.int64)
    # Latest vote per (voter, comment): greatest timestamp, then the later line (lexsort is stable).
    order = np.lexsort((stamp_a, comment_a, voter_a))
    v_sorted, c_sorted = voter_a[order], comment_a[order]
    last = np.ones(order.size, dtype=bool)
    last[:-1] = (v_sorted[1:] != v_sorted[:-1]) | (c_sorted[1:] != c_sorted[:-1])
    keep = order[last]
    return PolisVotes(
        voter_id=voter_a[keep],
        comment_id=comment_a[keep],
        vote=np.asarray(vote, dtype=np.int8)[keep],
        timestamp=stamp_a[keep],
        datetime=tuple(when[i] for i in keep.tolist()),
    )


def _read_participants(path: Path) -> tuple[dict[int, PolisParticipant], bool]:
    table = _Table(path, ("participant", "group-id"))
    has_xid = "xid" in table.index
    out: dict[int, PolisParticipant] = {}
    first_line: dict[int, int] = {}
    for line, row in table:
        pid = table.integer(line, row, "participant")
        if pid in out:
            raise table.error(line, f"participant {pid} appears twice (first on line {first_line[pid]})")
        group = table.optional_integer(line, row, "group-id")
        if group is not None and group < 0:
            raise table.error(line, f"group-id must not be negative, not {group}")
        out[pid] = PolisParticipant(id=pid, group_id=group, xid=table.get(row, "xid").strip())
        first_line[pid] = line
    return out, has_xid


def _read_summary(path: Path) -> tuple[tuple[str, str], ...]:
    rows = []
    for line, row in _open_rows(path):
        if len(row) < 2:
            raise PolisFormatError(
                f"{path.name}, line {line}: expected 'key,value', found '{_show(','.join(row))}'",
                file=path.name,
                line=line,
            )
        key = row[0].strip()
        if not key:
            raise PolisFormatError(f"{path.name}, line {line}: the key is empty", file=path.name, line=line)
        rows.append((key, ",".join(row[1:])))
    return tuple(rows)


def read_conversation(directory: Path | str) -> PolisConversation:
    """Read a Pol.is open-data export. Raises :class:`PolisFormatError` when malformed."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PolisFormatError(f"{directory} is not a directory with a Pol.is export")
    comments = _read_comments(directory / COMMENTS_FILE)
    votes = _read_votes(directory / VOTES_FILE, {c.id for c in comments})
    participants, has_xid = _read_participants(directory / PARTICIPANTS_FILE)
    summary = _read_summary(directory / SUMMARY_FILE)
    for pid in np.unique(votes.voter_id).tolist():
        if pid not in participants:
            participants[pid] = PolisParticipant(id=pid, group_id=None)
    return PolisConversation(
        summary=summary,
        comments=comments,
        votes=votes,
        participants=tuple(participants[p] for p in sorted(participants)),
        has_xid=has_xid,
    )


# --------------------------------------------------------------------------- writing


def write_conversation(conversation: PolisConversation, directory: Path | str) -> Path:
    """Write the four files of ``conversation`` into ``directory`` (created if needed).

    These are Pol.is's interchange files, read by programs, not a spreadsheet for people: statement texts are written
    as they are, without the formula guard of `tillit.reports.spreadsheets`, so that they round-trip exactly."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    votes = conversation.votes

    with (directory / SUMMARY_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for key, value in conversation.summary:
            writer.writerow([key, value])

    with (directory / COMMENTS_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COMMENTS_HEADER)
        for c in conversation.comments:
            writer.writerow([c.timestamp, c.datetime, c.id, c.author_id, c.agrees, c.disagrees, c.moderated, c.body])

    order = np.lexsort((votes.comment_id, votes.voter_id, votes.timestamp))
    with (directory / VOTES_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(VOTES_HEADER)
        ts, cid, vid, vv = (
            votes.timestamp.tolist(),
            votes.comment_id.tolist(),
            votes.voter_id.tolist(),
            votes.vote.tolist(),
        )
        for i in order.tolist():
            writer.writerow([ts[i], votes.datetime[i], cid[i], vid[i], vv[i]])

    # participants-votes.csv: one column per comment that has votes, ascending id.
    columns = np.unique(votes.comment_id)
    column_of = {int(c): j for j, c in enumerate(columns.tolist())}
    authored: dict[int, int] = {}
    for c in conversation.comments:
        authored[c.author_id] = authored.get(c.author_id, 0) + 1
    cells: dict[int, list[str]] = {}
    for p, c, v in zip(votes.voter_id.tolist(), votes.comment_id.tolist(), votes.vote.tolist(), strict=True):
        row = cells.setdefault(p, [""] * columns.size)
        row[column_of[c]] = str(v)
    with (directory / PARTICIPANTS_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        header = ["participant"] + (["xid"] if conversation.has_xid else []) + ["group-id", *PARTICIPANT_COUNTS]
        writer.writerow(header + [str(c) for c in columns.tolist()])
        for p in conversation.participants:
            row = cells.get(p.id, [""] * columns.size)
            n_agree = row.count("1")
            n_disagree = row.count("-1")
            n_votes = columns.size - row.count("")
            fixed: list[str | int] = [str(p.id), *([p.xid] if conversation.has_xid else [])]
            fixed += [
                "" if p.group_id is None else str(p.group_id),
                authored.get(p.id, 0),
                n_votes,
                n_agree,
                n_disagree,
            ]
            writer.writerow(fixed + row)
    return directory


# --------------------------------------------------------------------------- analysis


LEGACY_IMPUTATION_BEFORE_MS = 1_514_764_800_000  # 2018-01-01T00:00:00Z, see polis_imputation()


def polis_imputation(conversation: PolisConversation) -> str:
    """How the Pol.is server filled missing votes when it last computed this conversation.

    Pol.is moved from filling missing votes with 0 to column means in 2017 (see
    ``opinion_math.md`` section 1.2), and its math only runs when votes arrive, so the
    published groups come from the method in force at the latest vote. The exports pin
    the switch between August 2017 (the groups of conversations last active then, such
    as scoop-hivemind.ubi, are only reproduced with zero filling) and February 2019 (those
    last active then need column means); we take 1 January 2018. Returns "zero" for a
    conversation whose latest vote is older, "mean" otherwise.
    """
    votes = conversation.votes
    if len(votes) and int(votes.timestamp.max()) < LEGACY_IMPUTATION_BEFORE_MS:
        return "zero"
    return "mean"


def vote_matrix(
    conversation: PolisConversation, *, meta_comment_ids: Iterable[int] = ()
) -> tuple[VoteMatrix, np.ndarray, np.ndarray]:
    """The conversation as a :class:`VoteMatrix`.

    Rows are the participants in ascending id order and columns the comments in
    ascending id order (Pol.is numbers both in order of arrival). Comments moderated out
    (-1) are ``excluded``; ``meta_comment_ids`` are marked ``meta`` (Pol.is keeps
    metadata statements such as "I live in a city" out of the clustering, but its export
    does not say which they are). Returns ``(matrix, participant_ids, comment_ids)``.
    """
    participant_ids = np.asarray([p.id for p in conversation.participants], dtype=np.int64)
    comment_ids = np.asarray([c.id for c in conversation.comments], dtype=np.int64)
    votes = conversation.votes
    rows = np.searchsorted(participant_ids, votes.voter_id)
    cols = np.searchsorted(comment_ids, votes.comment_id)
    excluded = np.asarray([c.moderated == -1 for c in conversation.comments], dtype=bool)
    meta_ids = np.asarray(sorted(set(meta_comment_ids)), dtype=np.int64)
    unknown = np.setdiff1d(meta_ids, comment_ids)
    if unknown.size:
        raise ValueError(f"meta comment ids not in the conversation: {', '.join(map(str, unknown.tolist()))}")
    meta = np.isin(comment_ids, meta_ids)
    matrix = VoteMatrix.from_votes(
        participant_ids.size, comment_ids.size, rows, cols, votes.vote, excluded=excluded, meta=meta
    )
    return matrix, participant_ids, comment_ids


def compare_groupings(
    matrix: VoteMatrix, polis_groups: np.ndarray, *, imputation: str = "mean", seed: int = 0
) -> dict[str, Any]:
    """Compare our opinion groups on ``matrix`` with the groups Pol.is published.

    ``polis_groups`` holds Pol.is's ``group-id`` per matrix row, -1 where Pol.is did not
    cluster the participant. Pol.is shows a new number of groups only after it has won the
    silhouette contest ``K_BUFFER`` updates in a row, so its published groups carry its
    history. We therefore run our analysis as the next update of Pol.is's published state
    (the k-smoother's current k = Pol.is's number of groups; nothing else is carried over)
    and compare the groupings over the participants clustered by both. Returns a dict:

    - ``clustered_ours``, ``clustered_polis``, ``clustered_both``: participant counts;
    - ``k_polis``: Pol.is's number of groups; ``k_ours``: ours in that update;
    - ``ari``: adjusted Rand index of the two groupings over ``clustered_both`` (NaN if none);
    - ``k_silhouette`` and ``ari_silhouette``: the k our silhouette picks on this data
      alone (no history) and the ARI of that grouping;
    - ``imputation`` and ``n_meta``: the settings used.
    """
    polis = np.asarray(polis_groups, dtype=np.int64)
    if polis.shape != (matrix.n_participants,):
        raise ValueError("polis_groups must have one entry per participant (matrix row)")
    k_polis = len(np.unique(polis[polis >= 0]))
    alone = analyse(matrix, seed=seed, imputation=imputation)
    published = SmoothingState(
        k=k_polis,
        candidate_k=0,
        candidate_streak=0,
        components=np.zeros((2, 0)),
        clustered=np.zeros(0, dtype=np.int64),
    )
    update = analyse(matrix, seed=seed, imputation=imputation, previous=published)

    def ari(groups: np.ndarray) -> tuple[float, int]:
        both = (groups >= 0) & (polis >= 0)
        value = adjusted_rand_index(groups[both], polis[both]) if both.any() else float("nan")
        return float(value), int(both.sum())

    ari_update, n_both = ari(update.groups)
    ari_alone, _ = ari(alone.groups)
    return {
        "clustered_ours": int(update.clustered.sum()),
        "clustered_polis": int((polis >= 0).sum()),
        "clustered_both": n_both,
        "k_ours": int(update.k),
        "k_polis": k_polis,
        "ari": ari_update,
        "k_silhouette": int(alone.k),
        "ari_silhouette": ari_alone,
        "imputation": imputation,
        "n_meta": int(matrix.meta.sum()),
    }


def compare_with_polis(
    conversation: PolisConversation,
    *,
    meta_comment_ids: Iterable[int] = (),
    imputation: str | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """:func:`compare_groupings` for a conversation read from an export: the matrix from
    :func:`vote_matrix` (with ``meta_comment_ids`` marked meta), Pol.is's ``group-id`` per
    participant, and ``imputation`` defaulting to :func:`polis_imputation`."""
    if imputation is None:
        imputation = polis_imputation(conversation)
    matrix, _, _ = vote_matrix(conversation, meta_comment_ids=meta_comment_ids)
    polis = np.asarray(
        [-1 if p.group_id is None else p.group_id for p in conversation.participants],
        dtype=np.int64,
    )
    return compare_groupings(matrix, polis, imputation=imputation, seed=seed)
