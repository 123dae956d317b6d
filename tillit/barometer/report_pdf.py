"""A barometer round's report as PDF: the organisation's results, or a unit's with everything below it.

A pure rendering module on the shared PDF writer (`tillit.reports.pdf`). It draws what it is given, the same
publication the report page receives (`reporting.Figures`, `reporting.Breakdown`, `reporting.OpenQuestion`, built
from the round's one `RoundReport`), and reads nothing else: no answers, no sums of its own. A hidden figure is a
hidden `Cell` and prints as "–", as on the page; rows come in the order the publication gives them (the unit tree,
the levels' and actor groups' own order), never sorted by a figure. Open answers are printed only where the page
would show them: the questions the publication discloses for this group, as written, in alphabetical order.

Every chart is followed by a table of the same figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.barometer.models import Round
from tillit.barometer.reporting import Breakdown, Figures, GapLine, ItemRow, OpenQuestion, ThemeFigure
from tillit.privacy.suppression import Cell, Hidden
from tillit.reports.pdf import ACCENT, BAR_ROW, DASH, LINE, MUTED, Column, ReportWriter, cell_figure, long_date

LONGEST_ANSWER = 2000  # characters of one open answer; longer ones end in "…"
KEEP_WITH_TABLE = 75  # millimetres: a section's heading, text, caption and first rows start on one page


@dataclass(frozen=True)
class Scope:
    """What the report covers: the whole organisation (`unit` None) or a unit with everything below it."""

    heading: str  # the organisation's or the unit's name
    unit: str | None = None


def whole(cell: Cell[int]) -> str:
    """A figure as the page prints it: a whole number, or "–" when hidden."""
    return cell_figure(cell, 0)


def percent(cell: Cell[int] | Cell[int | None]) -> str:
    shown = cell_figure(cell, 0)
    return shown if shown == DASH else f"{shown} %"


def rate(cell: Cell[int | None], respondents: Cell[int]) -> str:
    """The response rate; "unknown" where the group is shown but nobody was a member there when the round opened."""
    if not respondents.hidden and cell.value is None:
        return _("Unknown")
    return percent(cell)


def _clip(text: str, longest: int = LONGEST_ANSWER) -> str:
    return text if len(text) <= longest else text[: longest - 1].rstrip() + "…"


def _dates(round: Round) -> str:
    return f"{long_date(round.opens_on)}–{long_date(round.closes_on)}"


def _closed_on(round: Round) -> datetime.date:
    return timezone.localdate(round.closed_at) if round.closed_at is not None else round.closes_on


# Sections -----------------------------------------------------------------------------------------------------


def _title_block(report: ReportWriter, round: Round, scope: Scope, figures: Figures) -> None:
    report.font(10, "B", ACCENT)
    report.pdf.cell(0, LINE, _("Styrningsbarometern").upper(), new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(1)
    report.font(20, "B")
    title = _("Results for %(name)s") % {"name": scope.heading}
    report.pdf.multi_cell(0, 9, title, align="L", new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(3)
    covers = (
        _("%(round)s: everyone who answered in the organisation.") % {"round": round.name}
        if scope.unit is None
        else _("%(round)s: everyone who answered in %(name)s and the units below it.")
        % {"round": round.name, "name": scope.unit}
    )
    report.facts(
        [
            (_("Organisation"), round.organisation.name),
            (_("Round"), round.name),
            (_("Dates"), _dates(round)),
            (_("Closed on"), long_date(_closed_on(round))),
            (_("Covers"), covers),
            (_("Respondents"), _respondents_text(figures, round.k)),
            (_("Response rate"), _rate_text(figures)),
            (_("Anonymity threshold"), str(round.k)),
            (_("Report created"), long_date(timezone.localdate())),
        ]
    )
    report.pdf.ln(2)


def _respondents_text(figures: Figures, k: int) -> str:
    count = figures.respondents.value
    if isinstance(count, Hidden):
        return f"{DASH} ({_('too few answers: results are shown for groups of at least %(k)s') % {'k': k}})"
    return str(count)


def _rate_text(figures: Figures) -> str:
    if not figures.is_shown:
        return DASH
    if figures.response_rate.value is None:
        return capfirst(_("not known: nobody was invited here when the round opened"))
    return percent(figures.response_rate)


def _anonymity(report: ReportWriter, k: int, unverified: Cell[int] | None) -> None:
    report.paragraph(
        _(
            "A dash (–) marks a figure that is not shown because too few answered: results are shown only for "
            "groups of at least %(k)s respondents, and sometimes one more group is hidden so that a hidden one "
            "cannot be worked out from the others."
        )
        % {"k": k},
        size=9.5,
        color=MUTED,
    )
    if unverified is None:
        return
    count = unverified.value
    if isinstance(count, Hidden):
        text = _(
            "Fewer than %(k)s of the answers came through the open link, which is not tied to a person: they never "
            "lift a group over the threshold on their own."
        ) % {"k": k}
    elif count:
        text = ngettext(
            "%(counter)s of the answers came through the open link, which is not tied to a person: they never lift "
            "a group over the threshold on their own, and no unit took more answers than it had members.",
            "%(counter)s of the answers came through the open link, which is not tied to a person: they never lift "
            "a group over the threshold on their own, and no unit took more answers than it had members.",
            count,
        ) % {"counter": count}
    else:
        return
    report.paragraph(text, size=9.5, color=MUTED)


def _section(report: ReportWriter, title: str, room: float = KEEP_WITH_TABLE) -> None:
    """A heading that starts a new page unless `room` millimetres (the heading, its text and a first part of the
    chart or table after it) fit below."""
    report.ensure_space(room)
    report.heading(title)


def _principles(report: ReportWriter, figures: Figures) -> None:
    _section(report, _("The seven principles"), _chart_room(len(figures.principles)))
    report.paragraph(
        _("An index from 0 to 100 per principle: 100 means everyone answered “completely true”, 0 “not at all true”.")
    )
    report.bars(
        [(figure.label, figure.index) for figure in figures.principles],
        caption=_chart_caption(_("Index per principle")),
    )
    previous = figures.previous_round
    columns = [Column(_("Principle"), 4), Column(_("Index"), 1, "RIGHT")]
    if previous is not None:
        columns.append(Column(_("Previous round"), 1.4, "RIGHT"))
    report.table(
        columns,
        [
            [figure.label, whole(figure.index), *([_previous(figure)] if previous is not None else [])]
            for figure in figures.principles
        ],
        caption=_("Index per principle"),
    )


def _chart_room(rows: int) -> float:
    """Room for a heading, a line of text and a bar chart of `rows` bars."""
    return 40 + rows * BAR_ROW


def _chart_caption(title: str) -> str:
    return f"{title}. {_('The table below gives the same figures.')}"


def _previous(figure: ThemeFigure) -> str:
    return DASH if figure.previous is None else whole(figure.previous)


def _areas(report: ReportWriter, round: Round, figures: Figures) -> None:
    _section(report, _("Principles and areas side by side"), _chart_room(len(figures.themes)))
    report.bars(
        [(figure.label, figure.index) for figure in figures.themes],
        caption=_chart_caption(_("Index per area")),
    )
    report.table(
        [Column(_("Area"), 4), Column(_("Index"), 1, "RIGHT")],
        [[figure.label, whole(figure.index)] for figure in figures.themes],
        caption=_("Index per area"),
    )
    report.heading(_("Compared with the previous round"), 2)
    previous = figures.previous_round
    if previous is None:
        report.paragraph(_("There is no earlier closed round to compare with."), color=MUTED)
        return
    if not figures.has_trend:
        report.paragraph(
            _("%(name)s has no figures to compare with here: too few answered then, or the questions were different.")
            % {"name": previous.name},
            color=MUTED,
        )
        return
    report.table(
        [
            Column(_("Area"), 3),
            Column(previous.name, 1.4, "RIGHT"),
            Column(round.name, 1.4, "RIGHT"),
            Column(_("Change"), 1.1, "RIGHT"),
        ],
        [[figure.label, _previous(figure), whole(figure.index), figure.change or DASH] for figure in figures.themes],
        caption=_("Index now and in %(name)s") % {"name": previous.name},
    )


def _reference(row: ItemRow) -> str:
    if row.reference is None:
        return ""
    source = f"{row.item.reference_source}: " if row.item.reference_source else ""
    return f"{source}{row.reference} %"


def _statements(report: ReportWriter, figures: Figures) -> None:
    _section(report, _("Statement by statement"))
    report.paragraph(
        _(
            "Agree: the share answering 4 or 5 of those who took a position. The distribution is the share of "
            "everyone who answered the statement, “don’t know” included: 1 means “not at all true”, 5 “completely "
            "true”."
        )
    )
    if figures.reference_rows:
        report.bars(
            [(row.item.text, row.agree) for row in figures.reference_rows],
            caption=_chart_caption(_("Agreement compared with national figures")),
        )
        report.table(
            [
                Column(_("Statement"), 5),
                Column(_("Share agreeing"), 1.3, "RIGHT"),
                Column(_("National reference"), 2.2),
                Column(_("Difference (percentage points)"), 1.6, "RIGHT"),
            ],
            [
                [row.item.text, percent(row.agree), _reference(row), row.against_reference or DASH]
                for row in figures.reference_rows
            ],
            caption=_("Agreement compared with national figures"),
        )
    columns = [
        Column(_("Statement"), 5),
        Column(_("Index"), 1.1, "RIGHT"),
        Column(_("Share agreeing"), 1.7, "RIGHT"),
        Column(_("Answers"), 1.2, "RIGHT"),
        *[Column(str(value), 0.9, "RIGHT") for value in range(1, 6)],
        Column(_("Don’t know"), 1.3, "RIGHT"),
    ]
    for theme in figures.items:
        report.table(
            columns,
            [
                [
                    row.item.text,
                    whole(row.index),
                    percent(row.agree),
                    whole(row.answers),
                    *[percent(share) for share in row.distribution],
                ]
                for row in theme.rows
            ],
            caption=theme.label,
            size=8,
        )


def _breakdown(report: ReportWriter, breakdown: Breakdown, *, title: str, intro: str, first: str, caption: str) -> None:
    _section(report, title)
    if intro:
        report.paragraph(intro)
    if not breakdown.rows:
        report.paragraph(_("Nobody to show."), color=MUTED)
        return
    largest = breakdown.largest
    if largest is not None:
        report.paragraph(f"{_('Largest gap:')} {_gap(largest, listed=False)}", style="B", size=9.5)
        report.bullets([_gap(gap, listed=True) for gap in breakdown.gaps], size=9, color=MUTED)
    report.split_table(
        Column(first, 1),
        breakdown.principles,
        [
            (
                row.label,
                [whole(row.respondents), rate(row.response_rate, row.respondents), *[whole(i) for i in row.indices]],
            )
            for row in breakdown.rows
        ],
        before=[Column(_("Respondents"), 1, "RIGHT"), Column(_("Response rate"), 1, "RIGHT")],
        caption=caption,
        part=_("part %(number)s of %(total)s"),
        column=16,
    )


def _gap(gap: GapLine, *, listed: bool) -> str:
    """A gap in words, as the page writes it: the largest one, or one line of the list of every principle's."""
    if listed:
        text = ngettext(
            "%(principle)s: %(counter)s point between %(high)s (%(high_index)s) and %(low)s (%(low_index)s)",
            "%(principle)s: %(counter)s points between %(high)s (%(high_index)s) and %(low)s (%(low_index)s)",
            gap.size,
        )
    else:
        text = ngettext(
            "%(principle)s, %(counter)s point between %(high)s (%(high_index)s) and %(low)s (%(low_index)s)",
            "%(principle)s, %(counter)s points between %(high)s (%(high_index)s) and %(low)s (%(low_index)s)",
            gap.size,
        )
    return text % {
        "principle": gap.principle,
        "counter": gap.size,
        "high": gap.high,
        "low": gap.low,
        "high_index": whole(gap.high_index),
        "low_index": whole(gap.low_index),
    }


