"""Reads about a workshop: who takes part, its chain and its cards, one person's ratings, the ratings as plain data
for ranking, and the results (built in reporting.py, cached once published). Nothing here writes.

Other parts reach workshops through this module and `actions`: `workshops_taking_proposals` and `PROMOTABLE_KINDS`
say where and as what a dialogue's statement can become a card (`actions.propose`); `cards_for_voices` and
`voice_card` which cards a service user's suggestion (Brukarrösten) can be linked to; `effects_for_signals` which
effects a steering signal can be meant to serve (Styrsignaler).

The service users' voice in a workshop comes from Brukarrösten, through `voice.queries`, and only as it is published
there: the suggestions linked to a card (`effect_chain(…, voices=True)`) and those of the workshop's units
(`voices_of_workshop`), never one that is waiting, not published, or of a service with fewer than k published.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tillit.organisations import tree
from tillit.organisations.models import ActorGroup, Membership, Organisation
from tillit.organisations.ongoing import Ongoing
from tillit.organisations.queries import unit_parents
from tillit.voice import queries as voice_queries
from tillit.workshops import ranking
from tillit.workshops.models import (
    SERVES,
    AchievementRating,
    ContributionRating,
    Decision,
    ImportanceRating,
    Item,
    Link,
    Participant,
    Workshop,
)
from tillit.workshops.reporting import NO_LEVEL, Rater, Results, build_results

MAX_GOALS = 5
FRONT_LINE_RANK = 5
FIRST_LINE_RANK = 4

# What another part (a dialogue's statement, say) may become in a workshop's chain, with the labels to offer.
PROMOTABLE_KINDS: tuple[tuple[str, str | Promise], ...] = (
    (Item.Kind.EFFECT.value, Item.Kind.EFFECT.label),
    (Item.Kind.ACTIVITY.value, Item.Kind.ACTIVITY.label),
)
# The role to pass to `actions.add_member` for someone who brings a card in as a process leader.
LEADER_ROLE: str = Participant.Role.LEADER.value


def workshops_taking_proposals(organisation: Organisation) -> QuerySet[Workshop]:
    """The organisation's workshops that take new cards now (gathering or structuring), for `actions.propose`."""
    return Workshop.objects.in_organisation(organisation).filter(step__in=Workshop.PROPOSAL_STEPS)


def workshops_of(organisation: Organisation, membership: Membership | None, *, all_of_them: bool) -> QuerySet[Workshop]:
    """The organisation's workshops: all of them (for its process leaders), else those `membership` takes part in."""
    workshops = Workshop.objects.in_organisation(organisation)
    if not all_of_them:
        workshops = workshops.filter(participants__membership=membership)
    return workshops.distinct()


# Who takes part ------------------------------------------------------------------------------------------------


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


def participants(workshop: Workshop) -> QuerySet[Participant]:
    """The workshop's participants with what their list shows (name, actor group, unit)."""
    return workshop.participants.select_related("membership__user", "actor_group", "unit")


def guest_counts(workshop: Workshop) -> dict[str, int]:
    """How many guests have joined, and how many places the process leader opened."""
    return {
        "guests_joined": Participant.objects.filter(workshop=workshop, joined_as_guest=True).count(),
        "guest_places": workshop.guest_places,
    }


def takes_part(workshop: Workshop, membership: Membership) -> bool:
    """Whether the member takes part in the workshop (as a participant or one of its process leaders)."""
    return Participant.objects.filter(workshop=workshop, membership=membership).exists()


def workshop_by_code(code: str) -> Workshop | None:
    """The workshop a guest code opens, if any."""
    return Workshop.objects.select_related("organisation").filter(guest_code=code).first()


# The chain -----------------------------------------------------------------------------------------------------


@dataclass
class Chain:
    goals: list[Item]
    effects: list[Item]
    activities: list[Item]
    links: set[tuple[int, int]]
    warnings: list[str]
    # Whether the service users' voice is asked for: the workshop's units (or the organisation, when it names none)
    # have a service page in Brukarrösten, so an effect without a suggestion behind it is warned about.
    listens: bool = False

    def serves(self, source: Item, target: Item) -> bool:
        return (source.pk, target.pk) in self.links


