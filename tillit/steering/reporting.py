"""The analysis of a rating campaign: every figure of a sealed campaign, through `tillit.privacy` once, and what the
page, the CSV and the owners' export receive of it (`campaign_publication`, `latest_figures`); and the hours of the
catalogue by kind, source, owner and unit (`hours_summary`).

**Published once.** A campaign's analysis opens when it is closed and sealed (`Campaign.results_open`): its
ratings were split into anonymous rows in a random order, no more can arrive, its threshold and the units each
signal reached were fixed when it opened. So the figures about people never change after; they are built once and
kept in the cache (`_rated`). What the catalogue says of a signal (its name, owner, hours) is read afresh, since a
process leader may correct it; those are not figures about people.

**The rule, for every figure about people.** Each signal's raters form a population over two flat dimensions,
level and actor group ("not stated" is counted, as a group that is never shown). Each question is a measure over
the raters who answered it ("vet ej" leaves a rater out of that question's mean): the mean value and the mean
burden are disclosed by `privacy.breakdowns.Population` for the signal as a whole and for every level and every actor
group together, auditing every crossing (a level minus an actor group, a level × actor group cell), so a mean is
shown with the number who answered it or not at all, and no group of fewer than k follows from the shown ones. The
share who know who uses the data is shown for the signal as a whole only, where at least k answered it. The
number of raters of a signal is a count of people (`privacy.count`).

**Comments** are shown for a signal as a whole only, never by level or actor group, where the signal's raters and
those who wrote a comment are each at least k (as the barometer's free text: docs/privacy.md), in alphabetical order.

**Verdict.** `burden.verdict` of the shown means only: what is hidden is no sign. A candidate (to remove or
simplify) and a tidstjuv (its rated cost exceeds its rated benefit) are read from it.

**Hours** are the Standard Cost Model's estimates typed by process leaders (`burden.hours_per_year`): not figures
about people (`NotAFigure`), always said to be estimates. By unit, a signal counts under every unit it reaches, with
its whole hours: the rows do not add up to the total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Final, cast

import numpy as np
from django.core.cache import cache
from django.utils.translation import gettext as _

from tillit.core.collation import swedish_sort_key
from tillit.organisations import tree
from tillit.organisations.models import Organisation
from tillit.privacy.breakdowns import Disclosure, Population
from tillit.privacy.suppression import HIDDEN, Cell, Hidden, NotAFigure, count
from tillit.reports.charts import quadrant as charts
from tillit.steering import burden, queries
from tillit.steering.models import SCALE_MAX, SCALE_MIN, Campaign, Kind, Signal, Source

__all__ = [
    "GroupFigures",
    "HoursRow",
    "HoursSummary",
    "Publication",
    "ResultsNotOpen",
    "SignalFigures",
    "analysis_quadrant",
    "campaign_publication",
    "hours_summary",
    "latest_figures",
]

NOT_PUBLISHED = ("_Rated",)

CACHE_VERSION = 1
NOT_STATED: Final = None  # the level or actor group of a rater who stated none
HIDDEN_FLOAT: Final[Cell[float]] = Cell(HIDDEN, HIDDEN)


class ResultsNotOpen(Exception):
    """The campaign's analysis is not open: it is not closed and sealed yet."""


# The publication ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFigures:
    """One level or actor group of a signal's breakdown: the means of those of it who answered, hidden together
    with how many they are."""

    name: str
    mean_value: Cell[float]
    mean_burden: Cell[float]

    @property
    def shown(self) -> bool:
        return not (self.mean_value.hidden and self.mean_burden.hidden)


