"""Reads about a workshop: who takes part, its chain, and warnings about both."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from tillit.organisations.models import ActorGroup
from tillit.workshops.models import Item, Link, Participant, Workshop

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
        .annotate(merged_count=Count("merged_items"))
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
