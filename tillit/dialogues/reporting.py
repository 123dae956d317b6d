"""What a dialogue's results show: one publication, built from an analysis, stored, and read back for every page and
export.

`build_report` turns an `analysis.Analysis` into the stored report: every figure in it has gone through
`tillit.privacy` and is a `Cell` (its value and how many people stand behind it, shown or hidden together), written
by `tillit.privacy.codec` so that a hidden figure stays hidden in JSON. `read_back` decodes it into the publication
(`ResultsView` holding `Results`), the only thing the results page, the CSV and the PDF receive: its numbers are
`Cell`s, `X | Hidden` values or marked `NotAFigure`, so none of them can show more than the report holds.
Everything shown is one publication, decided by two populations of `tillit.privacy.breakdowns`, so that every
crossing of their dimensions is audited together (`disclosure`):

- **The participants**: a tree of opinion groups, each with the squares of the opinion map its members sit in, crossed
  with the actor group they belong to or stated and the day they joined. It gives the group sizes, the map squares
  and the participation per day and per actor group.
- **The voters of each statement**: crossed by opinion group and by actor group; people outside every group, or who
  stated none, count but are never shown. It gives the statement's own figures and its agreement in each opinion
  group and each actor group.

With k the dialogue's anonymity threshold: nothing at all is shown while fewer than k people have voted, and counts
of people follow `privacy.count`. Derived figures (what unites the groups, a group's representative statements) use
only shown cells. How many took part "participants" counts, and in an open dialogue all of them are unverified
(anyone with the link, no account): the page says so, and their number is bounded per network address.

**Releases.** A dialogue's results can change after readers have seen them: with live results while votes come in,
and after it closes when a statement is moderated. Every new version is then a release, audited together with the
last one that showed each part (`tillit.privacy.releases`, see `disclosure`). If the two releases together determine
a crossing of fewer than k people, the statement is released with its own figures only, or held back whole, and the
participants' tables are held back; the ledger of what each part last showed is kept with the analysis
(`DialogueAnalysis.state`).

**Stored format.** The stored report carries `"format": FORMAT`. A report of another format (stored before the
figures were cells) reads back as no results, with the analysis being updated; migration 0004 marks every such
analysis for the worker, which writes it anew. The read itself never writes. The report's `routing` (the priorities
`queries.next_statement` draws by) is internal: it is not a figure of the publication and no page or export reads it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import numpy as np

from tillit.dialogues import analysis as opinion
from tillit.dialogues.disclosure import (
    GROUP_LABELS,
    HIDDEN_CELL,
    MAP_GRID,
    Ledger,
    People,
    StatementVoters,
    Votes,
)
from tillit.dialogues.models import Dialogue
from tillit.privacy import codec
from tillit.privacy.suppression import HIDDEN, Cell, Hidden, NotAFigure, check_threshold, count
from tillit.reports.charts.bubbles import Bubble, GridSquare, grid_bubbles
from tillit.reports.charts.series import SeriesChart, series_bars

__all__ = [
    "FORMAT",
    "GROUP_LABELS",
    "MAP_GRID",
    "ConsensusRow",
    "ConsensusTable",
    "Inputs",
    "OpinionGroup",
    "Results",
    "ResultsView",
    "Shares",
    "StatementResult",
    "build_report",
    "map_points",
    "participation_chart",
    "publication",
    "read_back",
]

FORMAT = 2  # the stored report's figures are `privacy.codec` cells; 1 (no "format") held them as numbers and None
CONSENSUS_ROWS = 10
MAJORITY = 0.5
CONSENSUS_MIN_VOTES = 5
NOT_PUBLISHED = ("Inputs",)  # what the report is built from, not what it shows


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


# Building the stored report ---------------------------------------------------------------------------------------


def build_report(
    result: opinion.Analysis,
    matrix: opinion.VoteMatrix,
    inputs: Inputs,
    previous: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The report of this release, as stored (JSON, figures encoded by `privacy.codec`), and the ledger to keep with
    it. `previous` is the ledger of the releases readers may already have seen (None when nobody could see results
    yet)."""
    k = check_threshold(inputs.k)
    numbers = inputs.statement_numbers
    voters = int(np.count_nonzero(result.vote_counts))
    report: dict[str, Any] = {
        "format": FORMAT,
        "k": k,
        "routing": {str(numbers[j]): float(result.priority[j]) for j in range(len(numbers))},
        "enough": voters >= k,
    }
    ledger = Ledger(previous)
    if not report["enough"]:  # a count of fewer than k people is a figure too
        return codec.encode(report), ledger.state()
    people = People(result, inputs, k)
    report["totals"] = {
        "participants": count(len(inputs.joined_on), k=k),
        "voters": count(voters, k=k),
        "votes": Cell(inputs.votes, voters),
        "statements": sum(inputs.statement_shown),
    }
    people_shown = people.audit(ledger)

    labels = list(GROUP_LABELS[: result.k])
    statements = StatementVoters(result, matrix, inputs, k)
    rows = []
    breakdowns: dict[int, dict[str, Cell[Votes]]] = {}
    actor_breakdowns: dict[int, dict[int, Cell[Votes]]] = {}
    for j in statements.shown_columns:
        figures = statements.release(j, ledger)
        rows.append(figures.row(numbers[j]))
        if figures.groups:
            breakdowns[j] = {labels[g]: cell for g, cell in figures.groups.items()}
        if figures.actors:
            actor_breakdowns[j] = figures.actors
    report["statements"] = rows

    min_voters = max(CONSENSUS_MIN_VOTES, k)
    sizes = people.group_sizes() if people_shown else {}
    shown = {g for g, size in sizes.items() if not size.hidden}
    report["people_withheld"] = not people_shown
    report["groups"] = [
        {
            "label": label,
            "size": sizes.get(g, HIDDEN_CELL),
            # Only with the group's figure shown: a statement named as a small group's stance is a figure too.
            "representative": [
                {"statement": numbers[rep.statement], "kind": rep.kind, "votes": breakdowns[rep.statement][label]}
                for rep in result.representative[g]
                if label in breakdowns.get(rep.statement, {})
            ]
            if g in shown
            else [],
        }
        for g, label in enumerate(labels)
    ]
    shown_labels = [label for g, label in enumerate(labels) if g in shown]
    report["map"] = {"squares": people.opinion_map() if people_shown else [], "grid": MAP_GRID}
    report["consensus"] = _consensus(breakdowns, shown_labels, numbers, min_voters)
    names = inputs.actor_group_names
    shown_actors = sorted({actor for cells in actor_breakdowns.values() for actor in cells})
    by_name = {j: {names[actor]: cell for actor, cell in cells.items()} for j, cells in actor_breakdowns.items()}
    report["actor_consensus"] = _consensus(by_name, [names[actor] for actor in shown_actors], numbers, min_voters)
    report["participation"] = people.participation() if people_shown else {"days": [], "actor_groups": []}
    ledger.keep_labels(inputs.release, people, statements.basis)
    return codec.encode(report), ledger.state()


