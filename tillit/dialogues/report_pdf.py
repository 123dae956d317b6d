"""A dialogue's results as PDF: the question, the opinion groups, what unites them, every statement, participation.

A pure rendering module built on the workshop report's document, layout and tables
(`tillit.workshops.report_pdf`). It draws only `view.report`, which `reporting` has already passed through the
anonymity rules: hidden figures are `None` there and print as "–". Only the keys named below are read, so the
report's internal parts (the routing priorities) never reach the PDF. Every text goes through `printable`, so
emoji and other characters outside the core fonts' code page cannot break it.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.dialogues.exporting import filename
from tillit.dialogues.reporting import NOT_IN_A_GROUP, ResultsView
from tillit.workshops.report_pdf import (
    ACCENT,
    DASH,
    LINE,
    MUTED,
    Column,
    ReportDocument,
    ReportWriter,
    figure,
    long_date,
)

LONGEST_TEXT = 1000  # characters of one text in a table cell; statements hold at most 500
KEEP_WITH_TABLE = 75  # millimetres: a section's heading, caption and first rows start on one page
LONGEST_TITLE = 300  # characters of the question in the title and the running footer


def _clip(text: Any, longest: int = LONGEST_TEXT) -> str:
    """The text, shortened with "…" if longer than `longest`, so that no table row outgrows a page."""
    text = "" if text is None else str(text)
    return text if len(text) <= longest else text[: longest - 1].rstrip() + "…"


def percent(value: Any) -> str:
    """A share in per cent, rounded half up to a whole number as on the results page; "–" when hidden or undefined.

    Rounded here: Django's `number_format` (under `figure`) cuts off the decimals rather than rounding them."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return DASH
    whole = int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{figure(whole, 0)} %"


def count(value: Any) -> str:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return DASH
    return str(int(value))


def _day(value: Any) -> str:
    try:
        return formats.date_format(datetime.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return _clip(value, 40)


def _actor_group_name(name: Any) -> str:
    return _("Not stated") if name == NOT_IN_A_GROUP else _clip(name, 200)


def _group_name(label: Any) -> str:
    return _("Group %(label)s") % {"label": _clip(label, 20)}


def _numbered(row: dict) -> str:
    return f"{count(row.get('statement'))}. {_clip(row.get('text'))}"


class _DialogueReport(ReportWriter):
    """The workshop report's drawing (headings, paragraphs, facts, tables) on a document titled by the question."""

    def __init__(self, view: ResultsView) -> None:  # the workshop report's __init__ wants a workshop
        question = _clip(view.dialogue.question, LONGEST_TITLE)
        self.workshop = None
        self.pdf = ReportDocument(question)
        self.pdf.set_title(question)
        self.pdf.set_subject(_("Dialogue report"))
        self.pdf.set_author(view.dialogue.organisation.name)
        self.pdf.set_creator("Tillit")
        self.pdf.set_lang(translation.get_language() or "sv")
        self.pdf.add_page()


# Sections -----------------------------------------------------------------------------------------------------


def _title_block(report: _DialogueReport, view: ResultsView) -> None:
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


def _totals(report: _DialogueReport, totals: dict) -> None:
    if not totals:
        return
    report.heading(_("Totals"), 2)
    report.table(
        [
            Column(_("Participants"), 1, "RIGHT"),
            Column(_("Voters"), 1, "RIGHT"),
            Column(_("Votes"), 1, "RIGHT"),
            Column(_("Statements"), 1, "RIGHT"),
        ],
        [[count(totals.get(key)) for key in ("participants", "voters", "votes", "statements")]],
    )


def _not_available(report: _DialogueReport, view: ResultsView) -> None:
    report.heading(_("Results"))
    if view.report:
        report.paragraph(_("Too few have voted so far"), style="B")
        report.paragraph(_("Results are shown once at least %(k)s people have voted.") % {"k": view.k})
    else:
        report.paragraph(_("No results yet"), style="B")
        report.paragraph(_("The analysis runs in the background a few seconds after new votes."))


def _groups(report: _DialogueReport, groups: Sequence[dict]) -> None:
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
        [[_group_name(group.get("label")), count(group.get("size"))] for group in groups],
        caption=_("Opinion groups and their size"),
        width=100,
    )
    for group in groups:
        label = _clip(group.get("label"), 20)
        size = count(group.get("size"))
        report.ensure_space(45)
        if size == DASH:
            report.heading(_group_name(label), 2)
            report.paragraph(
                _("This group is too small to be described without risk of identifying its members."), color=MUTED
            )
            continue
        report.heading(
            ngettext("Group %(label)s: %(counter)s participant", "Group %(label)s: %(counter)s participants", int(size))
            % {"label": label, "counter": size},
            2,
        )
        representative = group.get("representative") or []
        if not representative:
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
            [_representative(rep) for rep in representative],
        )


