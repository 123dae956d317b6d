"""CSV export of a dialogue's results: the publication of `queries.results_view` (`reporting.Results`), never votes.

Every figure written comes from the publication, as a `Cell` or a value that may be `HIDDEN`: a hidden one is an
empty cell, never a number (`tillit.reports.spreadsheets`). The stored report's internal parts (the routing
priorities) are not in the publication, so they cannot reach the file. Texts typed by people (the question, the
statements, actor groups' names) pass through the shared guard against spreadsheet formulas.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.dialogues.reporting import (
    HIDDEN_SHARES,
    ConsensusTable,
    OpinionGroup,
    Participation,
    Results,
    ResultsView,
    Shares,
)
from tillit.privacy.suppression import Hidden
from tillit.reports.spreadsheets import CSV_TYPE, Row, attachment, csv_bytes, decimal_comma, figure_value


def filename(extension: str) -> str:
    """A name without anything typed by people in it: `samtal-<date>.<extension>`."""
    return f"samtal-{timezone.localdate().isoformat()}.{extension}"


def _share(value: float | Hidden) -> str:
    """A share in per cent with a decimal comma and two decimals; empty when hidden."""
    return decimal_comma(value)


def _kind(kind: str) -> str:
    return {"agree": _("Agree"), "disagree": _("Disagree")}.get(kind, "")


def actor_group_name(name: str | None) -> str:
    return _("Not stated") if name is None else name


def group_name(label: str) -> str:
    return _("Group %(label)s") % {"label": label}


def results_rows(view: ResultsView) -> list[Row]:
    """The rows of the file: header, totals, and, when enough have voted, every table of the results page."""
    return list(_rows(view))


def _rows(view: ResultsView) -> Iterator[Row]:
    results = view.results
    yield [_("Question"), view.dialogue.question]
    yield [_("Anonymity threshold"), view.k]
    if view.computed_at:
        yield [_("Analysed"), timezone.localtime(view.computed_at).strftime("%Y-%m-%d %H:%M")]
    yield []
    if results is not None and results.totals is not None:
        totals = results.totals
        yield [_("Totals")]
        yield [_("Participants"), _("Voters"), _("Votes"), _("Statements")]
        yield [
            figure_value(totals.participants),
            figure_value(totals.voters),
            figure_value(totals.votes),
            totals.statements,
        ]
        yield []
    if results is None or not results.enough:
        reason = (
            _("Results are shown once at least %(k)s people have voted.") % {"k": view.k}
            if results is not None
            else _("No results yet")
        )
        yield [_("Results are not available"), reason]
        return
    yield from _statements(results)
    yield from _groups(results.groups)
    yield from _consensus(
        _("Consensus across opinion groups"),
        results.consensus,
        [group_name(label) for label in results.consensus.groups],
    )
    yield from _consensus(
        _("Consensus across actor groups"), results.actor_consensus, list(results.actor_consensus.groups)
    )
    yield from _participation(results.participation)


def _statements(results: Results) -> Iterator[Row]:
    yield [_("All statements")]
    yield [_("No."), _("Statement"), _("Agree (%)"), _("Disagree (%)"), _("Pass (%)"), _("Voters")]
    for row in results.statements:
        votes = row.votes
        yield [
            row.statement.number,
            row.statement.text,
            _share(votes.agree),
            _share(votes.disagree),
            _share(votes.passed),
            figure_value(votes.voters),
        ]
    yield []


def _groups(groups: Sequence[OpinionGroup]) -> Iterator[Row]:
    yield [_("Opinion groups")]
    if not groups:
        yield [_("No opinion groups yet: they form once enough people have voted on enough statements.")]
        yield []
        return
    yield [
        _("Group"),
        _("Participants"),
        _("No."),
        _("Representative statement"),
        _("The group tends to"),
        _("Agree in the group (%)"),
        _("Disagree in the group (%)"),
        _("Voters in the group"),
    ]
    for group in groups:
        size = figure_value(group.size)
        if not group.representative:
            yield [group.label, size]
        for rep in group.representative:
            yield [
                group.label,
                size,
                rep.statement.number,
                rep.statement.text,
                _kind(rep.kind),
                _share(rep.votes.agree),
                _share(rep.votes.disagree),
                figure_value(rep.votes.voters),
            ]
    yield []


def _consensus(title: str, table: ConsensusTable, groups: list[str]) -> Iterator[Row]:
    yield [title]
    if not table.rows or not groups:
        yield [_("Not enough votes yet in two or more groups to tell.")]
        yield []
        return
    headings: Row = [_("No."), _("Statement")]
    for group in groups:
        headings += [
            _("%(group)s: agree (%%)") % {"group": group},
            _("%(group)s: disagree (%%)") % {"group": group},
            _("%(group)s: voters") % {"group": group},
        ]
    yield headings
    for row in table.rows:
        values: Row = [row.statement.number, row.statement.text]
        cells: list[Shares] = list(row.cells)
        cells += [HIDDEN_SHARES] * (len(groups) - len(cells))
        for cell in cells[: len(groups)]:
            values += [_share(cell.agree), _share(cell.disagree), figure_value(cell.voters)]
        yield values
    yield []


def _participation(participation: Participation) -> Iterator[Row]:
    yield [_("New participants per day")]
    yield [_("Day"), _("New participants")]
    for day in participation.days:
        yield [day.day.isoformat(), figure_value(day.new)]
    yield []
    yield [_("Participants per actor group")]
    yield [_("Actor group"), _("Participants")]
    for row in participation.actor_groups:
        yield [actor_group_name(row.name), figure_value(row.people)]


def results_csv(view: ResultsView) -> HttpResponse:
    """The results as a CSV attachment (UTF-8 with BOM, `;` between cells, decimal comma, hidden cells empty)."""
    return attachment(csv_bytes(results_rows(view)), CSV_TYPE, filename("csv"))
