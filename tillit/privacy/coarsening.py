"""Coarser groupings, for breakdowns whose groups are too small to be shown one by one.

In a pilot of fifteen people, most levels and actor groups hold fewer than k people, so a breakdown by them
shows almost nothing, though comparing them is the point. A *grouping* maps every value of a dimension (a
level, an actor group) to a group; a coarse grouping merges values, so that its groups reach k where the
values alone do not. Two kinds are offered:

- `merged_upward`: values in an order from the top of the steering chain down; walking from the bottom, a value
  with fewer than k people is merged with the ones above it until the group reaches k (and a top group still
  below k joins the group under it);
- `by_category`: every value belongs to a named category (the steering side, the front line).

`choose` tries every combination of the candidate groupings of every dimension and keeps the one that lets the
most dimensions be compared (two groups or more shown), the finest on a tie. The choice, and the names of merged
groups, tell how the sizes they were chosen from compare with k (a merged value alone was below it), so the caller
chooses from sizes its readers know anyway: a workshop from who takes part, which its page shows, never from who
rated.

A grouping changes only what the atoms are called: the calling part regroups its people and lets
`breakdowns.Population.disclose` audit the chosen groupings together, every crossing included, exactly as it
would audit the values themselves. The groupings not chosen are never published, so they are not audited.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext

from tillit.privacy.breakdowns import Disclosure
from tillit.privacy.suppression import check_threshold

__all__ = ["Grouping", "Listing", "as_they_are", "by_category", "choose", "merged_upward"]


@dataclass(frozen=True)
class Listing:
    """The name of a merged group: its values' names listed ("A, B and C") in the language of whoever reads it,
    also when the grouping was cached in another's."""

    names: tuple[str | Promise, ...]

    def __str__(self) -> str:
        return str(get_text_list([str(name) for name in self.names], gettext("and")))


Label = str | Promise | Listing


@dataclass(frozen=True)
class Grouping:
    """The groups one dimension is shown in: `names` maps each group to its name, in the order shown, and
    `group_of` each value of the dimension to its group. `note` says, for the reader, which coarser grouping
    this is and why; it is empty for the values as they are."""

    names: Mapping[Hashable, Label]
    group_of: Mapping[Hashable, Hashable]
    note: str | Promise = ""

    @property
    def coarse(self) -> bool:
        return bool(self.note)

    def merges(self) -> bool:
        """Whether any group holds more than one value."""
        return len(set(self.group_of.values())) < len(self.group_of)


def as_they_are(names: Mapping[Hashable, Label]) -> Grouping:
    """Every value its own group."""
    return Grouping(dict(names), {value: value for value in names})


def merged_upward(
    names: Mapping[Hashable, Label],
    sizes: Mapping[Hashable, int],
    *,
    k: int,
    note: str | Promise,
    apart: Collection[Hashable] = (),
) -> Grouping:
    """The values of `names` (in order from the top down) merged upward until each group has at least `k` people
    (`sizes`, per value); values in `apart` (such as "no level") stay groups of their own. A merged group's key is
    the tuple of its values, and its name lists them ("A, B and C"); a value left alone keeps its own key and name."""
    check_threshold(k)
    ordered = [value for value in names if value not in apart]
    bands: list[list[Hashable]] = []
    band: list[Hashable] = []
    people = 0
    for value in reversed(ordered):
        band.insert(0, value)
        people += sizes.get(value, 0)
        if people >= k:
            bands.insert(0, band)
            band, people = [], 0
    if band:
        if bands:
            bands[0] = band + bands[0]
        else:
            bands.append(band)
    group_names: dict[Hashable, Label] = {}
    group_of: dict[Hashable, Hashable] = {}
    for members in bands:
        key: Hashable = members[0] if len(members) == 1 else tuple(members)
        group_names[key] = names[members[0]] if len(members) == 1 else Listing(tuple(str(names[v]) for v in members))
        group_of.update(dict.fromkeys(members, key))
    for value in names:
        if value in apart:
            group_names[value] = names[value]
            group_of[value] = value
    return Grouping(group_names, group_of, note)


def by_category(
    names: Mapping[Hashable, Label],
    category_of: Mapping[Hashable, Hashable],
    category_names: Mapping[Hashable, Label],
    *,
    note: str | Promise,
) -> Grouping:
    """Every value of `names` in its category (`category_of`); the categories named and ordered by
    `category_names`, those without any value left out."""
    used = {category_of[value] for value in names}
    return Grouping(
        {category: name for category, name in category_names.items() if category in used},
        {value: category_of[value] for value in names},
        note,
    )


def choose(
    candidates: Sequence[Sequence[Grouping]],
    disclose: Callable[[tuple[Grouping, ...]], Disclosure],
) -> tuple[Grouping, ...]:
    """One grouping per dimension, from its `candidates` (the finest first): the combination whose disclosure
    (`disclose`, over everyone the breakdown covers) compares the most dimensions, then has the fewest coarse
    groupings, then shows the most groups. Candidates that merge nothing are skipped: they are the values
    as they are."""
    options = [
        [grouping for position, grouping in enumerate(groupings) if position == 0 or grouping.merges()]
        for groupings in candidates
    ]
    best: tuple[Grouping, ...] | None = None
    best_score: tuple[int, int, int] | None = None
    for combination in itertools.product(*options):
        disclosure = disclose(combination)
        shown = [len(values) for values in disclosure.flat] if disclosure.total else [0] * len(combination)
        score = (
            sum(1 for count in shown if count >= 2),
            -sum(1 for grouping in combination if grouping.coarse),
            sum(shown),
        )
        if best_score is None or score > best_score:
            best, best_score = combination, score
    if best is None:
        raise ValueError("Give at least one grouping per dimension.")
    return best
