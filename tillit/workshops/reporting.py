"""A workshop's results as they are published: the one way out for its figures.

`build_results` turns the ratings (plain data from `queries.workshop_ratings`) into `Results`, already suppressed
through `tillit.privacy`: a figure that may not be shown is a hidden `Cell` or `HIDDEN`, and so is its count. The
results page, the CSV (`exporting.py`) and the PDF (`report_pdf.py`) are one publication and all read the same
`Results`; `priority_quadrant` lays its effects out for a chart (`tillit.reports.charts.quadrant`).

Which figures may be shown is decided per *measure*: each effect's importance, each effect's achievement, each
link's contribution. A measure's raters form one population, divided by level (participants without a level in a
"no level" value of their own) and by actor group, and `privacy.breakdowns.Population.disclose` decides, for that
population, whether the overall figure (the total), each level's and each actor group's figure may be shown,
auditing every crossing of level and actor group together: a level minus an actor group must not give a small
group's mean. Guests' ratings are unverified there, so guests never lift a group of members over the threshold.

The expected contribution is derived from other figures (ranking.py: "Which terms count"): a term enters it only
where both of its inputs may be shown in the same cell, so it reveals nothing they do not; the bootstrap uses the
same terms. Rows are ordered by `privacy.ranked`: shown figures first, numbered; hidden ones after them in the
chain's order, unnumbered.

Pure: no database. The chain's cards (`Item`) are only carried along, by their `pk`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tillit.organisations.models import Side
from tillit.privacy import coarsening
from tillit.privacy.audit import determined
from tillit.privacy.breakdowns import Disclosure, Population
from tillit.privacy.suppression import HIDDEN, Cell, Hidden, NotAFigure, count, ranked
from tillit.reports.charts import quadrant as charts
from tillit.workshops import ranking
from tillit.workshops.models import Item

if TYPE_CHECKING:
    from tillit.workshops.queries import Chain

__all__ = [
    "ACTOR_GROUP",
    "BOOTSTRAP_SAMPLES",
    "LEVEL",
    "NOT_PUBLISHED",
    "NO_LEVEL",
    "QUADRANT_LABELS",
    "GroupRow",
    "GroupTable",
    "MatrixRow",
    "RankedActivity",
    "RankedEffect",
    "Rater",
    "RaterPopulation",
    "Results",
    "build_results",
    "groupings",
    "priority_quadrant",
]

BOOTSTRAP_SAMPLES = 1000
QUADRANT_LABELS: dict[str, Promise] = {
    ranking.PRIORITISE: _("Prioritise"),
    ranking.IMPROVE: _("Improve"),
    ranking.KEEP: _("Keep"),
    ranking.LOWER_PRIORITY: _("Lower priority"),
}
NOT_SHOWN: Cell[float] = Cell(HIDDEN, HIDDEN)
NO_LEVEL = None  # the level value of participants without a level
LEVEL, ACTOR_GROUP = 0, 1  # the flat dimensions of every measure's population

NOT_PUBLISHED = ("Rater",)  # what build_results reads, not what it publishes


@dataclass
class RankedActivity:
    item: Item
    rank: NotAFigure[int | None]  # None where the score is hidden: such rows come last and carry no rank
    score: Cell[float]  # the expected contribution
    low: float | Hidden | None  # the interval; None where there is none (no bootstrap, nothing to draw)
    high: float | Hidden | None
    effects_counted: NotAFigure[int]  # how many of its effects' terms entered the score
    terms: NotAFigure[frozenset[Hashable]] = (
        frozenset()
    )  # the effects (pks) whose terms entered the score; never printed


@dataclass
class RankedEffect:
    item: Item
    rank: NotAFigure[int | None]
    importance: Cell[float]
    achievement: Cell[float]
    low: float | Hidden | None  # the importance's interval
    high: float | Hidden | None
    quadrant: str | None  # None where the effect is not placed (a figure hidden, or undefined)
    number: NotAFigure[int] = 0  # its point in the quadrant, 0 when not placed

    @property
    def quadrant_label(self) -> str:
        return str(QUADRANT_LABELS[self.quadrant]) if self.quadrant in QUADRANT_LABELS else ""


@dataclass
class GroupRow:
    item: Item
    overall: Cell[float]
    by_group: list[Cell[float]]
    spread: float | Hidden  # the highest minus the lowest shown group figure; HIDDEN unless two are shown
    # For the expected contribution: per group, the effects whose terms entered the group's figure.
    terms: NotAFigure[list[frozenset[Hashable]] | None] = None

    @property
    def has_spread(self) -> bool:
        return not isinstance(self.spread, Hidden)


@dataclass
class GroupTable:
    groups: list[coarsening.Label]  # the column headings
    rows: list[GroupRow]
    # Per column: the level's or actor group's pk (NO_LEVEL: no level), or its group's key in a coarser grouping.
    keys: NotAFigure[list[Hashable]] = field(default_factory=list)
    note: str | Promise = ""  # which coarser grouping the columns are, and why; empty for the groups themselves


@dataclass
class MatrixRow:
    activity: Item
    cells: list[Cell[float] | None]  # None where the activity does not serve the effect


@dataclass
class Results:
    k: NotAFigure[int]
    raters: Cell[int]  # how many rated anything: a count of people
    guest_raters: Cell[int]  # of them, how many took part as guests
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


@dataclass(frozen=True)
class Rater:
    """Someone behind ratings, as the results see them: their level (NO_LEVEL for none), their actor group,
    and whether they took part as a guest (unverified: nothing ties a guest to a person)."""

    pk: int
    level: Hashable
    actor_group: Hashable
    guest: bool = False


_NOTHING_DISCLOSED = Disclosure(False, frozenset(), (frozenset(), frozenset()))


class RaterPopulation:
    """The raters of a workshop as one population of atoms (level × actor group), for `Population`.

    `disclose(raters)` decides, for the raters of one measure, which of its figures may be shown: the
    total, and each level and actor group (dimensions LEVEL and ACTOR_GROUP). Guests are unverified.
    Measures with the same raters get the same answer, computed once.
    """

    def __init__(
        self, raters: Iterable[Rater], k: int, *, originally: Mapping[Hashable, tuple[Hashable, Hashable]] | None = None
    ) -> None:
        """`originally`: where the tables compare merged levels or the two sides, each rater's own level and actor
        group, so that no small level or actor group inside a merged one can be worked out either (`_closed`)."""
        self.k = k
        self.atom_of: dict[Hashable, int] = {}
        self.guests: set[Hashable] = set()
        raters = list(raters)
        # Each rater's place as shown and as it is: (None, level shown, group shown, own level, own group).
        self.own: dict[Hashable, tuple[Hashable, ...]] | None = (
            None
            if originally is None
            else {rater.pk: (None, rater.level, rater.actor_group, *originally[rater.pk]) for rater in raters}
        )
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
        self._disclosed: dict[tuple[object, ...], Disclosure] = {}

    def disclose(self, raters: Iterable[Hashable]) -> Disclosure:
        if self.population is None:
            return _NOTHING_DISCLOSED
        sizes = [0] * self.atoms
        unverified = [0] * self.atoms
        for rater in raters:
            atom = self.atom_of[rater]
            sizes[atom] += 1
            if rater in self.guests:
                unverified[atom] += 1
        raters = list(raters)
        own = None if self.own is None else Counter(self.own[rater] for rater in raters)
        key = (tuple(sizes), tuple(unverified), tuple(sorted(own.items(), key=repr)) if own else ())
        disclosure = self._disclosed.get(key)
        if disclosure is None:
            disclosure = self.population.disclose(sizes, k=self.k, unverified=unverified if any(unverified) else None)
            if own is not None and self.own is not None:
                verified = Counter(self.own[rater] for rater in raters if rater not in self.guests)
                disclosure = _closed(disclosure, own, verified, self.k)
            self._disclosed[key] = disclosure
        return disclosure


def _closed(
    disclosure: Disclosure,
    own: Mapping[tuple[Hashable, ...], int],
    verified: Mapping[tuple[Hashable, ...], int],
    k: int,
) -> Disclosure:
    """The disclosure with shown levels and actor groups hidden, smallest first, until no level, actor group or
    level × actor group of the raters' own (fewer than k, more than none) follows from what it shows: a merged
    level minus an actor group that is exactly one of its levels would otherwise give that level. Decided exactly
    (`privacy.audit.determined`), for all raters and again with the guests' ratings known."""
    places = list(own)
    every: list[dict[Hashable, int]] = [
        dict(own.items()),
        dict(verified.items()),
    ]
    crossings: dict[Hashable, set[Hashable]] = {}
    for place in places:
        crossings.setdefault(("level", place[3]), set()).add(place)
        crossings.setdefault(("group", place[4]), set()).add(place)
        crossings.setdefault(("both", place[3], place[4]), set()).add(place)
    small_in = [
        {name: atoms for name, atoms in crossings.items() if 0 < sum(sizes.get(a, 0) for a in atoms) < k}
        for sizes in every
    ]
    while True:
        visible: list[set[tuple[Hashable, ...]]] = [set(places)] if disclosure.total else []
        for dimension, shown in enumerate(disclosure.flat[:2]):
            visible += [{place for place in places if place[1 + dimension] == value} for value in shown]
        if not any(determined(sizes, visible, small) for sizes, small in zip(every, small_in, strict=True)):
            return disclosure
        shown_values = [
            (sum(size for place, size in own.items() if place[1 + dimension] == value), repr(value), dimension, value)
            for dimension, shown in enumerate(disclosure.flat[:2])
            for value in shown
        ]
        if not shown_values:
            return disclosure
        _size, _name, dimension, value = min(shown_values)
        flat = list(disclosure.flat)
        flat[dimension] = flat[dimension] - {value}
        disclosure = Disclosure(disclosure.total, disclosure.units, tuple(flat))


