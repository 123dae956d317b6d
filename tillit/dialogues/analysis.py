"""Opinion analysis of a dialogue, following the Pol.is method.

A re-statement of the method Pol.is publishes (Small et al. 2021, and our own
description in ``shared/reference/opinion_math.md``), written from that description
only. Pure Python on NumPy and SciPy, with no Django imports, so management commands,
the background worker and the benchmark can all call it.

Input
-----
:class:`VoteMatrix` holds the votes as compact arrays (one entry per cast vote), never
as a dense participant x statement matrix:

- ``rows``: participant index per vote (0 .. n_participants-1), int32;
- ``cols``: statement index per vote (0 .. n_statements-1), int32;
- ``values``: -1 disagree, 0 pass, 1 agree, int8;
- ``excluded``: bool per statement, True when it was moderated out (rejected);
- ``meta``: bool per statement, True for metadata statements such as "I live in a
  city" (Pol.is keeps them out of the clustering but still shows them).

There is at most one vote per (participant, statement): :func:`latest_votes` (or
:meth:`VoteMatrix.from_votes`) keeps the latest one of a vote history. ``analyse`` is
fastest when the votes are ordered by participant, as :func:`latest_votes` returns them;
any order is accepted. Participants and statements keep their index from one update to
the next (Pol.is numbers them in order of arrival), since :class:`SmoothingState` and
the base-cluster initialisation refer to that order.

Use
---
::

    analysis = analyse(matrix, actor_groups=None, seed=0, previous=None, min_votes=7,
                       min_clustered=15, consensus_min_votes=5, imputation="mean")
    store(analysis.state)          # pass it back as previous= next time

See :class:`Analysis` for the result. Same input, same output: every step is
deterministic (random starts come from ``seed``).

The method, step by step
------------------------
1. **Matrix.** The columns of rejected and meta statements are overwritten with passes
   for everybody (Pol.is "zeroes" them): they take no part in the PCA, and every
   participant counts them as cast votes in the projection scaling. The vote statistics
   (A, D, S below) use the votes as cast.
2. **PCA.** ``center`` is the mean of each statement's cast votes (pass = 0). Missing
   votes are imputed with that mean, so after centring they are exactly 0: the PCA is the
   truncated SVD of the *sparse* centred matrix, in which only cast votes are non-zero.
   The top two components come from a block Lanczos iteration (block size 2, full
   re-orthogonalisation, seeded random start plus the previous components when given)
   run until the residuals are below 1e-9 of the top eigenvalue; small matrices (at most
   100 statements) use an exact dense eigendecomposition instead. Signs follow the
   previous components when given; otherwise the largest loading of each is made
   positive. ``imputation="zero"`` fills missing votes with 0 instead, as Pol.is did
   before its 2017 change; it exists to compare with old Pol.is exports.
3. **Projection.** ``p_i = sqrt(m / n_i) * sum over i's votes of (x_ij - center_j) pc_j``
   with ``m`` the number of statements and ``n_i`` the number of i's votes (zeroed
   columns counting as votes). Participants without votes get NaN. Statement j sits at
   ``sqrt(m) * (1 - center_j) * pc_j``, where a participant who agreed with j only would
   be; ``extremity`` is the length of that vector.
4. **Who is clustered.** Participants with at least ``min(min_votes, m)`` votes, plus
   everybody clustered in ``previous`` (membership is sticky). If fewer than
   ``min_clustered`` qualify, the most active remaining voters are added (most votes
   first, then lowest index) until there are ``min_clustered``.
5. **Base clusters.** Lloyd's k-means with up to 100 centres on the clustered
   participants' positions, initialised with the first 100 distinct positions in
   participant order; at most 100 iterations, stopping once no centre moves 0.01 or more;
   empty clusters are dropped.
6. **Opinion groups.** Weighted k-means (weights = members) of the base centres for
   k = 2 .. max_k, ``max_k = min(5, 2 + n_base // 12)``. Pol.is starts from the first k
   base centres and lets its warm starts refine the groups over many updates; a single
   cold run from that start often stops in a poor local optimum, so we also run
   ``GROUP_RESTARTS`` weighted k-means++ starts (seeded) and keep the run with the lowest
   within-group sum of squares (on a tie, Pol.is's start). Groups are numbered by their
   first base cluster. Each k is scored by the mean silhouette of the base centres
   (unweighted; a centre alone in its group scores 0); the best wins, ties to the smaller
   k. Participants inherit the group of their base cluster.
7. **k-smoother** (only with ``previous``): the displayed k changes only after the same
   new k has won ``K_BUFFER`` = 4 consecutive updates.
8. **Counts.** Per group and statement: A agrees, D disagrees, S votes seen, over the
   group's clustered members, from the votes as cast.
9. **Representative statements** per group (Pol.is "repness"): ``pa = (A+1)/(S+2)``,
   ``pat = 2 sqrt(S+1) ((A+1)/(S+1) - 1/2)``, ``ra = pa / pa_rest``, ``rat`` the
   two-proportion z-test against the other clustered participants (each count + 1), and
   the same for disagree (pd, pdt, rd, rdt). A statement qualifies when ``rat`` and
   ``pat`` (or ``rdt`` and ``pdt``) both exceed ``Z_90`` = 1.2816; it is an "agree" if
   ``rat > rdt``. Qualifying statements are ranked by ``ra*rat*pa*pat`` (or the disagree
   analogue); the group's "best agree" goes first (Pol.is's running comparison over the
   statements in order, where we require every candidate, not only the first, to pass the
   entry test: pat significant, or ra > 1 with pa > 0.5), at most 5 are kept, agrees
   before disagrees. A group with none gets the single statement with
   the highest ``max(rat, rdt)``. Rejected and meta statements are never chosen.
10. **Consensus.**
    - Group-informed consensus (GAC): ``prod over groups g of (A_g+1)/(S_g+2)`` over the
      opinion groups and, when ``actor_groups`` is given, over the declared actor groups
      (labels >= 0). The product shrinks as k grows, so the geometric mean is reported
      too: use it to compare across k or dialogues. Guard: a statement is *eligible* only
      when it is neither rejected nor meta and **every** group that counts has
      ``S_g >= consensus_min_votes``; otherwise a statement seen by a handful of people
      could score high on the smoothing alone. For opinion groups all k groups count
      (clustered members only, as Pol.is); for actor groups every declared label held by
      at least one voter counts, with all its voters, clustered or not.
    - Classic (group-blind) consensus over all voters: ``pa > 0.5`` and ``pat > Z_90``,
      top 5 by ``pa*pat``; the same for disagree.
11. **Routing priority**, from the totals A, D, S and P = S - A - D over the clustered
    participants: ``importance = (1 - (P+1)/(S+2)) * (E+1) * (A+1)/(S+2)`` with E the
    extremity, ``priority = (importance * (1 + 8 * 2**(-S/5)))**2``; meta statements get
    7**2 = 49 and rejected ones 0. Draw the next statement with probability proportional
    to it.

Deliberate differences from the Pol.is server: the PCA is solved to convergence (Pol.is
runs 100 power iterations from an unseeded start, and unseeded mini-batches above 10,000
participants); the group k-means runs to convergence from several starts (Pol.is runs 20
iterations, its quirk Q3, from one warm start); base clusters are not warm-started from
the previous update; routing uses the current counts (Pol.is those of the previous
update).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = [
    "K_BUFFER",
    "Z_90",
    "Analysis",
    "ConsensusStatement",
    "RepresentativeStatement",
    "SmoothingState",
    "VoteMatrix",
    "adjusted_rand_index",
    "analyse",
    "latest_votes",
]

Z_90 = 1.2816
"""One-sided 90 % z threshold used by every Pol.is significance test."""

K_BUFFER = 4
"""A new k must win this many consecutive updates before it is shown."""

BASE_K = 100
KMEANS_MAX_ITER = 100
KMEANS_TOL = 0.01
MAX_GROUPS = 5
META_PRIORITY = 7.0  # routing weight root of meta statements
GROUP_RESTARTS = 31  # k-means++ starts tried besides Pol.is's own for each k of the group clustering
MAX_REPRESENTATIVE = 5
MAX_CONSENSUS = 5

_THREADED_NNZ = 200_000  # from this many votes on, the two PCA vectors are multiplied in two threads
_DENSE_MAX_STATEMENTS = 100  # up to this many statements (and cells below) the PCA is a dense eigh
_DENSE_MAX_CELLS = 2_000_000


# --------------------------------------------------------------------------- input


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


@dataclass(frozen=True)
class VoteMatrix:
    """Votes as compact arrays. See the module docstring.

    The constructor checks shapes and ranges (and converts the dtypes) but not that each
    (row, col) occurs once: use :meth:`from_votes` or :func:`latest_votes` for that.
    """

    n_participants: int
    n_statements: int
    rows: np.ndarray  # int32, participant index per vote
    cols: np.ndarray  # int32, statement index per vote
    values: np.ndarray  # int8, -1 disagree / 0 pass / 1 agree
    excluded: np.ndarray = field(default=None)  # type: ignore[assignment]  # bool per statement
    meta: np.ndarray = field(default=None)  # type: ignore[assignment]  # bool per statement

    def __post_init__(self) -> None:
        n, m = int(self.n_participants), int(self.n_statements)
        if n < 0 or m < 0:
            raise ValueError("n_participants and n_statements must not be negative")
        rows = np.asarray(self.rows)
        cols = np.asarray(self.cols)
        values = np.asarray(self.values)
        if not (rows.shape == cols.shape == values.shape) or rows.ndim != 1:
            raise ValueError("rows, cols and values must be one-dimensional arrays of the same length")
        if rows.size:
            if rows.min() < 0 or rows.max() >= n:
                raise ValueError(f"participant indices must lie in 0..{n - 1}")
            if cols.min() < 0 or cols.max() >= m:
                raise ValueError(f"statement indices must lie in 0..{m - 1}")
            if values.min() < -1 or values.max() > 1:
                raise ValueError("votes must be -1, 0 or 1")
        excluded = np.zeros(m, dtype=bool) if self.excluded is None else np.asarray(self.excluded, dtype=bool)
        if excluded.shape != (m,):
            raise ValueError("excluded must have one entry per statement")
        meta = np.zeros(m, dtype=bool) if self.meta is None else np.asarray(self.meta, dtype=bool)
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


# --------------------------------------------------------------------------- output


@dataclass(frozen=True)
class SmoothingState:
    """What one update hands to the next. Persist it per dialogue (it pickles, and
    :meth:`as_dict` / :meth:`from_dict` give plain JSON-able data).

    - ``k``: the number of groups shown;
    - ``candidate_k`` / ``candidate_streak``: a different k that won the silhouette
      contest, and for how many consecutive updates (0 / 0 when none);
    - ``components``: the PCA components (2, m), for sign alignment and warm start;
    - ``clustered``: sorted indices of the participants in clustering (sticky).
    """

    k: int
    candidate_k: int
    candidate_streak: int
    components: np.ndarray
    clustered: np.ndarray

    def as_dict(self) -> dict[str, Any]:
        return {
            "k": int(self.k),
            "candidate_k": int(self.candidate_k),
            "candidate_streak": int(self.candidate_streak),
            "components": np.asarray(self.components, dtype=float).tolist(),
            "clustered": np.asarray(self.clustered, dtype=np.int64).tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SmoothingState:
        components = np.asarray(data["components"], dtype=np.float64)
        if components.size == 0:
            components = components.reshape(2, 0)
        return cls(
            k=int(data["k"]),
            candidate_k=int(data["candidate_k"]),
            candidate_streak=int(data["candidate_streak"]),
            components=components,
            clustered=np.asarray(data["clustered"], dtype=np.int64),
        )


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement that sets a group apart, with the figures that explain it.

    ``kind`` is "agree" or "disagree"; the other figures are for that kind: ``count`` is A
    (or D) in the group out of ``seen`` votes, ``percent`` is 100 * pa (or pd), the
    Laplace-smoothed share; ``*_rest`` are the same over all other clustered
    participants. ``repness`` is ra (rd), ``repness_test`` rat (rdt), ``p_test`` pat (pdt).
    ``best_agree`` marks the group's Pol.is "best agree" statement.
    """

    statement: int
    kind: str
    count: int
    seen: int
    percent: float
    count_rest: int
    seen_rest: int
    percent_rest: float
    repness: float
    repness_test: float
    p_test: float
    best_agree: bool = False


