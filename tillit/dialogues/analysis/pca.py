"""The opinion map's two axes (step 2 of the method): principal components of the centred votes.

``center`` is the mean of each statement's cast votes (pass = 0). Missing votes are imputed with that mean, so after
centring they are exactly 0: the PCA is the truncated SVD of the *sparse* centred matrix, in which only cast votes
are non-zero. Columns of rejected and meta statements are zeroed (Pol.is overwrites them with passes). The top two
components come from a block Lanczos iteration (block size 2, full re-orthogonalisation, seeded random start plus
the previous components when given) run until the residuals are below 1e-9 of the top eigenvalue; small matrices
(at most 100 statements) use an exact dense eigendecomposition instead. Signs follow the previous components when
given; otherwise the largest loading of each is made positive. ``imputation="zero"`` fills missing votes with 0
instead, as Pol.is did before its 2017 change; it exists to compare with old Pol.is exports.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from tillit.dialogues.analysis.matrix import PreparedVotes

__all__ = ["CentredVotes", "centre", "principal_components", "sign_rule", "threads_for", "top_two_components"]

THREADED_NNZ = 200_000  # from this many votes on, the two PCA vectors are multiplied in two threads
DENSE_MAX_STATEMENTS = 100  # up to this many statements (and cells below) the PCA is a dense eigh
DENSE_MAX_CELLS = 2_000_000

Vector = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class CentredVotes:
    """The votes centred on each statement's mean, as the PCA and the projection read them."""

    center: np.ndarray  # (m,) the mean of each statement's cast votes (0 for zeroed columns)
    centred: Any  # scipy.sparse.csr_matrix (n, m): cast votes minus the mean; imputed cells are 0
    operator: Any  # the matrix the PCA decomposes: `centred`, or the raw votes under imputation="zero"
    operator_t: Any  # its transpose
    shift_rows: np.ndarray | None  # imputation="zero": the voters' rows, shifted by the rank-one term
    indptr: np.ndarray  # per participant, where their kept (not zeroed) votes start in `centred`

    @property
    def kept(self) -> int:
        """How many votes the PCA reads (those on zeroed columns left out)."""
        return int(self.indptr[-1]) if self.indptr.size else 0

    def matvec(self, v: np.ndarray) -> np.ndarray:
        out: np.ndarray = self.operator @ v
        if self.shift_rows is not None:
            out -= self.shift_rows * float(self.center @ v)
        return out

    def rmatvec(self, u: np.ndarray) -> np.ndarray:
        out: np.ndarray = self.operator_t @ u
        if self.shift_rows is not None:
            out -= self.center * float(self.shift_rows @ u)
        return out


def centre(votes: PreparedVotes, imputation: str = "mean") -> CentredVotes:
    """The centred sparse matrix of the votes not on zeroed columns; ValueError for an unknown imputation."""
    n, m, zeroed = votes.n, votes.m, votes.zeroed
    if zeroed.any() and votes.nnz:
        keep = ~zeroed[votes.cols]
        kept = np.concatenate([[0], np.cumsum(keep)])
        pindptr = kept[votes.indptr]
        pcol, pval = votes.cols[keep], votes.values[keep]
    else:
        pindptr, pcol, pval = votes.indptr, votes.cols, votes.values
    per_statement = votes.per_statement
    col_sum = np.where(zeroed, 0, per_statement[:, 2] - per_statement[:, 0]).astype(np.float64)
    if imputation == "mean":
        col_n = np.where(zeroed, 0, per_statement.sum(axis=1))
        center = np.divide(col_sum, col_n, out=np.zeros(m), where=col_n > 0)
    elif imputation == "zero":
        center = col_sum / max(int(votes.voted.sum()), 1)
    else:
        raise ValueError(f"imputation must be 'mean' or 'zero', not {imputation!r}")
    data = pval - center[pcol]
    index_dtype = np.int32 if max(data.size, m) < 2**31 else np.int64
    indices = pcol.astype(index_dtype, copy=False)
    pindptr = pindptr.astype(index_dtype)
    centred = sp.csr_matrix((data, indices, pindptr), shape=(n, m))
    if imputation == "mean":
        return CentredVotes(center, centred, centred, centred.T, None, pindptr)
    # Missing votes imputed with 0: centred, they become -center_j, so the matrix is the raw votes minus a rank-one
    # term over the voters' rows.
    raw = sp.csr_matrix((pval.astype(np.float64), indices, pindptr), shape=(n, m))
    return CentredVotes(center, centred, raw, raw.T, votes.voted.astype(np.float64), pindptr)


