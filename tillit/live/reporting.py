"""What the big screen, the moderator and the results pages show of one activity: its publication, built from the
activity's last release (`actions.release`) through `tillit.privacy`, never from the answers themselves.

The rules, in the order they apply:

- **Nothing below k.** A release holds the tally of every participant who had answered when it was made. Nothing of
  it is shown until it holds at least k participants (`privacy.count` with the organisation's threshold): until
  then every figure is `HIDDEN`, and the screen says only that results come once at least k have answered.
- **A shown release is shown whole.** Its distribution (how many chose each choice, each value of a scale, each
  word, each question's upvotes) is a distribution over at least k people, and two releases always differ by at
  least k people (`actions.release`), so the screen shows all of it, with each figure's size the release's.
- **Breakdowns only when locked.** While an activity is open, a breakdown looked at before and after a few answers
  would tell those answers apart, so the actor groups and levels are shown only once it is locked. Then they go
  through `privacy.breakdowns`: the atoms are the release's participants by actor group × level (on no unit tree:
  every atom sits on the root), with how many of each atom joined unverified (not signed in as a member: anyone can
  state any group), so that fake participants can never lift a group of verified people over the threshold. Only
  the groups the engine discloses are shown, each with its own figures; "not stated" is never shown but counts.
  Breakdowns are given for the kinds with a distribution (poll, scale, rate these), not for words or questions.
  An activity opened again after its lock shows no breakdown again (`actions.reopen`): a second one after more
  answers could be compared with the first group by group.
- **A workshop's or dialogue's step** has no release here: the screen shows where to answer and how many take part
  in it, counted by that part's queries and published through `privacy.count`.

Publications (the dataclasses here, which `tests/test_architecture.py` holds to this): every number is a `Cell` or
may be `HIDDEN`; numbers that are not figures about people (k, a rank, a release's number) are `NotAFigure`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tillit.live import queries
from tillit.live.models import Activity, Question
from tillit.privacy.breakdowns import Population
from tillit.privacy.suppression import HIDDEN, Cell, Hidden, NotAFigure, count, ranked
from tillit.reports import charts

__all__ = [
    "ActivityPublication",
    "Breakdown",
    "BreakdownRow",
    "Figures",
    "Group",
    "RatedItem",
    "ScreenQuestion",
    "Share",
    "Step",
    "Word",
    "publication",
]

Kind = Activity.Kind
HIDDEN_CELL: Final[Cell[Any]] = Cell(HIDDEN, HIDDEN)
NOT_STATED: Final = ""  # the atom value of a participant who stated no actor group or level: counts, never shown
BROKEN_DOWN: Final = (Kind.POLL, Kind.SCALE, Kind.RATING)
WORD_WEIGHTS: Final = 5  # the word cloud's sizes, 1 (said least) to 5 (said most)


@dataclass(frozen=True)
class Share:
    """One choice of a poll, or one value of a scale: how many chose it and their share of the group, in whole per
    cent."""

    label: str
    count: Cell[int]
    share: Cell[int]


@dataclass(frozen=True)
class Word:
    """A word of the cloud (one spelling per stem) and how many said it; `weight` 1–5 is its size in the cloud."""

    stem: str
    word: str
    count: Cell[int]
    weight: int | Hidden


@dataclass(frozen=True)
class RatedItem:
    """One item of "rate these": its mean and how many rated it, and its place by mean (`privacy.ranked`)."""

    label: str
    mean: Cell[float]
    answers: Cell[int]
    rank: NotAFigure[int | None]


@dataclass(frozen=True)
class Figures:
    """The results of one group: the whole release, or an actor group or level the engine disclosed."""

    participants: Cell[int]
    choices: tuple[Share, ...] = ()  # a poll's choices, in the agenda's order
    values: tuple[Share, ...] = ()  # a scale's values, lowest first
    mean: Cell[float] = HIDDEN_CELL  # a scale's mean, to one decimal
    items: tuple[RatedItem, ...] = ()  # "rate these", by mean (hidden ones after, in the agenda's order)
    words: tuple[Word, ...] = ()  # most said first
    chart: charts.BarChart | None = None  # the whole release's bars (none for breakdown groups)

    @property
    def shown(self) -> bool:
        return not self.participants.hidden


@dataclass(frozen=True)
class Group:
    """An actor group or level the engine disclosed, with its figures."""

    label: str
    figures: Figures


@dataclass(frozen=True)
class BreakdownRow:
    """One line of a breakdown's table: a choice, a scale's value or mean, or an item, with its figure for each
    disclosed group (in the order of `Breakdown.groups`). `percent`: shares in whole per cent; `decimals`: a mean
    to one decimal; else a count."""

    label: str
    cells: tuple[Cell[Any], ...]
    percent: bool = False
    decimals: bool = False


@dataclass(frozen=True)
class Breakdown:
    """One dimension's disclosed groups (actor group or level); the hidden ones are left out. `rows` is the table
    the page shows of them (`BreakdownRow`), the groups' sizes first."""

    dimension: str  # "actor_group" or "level"
    title: str
    groups: tuple[Group, ...]
    rows: tuple[BreakdownRow, ...] = ()