@dataclass(frozen=True)
class ConsensusStatement:
    """A group-blind consensus statement: ``count`` of ``seen`` voters agreed (or
    disagreed); ``percent`` = 100 * smoothed share, ``p_test`` its z-score."""

    statement: int
    kind: str
    count: int
    seen: int
    percent: float
    p_test: float


@dataclass(frozen=True)
class Analysis:
    """The result of :func:`analyse`. Arrays are indexed by participant (n) or statement (m).

    Groups: ``k`` opinion groups numbered 0..k-1; ``groups[i]`` is -1 for participants
    who are not clustered. ``agree``/``disagree``/``seen`` are (k, m) counts over
    clustered members. Actor-group fields are None when no ``actor_groups`` were given;
    otherwise row r of ``actor_*`` belongs to declared label ``actor_labels[r]``.
    """

    n_participants: int
    n_statements: int
    vote_counts: np.ndarray  # (n,) votes cast per participant (rejected statements included)
    positions: np.ndarray  # (n, 2), NaN for participants without votes
    clustered: np.ndarray  # (n,) bool
    groups: np.ndarray  # (n,) int, -1 = not clustered
    k: int  # groups shown (after the k-smoother)
    best_k: int  # silhouette winner of this update (0 when no grouping was possible)
    silhouettes: dict[int, float]  # mean silhouette of the base centres per tried k
    base_labels: np.ndarray  # (n,) base cluster per participant, -1 = not clustered
    base_centres: np.ndarray  # (n_base, 2)
    base_weights: np.ndarray  # (n_base,) members per base cluster
    base_groups: np.ndarray  # (n_base,) opinion group of each base cluster
    group_centres: np.ndarray  # (k, 2)
    components: np.ndarray  # (2, m)
    eigenvalues: np.ndarray  # (2,) of the centred Gram matrix (squared singular values)
    center: np.ndarray  # (m,)
    statement_positions: np.ndarray  # (m, 2)
    extremity: np.ndarray  # (m,)
    agree: np.ndarray  # (k, m)
    disagree: np.ndarray  # (k, m)
    seen: np.ndarray  # (k, m)
    representative: tuple[tuple[RepresentativeStatement, ...], ...]  # per group
    group_consensus: np.ndarray  # (m,) product over groups of (A_g+1)/(S_g+2); NaN when k == 0
    group_consensus_mean: np.ndarray  # (m,) its geometric mean over groups
    group_consensus_eligible: np.ndarray  # (m,) bool, see the module docstring
    actor_labels: np.ndarray | None  # (g,) declared labels present among voters
    actor_agree: np.ndarray | None  # (g, m)
    actor_disagree: np.ndarray | None  # (g, m)
    actor_seen: np.ndarray | None  # (g, m)
    actor_consensus: np.ndarray | None  # (m,)
    actor_consensus_mean: np.ndarray | None  # (m,)
    actor_consensus_eligible: np.ndarray | None  # (m,) bool
    consensus_agree: tuple[ConsensusStatement, ...]
    consensus_disagree: tuple[ConsensusStatement, ...]
    priority: np.ndarray  # (m,) comment-routing weight; 49 for meta, 0 for rejected statements
    state: SmoothingState  # persist and pass back as ``previous``

    def top_bridging(self, n: int = 5, *, actor: bool = False) -> list[int]:
        """Eligible statements with the highest group-informed consensus (geometric mean),
        best first; ties go to the lower index."""
        if actor:
            if self.actor_consensus_mean is None or self.actor_consensus_eligible is None:
                return []
            score, eligible = self.actor_consensus_mean, self.actor_consensus_eligible
        else:
            score, eligible = self.group_consensus_mean, self.group_consensus_eligible
        idx = np.flatnonzero(eligible)
        idx = idx[np.argsort(-score[idx], kind="stable")]
        return [int(j) for j in idx[:n]]


