"""The votes as the analysis reads them (step 1 of the method): compact arrays, one entry per cast vote, never a
dense participant × statement matrix, and their tallies per statement and per label.

- `VoteMatrix` is the input: ``rows`` (participant index per vote, int32), ``cols`` (statement index per vote,
  int32), ``values`` (-1 disagree, 0 pass, 1 agree, int8), ``excluded`` (bool per statement, moderated out) and
  ``meta`` (bool per statement, metadata statements such as "I live in a city", which Pol.is keeps out of the
  clustering but still shows).
- `latest_votes` keeps one vote per (participant, statement) of a vote history.
- `prepare` groups the votes by participant for one update and counts them per statement.
- `count_by_label` counts agree, disagree and seen per label (an opinion group, an actor group) and statement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PreparedVotes", "VoteMatrix", "count_by_label", "latest_votes", "order_by_row", "prepare"]


def latest_votes(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, order: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep one vote per (row, col): the one with the greatest ``order``.

    Ties in ``order`` (or no ``order`` at all) go to the vote that comes later in the
    arrays. Returns ``(rows int32, cols int32, values int8)`` sorted by row, then col.
    """
    rows = np.asarray(rows)
    cols = np.asarray(cols)
    values = np.asarray(values)
    if not (rows.shape == cols.shape == values.shape) or rows.ndim != 1:
        raise ValueError("rows, cols and values must be one-dimensional arrays of the same length")
    if rows.size == 0:
        return rows.astype(np.int32), cols.astype(np.int32), values.astype(np.int8)
    if rows.min() < 0 or cols.min() < 0:
        raise ValueError("row and column indices must not be negative")
    key = (rows.astype(np.int64) << 32) | cols.astype(np.int64)
    if order is None:
        idx = np.argsort(key, kind="stable")
    else:
        order = np.asarray(order)
        if order.shape != rows.shape:
            raise ValueError("order must have one entry per vote")
        idx = np.lexsort((order, key))  # lexsort is stable: equal order keeps array order
    skey = key[idx]
    last = np.ones(skey.size, dtype=bool)
    last[:-1] = skey[1:] != skey[:-1]
    idx = idx[last]
    return rows[idx].astype(np.int32), cols[idx].astype(np.int32), values[idx].astype(np.int8)


@dataclass(frozen=True, init=False)
class VoteMatrix:
    """Votes as compact arrays. See the module docstring.

    The constructor checks shapes and ranges (and converts the dtypes) but not that each
    (row, col) occurs once: use :meth:`from_votes` or :func:`latest_votes` for that.
    ``excluded`` and ``meta`` default to no statement.
    """

    n_participants: int
    n_statements: int
    rows: np.ndarray  # int32, participant index per vote
    cols: np.ndarray  # int32, statement index per vote
    values: np.ndarray  # int8, -1 disagree / 0 pass / 1 agree
    excluded: np.ndarray  # bool per statement
    meta: np.ndarray  # bool per statement

    def __init__(
        self,
        n_participants: int,
        n_statements: int,
        rows: np.ndarray,
        cols: np.ndarray,
        values: np.ndarray,
        excluded: np.ndarray | None = None,
        meta: np.ndarray | None = None,
    ) -> None:
        n, m = int(n_participants), int(n_statements)
        if n < 0 or m < 0:
            raise ValueError("n_participants and n_statements must not be negative")
        rows = np.asarray(rows)
        cols = np.asarray(cols)
        values = np.asarray(values)
        if not (rows.shape == cols.shape == values.shape) or rows.ndim != 1:
            raise ValueError("rows, cols and values must be one-dimensional arrays of the same length")
        if rows.size:
            if rows.min() < 0 or rows.max() >= n:
                raise ValueError(f"participant indices must lie in 0..{n - 1}")
            if cols.min() < 0 or cols.max() >= m:
                raise ValueError(f"statement indices must lie in 0..{m - 1}")
            if values.min() < -1 or values.max() > 1:
                raise ValueError("votes must be -1, 0 or 1")
        excluded = np.zeros(m, dtype=bool) if excluded is None else np.asarray(excluded, dtype=bool)
        if excluded.shape != (m,):
            raise ValueError("excluded must have one entry per statement")
        meta = np.zeros(m, dtype=bool) if meta is None else np.asarray(meta, dtype=bool)
        if meta.shape != (m,):
            raise ValueError("meta must have one entry per statement")
        object.__setattr__(self, "n_participants", n)
        object.__setattr__(self, "n_statements", m)
        object.__setattr__(self, "rows", rows.astype(np.int32, copy=False))
        object.__setattr__(self, "cols", cols.astype(np.int32, copy=False))
        object.__setattr__(self, "values", values.astype(np.int8, copy=False))
        object.__setattr__(self, "excluded", excluded)
        object.__setattr__(self, "meta", meta)

    @classmethod
    def from_votes(
        cls,
        n_participants: int,
        n_statements: int,
        rows: np.ndarray,
        cols: np.ndarray,
        values: np.ndarray,
        *,
        order: np.ndarray | None = None,
        excluded: np.ndarray | None = None,
        meta: np.ndarray | None = None,
    ) -> VoteMatrix:
        """Build from a vote history: the latest vote per (row, col) wins (see :func:`latest_votes`)."""
        r, c, v = latest_votes(rows, cols, values, order)
        return cls(n_participants, n_statements, r, c, v, excluded, meta)

    @property
    def n_votes(self) -> int:
        return int(self.rows.size)