def effect_chain(workshop: Workshop, *, voices: bool = False) -> Chain:
    """The workshop's cards by kind (merged duplicates left out, their proposers counted in),
    its links, and chain-hygiene warnings. With `voices`, each effect and activity also carries the published
    suggestions from Brukarrösten linked to it (`item.user_voices`), and effects without one are warned about when
    the workshop's units have a service page: four queries more, whatever the number of cards."""
    items = list(
        Item.objects.filter(workshop=workshop, merged_into__isnull=True)
        .select_related("proposed_by__membership__user")  # the card names its proposer: not a query per card
        .order_by("position", "created_at", "pk")
        .prefetch_related(
            Prefetch("merged_items", queryset=Item.objects.select_related("proposed_by__membership__user"))
        )
    )
    by_kind: dict[str, list[Item]] = {kind: [] for kind in Item.Kind.values}
    for item in items:
        by_kind[item.kind].append(item)
    links = set(Link.objects.filter(workshop=workshop).values_list("source_id", "target_id"))
    by_pk = {item.pk: item for item in items}
    serves: dict[int, list[Item]] = {}
    for source, target in sorted(links):  # once, not once per card: a conference chain has 80 cards
        if target in by_pk:
            serves.setdefault(source, []).append(by_pk[target])
    for item in items:
        item.serves = serves.get(item.pk, [])
    chain = Chain(by_kind["goal"], by_kind["effect"], by_kind["activity"], links, [])
    if voices:
        chain.listens = voice_queries.has_service_pages(workshop.organisation_id, voice_units(workshop))
        behind = voice_queries.voices_behind([item.pk for item in items if item.kind != Item.Kind.GOAL])
        for item in items:
            item.user_voices = behind.get(item.pk, [])
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
        if chain.listens and not getattr(effect, "user_voices", None):
            warnings.append(
                _("No service user's voice is behind the effect “%(title)s”: no published suggestion is linked to it.")
                % {"title": effect.title}
            )
    return warnings


# The service users' voice (Brukarrösten) ---------------------------------------------------------------------


def voice_units(workshop: Workshop) -> set[int] | None:
    """The units whose service pages speak for the workshop's service users: the units it names and every unit
    below them; None (every unit of the organisation) when it names none."""
    named = list(workshop.units.values_list("pk", flat=True))
    if not named:
        return None
    parents = unit_parents(workshop.organisation_id)
    return set().union(*(tree.subtree(unit, parents) for unit in named))


def voices_of_workshop(workshop: Workshop) -> list[Any] | None:
    """What the service users of the workshop's units say: the latest published suggestions on their service pages,
    by theme (`voice.reporting.VoicesByTheme`); None when those units have no service page at all."""
    units = voice_units(workshop)
    if not voice_queries.has_service_pages(workshop.organisation_id, units):
        return None
    return voice_queries.voices_of_units(workshop.organisation_id, units)


def cards_for_voices(organisation: Organisation) -> list[tuple[Workshop, list[Item]]]:
    """The effects and activities a suggestion can be linked to, by workshop: not merged into another card, in the
    organisation's workshops that are not closed (newest first), in one query."""
    cards = (
        Item.objects.filter(
            workshop__organisation=organisation,
            kind__in=[kind for kind, _label in PROMOTABLE_KINDS],
            merged_into__isnull=True,
        )
        .exclude(workshop__step=Workshop.Step.CLOSED)
        .select_related("workshop")
        .order_by("-workshop__starts_on", "workshop__title", "workshop_id", "-kind", "position", "created_at", "pk")
    )
    found: dict[int, tuple[Workshop, list[Item]]] = {}
    for card in cards:
        found.setdefault(card.workshop_id, (card.workshop, []))[1].append(card)
    return list(found.values())


def effects_for_signals(organisation: Organisation) -> list[tuple[Workshop, list[Item]]]:
    """The effect cards a steering signal can be meant to serve (Styrsignaler), by workshop: not merged into another
    card, in every workshop of the organisation (a closed workshop's effects are the ones it decided on), newest
    first, in one query."""
    cards = (
        Item.objects.filter(workshop__organisation=organisation, kind=Item.Kind.EFFECT, merged_into__isnull=True)
        .select_related("workshop")
        .order_by("-workshop__starts_on", "workshop__title", "workshop_id", "position", "created_at", "pk")
    )
    found: dict[int, tuple[Workshop, list[Item]]] = {}
    for card in cards:
        found.setdefault(card.workshop_id, (card.workshop, []))[1].append(card)
    return list(found.values())