@contextmanager
def threads_for(votes: int) -> Iterator[ThreadPoolExecutor | None]:
    """Two threads for the products with the two vectors of the PCA and the projection, when there are enough
    votes for it to pay; None otherwise."""
    if votes < THREADED_NNZ:
        yield None
        return
    threads = ThreadPoolExecutor(max_workers=2)
    try:
        yield threads
    finally:
        threads.shutdown()


def principal_components(
    centred: CentredVotes, *, seed: int, previous: np.ndarray | None, threads: ThreadPoolExecutor | None
) -> tuple[np.ndarray, np.ndarray]:
    """Step 2: the top two eigenvalues (2,) and components (2, m) of the centred votes, signs aligned with the
    `previous` components (2, m' ≤ m) when given, else with the largest loading positive."""
    m = centred.center.size
    rng = np.random.default_rng(seed)
    start = rng.standard_normal((m, 2))
    prev_components = None
    if previous is not None and np.asarray(previous).ndim == 2:
        pc = np.asarray(previous, dtype=np.float64)
        if pc.shape[0] == 2 and pc.shape[1] <= m:
            prev_components = np.zeros((2, m))
            prev_components[:, : pc.shape[1]] = pc
            if np.linalg.norm(prev_components) > 0:
                start = start * 1e-3 / math.sqrt(max(m, 1)) + prev_components.T
    n = centred.indptr.size - 1
    if not centred.kept:
        eigenvalues, components = np.zeros(2), np.zeros((2, m))
    elif m <= DENSE_MAX_STATEMENTS and n * m <= DENSE_MAX_CELLS:
        eigenvalues, components = _dense_top_two(centred, m)
    else:
        eigenvalues, components = top_two_components(centred.matvec, centred.rmatvec, m, start, threads)
    for c in range(2):
        sign = 0.0
        if prev_components is not None:
            dot = float(components[c] @ prev_components[c])
            if abs(dot) > 1e-12:
                sign = 1.0 if dot > 0 else -1.0
        if sign == 0.0:
            sign = sign_rule(components[c])
        components[c] *= sign
    return eigenvalues, components


def _dense_top_two(centred: CentredVotes, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Small matrix: the exact eigendecomposition of the m x m Gram matrix is cheapest."""
    dense: np.ndarray = centred.operator.toarray()
    if centred.shift_rows is not None:
        dense -= centred.shift_rows[:, None] * centred.center[None, :]
    theta, vectors = np.linalg.eigh(dense.T @ dense)
    top = np.argsort(-theta, kind="stable")[:2]
    eigenvalues = np.zeros(2)
    components = np.zeros((2, m))
    eigenvalues[: top.size] = np.maximum(theta[top], 0)
    components[: top.size] = vectors[:, top].T
    return eigenvalues, components


def sign_rule(vec: np.ndarray) -> float:
    """+1 or -1 so that the largest-magnitude entry (first one on a near tie) is positive."""
    if vec.size == 0:
        return 1.0
    mags = np.abs(vec)
    top = mags.max()
    if top == 0:
        return 1.0
    j = int(np.flatnonzero(mags >= top * (1 - 1e-9))[0])
    return -1.0 if vec[j] < 0 else 1.0


def top_two_components(
    matvec: Vector, rmatvec: Vector, m: int, start: np.ndarray, threads: ThreadPoolExecutor | None
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
