"""What a dialogue's results show, built from an analysis and passed through the anonymity rules.

`build_report` turns an `analysis.Analysis` into plain JSON, stored with the analysis; every
figure in it has already gone through `tillit.privacy.suppression`, so the results page, the
CSV and the PDF cannot show more than it holds. `results_view` reads it back for them.

What is suppressed, with k the organisation's anonymity threshold:

- Nothing at all is shown while fewer than k people have voted.
- Opinion group sizes: the clustered participants broken down by group.
- Per statement, the agreement in each opinion group and each actor group: the statement's
  voters broken down by group, with those outside every group (not clustered, or no actor group
  stated) as a further group that is never shown but counts towards complementary suppression.
  The statement's own overall figures need k voters.
- The opinion map shows no single person: it shows squares of a grid, each with how many of a
  group's members sit there, suppressed as a breakdown of the group.
- Participation over time: new participants per day, as a breakdown of all participants.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

import numpy as np

from tillit.dialogues import analysis as opinion
from tillit.dialogues.models import Dialogue, DialogueAnalysis, Statement
from tillit.privacy.suppression import cells, check_threshold

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


def _percent(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _statement_breakdown(
    labels: list[str], agree: np.ndarray, disagree: np.ndarray, seen: np.ndarray, total_seen: int, k: int
) -> dict[str, dict | None]:
    """Agreement per group for one statement, suppressed as a breakdown of the statement's voters."""
    sizes = {label: int(seen[row]) for row, label in enumerate(labels)}
    sizes[NOT_IN_A_GROUP] = max(total_seen - sum(sizes.values()), 0)
    values = {
        label: {
            "agree": _percent(agree[row], seen[row]),
            "disagree": _percent(disagree[row], seen[row]),
            "voters": int(seen[row]),
        }
        for row, label in enumerate(labels)
    }
    values[NOT_IN_A_GROUP] = None
    shown = cells(values, sizes, k=k, parent_shown=total_seen >= k)
    return {label: (None if cell.hidden else cell.value) for label, cell in shown.items() if label != NOT_IN_A_GROUP}


def build_report(result: opinion.Analysis, matrix: opinion.VoteMatrix, inputs: Inputs) -> dict:
    k = check_threshold(inputs.k)
    numbers = inputs.statement_numbers
    voters = int(np.count_nonzero(result.vote_counts))
    report: dict = {
        "k": k,
        "totals": {
            "participants": len(inputs.joined_on),
            "voters": voters,
            "votes": inputs.votes,
            "statements": sum(inputs.statement_shown),
            "clustered": int(result.clustered.sum()),
        },
        "routing": {str(numbers[j]): float(result.priority[j]) for j in range(len(numbers))},
        "enough": voters >= k,
    }
    if not report["enough"]:
        report["totals"] = {}  # a count of fewer than k people is a figure too
        return report

    # Per-statement totals over everybody who voted on it.
    m = len(numbers)
    total_agree = np.bincount(matrix.cols, weights=(matrix.values == 1), minlength=m)
    total_disagree = np.bincount(matrix.cols, weights=(matrix.values == -1), minlength=m)
    total_seen = np.bincount(matrix.cols, minlength=m)
    shown_statement = [j for j in range(m) if inputs.statement_shown[j] and total_seen[j] > 0]
    report["statements"] = [
        {
            "statement": numbers[j],
            "voters": int(total_seen[j]) if total_seen[j] >= k else None,
            "agree": _percent(total_agree[j], total_seen[j]) if total_seen[j] >= k else None,
            "disagree": _percent(total_disagree[j], total_seen[j]) if total_seen[j] >= k else None,
            "pass": _percent(total_seen[j] - total_agree[j] - total_disagree[j], total_seen[j])
            if total_seen[j] >= k
            else None,
        }
        for j in shown_statement
    ]

    min_voters = max(CONSENSUS_MIN_VOTES, k)
    labels = list(GROUP_LABELS[: result.k])
    group_sizes = {label: int(np.count_nonzero(result.groups == g)) for g, label in enumerate(labels)}
    group_cells = cells(group_sizes, group_sizes, k=k, parent_shown=True)
    shown_groups = [label for label in labels if not group_cells[label].hidden]
    breakdowns = {
        j: _statement_breakdown(
            labels, result.agree[:, j], result.disagree[:, j], result.seen[:, j], int(total_seen[j]), k
        )
        for j in shown_statement
    }
    report["groups"] = [
        {
            "label": label,
            "size": None if group_cells[label].hidden else group_cells[label].size,
            "representative": []
            if group_cells[label].hidden
            else [
                # Only with the group's figure shown: a statement named as a small group's stance is a figure too.
                {"statement": numbers[rep.statement], "kind": rep.kind, "group": breakdowns[rep.statement][label]}
                for rep in result.representative[g]
                if (breakdowns.get(rep.statement) or {}).get(label) is not None
            ],
        }
        for g, label in enumerate(labels)
    ]
    report["map"] = _opinion_map(result, labels, shown_groups, k)

    def consensus_rows(order: list[int], breakdown_of) -> list[dict]:  # type: ignore[no-untyped-def]
        return [{"statement": numbers[j], "cells": breakdown_of(j)} for j in order]

    report["consensus"] = {
        "groups": shown_groups,
        "rows": consensus_rows(
            _uniting(breakdowns, shown_groups, min_voters),
            lambda j: [breakdowns[j].get(label) for label in shown_groups],
        )
        if len(shown_groups) >= 2
        else [],
    }
    report["actor_consensus"] = _actor_consensus(result, inputs, total_seen, shown_statement, numbers, k, min_voters)
    report["participation"] = _participation(
        inputs.joined_on, inputs.actor_group_names, inputs.participant_actor_groups, k
    )
    return report