def _consensus(
    breakdowns: Mapping[int, Mapping[str, Cell[Votes]]], groups: list[str], numbers: list[int], min_voters: int
) -> dict[str, Any]:
    """The statements that unite `groups` (at least two), each with every group's cell."""
    if len(groups) < 2:
        return {"groups": [], "rows": []}
    return {
        "groups": groups,
        "rows": [
            {"statement": numbers[j], "cells": [breakdowns[j].get(group, HIDDEN_CELL) for group in groups]}
            for j in _uniting(breakdowns, groups, min_voters)
        ],
    }


def _uniting(breakdowns: Mapping[int, Mapping[str, Cell[Votes]]], groups: list[str], min_voters: int) -> list[int]:
    """The statements that unite `groups`: a majority agrees in every one of them.

    Ranked by group-informed consensus, the geometric mean over the groups of (agree + 1) / (seen + 2), computed from
    the shown cells only, so neither the choice nor the order of the rows depends on a hidden group. Every group
    needs `min_voters` votes on the statement, so a statement seen by a few cannot rank high on the smoothing alone."""
    scored = []
    for j, breakdown in breakdowns.items():
        shown = [_shown(breakdown.get(group, HIDDEN_CELL)) for group in groups]
        cells = [cell for cell in shown if cell is not None and cell[1] >= min_voters]
        if len(cells) < len(groups) or any(shares["agree"] <= 100 * MAJORITY for shares, _voters in cells):
            continue
        smoothed = [(shares["agree"] / 100 * voters + 1) / (voters + 2) for shares, voters in cells]
        scored.append((-float(np.exp(np.mean(np.log(smoothed)))), j))
    return [j for _score, j in sorted(scored)][:CONSENSUS_ROWS]


