"""The results pages of Styrningsbarometern: the whole organisation, a unit with everything below it, a level and an
actor group.

Process leaders and administrators read everything; a manager reads their own unit and the units below it; and,
as the round's setting says (`Round.results_readers`, by default the whole steering chain), politicians and every
member read the organisation's page, and every member the page of the unit they are placed on (`permissions`). A
manager who may not read the organisation's page is sent from it to their own unit's. Levels and actor groups are
organisation-wide, so only those who read everything reach them; the organisation's page links to them, and to a
unit, only for those who may read it.

Until a round's results open (when it is closed and sealed: results are published once), every page says when they
open, or that they are being prepared, and shows no figure at all, not even a count (`reports.refusals`).

Every figure comes from `reporting`, where the anonymity rules have already been applied: a page receives `Cell`s,
and a hidden one is written as "–" with an explanation. One dimension at a time: a unit's page breaks down by its
child units only, a level's or an actor group's page not at all. Free text is shown only on the unfiltered pages
(the organisation, a unit), and for each question only where at least k wrote an answer and no smaller group of
writers follows from the shown ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tillit.barometer import queries, reporting
from tillit.barometer.models import Round
from tillit.barometer.permissions import (
    DOWNLOAD_RESULTS,
    MANAGE_ROUND,
    READ_EVERY_RESULT,
    READ_ORGANISATION_RESULTS,
    READ_RESULTS,
    READ_UNIT_RESULTS,
    ROUND,
    round_access,
    unit_access,
)
from tillit.barometer.queries import ReportUnit
from tillit.barometer.reporting import TOTAL, GroupLink, RoundReport, group_cell, level_cell, unit_cell
from tillit.core.collation import swedish_sort_key
from tillit.organisations import tree
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import ActorGroup, Level
from tillit.organisations.stored_pages import stored_page
from tillit.reports.refusals import results_not_open

OPEN_ANSWERS_PER_PAGE = 50


def report_url(round: Round, name: str, **kwargs: object) -> str:
    return reverse(f"barometer:{name}", kwargs={"round": round.public_id, **kwargs})


def results_refusal(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    """The one refusal of results that are not open (`reports.refusals`), for the pages and the downloads."""
    round = access.target
    if round.awaits_sealing:
        when = _(
            "The round has closed and its results are being prepared: the last answers are being mixed in with the others."
        )
        why = _("The results open as soon as that is done.")
    else:
        when = _("The results open when the round closes on %(date)s.") % {
            "date": date_format(round.closes_on, "j F Y")
        }
        why = _(
            "Until then nothing is shown, not even how many have answered, so that nobody can watch the answers come in."
        )
    if access.may(MANAGE_ROUND):
        back = reverse("barometer:round", kwargs={"round": round.public_id})
    else:
        back = reverse("barometer:list", kwargs={"organisation": round.organisation.slug})
    response = results_not_open(
        request,
        subject=round.name,
        when=when,
        why=why,
        back_url=back,
        context={"organisation": round.organisation},
    )
    add_never_cache_headers(response)
    return response


# Navigation -------------------------------------------------------------------------------------------------------


class UnitTree:
    """The organisation's units for the report's navigation. Breakdowns list the units as they stood in the round:
    open ones, and those closed after it opened, siblings in Swedish order; of a round that covers only some units,
    only those and the units above them. Any unit of the organisation can still be opened by its address."""

    def __init__(self, round: Round, units: Sequence[ReportUnit]) -> None:
        self.nodes = {unit.pk: unit for unit in units}
        self._parents = {unit.pk: unit.parent_id for unit in units}
        covered = None if round.covers_everyone else set(round.parents())
        listed = {
            unit.pk
            for unit in units
            if (unit.closed_at is None or (round.opened_at is not None and unit.closed_at >= round.opened_at))
            and (covered is None or unit.pk in covered)
        }
        in_order = sorted((unit for unit in units if unit.pk in listed), key=lambda unit: swedish_sort_key(unit.name))
        shown = {unit.pk: unit.parent_id if unit.parent_id in listed else None for unit in in_order}
        self._children = {parent: [self.nodes[pk] for pk in pks] for parent, pks in tree.children_of(shown).items()}

    def children(self, unit_id: int | None) -> list[ReportUnit]:
        return self._children.get(unit_id, [])

    def find(self, public_id: UUID) -> ReportUnit | None:
        return next((unit for unit in self.nodes.values() if unit.public_id == public_id), None)

    def ancestors(self, unit: ReportUnit) -> list[ReportUnit]:
        return [self.nodes[pk] for pk in tree.ancestors(unit.pk, self._parents) if pk in self.nodes]

    def top_units(self) -> list[ReportUnit]:
        """The units an organisation's results break down into: the top units, or, where one unit holds
        everything, the units right below it."""
        roots = self.children(None)
        if len(roots) == 1 and self.children(roots[0].pk):
            return self.children(roots[0].pk)
        return roots


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str | None


@dataclass(frozen=True)
class Switcher:
    organisation: str | None
    levels: list[NavLink]
    groups: list[NavLink]
    units: list[NavLink]


def _may_read_unit(access: Access[Round], unit_id: int) -> bool:
    return unit_access(access, unit_id).may(READ_UNIT_RESULTS)


def _may_read_in(access: Access[Round], earlier: Round, unit_id: int | None = None) -> bool:
    """Whether the requester may read the same page (the organisation's, or a unit's) of an earlier round, whose
    figures the trend shows: its readers were its own setting's."""
    other = round_access(access, earlier)
    if unit_id is None:
        return other.may(READ_ORGANISATION_RESULTS)
    return _may_read_unit(other, unit_id)


