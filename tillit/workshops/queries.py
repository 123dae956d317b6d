"""Reads about a workshop: who takes part, its chain, and warnings about both."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tillit.organisations.models import ActorGroup
from tillit.privacy.suppression import HIDDEN, Cell, Hidden, cells
from tillit.workshops import ranking
from tillit.workshops.models import (
    AchievementRating,
    ContributionRating,
    ImportanceRating,
    Item,
    Link,
    Participant,
    Workshop,
)

MAX_GOALS = 5
FRONT_LINE_RANK = 5
FIRST_LINE_RANK = 4


@dataclass
class Mix:
    """Who takes part, counted by actor group, level and unit."""

    total: int
    by_actor_group: list[tuple[str, int]]
    by_level: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    warnings: list[str] = field(default_factory=list)


def participant_mix(workshop: Workshop) -> Mix:
    """The mix of participants, and a warning for each voice that is missing."""
    participants = list(Participant.objects.filter(workshop=workshop).select_related("actor_group", "level", "unit"))
    groups = Counter(p.actor_group.name for p in participants)
    levels = Counter(p.level.name for p in participants if p.level)
    units = Counter(p.unit.name for p in participants if p.unit)
    keys = {p.actor_group.key for p in participants}
    ranks = {p.level.rank for p in participants if p.level}
    warnings = []
    if ActorGroup.Key.SERVICE_USER not in keys:
        warnings.append(_("No service user takes part: invite some as guests, or bring in their suggestions."))
    if ActorGroup.Key.EMPLOYEE not in keys and FRONT_LINE_RANK not in ranks:
        warnings.append(_("Nobody from the front line takes part: the people who meet the service users are missing."))
    if ActorGroup.Key.FIRST_LINE_MANAGER not in keys and FIRST_LINE_RANK not in ranks:
        warnings.append(_("No first-line manager takes part."))
    return Mix(
        total=len(participants),
        by_actor_group=sorted(groups.items()),
        by_level=sorted(levels.items()),
        by_unit=sorted(units.items()),
        warnings=warnings,
    )


@dataclass
class Chain:
    goals: list[Item]
    effects: list[Item]
    activities: list[Item]
    links: set[tuple[int, int]]
    warnings: list[str]

    def serves(self, source: Item, target: Item) -> bool:
        return (source.pk, target.pk) in self.links


def effect_chain(workshop: Workshop) -> Chain:
    """The workshop's cards by kind (merged duplicates left out, their proposers counted in),
    its links, and chain-hygiene warnings."""
    items = list(
        Item.objects.filter(workshop=workshop, merged_into__isnull=True)
        .select_related("proposed_by")
        .order_by("position", "created_at", "pk")
        .prefetch_related(Prefetch("merged_items", queryset=Item.objects.select_related("proposed_by")))
    )
    by_kind: dict[str, list[Item]] = {kind: [] for kind in Item.Kind.values}
    for item in items:
        by_kind[item.kind].append(item)
    links = set(Link.objects.filter(workshop=workshop).values_list("source_id", "target_id"))
    by_pk = {item.pk: item for item in items}
    for item in items:
        item.serves = [by_pk[target] for source, target in sorted(links) if source == item.pk and target in by_pk]
    chain = Chain(by_kind["goal"], by_kind["effect"], by_kind["activity"], links, [])
    chain.warnings = _chain_warnings(chain)
    return chain


def _chain_warnings(chain: Chain) -> list[str]:
    warnings = []
    if len(chain.goals) > MAX_GOALS:
        warnings.append(
            _("There are %(count)s goals. More than %(limit)s makes it hard to focus: merge or choose.")
            % {"count": len(chain.goals), "limit": MAX_GOALS}
        )
    served_effects = {target for _source, target in chain.links}
    serving = {source for source, _target in chain.links}
    for activity in chain.activities:
        if activity.pk not in serving:
            warnings.append(_("The activity “%(title)s” serves no effect.") % {"title": activity.title})
    for effect in chain.effects:
        if effect.pk not in served_effects:
            warnings.append(_("No activity serves the effect “%(title)s”.") % {"title": effect.title})
        if effect.pk not in serving:
            warnings.append(_("The effect “%(title)s” is not linked to a goal.") % {"title": effect.title})
    return warnings


# Results --------------------------------------------------------------------------------------
#
# Everything below returns already-suppressed structures (tillit.privacy): a number behind fewer
# than k raters is HIDDEN, and so is its count; pages and exports only ever see these.

BOOTSTRAP_SAMPLES = 1000
QUADRANT_LABELS = {
    ranking.PRIORITISE: _lazy("Prioritise"),
    ranking.IMPROVE: _lazy("Improve"),
    ranking.KEEP: _lazy("Keep"),
    ranking.LOWER_PRIORITY: _lazy("Lower priority"),
}


@dataclass
class RankedActivity:
    item: Item
    score: Cell
    low: float | Hidden | None
    high: float | Hidden | None
    effects_counted: int


@dataclass
class RankedEffect:
    item: Item
    importance: Cell
    achievement: Cell
    low: float | Hidden | None
    high: float | Hidden | None
    quadrant: str | None
    number: int = 0
    x: float = 0.0
    y: float = 0.0

    @property
    def quadrant_label(self) -> str:
        return str(QUADRANT_LABELS.get(self.quadrant, "")) if self.quadrant else ""


@dataclass
class GroupRow:
    item: Item
    overall: Cell
    by_group: list[Cell]
    spread: float | None


@dataclass
class GroupTable:
    groups: list[str]
    rows: list[GroupRow]


@dataclass
class MatrixRow:
    activity: Item
    cells: list[Cell | None]  # None where the activity does not serve the effect


@dataclass
class Results:
    k: int
    raters: int
    activities: list[RankedActivity]
    effects: list[RankedEffect]
    matrix_effects: list[Item]
    matrix: list[MatrixRow]
    importance_by_actor_group: GroupTable
    contribution_by_actor_group: GroupTable
    importance_by_level: GroupTable
    contribution_by_level: GroupTable

    @property
    def plotted_effects(self) -> list[RankedEffect]:
        return [effect for effect in self.effects if effect.quadrant]


def workshop_ratings(workshop: Workshop, chain: Chain) -> ranking.Ratings:
    """The workshop's ratings as plain data for ranking.py (merged cards and stale links left out)."""
    effect_ids = {item.pk for item in chain.effects}
    activity_ids = {item.pk for item in chain.activities}
    links = frozenset((a, e) for a, e in chain.links if a in activity_ids and e in effect_ids)
    participants = list(Participant.objects.filter(workshop=workshop).values_list("pk", flat=True))
    importance = {
        (p, e): v
        for p, e, v in ImportanceRating.objects.filter(participant__workshop=workshop).values_list(
            "participant_id", "effect_id", "value"
        )
        if e in effect_ids
    }
    achievement = {
        (p, e): v
        for p, e, v in AchievementRating.objects.filter(participant__workshop=workshop).values_list(
            "participant_id", "effect_id", "value"
        )
        if e in effect_ids
    }
    contribution = {
        (p, a, e): v
        for p, a, e, v in ContributionRating.objects.filter(participant__workshop=workshop).values_list(
            "participant_id", "activity_id", "effect_id", "value"
        )
        if (a, e) in links
    }
    return ranking.Ratings(
        participants=participants,
        effects=[item.pk for item in chain.effects],
        activities=[item.pk for item in chain.activities],
        links=links,
        importance=importance,
        achievement=achievement,
        contribution=contribution,
    )


