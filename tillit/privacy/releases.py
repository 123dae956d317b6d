"""What successive publications of one result reveal together.

A result is published once and frozen where it can be (a workshop's results, a barometer round's). Where it
cannot, because what it rests on may still change after readers have seen it (a dialogue with live results, or
one whose statements are moderated after it closed), every new version is a *release*, and a reader may hold
two: before and after one person's input, their difference is that input. Each release on its own has passed the
anonymity rules; this module decides whether a new release, read together with the previous one, determines
anything about fewer than k people.

**Classes.** The people a result is about are described by *classes*: every combination of what either release
tells about a person (their opinion group then and now, whether they had voted then and now, their actor group,
…), given as integer coordinates, one row per class, with how many people are in it. A shown figure of either
release is a sum over the people of some classes; it is given as those classes' indices. The values summed (how
people voted) never enter: every figure of a shown group is a sum over the same people, so protecting the groups
protects every figure of them, as in `breakdowns`.

**What must not follow.** Every *crossing* of the coordinates (fix one or more of them, and take the people who
match) with at least one and fewer than k people: "who voted since the last release, in opinion group A", "the
politicians who left group B", and every class itself. A crossing is determined when its indicator lies in the
span of the shown figures' indicators; empty classes are known to be empty (the pessimistic assumption).

The test is a least-squares residual against the span of the shown rows, computed through their Gram matrix, so
its cost grows with the number of shown figures squared, not with the number of classes: a release of a few
hundred figures over tens of thousands of classes takes milliseconds. `audit.determined` is the exact check the
property tests hold it to.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from scipy import sparse

__all__ = ["classes_of", "determined", "reveals_small_group", "small_crossings"]

_EIGENVALUE_TOLERANCE = 1e-9
_RESIDUAL_TOLERANCE = 1e-6
_DENSE_UP_TO = 4000  # classes: below this the matrices are small enough to be dense, which is faster


def classes_of(coordinates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct rows of `coordinates` (one row per person: the classes), each person's class, and how many
    people each class has."""
    coordinates = np.asarray(coordinates, dtype=np.int64)
    if coordinates.ndim != 2:
        raise ValueError("Give one row of coordinates per person.")
    codes = _codes(coordinates)
    unique, first, class_of = np.unique(codes, return_index=True, return_inverse=True)
    return coordinates[first], class_of.ravel(), np.bincount(class_of.ravel(), minlength=len(unique))


def determined(sizes: np.ndarray, visible: Sequence[np.ndarray], candidates: Sequence[np.ndarray]) -> np.ndarray:
    """For each candidate (class indices), whether its sum follows from the `visible` sums (class indices each).

    Classes of size 0 are known to be empty; a candidate with nobody in it is reported as not determined (there is
    nothing to protect).
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    if not len(candidates):
        return np.zeros(0, dtype=bool)
    nonempty = np.flatnonzero(sizes > 0)
    column = np.full(len(sizes), -1, dtype=np.int64)
    column[nonempty] = np.arange(len(nonempty))
    dense = len(nonempty) <= _DENSE_UP_TO
    candidate_matrix = _indicators(candidates, column, len(nonempty), dense=dense)
    visible_matrix = _indicators(visible, column, len(nonempty), dense=dense)
    lengths = np.asarray(candidate_matrix.sum(axis=1)).ravel()
    if visible_matrix.shape[0] == 0 or not visible_matrix.sum():
        return np.zeros(len(candidates), dtype=bool)
    if dense:
        return _determined_dense(np.asarray(visible_matrix), np.asarray(candidate_matrix))
    gram = (visible_matrix @ visible_matrix.T).toarray()
    projected = (visible_matrix @ candidate_matrix.T).toarray()
    eigenvalues, eigenvectors = np.linalg.eigh(np.asarray(gram, dtype=float))
    keep = eigenvalues > _EIGENVALUE_TOLERANCE * max(1.0, float(eigenvalues.max()))
    # The row space's orthonormal basis is Vᵀ U Λ^(-1/2); a candidate's projection on it follows from V c.
    coordinates = (eigenvectors[:, keep].T @ np.asarray(projected, dtype=float)) / np.sqrt(eigenvalues[keep])[:, None]
    residual = lengths - (coordinates**2).sum(axis=0)
    found: np.ndarray = (lengths > 0) & (residual < _RESIDUAL_TOLERANCE * np.maximum(1.0, lengths))
    return found


def small_crossings(coordinates: np.ndarray, sizes: np.ndarray, k: int) -> list[np.ndarray]:
    """Every crossing of the classes' coordinates with at least one and fewer than `k` people, as class indices.

    A crossing fixes the values of one or more coordinates (every class is the crossing that fixes them all). The
    same set of classes may come more than once, as different crossings."""
    rows, classes = _small_crossing_pairs(coordinates, sizes, k)
    if not len(rows):
        return []
    order = np.argsort(rows, kind="stable")
    boundaries = np.flatnonzero(np.diff(rows[order])) + 1
    return [np.sort(part) for part in np.split(classes[order], boundaries)]


def reveals_small_group(sizes: np.ndarray, visible: Sequence[np.ndarray], coordinates: np.ndarray, k: int) -> bool:
    """Whether the `visible` sums (class indices each) determine any crossing of fewer than k people."""
    sizes = np.asarray(sizes, dtype=np.int64)
    if not ((sizes > 0) & (sizes < k)).any():
        return False  # every class is empty or meets k, so does every crossing (a union of classes)
    rows, classes = _small_crossing_pairs(coordinates, sizes, k)
    if not len(rows):
        return False
    nonempty = np.flatnonzero(sizes > 0)
    column = np.full(len(sizes), -1, dtype=np.int64)
    column[nonempty] = np.arange(len(nonempty))
    candidates = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, column[classes])), shape=(int(rows.max()) + 1, len(nonempty))
    )
    visible_matrix = _indicators(visible, column, len(nonempty), dense=len(nonempty) <= _DENSE_UP_TO)
    if not visible_matrix.sum():
        return False
    gram = visible_matrix @ visible_matrix.T
    gram = gram.toarray() if sparse.issparse(gram) else gram
    projected = candidates @ visible_matrix.T  # candidates × shown, small
    projected = projected.toarray() if sparse.issparse(projected) else np.asarray(projected)
    eigenvalues, eigenvectors = np.linalg.eigh(np.asarray(gram, dtype=float))
    keep = eigenvalues > _EIGENVALUE_TOLERANCE * max(1.0, float(eigenvalues.max()))
    coordinates = (projected @ eigenvectors[:, keep]) / np.sqrt(eigenvalues[keep])[None, :]
    lengths = np.asarray(candidates.sum(axis=1)).ravel()
    residual = lengths - (coordinates**2).sum(axis=1)
    return bool(((lengths > 0) & (residual < _RESIDUAL_TOLERANCE * np.maximum(1.0, lengths))).any())


def _small_crossing_pairs(coordinates: np.ndarray, sizes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The small crossings as (crossing number, class) pairs, over the occupied classes."""
    coordinates = np.asarray(coordinates, dtype=np.int64)
    sizes = np.asarray(sizes, dtype=np.int64)
    if coordinates.ndim != 2 or len(coordinates) != len(sizes):
        raise ValueError("Give one row of coordinates per class.")
    occupied = np.flatnonzero(sizes > 0)
    if not len(occupied):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    shifted = coordinates[occupied] - coordinates[occupied].min(axis=0)
    spans = shifted.max(axis=0) + 1
    weights = sizes[occupied]
    rows: list[np.ndarray] = []
    classes: list[np.ndarray] = []
    count = 0
    dimensions = coordinates.shape[1]
    for size in range(1, dimensions + 1):
        for columns in itertools.combinations(range(dimensions), size):
            radix = np.ones(size, dtype=np.int64)
            for position in range(size - 2, -1, -1):
                radix[position] = radix[position + 1] * spans[columns[position + 1]]
            _, cell = np.unique(shifted[:, list(columns)] @ radix, return_inverse=True)
            cell = cell.ravel()
            totals = np.bincount(cell, weights=weights)
            small = (totals > 0) & (totals < k)
            if small.any():
                inside = small[cell]
                renumbered = np.cumsum(small) - 1
                rows.append(renumbered[cell[inside]] + count)
                classes.append(occupied[inside])
                count += int(small.sum())
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(classes)


