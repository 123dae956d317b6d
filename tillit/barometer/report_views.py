"""The results pages of Styrningsbarometern: the whole organisation, a unit with everything below it, a level and
an actor group.

Every page goes through `permissions.with_round(results=True)`: 404 outside the organisation, 403 for members
who read no results. Process leaders and administrators read everything; a manager reads their own unit and the
units below it, and is sent from the organisation's page to their own unit's. Levels and actor groups are
organisation-wide, so only those who read everything reach them.

Until a round's results open (when it closes: results are published once), every page says when they open and
shows no figure at all, not even a count.

Every figure comes from `reporting.round_report`, where the anonymity rules have already been applied; a hidden
figure arrives as HIDDEN and leaves this module as None, which the templates write as "–" with an explanation.
One dimension at a time: a unit's page breaks down by its child units only, a level's or an actor group's page
not at all. Free text is shown only on the unfiltered pages (the organisation, a unit), and for each question only
where at least k wrote an answer and no smaller group of writers follows from the shown ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tillit.barometer import reporting
from tillit.barometer.models import PRINCIPLES, Item, Round, Theme
from tillit.barometer.permissions import RoundAccess, with_round
from tillit.barometer.reporting import CellFigures, RoundReport
from tillit.core.collation import swedish_sort_key
from tillit.organisations.models import ActorGroup, Level, Unit
from tillit.privacy.suppression import HIDDEN, Hidden
from tillit.reports import charts

OPEN_ANSWERS_PER_PAGE = 50


def shown(value: object) -> int | None:
    """A figure as printed (a whole number), or None where it may not be shown."""
    if isinstance(value, Hidden) or value is None:
        return None
    return reporting.whole_number(float(value))  # type: ignore[arg-type]


def signed(change: int) -> str:
    """A change with its sign, the minus being a real minus sign: "+5", "−3", "±0"."""
    if change > 0:
        return f"+{change}"
    if change < 0:
        return f"−{-change}"
    return "±0"


def theme_label(theme: str) -> str:
    return str(Theme(theme).label)


# What a page shows of one cell ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeFigure:
    theme: str
    label: str
    index: int | None
    previous: int | None  # the same cell's index in the previous round, where shown there

    @property
    def change(self) -> str | None:
        if self.index is None or self.previous is None:
            return None
        return signed(self.index - self.previous)


@dataclass(frozen=True)
class ItemRow:
    item: Item
    index: int | None
    agree: int | None
    answers: int | None
    distribution: list[int | None]  # % answering 1–5 and "vet ej"
    reference: int | None  # the national % agreeing, for items of a validated block

    @property
    def against_reference(self) -> str | None:
        if self.agree is None or self.reference is None:
            return None
        return signed(self.agree - self.reference)


@dataclass(frozen=True)
class ThemeItems:
    label: str
    rows: list[ItemRow]


@dataclass
class Figures:
    """Everything a page shows of one cell of the report (the organisation, a unit, a level, an actor group)."""

    respondents: int | None
    population: int | None
    response_rate: int | None
    principles: list[ThemeFigure]
    themes: list[ThemeFigure]
    items: list[ThemeItems]
    reference_rows: list[ItemRow]
    radar: charts.Radar
    theme_chart: charts.BarChart
    reference_chart: charts.BarChart | None
    previous_round: Round | None

    @property
    def is_shown(self) -> bool:
        return self.respondents is not None

    @property
    def has_trend(self) -> bool:
        return any(figure.previous is not None for figure in self.themes)


def cell_figures(report: RoundReport, key: tuple, previous: tuple[Round, RoundReport] | None) -> Figures:
    cell = report.cell(key)
    previous_cell = previous[1].cell(key) if previous else None
    themes = [
        ThemeFigure(
            theme,
            theme_label(theme),
            shown(cell.principles.get(theme)),
            shown(previous_cell.principles.get(theme)) if previous_cell else None,
        )
        for theme in report.principle_themes()
    ]
    principles = [figure for figure in themes if figure.theme in PRINCIPLES]
    by_theme: dict[str, list[ItemRow]] = defaultdict(list)
    for item in report.scale_items:
        by_theme[item.theme].append(item_row(item, cell))
    items = [ThemeItems(figure.label, by_theme[figure.theme]) for figure in themes if by_theme[figure.theme]]
    reference_rows = [row for rows in by_theme.values() for row in rows if row.reference is not None]
    series = [(_("This round"), [figure.index for figure in principles])]
    if previous:
        series.append((previous[0].name, [figure.previous for figure in principles]))
    return Figures(
        respondents=shown(cell.respondents),
        population=cell.population,
        response_rate=shown(cell.response_rate),
        principles=principles,
        themes=themes,
        items=items,
        reference_rows=reference_rows,
        radar=charts.radar([figure.label for figure in principles], series),
        theme_chart=charts.bar_chart([charts.BarRow(figure.label, figure.index) for figure in themes]),
        reference_chart=(
            charts.bar_chart([charts.BarRow(row.item.text, row.agree, row.reference) for row in reference_rows])
            if reference_rows
            else None
        ),
        previous_round=previous[0] if previous else None,
    )


def item_row(item: Item, cell: CellFigures) -> ItemRow:
    figures = cell.items.get(item.pk)
    reference = shown(float(item.reference_share)) if item.reference_share is not None else None
    if figures is None:
        return ItemRow(item, None, None, None, [None] * reporting.VALUES, reference)
    distribution = figures.distribution
    return ItemRow(
        item,
        shown(figures.index),
        shown(figures.agree),
        shown(figures.answers),
        [None] * reporting.VALUES if isinstance(distribution, Hidden) else [shown(share) for share in distribution],
        reference,
    )


def previous_report(round: Round) -> tuple[Round, RoundReport] | None:
    earlier = reporting.previous_round(round)
    return (earlier, reporting.round_report(earlier)) if earlier else None


# Breakdowns: levels, actor groups, child units ------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    url: str | None
    respondents: int | None
    response_rate: int | None
    indices: list[int | None]  # one per principle, in the order of the breakdown's principles
    raw: dict[str, object] = field(compare=False, repr=False)


@dataclass(frozen=True)
class GapLine:
    principle: str
    size: int
    high: str
    high_index: int
    low: str
    low_index: int


@dataclass
class Breakdown:
    name: str  # an id for the page: "levels", "groups", "units"
    principles: list[str]  # labels
    rows: list[BreakdownRow]
    gaps: list[GapLine] = field(default_factory=list)
    chart: charts.BarChart | None = None

    @property
    def largest(self) -> GapLine | None:
        return max(self.gaps, key=lambda gap: gap.size, default=None)


def breakdown_row(label: str, url: str | None, cell: CellFigures, themes: Sequence[str]) -> BreakdownRow:
    return BreakdownRow(
        label,
        url,
        shown(cell.respondents),
        shown(cell.response_rate),
        [shown(cell.principles.get(theme)) for theme in themes],
        {theme: cell.principles.get(theme) for theme in themes},
    )


def with_gaps(breakdown: Breakdown, themes: Sequence[str]) -> Breakdown:
    """Add the largest gap per principle between the shown rows, and the grouped bar chart of the shown rows."""
    rows = [row for row in breakdown.rows if row.respondents is not None]
    for theme in themes:
        labels = {row.label: row.raw[theme] for row in rows}
        gap = reporting.largest_gap(labels)  # type: ignore[arg-type]
        if gap is not None and gap.size > 0:
            breakdown.gaps.append(
                GapLine(theme_label(theme), gap.size, str(gap.high), gap.high_index, str(gap.low), gap.low_index)
            )
    if len(rows) >= 2:
        breakdown.chart = charts.grouped_bar_chart(
            [(theme_label(theme), [charts.BarRow(row.label, row.raw[theme]) for row in rows]) for theme in themes]
        )
    return breakdown


def level_breakdown(round: Round, report: RoundReport, themes: Sequence[str]) -> Breakdown:
    levels = Level.objects.in_organisation(round.organisation).order_by("rank", "name")
    cells = [
        (level.name, "report_level", {"level": level.public_id}, reporting.level_cell(level.pk)) for level in levels
    ]
    return _flat_breakdown(round, report, themes, "levels", cells, reporting.level_cell(None), _("Level not stated"))


def group_breakdown(round: Round, report: RoundReport, themes: Sequence[str]) -> Breakdown:
    groups = ActorGroup.objects.in_organisation(round.organisation).order_by("position", "name")
    cells = [
        (group.name, "report_group", {"group": group.public_id}, reporting.group_cell(group.pk)) for group in groups
    ]
    unstated = _("Actor group not stated")
    return _flat_breakdown(round, report, themes, "groups", cells, reporting.group_cell(None), unstated)


def _flat_breakdown(
    round: Round,
    report: RoundReport,
    themes: Sequence[str],
    name: str,
    cells: list[tuple[str, str, dict, tuple]],
    unstated_key: tuple,
    unstated_label: str,
) -> Breakdown:
    """A breakdown of the whole organisation by level or actor group, with its gaps."""
    rows = [
        breakdown_row(label, report_url(round, view, **kwargs), report.cell(key), themes)
        for label, view, kwargs, key in cells
    ]
    unstated = report.cell(unstated_key)
    if unstated.shown:
        rows.append(breakdown_row(unstated_label, None, unstated, themes))
    return with_gaps(Breakdown(name, [theme_label(theme) for theme in themes], rows), themes)


@dataclass(frozen=True)
class UnitNode:
    pk: int
    public_id: UUID
    name: str
    parent_id: int | None


class UnitTree:
    """The organisation's units. Breakdowns list the units as they stood in the round: open ones, and those
    closed after it opened; any unit of the organisation can still be opened by its address."""

    def __init__(self, round: Round) -> None:
        units = list(
            Unit.objects.in_organisation(round.organisation).values_list(
                "pk", "public_id", "name", "parent_id", "closed_at"
            )
        )
        self.nodes = {pk: UnitNode(pk, public_id, name, parent_id) for pk, public_id, name, parent_id, _closed in units}
        listed = {
            pk
            for pk, _public_id, _name, _parent, closed_at in units
            if closed_at is None or (round.opened_at is not None and closed_at >= round.opened_at)
        }
        self.children: dict[int | None, list[UnitNode]] = defaultdict(list)
        for node in sorted(self.nodes.values(), key=lambda node: swedish_sort_key(node.name)):
            if node.pk in listed:
                self.children[node.parent_id if node.parent_id in listed else None].append(node)

    def find(self, public_id: UUID) -> UnitNode | None:
        return next((node for node in self.nodes.values() if node.public_id == public_id), None)

    def ancestors(self, node: UnitNode) -> list[UnitNode]:
        found = []
        parent = self.nodes.get(node.parent_id) if node.parent_id else None
        while parent is not None and len(found) < len(self.nodes):
            found.append(parent)
            parent = self.nodes.get(parent.parent_id) if parent.parent_id else None
        return list(reversed(found))

    def top_units(self) -> list[UnitNode]:
        """The units an organisation's results break down into: the top units, or, where one unit holds
        everything, the units right below it."""
        roots = self.children[None]
        if len(roots) == 1 and self.children[roots[0].pk]:
            return self.children[roots[0].pk]
        return roots


def unit_breakdown(
    access: RoundAccess, report: RoundReport, nodes: Sequence[UnitNode], themes: Sequence[str]
) -> Breakdown:
    rows = [
        breakdown_row(
            node.name,
            report_url(access.round, "report_unit", unit=node.public_id) if access.may_read_unit(node.pk) else None,
            report.cell(reporting.unit_cell(node.pk)),
            themes,
        )
        for node in nodes
    ]
    return Breakdown("units", [theme_label(theme) for theme in themes], rows)


# Free text ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenQuestion:
    item: Item
    page: Page | None  # None where this question's answers may not be shown for this group
    chosen: bool  # the question whose page the reader asked for: its <details> opens


def open_questions(
    request: HttpRequest, round: Round, report: RoundReport, unit_id: int | None = None
) -> list[OpenQuestion] | None:
    """The open questions with a page of answers each (None for a question whose answers are hidden here), or
    None where the group itself is not shown."""
    key = reporting.TOTAL if unit_id is None else reporting.unit_cell(unit_id)
    if not report.cell(key).shown:
        return None
    texts = reporting.open_answers(round, report, unit_id)
    chosen = request.GET.get("question", "")
    questions = []
    for item in report.items:
        if item.is_scale:
            continue
        is_chosen = chosen == str(item.pk)
        answers = texts.get(item.pk, HIDDEN)
        page = (
            None
            if isinstance(answers, Hidden)
            else Paginator(answers, OPEN_ANSWERS_PER_PAGE).get_page(request.GET.get("page") if is_chosen else 1)
        )
        questions.append(OpenQuestion(item, page, is_chosen))
    return questions


# Navigation -----------------------------------------------------------------------------------------------------


def report_url(round: Round, name: str, **kwargs: object) -> str:
    return reverse(f"barometer:{name}", kwargs={"round": round.public_id, **kwargs})


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None


@dataclass(frozen=True)
class Switcher:
    organisation: str | None
    levels: list[Link]
    groups: list[Link]
    units: list[Link]


def switcher(access: RoundAccess, tree: UnitTree) -> Switcher:
    round = access.round
    if access.reads_everything:
        return Switcher(
            report_url(round, "report"),
            [
                Link(level.name, report_url(round, "report_level", level=level.public_id))
                for level in Level.objects.in_organisation(round.organisation).order_by("rank", "name")
            ],
            [
                Link(group.name, report_url(round, "report_group", group=group.public_id))
                for group in ActorGroup.objects.in_organisation(round.organisation).order_by("position", "name")
            ],
            [Link(node.name, report_url(round, "report_unit", unit=node.public_id)) for node in tree.children[None]],
        )
    own = tree.nodes.get(access.membership.unit_id) if access.membership.unit_id else None
    units = [Link(own.name, report_url(round, "report_unit", unit=own.public_id))] if own else []
    return Switcher(None, [], [], units)


def breadcrumbs(access: RoundAccess, trail: Sequence[Link] = ()) -> list[Link]:
    round = access.round
    links = [
        Link(_("Styrningsbarometern"), reverse("barometer:list", kwargs={"organisation": round.organisation.slug}))
    ]
    if access.reads_everything:
        links.append(Link(round.name, report_url(round, "report")))
    else:
        links.append(Link(round.name, None))
    return links + list(trail)


# Pages ----------------------------------------------------------------------------------------------------------


def render_report(request: HttpRequest, access: RoundAccess, context: dict[str, object]) -> HttpResponse:
    round = access.round
    context = {
        "round": round,
        "organisation": round.organisation,
        "access": access,
        "k": round.k,
        "export": access.reads_everything,
        **context,
    }
    if not round.results_open:
        return render(request, "barometer/report_not_open.html", context)
    return render(request, "barometer/report.html", context)


def principle_themes(report: RoundReport) -> list[str]:
    return [theme for theme in report.principle_themes() if theme in PRINCIPLES]


def results_only(build: Callable[[], dict[str, object]], access: RoundAccess) -> dict[str, object]:
    """The page's figures, built only once the round's results are open: before, not even a count is read."""
    return build() if access.round.results_open else {}


@with_round(results=True)
def report(request: HttpRequest, access: RoundAccess) -> HttpResponse:
    round = access.round
    if not access.reads_everything:  # a manager: their own unit is their whole report
        unit = Unit.objects.get(pk=access.membership.unit_id)
        return redirect("barometer:report_unit", round=round.public_id, unit=unit.public_id)
    tree = UnitTree(round)

    def build() -> dict[str, object]:
        report = reporting.round_report(round)
        themes = principle_themes(report)
        return {
            "figures": cell_figures(report, reporting.TOTAL, previous_report(round)),
            # How many came through the open link: a count of people, so fewer than k is only said to be fewer.
            "unverified": report.unverified if not isinstance(report.unverified, Hidden) else 0,
            "unverified_hidden": isinstance(report.unverified, Hidden),
            "breakdowns": [level_breakdown(round, report, themes), group_breakdown(round, report, themes)],
            "units": unit_breakdown(access, report, tree.top_units(), themes),
            "open_questions": open_questions(request, round, report),
            "free_text": True,
        }

    context = {
        "scope": "organisation",
        "heading": round.organisation.name,
        "switcher": switcher(access, tree),
        "breadcrumbs": breadcrumbs(access),
        **results_only(build, access),
    }
    return render_report(request, access, context)


@with_round(results=True)
def report_unit(request: HttpRequest, access: RoundAccess, unit: UUID) -> HttpResponse:
    round = access.round
    tree = UnitTree(round)
    node = tree.find(unit)
    if node is None:
        raise Http404
    if not access.may_read_unit(node.pk):
        raise PermissionDenied
    trail = [
        Link(ancestor.name, report_url(round, "report_unit", unit=ancestor.public_id))
        for ancestor in tree.ancestors(node)
        if access.may_read_unit(ancestor.pk)
    ]

    def build() -> dict[str, object]:
        report = reporting.round_report(round)
        return {
            "figures": cell_figures(report, reporting.unit_cell(node.pk), previous_report(round)),
            "units": unit_breakdown(access, report, tree.children[node.pk], principle_themes(report)),
            "open_questions": open_questions(request, round, report, node.pk),
            "free_text": True,
        }

    context = {
        "scope": "unit",
        "heading": node.name,
        "current_url": report_url(round, "report_unit", unit=node.public_id),
        "switcher": switcher(access, tree),
        "breadcrumbs": breadcrumbs(access, [*trail, Link(node.name, None)]),
        **results_only(build, access),
    }
    return render_report(request, access, context)


def flat_report(request: HttpRequest, access: RoundAccess, *, scope: str, name: str, key: tuple) -> HttpResponse:
    """A level's or an actor group's page: its figures and trend, no breakdown, no free text."""
    round = access.round

    def build() -> dict[str, object]:
        report = reporting.round_report(round)
        return {"figures": cell_figures(report, key, previous_report(round)), "free_text": False}

    context = {
        "scope": scope,
        "heading": name,
        "current_url": request.path,
        "switcher": switcher(access, UnitTree(round)),
        "breadcrumbs": breadcrumbs(access, [Link(name, None)]),
        **results_only(build, access),
    }
    return render_report(request, access, context)


@with_round(results=True)
def report_level(request: HttpRequest, access: RoundAccess, level: UUID) -> HttpResponse:
    if not access.reads_everything:
        raise PermissionDenied
    found = Level.objects.in_organisation(access.round.organisation).filter(public_id=level).first()
    if found is None:
        raise Http404
    return flat_report(request, access, scope="level", name=found.name, key=reporting.level_cell(found.pk))


@with_round(results=True)
def report_group(request: HttpRequest, access: RoundAccess, group: UUID) -> HttpResponse:
    if not access.reads_everything:
        raise PermissionDenied
    found = ActorGroup.objects.in_organisation(access.round.organisation).filter(public_id=group).first()
    if found is None:
        raise Http404
    return flat_report(request, access, scope="group", name=found.name, key=reporting.group_cell(found.pk))
