"""What a dialogue's results show, built from an analysis and passed through the anonymity rules.

`build_report` turns an `analysis.Analysis` into plain JSON, stored with the analysis; every
figure in it has already gone through `tillit.privacy`, so the results page, the CSV and the PDF
cannot show more than it holds. `results_view` reads it back for them. Everything shown is one
publication, decided by two populations of `tillit.privacy.breakdowns`, so that every crossing of
their dimensions is audited together:

- **The participants**: a tree of opinion groups, each with the squares of the opinion map its
  members sit in (people outside every group stay at the top), crossed with the actor group they
  belong to or stated and the day they joined. It gives the group sizes, the map squares and the
  participation per day and per actor group.
- **The voters of each statement**: crossed by opinion group and by actor group; people outside
  every group, or who stated none, count but are never shown. It gives the statement's own figures
  and its agreement in each opinion group and each actor group.

With k the dialogue's anonymity threshold: nothing at all is shown while fewer than k people have
voted, and counts of people follow `privacy.count`. Derived figures (what unites the groups, a
group's representative statements) use only shown cells. How many took part "participants"
counts, and in an open dialogue all of them are unverified (anyone with the link, no account): the
page says so, and their number is bounded per network address.

**Releases.** A dialogue's results can change after readers have seen them: with live results
while votes come in, and after it closes when a statement is moderated. Every new version is then
a release, audited together with the last one that showed each part (`tillit.privacy.releases`):
the voters of a statement are classed by opinion group then and now, whether their vote was in the
earlier release, and actor group; the participants by group and square then and now, actor group,
day and whether they were there. If the two releases together determine a crossing of fewer than
k people, the statement is released with its own figures only, or held back whole, and the
participants' tables are held back; the ledger of what each part last showed is kept with the
analysis (`DialogueAnalysis.state`). Votes cannot be changed, and each vote carries the first
release that counted it, so the classes are exact.
"""

from __future__ import annotations

import base64
import datetime
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from tillit.dialogues import analysis as opinion
from tillit.dialogues.models import Dialogue, DialogueAnalysis, Statement
from tillit.privacy import releases
from tillit.privacy.breakdowns import Disclosure, Population
from tillit.privacy.suppression import check_threshold, count

GROUP_LABELS = "ABCDE"
MAP_GRID = 6
NOT_IN_A_GROUP = "none"
CONSENSUS_ROWS = 10
MAJORITY = 0.5
CONSENSUS_MIN_VOTES = 5


def _uniting(breakdowns: dict[int, dict], groups: list[str], min_voters: int) -> list[int]:
    """The statements that unite `groups`: a majority agrees in every one of them.

    Ranked by group-informed consensus, the geometric mean over the groups of (agree + 1) / (seen + 2),
    computed from the shown cells only, so neither the choice nor the order of the rows depends on a
    hidden group. Every group needs `min_voters` votes on the statement, so a statement seen by a few
    cannot rank high on the smoothing alone."""
    if len(groups) < 2:
        return []
    scored = []
    for j, breakdown in breakdowns.items():
        cells_ = [breakdown.get(group) for group in groups]
        if any(cell is None or cell["voters"] < min_voters or cell["agree"] <= 100 * MAJORITY for cell in cells_):
            continue
        smoothed = [(cell["agree"] / 100 * cell["voters"] + 1) / (cell["voters"] + 2) for cell in cells_]
        scored.append((-float(np.exp(np.mean(np.log(smoothed)))), j))
    return [j for _score, j in sorted(scored)][:CONSENSUS_ROWS]