def voice_card(organisation: Organisation, public_id: UUID) -> Item | None:
    """The organisation's card with this public id, of any kind and workshop (`voice.actions.link_to_item` says why
    it cannot take a suggestion), with its workshop; None for any other."""
    return (
        Item.objects.filter(workshop__organisation=organisation, public_id=public_id).select_related("workshop").first()
    )


@dataclass(frozen=True)
class RatingChain:
    """What a rating may name, as plain ids: the effects (public id → pk) and the links an activity serves an
    effect by ((activity, effect) public ids → pks)."""

    effects: dict[UUID, int]
    links: dict[tuple[UUID, UUID], tuple[int, int]]


def rating_chain(workshop_id: int) -> RatingChain:
    """The effects of the chain (merged duplicates left out) and the activities linked to each, in one query of
    plain values: what a page of ratings is checked against, without a model instance per card."""
    effects: dict[UUID, int] = {}
    links: dict[tuple[UUID, UUID], tuple[int, int]] = {}
    rows = Item.objects.filter(workshop_id=workshop_id, kind=Item.Kind.EFFECT, merged_into__isnull=True).values_list(
        "pk", "public_id", "links_down__source_id", "links_down__source__public_id"
    )
    for effect, effect_public_id, activity, activity_public_id in rows:
        effects[effect_public_id] = effect
        if activity is not None:  # links point one step up the chain: only activities serve an effect
            links[activity_public_id, effect_public_id] = (activity, effect)
    return RatingChain(effects, links)


def card(workshop: Workshop, public_id: UUID | None, *, merged_too: bool = False) -> Item | None:
    """The workshop's card with this public id (not one merged into another, unless `merged_too`), if any."""
    if public_id is None:
        return None
    cards = Item.objects.filter(workshop=workshop, public_id=public_id)
    return (cards if merged_too else cards.filter(merged_into__isnull=True)).first()


def other_cards_of_its_kind(item: Item) -> QuerySet[Item]:
    """The cards the card could be merged into: those of its kind in its workshop, not merged themselves."""
    return Item.objects.filter(workshop_id=item.workshop_id, kind=item.kind, merged_into__isnull=True).exclude(
        pk=item.pk
    )


def card_as_edited(item: Item) -> dict[str, Any]:
    """The card as it is now, with its 1-based place among the cards of its kind: what its edit form starts from."""
    siblings = list(
        Item.objects.filter(workshop_id=item.workshop_id, kind=item.kind, merged_into__isnull=True).values_list(
            "pk", flat=True
        )
    )
    return {
        "title": item.title,
        "description": item.description,
        "version": item.version,
        "position": siblings.index(item.pk) + 1,
    }


def link_targets(item: Item) -> list[tuple[Item, bool]]:
    """The cards this one may serve, each with whether it already does."""
    kind = SERVES.get(item.kind)
    if kind is None:
        return []
    linked = set(item.links_up.values_list("target_id", flat=True))
    targets = Item.objects.filter(workshop_id=item.workshop_id, kind=kind, merged_into__isnull=True)
    return [(target, target.pk in linked) for target in targets]


def linked_targets(item: Item) -> list[Item]:
    """The cards this one serves now."""
    return list(Item.objects.filter(links_down__source=item, merged_into__isnull=True))


# Ratings and decisions ----------------------------------------------------------------------------------------


@dataclass
class RatingRow:
    """One effect on a person's rating page, with their own ratings (as the form's values, "" for none)."""

    effect: Item
    importance: str
    achievement: str
    activities: list[dict[str, object]]  # each linked activity, and its contribution rating


