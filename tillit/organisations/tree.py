"""Walking a unit tree given as a map from every unit to its parent: the one set of walkers every part uses.

Pure functions over plain data (unit ids, or any hashable), so that a part can walk the tree as it is now
(`queries.unit_parents`) or as it was fixed at some moment (a barometer round's tree at opening). A map that is not
a tree (a cycle) is walked without looping: every unit is visited once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterator, Mapping
from typing import TypeVar

__all__ = ["ancestors", "children_of", "descendants", "subtree"]

U = TypeVar("U", bound=Hashable)


def children_of(parents: Mapping[U, U | None]) -> dict[U | None, list[U]]:
    """Every unit's children (None: the top units), in the order of `parents`."""
    children: dict[U | None, list[U]] = defaultdict(list)
    for child, parent in parents.items():
        children[parent].append(child)
    return children


def _below(unit: U, children: Mapping[U | None, list[U]]) -> Iterator[U]:
    seen = {unit}
    queue = [unit]
    for node in queue:
        for child in children.get(node, []):
            if child not in seen:
                seen.add(child)
                queue.append(child)
                yield child


def descendants(unit: U, parents: Mapping[U, U | None]) -> list[U]:
    """Every unit below `unit`, at any depth, nearest first."""
    return list(_below(unit, children_of(parents)))


def subtree(unit: U, parents: Mapping[U, U | None]) -> set[U]:
    """`unit` and every unit below it."""
    return {unit, *_below(unit, children_of(parents))}


def ancestors(unit: U, parents: Mapping[U, U | None]) -> list[U]:
    """The units above `unit`, from the top down."""
    found: list[U] = []
    parent = parents.get(unit)
    while parent is not None and parent not in found and parent != unit:
        found.append(parent)
        parent = parents.get(parent)
    return list(reversed(found))


def covered(parents: Mapping[U, U | None], chosen: Collection[U]) -> frozenset[U]:
    """The units of the tree `parents` that the chosen units cover: each with everything below it; every unit when
    none is chosen. A chosen unit missing from the tree covers nothing. (A barometer round's units, a steering
    signal's reach.)"""
    if not chosen:
        return frozenset(parents)
    children = children_of(parents)
    found: set[U] = set()
    for unit in chosen:
        if unit in parents:
            found.add(unit)
            found.update(_below(unit, children))
    return frozenset(found)
