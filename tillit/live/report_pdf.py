"""A live meeting's results as PDF: the meeting, then every activity with its bars and the same tables as the
results page and the CSV (`afterwards.meeting_results`).

A pure rendering module: it draws what it is given. Hidden figures print as "–", never as a number; nothing of a
participant is part of the results and so cannot appear here. The writing itself (pages, tables that break across
pages, the text's code page) is `tillit.reports.pdf`'s.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.live.afterwards import (
    COUNT,
    MEAN,
    PERCENT,
    RANK,
    ActivityResults,
    Kind,
    MeetingResults,
    Table,
)
from tillit.privacy.suppression import Cell
from tillit.reports.pdf import ACCENT, DASH, LINE, MUTED, Column, ReportWriter, cell_figure, long_date

__all__ = ["results_pdf"]


def results_pdf(results: MeetingResults, *, compress: bool = True) -> bytes:
    """The whole meeting's results; `compress=False` leaves the text searchable for tests."""
    report = ReportWriter(
        title=results.title, subject=_("Results of a live meeting"), author=results.organisation, compress=compress
    )
    _title_block(report, results)
    if not results.activities:
        report.paragraph(_("The meeting has no activities, so there are no results."), color=MUTED)
    for activity in results.activities:
        _activity(report, activity)
    _protection(report, results)
    return report.output()


def written(value: Any, unit: str) -> str:
    """A value of a table as the PDF prints it: "–" for a hidden figure."""
    if unit == RANK:
        return DASH if value is None else str(value)
    if not isinstance(value, Cell):
        return DASH if value is None or not isinstance(value, str) else value
    if unit == MEAN:
        return cell_figure(value, 1)
    text = cell_figure(value, 0)
    return f"{text} %" if unit == PERCENT and text != DASH else text


def _title_block(report: ReportWriter, results: MeetingResults) -> None:
    report.font(10, "B", ACCENT)
    report.pdf.cell(0, LINE, _("Live meeting: results").upper(), new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(1)
    report.font(20, "B")
    report.pdf.multi_cell(0, 9, results.title, align="L", new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(3)
    report.facts(
        [
            (_("Organisation"), results.organisation),
            (_("Held on") if results.ended else _("Created on"), long_date(results.held_on)),
            (_("Phones that joined"), written(results.participants, COUNT)),
            (_("Anonymity threshold"), str(results.k)),
            (_("Report created"), long_date(timezone.localdate())),
        ]
    )
    if not results.ended:
        report.paragraph(
            _(
                "The meeting is still going on: these are each activity's last release on the screen, and an open "
                "activity's breakdowns by actor group and level come once it is locked."
            ),
            color=MUTED,
        )


def _activity(report: ReportWriter, activity: ActivityResults) -> None:
    published = activity.publication
    report.heading(f"{activity.number}. {published.prompt}")
    report.paragraph(f"{activity.kind_label} · {activity.state_label}", size=9, color=MUTED)
    if not activity.started:
        report.paragraph(_("The activity was never started."))
        return
    if published.kind in (Kind.POLL, Kind.SCALE, Kind.RATING, Kind.WORDS):
        if activity.whole is None:
            report.paragraph(
                _("Fewer than %(k)s participants answered before the last release, so nothing is shown.")
                % {"k": published.k}
            )
            return
        facts = f"{_('Participants who answered')}: {written(published.whole.participants, COUNT)}"
        if published.kind == Kind.SCALE:
            facts += f". {_('Mean')}: {written(published.whole.mean, MEAN)}"
            facts += f" ({published.scale_min}–{published.scale_max})"
        report.paragraph(facts)
        if published.kind == Kind.POLL:
            report.bars(
                [(choice.label, choice.share) for choice in published.whole.choices],
                caption=_("The share of those who answered for each answer, in per cent."),
            )
        elif published.kind == Kind.SCALE:
            report.bars(
                [(value.label, value.share) for value in published.whole.values],
                caption=_("The share of those who answered for each value, in per cent."),
            )
    elif activity.whole is None:
        report.paragraph(
            _("No question was approved.")
            if published.kind == Kind.QUESTIONS
            else _("The workshop or dialogue it ran has been deleted.")
        )
        return
    _table(report, activity.whole)
    if activity.broken_down:
        report.heading(_("By actor group and level"), 2)
        if not activity.locked:
            report.paragraph(_("Shown once the activity is locked."), color=MUTED)
        elif not activity.breakdowns:
            report.paragraph(
                _(
                    "No actor group or level can be shown apart: each has fewer than %(k)s participants, or could "
                    "be worked out from the others."
                )
                % {"k": published.k},
                color=MUTED,
            )
        for table in activity.breakdowns:
            _table(report, table)


def _table(report: ReportWriter, table: Table) -> None:
    report.split_table(
        Column(table.heading, 1),
        [column.heading for column in table.columns],
        [
            (row.label, [written(value, column.unit) for column, value in zip(table.columns, row.values, strict=True)])
            for row in table.rows
        ],
        caption=table.caption,
        part=_("part %(number)s of %(total)s"),
        column=18,
    )


def _protection(report: ReportWriter, results: MeetingResults) -> None:
    report.heading(_("How the results are protected"))
    report.bullets(
        [
            _(
                "The screen showed each activity's results in releases, each holding at least %(k)s more "
                "participants than the last; these are the last releases."
            )
            % {"k": results.k},
            _("Answers given after an activity's last release by fewer than %(k)s participants are never shown.")
            % {"k": results.k},
            _(
                "Breakdowns by actor group and level are shown only for locked activities and only for the groups "
                "the anonymity check lets through; a hidden figure is printed as “–”."
            ),
            _("Nothing of a participant is stored: no account, address or time."),
        ],
        size=9.5,
    )