RESULTS_CACHE_SECONDS = 24 * 3600


def workshop_results(workshop: Workshop) -> Results:
    """Ranked activities and effects, the contribution matrix and the groups' views, all suppressed below k.

    Once rating has closed the results cannot change, so they are computed once and cached under
    everything they depend on: the step, `chain_version` (bumped by every change to the chain
    and every change of step, so reopening rating starts afresh) and the threshold k.
    """
    if not workshop.results_open:
        return _computed_results(workshop)
    key = f"workshop-results:{workshop.public_id}:{workshop.step}:{workshop.chain_version}:{workshop.organisation.anonymity_threshold}"
    results = cache.get(key)
    if results is None:
        results = _computed_results(workshop)
        cache.set(key, results, RESULTS_CACHE_SECONDS)
    return results


def _computed_results(workshop: Workshop) -> Results:
    k = workshop.organisation.anonymity_threshold
    chain = effect_chain(workshop)
    ratings = workshop_ratings(workshop, chain)
    items = {item.pk: item for item in [*chain.effects, *chain.activities]}
    seed = workshop.pk

    activity_scores = ranking.rank_activities(ratings, bootstrap=BOOTSTRAP_SAMPLES, seed=seed)
    shown_scores = cells(
        {s.activity: s.expected_contribution for s in activity_scores},
        {s.activity: s.raters for s in activity_scores},
        k=k,
        parent_shown=False,
    )
    activities = [
        RankedActivity(
            items[s.activity],
            shown_scores[s.activity],
            *_interval(shown_scores[s.activity], s.low, s.high),
            s.effects_counted,
        )
        for s in activity_scores
    ]

    effect_scores = ranking.rank_effects(ratings, bootstrap=BOOTSTRAP_SAMPLES, seed=seed)
    importance = cells(
        {s.effect: s.importance for s in effect_scores},
        {s.effect: s.importance_raters for s in effect_scores},
        k=k,
        parent_shown=False,
    )
    achievement = cells(
        {s.effect: s.achievement for s in effect_scores},
        {s.effect: s.achievement_raters for s in effect_scores},
        k=k,
        parent_shown=False,
    )
    effects = [
        RankedEffect(
            items[s.effect],
            importance[s.effect],
            achievement[s.effect],
            *_interval(importance[s.effect], s.low, s.high),
            quadrant=s.quadrant if not (importance[s.effect].hidden or achievement[s.effect].hidden) else None,
        )
        for s in effect_scores
    ]
    _place_in_quadrant(effects)

    matrix_means = ranking.contribution_matrix(ratings)
    shown_matrix = cells(
        {pair: mean.value for pair, mean in matrix_means.items()},
        {pair: mean.n for pair, mean in matrix_means.items()},
        k=k,
        parent_shown=False,
    )
    matrix = [
        MatrixRow(activity, [shown_matrix.get((activity.pk, effect.pk)) for effect in chain.effects])
        for activity in chain.activities
    ]

    participants = Participant.objects.filter(workshop=workshop).select_related("actor_group", "level")
    by_actor_group = {p.pk: p.actor_group.name for p in participants}
    # Every participant in exactly one group, so that the groups partition the total.
    by_level = {p.pk: p.level.name if p.level else _("No level") for p in participants}
    return Results(
        k=k,
        raters=_raters(ratings),
        activities=activities,
        effects=effects,
        matrix_effects=chain.effects,
        matrix=matrix,
        importance_by_actor_group=_group_table(ratings, by_actor_group, "importance", importance, items, k),
        contribution_by_actor_group=_group_table(
            ratings, by_actor_group, "expected_contribution", shown_scores, items, k
        ),
        importance_by_level=_group_table(ratings, by_level, "importance", importance, items, k),
        contribution_by_level=_group_table(ratings, by_level, "expected_contribution", shown_scores, items, k),
    )