# --------------------------------------------------------------------------- helpers


def adjusted_rand_index(labels_a: np.ndarray, labels_b: np.ndarray) -> float:
    """Adjusted Rand index (Hubert & Arabie) of two labelings of the same items."""
    a = np.asarray(labels_a)
    b = np.asarray(labels_b)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("the two labelings must be one-dimensional and of the same length")
    n = a.size
    if n < 2:
        return 1.0
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1), dtype=np.int64)
    np.add.at(table, (ai, bi), 1)

    def pairs(x: np.ndarray) -> float:
        x = x.astype(np.float64)
        return float((x * (x - 1) / 2).sum())

    index = pairs(table)
    sum_a = pairs(table.sum(axis=1))
    sum_b = pairs(table.sum(axis=0))
    total = n * (n - 1) / 2
    expected = sum_a * sum_b / total
    maximum = (sum_a + sum_b) / 2
    if maximum == expected:  # both labelings trivial (one cluster, or all singletons)
        return 1.0
    return float((index - expected) / (maximum - expected))


def _order_by_row(rows: np.ndarray, n: int) -> np.ndarray:
    """A stable ordering of the votes by participant: a radix sort on 16-bit digits, which
    NumPy's stable sort does in linear time."""
    if n <= 1 << 16:
        return np.argsort(rows.astype(np.uint16), kind="stable")
    order = np.argsort((rows & 0xFFFF).astype(np.uint16), kind="stable")
    return order[np.argsort((rows[order] >> 16).astype(np.uint16), kind="stable")]


def _sign_rule(vec: np.ndarray) -> float:
    """+1 or -1 so that the largest-magnitude entry (first one on a near tie) is positive."""
    if vec.size == 0:
        return 1.0
    mags = np.abs(vec)
    top = mags.max()
    if top == 0:
        return 1.0
    j = int(np.flatnonzero(mags >= top * (1 - 1e-9))[0])
    return -1.0 if vec[j] < 0 else 1.0