def _shown(cell: Cell[Votes]) -> tuple[Votes, int] | None:
    if isinstance(cell.value, Hidden) or isinstance(cell.size, Hidden):
        return None
    return cell.value, cell.size


# The publication --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementRef:
    """A statement as the results name it: its number, its text and the public id of its page."""

    number: NotAFigure[int]
    text: str
    public_id: UUID | None


@dataclass(frozen=True)
class Shares:
    """How the voters of a statement, or of one group on it, voted: shares in per cent and how many voted, all
    HIDDEN together where fewer than k stand behind them (or a cell would let a hidden one be worked out)."""

    agree: float | Hidden
    disagree: float | Hidden
    passed: float | Hidden
    voters: int | Hidden

    @property
    def hidden(self) -> bool:
        return isinstance(self.voters, Hidden)

    @classmethod
    def of(cls, figure: Cell[Votes]) -> Shares:
        """The shares of a stored cell: all HIDDEN when the cell is."""
        shown = _shown(figure)
        if shown is None:
            return HIDDEN_SHARES
        shares, voters = shown
        return cls(shares["agree"], shares["disagree"], shares["pass"], voters)


HIDDEN_SHARES = Shares(HIDDEN, HIDDEN, HIDDEN, HIDDEN)


@dataclass(frozen=True)
class StatementResult:
    statement: StatementRef
    votes: Shares
    withheld: bool  # held back in this release: shown again once enough more have voted


@dataclass(frozen=True)
class Representative:
    statement: StatementRef
    kind: str  # "agree" or "disagree": what the group tends to
    votes: Shares  # the group's votes on it


@dataclass(frozen=True)
class OpinionGroup:
    label: str
    size: Cell[int]
    representative: tuple[Representative, ...]  # empty when the group is hidden
    squares: tuple[Cell[int], ...]  # the people in each of the group's shown squares of the map


@dataclass(frozen=True)
class MapSquare:
    group: str
    x: NotAFigure[int]  # column and row on the grid (0 .. MAP_GRID - 1)
    y: NotAFigure[int]
    people: Cell[int]


@dataclass(frozen=True)
class ConsensusRow:
    statement: StatementRef
    cells: tuple[Shares, ...]  # one per group of the table


@dataclass(frozen=True)
class ConsensusTable:
    groups: tuple[str, ...]  # opinion groups' labels, or actor groups' names
    rows: tuple[ConsensusRow, ...]


@dataclass(frozen=True)
class DayCount:
    day: datetime.date
    new: Cell[int]  # participants who joined that day


@dataclass(frozen=True)
class ActorGroupCount:
    name: str | None  # None: the participants who stated no actor group
    people: Cell[int]


@dataclass(frozen=True)
class Participation:
    days: tuple[DayCount, ...] = ()
    actor_groups: tuple[ActorGroupCount, ...] = ()


@dataclass(frozen=True)
class Totals:
    participants: Cell[int]
    voters: Cell[int]
    votes: Cell[int]  # votes cast, standing on the voters
    statements: NotAFigure[int]  # shown to the participants: not a figure about people


EMPTY_TABLE = ConsensusTable((), ())


@dataclass(frozen=True)
class Results:
    """Everything the results show. With fewer than k voters (`enough` false) only k is there."""

    k: NotAFigure[int]
    enough: bool
    totals: Totals | None = None
    statements: tuple[StatementResult, ...] = ()
    groups: tuple[OpinionGroup, ...] = ()
    people_withheld: bool = False  # group sizes, map and participation held back in this release
    opinion_map: tuple[MapSquare, ...] = ()
    map_grid: NotAFigure[int] = MAP_GRID
    consensus: ConsensusTable = EMPTY_TABLE
    actor_consensus: ConsensusTable = EMPTY_TABLE
    participation: Participation = Participation()