def _representative(rep: dict) -> list[str]:
    cell = rep.get("group") if isinstance(rep.get("group"), dict) else {}
    kind = {"agree": _("Agree"), "disagree": _("Disagree")}.get(rep.get("kind"), DASH)
    return [
        count(rep.get("statement")),
        _clip(rep.get("text")),
        kind,
        percent(cell.get("agree")),
        percent(cell.get("disagree")),
        count(cell.get("voters")),
    ]


def _consensus(report: _DialogueReport, title: str, intro: str, caption: str, groups: list[str], rows: list) -> None:
    report.ensure_space(KEEP_WITH_TABLE)
    report.heading(title)
    if intro:
        report.paragraph(intro)
    if not groups or not rows:
        report.paragraph(_("Not enough votes yet in two or more groups to tell."), color=MUTED)
        return
    table_rows = []
    for row in rows:
        cells = list(row.get("cells") or [])
        cells += [None] * (len(groups) - len(cells))
        table_rows.append(
            (
                _numbered(row),
                [percent(cell.get("agree")) if isinstance(cell, dict) else DASH for cell in cells[: len(groups)]],
            )
        )
    report.split_table(
        Column(_("Statement"), 1),
        groups,
        table_rows,
        caption=caption,
        part=_("part %(number)s of %(total)s"),
        column=18,
    )


def _statements(report: _DialogueReport, rows: Sequence[dict]) -> None:
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
                count(row.get("statement")),
                _clip(row.get("text")),
                percent(row.get("agree")),
                percent(row.get("disagree")),
                percent(row.get("pass")),
                count(row.get("voters")),
            ]
            for row in rows
        ],
        caption=_("Votes per statement, in per cent of those who voted on it"),
    )


def _participation(report: _DialogueReport, participation: dict) -> None:
    report.ensure_space(KEEP_WITH_TABLE)
    report.heading(_("Participation over time"))
    days = participation.get("days") or []
    if days:
        report.table(
            [Column(_("Day"), 2), Column(_("New participants"), 1.4, "RIGHT")],
            [[_day(day.get("date")), count(day.get("new"))] for day in days],
            caption=_("New participants per day"),
            width=100,
        )
    groups = participation.get("actor_groups") or []
    if groups:
        report.table(
            [Column(_("Actor group"), 2), Column(_("Participants"), 1.4, "RIGHT")],
            [[_actor_group_name(row.get("name")), count(row.get("count"))] for row in groups],
            caption=_("Participants per actor group"),
            width=100,
        )
    if not days and not groups:
        report.paragraph(_("Nobody has taken part yet."), color=MUTED)


def _method(report: _DialogueReport) -> None:
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
    report = _DialogueReport(view)
    report.pdf.set_compression(compress)
    data = view.report or {}
    _title_block(report, view)
    _totals(report, data.get("totals") or {})
    if not data.get("enough"):
        _not_available(report, view)
    else:
        _groups(report, data.get("groups") or [])
        consensus = data.get("consensus") or {}
        _consensus(
            report,
            _("What unites the opinion groups"),
            "",
            _("Share who agree, per opinion group, for the statements with the broadest support"),
            [_group_name(label) for label in consensus.get("groups") or []],
            consensus.get("rows") or [],
        )
        actor_consensus = data.get("actor_consensus") or {}
        _consensus(
            report,
            _("What unites the actor groups"),
            _(
                "The actor groups are those the participants belong to or stated: politicians, managers, staff, "
                "service users and others."
            ),
            _("Share who agree, per actor group, for the statements with the broadest support"),
            [_actor_group_name(name) for name in actor_consensus.get("groups") or []],
            actor_consensus.get("rows") or [],
        )
        _statements(report, data.get("statements") or [])
        _participation(report, data.get("participation") or {})
    _method(report)
    return bytes(report.pdf.output())


def results_pdf(view: ResultsView, *, compress: bool = True) -> HttpResponse:
    """The results report as a PDF attachment; hidden figures print as "–"."""
    response = HttpResponse(render_report(view, compress=compress), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename("pdf")}"'
    return response
