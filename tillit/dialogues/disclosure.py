"""What one release of a dialogue's results may disclose: the two populations its figures are about, decided by
`tillit.privacy.breakdowns`, and the audit of a release against the last one readers may have seen
(`tillit.privacy.releases`). `reporting.build_report` assembles the report from what these return; everything that
leaves this module is a `Cell` (value and number of people, shown or hidden together) or a decision to hold back.

- `People`: the participants as one population, a tree of opinion groups, each with the squares of the opinion map
  its members sit in (people outside every group stay at the top), crossed with the actor group they belong to or
  stated and the day they joined. It gives the group sizes, the map squares and the participation per day and per
  actor group.
- `StatementVoters`: the voters of every statement, crossed by opinion group and by actor group; people outside every
  group, or who stated none, count but are never shown. It gives each statement's own figures and its agreement in
  each opinion group and each actor group.
- `Ledger`: what each part of the results last showed, in which release, and who sat where in that release; kept
  with the analysis (`DialogueAnalysis.state["ledger"]`).

Votes cannot be changed, and each vote carries the first release that counted it, so the classes of the audit are
exact: the voters of a statement are classed by opinion group then and now, whether their vote was in the earlier
release, and actor group; the participants by group and square then and now, actor group, day and whether they were
there.
"""

from __future__ import annotations

import base64
import functools
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tillit.dialogues import analysis as opinion
from tillit.privacy import releases
from tillit.privacy.breakdowns import Disclosure, Population
from tillit.privacy.suppression import HIDDEN, Cell

if TYPE_CHECKING:
    from tillit.dialogues.reporting import Inputs

__all__ = [
    "GROUP_LABELS",
    "HIDDEN_CELL",
    "MAP_GRID",
    "Ledger",
    "People",
    "StatementFigures",
    "StatementVoters",
    "Votes",
    "people_cell",
    "votes_cell",
]

GROUP_LABELS = "ABCDE"
MAP_GRID = 6

Votes = dict[str, float]  # a cell's value: shares in per cent, {"agree": …, "disagree": …, "pass": …}
HIDDEN_CELL: Cell[Any] = Cell(HIDDEN, HIDDEN)