@dataclass(frozen=True)
class SignalFigures:
    """Everything the analysis shows of one signal."""

    signal: Signal
    hours: NotAFigure[Decimal]  # the catalogue's estimate, exact
    raters: Cell[int]
    mean_value: Cell[float]  # 1–5, of those who gave a value
    mean_burden: Cell[float]  # 1–5, of those who gave a burden
    share_knowing: Cell[float]  # 0–1, of those who answered whether they know who uses the data
    comments: tuple[str, ...] | Hidden
    verdict: burden.Verdict
    groups: _Groups = field(compare=False, repr=False)  # the breakdowns, disclosed when first read
    number: NotAFigure[int] = 0  # its point in the quadrant; 0 where it is not placed (a mean hidden)

    @property
    def by_level(self) -> tuple[GroupFigures, ...]:
        return self.groups.by_level

    @property
    def by_actor_group(self) -> tuple[GroupFigures, ...]:
        return self.groups.by_actor_group

    @property
    def shown_hours(self) -> burden.Shown:
        return burden.display(self.hours)

    @property
    def has_breakdown(self) -> bool:
        return any(group.shown for group in (*self.by_level, *self.by_actor_group))

    @property
    def breakdowns(self) -> list[tuple[str, tuple[GroupFigures, ...], str]]:
        """The signal's two breakdowns for a page: title, groups and an id."""
        return [(_("By level"), self.by_level, "level"), (_("By actor group"), self.by_actor_group, "group")]

    @property
    def region(self) -> str:
        """The quadrant region it is placed in, in words; empty where it is not placed."""
        if not self.number:
            return ""
        return str(_region_label(self.mean_value.value, self.mean_burden.value))


@dataclass(frozen=True)
class HoursRow:
    """Hours a year of the signals of one kind, source, owner or unit: an estimate, not a figure about people."""

    label: str
    signals: NotAFigure[int]
    hours: NotAFigure[Decimal]
    depth: NotAFigure[int] = 0  # for units: how deep in the tree (0: a top unit)

    @property
    def indent(self) -> str:
        return "– " * self.depth

    @property
    def shown_hours(self) -> burden.Shown:
        return burden.display(self.hours)


@dataclass(frozen=True)
class HoursSummary:
    total: NotAFigure[Decimal]
    signals: NotAFigure[int]
    by_kind: tuple[HoursRow, ...]
    by_source: tuple[HoursRow, ...]
    by_owner: tuple[HoursRow, ...]
    by_unit: tuple[HoursRow, ...]  # in tree order; a signal counts under every unit it reaches

    @property
    def shown_total(self) -> burden.Shown:
        return burden.display(self.total)

    @property
    def top_units(self) -> tuple[HoursRow, ...]:
        """The topmost units the signals reach and those right below them, for a page (an export has them all)."""
        return tuple(row for row in self.by_unit if row.depth <= 1)


@dataclass(frozen=True)
class Publication:
    campaign: Campaign
    k: NotAFigure[int]
    signals: tuple[SignalFigures, ...]  # in Swedish alphabetical order of their names
    levels: tuple[str, ...]
    actor_groups: tuple[str, ...]

    @cached_property
    def hours(self) -> HoursSummary:
        """The hours of the campaign's signals by kind, source, owner and unit (the units each reached when the
        campaign opened), read when a surface first asks for them."""
        reach = queries.campaign_reach(self.campaign)
        units = queries.unit_names(self.campaign.organisation_id)
        return _summary([(s.signal, frozenset(reach.get(s.signal.pk, ()))) for s in self.signals], units)

    @property
    def candidates(self) -> tuple[SignalFigures, ...]:
        """The candidates to remove or simplify, with the most hours first (hours are not about people)."""
        return tuple(sorted((s for s in self.signals if s.verdict.candidate), key=lambda s: -s.hours))

    @property
    def time_thieves(self) -> tuple[SignalFigures, ...]:
        return tuple(s for s in self.candidates if s.verdict.time_thief)

    @property
    def placed(self) -> tuple[SignalFigures, ...]:
        return tuple(s for s in self.signals if s.number)

    @property
    def rated(self) -> tuple[SignalFigures, ...]:
        """The signals with at least one mean shown."""
        return tuple(s for s in self.signals if not (s.mean_value.hidden and s.mean_burden.hidden))