def switcher(
    access: Access[Round],
    units: UnitTree,
    levels: Sequence[Level] | None = None,
    groups: Sequence[ActorGroup] | None = None,
) -> Switcher:
    """The report's navigation; `levels` and `groups` are the organisation's, where the page has read them already."""
    round = access.target
    if access.may(READ_EVERY_RESULT):
        return Switcher(
            report_url(round, "report"),
            [
                NavLink(level.name, report_url(round, "report_level", level=level.public_id))
                for level in (queries.levels_of(round.organisation) if levels is None else levels)
            ],
            [
                NavLink(group.name, report_url(round, "report_group", group=group.public_id))
                for group in (queries.actor_groups_of(round.organisation) if groups is None else groups)
            ],
            [
                NavLink(unit.name, report_url(round, "report_unit", unit=unit.public_id))
                for unit in units.children(None)
            ],
        )
    unit_id = access.membership.unit_id if access.membership else None
    own = units.nodes.get(unit_id) if unit_id else None
    readable = own is not None and _may_read_unit(access, own.pk)
    links = [NavLink(own.name, report_url(round, "report_unit", unit=own.public_id))] if own and readable else []
    organisation = report_url(round, "report") if access.may(READ_ORGANISATION_RESULTS) else None
    return Switcher(organisation, [], [], links)


def breadcrumbs(access: Access[Round], trail: Sequence[NavLink] = ()) -> list[NavLink]:
    round = access.target
    links = [
        NavLink(_("Styrningsbarometern"), reverse("barometer:list", kwargs={"organisation": round.organisation.slug})),
        NavLink(round.name, report_url(round, "report") if access.may(READ_ORGANISATION_RESULTS) else None),
    ]
    return links + list(trail)


# The pages' figures -----------------------------------------------------------------------------------------------


def unit_links(access: Access[Round], units: Sequence[ReportUnit]) -> list[GroupLink]:
    """The units a breakdown lists, each linked to its page where the reader may read it."""
    round = access.target
    return [
        GroupLink(
            unit.name,
            report_url(round, "report_unit", unit=unit.public_id) if _may_read_unit(access, unit.pk) else None,
            unit_cell(unit.pk),
        )
        for unit in units
    ]