def build_results(
    *,
    chain: Chain,
    ratings: ranking.Ratings,
    raters: Sequence[Rater],
    levels: Mapping[Hashable, coarsening.Label],
    actor_groups: Mapping[Hashable, coarsening.Label],
    k: int,
    seed: int,
    sides: Mapping[Hashable, str] | None = None,
    taking_part: Sequence[Rater] | None = None,
    bootstrap: int = BOOTSTRAP_SAMPLES,
) -> Results:
    """The results of `ratings` (from `raters`), every figure decided by its measure's disclosure: pure, no
    database. `levels` (from the top down, NO_LEVEL last) and `actor_groups` name the columns of the group tables,
    in their order; `sides` gives each actor group's `Side`. Where the groups are too small to compare, the tables
    compare coarser ones (`groupings`), chosen from everyone `taking_part` (by default the raters): who takes part is
    shown on the workshop's page, so the choice tells nothing of who rated. `levels` and `actor_groups` name the
    values of all of them; a table has a column for each group with a rater in it."""
    level_grouping, actor_grouping = groupings(
        raters if taking_part is None else taking_part, levels=levels, actor_groups=actor_groups, sides=sides, k=k
    )
    people = [
        Rater(r.pk, level_grouping.group_of[r.level], actor_grouping.group_of[r.actor_group], r.guest) for r in raters
    ]
    population = RaterPopulation(people, k, originally=_originally(raters, people))
    items: dict[Hashable, Item] = {item.pk: item for item in [*chain.effects, *chain.activities]}

    importance_raters: dict[Hashable, list[Hashable]] = {effect.pk: [] for effect in chain.effects}
    achievement_raters: dict[Hashable, list[Hashable]] = {effect.pk: [] for effect in chain.effects}
    contribution_raters: dict[tuple[Hashable, Hashable], list[Hashable]] = {link: [] for link in ratings.links}
    for participant, effect in ratings.importance:
        importance_raters[effect].append(participant)
    for participant, effect in ratings.achievement:
        achievement_raters[effect].append(participant)
    for participant, activity, effect in ratings.contribution:
        contribution_raters[activity, effect].append(participant)
    importance_shown = {effect: population.disclose(who) for effect, who in importance_raters.items()}
    achievement_shown = {effect: population.disclose(who) for effect, who in achievement_raters.items()}
    contribution_shown = {link: population.disclose(who) for link, who in contribution_raters.items()}

    def terms(shows: Callable[[Disclosure], bool]) -> dict[Hashable, set[Hashable]]:
        """For each activity, the effects whose importance and contribution `shows` allows in the same cell."""
        allowed: dict[Hashable, set[Hashable]] = {activity.pk: set() for activity in chain.activities}
        for activity, effect in ratings.links:
            if shows(importance_shown[effect]) and shows(contribution_shown[activity, effect]):
                allowed[activity].add(effect)
        return allowed

    overall_terms = terms(lambda disclosure: disclosure.total)
    activity_scores = {
        s.activity: s for s in ranking.rank_activities(ratings, bootstrap=bootstrap, seed=seed, terms=overall_terms)
    }
    scores: dict[Hashable, Cell[float]] = {
        activity: Cell(s.expected_contribution, s.raters) if s.expected_contribution is not None else NOT_SHOWN
        for activity, s in activity_scores.items()
    }
    activities = []
    for row in ranked([activity.pk for activity in chain.activities], lambda activity: scores[activity]):
        score, computed = scores[row.item], activity_scores[row.item]
        low, high = _interval(score, computed.low, computed.high)
        activities.append(
            RankedActivity(
                items[row.item],
                row.rank,
                score,
                low,
                high,
                computed.effects_counted,
                frozenset(overall_terms[row.item]) if not score.hidden else frozenset(),
            )
        )

    effect_scores = {s.effect: s for s in ranking.rank_effects(ratings, bootstrap=bootstrap, seed=seed)}
    importance: dict[Hashable, Cell[float]] = {
        effect: Cell(s.importance, s.importance_raters)
        if importance_shown[effect].total and s.importance is not None
        else NOT_SHOWN
        for effect, s in effect_scores.items()
    }
    achievement: dict[Hashable, Cell[float]] = {
        effect: Cell(s.achievement, s.achievement_raters)
        if achievement_shown[effect].total and s.achievement is not None
        else NOT_SHOWN
        for effect, s in effect_scores.items()
    }
    effects = []
    for row in ranked([effect.pk for effect in chain.effects], lambda effect: importance[effect]):
        low, high = _interval(importance[row.item], effect_scores[row.item].low, effect_scores[row.item].high)
        placed = not (importance[row.item].hidden or achievement[row.item].hidden)
        effects.append(
            RankedEffect(
                items[row.item],
                row.rank,
                importance[row.item],
                achievement[row.item],
                low,
                high,
                quadrant=effect_scores[row.item].quadrant if placed else None,
            )
        )
    for number, effect in enumerate((effect for effect in effects if effect.quadrant), start=1):
        effect.number = number

    matrix_means = ranking.contribution_matrix(ratings)
    matrix = [
        MatrixRow(
            activity,
            [
                _matrix_cell(matrix_means[activity.pk, effect.pk], contribution_shown[activity.pk, effect.pk])
                if (activity.pk, effect.pk) in ratings.links
                else None
                for effect in chain.effects
            ],
        )
        for activity in chain.activities
    ]

    tables = {}
    for dimension, grouping in ((LEVEL, level_grouping), (ACTOR_GROUP, actor_grouping)):
        rated_groups = {(p.level if dimension == LEVEL else p.actor_group) for p in people}
        columns = {group: name for group, name in grouping.names.items() if group in rated_groups}
        group_of: dict[Hashable, Hashable] = {p.pk: (p.level if dimension == LEVEL else p.actor_group) for p in people}

        def importance_shows(key: Hashable, effect: Hashable, dimension: int = dimension) -> bool:
            return importance_shown[effect].shows(dimension, key)

        tables[dimension, "importance"] = _group_table(
            columns,
            ranking.group_means(ratings, group_of, measure="importance"),
            [(items[effect.pk], importance[effect.pk], effect.pk) for effect in chain.effects],
            importance_shows,
            note=grouping.note,
        )
        group_terms: dict[Hashable, Mapping[Hashable, set[Hashable]]] = {
            key: terms(_shown_for(dimension, key)) for key in columns
        }
        tables[dimension, "expected_contribution"] = _group_table(
            columns,
            ranking.group_means(ratings, group_of, measure="expected_contribution", terms=group_terms),
            [(items[activity.pk], scores[activity.pk], activity.pk) for activity in chain.activities],
            lambda _key, _activity: True,  # a group's score exists only where one of its terms may count
            terms=group_terms,
            note=grouping.note,
        )
    return Results(
        k=k,
        raters=count(len(people), k=k),
        guest_raters=count(len(population.guests), k=k),
        activities=activities,
        effects=effects,
        matrix_effects=list(chain.effects),
        matrix=matrix,
        importance_by_actor_group=tables[ACTOR_GROUP, "importance"],
        contribution_by_actor_group=tables[ACTOR_GROUP, "expected_contribution"],
        importance_by_level=tables[LEVEL, "importance"],
        contribution_by_level=tables[LEVEL, "expected_contribution"],
    )