def campaign_publication(campaign: Campaign) -> Publication:
    """The analysis of a campaign whose results are open (closed and sealed); ResultsNotOpen otherwise. The figures
    about people come from the cache after the first build; the catalogue's names and hours are read afresh."""
    if not campaign.results_open:
        raise ResultsNotOpen(campaign.pk)
    organisation = campaign.organisation
    rated = _rated(campaign)
    entries = queries.campaign_signals(campaign)
    levels = queries.level_names(organisation)
    groups = queries.actor_group_names(organisation)
    signals = sorted(
        (_signal_figures(signal, rated.get(signal.pk), levels, groups, campaign.k) for signal in entries),
        key=lambda figures: swedish_sort_key(figures.signal.name),
    )
    numbered: list[SignalFigures] = []
    number = 0
    for figures in signals:
        if figures.mean_value.hidden or figures.mean_burden.hidden:
            numbered.append(figures)
            continue
        number += 1
        numbered.append(_with_number(figures, number))
    return Publication(
        campaign=campaign,
        k=campaign.k,
        signals=tuple(numbered),
        levels=tuple(levels.values()),
        actor_groups=tuple(groups.values()),
    )


def latest_figures(organisation: Organisation) -> tuple[Campaign, dict[int, SignalFigures]] | None:
    """The figures of the organisation's latest campaign whose results are open, by signal id; None where there is
    none. For the owners' export (lärande tillsyn)."""
    campaign = queries.latest_sealed_campaign(organisation)
    if campaign is None or not campaign.results_open:
        return None
    publication = campaign_publication(campaign)
    return campaign, {figures.signal.pk: figures for figures in publication.signals}


def hours_summary(signals: Sequence[Signal]) -> HoursSummary:
    """The catalogue's hours a year (estimates) by kind, source, owner and unit, without any campaign. Each signal
    reaches its units with everything below them, or the whole organisation where it names none; its units should
    be prefetched (`queries.signals_of`) and its owner selected."""
    if not signals:
        return HoursSummary(Decimal(0), 0, (), (), (), ())
    units = queries.unit_names(signals[0].organisation_id)
    parents = {pk: unit.parent_id for pk, unit in units.items()}
    entries = [(signal, tree.covered(parents, [unit.pk for unit in signal.units.all()])) for signal in signals]
    return _summary(entries, units)


# The figures about people, built once per campaign ----------------------------------------------------------------


@dataclass(frozen=True)
class _Rated:
    """One signal's figures about people as a whole, already suppressed, and the sums of its raters per level and
    actor group that its breakdowns are disclosed from (read only through `_breakdown`)."""

    raters: Cell[int]
    mean_value: Cell[float]
    mean_burden: Cell[float]
    share_knowing: Cell[float]
    comments: tuple[str, ...] | Hidden
    atoms: tuple[queries.AtomSums, ...] = ()


def _rated(campaign: Campaign) -> dict[int, _Rated]:
    """Every rated signal's figures about people, from the cache or built and kept (they never change once the
    campaign is sealed)."""
    sealed = campaign.sealed_at.timestamp() if campaign.sealed_at else 0
    key = f"steering-analysis:{CACHE_VERSION}:{campaign.pk}:{campaign.k}:{sealed}"
    stored: dict[int, _Rated] | None = cache.get(key)
    if stored is None:
        stored = build_rated(campaign)
        cache.set(key, stored, timeout=None)
    return stored


def build_rated(campaign: Campaign) -> dict[int, _Rated]:
    """The figures about people of every rated signal as a whole, built afresh from the sums in the database (for
    the cache, tests and the benchmark). The breakdowns are disclosed when a surface first reads them."""
    k = campaign.k
    by_signal: dict[int, list[queries.AtomSums]] = defaultdict(list)
    for atom in queries.rating_sums(campaign):
        by_signal[atom.signal_id].append(atom)
    built = {signal_id: _signal_totals(tuple(atoms), k) for signal_id, atoms in by_signal.items()}
    readable = [signal_id for signal_id, (_figures, readable) in built.items() if readable]
    texts = queries.comments_of(campaign, readable)
    result = {}
    for signal_id, (figures, readable_comments) in built.items():
        comments: tuple[str, ...] | Hidden = HIDDEN
        if readable_comments:
            comments = tuple(sorted(texts.get(signal_id, []), key=swedish_sort_key))
        result[signal_id] = _Rated(
            figures.raters,
            figures.mean_value,
            figures.mean_burden,
            figures.share_knowing,
            comments,
            figures.atoms,
        )
    return result