def flat_links(
    access: Access[Round], levels: Sequence[Level], groups: Sequence[ActorGroup]
) -> tuple[list[GroupLink], list[GroupLink]]:
    """The organisation's levels and actor groups, linked to their own pages for those who may read them."""
    round = access.target
    linked = access.may(READ_EVERY_RESULT)
    return (
        [
            GroupLink(
                level.name,
                report_url(round, "report_level", level=level.public_id) if linked else None,
                level_cell(level.pk),
            )
            for level in levels
        ],
        [
            GroupLink(
                group.name,
                report_url(round, "report_group", group=group.public_id) if linked else None,
                group_cell(group.pk),
            )
            for group in groups
        ],
    )


def unit_breakdown(
    access: Access[Round], report: RoundReport, units: Sequence[ReportUnit], themes: Sequence[str]
) -> reporting.Breakdown:
    return reporting.breakdown("units", report, unit_links(access, units), themes)


def flat_breakdowns(access: Access[Round], report: RoundReport, themes: Sequence[str]) -> list[reporting.Breakdown]:
    """The whole organisation by level and by actor group, with their gaps; linked to their own pages for those who
    may read them."""
    organisation = access.target.organisation
    levels, groups = flat_links(
        access, list(queries.levels_of(organisation)), list(queries.actor_groups_of(organisation))
    )
    return level_and_group_breakdowns(report, levels, groups, themes)


def level_and_group_breakdowns(
    report: RoundReport, levels: Sequence[GroupLink], groups: Sequence[GroupLink], themes: Sequence[str]
) -> list[reporting.Breakdown]:
    """The whole organisation by level and by actor group, with their gaps."""
    return [
        reporting.breakdown(
            "levels",
            report,
            levels,
            themes,
            unstated=GroupLink(_("Level not stated"), None, level_cell(None)),
            gaps=True,
        ),
        reporting.breakdown(
            "groups",
            report,
            groups,
            themes,
            unstated=GroupLink(_("Actor group not stated"), None, group_cell(None)),
            gaps=True,
        ),
    ]


def open_questions(
    request: OrganisationRequest, round: Round, report: RoundReport, unit_id: int | None = None
) -> list[reporting.OpenQuestion] | None:
    key: tuple[Hashable, ...] = TOTAL if unit_id is None else unit_cell(unit_id)
    if not report.cell(key).shown:
        return None
    texts = queries.open_answer_texts(round, report.readable_questions(unit_id), unit_id)
    return reporting.open_questions(
        report,
        key,
        texts,
        chosen=request.GET.get("question", ""),
        page=request.GET.get("page"),
        per_page=OPEN_ANSWERS_PER_PAGE,
    )


# Pages ------------------------------------------------------------------------------------------------------------


FIGURES_FORMAT = 1  # part of the key: figures stored from an older template are never read back
FIGURES_CACHE_SECONDS = 7 * 24 * 3600
PAGED_BY = ("question", "page")  # the address's parameters that choose a page of open answers


@dataclass(frozen=True)
class Readers:
    """What a page's figures show of the round for this reader, besides the round itself: the earlier round whose
    figures the trend shows (None where there is none or the reader may not read it), and every group the page
    breaks down into with its name and its address for this reader (None: not linked). Two readers with equal
    `Readers` are shown the same figures, so the page's figures are kept rendered under it."""

    scope: str  # "organisation", "unit", "level" or "group"
    key: tuple[Hashable, ...]  # the group the page is about, in the report
    round_name: str
    previous: tuple[int, str, str] | None
    groups: tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...] = ()

    @classmethod
    def of(
        cls,
        round: Round,
        scope: str,
        key: tuple[Hashable, ...],
        previous: Round | None,
        groups: Mapping[str, Sequence[GroupLink]] | None = None,
    ) -> Readers:
        return cls(
            scope,
            key,
            round.name,
            None if previous is None else (previous.pk, previous.name, _sealed(previous)),
            tuple((name, tuple((link.label, link.url) for link in links)) for name, links in (groups or {}).items()),
        )


