"""Reads about a workshop: who takes part, its chain, and warnings about both."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tillit.organisations.models import ActorGroup
from tillit.privacy.breakdowns import Disclosure, Population
from tillit.privacy.suppression import HIDDEN, Cell, Hidden, count, ranked
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
# Everything below returns already-suppressed structures (tillit.privacy): a figure that may not be
# shown is HIDDEN, and so is its count; pages and exports only ever see these. The page, the CSV and
# the PDF are one publication and all read the same `Results`.
#
# Which figures may be shown is decided per *measure*: each effect's importance, each effect's
# achievement, each link's contribution. A measure's raters form one population, divided by level
# (participants without a level in a "no level" value of their own) and by actor group, and
# `privacy.breakdowns.Population.disclose` decides, for that population, whether the overall figure
# (the total), each level's and each actor group's figure may be shown, auditing every crossing of
# level and actor group together: a level minus an actor group must not give a small group's mean.
# Guests' ratings are unverified there, so guests never lift a group of members over the threshold.
#
# The expected contribution is derived from other figures (ranking.py: "Which terms count"): a term
# enters it only where both of its inputs may be shown in the same cell, so it reveals nothing they
# do not; the bootstrap uses the same terms. Rows are ordered by `privacy.ranked`: shown figures
# first, numbered; hidden ones after them in the chain's order, unnumbered.

BOOTSTRAP_SAMPLES = 1000
QUADRANT_LABELS = {
    ranking.PRIORITISE: _lazy("Prioritise"),
    ranking.IMPROVE: _lazy("Improve"),
    ranking.KEEP: _lazy("Keep"),
    ranking.LOWER_PRIORITY: _lazy("Lower priority"),
}
NOT_SHOWN: Cell = Cell(HIDDEN, HIDDEN)
NO_LEVEL = None  # the level value of participants without a level
LEVEL, ACTOR_GROUP = 0, 1  # the flat dimensions of every measure's population


@dataclass
class RankedActivity:
    item: Item
    rank: int | None  # None where the score is hidden: such rows come last and carry no rank
    score: Cell
    low: float | Hidden | None
    high: float | Hidden | None
    effects_counted: int
    terms: frozenset[int] = frozenset()  # the effects (pks) whose terms entered the score; never printed


@dataclass
class RankedEffect:
    item: Item
    rank: int | None
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
    # For the expected contribution: per group, the effects whose terms entered the group's figure.
    terms: list[frozenset[int]] | None = None


@dataclass
class GroupTable:
    groups: list[str]  # the column headings
    rows: list[GroupRow]
    keys: list[Hashable] = field(default_factory=list)  # per column: the level's or actor group's pk (None: no level)


@dataclass
class MatrixRow:
    activity: Item
    cells: list[Cell | None]  # None where the activity does not serve the effect


@dataclass
class Results:
    k: int
    raters: Cell  # how many rated anything: a count of people
    guest_raters: Cell  # of them, how many took part as guests
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

    @property
    def group_tables(self) -> list[GroupTable]:
        return [
            self.importance_by_actor_group,
            self.contribution_by_actor_group,
            self.importance_by_level,
            self.contribution_by_level,
        ]


def workshop_ratings(workshop: Workshop, chain: Chain) -> ranking.Ratings:
    """The workshop's ratings as plain data for ranking.py (merged cards and stale links left out).

    The participants are those who rated something: the results do not change when someone joins
    after rating has closed (the bootstrap draws from the raters)."""
    effect_ids = {item.pk for item in chain.effects}
    activity_ids = {item.pk for item in chain.activities}
    links = frozenset((a, e) for a, e in chain.links if a in activity_ids and e in effect_ids)
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
    raters = {p for p, _e in importance} | {p for p, _e in achievement} | {p for p, _a, _e in contribution}
    return ranking.Ratings(
        participants=sorted(raters),
        effects=[item.pk for item in chain.effects],
        activities=[item.pk for item in chain.activities],
        links=links,
        importance=importance,
        achievement=achievement,
        contribution=contribution,
    )


RESULTS_CACHE_SECONDS = 24 * 3600
RESULTS_FORMAT = 2  # part of the cache key: results cached in an older shape are never read back


def workshop_results(workshop: Workshop) -> Results:
    """Ranked activities and effects, the contribution matrix and the groups' views, all suppressed below k.

    Once the results are published the ratings, the chain's links and the participants' groups cannot
    change (actions.py), so recomputing gives the same figures; they are cached under `chain_version`
    (bumped by every change to the chain and every change of step) and the workshop's threshold k.
    """
    if not workshop.results_open:
        return _computed_results(workshop)
    key = (
        f"workshop-results:{RESULTS_FORMAT}:{workshop.public_id}:{workshop.chain_version}:"
        f"{workshop.anonymity_threshold}"
    )
    results = cache.get(key)
    if results is None:
        results = _computed_results(workshop)
        cache.set(key, results, RESULTS_CACHE_SECONDS)
    return results


@dataclass(frozen=True)
class Rater:
    """Someone behind ratings, as the results see them: their level (NO_LEVEL for none), their actor group,
    and whether they took part as a guest (unverified: nothing ties a guest to a person)."""

    pk: int
    level: Hashable
    actor_group: Hashable
    guest: bool = False


class RaterPopulation:
    """The raters of a workshop as one population of atoms (level × actor group), for `Population`.

    `disclose(raters)` decides, for the raters of one measure, which of its figures may be shown: the
    total, and each level and actor group (dimensions LEVEL and ACTOR_GROUP). Guests are unverified.
    Measures with the same raters get the same answer, computed once.
    """

    def __init__(self, raters: Iterable[Rater], k: int) -> None:
        self.k = k
        self.atom_of: dict[int, int] = {}
        self.guests: set[int] = set()
        raters = list(raters)
        # In a fixed order, whatever the order the raters come in: the disclosure breaks ties by the atoms'
        # order, and recomputing the results must give the same figures.
        found = {(None, rater.level, rater.actor_group) for rater in raters}
        atoms = {
            atom: index for index, atom in enumerate(sorted(found, key=lambda atom: (repr(atom[1]), repr(atom[2]))))
        }
        for rater in raters:
            self.atom_of[rater.pk] = atoms[None, rater.level, rater.actor_group]
            if rater.guest:
                self.guests.add(rater.pk)
        self.atoms = len(atoms)
        self.population = Population({}, list(atoms)) if atoms else None
        self._disclosed: dict[tuple[tuple[int, ...], tuple[int, ...]], Disclosure] = {}

    def disclose(self, raters: Iterable[int]) -> Disclosure:
        if self.population is None:
            return _NOTHING_DISCLOSED
        sizes = [0] * self.atoms
        unverified = [0] * self.atoms
        for rater in raters:
            atom = self.atom_of[rater]
            sizes[atom] += 1
            if rater in self.guests:
                unverified[atom] += 1
        key = (tuple(sizes), tuple(unverified))
        disclosure = self._disclosed.get(key)
        if disclosure is None:
            disclosure = self.population.disclose(sizes, k=self.k, unverified=unverified if any(unverified) else None)
            self._disclosed[key] = disclosure
        return disclosure


_NOTHING_DISCLOSED = Disclosure(False, frozenset(), (frozenset(), frozenset()))


def _computed_results(workshop: Workshop) -> Results:
    chain = effect_chain(workshop)
    ratings = workshop_ratings(workshop, chain)
    rated = set(ratings.participants)
    people = [
        p for p in Participant.objects.filter(workshop=workshop).select_related("actor_group", "level") if p.pk in rated
    ]
    levels = {p.level_id: p.level for p in people if p.level is not None}
    level_names = {
        key: levels[key].name for key in sorted(levels, key=lambda key: (levels[key].rank, levels[key].name))
    }
    if any(p.level_id is None for p in people):
        level_names[NO_LEVEL] = _("No level")
    groups = {p.actor_group_id: p.actor_group for p in people}
    group_names = {
        key: groups[key].name for key in sorted(groups, key=lambda key: (groups[key].position, groups[key].name))
    }
    return build_results(
        chain=chain,
        ratings=ratings,
        raters=[
            Rater(p.pk, NO_LEVEL if p.level_id is None else p.level_id, p.actor_group_id, p.is_guest) for p in people
        ],
        levels=level_names,
        actor_groups=group_names,
        k=workshop.anonymity_threshold,
        seed=workshop.pk,
    )


def build_results(
    *,
    chain: Chain,
    ratings: ranking.Ratings,
    raters: Sequence[Rater],
    levels: Mapping[Hashable, str],
    actor_groups: Mapping[Hashable, str],
    k: int,
    seed: int,
    bootstrap: int = BOOTSTRAP_SAMPLES,
) -> Results:
    """The results of `ratings` (from `raters`), every figure decided by its measure's disclosure: pure, no
    database. `levels` and `actor_groups` name the columns of the group tables, in their order."""
    population = RaterPopulation(raters, k)
    items = {item.pk: item for item in [*chain.effects, *chain.activities]}
    people = list(raters)

    importance_raters: dict[int, list[int]] = {effect.pk: [] for effect in chain.effects}
    achievement_raters: dict[int, list[int]] = {effect.pk: [] for effect in chain.effects}
    contribution_raters: dict[tuple[int, int], list[int]] = {link: [] for link in ratings.links}
    for participant, effect in ratings.importance:
        importance_raters[effect].append(participant)
    for participant, effect in ratings.achievement:
        achievement_raters[effect].append(participant)
    for participant, activity, effect in ratings.contribution:
        contribution_raters[activity, effect].append(participant)
    importance_shown = {effect: population.disclose(who) for effect, who in importance_raters.items()}
    achievement_shown = {effect: population.disclose(who) for effect, who in achievement_raters.items()}
    contribution_shown = {link: population.disclose(who) for link, who in contribution_raters.items()}

    def terms(shows: Callable[[Disclosure], bool]) -> dict[int, set[int]]:
        """For each activity, the effects whose importance and contribution `shows` allows in the same cell."""
        allowed: dict[int, set[int]] = {activity.pk: set() for activity in chain.activities}
        for activity, effect in ratings.links:
            if shows(importance_shown[effect]) and shows(contribution_shown[activity, effect]):
                allowed[activity].add(effect)
        return allowed

    overall_terms = terms(lambda disclosure: disclosure.total)
    activity_scores = {
        s.activity: s for s in ranking.rank_activities(ratings, bootstrap=bootstrap, seed=seed, terms=overall_terms)
    }
    scores = {
        activity: Cell(s.expected_contribution, s.raters) if s.expected_contribution is not None else NOT_SHOWN
        for activity, s in activity_scores.items()
    }
    activities = [
        RankedActivity(
            items[row.item],
            row.rank,
            scores[row.item],
            *_interval(scores[row.item], activity_scores[row.item].low, activity_scores[row.item].high),
            activity_scores[row.item].effects_counted,
            frozenset(overall_terms[row.item]) if not scores[row.item].hidden else frozenset(),
        )
        for row in ranked([activity.pk for activity in chain.activities], lambda activity: scores[activity])
    ]

    effect_scores = {s.effect: s for s in ranking.rank_effects(ratings, bootstrap=bootstrap, seed=seed)}
    importance = {
        effect: Cell(s.importance, s.importance_raters) if importance_shown[effect].total else NOT_SHOWN
        for effect, s in effect_scores.items()
    }
    achievement = {
        effect: Cell(s.achievement, s.achievement_raters) if achievement_shown[effect].total else NOT_SHOWN
        for effect, s in effect_scores.items()
    }
    effects = [
        RankedEffect(
            items[row.item],
            row.rank,
            importance[row.item],
            achievement[row.item],
            *_interval(importance[row.item], effect_scores[row.item].low, effect_scores[row.item].high),
            quadrant=(
                effect_scores[row.item].quadrant
                if not (importance[row.item].hidden or achievement[row.item].hidden)
                else None
            ),
        )
        for row in ranked([effect.pk for effect in chain.effects], lambda effect: importance[effect])
    ]
    _place_in_quadrant(effects)

    matrix_means = ranking.contribution_matrix(ratings)
    matrix = [
        MatrixRow(
            activity,
            [
                (
                    Cell(matrix_means[activity.pk, effect.pk].value, matrix_means[activity.pk, effect.pk].n)
                    if contribution_shown[activity.pk, effect.pk].total
                    else NOT_SHOWN
                )
                if (activity.pk, effect.pk) in ratings.links
                else None
                for effect in chain.effects
            ],
        )
        for activity in chain.activities
    ]

    tables = {}
    for dimension, columns in ((LEVEL, dict(levels)), (ACTOR_GROUP, dict(actor_groups))):
        group_of = {p.pk: (p.level if dimension == LEVEL else p.actor_group) for p in people}
        keys = list(columns)
        tables[dimension, "importance"] = _group_table(
            columns,
            ranking.group_means(ratings, group_of, measure="importance"),
            [(items[effect.pk], importance[effect.pk], effect.pk) for effect in chain.effects],
            lambda key, effect, dimension=dimension: importance_shown[effect].shows(dimension, key),
        )
        group_terms = {
            key: terms(lambda disclosure, key=key, dimension=dimension: disclosure.shows(dimension, key))
            for key in keys
        }
        tables[dimension, "expected_contribution"] = _group_table(
            columns,
            ranking.group_means(ratings, group_of, measure="expected_contribution", terms=group_terms),
            [(items[activity.pk], scores[activity.pk], activity.pk) for activity in chain.activities],
            lambda key, activity: True,  # a group's score exists only where one of its terms may count
            terms=group_terms,
        )
    return Results(
        k=k,
        raters=count(len(people), k=k),
        guest_raters=count(len(population.guests), k=k),
        activities=activities,
        effects=effects,
        matrix_effects=chain.effects,
        matrix=matrix,
        importance_by_actor_group=tables[ACTOR_GROUP, "importance"],
        contribution_by_actor_group=tables[ACTOR_GROUP, "expected_contribution"],
        importance_by_level=tables[LEVEL, "importance"],
        contribution_by_level=tables[LEVEL, "expected_contribution"],
    )


def _interval(cell: Cell, low: float | None, high: float | None) -> tuple:
    return (HIDDEN, HIDDEN) if cell.hidden else (low, high)


def _group_table(
    columns: dict[Hashable, str],
    means: dict[Hashable, dict[Hashable, ranking.Mean]],
    rows: list[tuple[Item, Cell, int]],
    shows: Callable[[Hashable, int], bool],
    *,
    terms: dict[Hashable, dict[int, set[int]]] | None = None,
) -> GroupTable:
    """Each group's figure per item where its own disclosure allows it (and it is defined), the spread
    between the shown ones, and the rows ordered by that spread (rows without one last, in chain order)."""
    built = []
    for item, overall, item_id in rows:
        by_group = []
        for key in columns:
            mean = means.get(key, {}).get(item_id)
            shown = mean is not None and mean.value is not None and shows(key, item_id)
            by_group.append(Cell(mean.value, mean.n) if shown else NOT_SHOWN)
        values = [cell.value for cell in by_group if not cell.hidden]
        spread = max(values) - min(values) if len(values) >= 2 else None
        row_terms = None
        if terms is not None:
            row_terms = [
                frozenset(terms[key][item_id]) if not cell.hidden else frozenset()
                for key, cell in zip(columns, by_group, strict=True)
            ]
        built.append(GroupRow(item, overall, by_group, spread, row_terms))
    ordered = [entry.item for entry in ranked(built, lambda row: row.spread)]
    return GroupTable(list(columns.values()), ordered, list(columns))


QUADRANT_WIDTH, QUADRANT_HEIGHT, QUADRANT_MARGIN = 480, 320, 48


def _place_in_quadrant(effects: list[RankedEffect]) -> None:
    """Number the plotted effects and give them SVG coordinates: achievement 1–5 across, importance 0–4 up."""
    plot_width = QUADRANT_WIDTH - 2 * QUADRANT_MARGIN
    plot_height = QUADRANT_HEIGHT - 2 * QUADRANT_MARGIN
    for number, effect in enumerate((e for e in effects if e.quadrant), start=1):
        effect.number = number
        effect.x = round(QUADRANT_MARGIN + (effect.achievement.value - 1) / 4 * plot_width, 1)
        effect.y = round(QUADRANT_HEIGHT - QUADRANT_MARGIN - effect.importance.value / 4 * plot_height, 1)
