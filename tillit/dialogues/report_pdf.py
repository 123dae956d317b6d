"""A dialogue's results as PDF: the question, the opinion groups, what unites them, every statement, participation.

A pure rendering module on the shared PDF writer (`tillit.reports.pdf`). It draws only the publication
(`reporting.Results`), whose figures have already passed the anonymity rules: a hidden figure is `HIDDEN` (or a hidden
`Cell`) and prints as "–". The stored report's internal parts (the routing priorities) are not in the publication, so
they never reach the PDF. Every text goes through the writer's `printable`, so emoji and other characters outside the
core fonts' code page cannot break it.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.dialogues.exporting import actor_group_name, filename, group_name
from tillit.dialogues.reporting import (
    HIDDEN_SHARES,
    ConsensusTable,
    OpinionGroup,
    Participation,
    Representative,
    ResultsView,
    StatementRef,
    StatementResult,
    Totals,
)
from tillit.privacy.suppression import Cell, Hidden
from tillit.reports.pdf import ACCENT, DASH, LINE, MUTED, Column, ReportWriter, cell_figure, figure, long_date

LONGEST_TEXT = 1000  # characters of one text in a table cell; statements hold at most 500
KEEP_WITH_TABLE = 75  # millimetres: a section's heading, caption and first rows start on one page
LONGEST_TITLE = 300  # characters of the question in the title and the running footer


def _clip(text: str, longest: int = LONGEST_TEXT) -> str:
    """The text, shortened with "…" if longer than `longest`, so that no table row outgrows a page."""
    return text if len(text) <= longest else text[: longest - 1].rstrip() + "…"


def percent(value: float | Hidden) -> str:
    """A share in per cent, rounded half up to a whole number as on the results page; "–" when hidden or undefined."""
    if isinstance(value, float) and not math.isfinite(value):
        return DASH
    shown = figure(value, 0)
    return shown if shown == DASH else f"{shown} %"


def count(value: Cell[int] | int | Hidden) -> str:
    """A count as printed: "–" when hidden."""
    if isinstance(value, Cell):
        return cell_figure(value, 0)
    return figure(value, 0)


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _numbered(statement: StatementRef) -> str:
    return f"{statement.number}. {_clip(statement.text)}"


# Sections -----------------------------------------------------------------------------------------------------


def _title_block(report: ReportWriter, view: ResultsView) -> None:
    report.font(10, "B", ACCENT)
    report.pdf.cell(0, LINE, _("Dialogue report").upper(), new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(1)
    report.font(22, "B")
    report.pdf.multi_cell(0, 10, _clip(view.dialogue.question, LONGEST_TITLE), align="L", new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(3)
    facts = [
        (_("Organisation"), view.dialogue.organisation.name),
        (_("Dates"), f"{long_date(view.dialogue.opens_on)}–{long_date(view.dialogue.closes_on)}"),
        (_("Anonymity threshold"), str(view.k)),
    ]
    if view.computed_at:
        facts.append((_("Analysed"), long_date(timezone.localtime(view.computed_at).date())))
    facts.append((_("Report created"), long_date(timezone.localdate())))
    report.facts(facts)
    report.pdf.ln(2)
    report.paragraph(
        _(
            "To protect everyone's anonymity, no figure is shown that fewer than %(k)s people stand behind; "
            "such cells show “–”."
        )
        % {"k": view.k},
        size=9.5,
        color=MUTED,
    )


def _totals(report: ReportWriter, totals: Totals | None) -> None:
    if totals is None:
        return
    report.heading(_("Totals"), 2)
    report.table(
        [
            Column(_("Participants"), 1, "RIGHT"),
            Column(_("Voters"), 1, "RIGHT"),
            Column(_("Votes"), 1, "RIGHT"),
            Column(_("Statements"), 1, "RIGHT"),
        ],
        [[count(totals.participants), count(totals.voters), count(totals.votes), str(totals.statements)]],
    )


def _not_available(report: ReportWriter, view: ResultsView) -> None:
    report.heading(_("Results"))
    if view.results is not None:
        report.paragraph(_("Too few have voted so far"), style="B")
        report.paragraph(_("Results are shown once at least %(k)s people have voted.") % {"k": view.k})
    else:
        report.paragraph(_("No results yet"), style="B")
        report.paragraph(_("The analysis runs in the background a few seconds after new votes."))


def _groups(report: ReportWriter, groups: Sequence[OpinionGroup]) -> None:
    report.ensure_space(KEEP_WITH_TABLE)
    report.heading(_("Opinion groups"))
    if not groups:
        report.paragraph(
            _("No opinion groups yet: they form once enough people have voted on enough statements."), color=MUTED
        )
        return
    report.paragraph(
        _(
            "People who voted alike form an opinion group. Each group is described by the statements on which it "
            "differs most from the others."
        )
    )
    report.table(
        [Column(_("Group"), 2), Column(_("Participants"), 1, "RIGHT")],
        [[group_name(group.label), count(group.size)] for group in groups],
        caption=_("Opinion groups and their size"),
        width=100,
    )
    for group in groups:
        report.ensure_space(45)
        if isinstance(group.size.value, Hidden):
            report.heading(group_name(group.label), 2)
            report.paragraph(
                _("This group is too small to be described without risk of identifying its members."), color=MUTED
            )
            continue
        size = group.size.value
        report.heading(
            ngettext("Group %(label)s: %(counter)s participant", "Group %(label)s: %(counter)s participants", size)
            % {"label": group.label, "counter": count(group.size)},
            2,
        )
        if not group.representative:
            report.paragraph(_("No statement sets this group apart."), color=MUTED)
            continue
        report.table(
            [
                Column(_("No."), 0.6, "RIGHT"),
                Column(_("Representative statement"), 6),
                Column(_("The group tends to"), 1.8),
                Column(_("Agree"), 1.3, "RIGHT"),
                Column(_("Disagree"), 1.3, "RIGHT"),
                Column(_("Voters"), 1.2, "RIGHT"),
            ],
            [_representative(rep) for rep in group.representative],
        )


def _representative(rep: Representative) -> list[str]:
    kind = {"agree": _("Agree"), "disagree": _("Disagree")}.get(rep.kind, DASH)
    return [
        str(rep.statement.number),
        _clip(rep.statement.text),
        kind,
        percent(rep.votes.agree),
        percent(rep.votes.disagree),
        count(rep.votes.voters),
    ]


def _consensus(
    report: ReportWriter, title: str, intro: str, caption: str, groups: list[str], table: ConsensusTable
) -> None:
    report.ensure_space(KEEP_WITH_TABLE)
    report.heading(title)
    if intro:
        report.paragraph(intro)
    if not groups or not table.rows:
        report.paragraph(_("Not enough votes yet in two or more groups to tell."), color=MUTED)
        return
    table_rows = []
    for row in table.rows:
        cells = list(row.cells)
        cells += [HIDDEN_SHARES] * (len(groups) - len(cells))
        table_rows.append((_numbered(row.statement), [percent(cell.agree) for cell in cells[: len(groups)]]))
    report.split_table(
        Column(_("Statement"), 1),
        groups,
        table_rows,
        caption=caption,
        part=_("part %(number)s of %(total)s"),
        column=18,
    )


def _statements(report: ReportWriter, rows: Sequence[StatementResult]) -> None:
    report.ensure_space(KEEP_WITH_TABLE)
    report.heading(_("All statements"))
    if not rows:
        report.paragraph(_("No statements yet."), color=MUTED)
        return
    report.table(
        [
            Column(_("No."), 0.6, "RIGHT"),
            Column(_("Statement"), 6.2),
            Column(_("Agree"), 1.3, "RIGHT"),
            Column(_("Disagree"), 1.3, "RIGHT"),
            Column(_("Pass"), 1.2, "RIGHT"),
            Column(_("Voters"), 1.2, "RIGHT"),
        ],
        [
            [
                str(row.statement.number),
                _clip(row.statement.text),
                percent(row.votes.agree),
                percent(row.votes.disagree),
                percent(row.votes.passed),
                count(row.votes.voters),
            ]
            for row in rows
        ],
        caption=_("Votes per statement, in per cent of those who voted on it"),
    )


def _participation(report: ReportWriter, participation: Participation) -> None:
    report.ensure_space(KEEP_WITH_TABLE)
    report.heading(_("Participation over time"))
    if participation.days:
        report.table(
            [Column(_("Day"), 2), Column(_("New participants"), 1.4, "RIGHT")],
            [[_day(day.day), count(day.new)] for day in participation.days],
            caption=_("New participants per day"),
            width=100,
        )
    if participation.actor_groups:
        report.table(
            [Column(_("Actor group"), 2), Column(_("Participants"), 1.4, "RIGHT")],
            [[_clip(actor_group_name(row.name), 200), count(row.people)] for row in participation.actor_groups],
            caption=_("Participants per actor group"),
            width=100,
        )
    if not participation.days and not participation.actor_groups:
        report.paragraph(_("Nobody has taken part yet."), color=MUTED)


def _method(report: ReportWriter) -> None:
    report.heading(_("How the results are computed"))
    report.bullets(
        [
            _(
                "Tillit uses the method of Pol.is. Every vote is agree, disagree or pass. The votes are summarised "
                "on a map in two dimensions (principal component analysis) where people who voted alike sit close "
                "together; people with at least seven votes are then sorted into two to five opinion groups "
                "(k-means, with the number of groups chosen by how clearly they separate)."
            ),
            _(
                "A group's representative statements are those on which it agrees or disagrees clearly more than "
                "the rest, with statistical significance. A statement unites the groups when every group tends to "
                "agree with it: we multiply the groups' shares of agreement, and only statements that at least "
                "five people in every group have voted on qualify, so that a statement with few votes cannot score "
                "high by chance. The same is done for the actor groups."
            ),
            _(
                "Nobody's votes are shown. Groups, map squares and cells with fewer participants than the anonymity "
                "threshold are hidden, together with any further cell that would let a hidden one be worked out."
            ),
        ],
        size=9.5,
    )


def render_report(view: ResultsView, *, compress: bool = True) -> bytes:
    """The dialogue's results as PDF. `compress=False` leaves the page streams readable (for tests)."""
    report = ReportWriter(
        title=_clip(view.dialogue.question, LONGEST_TITLE),
        subject=_("Dialogue report"),
        author=view.dialogue.organisation.name,
        compress=compress,
    )
    results = view.results
    _title_block(report, view)
    _totals(report, results.totals if results is not None else None)
    if results is None or not results.enough:
        _not_available(report, view)
    else:
        _groups(report, results.groups)
        _consensus(
            report,
            _("What unites the opinion groups"),
            "",
            _("Share who agree, per opinion group, for the statements with the broadest support"),
            [group_name(label) for label in results.consensus.groups],
            results.consensus,
        )
        _consensus(
            report,
            _("What unites the actor groups"),
            _(
                "The actor groups are those the participants belong to or stated: politicians, managers, staff, "
                "service users and others."
            ),
            _("Share who agree, per actor group, for the statements with the broadest support"),
            [_clip(name, 200) for name in results.actor_consensus.groups],
            results.actor_consensus,
        )
        _statements(report, results.statements)
        _participation(report, results.participation)
    _method(report)
    return report.output()


def results_pdf(view: ResultsView, *, compress: bool = True) -> HttpResponse:
    """The results report as a PDF attachment; hidden figures print as "–"."""
    response = HttpResponse(render_report(view, compress=compress), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename("pdf")}"'
    return response