def order_by_row(rows: np.ndarray, n: int) -> np.ndarray:
    """A stable ordering of the votes by participant: a radix sort on 16-bit digits, which
    NumPy's stable sort does in linear time."""
    if n <= 1 << 16:
        return np.argsort(rows.astype(np.uint16), kind="stable")
    order = np.argsort((rows & 0xFFFF).astype(np.uint16), kind="stable")
    return order[np.argsort((rows[order] >> 16).astype(np.uint16), kind="stable")]


@dataclass(frozen=True)
class PreparedVotes:
    """The votes of one update, grouped by participant: participant i's are ``indptr[i]:indptr[i+1]``."""

    n: int
    m: int
    cols: np.ndarray  # int32, statement index per vote
    values: np.ndarray  # int8, per vote
    indptr: np.ndarray  # (n + 1,)
    vote_counts: np.ndarray  # (n,) votes cast per participant (rejected statements included)
    voted: np.ndarray  # (n,) bool: has cast a vote
    colval: np.ndarray  # per vote, 3 * statement + vote + 1: 3j disagree, 3j + 1 pass, 3j + 2 agree
    per_statement: np.ndarray  # (m, 3) votes cast per statement: disagree, pass, agree
    excluded: np.ndarray  # (m,) bool: moderated out
    meta: np.ndarray  # (m,) bool: metadata statements
    zeroed: np.ndarray  # (m,) bool: the columns Pol.is overwrites with passes (excluded or meta)

    @property
    def nnz(self) -> int:
        return int(self.cols.size)


def prepare(matrix: VoteMatrix) -> PreparedVotes:
    """Step 1: the votes grouped by participant (in any order on input), counted per statement as cast."""
    n, m = matrix.n_participants, matrix.n_statements
    rows, cols32, vals = matrix.rows, matrix.cols, matrix.values
    if rows.size and np.any(rows[1:] < rows[:-1]):
        order = order_by_row(rows, n)
        rows, cols32, vals = rows[order], cols32[order], vals[order]
    indptr = np.searchsorted(rows, np.arange(n + 1, dtype=np.int64 if n >= 2**31 - 1 else rows.dtype))
    vote_counts = np.diff(indptr)
    colval = cols32.astype(np.intp) * 3
    colval += vals
    colval += 1
    return PreparedVotes(
        n=n,
        m=m,
        cols=cols32,
        values=vals,
        indptr=indptr,
        vote_counts=vote_counts,
        voted=vote_counts > 0,
        colval=colval,
        per_statement=np.bincount(colval, minlength=3 * m).reshape(m, 3),
        excluded=matrix.excluded,
        meta=matrix.meta,
        zeroed=matrix.excluded | matrix.meta,
    )


def count_by_label(
    label: np.ndarray, vote_counts: np.ndarray, n_labels: int, colval: np.ndarray, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(agree, disagree, seen) per label and statement; participants labelled -1 are skipped.

    ``label`` is per participant, ``vote_counts`` the number of votes of each (the votes
    being grouped by participant) and ``colval`` ``3 * statement + vote + 1`` per vote.
    """
    if n_labels == 0:
        z = np.zeros((0, m), dtype=np.int64)
        return z, z.copy(), z.copy()
    key = np.repeat((label + 1) * (3 * m), vote_counts)
    key += colval
    counts = np.bincount(key, minlength=(n_labels + 1) * m * 3).reshape(n_labels + 1, m, 3)[1:]
    disagree = counts[:, :, 0].astype(np.int64)
    agree = counts[:, :, 2].astype(np.int64)
    seen = counts.sum(axis=2).astype(np.int64)
    return agree, disagree, seen