def _top_two_components(
    matvec, rmatvec, m: int, start: np.ndarray, threads: ThreadPoolExecutor | None
) -> tuple[np.ndarray, np.ndarray]:
    """Top two eigenpairs of C = X^T X by block Lanczos (block 2) with full re-orthogonalisation.

    ``matvec(v) = X v`` and ``rmatvec(u) = X^T u``. Returns (eigenvalues (2,), vectors (2, m)).
    """
    ncomp = min(2, m)
    comps = np.zeros((2, m))
    vals = np.zeros(2)
    if ncomp == 0:
        return vals, comps

    def apply(q: np.ndarray) -> np.ndarray:
        return rmatvec(matvec(q))

    def apply_block(block: np.ndarray) -> np.ndarray:
        if threads is not None and block.shape[1] > 1:
            return np.column_stack(list(threads.map(apply, list(block.T))))
        return np.column_stack([apply(q) for q in block.T])

    q, _ = np.linalg.qr(start[:, :ncomp])
    basis = [q]
    images = [apply_block(q)]
    max_dim = m
    tol = 1e-9
    eps = np.finfo(float).eps
    scale = 0.0
    while True:
        basis_all = np.hstack(basis)
        images_all = np.hstack(images)
        gram = basis_all.T @ images_all
        gram = (gram + gram.T) / 2
        theta, ritz = np.linalg.eigh(gram)
        order = np.argsort(-theta, kind="stable")[:ncomp]
        theta, ritz = theta[order], ritz[:, order]
        vecs = basis_all @ ritz
        resid_vecs = images_all @ ritz - vecs * theta
        scale = max(scale, float(theta[0]), float(np.abs(gram).max()))
        resid = np.linalg.norm(resid_vecs, axis=0)
        if scale == 0 or np.all(resid <= tol * scale) or basis_all.shape[1] >= max_dim:
            break
        # Next block: the newest images, orthogonalised twice against the whole basis.
        block = images[-1].copy()
        for _ in range(2):
            block -= basis_all @ (basis_all.T @ block)
        norms = np.linalg.norm(block, axis=0)
        keep = norms > max(scale, 1.0) * eps * 1e3
        if not keep.any():
            # The Krylov space is invariant: restart with fresh directions from the residuals.
            block = resid_vecs.copy()
            for _ in range(2):
                block -= basis_all @ (basis_all.T @ block)
            norms = np.linalg.norm(block, axis=0)
            keep = norms > max(scale, 1.0) * eps * 1e3
            if not keep.any():
                break
        block = block[:, keep]
        block, _ = np.linalg.qr(block)
        block -= basis_all @ (basis_all.T @ block)
        block, _ = np.linalg.qr(block)
        room = max_dim - basis_all.shape[1]
        block = block[:, :room]
        basis.append(block)
        images.append(apply_block(block))
    comps[:ncomp] = vecs.T
    vals[:ncomp] = np.maximum(theta, 0)
    return vals, comps


def _as_complex(points: np.ndarray) -> np.ndarray:
    """2-D points (n, 2) as complex numbers x + iy: distances are then ``abs(z - c)``."""
    z = np.empty(points.shape[0], dtype=np.complex128)
    z.real = points[:, 0]
    z.imag = points[:, 1]
    return z


