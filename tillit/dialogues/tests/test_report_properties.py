"""Every surface of a dialogue's results, on generated dialogues, held to the exact audit: one release, and two.

The report is built from a real analysis of generated votes. What it shows (statement figures, opinion-group and
actor-group cells, group sizes, map squares, participation per day and per actor group) is collected as sets of
people, and `tillit.privacy.audit.determined` decides, in exact arithmetic, whether those sets determine any
crossing of fewer than k people. Every participant is an atom of one person: the finest, most pessimistic view.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.dialogues import analysis as opinion
from tillit.dialogues import reporting
from tillit.privacy.audit import determined

bounded = settings(max_examples=40, deadline=None, database=None)
STATEMENT_FIGURES = {"statement", "opinion", "actor cell"}
DAY = datetime.date(2026, 11, 2)


@st.composite
def dialogues(draw: st.DrawFn) -> dict:
    n = draw(st.integers(min_value=8, max_value=24))
    m = draw(st.integers(min_value=2, max_value=5))
    camps = draw(st.integers(min_value=1, max_value=3))
    camp = [draw(st.integers(min_value=0, max_value=camps - 1)) for _ in range(n)]
    votes = []
    for person in range(n):
        for statement in range(m):
            if draw(st.integers(min_value=0, max_value=9)) < 8:
                leaning = 1 if (statement + camp[person]) % 2 == 0 else -1
                value = leaning if draw(st.integers(min_value=0, max_value=4)) else draw(st.sampled_from([-1, 0, 1]))
                votes.append((person, statement, value, draw(st.sampled_from([1, 1, 2]))))
    return {
        "n": n,
        "m": m,
        "votes": votes,
        "actors": [draw(st.sampled_from([-1, 0, 1, 2])) for _ in range(n)],
        "days": [draw(st.integers(min_value=0, max_value=2)) for _ in range(n)],
        "k": draw(st.sampled_from([3, 5])),
    }


def release(data: dict, up_to: int, previous: dict | None) -> tuple[dict, dict, reporting._People, list]:
    """The report of release `up_to` (votes of releases up to it), with the ledger and who sat where."""
    votes = [vote for vote in data["votes"] if vote[3] <= up_to]
    rows = np.array([vote[0] for vote in votes], dtype=np.int64)
    cols = np.array([vote[1] for vote in votes], dtype=np.int64)
    values = np.array([vote[2] for vote in votes], dtype=np.int64)
    matrix = opinion.VoteMatrix(data["n"], data["m"], rows, cols, values)
    inputs = reporting.Inputs(
        statement_numbers=list(range(1, data["m"] + 1)),
        statement_shown=[True] * data["m"],
        participant_actor_groups=data["actors"],
        actor_group_names=["politician", "manager", "staff"],
        joined_on=[DAY + datetime.timedelta(days=day) for day in data["days"]],
        votes=len(votes),
        k=data["k"],
        actor_group_ids=[11, 12, 13],
        participant_numbers=list(range(1, data["n"] + 1)),
        vote_releases=np.array([vote[3] for vote in votes], dtype=np.int64),
        release=up_to,
    )
    result = opinion.analyse(matrix, actor_groups=np.array(data["actors"]), seed=1, min_clustered=0)
    report, ledger = reporting.build_report(result, matrix, inputs, previous=previous)
    return report, ledger, reporting._People(result, inputs, data["k"]), votes


def shown_sets(report: dict, people: reporting._People, data: dict, votes: list, tag: object) -> dict:
    """Every figure the report shows, as the set of people it is about (votes of a statement as (person, j))."""
    shown: dict[tuple, frozenset] = {}
    if not report.get("enough"):
        return shown
    everyone = range(data["n"])
    shown[(tag, "participants")] = frozenset(everyone)
    for group in report["groups"]:
        if group["size"] is not None:
            g = reporting.GROUP_LABELS.index(group["label"])
            shown[(tag, "group", g)] = frozenset(p for p in everyone if people.groups[p] == g)
    grid = reporting.MAP_GRID
    for cell in report["map"]["cells"]:
        square = reporting.GROUP_LABELS.index(cell["group"]) * grid * grid + cell["x"] * grid + cell["y"]
        shown[(tag, "square", square)] = frozenset(p for p in everyone if people.squares[p] == square)
    for day in report["participation"]["days"]:
        if day["new"] is not None:
            index = people.day_names.index(day["date"])
            shown[(tag, "day", index)] = frozenset(p for p in everyone if people.days[p] == index)
    names = ["politician", "manager", "staff"]
    for row in report["participation"]["actor_groups"]:
        if row["count"] is not None:
            actor = -1 if row["name"] == reporting.NOT_IN_A_GROUP else names.index(row["name"])
            shown[(tag, "actor", actor)] = frozenset(p for p in everyone if data["actors"][p] == actor)
    voters = {j: {vote[0] for vote in votes if vote[1] == j} for j in range(data["m"])}
    for row in report["statements"]:
        j = row["statement"] - 1
        if row["voters"] is not None:
            shown[(tag, "statement", j)] = frozenset((p, j) for p in voters[j])

    def cells(table: dict, prefix: str, member: object) -> Iterable[tuple[tuple, frozenset]]:
        for row in table["rows"]:
            j = row["statement"] - 1
            for name, cell in zip(table["groups"], row["cells"], strict=True):
                if cell is not None:
                    yield (tag, prefix, j, name), frozenset((p, j) for p in voters[j] if member(p, name))

    shown.update(cells(report["consensus"], "opinion", lambda p, label: people.groups[p] == "ABCDE".index(label)))
    shown.update(
        cells(
            report["actor_consensus"],
            "actor cell",
            lambda p, name: data["actors"][p] >= 0 and names[data["actors"][p]] == name,
        )
    )
    for group in report["groups"]:
        for rep in group["representative"]:
            j = rep["statement"] - 1
            g = reporting.GROUP_LABELS.index(group["label"])
            shown[(tag, "opinion", j, group["label"])] = frozenset((p, j) for p in voters[j] if people.groups[p] == g)
    return shown


def small_crossings(people: dict, attributes: dict[str, list], k: int) -> dict[tuple, frozenset]:
    """Every set of the given people that fixes one or more attributes and has at least one and fewer than k."""
    found = {}
    names = list(attributes)
    for size in range(1, len(names) + 1):
        for chosen in itertools.combinations(names, size):
            groups: dict[tuple, set] = {}
            for atom, person in people.items():
                groups.setdefault(tuple(attributes[name][person] for name in chosen), set()).add(atom)
            for values, members in groups.items():
                if 0 < len(members) < k:
                    found[(chosen, values)] = frozenset(members)
    return found


@bounded
@given(dialogues())
def test_one_release_determines_no_crossing_of_fewer_than_k(data):
    report, _ledger, people, votes = release(data, 2, None)
    shown = shown_sets(report, people, data, votes, "now")
    k = data["k"]

    attributes = {
        "group": list(people.groups),
        "square": list(people.squares),
        "actor": data["actors"],
        "day": data["days"],
    }
    atoms = dict.fromkeys(range(data["n"]), 1)
    candidates = small_crossings({p: p for p in range(data["n"])}, attributes, k)
    person_sets = [
        members for name, members in shown.items() if name[1] in {"participants", "group", "square", "day", "actor"}
    ]
    assert not determined(atoms, person_sets, candidates)

    for j in range(data["m"]):
        voters = {(vote[0], j): vote[0] for vote in votes if vote[1] == j}
        cells = [members for name, members in shown.items() if name[1] in STATEMENT_FIGURES and name[2] == j]
        candidates = small_crossings(voters, {"group": list(people.groups), "actor": data["actors"]}, k)
        assert not determined(dict.fromkeys(voters, 1), cells, candidates)


@bounded
@given(dialogues())
def test_two_releases_read_together_determine_no_crossing_of_fewer_than_k(data):
    first, ledger, people_then, votes_then = release(data, 1, None)
    second, _ledger, people_now, votes_now = release(data, 2, ledger)
    shown = shown_sets(first, people_then, data, votes_then, "then") | shown_sets(
        second, people_now, data, votes_now, "now"
    )
    k = data["k"]
    everyone = range(data["n"])
    attributes = {
        "group then": list(people_then.groups),
        "square then": list(people_then.squares),
        "group now": list(people_now.groups),
        "square now": list(people_now.squares),
        "actor": data["actors"],
        "day": data["days"],
    }
    candidates = small_crossings({p: p for p in everyone}, attributes, k)
    person_sets = [
        members for name, members in shown.items() if name[1] in {"participants", "group", "square", "day", "actor"}
    ]
    assert not determined(dict.fromkeys(everyone, 1), person_sets, candidates)

    for j in range(data["m"]):
        counted_then = {vote[0] for vote in votes_then if vote[1] == j}
        voters = {(vote[0], j): vote[0] for vote in votes_now if vote[1] == j}
        cells = [members for name, members in shown.items() if name[1] in STATEMENT_FIGURES and name[2] == j]
        candidates = small_crossings(
            voters,
            {
                "counted then": [p in counted_then for p in everyone],
                "group then": list(people_then.groups),
                "group now": list(people_now.groups),
                "actor": data["actors"],
            },
            k,
        )
        assert not determined(dict.fromkeys(voters, 1), cells, candidates)