def _percent(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def votes_cell(voters: float, agreeing: float, disagreeing: float) -> Cell[Votes]:
    """How `voters` people voted, in per cent, as one cell: its size is the number of voters."""
    return Cell(
        {
            "agree": _percent(agreeing, voters),
            "disagree": _percent(disagreeing, voters),
            "pass": _percent(voters - agreeing - disagreeing, voters),
        },
        int(voters),
    )


class _Shares:
    """How the voters of every statement (and of each group on it: the last axis) voted, for `votes_cell`'s cells
    made in one pass: the same figures, rounded as it rounds them."""

    def __init__(self, seen: np.ndarray, agreeing: np.ndarray, disagreeing: np.ndarray) -> None:
        whole = seen.astype(float)

        def percent(part: np.ndarray) -> list[Any]:
            shares = np.divide(100 * part, whole, out=np.zeros_like(whole), where=whole != 0)
            rounded: list[Any] = shares.round(1).tolist()
            return rounded

        self.seen: list[Any] = seen.tolist()
        self.agree, self.disagree = percent(agreeing), percent(disagreeing)
        self.passed = percent(seen - agreeing - disagreeing)

    def cell(self, j: int, group: int | None = None) -> Cell[Votes]:
        """Statement j's cell, or that of one group on it."""
        if group is None:
            return Cell({"agree": self.agree[j], "disagree": self.disagree[j], "pass": self.passed[j]}, self.seen[j])
        return Cell(
            {"agree": self.agree[j][group], "disagree": self.disagree[j][group], "pass": self.passed[j][group]},
            self.seen[j][group],
        )


def people_cell(size: int, shown: bool) -> Cell[int]:
    """A count of people a disclosure decided on: shown, or hidden with its size."""
    return Cell(size, size) if shown else HIDDEN_CELL


# The ledger of releases -------------------------------------------------------------------------------------------


def _pack(values: np.ndarray) -> str:
    return base64.b64encode(np.asarray(values, dtype=np.int16).tobytes()).decode()


def _unpack(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.int16).astype(np.int64)


class Ledger:
    """What each part of the results last showed, in which release, and who sat where in that release."""

    def __init__(self, previous: dict[str, Any] | None) -> None:
        previous = previous or {}
        self.releases: dict[str, dict[str, Any]] = dict(previous.get("releases") or {})
        self.statements: dict[str, dict[str, Any]] = dict(previous.get("statements") or {})
        self.people: dict[str, Any] | None = previous.get("people")
        # What the last run's audit depended on besides the votes (`StatementVoters.basis`), with its release.
        self.basis: dict[str, Any] | None = previous.get("basis")
        self._labels: dict[str, tuple[int, np.ndarray, np.ndarray] | None] = {}  # unpacked once per release

    def labels(self, release: int) -> tuple[int, np.ndarray, np.ndarray] | None:
        """Participants then (their count), and every one's opinion group and map square then (-1: none)."""
        key = str(release)
        if key not in self._labels:
            stored = self.releases.get(key)
            self._labels[key] = (
                None
                if stored is None
                else (stored["participants"], _unpack(stored["groups"]), _unpack(stored["squares"]))
            )
        return self._labels[key]

    def keep_labels(self, release: int, people: People, basis: dict[str, Any]) -> None:
        self.basis = {"release": release, **basis}
        self.releases[str(release)] = {
            "participants": len(people.groups),
            "groups": _pack(people.groups),
            "squares": _pack(people.squares),
        }
        self._labels.pop(str(release), None)
        referenced = {str(entry["release"]) for entry in self.statements.values()}
        referenced |= {str(entry["withheld_in"]) for entry in self.statements.values() if "withheld_in" in entry}
        if self.people is not None:
            referenced.add(str(self.people["release"]))
        self.releases = {key: value for key, value in self.releases.items() if key in referenced}

    def state(self) -> dict[str, Any]:
        return {"releases": self.releases, "statements": self.statements, "people": self.people, "basis": self.basis}


# The participants -------------------------------------------------------------------------------------------------


class People:
    """The participants as one population: opinion group → map square, crossed with actor group and day."""

    def __init__(self, result: opinion.Analysis, inputs: Inputs, k: int) -> None:
        self.k, self.inputs = k, inputs
        n = len(inputs.joined_on)
        clustered = result.clustered & (result.groups >= 0)
        self.groups = np.where(clustered, result.groups, -1).astype(np.int64)
        self.squares = np.full(n, -1, dtype=np.int64)
        if clustered.any():
            points = result.positions[clustered]
            low, high = points.min(axis=0), points.max(axis=0)
            span = np.where(high - low > 0, high - low, 1.0)
            grid = np.minimum(((points - low) / span * MAP_GRID).astype(int), MAP_GRID - 1)
            self.squares[clustered] = self.groups[clustered] * MAP_GRID * MAP_GRID + grid[:, 0] * MAP_GRID + grid[:, 1]
        self.actors = np.array(inputs.participant_actor_groups, dtype=np.int64)
        days = sorted(set(inputs.joined_on))
        self.day_names = [day.isoformat() for day in days]
        day_index = {day: position for position, day in enumerate(days)}
        self.days = np.array([day_index[day] for day in inputs.joined_on], dtype=np.int64)
        parents: dict[Hashable, Hashable | None] = {}
        for group in sorted(set(self.groups[self.groups >= 0].tolist())):
            parents[f"g{group}"] = None
        for square in sorted(set(self.squares[self.squares >= 0].tolist())):
            parents[f"s{square}"] = f"g{square // (MAP_GRID * MAP_GRID)}"
        place = [f"s{square}" if square >= 0 else None for square in self.squares.tolist()]
        sizes = Counter(zip(place, self.actors.tolist(), self.days.tolist(), strict=True))
        atoms: list[tuple[Hashable, ...]] = list(sizes)
        self.population = Population(parents, atoms)
        self.disclosure: Disclosure = self.population.disclose([sizes[atom] for atom in atoms], k=k)  # type: ignore[index]  # the atoms are Counter's keys
        _total, units, flat = self.population.totals(np.array([sizes[atom] for atom in atoms]))  # type: ignore[index]  # the atoms are Counter's keys
        self.unit_sizes = {str(unit): int(value[0]) for unit, value in units.items()}
        self.actor_sizes = {int(actor): int(value[0]) for actor, value in flat[0].items()}  # type: ignore[call-overload]  # actor indices
        self.day_sizes = {int(day): int(value[0]) for day, value in flat[1].items()}  # type: ignore[call-overload]  # day indices

    def group_sizes(self) -> dict[int, Cell[int]]:
        """Every opinion group's size: shown where the disclosure shows the group."""
        return {
            int(unit[1:]): people_cell(size, self.disclosure.shows_unit(unit))
            for unit, size in self.unit_sizes.items()
            if unit.startswith("g")
        }

    def opinion_map(self) -> list[dict[str, Any]]:
        """The shown squares of the map, each with its group, place and number of people, ordered by group, then row."""
        squares = []
        per_group = MAP_GRID * MAP_GRID
        for unit, size in self.unit_sizes.items():
            if unit.startswith("s") and self.disclosure.shows_unit(unit):
                group, rest = divmod(int(unit[1:]), per_group)
                squares.append(
                    {
                        "group": GROUP_LABELS[group],
                        "x": rest // MAP_GRID,
                        "y": rest % MAP_GRID,
                        "people": Cell(size, size),
                    }
                )
        squares.sort(key=lambda square: (square["group"], square["y"], square["x"]))
        return squares

    def participation(self) -> dict[str, list[dict[str, Any]]]:
        """New participants per day, and participants per actor group (name None: not stated)."""
        names = self.inputs.actor_group_names
        days = [
            {"date": name, "new": people_cell(self.day_sizes.get(day, 0), self.disclosure.shows(1, day))}
            for day, name in enumerate(self.day_names)
        ]
        actors = sorted(self.actor_sizes, key=lambda actor: (actor < 0, actor))
        return {
            "days": days,
            "actor_groups": [
                {
                    "name": names[actor] if actor >= 0 else None,
                    "people": people_cell(self.actor_sizes[actor], self.disclosure.shows(0, actor)),
                }
                for actor in actors
            ],
        }

    def audit(self, ledger: Ledger) -> bool:
        """Whether the participants' tables may be released (and the ledger updated to say they were)."""
        entry = ledger.people
        shown_now = self._shown()
        if entry is not None and (then := ledger.labels(entry["release"])) is not None:
            present, groups_then, squares_then = then
            n = len(self.groups)
            was_there = np.arange(n) < present
            previous_group = np.where(
                was_there, np.pad(groups_then, (0, max(n - len(groups_then), 0)), constant_values=-1)[:n], -1
            )
            previous_square = np.where(
                was_there, np.pad(squares_then, (0, max(n - len(squares_then), 0)), constant_values=-1)[:n], -1
            )
            ids = np.array([*self.inputs.actor_group_ids, -1], dtype=np.int64)
            actor_pk = ids[self.actors]  # -1 (not stated) picks the last entry
            classes, _class_of, sizes = releases.classes_of(
                np.column_stack(
                    [was_there, previous_group, previous_square, self.groups, self.squares, actor_pk, self.days]
                )
            )
            there, group_then, square_then, group_now, square_now, actor, day = classes.T
            day_index = {name: index for index, name in enumerate(self.day_names)}
            then_rows = [np.flatnonzero(there == 1)] + [
                np.flatnonzero((there == 1) & selected)
                for selected in (
                    *[group_then == g for g in entry["groups"]],
                    *[square_then == s for s in entry["squares"]],
                    *[day == day_index.get(d, -1) for d in entry["days"]],
                    *[actor == a for a in entry["actors"]],
                )
            ]
            now_rows = [np.arange(len(classes))] + [
                np.flatnonzero(selected)
                for selected in (
                    *[group_now == g for g in shown_now["groups"]],
                    *[square_now == s for s in shown_now["squares"]],
                    *[day == day_index[d] for d in shown_now["days"]],
                    *[actor == a for a in shown_now["actors"]],
                )
            ]
            if releases.reveals_small_group(sizes, then_rows + now_rows, classes, self.k):
                return False
        ledger.people = {"release": self.inputs.release, **shown_now}
        return True

    def _shown(self) -> dict[str, list[Any]]:
        ids = self.inputs.actor_group_ids
        return {
            "groups": sorted(
                int(unit[1:]) for unit in self.unit_sizes if unit.startswith("g") and self.disclosure.shows_unit(unit)
            ),
            "squares": sorted(
                int(unit[1:]) for unit in self.unit_sizes if unit.startswith("s") and self.disclosure.shows_unit(unit)
            ),
            "days": [name for day, name in enumerate(self.day_names) if self.disclosure.shows(1, day)],
            "actors": sorted(
                ids[actor] if actor >= 0 else -1 for actor in self.actor_sizes if self.disclosure.shows(0, actor)
            ),
        }


# The statements ---------------------------------------------------------------------------------------------------


@functools.cache
def _statement_population(n_groups: int, n_actors: int) -> Population:
    """A statement's voters by opinion group and actor group; the last of each (outside every group, not stated)
    count but are never shown."""
    atoms: list[tuple[Hashable, ...]] = [(None, g, a) for g in range(n_groups + 1) for a in range(n_actors + 1)]
    return Population({}, atoms, unshown=[{n_groups}, {n_actors}])


@functools.lru_cache(maxsize=16_384)
def _statement_disclosure(n_groups: int, n_actors: int, k: int, seen: bytes) -> Disclosure:
    """What a statement with these voters per opinion group × actor group (`seen`, int64) may show. Remembered by
    its input, since a run's statements mostly have the voters they had in the run before (the decision depends on
    nothing else)."""
    sizes = np.frombuffer(seen, dtype=np.int64)
    return _statement_population(n_groups, n_actors).disclose(sizes, k=k)


@dataclass
class StatementFigures:
    """What one release shows of one statement: its votes, and those of each shown opinion and actor group."""

    total: Cell[Votes] | None = None  # None: nothing shown
    groups: dict[int, Cell[Votes]] = field(default_factory=dict)  # opinion group -> cell (shown ones only)
    actors: dict[int, Cell[Votes]] = field(default_factory=dict)  # actor group (index) -> cell (shown ones only)
    withheld: bool = False

    def row(self, number: int) -> dict[str, Any]:
        return {"statement": number, "votes": self.total or HIDDEN_CELL, "withheld": self.withheld}


class StatementVoters:
    """The voters of every statement, crossed by opinion group and actor group (one population shape for all)."""

    def __init__(self, result: opinion.Analysis, matrix: opinion.VoteMatrix, inputs: Inputs, k: int) -> None:
        self.result, self.matrix, self.inputs, self.k = result, matrix, inputs, k
        m = len(inputs.statement_numbers)
        self.n_groups = result.k
        self.n_actors = len(inputs.actor_group_names)
        # Per participant: opinion group (n_groups: none) and actor group (n_actors: not stated).
        self.group_of = np.where(result.clustered & (result.groups >= 0), result.groups, self.n_groups).astype(np.int64)
        actors = np.array(inputs.participant_actor_groups, dtype=np.int64)
        self.actor_of = np.where(actors >= 0, actors, self.n_actors)
        cells = (self.n_groups + 1) * (self.n_actors + 1)
        # One pass over the votes: disagree, pass and agree (value + 1) of every statement × group × actor group.
        place = (self.group_of * (self.n_actors + 1) + self.actor_of) * 3
        index = matrix.cols.astype(np.int64) * (cells * 3)
        index += place[matrix.rows]
        index += matrix.values + 1
        by_value = np.bincount(index, minlength=m * cells * 3).reshape(m, self.n_groups + 1, self.n_actors + 1, 3)
        self.seen = by_value.sum(axis=3, dtype=np.int64)
        self.agree, self.disagree = by_value[..., 2], by_value[..., 0]
        totals = self.seen.sum(axis=(1, 2))
        self.shown_columns = [j for j in range(m) if inputs.statement_shown[j] and totals[j] > 0]
        # Every statement's shares, for the whole statement, each opinion group and each actor group.
        self._total = _Shares(totals, self.agree.sum(axis=(1, 2)), self.disagree.sum(axis=(1, 2)))
        self._by_group = _Shares(self.seen.sum(axis=2), self.agree.sum(axis=2), self.disagree.sum(axis=2))
        self._by_actor = _Shares(self.seen.sum(axis=1), self.agree.sum(axis=1), self.disagree.sum(axis=1))
        self._changed: dict[int, np.ndarray] = {}  # release -> per statement: voters not as that release had them
        self._votes: dict[int, np.ndarray] = {}  # statement -> its votes (indices into the matrix), when audited
        self._after: tuple[int, np.ndarray] | None = None  # the votes counted after a release (`_counted_after`)

    def release(self, j: int, ledger: Ledger) -> StatementFigures:
        """The statement's figures in this release, audited against the last release that showed it."""
        disclosure = _statement_disclosure(self.n_groups, self.n_actors, self.k, self.seen[j].tobytes())
        figures = self._figures(j, disclosure)
        number = str(self.inputs.statement_numbers[j])
        entry = ledger.statements.get(number)
        if figures.total is None:
            return figures  # nothing shown: nothing to audit, and the last release that showed it stays the reference
        if entry is not None and (then := ledger.labels(entry["release"])) is not None:
            if self._still_withheld(j, entry, ledger):
                ledger.statements[number] = {**entry, "withheld_in": self.inputs.release}
                return StatementFigures(withheld=True)
            audit = self._audit(j, entry, then, disclosure)
            if audit.reveals(full=True):
                if audit.reveals(full=False):
                    ledger.statements[number] = {**entry, "withheld_in": self.inputs.release}
                    return StatementFigures(withheld=True)
                figures = StatementFigures(total=figures.total)
        ids = self.inputs.actor_group_ids
        ledger.statements[number] = {
            "release": self.inputs.release,
            "total": True,
            "groups": sorted(figures.groups),
            "actors": sorted(ids[actor] for actor in figures.actors),
        }
        return figures

    @property
    def basis(self) -> dict[str, Any]:
        """What a statement's audit depends on besides its voters, their opinion groups and the release it compares
        with: the threshold, the number of opinion groups and the actor groups."""
        return {"k": self.k, "groups": self.n_groups, "actors": list(self.inputs.actor_group_ids)}

    def _still_withheld(self, j: int, entry: dict[str, Any], ledger: Ledger) -> bool:
        """Whether the last run held statement j back and nothing its audit depends on has changed since: the same
        voters, each counted by that run and in the same opinion group, on the same basis. The audit against the same
        earlier release would then see the same classes and the same cells, and hold it back again; this answers
        that without building them (statements held back wait for k new voters, often over many runs)."""
        held_in = entry.get("withheld_in")
        basis = ledger.basis
        if held_in is None or basis is None or basis.get("release") != held_in:
            return False
        if {key: value for key, value in basis.items() if key != "release"} != self.basis:
            return False
        then = ledger.labels(held_in)
        return then is not None and self._unchanged(j, held_in, then)

    def _figures(self, j: int, disclosure: Disclosure) -> StatementFigures:
        if not disclosure.total:
            return StatementFigures()
        figures = StatementFigures(total=self._total.cell(j))
        for g in range(self.n_groups):
            if disclosure.shows(0, g):
                figures.groups[g] = self._by_group.cell(j, g)
        for a in range(self.n_actors):
            if disclosure.shows(1, a):
                figures.actors[a] = self._by_actor.cell(j, a)
        return figures

    def _unchanged(self, j: int, release: int, then: tuple[int, np.ndarray, np.ndarray]) -> bool:
        """Whether every voter of statement j was counted in `release`, in the opinion group they are in now: computed
        once per release for every statement (`changed_since`)."""
        changed = self._changed.get(release)
        if changed is None:
            changed = self._changed[release] = self.changed_since(release, then)
        return not changed[j]

    def changed_since(self, release: int, then: tuple[int, np.ndarray, np.ndarray]) -> np.ndarray:
        """Per statement, its votes that differ from `release`: not counted then (counted first by a later release),
        or cast by a voter who was not there then or sat in another opinion group than now.

        A run audits against every release some statement was last shown in, and withheld statements keep older ones,
        so this is asked for several releases per run. With the votes in participant order (as the worker loads them)
        it reads only the votes counted after the earliest release asked about and those of the voters who moved,
        instead of every vote once per release; otherwise, or when most voters moved, it reads every vote."""
        present, groups_then, _squares = then
        n, m = len(self.group_of), len(self.inputs.statement_numbers)
        there = min(present, len(groups_then), n)
        group_now = np.where(self.group_of < self.n_groups, self.group_of, -1)
        moved_before = np.flatnonzero(groups_then[:there] != group_now[:there])  # there then, in another group now
        released = self.inputs.vote_releases
        cols = self.matrix.cols
        if released is None:
            return np.bincount(cols, minlength=m)  # no release is known: every vote differs
        row_starts = self._row_starts
        if row_starts is None or len(moved_before) > n // 8:
            moved = np.ones(n, dtype=bool)
            moved[:there] = False
            moved[moved_before] = True
            differs = moved[self.matrix.rows] | (released > release)
            return np.bincount(cols[differs], minlength=m)
        later = self._counted_after(release, released)  # votes first counted after `release`, whoever cast them
        changed = np.bincount(cols[later[released[later] > release]], minlength=m)
        # Votes counted by `release` (or earlier) of voters who moved since, or who were not there then.
        starts, stops = row_starts[moved_before], row_starts[moved_before + 1]
        lengths = stops - starts
        of_moved = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        of_moved = np.concatenate([of_moved, np.arange(row_starts[there], row_starts[n])])
        changed += np.bincount(cols[of_moved[released[of_moved] <= release]], minlength=m)
        return changed

    @functools.cached_property
    def _row_starts(self) -> np.ndarray | None:
        """Where each participant's votes start in the matrix (n + 1 offsets), when the votes are in participant
        order; None when they are not."""
        rows = self.matrix.rows
        if len(rows) > 1 and not np.all(rows[1:] >= rows[:-1]):
            return None
        return np.searchsorted(rows, np.arange(len(self.group_of) + 1))

    def _counted_after(self, release: int, released: np.ndarray) -> np.ndarray:
        """The votes first counted after `release` (indices into the matrix): read once per run, for the earliest
        release asked about, and narrowed for the later ones."""
        if self._after is None or self._after[0] > release:
            self._after = (release, np.flatnonzero(released > release))
        return self._after[1]

    def _statement_votes(self, j: int) -> np.ndarray:
        """The votes on statement j (indices into the matrix, in their order). Found in one pass for j and every
        statement whose voters changed since a release the audit has looked at, since those are audited too."""
        if j not in self._votes:
            wanted = np.zeros(len(self.inputs.statement_numbers), dtype=bool)
            for changed in self._changed.values():
                wanted |= changed > 0
            wanted[list(self._votes)] = False
            wanted[j] = True
            picked = np.flatnonzero(wanted[self.matrix.cols])
            picked = picked[np.argsort(self.matrix.cols[picked], kind="stable")]
            columns = self.matrix.cols[picked]
            statements = np.flatnonzero(wanted)
            starts = np.searchsorted(columns, statements, side="left")
            stops = np.searchsorted(columns, statements, side="right")
            for statement, start, stop in zip(statements.tolist(), starts.tolist(), stops.tolist(), strict=True):
                self._votes[statement] = picked[start:stop]
        return self._votes[j]

    def _audit(
        self, j: int, entry: dict[str, Any], then: tuple[int, np.ndarray, np.ndarray], disclosure: Disclosure
    ) -> ReleaseAudit:
        """The statement's voters in classes (counted in that release or not, opinion group then and now, actor
        group), with what that release and this one show of them."""
        present, groups_then, _squares = then
        if self._unchanged(j, int(entry["release"]), then):
            # The same voters in the same groups as then, and votes never change: the same figures, nothing new.
            return ReleaseAudit(np.zeros((0, 4), dtype=np.int64), np.zeros(0, dtype=np.int64), [], [], [], self.k)
        votes = self._statement_votes(j)
        voters = self.matrix.rows[votes].astype(np.int64)
        released = self.inputs.vote_releases
        counted = released[votes] <= entry["release"] if released is not None else np.zeros(len(votes), dtype=bool)
        counted &= voters < min(present, len(groups_then))
        group_then = np.where(counted, groups_then[np.minimum(voters, len(groups_then) - 1)], -1)
        ids = np.array([*self.inputs.actor_group_ids, -1], dtype=np.int64)
        voter_actor, voter_group = self.actor_of[voters], self.group_of[voters]
        actors = ids[np.where(voter_actor < self.n_actors, voter_actor, -1)]
        group_now = np.where(voter_group < self.n_groups, voter_group, -1)
        classes, _class_of, sizes = releases.classes_of(np.column_stack([counted, group_then, group_now, actors]))
        was_counted, then_group, now_group, actor = classes.T
        then_rows = [np.flatnonzero(was_counted == 1)] + [
            np.flatnonzero((was_counted == 1) & selected)
            for selected in (*[then_group == g for g in entry["groups"]], *[actor == a for a in entry["actors"]])
        ]
        shown_groups = [g for g in range(self.n_groups) if disclosure.shows(0, g)]
        shown_actors = [int(ids[a]) for a in range(self.n_actors) if disclosure.shows(1, a)]
        groups_now = [
            np.flatnonzero(selected)
            for selected in (*[now_group == g for g in shown_groups], *[actor == a for a in shown_actors])
        ]
        return ReleaseAudit(classes, sizes, then_rows, [np.arange(len(classes))], groups_now, self.k)


@dataclass
class ReleaseAudit:
    """A statement's voters in classes, with the sums the earlier release and this one show of them."""

    classes: np.ndarray
    sizes: np.ndarray
    then_rows: list[np.ndarray]
    total_now: list[np.ndarray]
    groups_now: list[np.ndarray]
    k: int

    def reveals(self, *, full: bool) -> bool:
        """Whether the two releases together determine a crossing of fewer than k voters: with this release's group
        cells (`full`), or with its total alone."""
        if not len(self.sizes):
            return False
        visible = self.then_rows + self.total_now + (self.groups_now if full else [])
        return _reveals(
            self.sizes.astype(np.int64).tobytes(),
            tuple(np.asarray(rows, dtype=np.int64).tobytes() for rows in visible),
            self.classes.astype(np.int64).tobytes(),
            self.classes.shape[1],
            self.k,
        )


@functools.lru_cache(maxsize=4096)
def _reveals(sizes: bytes, visible: tuple[bytes, ...], classes: bytes, width: int, k: int) -> bool:
    """`releases.reveals_small_group`, remembered by its input: a statement held back stays audited against the
    same release run after run, mostly with the same voters (the decision depends on nothing else)."""
    return releases.reveals_small_group(
        np.frombuffer(sizes, dtype=np.int64),
        [np.frombuffer(rows, dtype=np.int64) for rows in visible],
        np.frombuffer(classes, dtype=np.int64).reshape(-1, width),
        k,
    )
