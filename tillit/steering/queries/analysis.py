"""The reads an analysis of a rating campaign is built from (`reporting.py`): the ratings summed in the database
per signal, level and actor group (never one row per rating in Python), the comments of the signals whose comments
may be shown, the campaign's signals with their owners, and the names of units, levels and actor groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable
from dataclasses import dataclass

from django.db.models import Count, Max, Q, Sum

from tillit.organisations.models import ActorGroup, Level, Organisation, Unit
from tillit.steering.models import Campaign, CampaignSignal, Owner, Rating, Signal

__all__ = [
    "AtomSums",
    "UnitName",
    "actor_group_names",
    "analysis_version",
    "campaign_reach",
    "campaign_signals",
    "comments_of",
    "latest_sealed_campaign",
    "level_names",
    "rating_sums",
    "unit_names",
]


@dataclass(frozen=True)
class AtomSums:
    """The ratings of one signal by the raters of one level and one actor group (None: not stated), summed."""

    signal_id: int
    level_id: int | None
    actor_group_id: int | None
    raters: int
    value_answers: int  # how many gave a value 1–5 ("vet ej" left out)
    value_sum: int
    burden_answers: int
    burden_sum: int
    knowing_answers: int  # how many answered whether they know who uses the data
    knowing_yes: int
    writers: int  # how many wrote a comment


def rating_sums(campaign: Campaign) -> list[AtomSums]:
    """The campaign's ratings summed per signal, level and actor group, in one query (GROUP BY in the database)."""
    rows = (
        Rating.objects.filter(campaign=campaign)
        .values("signal_id", "level_id", "actor_group_id")
        .annotate(
            raters=Count("pk"),
            value_answers=Count("value"),
            value_sum=Sum("value"),
            burden_answers=Count("burden"),
            burden_sum=Sum("burden"),
            knowing_answers=Count("knows_user"),
            knowing_yes=Count("pk", filter=Q(knows_user=True)),
            writers=Count("pk", filter=~Q(comment="")),
        )
        .order_by()
        .values_list(
            "signal_id",
            "level_id",
            "actor_group_id",
            "raters",
            "value_answers",
            "value_sum",
            "burden_answers",
            "burden_sum",
            "knowing_answers",
            "knowing_yes",
            "writers",
        )
    )
    return [
        AtomSums(*row[:5], row[5] or 0, row[6], row[7] or 0, *row[8:])  # a sum over nobody is NULL
        for row in rows
    ]


def comments_of(campaign: Campaign, signal_ids: Collection[int]) -> dict[int, list[str]]:
    """The comments on the given signals of the campaign, per signal (in no stored order: `reporting` sorts them)."""
    if not signal_ids:
        return {}
    comments: dict[int, list[str]] = defaultdict(list)
    rows = (
        Rating.objects.filter(campaign=campaign, signal_id__in=list(signal_ids))
        .exclude(comment="")
        .values_list("signal_id", "comment")
    )
    for signal_id, comment in rows:
        comments[signal_id].append(comment)
    return dict(comments)


def campaign_signals(campaign: Campaign) -> list[Signal]:
    """The signals the campaign asked about, with their owners, in one query."""
    return [
        row.signal
        for row in CampaignSignal.objects.filter(campaign=campaign)
        .select_related("signal__owner")
        .defer("reached_unit_ids")
        .order_by("signal__name")
    ]


def campaign_reach(campaign: Campaign) -> dict[int, list[int]]:
    """Every unit each of the campaign's signals reached when it opened (subtrees expanded), by signal id."""
    return {
        signal: [int(unit) for unit in units]
        for signal, units in CampaignSignal.objects.filter(campaign=campaign).values_list(
            "signal_id", "reached_unit_ids"
        )
    }


@dataclass(frozen=True)
class UnitName:
    name: str
    parent_id: int | None


def unit_names(organisation: Organisation | int) -> dict[int, UnitName]:
    """Every unit of the organisation (closed ones too): its name and parent, in one query."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return {
        pk: UnitName(name, parent)
        for pk, name, parent in Unit.objects.filter(organisation_id=organisation_id).values_list(
            "pk", "name", "parent_id"
        )
    }


def level_names(organisation: Organisation) -> dict[int, str]:
    """The organisation's levels, in the order of the steering chain."""
    return dict(Level.objects.filter(organisation=organisation).order_by("rank", "name").values_list("pk", "name"))


def actor_group_names(organisation: Organisation) -> dict[int, str]:
    """The organisation's actor groups, in their order."""
    return dict(
        ActorGroup.objects.filter(organisation=organisation).order_by("position", "name").values_list("pk", "name")
    )


def latest_sealed_campaign(organisation: Organisation) -> Campaign | None:
    """The organisation's campaign sealed last, or None."""
    return (
        Campaign.objects.filter(organisation=organisation, sealed_at__isnull=False)
        .select_related("organisation")
        .order_by("-sealed_at", "-pk")
        .first()
    )


def analysis_version(organisation: Organisation) -> Hashable:
    """What an analysis page shows of the catalogue besides the frozen ratings (names, hours, owners), read cheaply:
    when a signal last changed and how many there are, and the owners' names."""
    signals = Signal.objects.filter(organisation=organisation).aggregate(latest=Max("updated_at"), count=Count("pk"))
    owners = tuple(Owner.objects.filter(organisation=organisation).order_by("pk").values_list("pk", "name"))
    return (signals["latest"], signals["count"], owners)