def _signal_totals(atoms: tuple[queries.AtomSums, ...], k: int) -> tuple[_Rated, bool]:
    """One signal's figures as a whole, and whether its comments may be read. The whole is shown where at least k
    answered (what `Population.disclose` decides for its total, without the cost of its audit)."""
    raters = sum(atom.raters for atom in atoms)
    knowing_answers = sum(atom.knowing_answers for atom in atoms)
    writers = sum(atom.writers for atom in atoms)
    figures = _Rated(
        count(raters, k=k),
        _whole(sum(atom.value_answers for atom in atoms), sum(atom.value_sum for atom in atoms), k),
        _whole(sum(atom.burden_answers for atom in atoms), sum(atom.burden_sum for atom in atoms), k),
        _whole(knowing_answers, sum(atom.knowing_yes for atom in atoms), k),
        HIDDEN,
        atoms,
    )
    return figures, raters >= k and writers >= k


def _whole(answers: int, total: int, k: int) -> Cell[float]:
    return Cell(total / answers, answers) if answers >= k else HIDDEN_FLOAT


_ShownGroups = dict[
    int, tuple[Cell[float], Cell[float]]
]  # level or actor group id -> (mean value, mean burden), shown ones


@lru_cache(maxsize=4096)
def _breakdown(atoms: tuple[queries.AtomSums, ...], k: int) -> tuple[_ShownGroups, _ShownGroups]:
    """The mean value and mean burden of every level and actor group of a signal, as the engine discloses them, each
    question over the raters who answered it, with every crossing audited. Kept per process: a sealed campaign's
    sums never change, so the same sums always give the same disclosure."""
    if not atoms:
        return {}, {}
    population = Population(
        {}, [(None, atom.level_id, atom.actor_group_id) for atom in atoms], unshown=[{NOT_STATED}, {NOT_STATED}]
    )
    value = _measure(population, [atom.value_answers for atom in atoms], [atom.value_sum for atom in atoms], k)
    weight = _measure(population, [atom.burden_answers for atom in atoms], [atom.burden_sum for atom in atoms], k)
    levels = {level for level in value.levels | weight.levels if level is not None}
    groups = {group for group in value.groups | weight.groups if group is not None}
    return (
        {level: (value.levels.get(level, HIDDEN_FLOAT), weight.levels.get(level, HIDDEN_FLOAT)) for level in levels},
        {group: (value.groups.get(group, HIDDEN_FLOAT), weight.groups.get(group, HIDDEN_FLOAT)) for group in groups},
    )


class _Groups:
    """A signal's breakdowns by level and by actor group, disclosed the first time a surface reads them: a page shows
    a few signals' breakdowns, and need not pay for every signal's audit."""

    def __init__(
        self, atoms: tuple[queries.AtomSums, ...], k: int, levels: Mapping[int, str], groups: Mapping[int, str]
    ) -> None:
        self._atoms, self._k, self._levels, self._groups = atoms, k, levels, groups

    @cached_property
    def _shown(self) -> tuple[_ShownGroups, _ShownGroups]:
        return _breakdown(self._atoms, self._k)

    @cached_property
    def by_level(self) -> tuple[GroupFigures, ...]:
        return _groups(self._levels, self._shown[0])

    @cached_property
    def by_actor_group(self) -> tuple[GroupFigures, ...]:
        return _groups(self._groups, self._shown[1])


@dataclass(frozen=True)
class _Measure:
    total: Cell[float]
    levels: dict[int | None, Cell[float]]  # shown ones only
    groups: dict[int | None, Cell[float]]