def rating_rows(participant: Participant, chain: Chain) -> list[RatingRow]:
    """The person's own rating page: every effect of the chain, with their ratings and the activities serving it."""
    importance = dict(ImportanceRating.objects.filter(participant=participant).values_list("effect_id", "value"))
    achievement = dict(AchievementRating.objects.filter(participant=participant).values_list("effect_id", "value"))
    contribution = {
        (a, e): v
        for a, e, v in ContributionRating.objects.filter(participant=participant).values_list(
            "activity_id", "effect_id", "value"
        )
    }
    return [
        RatingRow(
            effect=effect,
            importance=str(importance.get(effect.pk, "")),
            achievement=str(achievement.get(effect.pk, "")),
            activities=[
                {"activity": activity, "value": str(contribution.get((activity.pk, effect.pk), ""))}
                for activity in chain.activities
                if chain.serves(activity, effect)
            ],
        )
        for effect in chain.effects
    ]


def decision_links(workshop: Workshop) -> QuerySet[Link]:
    """The links a decision can choose: an activity and an effect it serves, neither merged away."""
    return Link.objects.filter(
        workshop=workshop,
        source__kind=Item.Kind.ACTIVITY,
        source__merged_into__isnull=True,
        target__merged_into__isnull=True,
    ).select_related("source", "target")


def decisions(workshop: Workshop) -> QuerySet[Decision]:
    """The workshop's decisions, in the order they were made."""
    return workshop.decisions.select_related("activity", "effect")


def workshop_ratings(workshop: Workshop, chain: Chain) -> ranking.Ratings:
    """The workshop's ratings as plain data for ranking.py (merged cards and stale links left out).

    The participants are those who rated something: the results do not change when someone joins
    after rating has closed (the bootstrap draws from the raters)."""
    effect_ids = {item.pk for item in chain.effects}
    activity_ids = {item.pk for item in chain.activities}
    links: frozenset[tuple[Hashable, Hashable]] = frozenset(
        (a, e) for a, e in chain.links if a in activity_ids and e in effect_ids
    )
    importance_rows: list[tuple[int, int, int]] = [
        (p, e, v)
        for p, e, v in ImportanceRating.objects.filter(participant__workshop=workshop).values_list(
            "participant_id", "effect_id", "value"
        )
        if e in effect_ids
    ]
    achievement_rows: list[tuple[int, int, int]] = [
        (p, e, v)
        for p, e, v in AchievementRating.objects.filter(participant__workshop=workshop).values_list(
            "participant_id", "effect_id", "value"
        )
        if e in effect_ids
    ]
    contribution_rows: list[tuple[int, int, int, int]] = [
        (p, a, e, v)
        for p, a, e, v in ContributionRating.objects.filter(participant__workshop=workshop).values_list(
            "participant_id", "activity_id", "effect_id", "value"
        )
        if (a, e) in links
    ]
    importance: dict[tuple[Hashable, Hashable], int] = {(p, e): v for p, e, v in importance_rows}
    achievement: dict[tuple[Hashable, Hashable], int] = {(p, e): v for p, e, v in achievement_rows}
    contribution: dict[tuple[Hashable, Hashable, Hashable], int] = {(p, a, e): v for p, a, e, v in contribution_rows}
    raters = (
        {row[0] for row in importance_rows}
        | {row[0] for row in achievement_rows}
        | {row[0] for row in contribution_rows}
    )
    return ranking.Ratings(
        participants=sorted(raters),
        effects=[item.pk for item in chain.effects],
        activities=[item.pk for item in chain.activities],
        links=links,
        importance=importance,
        achievement=achievement,
        contribution=contribution,
    )


# Results -------------------------------------------------------------------------------------------------------

RESULTS_CACHE_SECONDS = 24 * 3600
RESULTS_FORMAT = 5  # part of the cache key: results cached in an older shape (or by an older audit) are never read back


