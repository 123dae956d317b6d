"""The anonymity threshold and complementary suppression: what a report may show of a breakdown.

Every report in Tillit passes through here before a template, an export or the API sees it. The functions are
pure: they look only at group sizes (how many respondents each group has) and never at the database.

The rules, in plain words:

- **The threshold k.** A group is shown only if at least k people answered in it. Smaller groups are hidden:
  their value and their respondent count. k is set per organisation (5 by default) and is never below 3.

- **Empty groups.** A group that nobody answered in has no data. It is not shown, and it does not count as
  a hidden group when deciding complementary suppression below. In the output it looks exactly like a
  hidden group, so a reader cannot tell "nobody" from "a few".

- **Complementary suppression.** Hiding a small group is not enough if it can be worked out from what is
  shown. When the parent total is shown (all of a unit, say, broken down by team), the hidden groups add up
  to "parent minus the visible groups". So, when the parent is shown:

  - the hidden groups together must have at least k respondents, otherwise the difference is itself a
    result from fewer than k people;
  - at least two groups must be hidden, otherwise the difference *is* the hidden group.

  If either fails, the smallest visible group is hidden as well, and so on until both hold or nothing is
  visible. (One extra group always suffices, since any visible group has at least k respondents.)
  Ties between equally large groups are broken by a fixed order of the keys, so the same data always hides
  the same groups, whatever the order in which the groups arrive.

- **The parent is the caller's decision.** Hidden groups still count in the parent: their respondents are
  part of the total. The parent itself is shown only where it meets k; the caller decides this by checking
  the parent's own size against k (with `check_threshold` and the same k) and passes the result as
  `parent_shown`. If the parent is not shown, nothing can be subtracted from it and no complementary
  suppression is needed.

The sizes of a breakdown must partition its parent: every respondent counted in the parent belongs to exactly
one group. Respondents without a group (no answer to a background question, say) belong in a group of their
own, such as "not stated", which is then suppressed like any other.

A hidden value is the sentinel `HIDDEN`, not a number with a flag: it is falsy, renders as an empty string
and cannot be computed with, so no output path can show a hidden number by forgetting a check.

Two further rules hold for every page, fragment and export, and live here so that every part uses the same:

- **Counts of people.** How many took part, rated, voted or answered is a figure about those people: `count`
  shows it only when it is at least k (and hides 0 too, so "nobody" looks like "a few"). Pages say "fewer than
  k" where a count is hidden. Counts of things that are not people (statements, cards) are not figures.
- **Order.** Rows ordered by a figure must not let a hidden figure be placed between two shown ones. `ranked`
  orders by the figure only the rows whose figure is shown, numbers them, and puts the rows whose figure is
  hidden after them, unnumbered, in the order the caller gives, which must not come from a result (the order of
  the chain, alphabetical order).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Final, Generic, TypeVar, final

__all__ = [
    "DEFAULT_THRESHOLD",
    "HIDDEN",
    "MIN_THRESHOLD",
    "NOT_A_FIGURE",
    "Cell",
    "Hidden",
    "NotAFigure",
    "Ranked",
    "cells",
    "check_threshold",
    "count",
    "ranked",
    "shown_groups",
    "suppress",
]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")

MIN_THRESHOLD: Final = 3
DEFAULT_THRESHOLD: Final = 5


@final
class Hidden:
    """The value of a suppressed cell. There is one instance, `HIDDEN`; test with `is HIDDEN` or `isinstance`."""

    __slots__ = ()
    _instance: Hidden | None = None

    def __new__(cls) -> Hidden:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return ""

    def __format__(self, format_spec: str) -> str:
        return ""

    def __repr__(self) -> str:
        return "HIDDEN"

    def __reduce__(self) -> str:
        # Pickled (for example into a cache) and copied as the module-level singleton, never as a second instance.
        return "HIDDEN"


HIDDEN: Final[Hidden] = Hidden()

NOT_A_FIGURE: Final = "not a figure"
# A number in a publication that is not a figure about people (the threshold k, a rank, a coordinate), said so.
NotAFigure = Annotated[T, NOT_A_FIGURE]


@dataclass(frozen=True)
class Cell(Generic[V]):
    """One group of a report: its value and its respondent count, shown or hidden together."""

    value: V | Hidden
    size: int | Hidden  # the respondent count is hidden together with the value

    def __post_init__(self) -> None:
        if isinstance(self.value, Hidden) != isinstance(self.size, Hidden):
            raise ValueError("A cell's value and respondent count are hidden together.")

    @property
    def hidden(self) -> bool:
        return isinstance(self.value, Hidden)


def check_threshold(k: int) -> int:
    """Return `k` if it is a valid anonymity threshold: an int of at least `MIN_THRESHOLD`; else ValueError."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise ValueError(f"The anonymity threshold must be a whole number, not {k!r}.")
    if k < MIN_THRESHOLD:
        raise ValueError(f"The anonymity threshold must be at least {MIN_THRESHOLD}, not {k}.")
    return k