@dataclass(frozen=True)
class ScreenQuestion:
    """An approved (or answered) question with its released upvotes and its place by them."""

    public_id: UUID
    text: str
    answered: bool
    on_screen: bool
    upvotes: Cell[int]
    rank: NotAFigure[int | None]


@dataclass(frozen=True)
class Step:
    """A live run of a workshop's step or a dialogue's voting: what it is, and how many take part in it."""

    kind: str
    title: str
    step: str
    taking_part: Cell[int]


@dataclass(frozen=True)
class ActivityPublication:
    """Everything the screen, the moderator and the results show of one activity."""

    public_id: UUID
    kind: str
    prompt: str
    k: NotAFigure[int]
    release_number: NotAFigure[int]
    results_shown: bool  # the moderator shows results on the screen (or keeps them for later)
    locked: bool
    whole: Figures
    breakdowns: tuple[Breakdown, ...] = ()  # only once locked, only disclosed groups
    questions: tuple[ScreenQuestion, ...] = ()
    step: Step | None = None
    scale_min: NotAFigure[int] = 1
    scale_max: NotAFigure[int] = 5

    @property
    def shown(self) -> bool:
        """Whether the release holds at least k participants, so that its figures are shown."""
        return self.whole.shown

    @property
    def on_screen(self) -> ScreenQuestion | None:
        return next((question for question in self.questions if question.on_screen), None)

    @property
    def has_breakdowns(self) -> bool:
        return any(breakdown.groups for breakdown in self.breakdowns)


# Building -------------------------------------------------------------------------------------------------------


def publication(activity: Activity) -> ActivityPublication:
    """The publication of the activity's last release, for the organisation's threshold."""
    organisation = activity.session.organisation
    k = organisation.anonymity_threshold
    locked = activity.state == Activity.State.LOCKED
    document = activity.release if isinstance(activity.release, dict) else {}
    whole_document = _mapping(document.get("whole"))
    participants = count(_int(whole_document.get("participants")), k=k)
    whole = _figures(activity, whole_document, participants, with_chart=True)
    breakdowns: tuple[Breakdown, ...] = ()
    if locked and whole.shown and activity.kind in BROKEN_DOWN and not document.get("reopened"):
        breakdowns = _breakdowns(activity, _mapping(document.get("atoms")), k)
    questions: tuple[ScreenQuestion, ...] = ()
    if activity.kind == Kind.QUESTIONS:
        questions = _questions(activity, whole_document, participants)
    step = _step(activity, k) if activity.kind in (Kind.WORKSHOP, Kind.DIALOGUE) else None
    return ActivityPublication(
        public_id=activity.public_id,
        kind=activity.kind,
        prompt=activity.prompt,
        k=k,
        release_number=activity.release_number,
        results_shown=activity.results_shown,
        locked=locked,
        whole=whole,
        breakdowns=breakdowns,
        questions=questions,
        step=step,
        scale_min=activity.scale_min,
        scale_max=activity.scale_max,
    )


def _figures(activity: Activity, document: Mapping[str, Any], participants: Cell[int], *, with_chart: bool) -> Figures:
    """A group's figures from its tally: every figure with the group's size, or every figure hidden with it."""
    size = participants.size
    counts = _counts(document.get("counts"))
    kind = activity.kind
    if kind == Kind.POLL:
        choices = tuple(
            _share(str(label), counts.get(item, {}).get(1, 0), size) for item, label in enumerate(activity.options)
        )
        chart = charts.bar_chart([charts.BarRow(choice.label, choice.share) for choice in choices])
        return Figures(participants, choices=choices, chart=chart if with_chart else None)
    if kind == Kind.SCALE:
        answered = counts.get(0, {})
        values = tuple(
            _share(str(value), answered.get(value, 0), size)
            for value in range(activity.scale_min, activity.scale_max + 1)
        )
        mean = _mean(answered, size)
        chart = charts.bar_chart([charts.BarRow(value.label, value.share) for value in values], label_width=20)
        return Figures(participants, values=values, mean=mean, chart=chart if with_chart else None)
    if kind == Kind.RATING:
        items = _rated(activity, counts, size)
        return Figures(participants, items=items, chart=_rating_chart(activity, items) if with_chart else None)
    if kind == Kind.WORDS:
        return Figures(participants, words=_words(activity, document.get("words"), size))
    return Figures(participants)


