"""Every surface of a dialogue's results, on generated dialogues, held to the exact audit: one release, and two.

The report is built from a real analysis of generated votes, stored and read back as the pages read it. What it shows (statement figures, opinion-group and
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
from tillit.dialogues.disclosure import People
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


def analysed(data: dict, up_to: int) -> tuple[opinion.Analysis, opinion.VoteMatrix, reporting.Inputs, list]:
    """The analysis of release `up_to` (votes of releases up to it), with what the report is built from."""
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
    return result, matrix, inputs, votes


def release(data: dict, up_to: int, previous: dict | None) -> tuple[reporting.Results, dict, People, list]:
    """The publication of release `up_to`, as stored and read back, with the ledger and who sat where."""
    result, matrix, inputs, votes = analysed(data, up_to)
    report, ledger = reporting.build_report(result, matrix, inputs, previous=previous)
    results = reporting.publication(report, texts={})
    assert results is not None
    return results, ledger, People(result, inputs, data["k"]), votes


def shown_sets(results: reporting.Results, people: People, data: dict, votes: list, tag: object) -> dict:
    """Every figure the publication shows, as the set of people it is about (votes of a statement as (person, j))."""
    shown: dict[tuple, frozenset] = {}
    if not results.enough:
        return shown
    everyone = range(data["n"])
    shown[(tag, "participants")] = frozenset(everyone)
    for group in results.groups:
        if not group.size.hidden:
            g = reporting.GROUP_LABELS.index(group.label)
            shown[(tag, "group", g)] = frozenset(p for p in everyone if people.groups[p] == g)
    grid = results.map_grid
    for cell in results.opinion_map:
        square = reporting.GROUP_LABELS.index(cell.group) * grid * grid + cell.x * grid + cell.y
        shown[(tag, "square", square)] = frozenset(p for p in everyone if people.squares[p] == square)
    for day in results.participation.days:
        if not day.new.hidden:
            index = people.day_names.index(day.day.isoformat())
            shown[(tag, "day", index)] = frozenset(p for p in everyone if people.days[p] == index)
    names = ["politician", "manager", "staff"]
    for row in results.participation.actor_groups:
        if not row.people.hidden:
            actor = -1 if row.name is None else names.index(row.name)
            shown[(tag, "actor", actor)] = frozenset(p for p in everyone if data["actors"][p] == actor)
    voters = {j: {vote[0] for vote in votes if vote[1] == j} for j in range(data["m"])}
    for row in results.statements:
        j = row.statement.number - 1
        if not row.votes.hidden:
            shown[(tag, "statement", j)] = frozenset((p, j) for p in voters[j])

    def cells(table: reporting.ConsensusTable, prefix: str, member: object) -> Iterable[tuple[tuple, frozenset]]:
        for row in table.rows:
            j = row.statement.number - 1
            for name, cell in zip(table.groups, row.cells, strict=True):
                if not cell.hidden:
                    yield (tag, prefix, j, name), frozenset((p, j) for p in voters[j] if member(p, name))

    shown.update(cells(results.consensus, "opinion", lambda p, label: people.groups[p] == "ABCDE".index(label)))
    shown.update(
        cells(
            results.actor_consensus,
            "actor cell",
            lambda p, name: data["actors"][p] >= 0 and names[data["actors"][p]] == name,
        )
    )
    for group in results.groups:
        for rep in group.representative:
            j = rep.statement.number - 1
            g = reporting.GROUP_LABELS.index(group.label)
            shown[(tag, "opinion", j, group.label)] = frozenset((p, j) for p in voters[j] if people.groups[p] == g)
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


LATER = {"group now", "square now"}  # what only the second release's analysis knows


def disclosed_by_two(atoms: dict, first: list[frozenset], both: list[frozenset], candidates: dict) -> set:
    """The small crossings the two releases read together determine, but for those that name only what the first
    release already determined: a crossing of the second analysis's groups or squares (which the first could not
    foresee) that is one of the first release's audited figures, or a combination of them, under another name.
    Everything the first release determined of its own crossings still counts, as does everything the second adds."""
    already = {
        name for name in determined(atoms, first, candidates) if any(attribute in LATER for attribute in name[0])
    }
    return set(determined(atoms, both, candidates)) - already


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
    people_figures = {"participants", "group", "square", "day", "actor"}
    person_sets = [members for name, members in shown.items() if name[1] in people_figures]
    first_sets = [members for name, members in shown.items() if name[1] in people_figures and name[0] == "then"]
    assert not disclosed_by_two(dict.fromkeys(everyone, 1), first_sets, person_sets, candidates)

    for j in range(data["m"]):
        counted_then = {vote[0] for vote in votes_then if vote[1] == j}
        voters = {(vote[0], j): vote[0] for vote in votes_now if vote[1] == j}
        cells = [members for name, members in shown.items() if name[1] in STATEMENT_FIGURES and name[2] == j]
        first_cells = [
            members
            for name, members in shown.items()
            if name[1] in STATEMENT_FIGURES and name[2] == j and name[0] == "then"
        ]
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
        assert not disclosed_by_two(dict.fromkeys(voters, 1), first_cells, cells, candidates)
