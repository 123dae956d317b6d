"""Exact disclosure audit: which hidden cells can a reader work out from the shown totals?

Every shown total is the sum of some atoms (the smallest groups the data is divided into); a hidden cell is
*determined* if its sum is a linear combination of the shown sums. This module decides that in exact rational
arithmetic, by Gaussian elimination over the non-empty atoms (atoms of size 0 are taken as known to be 0, the
pessimistic assumption). It is slow and certain, made for tests of every report in Tillit: generate data, collect
what a report shows and what it hides, and assert that nothing hidden is determined.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from fractions import Fraction

__all__ = ["determined"]


def determined(
    atoms: Mapping[Hashable, int],
    visible: Iterable[Collection[Hashable]],
    candidates: Mapping[Hashable, Collection[Hashable]],
) -> set[Hashable]:
    """The candidates, among those with at least one respondent, whose sum follows from the `visible` sums.

    `atoms` maps each atom to its size; every visible total and every candidate is given as the atoms it sums.
    """
    basis: dict[Hashable, dict[Hashable, Fraction]] = {}  # pivot atom -> row with 1 at the pivot, reduced
    for atoms_of_total in visible:
        row = _reduce(_vector(atoms_of_total, atoms), basis)
        if row:
            pivot = min(row, key=repr)
            scale = row[pivot]
            row = {atom: value / scale for atom, value in row.items()}
            for other in basis.values():
                _eliminate(other, pivot, row)
            basis[pivot] = row
    return {
        name
        for name, atoms_of_cell in candidates.items()
        if (vector := _vector(atoms_of_cell, atoms)) and not _reduce(vector, basis)
    }


def _vector(atoms_of_total: Collection[Hashable], atoms: Mapping[Hashable, int]) -> dict[Hashable, Fraction]:
    return {atom: Fraction(1) for atom in atoms_of_total if atoms.get(atom, 0) > 0}


def _reduce(
    row: dict[Hashable, Fraction], basis: Mapping[Hashable, dict[Hashable, Fraction]]
) -> dict[Hashable, Fraction]:
    row = dict(row)
    for pivot, base in basis.items():
        _eliminate(row, pivot, base)
    return row


def _eliminate(row: dict[Hashable, Fraction], pivot: Hashable, base: Mapping[Hashable, Fraction]) -> None:
    """Subtract from `row`, in place, the multiple of `base` (1 at `pivot`) that clears its `pivot` entry."""
    factor = row.get(pivot)
    if factor:
        for atom, value in base.items():
            updated = row.get(atom, Fraction(0)) - factor * value
            if updated:
                row[atom] = updated
            else:
                row.pop(atom, None)