def _measure(population: Population, answers: list[int], sums: list[int], k: int) -> _Measure:
    """A question's mean for the signal, every level and every actor group, as the engine discloses them over the
    raters who answered it."""
    if sum(answers) < k:
        return _Measure(HIDDEN_FLOAT, {}, {})
    disclosure: Disclosure = population.disclose(answers, k=k)
    totals, _units, flat = population.totals(np.column_stack([answers, sums]))
    total = _mean(totals) if disclosure.total else HIDDEN_FLOAT
    levels = {cast(int | None, v): _mean(sums_of) for v, sums_of in flat[0].items() if disclosure.shows(0, v)}
    groups = {cast(int | None, v): _mean(sums_of) for v, sums_of in flat[1].items() if disclosure.shows(1, v)}
    return _Measure(total, levels, groups)


def _mean(answers_and_sum: np.ndarray) -> Cell[float]:
    answers = int(answers_and_sum[0])
    return Cell(float(answers_and_sum[1]) / answers, answers) if answers else HIDDEN_FLOAT


# Building the publication -----------------------------------------------------------------------------------------


_NOTHING_RATED = _Rated(Cell(HIDDEN, HIDDEN), HIDDEN_FLOAT, HIDDEN_FLOAT, HIDDEN_FLOAT, HIDDEN)


def _signal_figures(
    signal: Signal,
    rated: _Rated | None,
    levels: Mapping[int, str],
    groups: Mapping[int, str],
    k: int,
) -> SignalFigures:
    rated = rated or _NOTHING_RATED
    return SignalFigures(
        signal=signal,
        hours=signal.hours_per_year,
        raters=rated.raters,
        mean_value=rated.mean_value,
        mean_burden=rated.mean_burden,
        share_knowing=rated.share_knowing,
        comments=rated.comments,
        verdict=burden.verdict(_shown(rated.mean_value), _shown(rated.mean_burden), _shown(rated.share_knowing)),
        groups=_Groups(rated.atoms, k, levels, groups),
    )


def _groups(names: Mapping[int, str], shown: Mapping[int, tuple[Cell[float], Cell[float]]]) -> tuple[GroupFigures, ...]:
    """Every level or actor group of the organisation, in its order: shown or hidden (a group nobody of rated looks
    like a hidden one)."""
    return tuple(GroupFigures(name, *shown.get(pk, (HIDDEN_FLOAT, HIDDEN_FLOAT))) for pk, name in names.items())


def _shown(cell: Cell[float]) -> float | None:
    return None if isinstance(cell.value, Hidden) else cell.value


def _with_number(figures: SignalFigures, number: int) -> SignalFigures:
    return replace(figures, number=number)


# Hours -----------------------------------------------------------------------------------------------------------


def _summary(entries: Sequence[tuple[Signal, frozenset[int]]], units: Mapping[int, queries.UnitName]) -> HoursSummary:
    hours = {signal.pk: signal.hours_per_year for signal, _reach in entries}
    return HoursSummary(
        total=burden.total(hours.values()),
        signals=len(entries),
        by_kind=_rows_by(entries, hours, lambda signal: signal.kind, [(k.value, str(k.label)) for k in Kind]),
        by_source=_rows_by(entries, hours, lambda signal: signal.source, [(s.value, str(s.label)) for s in Source]),
        by_owner=_owner_rows(entries, hours),
        by_unit=_unit_rows(entries, hours, units),
    )


def _rows_by(
    entries: Sequence[tuple[Signal, frozenset[int]]],
    hours: Mapping[int, Decimal],
    key: Callable[[Signal], str],
    labels: Sequence[tuple[str, str]],
) -> tuple[HoursRow, ...]:
    grouped: dict[str, list[Decimal]] = defaultdict(list)
    for signal, _reach in entries:
        grouped[key(signal)].append(hours[signal.pk])
    return tuple(
        HoursRow(label, len(grouped[value]), burden.total(grouped[value]))
        for value, label in labels
        if value in grouped
    )