def _kmeans(
    points: np.ndarray, weights: np.ndarray, init: np.ndarray, max_iter: int = KMEANS_MAX_ITER, tol: float = KMEANS_TOL
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted Lloyd k-means from the given centres.

    Each iteration assigns every point to its nearest centre (first one on an exact tie),
    then moves each centre to its members' weighted mean; empty clusters are dropped.
    Stops after ``max_iter`` iterations or when no centre moved ``tol`` or more.
    Assignments use Hamerly's bounds, which skip points whose nearest centre provably
    did not change; the result is that of plain Lloyd.
    Returns (labels per point, centres (k, 2)), centres in the order of ``init`` minus
    the dropped ones.
    """
    z = _as_complex(np.asarray(points, dtype=np.float64))
    w = np.asarray(weights, dtype=np.float64)
    wx, wy = w * z.real, w * z.imag
    centres = _as_complex(np.asarray(init, dtype=np.float64))

    def full_assign(idx: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest and second-nearest centre of the points ``idx`` (all when None), with
        their exact distances."""
        zz = z if idx is None else z[idx]
        k = centres.size
        # Squared distance up to the per-point |z|^2: |c|^2 - 2 Re(z conj(c)), as one product.
        pts = np.column_stack([zz.real, zz.imag])
        cmat = np.vstack([centres.real, centres.imag])
        d = pts @ cmat
        d *= -2
        d += (centres.real**2 + centres.imag**2)[None, :]
        lab = d.argmin(axis=1)
        best = np.abs(zz - centres[lab])
        if k > 1:
            d[np.arange(lab.size), lab] = np.inf
            second = np.abs(zz - centres[d.argmin(axis=1)])
        else:
            second = np.full(lab.size, np.inf)
        return lab, best, second

    labels, upper, lower = full_assign(None)
    for _ in range(max_iter):
        k = centres.size
        wsum = np.bincount(labels, weights=w, minlength=k)
        nonempty = wsum > 0
        new = (np.bincount(labels, weights=wx, minlength=k) + 1j * np.bincount(labels, weights=wy, minlength=k))[
            nonempty
        ] / wsum[nonempty]
        if not nonempty.all():
            centres = new
            labels, upper, lower = full_assign(None)
            continue
        shift = np.abs(new - centres)
        centres = new
        top_shift = shift.max()
        if top_shift < tol:
            break
        upper += shift[labels]
        # The second-nearest centre moved at most as far as the farthest-moving other centre.
        if k > 1:
            fastest = int(shift.argmax())
            other_top = np.partition(shift, k - 2)[k - 2]
            lower -= np.where(labels == fastest, other_top, top_shift)
        else:
            lower -= top_shift
        if k > 1:
            cd = np.abs(centres[:, None] - centres[None, :])
            cd.flat[:: k + 1] = np.inf
            half = cd.min(axis=1) / 2
        else:
            half = np.full(1, np.inf)
        bound = np.maximum(lower, half[labels])
        cand = np.flatnonzero(upper > bound)
        if cand.size:
            upper[cand] = np.abs(z[cand] - centres[labels[cand]])
            cand = cand[upper[cand] > bound[cand]]
        if cand.size:
            lab, best, second = full_assign(cand)
            labels[cand] = lab
            upper[cand] = best
            lower[cand] = second
    return labels, np.column_stack([centres.real, centres.imag])


def _kmeanspp(z: np.ndarray, weights: np.ndarray, k: int, starts: int, rng: np.random.Generator) -> np.ndarray:
    """``starts`` weighted k-means++ seedings of the complex points ``z`` at once:
    (starts, k) point indices, -1 where the points ran out (fewer than k distinct ones)."""
    n = z.size
    chosen = np.full((starts, k), -1, dtype=np.intp)
    cum = np.cumsum(weights)
    pick = np.minimum(np.searchsorted(cum, rng.random(starts) * cum[-1], side="right"), n - 1)
    chosen[:, 0] = pick
    dist = np.abs(z[None, :] - z[pick][:, None]) ** 2  # (starts, n)
    for j in range(1, k):
        cum = np.cumsum(dist * weights, axis=1)
        total = cum[:, -1]
        u = rng.random(starts) * total
        pick = np.minimum((cum <= u[:, None]).sum(axis=1), n - 1)
        chosen[:, j] = np.where(total > 0, pick, -1)
        dist = np.minimum(dist, np.abs(z[None, :] - z[pick][:, None]) ** 2)
    return chosen


def _group_kmeans(
    points: np.ndarray, weights: np.ndarray, first: np.ndarray, rng: np.random.Generator, restarts: int
) -> dict[int, np.ndarray]:
    """Weighted k-means of the base centres into k groups for every k = 2 .. ``first.size``.

    For each k, start 0 is Pol.is's: the points ``first[:k]`` (the first k distinct ones);
    the others are ``restarts`` weighted k-means++ seedings drawn from ``rng``. Every start
    runs Lloyd's iterations with the rules of :func:`_kmeans` (all starts of all k at once,
    the unused centre slots of the smaller k parked at infinity); a start that empties a
    group is discarded. For each k the start with the lowest weighted within-group sum of
    squares wins (the earliest on a tie). Groups are numbered in the order of their first
    point. Returns {k: labels per point} for the k where some start kept k groups.
    """
    max_k = first.size
    ks = list(range(2, max_k + 1))
    if not ks:
        return {}
    z = _as_complex(points)
    starts, start_k = [], []
    for k in ks:
        seeds = _kmeanspp(z, weights, k, restarts, rng) if restarts else np.zeros((0, k), dtype=np.intp)
        seeds = seeds[(seeds >= 0).all(axis=1)]
        block = np.full((1 + seeds.shape[0], max_k), -1, dtype=np.intp)
        block[0, :k] = first[:k]
        block[1:, :k] = seeds
        starts.append(block)
        start_k += [k] * block.shape[0]
    start_idx = np.vstack(starts)  # (r, max_k), -1 = unused slot
    start_k = np.asarray(start_k)
    slot = start_idx >= 0
    r, n, kk = start_idx.shape[0], z.size, max_k
    centres = np.where(slot[:, :, None], points[np.maximum(start_idx, 0)], np.inf)  # (r, max_k, 2)
    px, py = points[:, 0], points[:, 1]
    px32, py32 = px.astype(np.float32), py.astype(np.float32)
    wx, wy = weights * px, weights * py
    labels = np.zeros((r, n), dtype=np.intp)
    valid = np.ones(r, dtype=bool)
    idx = np.arange(r)  # starts still iterating
    with np.errstate(invalid="ignore", over="ignore"):
        for _ in range(KMEANS_MAX_ITER):
            c = centres[idx]  # (r', max_k, 2)
            a = idx.size
            # Squared distances (r', n, max_k), inf for unused slots; single precision is
            # plenty to pick the nearest centre and halves the work.
            dx = px32[None, :, None] - c[:, None, :, 0].astype(np.float32)
            d = dx * dx
            dy = py32[None, :, None] - c[:, None, :, 1].astype(np.float32)
            d += dy * dy
            lab = d.argmin(axis=2)  # (r', n)
            labels[idx] = lab
            flat = (lab + (np.arange(a) * kk)[:, None]).ravel()
            wsum = np.bincount(flat, weights=np.tile(weights, a), minlength=a * kk).reshape(a, kk)
            sx = np.bincount(flat, weights=np.tile(wx, a), minlength=a * kk).reshape(a, kk)
            sy = np.bincount(flat, weights=np.tile(wy, a), minlength=a * kk).reshape(a, kk)
            used = slot[idx]
            empty = ((wsum == 0) & used).any(axis=1)
            safe = np.where(wsum > 0, wsum, 1.0)
            new = np.where(used[:, :, None], np.stack([sx / safe, sy / safe], axis=2), np.inf)
            diff = np.where(used[:, :, None], new - c, 0.0)
            shift = (diff * diff).sum(axis=2).max(axis=1)
            keep = ~empty
            centres[idx[keep]] = new[keep]
            valid[idx[empty]] = False
            idx = idx[keep & (shift >= KMEANS_TOL**2)]
            if idx.size == 0:
                break
    own = centres[np.arange(r)[:, None], labels]  # (r, n, 2)
    sse = ((points[None, :, :] - own) ** 2).sum(axis=2) @ weights
    result: dict[int, np.ndarray] = {}
    for k in ks:
        best = -1
        for i in np.flatnonzero(valid & (start_k == k)).tolist():
            if best < 0 or sse[i] < sse[best] * (1 - 1e-9) - 1e-12:
                best = i
        if best < 0:
            continue
        lab = labels[best]
        present, first_pos = np.unique(lab, return_index=True)
        rank = np.empty(kk, dtype=np.intp)
        rank[present[np.argsort(first_pos, kind="stable")]] = np.arange(present.size)
        result[k] = rank[lab]
    return result


def _first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """Indices of the first ``k`` distinct rows of the (n, 2) ``points``, in row order."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.intp)
    _, first = np.unique(_as_complex(points), return_index=True)
    first.sort()
    return first[:k]


def _silhouette(dist: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette (unweighted) from a distance matrix; a point alone in its cluster scores 0."""
    n = dist.shape[0]
    k = int(labels.max()) + 1
    if n < 2 or k < 2:
        return 0.0
    rows = np.arange(n)
    onehot = np.zeros((n, k))
    onehot[rows, labels] = 1.0
    sums = dist @ onehot
    sizes = onehot.sum(axis=0)
    own = sizes[labels]
    a = np.where(own > 1, sums[rows, labels] / np.maximum(own - 1, 1), 0.0)
    means = sums / np.where(sizes > 0, sizes, 1)
    means[rows, labels] = np.inf
    means[:, sizes == 0] = np.inf
    b = means.min(axis=1)
    top = np.maximum(a, b)
    s = np.where((own > 1) & (top > 0), (b - a) / np.where(top > 0, top, 1), 0.0)
    return float(s.mean())


def _prop_test(success: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Pol.is one-proportion z against 1/2 with add-one smoothing."""
    return 2 * np.sqrt(n + 1) * ((success + 1) / (n + 1) - 0.5)


def _two_prop_test(s1: np.ndarray, n1: np.ndarray, s2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Pol.is two-proportion z with one added to each count; 0 when the pooled share is 1."""
    p1 = (s1 + 1) / (n1 + 1)
    p2 = (s2 + 1) / (n2 + 1)
    pooled = (s1 + s2 + 2) / (n1 + n2 + 2)
    var = pooled * (1 - pooled) * (1 / (n1 + 1) + 1 / (n2 + 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / np.sqrt(var)
    return np.where(var > 0, z, 0.0)


def _count_by_label(
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


def _gac(agree: np.ndarray, seen: np.ndarray, excluded: np.ndarray, min_votes: int):
    """Group-informed consensus: product, geometric mean and eligibility per statement."""
    m = excluded.size
    g = agree.shape[0]
    if g == 0:
        nan = np.full(m, np.nan)
        return nan, nan.copy(), np.zeros(m, dtype=bool)
    logs = np.log((agree + 1) / (seen + 2))
    total = logs.sum(axis=0)
    eligible = (~excluded) & np.all(seen >= min_votes, axis=0)
    return np.exp(total), np.exp(total / g), eligible


def _representative(
    agree: np.ndarray, disagree: np.ndarray, seen: np.ndarray, excluded: np.ndarray
) -> tuple[tuple[RepresentativeStatement, ...], ...]:
    k = agree.shape[0]
    if k < 2:
        return tuple(() for _ in range(k))
    a = agree.astype(np.float64)
    d = disagree.astype(np.float64)
    s = seen.astype(np.float64)
    a_rest = a.sum(axis=0) - a
    d_rest = d.sum(axis=0) - d
    s_rest = s.sum(axis=0) - s
    pa = (a + 1) / (s + 2)
    pd = (d + 1) / (s + 2)
    pa_rest = (a_rest + 1) / (s_rest + 2)
    pd_rest = (d_rest + 1) / (s_rest + 2)
    pat = _prop_test(a, s)
    pdt = _prop_test(d, s)
    ra = pa / pa_rest
    rd = pd / pd_rest
    rat = _two_prop_test(a, s, a_rest, s_rest)
    rdt = _two_prop_test(d, s, d_rest, s_rest)
    agree_ok = (rat > Z_90) & (pat > Z_90)
    disagree_ok = (rdt > Z_90) & (pdt > Z_90)
    is_agree = rat > rdt
    metric_agree = ra * rat * pa * pat
    metric_disagree = rd * rdt * pd * pdt
    allowed = ~excluded

    out = []
    for g in range(k):

        def make(j: int, agree_kind: bool, best: bool = False, g: int = g) -> RepresentativeStatement:
            if agree_kind:
                return RepresentativeStatement(
                    statement=j,
                    kind="agree",
                    count=int(agree[g, j]),
                    seen=int(seen[g, j]),
                    percent=float(100 * pa[g, j]),
                    count_rest=int(a_rest[g, j]),
                    seen_rest=int(s_rest[g, j]),
                    percent_rest=float(100 * pa_rest[g, j]),
                    repness=float(ra[g, j]),
                    repness_test=float(rat[g, j]),
                    p_test=float(pat[g, j]),
                    best_agree=best,
                )
            return RepresentativeStatement(
                statement=j,
                kind="disagree",
                count=int(disagree[g, j]),
                seen=int(seen[g, j]),
                percent=float(100 * pd[g, j]),
                count_rest=int(d_rest[g, j]),
                seen_rest=int(s_rest[g, j]),
                percent_rest=float(100 * pd_rest[g, j]),
                repness=float(rd[g, j]),
                repness_test=float(rdt[g, j]),
                p_test=float(pdt[g, j]),
            )

        # Best agree: Pol.is's running comparison over the statements in order. Pol.is states
        # the entry test (pat significant, or ra > 1 with pa > 0.5) for the first candidate;
        # we apply it to every candidate, so that a statement the group rejects (negative
        # rat and pat, whose product is positive) can never become its "best agree".
        best = -1
        ra_g, rat_g, pa_g, pat_g = ra[g], rat[g], pa[g], pat[g]
        entry = allowed & (agree[g] > 0) & ((pat_g > Z_90) | ((ra_g > 1) & (pa_g > 0.5)))
        full = (ra_g * rat_g * pa_g * pat_g).tolist()
        simple = (pa_g * pat_g).tolist()
        ra_list = ra_g.tolist()
        for j in np.flatnonzero(entry).tolist():
            if best < 0 or (full[j] > full[best] if ra_list[best] > 1 else simple[j] > simple[best]):
                best = j

        ok = allowed & (agree_ok[g] | disagree_ok[g])
        idx = np.flatnonzero(ok)
        metric = np.where(is_agree[g, idx], metric_agree[g, idx], metric_disagree[g, idx])
        idx = idx[np.argsort(-metric, kind="stable")]
        chosen = [int(j) for j in idx]
        if best >= 0:
            chosen = [best] + [j for j in chosen if j != best]
        chosen = chosen[:MAX_REPRESENTATIVE]
        if not chosen:
            pool = np.flatnonzero(allowed & (seen[g] > 0))
            if pool.size:
                score = np.maximum(rat[g, pool], rdt[g, pool])
                chosen = [int(pool[int(np.argmax(score))])]
        kinds = [(j == best) or bool(is_agree[g, j]) for j in chosen]
        items = [make(j, kind, best=(j == best)) for j, kind in zip(chosen, kinds, strict=True)]
        items.sort(key=lambda r: r.kind != "agree")  # stable: agrees first
        out.append(tuple(items))
    return tuple(out)


def _classic_consensus(
    agree: np.ndarray, disagree: np.ndarray, seen: np.ndarray, excluded: np.ndarray
) -> tuple[tuple[ConsensusStatement, ...], tuple[ConsensusStatement, ...]]:
    result = []
    for kind, count in (("agree", agree), ("disagree", disagree)):
        c = count.astype(np.float64)
        s = seen.astype(np.float64)
        p = (c + 1) / (s + 2)
        z = _prop_test(c, s)
        ok = np.flatnonzero((~excluded) & (p > 0.5) & (z > Z_90))
        ok = ok[np.argsort(-(p[ok] * z[ok]), kind="stable")][:MAX_CONSENSUS]
        result.append(
            tuple(
                ConsensusStatement(
                    statement=int(j),
                    kind=kind,
                    count=int(count[j]),
                    seen=int(seen[j]),
                    percent=float(100 * p[j]),
                    p_test=float(z[j]),
                )
                for j in ok
            )
        )
    return result[0], result[1]


# --------------------------------------------------------------------------- analyse


def analyse(
    matrix: VoteMatrix,
    *,
    actor_groups: np.ndarray | None = None,
    seed: int = 0,
    previous: SmoothingState | None = None,
    min_votes: int = 7,
    min_clustered: int = 15,
    consensus_min_votes: int = 5,
    imputation: str = "mean",
) -> Analysis:
    """Run the whole Pol.is update on ``matrix``. See the module docstring."""
    n, m = matrix.n_participants, matrix.n_statements
    excluded = matrix.excluded
    rows, cols32, vals = matrix.rows, matrix.cols, matrix.values
    nnz = rows.size
    if nnz and np.any(rows[1:] < rows[:-1]):
        order = _order_by_row(rows, n)
        rows, cols32, vals = rows[order], cols32[order], vals[order]
    # Votes are now grouped by participant: participant i's are indptr[i]:indptr[i+1].
    indptr = np.searchsorted(rows, np.arange(n + 1, dtype=np.int64 if n >= 2**31 - 1 else rows.dtype))
    vote_counts = np.diff(indptr)
    voted = vote_counts > 0
    cols = cols32.astype(np.intp)
    colval = cols * 3
    colval += vals  # 3j-1 disagree, 3j pass, 3j+1 agree: shifted by one below
    colval += 1
    per_statement = np.bincount(colval, minlength=3 * m).reshape(m, 3)  # disagree, pass, agree

    # ---- PCA on the zeroed, centred, sparse matrix
    zeroed = excluded | matrix.meta  # columns Pol.is overwrites with passes
    if zeroed.any() and nnz:
        keep = ~zeroed[cols]
        kept = np.concatenate([[0], np.cumsum(keep)])
        pindptr = kept[indptr]
        pcol, pval = cols32[keep], vals[keep]
    else:
        pindptr, pcol, pval = indptr, cols32, vals
    col_sum = np.where(zeroed, 0, per_statement[:, 2] - per_statement[:, 0]).astype(np.float64)
    if imputation == "mean":
        col_n = np.where(zeroed, 0, per_statement.sum(axis=1))
        center = np.divide(col_sum, col_n, out=np.zeros(m), where=col_n > 0)
    elif imputation == "zero":
        center = col_sum / max(int(voted.sum()), 1)
    else:
        raise ValueError(f"imputation must be 'mean' or 'zero', not {imputation!r}")
    data = pval - center[pcol]
    index_dtype = np.int32 if max(data.size, m) < 2**31 else np.int64
    indices = pcol.astype(index_dtype, copy=False)
    pindptr = pindptr.astype(index_dtype)
    centred = sp.csr_matrix((data, indices, pindptr), shape=(n, m))  # the centred votes; imputed cells are 0
    if imputation == "mean":
        op, op_t = centred, centred.T
        shift_rows = None
    else:
        # Missing votes imputed with 0: centred, they become -center_j, so the matrix is
        # the raw votes minus a rank-one term over the voters' rows.
        op = sp.csr_matrix((pval.astype(np.float64), indices, pindptr), shape=(n, m))
        op_t = op.T
        shift_rows = voted.astype(np.float64)

    def matvec(v: np.ndarray) -> np.ndarray:
        out = op @ v
        if shift_rows is not None:
            out -= shift_rows * float(center @ v)
        return out

    def rmatvec(u: np.ndarray) -> np.ndarray:
        out = op_t @ u
        if shift_rows is not None:
            out -= center * float(shift_rows @ u)
        return out

    rng = np.random.default_rng(seed)
    start = rng.standard_normal((m, 2))
    prev_components = None
    if previous is not None and np.asarray(previous.components).ndim == 2:
        pc = np.asarray(previous.components, dtype=np.float64)
        if pc.shape[0] == 2 and pc.shape[1] <= m:
            prev_components = np.zeros((2, m))
            prev_components[:, : pc.shape[1]] = pc
            if np.linalg.norm(prev_components) > 0:
                start = start * 1e-3 / math.sqrt(max(m, 1)) + prev_components.T

    threads = ThreadPoolExecutor(max_workers=2) if data.size >= _THREADED_NNZ else None
    try:
        if not data.size:
            eigenvalues, components = np.zeros(2), np.zeros((2, m))
        elif m <= _DENSE_MAX_STATEMENTS and n * m <= _DENSE_MAX_CELLS:
            # Small matrix: the exact eigendecomposition of the m x m Gram matrix is cheapest.
            dense = op.toarray()
            if shift_rows is not None:
                dense -= shift_rows[:, None] * center[None, :]
            theta, vectors = np.linalg.eigh(dense.T @ dense)
            top = np.argsort(-theta, kind="stable")[:2]
            eigenvalues = np.zeros(2)
            components = np.zeros((2, m))
            eigenvalues[: top.size] = np.maximum(theta[top], 0)
            components[: top.size] = vectors[:, top].T
        else:
            eigenvalues, components = _top_two_components(matvec, rmatvec, m, start, threads)
        for c in range(2):
            sign = 0.0
            if prev_components is not None:
                dot = float(components[c] @ prev_components[c])
                if abs(dot) > 1e-12:
                    sign = 1.0 if dot > 0 else -1.0
            if sign == 0.0:
                sign = _sign_rule(components[c])
            components[c] *= sign

        # ---- projection: each participant from the votes they cast only
        if threads is not None:
            proj = np.column_stack(list(threads.map(lambda v: centred @ v, [components[0], components[1]])))
        else:
            proj = centred @ components.T
    finally:
        if threads is not None:
            threads.shutdown()
    n_zeroed = int(zeroed.sum())
    n_scaled = np.diff(pindptr) + n_zeroed  # zeroed columns count as passes for everybody
    positions = np.full((n, 2), np.nan)
    if m:
        scale = np.sqrt(m / np.maximum(n_scaled[voted], 1))
        positions[voted] = proj[voted] * scale[:, None]
    statement_positions = (math.sqrt(m) * (1.0 - center))[:, None] * components.T if m else np.zeros((0, 2))
    extremity = np.sqrt((statement_positions**2).sum(axis=1))

    # ---- who is clustered
    threshold = min(min_votes, m)
    clustered = voted & (vote_counts >= threshold)
    if previous is not None:
        prev_idx = np.asarray(previous.clustered, dtype=np.int64)
        prev_idx = prev_idx[(prev_idx >= 0) & (prev_idx < n)]
        sticky = np.zeros(n, dtype=bool)
        sticky[prev_idx] = True
        clustered |= sticky & voted
    missing = min_clustered - int(clustered.sum())
    if missing > 0:
        pool = np.flatnonzero(voted & ~clustered)
        pool = pool[np.argsort(-vote_counts[pool], kind="stable")]
        clustered[pool[:missing]] = True
    members = np.flatnonzero(clustered)

    # ---- base clusters
    base_labels = np.full(n, -1, dtype=np.int64)
    pts = positions[members]
    if members.size:
        init_idx = _first_distinct(pts, BASE_K)
        lab, base_centres = _kmeans(pts, np.ones(members.size), pts[init_idx])
        # Base centres in a canonical order (by position), so the group level does not depend on the
        # order participants arrived in whenever the base clusters themselves do not.
        order = np.lexsort((base_centres[:, 1], base_centres[:, 0]))
        base_centres = base_centres[order]
        lab = np.argsort(order)[lab]
        base_labels[members] = lab
        base_weights = np.bincount(lab, minlength=base_centres.shape[0]).astype(np.int64)
    else:
        base_centres = np.zeros((0, 2))
        base_weights = np.zeros(0, dtype=np.int64)
    n_base = base_centres.shape[0]

    # ---- opinion groups for each k, silhouette on the base centres
    silhouettes: dict[int, float] = {}
    labelings: dict[int, np.ndarray] = {}
    if n_base >= 2:
        max_k = min(MAX_GROUPS, 2 + n_base // 12, n_base)
        group_rng = np.random.default_rng([seed, 1])
        first = _first_distinct(base_centres, max_k)
        zc = _as_complex(base_centres)
        dist = np.abs(zc[:, None] - zc[None, :])
        weights = base_weights.astype(np.float64)
        for kk, glab in _group_kmeans(base_centres, weights, first, group_rng, GROUP_RESTARTS).items():
            silhouettes[kk] = _silhouette(dist, glab)
            labelings[kk] = glab
    best_k = max(silhouettes, key=lambda kk: (silhouettes[kk], -kk)) if silhouettes else 0

    # ---- k-smoother
    if best_k == 0:
        k = 1 if n_base >= 1 else 0
        candidate_k, streak = 0, 0
        base_groups = np.zeros(n_base, dtype=np.int64)
    else:
        k, candidate_k, streak = best_k, 0, 0
        if previous is not None and previous.k in labelings and previous.k != best_k:
            streak = previous.candidate_streak + 1 if previous.candidate_k == best_k else 1
            if streak >= K_BUFFER:
                k, candidate_k, streak = best_k, 0, 0
            else:
                k, candidate_k = previous.k, best_k
        base_groups = labelings[k]

    if members.size and k:
        # Groups numbered by their earliest participant, so labels stay put as people arrive.
        member_groups = base_groups[base_labels[members]]
        present, first_member = np.unique(member_groups, return_index=True)
        rank = np.arange(k)
        rank[present[np.argsort(first_member, kind="stable")]] = np.arange(present.size)
        base_groups = rank[base_groups]
    groups = np.full(n, -1, dtype=np.int64)
    if members.size:
        groups[members] = base_groups[base_labels[members]]
    if k:
        gw = np.bincount(base_groups, weights=base_weights, minlength=k)
        group_centres = np.column_stack(
            [
                np.bincount(base_groups, weights=base_weights * base_centres[:, 0], minlength=k) / gw,
                np.bincount(base_groups, weights=base_weights * base_centres[:, 1], minlength=k) / gw,
            ]
        )
    else:
        group_centres = np.zeros((0, 2))

    # ---- counts per group (votes as cast, rejected statements included)
    agree, disagree, seen = _count_by_label(groups, vote_counts, k, colval, m)

    actor_fields: dict[str, Any] = dict.fromkeys(
        (
            "actor_labels",
            "actor_agree",
            "actor_disagree",
            "actor_seen",
            "actor_consensus",
            "actor_consensus_mean",
            "actor_consensus_eligible",
        )
    )
    if actor_groups is not None:
        ag = np.asarray(actor_groups, dtype=np.int64)
        if ag.shape != (n,):
            raise ValueError("actor_groups must have one label per participant")
        labels = np.unique(ag[voted & (ag >= 0)])
        actor_index = np.full(n, -1, dtype=np.int64)
        present = np.isin(ag, labels)
        actor_index[present] = np.searchsorted(labels, ag[present])
        a_agree, a_disagree, a_seen = _count_by_label(actor_index, vote_counts, labels.size, colval, m)
        a_gac, a_mean, a_ok = _gac(a_agree, a_seen, zeroed, consensus_min_votes)
        actor_fields.update(
            actor_labels=labels,
            actor_agree=a_agree,
            actor_disagree=a_disagree,
            actor_seen=a_seen,
            actor_consensus=a_gac,
            actor_consensus_mean=a_mean,
            actor_consensus_eligible=a_ok,
        )

    gac, gac_mean, gac_ok = _gac(agree, seen, zeroed, consensus_min_votes)
    representative = _representative(agree, disagree, seen, zeroed)

    # ---- classic consensus over all voters
    consensus_agree, consensus_disagree = _classic_consensus(
        per_statement[:, 2], per_statement[:, 0], per_statement.sum(axis=1), zeroed
    )

    # ---- routing priority
    tot_a = agree.sum(axis=0).astype(np.float64)
    tot_d = disagree.sum(axis=0).astype(np.float64)
    tot_s = seen.sum(axis=0).astype(np.float64)
    tot_p = tot_s - tot_a - tot_d
    importance = (1 - (tot_p + 1) / (tot_s + 2)) * (extremity + 1) * (tot_a + 1) / (tot_s + 2)
    priority = (importance * (1 + 8 * 2 ** (-tot_s / 5))) ** 2
    priority[matrix.meta] = META_PRIORITY**2
    priority[excluded] = 0.0

    state = SmoothingState(
        k=int(k),
        candidate_k=int(candidate_k),
        candidate_streak=int(streak),
        components=components.copy(),
        clustered=members.astype(np.int64),
    )
    return Analysis(
        n_participants=n,
        n_statements=m,
        vote_counts=vote_counts.astype(np.int64),
        positions=positions,
        clustered=clustered,
        groups=groups,
        k=int(k),
        best_k=int(best_k),
        silhouettes=silhouettes,
        base_labels=base_labels,
        base_centres=base_centres,
        base_weights=base_weights,
        base_groups=base_groups.astype(np.int64),
        group_centres=group_centres,
        components=components,
        eigenvalues=eigenvalues,
        center=center,
        statement_positions=statement_positions,
        extremity=extremity,
        agree=agree,
        disagree=disagree,
        seen=seen,
        representative=representative,
        group_consensus=gac,
        group_consensus_mean=gac_mean,
        group_consensus_eligible=gac_ok,
        consensus_agree=consensus_agree,
        consensus_disagree=consensus_disagree,
        priority=priority,
        state=state,
        **actor_fields,
    )