def _opinion_map(result: opinion.Analysis, labels: list[str], shown_groups: list[str], k: int) -> dict:
    clustered = result.clustered & (result.groups >= 0)
    points = result.positions[clustered]
    if not len(points) or not shown_groups:
        return {"cells": [], "grid": MAP_GRID}
    low = points.min(axis=0)
    high = points.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    grid = np.minimum(((points - low) / span * MAP_GRID).astype(int), MAP_GRID - 1)
    member_groups = result.groups[clustered]
    map_cells = []
    for g, label in enumerate(labels):
        if label not in shown_groups:
            continue
        counts = Counter(map(tuple, grid[member_groups == g].tolist()))
        sizes = dict(counts)
        for square, cell in cells(sizes, sizes, k=k, parent_shown=True).items():
            if not cell.hidden:
                map_cells.append({"group": label, "x": int(square[0]), "y": int(square[1]), "count": cell.size})
    map_cells.sort(key=lambda c: (c["group"], c["y"], c["x"]))
    return {"cells": map_cells, "grid": MAP_GRID}


def _actor_consensus(result, inputs: Inputs, total_seen, shown_statement, numbers, k, min_voters) -> dict:  # type: ignore[no-untyped-def]
    if result.actor_labels is None or len(result.actor_labels) < 2:
        return {"groups": [], "rows": []}
    names = [inputs.actor_group_names[int(label)] for label in result.actor_labels]
    breakdowns = {
        j: _statement_breakdown(
            names, result.actor_agree[:, j], result.actor_disagree[:, j], result.actor_seen[:, j], int(total_seen[j]), k
        )
        for j in shown_statement
    }
    shown_names = [name for name in names if any(breakdowns[j].get(name) for j in breakdowns)]
    order = _uniting(breakdowns, shown_names, min_voters)
    if len(shown_names) < 2:
        return {"groups": [], "rows": []}
    return {
        "groups": shown_names,
        "rows": [{"statement": numbers[j], "cells": [breakdowns[j].get(name) for name in shown_names]} for j in order],
    }


def _participation(joined_on: list[datetime.date], names: list[str], actor_groups: list[int], k: int) -> dict:
    per_day = Counter(day.isoformat() for day in joined_on)
    days = dict(sorted(per_day.items()))
    day_cells = cells(days, days, k=k, parent_shown=len(joined_on) >= k)
    rows = []
    for day in days:
        cell = day_cells[day]
        rows.append({"date": day, "new": None if cell.hidden else cell.size})
    by_group = Counter(names[index] if index >= 0 else NOT_IN_A_GROUP for index in actor_groups)
    group_cells = cells(dict(by_group), dict(by_group), k=k, parent_shown=len(joined_on) >= k)
    return {
        "days": rows,
        "actor_groups": [
            {"name": name, "count": None if cell.hidden else cell.size}
            for name, cell in sorted(group_cells.items(), key=lambda item: item[0] == NOT_IN_A_GROUP)
        ],
    }


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
        return self.report.get("k", self.dialogue.organisation.anonymity_threshold)

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
    if report and report.get("k") != dialogue.organisation.anonymity_threshold:
        # The threshold changed since: show nothing computed under the old one, and have it redone.
        DialogueAnalysis.objects.filter(pk=stored.pk).update(dirty=True)
        report = {}
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