def _open_answers(report: ReportWriter, questions: Sequence[OpenQuestion] | None, k: int) -> None:
    _section(report, _("Answers to the open questions"), 50)
    if questions is None:
        report.paragraph(
            _(
                "Free-text answers are shown only for groups with at least %(k)s respondents, and never for a level "
                "or an actor group."
            )
            % {"k": k},
            color=MUTED,
        )
        return
    report.paragraph(
        _(
            "What respondents wrote may be an official document (allmän handling) and can be requested by anyone. "
            "The answers are shown as written, in alphabetical order, never in the order they came in. Read them "
            "with care: a detail can reveal who wrote it, so do not quote them outside this report without thinking."
        ),
        size=9.5,
    )
    for question in questions:
        report.heading(question.item.text, 2)
        if question.page is None:
            report.paragraph(
                _(
                    "The answers to this question are shown only where at least %(k)s people wrote one, and only "
                    "where they cannot be worked out from the answers of other groups, since what someone writes can "
                    "reveal who they are."
                )
                % {"k": k},
                color=MUTED,
                size=9.5,
            )
            continue
        answers = list(question.page.paginator.object_list)
        if not answers:
            report.paragraph(_("Nobody answered this question."), color=MUTED)
            continue
        report.caption(ngettext("%(counter)s answer", "%(counter)s answers", len(answers)) % {"counter": len(answers)})
        report.bullets([_clip(str(text)) for text in answers], size=9.5)