def shown_groups(sizes: Mapping[K, int], *, k: int, parent_shown: bool = True) -> frozenset[K]:
    """Which groups of a one-dimensional breakdown may be shown.

    `sizes` maps each group to its number of respondents. A group is shown if it has at least `k` respondents
    and, when the parent total is shown (`parent_shown`), if hiding the small groups does not leave them
    computable as parent minus the visible groups (see the module docstring). Groups of size 0 are never shown.
    """
    check_threshold(k)
    _check_sizes(sizes)
    # Smallest first, so complementary suppression takes the least information away.
    visible = sorted((key for key, size in sizes.items() if size >= k), key=lambda key: _order(key, sizes[key]))
    hidden_sizes = [size for size in sizes.values() if 0 < size < k]
    hidden_total, hidden_count = sum(hidden_sizes), len(hidden_sizes)
    complementary = 0
    while (
        parent_shown and hidden_count > 0 and (hidden_total < k or hidden_count == 1) and complementary < len(visible)
    ):
        hidden_total += sizes[visible[complementary]]
        hidden_count += 1
        complementary += 1
    return frozenset(visible[complementary:])


def suppress(
    values: Mapping[K, V], sizes: Mapping[K, int], *, k: int, parent_shown: bool = True
) -> dict[K, V | Hidden]:
    """`values`, in their order, with every group that `shown_groups` does not show replaced by `HIDDEN`.

    A key of `values` that is missing from `sizes` counts as a group of size 0, and is hidden.
    """
    shown = shown_groups(sizes, k=k, parent_shown=parent_shown)
    return {key: value if key in shown else HIDDEN for key, value in values.items()}


def cells(values: Mapping[K, V], sizes: Mapping[K, int], *, k: int, parent_shown: bool = True) -> dict[K, Cell[V]]:
    """A `Cell` for every group of `sizes`, in their order: value and size, or both `HIDDEN`.

    Every shown group must have a value in `values` (KeyError otherwise); values of hidden groups are not read.
    """
    shown = shown_groups(sizes, k=k, parent_shown=parent_shown)
    return {key: Cell(values[key], size) if key in shown else Cell(HIDDEN, HIDDEN) for key, size in sizes.items()}


def count(number: int, *, k: int) -> Cell[int]:
    """A count of people as it may be published: shown when at least `k`, else HIDDEN (0 included)."""
    check_threshold(k)
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:  # type: ignore[redundant-expr]  # callers are untyped too
        raise ValueError(f"A count must be a whole number of at least 0, not {number!r}.")
    return Cell(number, number) if number >= k else Cell(HIDDEN, HIDDEN)


@dataclass(frozen=True)
class Ranked(Generic[T]):
    """A row in the order `ranked` gives it: its place (1, 2, …), or None where its figure is hidden."""

    item: T
    rank: int | None


def ranked(items: Iterable[T], figure: Callable[[T], object]) -> list[Ranked[T]]:
    """The items by their shown figure, highest first and numbered; then those whose figure is hidden (HIDDEN, a
    hidden `Cell` or None), unnumbered, in the given order. Equal figures keep the given order."""
    shown: list[tuple[float, int, T]] = []
    hidden: list[T] = []
    for position, item in enumerate(items):
        value = figure(item)
        if isinstance(value, Cell):
            value = value.value
        if value is None or isinstance(value, Hidden):
            hidden.append(item)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            shown.append((-float(value), position, item))
        else:
            raise ValueError(f"A figure to order by must be a number or hidden, not {value!r}.")
    shown.sort(key=lambda entry: (entry[0], entry[1]))
    return [Ranked(item, rank) for rank, (_value, _position, item) in enumerate(shown, start=1)] + [
        Ranked(item, None) for item in hidden
    ]


def _check_sizes(sizes: Mapping[K, int]) -> None:
    for key, size in sizes.items():
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:  # type: ignore[redundant-expr]  # checked at run time
            raise ValueError(f"The size of group {key!r} must be a whole number of at least 0, not {size!r}.")


def _order(key: Hashable, size: int) -> tuple[int, str, str]:
    """A total order that does not depend on the order the groups arrive in: by size, then by the key's repr."""
    return (size, type(key).__qualname__, repr(key))
