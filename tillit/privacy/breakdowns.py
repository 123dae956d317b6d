"""Suppression across several breakdowns of one population: a unit tree and flat dimensions such as level and
actor group.

A report over a population of respondents shows:

- the total, if it meets k;
- the *tree breakdown*: for a unit, the total of the unit with everything below it (its subtree);
- one or more *flat breakdowns*: the total of every value of a dimension (each level, each actor group) over
  the whole population.

Cross tables (unit × actor group, level × actor group) are never offered, but every shown total is a sum over the
same respondents, so together they form a system of linear equations a reader can solve: a level minus an actor
group is such a crossing. This module decides which totals may be shown so that no hidden total, and no small
cell of any crossing of the dimensions, can be worked out from the shown ones.

**Atoms.** The population is divided into atoms: the respondents with one unit and one value of every flat
dimension. Every shown total is a sum of atoms. The caller gives the atoms and their sizes; a size of 0 means
nobody, and the reader is assumed to know it (a pessimistic assumption: it makes the check stricter).

**The tree, top down.** The root (everyone) is shown if it meets k. Below a shown unit, its children's subtrees
are treated as a one-dimensional breakdown (`suppression.shown_groups`'s rule), with one difference: the people
placed directly on the unit itself form a part that is never shown but still counts. What a reader can compute
below a shown unit is "the unit minus its shown children": the directly placed people plus the hidden children.
That remainder must be nobody, or at least k people; and if it is exactly one hidden child (nobody placed
directly), that child would be revealed, so more children are hidden, smallest first, until it holds. A unit
under a hidden unit is hidden too. With only the tree shown, every quantity a reader can compute is a sum of
such remainders, each empty or at least k, so no group below k is ever revealed (see `tests/test_breakdowns.py`).

**Flat breakdowns.** Each is first suppressed on its own with the one-dimensional rule against the total. A
value can be marked as never shown (people outside every opinion group, say): it still counts, as a hidden group.
Then the whole system is audited: linear algebra over the atoms decides whether any hidden unit, any hidden value
of a flat dimension, any atom below k, or any *crossing* below k is determined by the shown totals. The crossings
are every cell that fixes one or more flat dimensions within the whole population or within one unit's subtree
(unit × level, unit × actor group, level × actor group, unit × level × actor group, and so on for more dimensions),
and the people placed directly on a unit, alone or with values of the flat dimensions.
While one is determined, the smallest shown value of the flat dimensions is hidden as well. Hiding all of them
leaves only the tree, which is safe, so this always ends.

**Unverified respondents (padding).** Someone who can add answers that are not tied to a person (an open link, a
guest, a cookie in an open dialogue) can add k − 1 answers they know and lift a group of one over the threshold.
`disclose(..., unverified=…)` takes, per atom, how many of its respondents came in that way, and assumes the worst:
the reader wrote all of them and can subtract them. Every shown total must then also have no verified respondent,
or at least k; and the audit runs a second time on the verified respondents alone, with the unverified ones
known. So unverified answers never lift a group of verified people over the threshold. A group made only of
unverified answers is shown when it meets k: those are bounded where they come in (caps per unit, guest places,
limits per address), which the calling part documents.

The audit works in floating point on the atoms (fast enough for a region's 1,500 units and tens of measures);
`audit.determined` does the same check in exact rational arithmetic, and the property tests hold this module to
it.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import sparse

from tillit.privacy.suppression import check_threshold

__all__ = ["Disclosure", "Population", "Reason"]

_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Disclosure:
    """What a report over a population may show: the total, the units (subtrees), and the flat values."""

    total: bool
    units: frozenset[Hashable]
    flat: tuple[frozenset[Hashable], ...]

    def shows_unit(self, unit: Hashable) -> bool:
        return unit in self.units

    def shows(self, dimension: int, value: Hashable) -> bool:
        return value in self.flat[dimension]


class Population:
    """The structure of a population: the unit tree and its atoms. Build once, then `disclose` per measure.

    `parents` maps every unit to its parent unit, or None for a top unit; the organisation itself is the root
    above them. `atoms` lists the atoms as tuples `(unit, value of flat dimension 1, value of dimension 2, …)`;
    a unit of None places the atom directly on the root. The sizes given to `disclose` follow this order.
    `unshown` gives, per flat dimension, values that are never shown (they still count, as hidden groups).
    """

    def __init__(
        self,
        parents: Mapping[Hashable, Hashable | None],
        atoms: Sequence[tuple[Hashable, ...]],
        *,
        unshown: Sequence[Collection[Hashable]] = (),
    ) -> None:
        if not atoms:
            raise ValueError("A population needs at least one atom.")
        self.dimensions = len(atoms[0]) - 1
        if any(len(atom) != self.dimensions + 1 for atom in atoms):
            raise ValueError("Every atom needs a unit and one value per flat dimension.")
        self.units: list[Hashable] = list(parents)
        index = {unit: position + 1 for position, unit in enumerate(self.units)}  # 0 is the root
        self._parent = np.zeros(len(self.units) + 1, dtype=np.int64)
        self._parent[0] = -1
        for unit, parent in parents.items():
            if parent is not None and parent not in index:
                raise ValueError(f"The parent of {unit!r} is not among the units.")
            self._parent[index[unit]] = 0 if parent is None else index[parent]
        self._children: list[list[int]] = [[] for _ in range(len(self.units) + 1)]
        for node in range(1, len(self.units) + 1):
            self._children[int(self._parent[node])].append(node)
        self._order = self._top_down_order()
        self._depth = np.zeros(len(self.units) + 1, dtype=np.int64)
        for node in self._order[1:]:
            self._depth[node] = self._depth[self._parent[node]] + 1
        try:
            self._atom_node = np.array([0 if atom[0] is None else index[atom[0]] for atom in atoms], dtype=np.int64)
        except KeyError as error:
            raise ValueError(f"An atom names the unknown unit {error.args[0]!r}.") from None
        self._values: list[list[Hashable]] = []
        self._atom_value = np.zeros((len(atoms), self.dimensions), dtype=np.int64)
        for dimension in range(self.dimensions):
            values = list(dict.fromkeys(atom[dimension + 1] for atom in atoms))
            position = {value: i for i, value in enumerate(values)}
            self._values.append(values)
            self._atom_value[:, dimension] = [position[atom[dimension + 1]] for atom in atoms]
        if len(unshown) > self.dimensions:
            raise ValueError("Give never-shown values for at most every flat dimension.")
        self._unshown: list[frozenset[int]] = [
            frozenset(
                i
                for i, value in enumerate(self._values[dimension])
                if dimension < len(unshown) and value in unshown[dimension]
            )
            for dimension in range(self.dimensions)
        ]
        # Every atom's chain of nodes from its own unit up to the root: the subtrees it counts in.
        max_depth = int(self._depth.max())
        chain = np.full((len(atoms), max_depth + 1), -1, dtype=np.int64)
        current = self._atom_node.copy()
        for step in range(max_depth + 1):
            chain[:, step] = current
            current = np.where(current > 0, self._parent[np.maximum(current, 0)], -1)
        self._chain = chain

    def totals(
        self, values: np.ndarray
    ) -> tuple[np.ndarray, dict[Hashable, np.ndarray], list[dict[Hashable, np.ndarray]]]:
        """Sum per-atom `values` (rows follow the atoms; any number of columns) to the root, every unit's
        subtree, and every value of every flat dimension."""
        values = np.asarray(values, dtype=float)
        if values.ndim == 1:
            values = values[:, None]
        nodes = np.zeros((len(self._parent), values.shape[1]))
        np.add.at(nodes, self._atom_node, values)
        for node in reversed(self._order[1:]):
            nodes[self._parent[node]] += nodes[node]
        units = {unit: nodes[position + 1] for position, unit in enumerate(self.units)}
        flat = []
        for dimension, dimension_values in enumerate(self._values):
            sums = np.zeros((len(dimension_values), values.shape[1]))
            np.add.at(sums, self._atom_value[:, dimension], values)
            flat.append({value: sums[i] for i, value in enumerate(dimension_values)})
        return nodes[0], units, flat

    def _top_down_order(self) -> list[int]:
        order, seen = [0], {0}
        for node in order:
            for child in self._children[node]:
                if child in seen:
                    raise ValueError("The units do not form a tree.")
                seen.add(child)
                order.append(child)
        if len(order) != len(self._children):
            raise ValueError("The units do not form a tree: some are not reachable from a top unit.")
        return order

    def _sizes(self, sizes: Sequence[int] | np.ndarray, name: str) -> np.ndarray:
        array = np.asarray(sizes, dtype=np.int64)
        if array.shape != (len(self._atom_node),):
            raise ValueError(f"Give one {name} per atom.")
        if (array < 0).any():
            raise ValueError(f"A {name} cannot be negative.")
        return array

    def disclose(
        self,
        sizes: Sequence[int] | np.ndarray,
        *,
        k: int,
        unverified: Sequence[int] | np.ndarray | None = None,
    ) -> Disclosure:
        """Which totals of this population may be shown when the atoms have `sizes` respondents, of whom
        `unverified` (per atom, none if not given) came in without being tied to a person."""
        check_threshold(k)
        atom_sizes = self._sizes(sizes, "size")
        verified_sizes = atom_sizes
        if unverified is not None:
            unverified_sizes = self._sizes(unverified, "count of unverified respondents")
            if (unverified_sizes > atom_sizes).any():
                raise ValueError("An atom cannot have more unverified respondents than respondents.")
            if unverified_sizes.any():
                verified_sizes = atom_sizes - unverified_sizes
        padded = verified_sizes is not atom_sizes
        sizes_of = _Sizes(self, atom_sizes, verified_sizes, k)
        if not _ok(int(sizes_of.node[0]), int(sizes_of.node_verified[0]), k):
            return Disclosure(False, frozenset(), tuple(frozenset() for _ in range(self.dimensions)))
        if not padded and not ((atom_sizes > 0) & (atom_sizes < k)).any():
            # Every atom is empty or meets k, so does every sum of atoms: everything with somebody in it is shown.
            return self._everything(sizes_of)
        strict = self._tree(sizes_of, opening=False)
        opened = self._tree(sizes_of, opening=True)
        node_sizes = sizes_of.node
        shown_nodes = max(strict, opened, key=lambda nodes: (len(nodes), int(node_sizes[list(nodes)].sum())))
        audits = self._audits(sizes_of, shown_nodes, padded)
        no_values = [frozenset[int]()] * self.dimensions
        if shown_nodes is not strict and any(audit.determined(no_values).small for audit in audits):
            # Opening did not hold here: fall back to hiding whole subtrees, which is safe by construction.
            shown_nodes = strict
            audits = self._audits(sizes_of, shown_nodes, padded)
        shown_values = [self._flat(dimension, sizes_of) for dimension in range(self.dimensions)]
        while True:
            found = [audit.determined(shown_values) for audit in audits]
            if not any(revealed.small for revealed in found):
                break
            if not any(shown_values):
                raise AssertionError("The tree alone revealed a small group: the top-down rule is broken.")
            smallest = min(
                (
                    (int(audits[0].value_sizes[dimension][value]), dimension, value)
                    for dimension, values in enumerate(shown_values)
                    for value in values
                ),
                key=lambda entry: (entry[0], entry[1], repr(self._values[entry[1]][entry[2]])),
            )
            shown_values[smallest[1]] = shown_values[smallest[1]] - {smallest[2]}
        # A hidden total of at least k that the shown ones already determine adds nothing when shown (and its
        # verified part is then determined too, so the padding audit has already held it to the rule).
        revealed = found[0]
        shown_nodes = shown_nodes | revealed.units
        for dimension, value in revealed.values:
            if value not in self._unshown[dimension]:
                shown_values[dimension] = shown_values[dimension] | {value}
        return Disclosure(
            True,
            frozenset(self.units[node - 1] for node in shown_nodes if node > 0),
            tuple(
                frozenset(self._values[dimension][value] for value in values)
                for dimension, values in enumerate(shown_values)
            ),
        )

    def reasons(self, disclosure: Disclosure) -> dict[Hashable, Reason]:
        """Why each hidden unit of `disclosure` is hidden, as far as what is shown already tells it.

        A unit is hidden because too few answered in it, or, with enough answers, to protect a smaller group next
        to it. Saying which would tell the reader more than "–" does, and enough to pin a small group down: two
        hidden teams of 4 and 4 under a shown department of 8, both said to have "too few", must hold 4 each; teams
        of 5 and 1, the one said to protect the other, give the other exactly 1. And choosing *whether* to say it
        by the hidden sizes would tell as much. So the reason depends on what is shown alone: when the whole report
        is hidden, its total has too few, and so has every unit in it (`Reason.TOO_FEW`); otherwise every hidden unit
        gets `Reason.EITHER`, which is always true. (A linear program could find the rare unit that the shown totals
        bound below k; at a region's size it costs seconds per unit and tells almost nothing, so it is not run.)"""
        reason = Reason.EITHER if disclosure.total else Reason.TOO_FEW
        return {unit: reason for unit in self.units if unit not in disclosure.units}

    def _everything(self, sizes_of: _Sizes) -> Disclosure:
        values = [
            np.bincount(self._atom_value[:, d], weights=sizes_of.atom, minlength=len(self._values[d]))
            for d in range(self.dimensions)
        ]
        return Disclosure(
            True,
            frozenset(unit for position, unit in enumerate(self.units) if sizes_of.node[position + 1] > 0),
            tuple(
                frozenset(
                    value
                    for index, value in enumerate(self._values[d])
                    if values[d][index] > 0 and index not in self._unshown[d]
                )
                for d in range(self.dimensions)
            ),
        )

    def _audits(self, sizes_of: _Sizes, shown_nodes: frozenset[int], padded: bool) -> list[_Audit]:
        """The audit of everyone, and with unverified respondents present, the audit of the verified ones alone
        (the unverified then count as known, like empty atoms)."""
        audits = [_Audit(self, sizes_of.atom, sizes_of.node, shown_nodes, sizes_of.k)]
        if padded:
            audits.append(_Audit(self, sizes_of.atom_verified, sizes_of.node_verified, shown_nodes, sizes_of.k))
        return audits

    def _subtree_sizes(self, atom_sizes: np.ndarray) -> np.ndarray:
        totals = self._own_sizes(atom_sizes)
        for node in reversed(self._order[1:]):
            totals[self._parent[node]] += totals[node]
        return totals

    def _own_sizes(self, atom_sizes: np.ndarray) -> np.ndarray:
        return np.bincount(self._atom_node, weights=atom_sizes, minlength=len(self._parent)).astype(np.int64)

    def _tree(self, sizes_of: _Sizes, *, opening: bool) -> frozenset[int]:
        """The shown units, top down. Below each shown unit the remainder a reader can compute (the unit minus
        its shown cells) must be nobody, or at least k people not all inside one child. When it is not, a child
        with people placed directly on it is *opened* first (`opening`): its own total is hidden, its people
        join the remainder and its children take its place; only then are whole children hidden, smallest first.
        With unverified respondents, every shown unit and every remainder must also hold no verified person or
        at least k.
        """
        k = sizes_of.k
        own, own_verified = sizes_of.own, sizes_of.own_verified
        node_sizes = sizes_of.node
        shown, queue = {0}, [0]
        for node in queue:
            remainder = _Pair(int(own[node]), int(own_verified[node]))
            origins: set[int] = set()  # the children of `node` whose subtrees the remainder reaches into

            visible, small, small_origins = _split(((child, child) for child in self._children[node]), sizes_of)
            remainder += small
            origins |= small_origins
            while (
                visible
                and remainder.total > 0
                and (not _ok(remainder.total, remainder.verified, k) or (own[node] == 0 and len(origins) == 1))
            ):
                openable = [entry for entry in visible if opening and own[entry[0]] > 0 and self._children[entry[0]]]
                if openable:
                    cell, origin = max(openable, key=lambda entry: (own[entry[0]], -entry[0]))
                    visible.remove((cell, origin))
                    remainder += _Pair(int(own[cell]), int(own_verified[cell]))
                    origins.add(origin)
                    opened, small, small_origins = _split(((child, origin) for child in self._children[cell]), sizes_of)
                    visible += opened
                    remainder += small
                    origins |= small_origins
                else:
                    cell, origin = min(visible, key=lambda entry: (node_sizes[entry[0]], entry[0]))
                    visible.remove((cell, origin))
                    remainder += _Pair(int(node_sizes[cell]), int(sizes_of.node_verified[cell]))
                    origins.add(origin)
            for cell, _origin in visible:
                shown.add(cell)
                queue.append(cell)
        return frozenset(shown)

    def _flat(self, dimension: int, sizes_of: _Sizes) -> frozenset[int]:
        """One flat dimension against the (shown) total, with `suppression.shown_groups`'s rule generalised to
        verified respondents: values never shown count as hidden groups."""
        k = sizes_of.k
        count = len(self._values[dimension])
        totals = np.bincount(self._atom_value[:, dimension], weights=sizes_of.atom, minlength=count).astype(np.int64)
        verified = np.bincount(self._atom_value[:, dimension], weights=sizes_of.atom_verified, minlength=count).astype(
            np.int64
        )
        unshown = self._unshown[dimension]
        visible = sorted(
            (
                value
                for value in range(count)
                if value not in unshown and _ok(int(totals[value]), int(verified[value]), k)
            ),
            key=lambda value: (int(totals[value]), repr(self._values[dimension][value])),  # not the atoms' order
        )
        hidden = [value for value in range(count) if totals[value] > 0 and value not in visible]
        remainder = _Pair(int(totals[hidden].sum()), int(verified[hidden].sum()))
        # The hidden values together are the total minus the shown ones: they must be a total that may be shown.
        complementary = 0
        while hidden and not _ok(remainder.total, remainder.verified, k) and complementary < len(visible):
            value = visible[complementary]
            remainder += _Pair(int(totals[value]), int(verified[value]))
            complementary += 1
        return frozenset(visible[complementary:])


class Reason(StrEnum):
    """Why a unit is hidden, as far as its page may say (`Population.reasons`)."""

    TOO_FEW = "too_few"  # fewer than k answered in it (or tied to a person), as the shown totals already tell
    EITHER = "either"  # too few answered, or it is hidden to protect a smaller group; which is not said


def _ok(total: int, verified: int, k: int) -> bool:
    """A total may be shown: at least k people, and no verified person or at least k of them."""
    return total >= k and not 0 < verified < k


@dataclass(frozen=True)
class _Pair:
    """A number of respondents and how many of them are verified."""

    total: int
    verified: int

    def __add__(self, other: _Pair) -> _Pair:
        return _Pair(self.total + other.total, self.verified + other.verified)


class _Sizes:
    """The sizes `disclose` works with: per atom, per unit's own people, per subtree; all and verified only."""

    def __init__(self, population: Population, atom: np.ndarray, atom_verified: np.ndarray, k: int) -> None:
        self.k = k
        self.atom, self.atom_verified = atom, atom_verified
        self.own = population._own_sizes(atom)
        self.node = population._subtree_sizes(atom)
        if atom_verified is atom:
            self.own_verified, self.node_verified = self.own, self.node
        else:
            self.own_verified = population._own_sizes(atom_verified)
            self.node_verified = population._subtree_sizes(atom_verified)


def _split(cells: Iterable[tuple[int, int]], sizes_of: _Sizes) -> tuple[list[tuple[int, int]], _Pair, set[int]]:
    """Cells (with the child they lie in) split into those that may be shown, and the total and origins of the
    rest."""
    visible, small, origins = [], _Pair(0, 0), set()
    for cell, origin in cells:
        total, verified = int(sizes_of.node[cell]), int(sizes_of.node_verified[cell])
        if _ok(total, verified, sizes_of.k):
            visible.append((cell, origin))
        elif total > 0:
            small += _Pair(total, verified)
            origins.add(origin)
    return visible, small, origins


class _Audit:
    """Decides whether shown flat totals, together with the shown tree, determine something that must stay hidden.

    Coordinates are the non-empty atoms. The shown subtrees span exactly the indicator vectors of their *blocks*
    (each shown unit minus its shown children), which are disjoint; a target vector v is determined iff its
    deviation from its block means lies in the span of the flat rows' deviations. That is a least-squares
    residual against an orthonormal basis Q of those deviations: |D(v)|² − |Qᵀv|², where
    |D(v)|² = |v| − Σ_b |v∩b|²/|b|.
    """

    def __init__(
        self,
        population: Population,
        atom_sizes: np.ndarray,
        node_sizes: np.ndarray,
        shown_nodes: frozenset[int],
        k: int,
    ) -> None:
        self.population, self.k = population, k
        nonempty = atom_sizes > 0
        self.atom_sizes = atom_sizes[nonempty]
        self.values = population._atom_value[nonempty]
        chain = population._chain[nonempty]
        self.value_sizes = [
            np.bincount(self.values[:, d], weights=self.atom_sizes, minlength=len(population._values[d]))
            for d in range(population.dimensions)
        ]
        # Block of every atom: the nearest shown unit on its chain (the root is always shown here).
        shown_mask = np.zeros(len(population._parent) + 1, dtype=bool)  # index -1 (padding) maps to the extra slot
        shown_mask[list(shown_nodes)] = True
        chain_shown = shown_mask[chain]
        first_shown = chain_shown.argmax(axis=1)
        blocks = chain[np.arange(len(chain)), first_shown]
        _, self.block = np.unique(blocks, return_inverse=True)
        self.block_size = np.bincount(self.block).astype(float)
        self.targets, self.target_units, self.target_sizes = self._targets(chain, node_sizes, shown_nodes)

    def _targets(
        self, chain: np.ndarray, node_sizes: np.ndarray, shown_nodes: frozenset[int]
    ) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
        """Rows over the atoms: hidden non-empty units, atoms below k, and crossings below k; with the unit
        each row is (-1 for the others) and its size.

        Hidden values of the flat dimensions are added in `leaks`, since they change as values are hidden.
        """
        population, k = self.population, self.k
        n_atoms = len(self.atom_sizes)
        rows: list[np.ndarray] = []
        columns: list[np.ndarray] = []
        units: list[np.ndarray] = []
        count = 0
        atom_index = np.arange(n_atoms)
        # Hidden units: every (atom, hidden unit on its chain) pair.
        hidden_unit = np.ones(len(population._parent) + 1, dtype=bool)
        hidden_unit[list(shown_nodes)] = False
        hidden_unit[-1] = False
        hidden_unit[:-1] &= node_sizes > 0
        pairs = hidden_unit[chain]
        atom_of_pair = np.broadcast_to(atom_index[:, None], chain.shape)[pairs]
        node_of_pair = chain[pairs]
        if len(node_of_pair):
            hidden_nodes, target = np.unique(node_of_pair, return_inverse=True)
            rows.append(target + count)
            columns.append(atom_of_pair)
            units.append(hidden_nodes)
            count += len(hidden_nodes)
        # Atoms below k.
        small = np.flatnonzero(self.atom_sizes < k)
        rows.append(np.arange(len(small)) + count)
        columns.append(small)
        units.append(np.full(len(small), -1))
        count += len(small)
        # Crossings, if below k: a unit's subtree (the root included) with one value of each of one or more flat
        # dimensions (unit × level, level × actor group, unit × level × actor group, …), and the people placed
        # directly on a unit, alone or with such values (a department's own manager, at a level).
        valid = chain >= 0
        subtree_node = chain[valid]
        subtree_atom = np.broadcast_to(atom_index[:, None], chain.shape)[valid]
        own_node = chain[:, 0]
        places = [(subtree_node, subtree_atom, _subsets(population.dimensions))]
        places.append((own_node, atom_index, [(), *_subsets(population.dimensions)]))
        for node, atom, subsets in places:
            for dimensions in subsets:
                key = node.copy()
                for dimension in dimensions:
                    key = key * len(population._values[dimension]) + self.values[atom, dimension]
                _, cell = np.unique(key, return_inverse=True)
                cell_sizes = np.bincount(cell, weights=self.atom_sizes[atom])
                keep = cell_sizes[cell] < k
                if keep.any():
                    small_cells, target = np.unique(cell[keep], return_inverse=True)
                    rows.append(target + count)
                    columns.append(atom[keep])
                    units.append(np.full(len(small_cells), -1))
                    count += len(small_cells)
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        column = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
        targets = sparse.csr_matrix((np.ones(len(row)), (row, column)), shape=(count, n_atoms))
        target_sizes = targets @ self.atom_sizes.astype(float)
        return targets, np.concatenate(units) if units else np.zeros(0, dtype=np.int64), target_sizes

    def determined(self, shown_values: list[frozenset[int]]) -> _Revealed:
        population = self.population
        n_atoms = len(self.atom_sizes)
        columns = [
            (self.values[:, dimension] == value).astype(float)
            for dimension, values in enumerate(shown_values)
            for value in sorted(values)
        ]
        hidden_values = [
            (dimension, value)
            for dimension in range(population.dimensions)
            for value in range(len(population._values[dimension]))
            if value not in shown_values[dimension] and self.value_sizes[dimension][value] > 0
        ]
        targets, sizes = self.targets, self.target_sizes
        if hidden_values:
            rows = np.array([(self.values[:, dimension] == value) for dimension, value in hidden_values], dtype=float)
            targets = sparse.vstack([targets, sparse.csr_matrix(rows)]).tocsr()
            sizes = np.concatenate([sizes, [self.value_sizes[d][v] for d, v in hidden_values]])
        if targets.shape[0] == 0:
            return _Revealed(False, frozenset(), frozenset())
        indicator = sparse.csr_matrix(
            (np.ones(n_atoms), (np.arange(n_atoms), self.block)), shape=(n_atoms, len(self.block_size))
        )
        per_block = (targets @ indicator).tocsr()
        deviation = np.asarray(targets.sum(axis=1)).ravel() - per_block.multiply(per_block) @ (1 / self.block_size)
        if columns:
            flat = np.column_stack(columns)
            means = np.column_stack(
                [np.bincount(self.block, weights=flat[:, j]) / self.block_size for j in range(flat.shape[1])]
            )
            centred = flat - means[self.block]
            u, s, _ = np.linalg.svd(centred, full_matrices=False)
            basis = u[:, s > _TOLERANCE * max(1.0, float(s.max(initial=0.0)))]
            explained = np.asarray(targets @ basis)
            deviation = deviation - (explained**2).sum(axis=1)
        found = deviation < _TOLERANCE
        small = bool((found & (sizes < self.k)).any())
        unit_rows = len(self.target_units)
        units = frozenset(int(node) for node in self.target_units[found[:unit_rows]] if node >= 0)
        values = frozenset(hidden_values[i] for i in np.flatnonzero(found[unit_rows:]))
        return _Revealed(small, units, values)


def _subsets(dimensions: int) -> list[tuple[int, ...]]:
    """Every non-empty set of flat dimensions, as sorted tuples."""
    return [
        combination
        for size in range(1, dimensions + 1)
        for combination in itertools.combinations(range(dimensions), size)
    ]


@dataclass(frozen=True)
class _Revealed:
    small: bool  # a group below k is determined
    units: frozenset[int]  # hidden units (of at least k) that are determined
    values: frozenset[tuple[int, int]]  # hidden flat values (of at least k) that are determined