def _owner_rows(entries: Sequence[tuple[Signal, frozenset[int]]], hours: Mapping[int, Decimal]) -> tuple[HoursRow, ...]:
    grouped: dict[str, list[Decimal]] = defaultdict(list)
    for signal, _reach in entries:
        grouped[signal.owner.name].append(hours[signal.pk])
    rows = [HoursRow(name, len(values), burden.total(values)) for name, values in grouped.items()]
    return tuple(sorted(rows, key=lambda row: (-row.hours, swedish_sort_key(row.label))))


def _unit_rows(
    entries: Sequence[tuple[Signal, frozenset[int]]],
    hours: Mapping[int, Decimal],
    units: Mapping[int, queries.UnitName],
) -> tuple[HoursRow, ...]:
    """Per unit reached, the hours of every signal reaching it, in tree order. Signals with the same reach are summed
    first, so a region's signals that reach everything are added to each unit once."""
    by_reach: dict[frozenset[int], list[Decimal]] = defaultdict(list)
    for signal, reach in entries:
        by_reach[reach].append(hours[signal.pk])
    unit_hours: dict[int, list[Decimal]] = defaultdict(list)
    unit_signals: dict[int, int] = defaultdict(int)
    for reach, values in by_reach.items():
        subtotal = burden.total(values)
        for unit in reach:
            unit_hours[unit].append(subtotal)
            unit_signals[unit] += len(values)
    parents = {pk: unit.parent_id for pk, unit in units.items()}
    children = tree.children_of(parents)
    rows: list[HoursRow] = []

    def visit(parent: int | None, depth: int) -> None:
        """Depth counts the reached units above, so a unit no signal reaches adds no level of its own."""
        for unit in sorted(children.get(parent, []), key=lambda pk: swedish_sort_key(units[pk].name)):
            if unit in unit_hours:
                rows.append(HoursRow(units[unit].name, unit_signals[unit], burden.total(unit_hours[unit]), depth))
                visit(unit, depth + 1)
            else:
                visit(unit, depth)

    visit(None, 0)
    return tuple(rows)


# The quadrant ----------------------------------------------------------------------------------------------------

KEEP, SIMPLIFY, LOW_VALUE = "keep", "simplify", "low_value"

# The page's SVG, in pixels: the frame 384 × 224 with room for the labels around it.
PAGE_QUADRANT = charts.Layout(
    width=480,
    height=320,
    frame=charts.Box(48, 48, 384, 224),
    upper_label_y=32,
    lower_label_y=262,
    x_title_y=306,
    y_title_x=16,
    x_tick_y=290,
    y_tick_x=36,
    merge_within=10,
)


def _region_label(value: object, weight: object) -> str:
    if not isinstance(value, float) or not isinstance(weight, float):
        return ""
    if value <= burden.LOW_VALUE:
        return _("Low value: remove or simplify?")
    return _("Valuable but heavy: simplify?") if weight >= burden.HIGH_BURDEN else _("Worth its burden")


def analysis_quadrant(publication: Publication, layout: charts.Layout = PAGE_QUADRANT) -> charts.Quadrant:
    """The signals whose mean value and mean burden are both shown, placed by burden (across) and value (up); each
    point numbered as its signal's `number`. The lower band (low value) is one region; the upper band is split where
    the burden turns high."""
    return charts.quadrant(
        [charts.Point(s.number, s.mean_burden.value, s.mean_value.value) for s in publication.placed],
        layout=layout,
        x_scale=charts.Scale(SCALE_MIN, SCALE_MAX),
        y_scale=charts.Scale(SCALE_MIN, SCALE_MAX),
        y_split=burden.LOW_VALUE,
        x_splits=(burden.HIGH_BURDEN,),
        upper=[(KEEP, _("Worth its burden")), (SIMPLIFY, _("Valuable but heavy: simplify?"))],
        lower=(LOW_VALUE, _("Low value: remove or simplify?")),
    )