def _sealed(round: Round) -> str:
    return round.sealed_at.isoformat() if round.sealed_at is not None else ""


def figures_html(
    request: OrganisationRequest, round: Round, readers: Readers, build: Callable[[], dict[str, object]]
) -> SafeString:
    """The page's figures (report_figures.html) as HTML, built from the round's publication by `build`.

    A round's results are published once, sealed, and never change (`reporting`), so the figures of a page are kept
    rendered per language, under everything else they depend on (`Readers`: the reader's earlier round and links,
    the names shown): a look at them costs reading one stored row. A page of open answers other than the first is
    not kept, as the address chooses it."""

    def render_figures() -> str:
        return render_to_string(
            "barometer/report_figures.html", {"round": round, "k": round.k, "scope": readers.scope, **build()}
        )

    if any(name in request.GET for name in PAGED_BY):
        html = render_figures()
    else:
        digest = hashlib.sha256(repr(readers).encode()).hexdigest()
        key = f"barometer-page:{FIGURES_FORMAT}:{round.pk}:{round.k}:{_sealed(round)}:{get_language()}:{digest}"
        stored: str | None = cache.get(key)
        if stored is None:
            stored = render_figures()
            cache.set(key, stored, FIGURES_CACHE_SECONDS)
        html = stored
    # Our own template's output, escaped as it was rendered; stored only on the server.
    return mark_safe(html)  # noqa: S308


def render_report(
    request: OrganisationRequest,
    access: Access[Round],
    figures: Callable[[], SafeString],
    context: dict[str, object],
) -> HttpResponse:
    """The page, with its figures built only once the round's results are open: before, not even a count is read."""
    round = access.target
    if not round.results_open:
        return results_refusal(request, access)
    context = {
        "round": round,
        "organisation": round.organisation,
        "k": round.k,
        "may_manage": access.may(MANAGE_ROUND),
        "export": access.may(DOWNLOAD_RESULTS),
        **context,
        "figures_html": figures(),
    }
    return render(request, "barometer/report.html", context)


def readable_previous(access: Access[Round], unit_id: int | None = None) -> Round | None:
    """The earlier round the trend compares with, where the reader may read the same page of it."""
    earlier = queries.previous_round(access.target)
    return earlier if earlier is not None and _may_read_in(access, earlier, unit_id) else None


def _with_report(earlier: Round | None) -> tuple[Round, RoundReport] | None:
    return None if earlier is None else (earlier, reporting.round_report(earlier))


@through(ROUND, READ_RESULTS)
@stored_page()
def report(request: OrganisationRequest, access: Access[Round]) -> HttpResponse:
    round = access.target
    if not access.may(READ_ORGANISATION_RESULTS):  # a manager: their own unit is their whole report
        own = access.membership.unit if access.membership is not None else None
        if own is None or not _may_read_unit(access, own.pk):
            raise PermissionDenied
        return redirect("barometer:report_unit", round=round.public_id, unit=own.public_id)
    units = UnitTree(round, queries.report_units(round.organisation))
    levels = list(queries.levels_of(round.organisation))
    groups = list(queries.actor_groups_of(round.organisation))

    def figures() -> SafeString:
        previous = readable_previous(access)
        level_links, group_links = flat_links(access, levels, groups)
        top_units = unit_links(access, units.top_units())

        def build() -> dict[str, object]:
            report = reporting.round_report(round)
            themes = report.present_principles()
            return {
                "figures": reporting.figures_of(report, TOTAL, _with_report(previous)),
                "unverified": reporting.open_link_answers(report),
                "breakdowns": level_and_group_breakdowns(report, level_links, group_links, themes),
                "units": reporting.breakdown("units", report, top_units, themes),
                "open_questions": open_questions(request, round, report),
                "free_text": True,
            }

        groups_shown = {"levels": level_links, "groups": group_links, "units": top_units}
        return figures_html(request, round, Readers.of(round, "organisation", TOTAL, previous, groups_shown), build)

    context: dict[str, object] = {
        "scope": "organisation",
        "heading": round.organisation.name,
        "pdf_url": report_url(round, "export_pdf") if access.may(READ_EVERY_RESULT) else None,
        "switcher": switcher(access, units, levels, groups),
        "breadcrumbs": breadcrumbs(access),
    }
    return render_report(request, access, figures, context)


