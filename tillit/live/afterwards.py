"""A meeting's results afterwards, as the results page, the CSV and the PDF all show them: every activity's
publication (`reporting.publication`, built from its last release through `tillit.privacy`) with the tables of its
figures, in the agenda's order.

Nothing here counts anything: the tables only lay out the publication's cells (a hidden figure stays `HIDDEN` and
prints as "–" or an empty cell), and the one count of its own, how many phones joined, goes through `privacy.count`
with the organisation's threshold. Breakdowns by actor group and level appear only where the publication discloses
them (a locked activity, the groups `privacy.breakdowns` lets through).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils.translation import gettext as _

from tillit.live import queries, reporting
from tillit.live.models import Activity, LiveSession
from tillit.live.reporting import ActivityPublication, Breakdown, Figures
from tillit.privacy.suppression import HIDDEN, Cell, NotAFigure, count

__all__ = ["ActivityResults", "Column", "MeetingResults", "Row", "Table", "meeting_results"]

Kind = Activity.Kind
# How a column's figures are written: a count of people, a whole per cent, a mean with one decimal, a place in an
# order (not a figure about people), or a text.
COUNT: Final = "count"
PERCENT: Final = "percent"
MEAN: Final = "mean"
RANK: Final = "rank"
TEXT: Final = "text"


@dataclass(frozen=True)
class Column:
    heading: str
    unit: str  # COUNT, PERCENT, MEAN, RANK or TEXT


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[Any, ...]  # one per column: a `Cell`, HIDDEN, a place (int or None) or a text


@dataclass(frozen=True)
class Table:
    """One table of figures: the whole release's, or a breakdown's (one row per disclosed group)."""

    key: str  # "whole", or the breakdown's dimension ("actor_group", "level")
    caption: str
    heading: str  # the first column's: what the rows are
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    @property
    def lines(self) -> list[tuple[str, list[tuple[Any, str]]]]:
        """Each row's label and its values, each with its column's unit (for templates)."""
        units = [column.unit for column in self.columns]
        return [(row.label, list(zip(row.values, units, strict=True))) for row in self.rows]


@dataclass(frozen=True)
class ActivityResults:
    number: NotAFigure[int]  # its place on the agenda, from 1
    kind_label: str
    state: str
    state_label: str
    publication: ActivityPublication
    whole: Table | None  # None when the release shows nothing (fewer than k, not started)
    breakdowns: tuple[Table, ...] = ()

    @property
    def started(self) -> bool:
        return self.state != Activity.State.WAITING

    @property
    def locked(self) -> bool:
        return self.state == Activity.State.LOCKED

    @property
    def broken_down(self) -> bool:
        """Whether the kind has breakdowns by actor group and level at all (poll, scale, rate these)."""
        return self.publication.kind in reporting.BROKEN_DOWN

    @property
    def chart_id(self) -> str:
        return f"chart-{self.publication.public_id}"


@dataclass(frozen=True)
class MeetingResults:
    title: str
    organisation: str
    held_on: datetime.date
    ended: bool
    k: NotAFigure[int]
    participants: Cell[int]
    activities: tuple[ActivityResults, ...] = field(default_factory=tuple)


def meeting_results(session: LiveSession) -> MeetingResults:
    """Every activity of the meeting with its publication and tables, in the agenda's order."""
    organisation = session.organisation
    k = organisation.anonymity_threshold
    found = []
    for number, activity in enumerate(queries.activities_of(session), start=1):
        activity.session = session  # read once for every activity's publication
        published = reporting.publication(activity)
        found.append(
            ActivityResults(
                number=number,
                kind_label=str(activity.get_kind_display()),
                state=activity.state,
                state_label=str(activity.get_state_display()),
                publication=published,
                whole=whole_table(published),
                breakdowns=tuple(
                    breakdown_table(published, breakdown) for breakdown in published.breakdowns if breakdown.groups
                ),
            )
        )
    return MeetingResults(
        title=session.title,
        organisation=organisation.name,
        held_on=session.ended_on or session.created_on,
        ended=session.is_ended,
        k=k,
        participants=count(queries.participant_count(session), k=k),
        activities=tuple(found),
    )


