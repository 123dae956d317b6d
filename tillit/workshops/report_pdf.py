"""A workshop's report as PDF: purpose, who took part, the chain, the results and the decisions.

A pure rendering module: it draws what it is given (already-suppressed `Results`, the `Mix`, the `Chain`,
the decisions) and reads nothing else. Hidden figures (fewer than k raters) print as "–", never as a number;
individual ratings are not part of `Results` and so cannot appear here.

The writing itself (pages, tables that break across pages, the text's code page, the quadrant's drawing) is
`tillit.reports.pdf`'s; this module says what the workshop's report holds, in which order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.privacy.suppression import Cell, Hidden
from tillit.reports.pdf import (
    ACCENT,
    DASH,
    LINE,
    MUTED,
    QUADRANT_MILLIMETRES,
    Column,
    ReportWriter,
    cell_figure,
    figure,
    long_date,
)
from tillit.workshops import ranking
from tillit.workshops.models import Decision, Item, Workshop
from tillit.workshops.queries import Chain, Mix
from tillit.workshops.reporting import GroupTable, Results, priority_quadrant

HEAT = [(246, 248, 251), (222, 233, 244), (192, 213, 234), (156, 190, 222)]  # contribution 0, 1, 2, 3
QUADRANT_FILLS = {
    ranking.PRIORITISE: (252, 233, 218),
    ranking.IMPROVE: (253, 246, 214),
    ranking.KEEP: (224, 241, 227),
    ranking.LOWER_PRIORITY: (241, 242, 244),
}


def interval(cell: Cell[Any], low: Any, high: Any) -> str:
    if cell.hidden or not isinstance(low, (int, float)) or not isinstance(high, (int, float)):
        return DASH
    return f"{figure(low)}–{figure(high)}"


def raters(cell: Cell[Any]) -> str:
    return DASH if cell.hidden else str(cell.size)


def rated(results: Results) -> str:
    """How many have rated, as a count of people may be published: the number, or "fewer than k"."""
    count = results.raters.value
    if isinstance(count, Hidden):
        return _("Fewer than %(k)s people have rated.") % {"k": results.k}
    text = ngettext("%(counter)s person has rated.", "%(counter)s people have rated.", count) % {"counter": count}
    guests = results.guest_raters.value
    if not isinstance(guests, Hidden):
        text += " " + ngettext(
            "%(counter)s of them took part as a guest.", "%(counter)s of them took part as guests.", guests
        ) % {"counter": guests}
    return text


# Sections -----------------------------------------------------------------------------------------------------


def _title_block(report: ReportWriter, workshop: Workshop, results: Results) -> None:
    report.font(10, "B", ACCENT)
    report.pdf.cell(0, LINE, _("Workshop report").upper(), new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(1)
    report.font(22, "B")
    report.pdf.multi_cell(0, 10, workshop.title, align="L", new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(3)
    report.facts(
        [
            (_("Organisation"), workshop.organisation.name),
            (_("Dates"), f"{long_date(workshop.starts_on)}–{long_date(workshop.ends_on)}"),
            (_("Service users"), workshop.service_user_group),
            (_("Anonymity threshold"), str(results.k)),
            (_("Report created"), long_date(timezone.localdate())),
        ]
    )
    report.heading(_("Purpose"), 2)
    report.paragraph(workshop.purpose, size=11)


def _participants(report: ReportWriter, mix: Mix, results: Results) -> None:
    report.heading(_("Who takes part"))
    counts = [
        ngettext("%(counter)s participant", "%(counter)s participants", mix.total) % {"counter": mix.total},
        rated(results),
    ]
    report.paragraph(f"{counts[0]}. {counts[1]}")
    if mix.warnings:
        report.bullets(mix.warnings, size=9.5, color=(138, 60, 0))
    count = Column(_("Participants"), 1, "RIGHT")
    if mix.by_actor_group:
        report.table(
            [Column(_("Actor group"), 3), count], [[name, str(n)] for name, n in mix.by_actor_group], width=110
        )
    if mix.by_level:
        report.table([Column(_("Level"), 3), count], [[name, str(n)] for name, n in mix.by_level], width=110)


def _serves(item: Item) -> str:
    return "; ".join(target.title for target in getattr(item, "serves", [])) or DASH


def _chain(report: ReportWriter, chain: Chain) -> None:
    report.heading(_("The effect chain"))
    if not (chain.goals or chain.effects or chain.activities):
        report.paragraph(_("The chain has no cards yet."), color=MUTED)
        return
    report.heading(_("Goals"), 2)
    if chain.goals:
        report.table([Column("#", 0.35, "RIGHT"), Column(_("Goal"), 8)], _numbered(chain.goals))
    else:
        report.paragraph(_("No goals yet."), color=MUTED)
    report.heading(_("Effects for the service users"), 2)
    if chain.effects:
        report.table(
            [Column("#", 0.35, "RIGHT"), Column(_("Effect"), 4), Column(_("Goals this effect serves"), 4)],
            _numbered(chain.effects, serves=True),
        )
    else:
        report.paragraph(_("No effects yet."), color=MUTED)
    report.heading(_("Activities"), 2)
    if chain.activities:
        report.table(
            [Column("#", 0.35, "RIGHT"), Column(_("Activity"), 4), Column(_("Effects this activity serves"), 4)],
            _numbered(chain.activities, serves=True),
        )
    else:
        report.paragraph(_("No activities yet."), color=MUTED)
    if chain.warnings:
        report.heading(_("Chain warnings"), 2)
        report.bullets(chain.warnings, size=9.5, color=(138, 60, 0))


def _numbered(items: Sequence[Item], *, serves: bool = False) -> list[list[str]]:
    return [[str(number), item.title, *([_serves(item)] if serves else [])] for number, item in enumerate(items, 1)]


def _results(report: ReportWriter, results: Results) -> None:
    report.pdf.add_page()
    report.heading(_("Results"))
    report.paragraph(
        rated(results)
        + " "
        + _(
            "To protect everyone's anonymity, no figure is shown that fewer than %(k)s people stand behind; "
            "such cells show “–”."
        )
        % {"k": results.k}
        + " "
        + _("Guests' ratings count in the figures, but never lift a group over that threshold.")
    )

    report.heading(_("Activities ranked by expected contribution"), 2)
    if results.activities:
        report.table(
            [
                Column(_("Rank"), 1.3, "RIGHT"),
                Column(_("Activity"), 5),
                Column(_("Expected contribution"), 1.6, "RIGHT"),
                Column(_("Interval"), 1.8, "CENTER"),
                Column(_("Raters"), 1.3, "RIGHT"),
            ],
            [
                [
                    DASH if row.rank is None else str(row.rank),
                    row.item.title,
                    cell_figure(row.score),
                    interval(row.score, row.low, row.high),
                    raters(row.score),
                ]
                for row in results.activities
            ],
            caption=_("Expected contribution (0–3) with a 95 %% uncertainty interval") % {},
        )
    else:
        report.paragraph(_("No activities yet."), color=MUTED)

    report.heading(_("Effects and the priority quadrant"), 2)
    if results.plotted_effects:
        report.quadrant(
            priority_quadrant(results, QUADRANT_MILLIMETRES),
            fills=QUADRANT_FILLS,
            x_title=_("Achieved today (1–5) →"),
            y_title=_("Importance (0–4) →"),
            caption=_(
                "Each effect placed by how important it is (up) and how well it is achieved today (across). "
                "The same figures are in the table below."
            ),
        )
    if results.effects:
        report.table(
            [
                Column(_("Point"), 0.9, "RIGHT"),
                Column(_("Effect"), 3.9),
                Column(_("Importance (0–4)"), 1.4, "RIGHT"),
                Column(_("Interval"), 1.7, "CENTER"),
                Column(_("Achieved today (1–5)"), 1.5, "RIGHT"),
                Column(_("Priority"), 1.9),
                Column(_("Raters"), 1.3, "RIGHT"),
            ],
            [
                [
                    str(row.number) if row.number else DASH,
                    row.item.title,
                    cell_figure(row.importance),
                    interval(row.importance, row.low, row.high),
                    cell_figure(row.achievement),
                    row.quadrant_label or DASH,
                    raters(row.importance),
                ]
                for row in results.effects
            ],
            caption=_("Effects ranked by importance, with how well each is achieved today"),
        )
    else:
        report.paragraph(_("No effects yet."), color=MUTED)

    if results.matrix and results.matrix_effects:
        report.heading(_("How much each activity contributes to each effect"), 2)
        report.split_table(
            Column(_("Activity"), 1),
            [effect.title for effect in results.matrix_effects],
            [(row.activity.title, [_matrix_cell(cell) for cell in row.cells]) for row in results.matrix],
            caption=_("Mean contribution, 0–3 (darker is more); empty where the activity does not serve the effect"),
            part=_("part %(number)s of %(total)s"),
            column=24,
        )

    groups = [
        (results.importance_by_actor_group, _("Importance of the effects, by actor group")),
        (results.contribution_by_actor_group, _("Expected contribution of the activities, by actor group")),
        (results.importance_by_level, _("Importance of the effects, by level")),
        (results.contribution_by_level, _("Expected contribution of the activities, by level")),
    ]
    if any(table.groups and table.rows for table, _caption in groups):
        report.heading(_("Where the groups see things differently"), 2)
        report.paragraph(
            _(
                "Each group's mean, with the items where the groups differ most first. "
                "That is what the next conversation is about."
            )
        )
        for table, caption in groups:
            _group_table(report, table, caption)


def _matrix_cell(cell: Cell[float] | None) -> tuple[str, tuple[int, int, int] | None]:
    if cell is None:
        return ("", None)
    if cell.hidden or not isinstance(cell.value, (int, float)):
        return (DASH, None)
    return (figure(cell.value, 1), HEAT[max(0, min(3, round(cell.value)))])


def _group_table(report: ReportWriter, table: GroupTable, caption: str) -> None:
    if not (table.groups and table.rows):
        return
    if table.note:
        report.paragraph(str(table.note), color=MUTED)
    report.split_table(
        Column(_("Item"), 1),
        [str(group) for group in table.groups],
        [
            (
                row.item.title,
                [cell_figure(row.overall), *[cell_figure(cell) for cell in row.by_group], figure(row.spread)],
            )
            for row in table.rows
        ],
        before=[Column(_("All"), 1, "RIGHT")],
        after=[Column(_("Difference"), 1, "RIGHT")],
        caption=caption,
        part=_("part %(number)s of %(total)s"),
    )


def _decisions(report: ReportWriter, decisions: Sequence[Decision]) -> None:
    report.heading(_("Decisions"))
    if not decisions:
        report.paragraph(_("No decisions yet."), color=MUTED)
        return
    report.table(
        [
            Column(_("Activity"), 3),
            Column(_("Effect it serves"), 3),
            Column(_("Owner"), 2.4),
            Column(_("Follow-up"), 3),
            Column(_("Follow up by"), 1.8),
        ],
        [
            [
                decision.activity.title,
                decision.effect.title,
                decision.owner,
                decision.follow_up,
                formats.date_format(decision.due_on, "SHORT_DATE_FORMAT"),
            ]
            for decision in decisions
        ],
        caption=_("Chosen activities"),
    )


def _method(report: ReportWriter, results: Results) -> None:
    report.heading(_("How the figures are computed"))
    report.bullets(
        [
            _(
                "Importance and how well an effect is achieved are the means of everyone who rated them; "
                "“don't know” and empty ratings do not count."
            ),
            _(
                "An activity's expected contribution is, for each effect it serves, its mean contribution (0–3) "
                "times the effect's importance as a share of the highest importance (4), averaged over those "
                "effects. An activity that serves very important effects very much scores 3."
            ),
            _(
                "The interval shows the uncertainty: 1,000 re-draws of the participants (a bootstrap); 95 %% of "
                "the re-computed values fall inside it. A wide interval means people disagree, or few have rated."
            )
            % {},
            _(
                "Priority: an effect with importance 2 or more is to prioritise if it is achieved below 2.5, to "
                "improve between 2.5 and 3.5, and to keep above that; effects with importance below 2 have lower "
                "priority."
            ),
            _(
                "Anonymity: a figure that fewer than %(k)s people stand behind is never shown, and where one group "
                "is hidden another may be hidden too, so that it cannot be worked out from the others. Nobody, "
                "process leaders included, can see an individual's ratings."
            )
            % {"k": results.k},
            _(
                "Levels and actor groups are checked together, so that a level minus an actor group cannot give "
                "a small group's figure. An activity's expected contribution only counts effects whose importance "
                "and contribution may both be shown. Rows whose figure is hidden come last, without a rank. Once "
                "shown, the results are fixed: rating cannot reopen."
            ),
        ],
        size=9.5,
    )


def render_report(
    *,
    workshop: Workshop,
    results: Results,
    mix: Mix,
    chain: Chain,
    decisions: Sequence[Decision],
    compress: bool = True,
) -> bytes:
    """The workshop's report as PDF: purpose, chain, results with charts and tables, decisions, who took part by group.

    Everything shown comes from the arguments; `results` is already suppressed below the anonymity threshold,
    and hidden figures print as "–". `compress=False` leaves the page streams readable (for tests).
    """
    report = ReportWriter(
        title=workshop.title, subject=_("Workshop report"), author=workshop.organisation.name, compress=compress
    )
    _title_block(report, workshop, results)
    _participants(report, mix, results)
    _chain(report, chain)
    _results(report, results)
    _decisions(report, decisions)
    _method(report, results)
    return report.output()