def _share(label: str, number: int, size: int | Hidden) -> Share:
    if isinstance(size, Hidden):
        return Share(label, HIDDEN_CELL, HIDDEN_CELL)
    share = charts.whole(100 * number / size) if size else 0
    return Share(label, Cell(number, size), Cell(share, size))


def _mean(values: Mapping[int, int], size: int | Hidden) -> Cell[float]:
    answered = sum(values.values())
    if isinstance(size, Hidden) or not answered:
        return HIDDEN_CELL
    return Cell(round(sum(value * n for value, n in values.items()) / answered, 1), size)


def _rated(activity: Activity, counts: Mapping[int, Mapping[int, int]], size: int | Hidden) -> tuple[RatedItem, ...]:
    """The items with their means, by mean (those without a shown mean after, in the agenda's order)."""
    unranked = []
    for item, label in enumerate(activity.options):
        values = counts.get(item, {})
        answers = sum(values.values())
        if isinstance(size, Hidden):
            unranked.append((str(label), HIDDEN_CELL, HIDDEN_CELL))
        else:
            unranked.append((str(label), _mean(values, size), Cell(answers, size)))
    order = ranked(unranked, lambda entry: entry[1])
    return tuple(RatedItem(entry.item[0], entry.item[1], entry.item[2], entry.rank) for entry in order)


def _rating_chart(activity: Activity, items: tuple[RatedItem, ...]) -> charts.BarChart:
    """The items by mean as bars: each bar's length is its mean's place on the scale (0–100 % of the way from the
    scale's lowest value to its highest), and its label carries the mean itself, which is what the page prints."""
    span = max(1, activity.scale_max - activity.scale_min)
    rows = []
    for item in items:
        mean = item.mean.value
        if isinstance(mean, Hidden):
            rows.append(charts.BarRow(item.label, HIDDEN))
        else:
            label = _("%(item)s (mean %(mean)s)") % {"item": item.label, "mean": number_format(mean, 1)}
            rows.append(charts.BarRow(label, 100 * (mean - activity.scale_min) / span))
    return charts.bar_chart(rows)


def _words(activity: Activity, words: object, size: int | Hidden) -> tuple[Word, ...]:
    if isinstance(size, Hidden) or not isinstance(words, list):
        return ()
    hidden = set(activity.hidden_words)
    shown = [
        (str(word.get("stem", "")), str(word.get("word", "")), _int(word.get("participants")))
        for word in words
        if isinstance(word, dict) and word.get("stem") not in hidden
    ]
    most = max((said for _stem, _word, said in shown), default=0)
    return tuple(
        Word(stem, word, Cell(said, size), max(1, math.ceil(WORD_WEIGHTS * said / most)) if most else 1)
        for stem, word, said in shown
        if said > 0
    )


def _questions(activity: Activity, document: Mapping[str, Any], participants: Cell[int]) -> tuple[ScreenQuestion, ...]:
    """The approved and answered questions by released upvotes; while the release is hidden, in the order asked."""
    counts = _counts(document.get("counts"))
    size = participants.size
    listed = queries.questions_of(activity, Question.Status.APPROVED, Question.Status.ANSWERED)
    rows = [
        (
            question,
            HIDDEN_CELL if isinstance(size, Hidden) else Cell(counts.get(question.pk, {}).get(1, 0), size),
        )
        for question in listed
    ]
    order = ranked(rows, lambda row: row[1])
    return tuple(
        ScreenQuestion(
            public_id=entry.item[0].public_id,
            text=entry.item[0].text,
            answered=entry.item[0].status == Question.Status.ANSWERED,
            on_screen=entry.item[0].on_screen,
            upvotes=entry.item[1],
            rank=entry.rank,
        )
        for entry in order
    )


def _step(activity: Activity, k: int) -> Step:
    taking_part = queries.step_participants(activity)
    cell = HIDDEN_CELL if taking_part is None else count(taking_part, k=k)
    if activity.kind == Kind.WORKSHOP and activity.workshop is not None:
        workshop = activity.workshop
        return Step(activity.kind, workshop.title, str(workshop.get_step_display()), cell)
    if activity.kind == Kind.DIALOGUE and activity.dialogue is not None:
        return Step(activity.kind, activity.dialogue.question, _("Voting on statements"), cell)
    return Step(activity.kind, "", "", HIDDEN_CELL)  # the workshop or dialogue was deleted


