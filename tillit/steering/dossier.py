"""An owner's dossier for lärande tillsyn: what is escalated to them, with its burden, ratings and comments, as the
basis of a dialogue with the owner. The owner's page, its CSV and PDF (`report_pdf.py`) and the seed statements of
a Samtal with the owner all read one `OwnerDossier`.

Which signals it holds: those a tidstjuv escalated to the owner is about, and the owner's own signals that the
latest sealed campaign found candidates to remove or simplify. Their ratings are those of the latest sealed
campaign (`reporting.latest_figures`), already through `tillit.privacy`: a hidden figure stays hidden here and
prints as "–"; comments are shown only where the campaign's publication shows them. Hours are estimates typed by
process leaders (`NotAFigure`). Who reported a tidstjuv is never part of it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tillit.organisations.models import Organisation
from tillit.privacy.suppression import Cell, Hidden, NotAFigure
from tillit.reports.spreadsheets import Row, figure_value, spreadsheet_text
from tillit.steering import burden, queries, reporting
from tillit.steering.models import Campaign, Owner, Signal, TimeThief
from tillit.steering.reporting import SignalFigures

__all__ = [
    "DossierSignal",
    "DossierThief",
    "OwnerDossier",
    "csv_rows",
    "owner_dossier",
    "seed_statements",
]

SEED_MAX_LENGTH = 300  # the owner's dialogue takes statements of up to this many characters
NAME_IN_SEED = 120


@dataclass(frozen=True)
class DossierThief:
    title: str
    description: str
    route: str
    reported_on: datetime.date
    escalated_on: datetime.date | None
    signal_name: str


@dataclass(frozen=True)
class DossierSignal:
    public_id: UUID
    name: str
    owner: str
    kind: str
    source: str
    task: str
    hours: NotAFigure[Decimal]  # the Standard Cost Model's estimate
    escalated: bool  # a tidstjuv about it is escalated to the owner
    candidate: bool  # the latest sealed campaign found it a candidate to remove or simplify
    time_thief: bool  # ... and its rated cost exceeds its rated benefit
    raters: Cell[int] | None  # None: not rated in the latest sealed campaign
    mean_value: Cell[float] | None
    mean_burden: Cell[float] | None
    share_knowing: Cell[float] | None
    comments: tuple[str, ...] | Hidden

    @property
    def shown_hours(self) -> burden.Shown:
        return burden.display(self.hours)


@dataclass(frozen=True)
class OwnerDossier:
    owner: str
    organisation: str
    campaign: str  # the latest sealed campaign the ratings are from; "" when there is none
    k: NotAFigure[int] | None
    signals: tuple[DossierSignal, ...]
    thieves: tuple[DossierThief, ...]

    @property
    def hours(self) -> NotAFigure[Decimal]:
        return burden.total(signal.hours for signal in self.signals)

    @property
    def is_empty(self) -> bool:
        return not self.signals and not self.thieves


def _latest(organisation: Organisation) -> tuple[Campaign | None, dict[int, SignalFigures]]:
    """The latest sealed campaign and its figures by signal id, or (None, {}) (`reporting.latest_figures`)."""
    latest = reporting.latest_figures(organisation)
    return (None, {}) if latest is None else latest


def _verdict(figures: SignalFigures | None) -> tuple[bool, bool]:
    if figures is None:
        return False, False
    return figures.verdict.candidate, figures.verdict.time_thief


def _signal(signal: Signal, figures: SignalFigures | None, *, escalated: bool) -> DossierSignal:
    candidate, time_thief = _verdict(figures)
    return DossierSignal(
        public_id=signal.public_id,
        name=signal.name,
        owner=signal.owner.name,
        kind=signal.get_kind_display(),
        source=signal.get_source_display(),
        task=signal.task,
        hours=signal.hours_per_year,
        escalated=escalated,
        candidate=candidate,
        time_thief=time_thief,
        raters=figures.raters if figures is not None else None,
        mean_value=figures.mean_value if figures is not None else None,
        mean_burden=figures.mean_burden if figures is not None else None,
        share_knowing=figures.share_knowing if figures is not None else None,
        comments=figures.comments if figures is not None else (),
    )


def _thief(thief: TimeThief) -> DossierThief:
    return DossierThief(
        title=thief.title,
        description=thief.description,
        route=thief.get_route_display(),
        reported_on=thief.reported_on,
        escalated_on=thief.decided_on,
        signal_name=thief.signal.name if thief.signal is not None else "",
    )


def owner_dossier(owner: Owner) -> OwnerDossier:
    """The owner's dossier (see the module docstring)."""
    thieves = list(queries.escalated_to(owner))
    campaign, figures = _latest(owner.organisation)
    escalated_signals = {thief.signal.pk: thief.signal for thief in thieves if thief.signal is not None}
    chosen: dict[int, DossierSignal] = {}
    for signal in queries.signals_of_owner(owner):
        candidate, _time_thief = _verdict(figures.get(signal.pk))
        if candidate or signal.pk in escalated_signals:
            chosen[signal.pk] = _signal(signal, figures.get(signal.pk), escalated=signal.pk in escalated_signals)
    for pk, signal in escalated_signals.items():  # escalated to this owner, though the catalogue names another
        if pk not in chosen:
            chosen[pk] = _signal(signal, figures.get(pk), escalated=True)
    return OwnerDossier(
        owner=owner.name,
        organisation=owner.organisation.name,
        campaign=campaign.name if campaign is not None else "",
        k=campaign.k if campaign is not None else None,
        signals=tuple(chosen.values()),
        thieves=tuple(_thief(thief) for thief in thieves),
    )