@dataclass(frozen=True)
class ResultsView:
    """The stored results of a dialogue as pages and exports receive them."""

    dialogue: Dialogue
    results: Results | None  # None: nothing analysed yet, or the analysis is being redone in a newer format
    version: str  # when it was computed, for the page's poll
    pending: bool  # newer votes (or a newer format) are on their way into the analysis
    computed_at: datetime.datetime | None

    @property
    def k(self) -> NotAFigure[int]:
        return self.results.k if self.results is not None else self.dialogue.anonymity_threshold


Texts = Mapping[int, tuple[str, UUID]]


def read_back(
    dialogue: Dialogue,
    report: Mapping[str, Any] | None,
    *,
    texts: Texts,
    computed_at: datetime.datetime | None,
    dirty: bool,
) -> ResultsView:
    """The stored `report` as the publication, each statement named by `texts` (number → text and public id)."""
    results = publication(report, texts)
    return ResultsView(
        dialogue=dialogue,
        results=results,
        version=computed_at.isoformat() if computed_at else "",
        pending=dirty or results is None,
        computed_at=computed_at,
    )


def publication(report: Mapping[str, Any] | None, texts: Texts) -> Results | None:
    """The publication of a stored report; None when there is none, or it is of another format (being redone)."""
    if not report or report.get("format") != FORMAT:
        return None
    data = codec.decode(report)
    k = data["k"]
    if not data["enough"]:
        return Results(k=k, enough=False)

    def named(number: int) -> StatementRef:
        text, public_id = texts.get(number, ("", None))
        return StatementRef(number, text, public_id)

    squares = tuple(MapSquare(s["group"], s["x"], s["y"], s["people"]) for s in data["map"]["squares"])
    participation = data["participation"]
    return Results(
        k=k,
        enough=True,
        totals=Totals(**data["totals"]),
        statements=tuple(
            StatementResult(named(row["statement"]), Shares.of(row["votes"]), row["withheld"])
            for row in data["statements"]
        ),
        groups=tuple(
            OpinionGroup(
                label=group["label"],
                size=group["size"],
                representative=tuple(
                    Representative(named(rep["statement"]), rep["kind"], Shares.of(rep["votes"]))
                    for rep in group["representative"]
                ),
                squares=tuple(square.people for square in squares if square.group == group["label"]),
            )
            for group in data["groups"]
        ),
        people_withheld=data["people_withheld"],
        opinion_map=squares,
        map_grid=data["map"]["grid"],
        consensus=_table(data["consensus"], named),
        actor_consensus=_table(data["actor_consensus"], named),
        participation=Participation(
            days=tuple(DayCount(datetime.date.fromisoformat(day["date"]), day["new"]) for day in participation["days"]),
            actor_groups=tuple(ActorGroupCount(row["name"], row["people"]) for row in participation["actor_groups"]),
        ),
    )


def _table(table: Mapping[str, Any], named: Any) -> ConsensusTable:
    return ConsensusTable(
        groups=tuple(table["groups"]),
        rows=tuple(
            ConsensusRow(named(row["statement"]), tuple(Shares.of(cell) for cell in row["cells"]))
            for row in table["rows"]
        ),
    )


# Charts -----------------------------------------------------------------------------------------------------------

GROUP_COLOURS = {"A": "#1f5f99", "B": "#a3400c", "C": "#2e6b30", "D": "#7b3fa0", "E": "#6b5500"}


def map_points(results: Results) -> list[Bubble]:
    """The opinion map's circles (`reports.charts.bubbles`): one per shown square, two groups in one square side by
    side."""
    squares = [GridSquare(square.group, square.x, square.y, square.people) for square in results.opinion_map]
    return grid_bubbles(squares, grid=results.map_grid, series=GROUP_LABELS, colours=GROUP_COLOURS)


def participation_chart(results: Results) -> SeriesChart:
    """New participants per day as bars (`reports.charts.series`); a hidden day keeps its place without a bar."""
    return series_bars([(day.day.isoformat(), day.new) for day in results.participation.days])
