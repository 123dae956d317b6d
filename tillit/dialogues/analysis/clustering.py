"""Who is clustered, and into which groups (steps 4 to 6 of the method, with the numbering of the groups).

4. **Who is clustered.** Participants with at least ``min(min_votes, m)`` votes, plus everybody clustered in the
   previous update (membership is sticky). If fewer than ``min_clustered`` qualify, the most active remaining voters
   are added (most votes first, then lowest index) until there are ``min_clustered``.
5. **Base clusters.** Lloyd's k-means with up to 100 centres on the clustered participants' positions, initialised
   with the first 100 distinct positions in participant order; at most 100 iterations, stopping once no centre moves
   0.01 or more; empty clusters are dropped.
6. **Opinion groups.** Weighted k-means (weights = members) of the base centres for k = 2 .. max_k,
   ``max_k = min(5, 2 + n_base // 12)``. Pol.is starts from the first k base centres and lets its warm starts refine
   the groups over many updates; a single cold run from that start often stops in a poor local optimum, so
   ``GROUP_RESTARTS`` weighted k-means++ starts (seeded) are run too and the run with the lowest within-group sum of
   squares is kept (on a tie, Pol.is's start). Each k is scored by the mean silhouette of the base centres
   (unweighted; a centre alone in its group scores 0); the best wins, ties to the smaller k. After the k-smoother
   (`state.smooth_k`) has chosen the k shown, groups are numbered by their earliest participant and participants
   inherit the group of their base cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tillit.dialogues.analysis.matrix import PreparedVotes

__all__ = [
    "BASE_K",
    "GROUP_RESTARTS",
    "MAX_GROUPS",
    "BaseClusters",
    "Groupings",
    "OpinionGroups",
    "as_complex",
    "base_clusters",
    "candidate_groupings",
    "clustered_participants",
    "first_distinct",
    "group_kmeans",
    "kmeans",
    "kmeanspp",
    "opinion_groups",
    "silhouette",
]

BASE_K = 100
KMEANS_MAX_ITER = 100
KMEANS_TOL = 0.01
MAX_GROUPS = 5
GROUP_RESTARTS = 31  # k-means++ starts tried besides Pol.is's own for each k of the group clustering


# Steps ------------------------------------------------------------------------------------------------------------


def clustered_participants(
    votes: PreparedVotes, *, sticky: np.ndarray | None, min_votes: int, min_clustered: int
) -> np.ndarray:
    """Step 4: who is clustered (bool per participant). `sticky` are the indices clustered in the previous update."""
    n, voted, vote_counts = votes.n, votes.voted, votes.vote_counts
    clustered = voted & (vote_counts >= min(min_votes, votes.m))
    if sticky is not None:
        prev_idx = np.asarray(sticky, dtype=np.int64)
        prev_idx = prev_idx[(prev_idx >= 0) & (prev_idx < n)]
        before = np.zeros(n, dtype=bool)
        before[prev_idx] = True
        clustered |= before & voted
    missing = min_clustered - int(clustered.sum())
    if missing > 0:
        pool = np.flatnonzero(voted & ~clustered)
        pool = pool[np.argsort(-vote_counts[pool], kind="stable")]
        clustered[pool[:missing]] = True
    return clustered


@dataclass(frozen=True)
class BaseClusters:
    labels: np.ndarray  # (n,) base cluster per participant, -1 = not clustered
    centres: np.ndarray  # (n_base, 2), in a canonical order (by position)
    weights: np.ndarray  # (n_base,) members per base cluster

    @property
    def size(self) -> int:
        return int(self.centres.shape[0])


def base_clusters(positions: np.ndarray, members: np.ndarray) -> BaseClusters:
    """Step 5: k-means of the clustered participants (`members`, their indices) into up to BASE_K base clusters."""
    labels = np.full(positions.shape[0], -1, dtype=np.int64)
    if not members.size:
        return BaseClusters(labels, np.zeros((0, 2)), np.zeros(0, dtype=np.int64))
    pts = positions[members]
    init_idx = first_distinct(pts, BASE_K)
    lab, centres = kmeans(pts, np.ones(members.size), pts[init_idx])
    # Base centres in a canonical order (by position), so the group level does not depend on the order participants
    # arrived in whenever the base clusters themselves do not.
    order = np.lexsort((centres[:, 1], centres[:, 0]))
    centres = centres[order]
    lab = np.argsort(order)[lab]
    labels[members] = lab
    return BaseClusters(labels, centres, np.bincount(lab, minlength=centres.shape[0]).astype(np.int64))


@dataclass(frozen=True)
class Groupings:
    """The grouping of the base clusters for every k tried, and how clearly each separates."""

    silhouettes: dict[int, float]  # mean silhouette of the base centres per tried k
    labelings: dict[int, np.ndarray]  # per k: the group of each base cluster
    best_k: int  # the silhouette winner (0 when no grouping was possible)


def candidate_groupings(base: BaseClusters, seed: int) -> Groupings:
    """Step 6: the base clusters grouped for every k from 2 to max_k, each scored by its silhouette."""
    silhouettes: dict[int, float] = {}
    labelings: dict[int, np.ndarray] = {}
    n_base = base.size
    if n_base >= 2:
        max_k = min(MAX_GROUPS, 2 + n_base // 12, n_base)
        group_rng = np.random.default_rng([seed, 1])
        first = first_distinct(base.centres, max_k)
        zc = as_complex(base.centres)
        dist = np.abs(zc[:, None] - zc[None, :])
        weights = base.weights.astype(np.float64)
        for kk, glab in group_kmeans(base.centres, weights, first, group_rng, GROUP_RESTARTS).items():
            silhouettes[kk] = silhouette(dist, glab)
            labelings[kk] = glab
    best_k = max(silhouettes, key=lambda kk: (silhouettes[kk], -kk)) if silhouettes else 0
    return Groupings(silhouettes, labelings, best_k)


@dataclass(frozen=True)
class OpinionGroups:
    groups: np.ndarray  # (n,) int, -1 = not clustered
    base_groups: np.ndarray  # (n_base,) opinion group of each base cluster
    centres: np.ndarray  # (k, 2)


def opinion_groups(base: BaseClusters, base_groups: np.ndarray, k: int, members: np.ndarray) -> OpinionGroups:
    """The `k` groups shown, numbered by their earliest participant so that labels stay put as people arrive."""
    if members.size and k:
        member_groups = base_groups[base.labels[members]]
        present, first_member = np.unique(member_groups, return_index=True)
        rank = np.arange(k)
        rank[present[np.argsort(first_member, kind="stable")]] = np.arange(present.size)
        base_groups = rank[base_groups]
    groups = np.full(base.labels.shape[0], -1, dtype=np.int64)
    if members.size:
        groups[members] = base_groups[base.labels[members]]
    if k:
        gw = np.bincount(base_groups, weights=base.weights, minlength=k)
        centres = np.column_stack(
            [
                np.bincount(base_groups, weights=base.weights * base.centres[:, 0], minlength=k) / gw,
                np.bincount(base_groups, weights=base.weights * base.centres[:, 1], minlength=k) / gw,
            ]
        )
    else:
        centres = np.zeros((0, 2))
    return OpinionGroups(groups, base_groups.astype(np.int64), centres)


# The algorithms ---------------------------------------------------------------------------------------------------


def as_complex(points: np.ndarray) -> np.ndarray:
    """2-D points (n, 2) as complex numbers x + iy: distances are then ``abs(z - c)``."""
    z = np.empty(points.shape[0], dtype=np.complex128)
    z.real = points[:, 0]
    z.imag = points[:, 1]
    return z


def kmeans(
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
    z = as_complex(np.asarray(points, dtype=np.float64))
    w = np.asarray(weights, dtype=np.float64)
    wx, wy = w * z.real, w * z.imag
    centres = as_complex(np.asarray(init, dtype=np.float64))

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


def kmeanspp(z: np.ndarray, weights: np.ndarray, k: int, starts: int, rng: np.random.Generator) -> np.ndarray:
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


def group_kmeans(
    points: np.ndarray, weights: np.ndarray, first: np.ndarray, rng: np.random.Generator, restarts: int
) -> dict[int, np.ndarray]:
    """Weighted k-means of the base centres into k groups for every k = 2 .. ``first.size``.

    For each k, start 0 is Pol.is's: the points ``first[:k]`` (the first k distinct ones);
    the others are ``restarts`` weighted k-means++ seedings drawn from ``rng``. Every start
    runs Lloyd's iterations with the rules of :func:`kmeans` (all starts of all k at once,
    the unused centre slots of the smaller k parked at infinity); a start that empties a
    group is discarded. For each k the start with the lowest weighted within-group sum of
    squares wins (the earliest on a tie). Groups are numbered in the order of their first
    point. Returns {k: labels per point} for the k where some start kept k groups.
    """
    max_k = first.size
    ks = list(range(2, max_k + 1))
    if not ks:
        return {}
    z = as_complex(points)
    starts: list[np.ndarray] = []
    start_ks: list[int] = []
    for k in ks:
        seeds = kmeanspp(z, weights, k, restarts, rng) if restarts else np.zeros((0, k), dtype=np.intp)
        seeds = seeds[(seeds >= 0).all(axis=1)]
        block = np.full((1 + seeds.shape[0], max_k), -1, dtype=np.intp)
        block[0, :k] = first[:k]
        block[1:, :k] = seeds
        starts.append(block)
        start_ks += [k] * block.shape[0]
    start_idx = np.vstack(starts)  # (r, max_k), -1 = unused slot
    start_k = np.asarray(start_ks)
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


def first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """Indices of the first ``k`` distinct rows of the (n, 2) ``points``, in row order."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.intp)
    _, first = np.unique(as_complex(points), return_index=True)
    first.sort()
    return first[:k]


def silhouette(dist: np.ndarray, labels: np.ndarray) -> float:
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