def _hours_text(hours: Decimal) -> str:
    shown = burden.display(hours)
    number = formats.number_format(shown.hours, 1)
    return _("under %(hours)s") % {"hours": number} if shown.below_step else number


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def seed_statements(dossier: OwnerDossier) -> list[str]:
    """One statement to vote on for each signal and each escalated tidstjuv of the dossier (at most
    `SEED_MAX_LENGTH` characters each)."""
    statements = [
        _short(
            _(
                "“%(name)s” takes about %(hours)s hours a year (estimate) and could be removed or simplified "
                "without harming the meeting with the service user."
            )
            % {"name": _short(signal.name, NAME_IN_SEED), "hours": _hours_text(signal.hours)},
            SEED_MAX_LENGTH,
        )
        for signal in dossier.signals
    ]
    statements += [
        _short(
            _("“%(title)s” takes time from the meeting with the service user without helping it.")
            % {"title": _short(thief.title, NAME_IN_SEED)},
            SEED_MAX_LENGTH,
        )
        for thief in dossier.thieves
    ]
    return statements


def _reasons(signal: DossierSignal) -> str:
    reasons = []
    if signal.escalated:
        reasons.append(_("escalated"))
    if signal.time_thief:
        reasons.append(_("time thief in the ratings"))
    elif signal.candidate:
        reasons.append(_("candidate to remove or simplify"))
    return ", ".join(reasons)


def _comments(comments: tuple[str, ...] | Hidden) -> str | None:
    return None if isinstance(comments, Hidden) else " | ".join(comments)


def csv_rows(dossier: OwnerDossier) -> list[Row]:
    """The dossier as the rows of its CSV: the signals, then the escalated tidstjuvar (typed text guarded)."""
    rows: list[Row] = [
        [pgettext("steering signal", "Owner"), spreadsheet_text(dossier.owner)],
        [_("Organisation"), spreadsheet_text(dossier.organisation)],
        [_("Ratings from the campaign"), spreadsheet_text(dossier.campaign) or _("No sealed campaign")],
        [],
        [
            _("Steering signal"),
            _("Why it is here"),
            _("Kind of steering"),
            _("Source"),
            _("Hours a year (estimate)"),
            _("Raters"),
            _("Value for the meeting, mean (1–5)"),
            _("Burden, mean (1–5)"),
            _("Share who know who uses the data"),
            _("Comments"),
        ],
    ]
    for signal in dossier.signals:
        rows.append(
            [
                spreadsheet_text(signal.name),
                _reasons(signal),
                signal.kind,
                signal.source,
                float(burden.display(signal.hours).hours),
                _figure(signal.raters),
                _figure(signal.mean_value),
                _figure(signal.mean_burden),
                _figure(signal.share_knowing),
                spreadsheet_text(_comments(signal.comments) or ""),
            ]
        )
    rows += [
        [],
        [
            _("Escalated time thief"),
            _("Why it does not help"),
            _("Route"),
            _("Reported"),
            _("Escalated"),
            _("Steering signal"),
        ],
    ]
    for thief in dossier.thieves:
        rows.append(
            [
                spreadsheet_text(thief.title),
                spreadsheet_text(thief.description),
                thief.route,
                thief.reported_on.isoformat(),
                thief.escalated_on.isoformat() if thief.escalated_on else "",
                spreadsheet_text(thief.signal_name),
            ]
        )
    return rows


def _figure(cell: Cell[Any] | None) -> object:
    return None if cell is None else figure_value(cell)