# The whole release ----------------------------------------------------------------------------------------------


def whole_table(published: ActivityPublication) -> Table | None:
    """The table of the whole release, or None when it shows nothing."""
    kind, whole = published.kind, published.whole
    caption = _("Everyone who answered")
    if kind == Kind.QUESTIONS:
        if not published.questions:
            return None
        return Table(
            "whole",
            _("Approved questions by upvotes"),
            _("Question"),
            (Column(_("Place"), RANK), Column(_("Upvotes"), COUNT), Column(_("Answered by the panel"), TEXT)),
            tuple(
                Row(question.text, (question.rank, question.upvotes, _("yes") if question.answered else _("no")))
                for question in published.questions
            ),
        )
    if kind in (Kind.WORKSHOP, Kind.DIALOGUE):
        step = published.step
        if step is None:
            return None
        return Table(
            "whole",
            _("Run live"),
            _("Workshop") if kind == Kind.WORKSHOP else _("Dialogue"),
            (Column(_("Step"), TEXT), Column(_("Taking part"), COUNT)),
            (Row(step.title, (step.step, step.taking_part)),),
        )
    if not whole.shown:
        return None
    shares = (Column(_("Answers"), COUNT), Column(_("Share of those who answered"), PERCENT))
    if kind == Kind.POLL:
        rows = tuple(Row(choice.label, (choice.count, choice.share)) for choice in whole.choices)
        return Table("whole", caption, _("Choice"), shares, rows)
    if kind == Kind.SCALE:
        rows = tuple(Row(value.label, (value.count, value.share)) for value in whole.values)
        return Table("whole", caption, _("Value"), shares, rows)
    if kind == Kind.RATING:
        columns = (Column(_("Place"), RANK), Column(_("Mean"), MEAN), Column(_("Ratings"), COUNT))
        rows = tuple(Row(item.label, (item.rank, item.mean, item.answers)) for item in whole.items)
        return Table("whole", caption, _("Rated item"), columns, rows)
    if kind == Kind.WORDS:
        rows = tuple(Row(word.word, (word.count,)) for word in whole.words)
        return Table("whole", caption, _("Word"), (Column(_("Participants who wrote it"), COUNT),), rows)
    return None


# Breakdowns -----------------------------------------------------------------------------------------------------


def breakdown_table(published: ActivityPublication, breakdown: Breakdown) -> Table:
    """One row per disclosed actor group or level: how many answered, and the kind's figures for the group."""
    heading = _("Actor group") if breakdown.dimension == "actor_group" else _("Level")
    columns = [Column(_("Participants"), COUNT)]
    kind = published.kind
    if kind == Kind.POLL:
        columns += [Column(choice.label, PERCENT) for choice in published.whole.choices]
    elif kind == Kind.SCALE:
        columns += [Column(_("Mean"), MEAN), *(Column(value.label, PERCENT) for value in published.whole.values)]
    elif kind == Kind.RATING:
        columns += [Column(item.label, MEAN) for item in published.whole.items]
    rows = tuple(Row(group.label, _group_values(published, group.figures)) for group in breakdown.groups)
    return Table(breakdown.dimension, breakdown.title, heading, tuple(columns), rows)


def _group_values(published: ActivityPublication, figures: Figures) -> tuple[Any, ...]:
    kind = published.kind
    if kind == Kind.POLL:
        return (figures.participants, *(choice.share for choice in figures.choices))
    if kind == Kind.SCALE:
        return (figures.participants, figures.mean, *(value.share for value in figures.values))
    if kind == Kind.RATING:
        means = {item.label: item.mean for item in figures.items}
        return (figures.participants, *(means.get(item.label, HIDDEN) for item in published.whole.items))
    return (figures.participants,)