def _raters(ratings: ranking.Ratings) -> int:
    who = {p for p, _e in ratings.importance} | {p for p, _e in ratings.achievement}
    return len(who | {p for p, _a, _e in ratings.contribution})


def _interval(cell: Cell, low: float | None, high: float | None) -> tuple:
    return (HIDDEN, HIDDEN) if cell.hidden else (low, high)


def _group_table(
    ratings: ranking.Ratings,
    groups: dict[int, str],
    measure: str,
    overall: dict[int, Cell],
    items: dict[int, Item],
    k: int,
) -> GroupTable:
    """Each group's mean per item, hidden where the group has fewer than k raters of that item and
    complemented so that no hidden group can be worked out from the overall mean and the others."""
    means = ranking.group_means(ratings, groups, measure=measure)
    names = list(means)
    rows = []
    for item_id, total in overall.items():
        shown = cells(
            {g: means[g][item_id].value for g in names},
            {g: means[g][item_id].n for g in names},
            k=k,
            parent_shown=not total.hidden,
        )
        by_group = [shown[g] for g in names]
        values = [cell.value for cell in by_group if not cell.hidden and cell.value is not None]
        spread = max(values) - min(values) if len(values) >= 2 else None
        rows.append(GroupRow(items[item_id], total, by_group, spread))
    rows.sort(key=lambda row: -(row.spread or 0))
    return GroupTable(names, rows)


QUADRANT_WIDTH, QUADRANT_HEIGHT, QUADRANT_MARGIN = 480, 320, 48


def _place_in_quadrant(effects: list[RankedEffect]) -> None:
    """Number the plotted effects and give them SVG coordinates: achievement 1–5 across, importance 0–4 up."""
    plot_width = QUADRANT_WIDTH - 2 * QUADRANT_MARGIN
    plot_height = QUADRANT_HEIGHT - 2 * QUADRANT_MARGIN
    for number, effect in enumerate((e for e in effects if e.quadrant), start=1):
        effect.number = number
        effect.x = round(QUADRANT_MARGIN + (effect.achievement.value - 1) / 4 * plot_width, 1)
        effect.y = round(QUADRANT_HEIGHT - QUADRANT_MARGIN - effect.importance.value / 4 * plot_height, 1)