def _determined_dense(visible: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Whether each candidate row lies in the span of the visible rows (both 0/1 over the same columns)."""
    lengths = candidates.sum(axis=1)
    if not len(candidates) or not visible.any():
        return np.zeros(len(candidates), dtype=bool)
    eigenvalues, eigenvectors = np.linalg.eigh(visible @ visible.T)
    keep = eigenvalues > _EIGENVALUE_TOLERANCE * max(1.0, float(eigenvalues.max()))
    coordinates = (eigenvectors[:, keep].T @ (visible @ candidates.T)) / np.sqrt(eigenvalues[keep])[:, None]
    residual = lengths - (coordinates**2).sum(axis=0)
    found: np.ndarray = (lengths > 0) & (residual < _RESIDUAL_TOLERANCE * np.maximum(1.0, lengths))
    return found


def _codes(coordinates: np.ndarray) -> np.ndarray:
    """One integer per row that is equal exactly when the rows are (mixed radix over the columns' ranges)."""
    if coordinates.shape[1] == 0:
        return np.zeros(len(coordinates), dtype=np.int64)
    low = coordinates.min(axis=0) if len(coordinates) else np.zeros(coordinates.shape[1], dtype=np.int64)
    shifted = coordinates - low
    spans = shifted.max(axis=0) + 1 if len(coordinates) else np.ones(coordinates.shape[1], dtype=np.int64)
    if float(np.prod(spans.astype(float))) >= 2**62:
        _, inverse = np.unique(coordinates, axis=0, return_inverse=True)
        return inverse.ravel().astype(np.int64)
    codes = np.zeros(len(coordinates), dtype=np.int64)
    for column in range(coordinates.shape[1]):
        codes = codes * spans[column] + shifted[:, column]
    return codes


def _indicators(
    rows: Sequence[np.ndarray], column: np.ndarray, width: int, *, dense: bool
) -> np.ndarray | sparse.csr_matrix:
    """0/1 rows over the non-empty classes; classes without a column (empty ones) are dropped."""
    if dense:
        matrix = np.zeros((len(rows), width))
        for position, members in enumerate(rows):
            columns = column[np.asarray(members, dtype=np.int64)]
            matrix[position, columns[columns >= 0]] = 1.0
        return matrix
    row_index: list[np.ndarray] = []
    column_index: list[np.ndarray] = []
    for position, members in enumerate(rows):
        columns = column[np.unique(np.asarray(members, dtype=np.int64))]
        columns = columns[columns >= 0]
        row_index.append(np.full(len(columns), position, dtype=np.int64))
        column_index.append(columns)
    if not row_index:
        return sparse.csr_matrix((0, width))
    rows_ = np.concatenate(row_index)
    columns_ = np.concatenate(column_index)
    return sparse.csr_matrix((np.ones(len(rows_)), (rows_, columns_)), shape=(len(rows), width))