LEVELS_MERGED = _(
    "The levels were too small to be shown one by one, so each level with too few raters is shown together "
    "with the levels above it."
)
SIDES_COMPARED = _(
    "The actor groups were too small to be shown one by one, so the steering side (politicians, top management "
    "and middle management) is compared with the front line (first-line managers, employees and service users)."
)


def groupings(
    raters: Sequence[Rater],
    *,
    levels: Mapping[Hashable, coarsening.Label],
    actor_groups: Mapping[Hashable, coarsening.Label],
    sides: Mapping[Hashable, str] | None,
    k: int,
) -> tuple[coarsening.Grouping, coarsening.Grouping]:
    """The groupings the tables by level and by actor group use: the levels and actor groups themselves where
    they can be compared, else levels merged upward and the two sides of the steering chain
    (`privacy.coarsening`). Chosen from which groups a breakdown of `raters` (give everyone taking part) would show."""
    level_sizes: dict[Hashable, int] = {}
    for rater in raters:
        level_sizes[rater.level] = level_sizes.get(rater.level, 0) + 1
    level_candidates = [
        coarsening.as_they_are(levels),
        coarsening.merged_upward(levels, level_sizes, k=k, note=LEVELS_MERGED, apart={NO_LEVEL}),
    ]
    actor_candidates = [coarsening.as_they_are(actor_groups)]
    if sides is not None:
        actor_candidates.append(coarsening.by_category(actor_groups, sides, dict(Side.choices), note=SIDES_COMPARED))
    everyone = [rater.pk for rater in raters]

    def disclose(combination: tuple[coarsening.Grouping, ...]) -> Disclosure:
        by_level, by_actor_group = combination
        regrouped = [
            Rater(r.pk, by_level.group_of[r.level], by_actor_group.group_of[r.actor_group], r.guest) for r in raters
        ]
        return RaterPopulation(regrouped, k, originally=_originally(raters, regrouped)).disclose(everyone)

    level_grouping, actor_grouping = coarsening.choose([level_candidates, actor_candidates], disclose)
    return level_grouping, actor_grouping