def _method(report: ReportWriter, k: int) -> None:
    _section(report, _("How the figures are computed"), 50)
    report.bullets(
        [
            _(
                "Each statement is answered on a five-point scale. Its index is the mean answer, moved to a scale "
                "from 0 (everyone answered 1) to 100 (everyone answered 5); “don’t know” is left out. A principle’s "
                "or an area’s index is the mean of its statements’ indices. A unit’s figures include everyone in the "
                "units below it."
            ),
            _(
                "No figure is shown for a group of fewer than %(k)s respondents. A group is shown with all its "
                "figures or not at all, and where a hidden group could be worked out from the shown ones, one more "
                "is hidden. Free-text answers are shown only for the whole organisation and for units, never for a "
                "level or an actor group."
            )
            % {"k": k},
            _(
                "This report holds exactly the figures of the report page, with the same figures hidden: every page, "
                "download and report of a round is one publication, checked as a whole."
            ),
        ],
        size=9.5,
    )


def render_report(
    *,
    round: Round,
    scope: Scope,
    figures: Figures,
    breakdowns: Sequence[Breakdown] = (),
    units: Breakdown | None = None,
    open_questions: Sequence[OpenQuestion] | None = None,
    unverified: Cell[int] | None = None,
    compress: bool = True,
) -> bytes:
    """The round's report for one scope as PDF, from the report page's publication: `figures` of the group,
    `breakdowns` by level and actor group (the organisation's report), `units` (the top units, or the units right
    below a unit), `open_questions` as disclosed for the group (None where the group is hidden), `unverified` the
    answers through the open link (the organisation's report). `compress=False` leaves the page streams readable
    (for tests)."""
    report = ReportWriter(
        title=f"{round.name}: {scope.heading}",
        subject=_("Styrningsbarometern"),
        author=round.organisation.name,
        compress=compress,
    )
    _title_block(report, round, scope, figures)
    _anonymity(report, round.k, unverified)
    if figures.is_shown:
        _principles(report, figures)
        _areas(report, round, figures)
        _statements(report, figures)
        for breakdown in breakdowns:
            if breakdown.name == "levels":
                _breakdown(
                    report,
                    breakdown,
                    title=_("The gap between levels"),
                    intro=_(
                        "How the levels of the steering chain, from politicians to the front line, see the same principles."
                    ),
                    first=_("Level"),
                    caption=_("Index per principle and level"),
                )
            else:
                _breakdown(
                    report,
                    breakdown,
                    title=_("The gap between actor groups"),
                    intro=_("How politicians, managers, staff and other actor groups see the same principles."),
                    first=_("Actor group"),
                    caption=_("Index per principle and actor group"),
                )
        if units is not None and units.rows:
            _breakdown(
                report,
                units,
                title=_("Units") if scope.unit is None else _("Units below"),
                intro="",
                first=_("Unit"),
                caption=_("Respondents and index per principle and unit"),
            )
        _open_answers(report, open_questions, round.k)
    else:
        for line in figures.explanation:
            report.paragraph(line, style="B")
    _method(report, round.k)
    return report.output()