# Breakdowns -----------------------------------------------------------------------------------------------------


def _breakdowns(activity: Activity, atoms: Mapping[str, Any], k: int) -> tuple[Breakdown, ...]:
    """The actor groups and levels the engine discloses over the release's atoms, each with its figures."""
    group_names, level_names = queries.background_names(activity.session.organisation)
    keys: list[tuple[Hashable, Hashable]] = []
    documents: list[Mapping[str, Any]] = []
    for key, document in atoms.items():
        if not isinstance(document, dict):
            continue
        group, _sep, level = str(key).partition("|")
        keys.append((_known(group, group_names), _known(level, level_names)))
        documents.append(document)
    sizes = [_int(document.get("participants")) for document in documents]
    if not sizes or not any(sizes):
        return ()
    unverified = [min(_int(document.get("unverified")), size) for document, size in zip(documents, sizes, strict=True)]
    population = Population({}, [(None, group, level) for group, level in keys], unshown=[{NOT_STATED}, {NOT_STATED}])
    disclosure = population.disclose(sizes, k=k, unverified=unverified)
    if not disclosure.total:
        return ()
    dimensions = (
        ("actor_group", _("By actor group"), group_names, 0),
        ("level", _("By level"), level_names, 1),
    )
    breakdowns = []
    for dimension, title, names, position in dimensions:
        groups = []
        for pk, name in names.items():
            if not disclosure.shows(position, pk):
                continue
            merged = _merge(document for key, document in zip(keys, documents, strict=True) if key[position] == pk)
            people = _int(merged["participants"])
            groups.append(Group(name, _figures(activity, merged, Cell(people, people), with_chart=False)))
        breakdowns.append(Breakdown(dimension, title, tuple(groups), _rows(activity, groups)))
    return tuple(breakdowns)


def _rows(activity: Activity, groups: list[Group]) -> tuple[BreakdownRow, ...]:
    """The table of a breakdown: how many answered in each group, then the kind's figures per group."""
    if not groups:
        return ()
    figures = [group.figures for group in groups]
    rows = [BreakdownRow(_("Number who answered"), tuple(each.participants for each in figures))]
    if activity.kind == Kind.POLL:
        for index, label in enumerate(activity.options):
            rows.append(BreakdownRow(str(label), tuple(each.choices[index].share for each in figures), percent=True))
    elif activity.kind == Kind.SCALE:
        rows.append(BreakdownRow(_("Mean"), tuple(each.mean for each in figures), decimals=True))
        for index, value in enumerate(range(activity.scale_min, activity.scale_max + 1)):
            rows.append(BreakdownRow(str(value), tuple(each.values[index].share for each in figures), percent=True))
    elif activity.kind == Kind.RATING:
        for label in activity.options:
            means = tuple(_item_mean(each, str(label)) for each in figures)
            rows.append(BreakdownRow(str(label), means, decimals=True))
    return tuple(rows)


def _item_mean(figures: Figures, label: str) -> Cell[float]:
    """A rated item's mean in a group (the group's items are ranked, so found by label: labels are unique)."""
    return next((item.mean for item in figures.items if item.label == label), HIDDEN_CELL)


def _known(value: str, names: Mapping[int, str]) -> Hashable:
    """An atom's actor group or level as the population's value: its id, or "not stated" (also for one removed
    since)."""
    return int(value) if value.isdigit() and int(value) in names else NOT_STATED


def _merge(documents: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The tally of several atoms together (each participant is in exactly one atom)."""
    participants = 0
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for document in documents:
        participants += _int(document.get("participants"))
        for item, values in _counts(document.get("counts")).items():
            for value, number in values.items():
                counts[item][value] += number
    return {
        "participants": participants,
        "counts": {str(i): {str(v): n for v, n in c.items()} for i, c in counts.items()},
    }


# Reading the stored release -------------------------------------------------------------------------------------


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _counts(value: object) -> dict[int, dict[int, int]]:
    """A stored tally's counts (JSON: string keys) as numbers: `counts[item][value]`."""
    counts: dict[int, dict[int, int]] = {}
    if not isinstance(value, dict):
        return counts
    for item, values in value.items():
        if not isinstance(values, dict):
            continue
        try:
            counts[int(item)] = {int(number): _int(n) for number, n in values.items()}
        except ValueError:
            continue
    return counts