def workshop_results(workshop: Workshop) -> Results:
    """Ranked activities and effects, the contribution matrix and the groups' views, all suppressed below k
    (reporting.py).

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
    results: Results | None = cache.get(key)
    if results is None:
        results = _computed_results(workshop)
        cache.set(key, results, RESULTS_CACHE_SECONDS)
    return results


def _computed_results(workshop: Workshop) -> Results:
    """The results from the database. Who takes part (their levels and actor groups, which the workshop's page shows
    anyway) decides the groupings of the group tables: the participants, not the process leaders, who had joined
    when the results were published, so that someone joining later changes nothing."""
    chain = effect_chain(workshop)
    ratings = workshop_ratings(workshop, chain)
    rated = set(ratings.participants)
    published = workshop.results_published_at
    taking_part = [
        p
        for p in Participant.objects.filter(workshop=workshop).select_related("actor_group", "level")
        if published is None or p.joined_at <= published or p.pk in rated
    ]
    levels = {p.level_id: p.level for p in taking_part if p.level is not None}
    level_names: dict[Hashable, str | Promise] = {
        key: level.name for key, level in sorted(levels.items(), key=lambda entry: (entry[1].rank, entry[1].name))
    }
    if any(p.level_id is None for p in taking_part):
        level_names[NO_LEVEL] = gettext_lazy("No level")
    groups = {p.actor_group_id: p.actor_group for p in taking_part}
    group_names: dict[Hashable, str] = {
        key: group.name for key, group in sorted(groups.items(), key=lambda entry: (entry[1].position, entry[1].name))
    }

    def as_rater(participant: Participant) -> Rater:
        level = NO_LEVEL if participant.level_id is None else participant.level_id
        return Rater(participant.pk, level, participant.actor_group_id, participant.is_guest)

    return build_results(
        chain=chain,
        ratings=ratings,
        raters=[as_rater(p) for p in taking_part if p.pk in rated],
        taking_part=[as_rater(p) for p in taking_part if p.role != Participant.Role.LEADER],
        levels=level_names,
        actor_groups=group_names,
        sides={key: group.side for key, group in groups.items()},
        k=workshop.anonymity_threshold,
        seed=workshop.pk,
    )


# The member's start page ----------------------------------------------------------------------------------------


def having_rated(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Those of `participants` who have given any rating (importance, achievement or contribution), in one query.
    For a participant's own page and for reminding the others; never shown to anyone as a list or a count."""
    return participants.filter(
        Q(pk__in=ImportanceRating.objects.values("participant_id"))
        | Q(pk__in=AchievementRating.objects.values("participant_id"))
        | Q(pk__in=ContributionRating.objects.values("participant_id"))
    )


def ongoing_for(request: HttpRequest, membership: Membership) -> list[Ongoing]:
    """The member's workshops that are not closed (taking part or leading), with what waits for them: the start
    page's list (`tillit.organisations.ongoing`). Whether *they* have rated is theirs to see; nobody else's is."""
    found = []
    participations = list(
        Participant.objects.filter(membership=membership, workshop__organisation_id=membership.organisation_id)
        .exclude(workshop__step=Workshop.Step.CLOSED)
        .select_related("workshop")
        .order_by("workshop__ends_on", "workshop__title")
    )
    rating = [participant.pk for participant in participations if participant.workshop.step == Workshop.Step.RATE]
    rated = (
        set(having_rated(Participant.objects.filter(pk__in=rating)).values_list("pk", flat=True)) if rating else set()
    )
    for participant in participations:
        workshop = participant.workshop
        detail = reverse("workshops:detail", kwargs={"workshop": workshop.public_id})
        leads = participant.is_leader
        if workshop.step == Workshop.Step.GATHER:
            item = (detail, _("Propose goals, effects and activities."), _("Propose cards"), True)
        elif workshop.step == Workshop.Step.STRUCTURE and leads:
            item = (detail, _("Structure the chain: edit, merge and link the cards."), _("Structure the chain"), True)
        elif workshop.step == Workshop.Step.STRUCTURE:
            item = (detail, _("The chain is being structured; you can still propose cards."), _("Propose cards"), False)
        elif workshop.step == Workshop.Step.RATE:
            rate = reverse("workshops:rate", kwargs={"workshop": workshop.public_id})
            if participant.pk in rated:
                item = (rate, _("You have rated; you can change your ratings until rating closes."), _("Rate"), False)
            else:
                item = (
                    rate,
                    _("Rate how important the effects are and what the activities contribute."),
                    _("Rate"),
                    True,
                )
        else:
            results = reverse("workshops:results", kwargs={"workshop": workshop.public_id})
            if leads:
                item = (results, _("The results are open: record the decisions."), _("Results and decisions"), True)
            else:
                item = (results, _("The results are open."), _("Read the results"), False)
        url, waiting, action, urgent = item
        found.append(Ongoing(_("Workshop"), workshop.title, url, waiting, action, urgent))
    return found