@dataclass(frozen=True)
class Inputs:
    """What the report needs besides the analysis, indexed like the vote matrix."""

    statement_numbers: list[int]
    statement_shown: list[bool]  # what participants see: accepted, and pending under post-moderation
    participant_actor_groups: list[int]  # index into actor_group_names, -1 = not stated
    actor_group_names: list[str]
    joined_on: list[datetime.date]
    votes: int
    k: int
    actor_group_ids: list[int] = field(default_factory=list)  # the database ids behind actor_group_names
    participant_numbers: list[int] = field(default_factory=list)  # in the order of the matrix's rows
    vote_releases: np.ndarray | None = None  # per vote of the matrix: the first release that counted it
    release: int = 1  # this release's number
    unverified: bool = False  # an open dialogue: nobody is tied to a person


def _percent(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _shown_count(number: int, k: int) -> int | None:
    cell = count(number, k=k)
    return None if cell.hidden else number


def build_report(
    result: opinion.Analysis, matrix: opinion.VoteMatrix, inputs: Inputs, previous: dict | None = None
) -> tuple[dict, dict]:
    """The report of this release and the ledger to keep with it. `previous` is the ledger of the releases
    readers may already have seen (None when nobody could see results yet)."""
    k = check_threshold(inputs.k)
    numbers = inputs.statement_numbers
    voters = int(np.count_nonzero(result.vote_counts))
    report: dict = {
        "k": k,
        "routing": {str(numbers[j]): float(result.priority[j]) for j in range(len(numbers))},
        "enough": voters >= k,
        "totals": {},
    }
    ledger = _Ledger(previous)
    if not report["enough"]:  # a count of fewer than k people is a figure too
        return report, ledger.state()
    people = _People(result, inputs, k)
    report["totals"] = {
        "participants": _shown_count(len(inputs.joined_on), k),
        "voters": _shown_count(voters, k),
        "votes": inputs.votes,
        "statements": sum(inputs.statement_shown),
        "unverified": _shown_count(len(inputs.joined_on), k) if inputs.unverified else 0,
    }
    people_shown = people.audit(ledger)

    labels = list(GROUP_LABELS[: result.k])
    statements = _Statements(result, matrix, inputs, k)
    rows, breakdowns, actor_breakdowns = [], {}, {}
    for j in statements.shown_columns:
        figures = statements.release(j, ledger, people)
        rows.append(figures.row(numbers[j]))
        if figures.groups:
            breakdowns[j] = {labels[g]: cell for g, cell in figures.groups.items()}
        if figures.actors:
            actor_breakdowns[j] = figures.actors
    report["statements"] = rows

    min_voters = max(CONSENSUS_MIN_VOTES, k)
    group_sizes = people.group_sizes() if people_shown else {}
    report["people_withheld"] = not people_shown
    report["groups"] = [
        {
            "label": label,
            "size": group_sizes.get(g),
            "representative": []
            if group_sizes.get(g) is None
            else [
                # Only with the group's figure shown: a statement named as a small group's stance is a figure too.
                {"statement": numbers[rep.statement], "kind": rep.kind, "group": breakdowns[rep.statement][label]}
                for rep in result.representative[g]
                if (breakdowns.get(rep.statement) or {}).get(label) is not None
            ],
        }
        for g, label in enumerate(labels)
    ]
    shown_labels = [labels[g] for g in range(len(labels)) if group_sizes.get(g) is not None]
    report["map"] = people.opinion_map() if people_shown else {"cells": [], "grid": MAP_GRID}
    report["consensus"] = {
        "groups": shown_labels,
        "rows": [
            {"statement": numbers[j], "cells": [breakdowns[j].get(label) for label in shown_labels]}
            for j in _uniting(breakdowns, shown_labels, min_voters)
        ]
        if len(shown_labels) >= 2
        else [],
    }
    report["actor_consensus"] = _actor_consensus(actor_breakdowns, inputs, numbers, min_voters)
    report["participation"] = people.participation() if people_shown else {"days": [], "actor_groups": []}
    ledger.keep_labels(inputs.release, people)
    return report, ledger.state()


def _actor_consensus(
    breakdowns: dict[int, dict[int, dict]], inputs: Inputs, numbers: list[int], min_voters: int
) -> dict:
    names = inputs.actor_group_names
    shown = sorted({actor for cells in breakdowns.values() for actor in cells})
    if len(shown) < 2:
        return {"groups": [], "rows": []}
    by_name = {j: {names[actor]: cell for actor, cell in cells.items()} for j, cells in breakdowns.items()}
    shown_names = [names[actor] for actor in shown]
    return {
        "groups": shown_names,
        "rows": [
            {"statement": numbers[j], "cells": [by_name[j].get(name) for name in shown_names]}
            for j in _uniting(by_name, shown_names, min_voters)
        ],
    }


# The ledger of releases -------------------------------------------------------------------------------------


def _pack(values: np.ndarray) -> str:
    return base64.b64encode(np.asarray(values, dtype=np.int16).tobytes()).decode()


def _unpack(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.int16).astype(np.int64)


class _Ledger:
    """What each part of the results last showed, in which release, and who sat where in that release."""

    def __init__(self, previous: dict | None) -> None:
        previous = previous or {}
        self.releases: dict[str, dict] = dict(previous.get("releases") or {})
        self.statements: dict[str, dict] = dict(previous.get("statements") or {})
        self.people: dict | None = previous.get("people")

    def labels(self, release: int) -> tuple[int, np.ndarray, np.ndarray] | None:
        """Participants then (their count), and every one's opinion group and map square then (-1: none)."""
        stored = self.releases.get(str(release))
        if stored is None:
            return None
        return stored["participants"], _unpack(stored["groups"]), _unpack(stored["squares"])

    def keep_labels(self, release: int, people: _People) -> None:
        self.releases[str(release)] = {
            "participants": len(people.groups),
            "groups": _pack(people.groups),
            "squares": _pack(people.squares),
        }
        referenced = {str(entry["release"]) for entry in self.statements.values()}
        if self.people is not None:
            referenced.add(str(self.people["release"]))
        self.releases = {key: value for key, value in self.releases.items() if key in referenced}

    def state(self) -> dict:
        return {"releases": self.releases, "statements": self.statements, "people": self.people}


# The participants -------------------------------------------------------------------------------------------


class _People:
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
        parents: dict[str, str | None] = {}
        for group in sorted(set(self.groups[self.groups >= 0].tolist())):
            parents[f"g{group}"] = None
        for square in sorted(set(self.squares[self.squares >= 0].tolist())):
            parents[f"s{square}"] = f"g{square // (MAP_GRID * MAP_GRID)}"
        place = [f"s{square}" if square >= 0 else None for square in self.squares.tolist()]
        sizes = Counter(zip(place, self.actors.tolist(), self.days.tolist(), strict=True))
        atoms = list(sizes)
        self.population = Population(parents, atoms)
        self.disclosure: Disclosure = self.population.disclose([sizes[atom] for atom in atoms], k=k)
        _total, units, flat = self.population.totals(np.array([sizes[atom] for atom in atoms]))
        self.unit_sizes = {unit: int(value[0]) for unit, value in units.items()}
        self.actor_sizes = {actor: int(value[0]) for actor, value in flat[0].items()}
        self.day_sizes = {day: int(value[0]) for day, value in flat[1].items()}

    def group_sizes(self) -> dict[int, int]:
        return {
            int(unit[1:]): size
            for unit, size in self.unit_sizes.items()
            if unit.startswith("g") and self.disclosure.shows_unit(unit)
        }

    def opinion_map(self) -> dict:
        cells = []
        per_group = MAP_GRID * MAP_GRID
        for unit, size in self.unit_sizes.items():
            if unit.startswith("s") and self.disclosure.shows_unit(unit):
                square = int(unit[1:])
                group, rest = divmod(square, per_group)
                cells.append({"group": GROUP_LABELS[group], "x": rest // MAP_GRID, "y": rest % MAP_GRID, "count": size})
        cells.sort(key=lambda c: (c["group"], c["y"], c["x"]))
        return {"cells": cells, "grid": MAP_GRID}

    def participation(self) -> dict:
        names = self.inputs.actor_group_names
        days = [
            {"date": name, "new": self.day_sizes.get(day) if self.disclosure.shows(1, day) else None}
            for day, name in enumerate(self.day_names)
        ]
        actors = sorted(self.actor_sizes, key=lambda actor: (actor < 0, actor))
        return {
            "days": days,
            "actor_groups": [
                {
                    "name": names[actor] if actor >= 0 else NOT_IN_A_GROUP,
                    "count": self.actor_sizes[actor] if self.disclosure.shows(0, actor) else None,
                }
                for actor in actors
            ],
        }

    def audit(self, ledger: _Ledger) -> bool:
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

    def _shown(self) -> dict:
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


# The statements ---------------------------------------------------------------------------------------------


@dataclass
class _Figures:
    """What one release shows of one statement."""

    total: dict | None = None
    groups: dict[int, dict] = field(default_factory=dict)  # opinion group -> cell (shown ones only)
    actors: dict[int, dict] = field(default_factory=dict)  # actor group (index) -> cell (shown ones only)
    withheld: bool = False

    def row(self, number: int) -> dict:
        total = self.total or {}
        return {
            "statement": number,
            "voters": total.get("voters"),
            "agree": total.get("agree"),
            "disagree": total.get("disagree"),
            "pass": total.get("pass"),
            "withheld": self.withheld,
        }


class _Statements:
    """The voters of every statement, crossed by opinion group and actor group (one population shape for all)."""

    def __init__(self, result: opinion.Analysis, matrix: opinion.VoteMatrix, inputs: Inputs, k: int) -> None:
        self.result, self.matrix, self.inputs, self.k = result, matrix, inputs, k
        m = len(inputs.statement_numbers)
        self.n_groups = result.k
        self.n_actors = len(inputs.actor_group_names)
        groups = np.where(result.clustered & (result.groups >= 0), result.groups, self.n_groups)
        actors = np.array(inputs.participant_actor_groups, dtype=np.int64)
        self.voter_group = groups[matrix.rows]
        self.voter_actor = np.where(actors[matrix.rows] >= 0, actors[matrix.rows], self.n_actors)
        cells = (self.n_groups + 1) * (self.n_actors + 1)
        index = matrix.cols.astype(np.int64) * cells + self.voter_group * (self.n_actors + 1) + self.voter_actor
        shape = (m, self.n_groups + 1, self.n_actors + 1)
        self.seen = np.bincount(index, minlength=m * cells).reshape(shape)
        self.agree = np.bincount(index, weights=matrix.values == 1, minlength=m * cells).reshape(shape)
        self.disagree = np.bincount(index, weights=matrix.values == -1, minlength=m * cells).reshape(shape)
        self.atoms = [(None, g, a) for g in range(self.n_groups + 1) for a in range(self.n_actors + 1)]
        self.population = Population({}, self.atoms, unshown=[{self.n_groups}, {self.n_actors}])
        totals = self.seen.sum(axis=(1, 2))
        self.shown_columns = [j for j in range(m) if inputs.statement_shown[j] and totals[j] > 0]
        self.order = np.argsort(matrix.cols, kind="stable")
        self.starts = np.searchsorted(matrix.cols[self.order], np.arange(m + 1))

    def release(self, j: int, ledger: _Ledger, people: _People) -> _Figures:
        """The statement's figures in this release, audited against the last release that showed it."""
        disclosure = self.population.disclose(self.seen[j].ravel(), k=self.k)
        figures = self._figures(j, disclosure)
        number = str(self.inputs.statement_numbers[j])
        entry = ledger.statements.get(number)
        if figures.total is None:
            return figures  # nothing shown: nothing to audit, and the last release that showed it stays the reference
        if entry is not None and (then := ledger.labels(entry["release"])) is not None:
            audit = self._audit(j, entry, then, disclosure)
            if audit.reveals(full=True):
                if audit.reveals(full=False):
                    return _Figures(withheld=True)
                figures = _Figures(total=figures.total)
        ids = self.inputs.actor_group_ids
        ledger.statements[number] = {
            "release": self.inputs.release,
            "total": True,
            "groups": sorted(figures.groups),
            "actors": sorted(ids[actor] for actor in figures.actors),
        }
        return figures

    def _figures(self, j: int, disclosure: Disclosure) -> _Figures:
        if not disclosure.total:
            return _Figures()
        seen, agree, disagree = self.seen[j], self.agree[j], self.disagree[j]

        def cell(voters: float, agreeing: float, disagreeing: float) -> dict:
            return {
                "agree": _percent(agreeing, voters),
                "disagree": _percent(disagreeing, voters),
                "pass": _percent(voters - agreeing - disagreeing, voters),
                "voters": int(voters),
            }

        figures = _Figures(total=cell(seen.sum(), agree.sum(), disagree.sum()))
        for g in range(self.n_groups):
            if disclosure.shows(0, g):
                figures.groups[g] = cell(seen[g].sum(), agree[g].sum(), disagree[g].sum())
        for a in range(self.n_actors):
            if disclosure.shows(1, a):
                figures.actors[a] = cell(seen[:, a].sum(), agree[:, a].sum(), disagree[:, a].sum())
        return figures

    def _audit(self, j: int, entry: dict, then: tuple[int, np.ndarray, np.ndarray], disclosure: Disclosure) -> _Audit:
        """The statement's voters in classes (counted in that release or not, opinion group then and now, actor
        group), with what that release and this one show of them."""
        present, groups_then, _squares = then
        votes = self.order[self.starts[j] : self.starts[j + 1]]
        voters = self.matrix.rows[votes].astype(np.int64)
        released = self.inputs.vote_releases
        counted = released[votes] <= entry["release"] if released is not None else np.zeros(len(votes), dtype=bool)
        counted &= voters < min(present, len(groups_then))
        group_then = np.where(counted, groups_then[np.minimum(voters, len(groups_then) - 1)], -1)
        ids = np.array([*self.inputs.actor_group_ids, -1], dtype=np.int64)
        actors = ids[np.where(self.voter_actor[votes] < self.n_actors, self.voter_actor[votes], -1)]
        group_now = np.where(self.voter_group[votes] < self.n_groups, self.voter_group[votes], -1)
        if counted.all() and (group_then == group_now).all():
            # The same voters in the same groups as then, and votes never change: the same figures, nothing new.
            return _Audit(np.zeros((0, 4), dtype=np.int64), np.zeros(0, dtype=np.int64), [], [], [], self.k)
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
        return _Audit(classes, sizes, then_rows, [np.arange(len(classes))], groups_now, self.k)


@dataclass
class _Audit:
    classes: np.ndarray
    sizes: np.ndarray
    then_rows: list[np.ndarray]
    total_now: list[np.ndarray]
    groups_now: list[np.ndarray]
    k: int

    def reveals(self, *, full: bool) -> bool:
        if not len(self.sizes):
            return False
        visible = self.then_rows + self.total_now + (self.groups_now if full else [])
        return releases.reveals_small_group(self.sizes, visible, self.classes, self.k)


# Reading it back ----------------------------------------------------------------------------------


@dataclass
class ResultsView:
    dialogue: Dialogue
    report: dict
    version: str
    pending: bool
    computed_at: datetime.datetime | None

    @property
    def k(self) -> int:
        return self.report.get("k", self.dialogue.anonymity_threshold)

    @property
    def statements(self) -> list[dict]:
        return self.report.get("statements", [])


def results_version(dialogue: Dialogue) -> str:
    """What the results page's poll compares: when the stored analysis was computed (one small query)."""
    computed_at = DialogueAnalysis.objects.filter(dialogue=dialogue).values_list("computed_at", flat=True).first()
    return computed_at.isoformat() if computed_at else ""


def results_view(dialogue: Dialogue) -> ResultsView:
    stored = DialogueAnalysis.objects.filter(dialogue=dialogue).defer("state").first()
    report = stored.report if stored and stored.computed_at else {}
    statements = {
        number: (text, public_id)
        for number, text, public_id in Statement.objects.filter(dialogue=dialogue).values_list(
            "number", "text", "public_id"
        )
    }
    report = _with_texts(report, statements)
    version = stored.computed_at.isoformat() if stored and stored.computed_at else ""
    return ResultsView(
        dialogue=dialogue,
        report=report,
        version=version,
        pending=bool(stored is None or stored.dirty or not report),
        computed_at=stored.computed_at if stored else None,
    )


def _with_texts(report: dict, statements: dict[int, tuple[str, object]]) -> dict:
    """A copy of the stored report in which every statement row also carries its text and public id."""

    def named(row: dict) -> dict:
        text, public_id = statements.get(row["statement"], ("", None))
        return dict(row, text=text, uuid=public_id)

    if not report.get("enough"):
        return report
    report = dict(report)
    report["statements"] = [named(row) for row in report.get("statements", [])]
    report["groups"] = [
        dict(group, representative=[named(rep) for rep in group["representative"]])
        for group in report.get("groups", [])
    ]
    for key in ("consensus", "actor_consensus"):
        table = report.get(key) or {"groups": [], "rows": []}
        report[key] = dict(table, rows=[named(row) for row in table["rows"]])
    return report


__all__ = ["Inputs", "ResultsView", "build_report", "results_view"]


MAP_SIZE = 300
GROUP_COLOURS = {"A": "#1f5f99", "B": "#a3400c", "C": "#2e6b30", "D": "#7b3fa0", "E": "#6b5500"}


@dataclass(frozen=True)
class MapPoint:
    group: str
    count: int
    cx: float
    cy: float
    r: float
    colour: str


@dataclass(frozen=True)
class Bar:
    date: str
    count: int | None
    x: float
    y: float
    width: float
    height: float


def map_points(view: ResultsView) -> list[MapPoint]:
    opinion_map = view.report.get("map") or {}
    map_cells = opinion_map.get("cells", [])
    if not map_cells:
        return []
    grid = opinion_map.get("grid", MAP_GRID)
    step = MAP_SIZE / grid
    largest = max(cell["count"] for cell in map_cells)
    points = []
    for cell in map_cells:
        radius = max(6.0, (cell["count"] / largest) ** 0.5 * step * 0.48)
        # Two groups in one square sit side by side rather than on top of each other.
        offset = (GROUP_LABELS.index(cell["group"]) - 2) * step * 0.08
        points.append(
            MapPoint(
                group=cell["group"],
                count=cell["count"],
                cx=round((cell["x"] + 0.5) * step + offset, 1),
                cy=round(MAP_SIZE - (cell["y"] + 0.5) * step, 1),
                r=round(radius, 1),
                colour=GROUP_COLOURS[cell["group"]],
            )
        )
    return points


def participation_bars(view: ResultsView, width: int = 600, height: int = 160) -> list[Bar]:
    days = (view.report.get("participation") or {}).get("days", [])
    if not days:
        return []
    largest = max((day["new"] or 0) for day in days) or 1
    slot = width / len(days)
    bars = []
    for index, day in enumerate(days):
        bar_height = (day["new"] or 0) / largest * (height - 10)
        bars.append(
            Bar(
                date=day["date"],
                count=day["new"],
                x=round(index * slot + slot * 0.1, 1),
                y=round(height - bar_height, 1),
                width=round(slot * 0.8, 1),
                height=round(bar_height, 1),
            )
        )
    return bars