def _originally(
    raters: Sequence[Rater], regrouped: Sequence[Rater]
) -> dict[Hashable, tuple[Hashable, Hashable]] | None:
    """Each rater's own level and actor group where a grouping merged some; None where the tables show them as
    they are."""
    if all(r.level == g.level and r.actor_group == g.actor_group for r, g in zip(raters, regrouped, strict=True)):
        return None
    return {r.pk: (r.level, r.actor_group) for r in raters}


def _shown_for(dimension: int, key: Hashable) -> Callable[[Disclosure], bool]:
    """Whether a disclosure shows the figure of group `key` of `dimension` (a level, an actor group)."""

    def shows(disclosure: Disclosure) -> bool:
        return disclosure.shows(dimension, key)

    return shows


def _interval(
    cell: Cell[float], low: float | None, high: float | None
) -> tuple[float | Hidden | None, float | Hidden | None]:
    return (HIDDEN, HIDDEN) if cell.hidden else (low, high)


def _matrix_cell(mean: ranking.Mean, disclosure: Disclosure) -> Cell[float]:
    return Cell(mean.value, mean.n) if disclosure.total and mean.value is not None else NOT_SHOWN


def _group_table(
    columns: dict[Hashable, coarsening.Label],
    means: dict[Hashable, dict[Hashable, ranking.Mean]],
    rows: list[tuple[Item, Cell[float], Hashable]],
    shows: Callable[[Hashable, Hashable], bool],
    *,
    terms: Mapping[Hashable, Mapping[Hashable, set[Hashable]]] | None = None,
    note: str | Promise = "",
) -> GroupTable:
    """Each group's figure per item where its own disclosure allows it (and it is defined), the spread
    between the shown ones, and the rows ordered by that spread (rows without one last, in chain order)."""
    built = []
    for item, overall, item_id in rows:
        by_group: list[Cell[float]] = []
        for key in columns:
            mean = means.get(key, {}).get(item_id)
            if mean is not None and mean.value is not None and shows(key, item_id):
                by_group.append(Cell(mean.value, mean.n))
            else:
                by_group.append(NOT_SHOWN)
        values = [cell.value for cell in by_group if not isinstance(cell.value, Hidden)]
        spread: float | Hidden = max(values) - min(values) if len(values) >= 2 else HIDDEN
        row_terms = None
        if terms is not None:
            row_terms = [
                frozenset(terms[key][item_id]) if not cell.hidden else frozenset()
                for key, cell in zip(columns, by_group, strict=True)
            ]
        built.append(GroupRow(item, overall, by_group, spread, row_terms))
    ordered = [entry.item for entry in ranked(built, lambda row: row.spread)]
    return GroupTable(list(columns.values()), ordered, list(columns), note)