@through(ROUND, READ_RESULTS)
@stored_page()
def report_unit(request: OrganisationRequest, access: Access[Round], unit: UUID) -> HttpResponse:
    round = access.target
    units = UnitTree(round, queries.report_units(round.organisation))
    node = units.find(unit)
    if node is None:
        raise Http404
    if not _may_read_unit(access, node.pk):
        raise PermissionDenied
    trail = [
        NavLink(above.name, report_url(round, "report_unit", unit=above.public_id))
        for above in units.ancestors(node)
        if _may_read_unit(access, above.pk)
    ]

    def figures() -> SafeString:
        previous = readable_previous(access, node.pk)
        children = unit_links(access, units.children(node.pk))

        def build() -> dict[str, object]:
            report = reporting.round_report(round)
            return {
                "figures": reporting.figures_of(report, unit_cell(node.pk), _with_report(previous)),
                "units": reporting.breakdown("units", report, children, report.present_principles()),
                "open_questions": open_questions(request, round, report, node.pk),
                "free_text": True,
            }

        readers = Readers.of(round, "unit", unit_cell(node.pk), previous, {"units": children})
        return figures_html(request, round, readers, build)

    context = {
        "scope": "unit",
        "heading": node.name,
        "current_url": report_url(round, "report_unit", unit=node.public_id),
        "pdf_url": report_url(round, "export_pdf_unit", unit=node.public_id),  # the unit is the manager's or below
        "switcher": switcher(access, units),
        "breadcrumbs": breadcrumbs(access, [*trail, NavLink(node.name, None)]),
    }
    return render_report(request, access, figures, context)


def flat_report(
    request: OrganisationRequest, access: Access[Round], *, scope: str, name: str, key: tuple[Hashable, ...]
) -> HttpResponse:
    """A level's or an actor group's page: its figures and trend, no breakdown, no free text. Only those who read
    every result reach it, so the trend's earlier round is theirs to read."""
    round = access.target

    def figures() -> SafeString:
        previous = queries.previous_round(round)

        def build() -> dict[str, object]:
            report = reporting.round_report(round)
            return {"figures": reporting.figures_of(report, key, _with_report(previous)), "free_text": False}

        return figures_html(request, round, Readers.of(round, scope, key, previous), build)

    context = {
        "scope": scope,
        "heading": name,
        "current_url": request.path,
        "switcher": switcher(access, UnitTree(round, queries.report_units(round.organisation))),
        "breadcrumbs": breadcrumbs(access, [NavLink(name, None)]),
    }
    return render_report(request, access, figures, context)


@through(ROUND, READ_EVERY_RESULT)
@stored_page()
def report_level(request: OrganisationRequest, access: Access[Round], level: UUID) -> HttpResponse:
    found = queries.level_named_by(access.target.organisation, level)
    if found is None:
        raise Http404
    return flat_report(request, access, scope="level", name=found.name, key=level_cell(found.pk))


@through(ROUND, READ_EVERY_RESULT)
@stored_page()
def report_group(request: OrganisationRequest, access: Access[Round], group: UUID) -> HttpResponse:
    found = queries.actor_group_named_by(access.target.organisation, group)
    if found is None:
        raise Http404
    return flat_report(request, access, scope="group", name=found.name, key=group_cell(found.pk))