# The priority quadrant ---------------------------------------------------------------------------------------

UPPER_REGIONS = (ranking.PRIORITISE, ranking.IMPROVE, ranking.KEEP)

# The results page's SVG, in pixels: the frame 384 × 224 with room for the labels around it.
PAGE_QUADRANT = charts.Layout(
    width=480,
    height=320,
    frame=charts.Box(48, 48, 384, 224),
    upper_label_y=32,
    lower_label_y=262,
    x_title_y=306,
    y_title_x=16,
)


def priority_quadrant(results: Results, layout: charts.Layout = PAGE_QUADRANT) -> charts.Quadrant:
    """The placed effects on the priority quadrant (ranking.py's): how well achieved across (1–5), how important up
    (0–4), the important band cut where prioritising turns into improving and keeping; each point numbered as its
    effect's `number`."""
    return charts.quadrant(
        [
            charts.Point(effect.number, effect.achievement.value, effect.importance.value)
            for effect in results.plotted_effects
        ],
        layout=layout,
        x_scale=charts.Scale(ranking.ACHIEVEMENT_SCALE[0], ranking.ACHIEVEMENT_SCALE[-1]),
        y_scale=charts.Scale(ranking.IMPORTANCE_SCALE[0], ranking.IMPORTANCE_SCALE[-1]),
        y_split=float(ranking.IMPORTANT_FROM),
        x_splits=(float(ranking.POORLY_ACHIEVED_BELOW), float(ranking.WELL_ACHIEVED_FROM)),
        upper=[(key, str(QUADRANT_LABELS[key])) for key in UPPER_REGIONS],
        lower=(ranking.LOWER_PRIORITY, str(QUADRANT_LABELS[ranking.LOWER_PRIORITY])),
    )
