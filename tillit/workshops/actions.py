"""Changes of state in a workshop. Each runs in one transaction and checks the step it needs.

A workshop's results are published once (PRODUCT.md §4): from the moment it first reaches the results
step, `results_published_at` is set and the workshop can no longer return to gathering, structuring or
rating, nor can its chain's links change (linking, unlinking, merging). Two looks at the results, before
and after one more person's input, would otherwise reveal that input. Its anonymity threshold is fixed
when it is created, and its participants' levels are protected in the database. Editing a card's text
changes no figure and stays open.

Card titles and descriptions are masked for personal data before they are stored; the card returned
carries what was removed (`personal_data_removed`), so that the view can tell the writer.

Ratings are stored per person, so that they can be changed until rating closes: a whole rating page at once
(`rate_page`, or `rate_posted_page` for the page as posted: a handful of queries whatever its size), or one effect or link at a time (`rate_effect`,
`rate_contribution`).


Longer than most modules (about 650 lines): every write of a workshop, from creating it to recording decisions and
e-mailing its people, kept together because each checks the same step and publication rules."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.core.mail import send_blind, send_one
from tillit.core.periods import check_period
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import ActorGroup, Membership, Organisation, Unit
from tillit.privacy.masking import mask_personal_data
from tillit.workshops import queries
from tillit.workshops.models import (
    MAX_GUEST_PLACES,
    SERVES,
    AchievementRating,
    ContributionRating,
    Decision,
    ImportanceRating,
    Item,
    Link,
    Participant,
    Workshop,
    new_guest_code,
)

__all__ = [
    "SERVES",
    "Conflict",
    "Published",
    "WorkshopError",
    "add_member",
    "add_members",
    "create_workshop",
    "edit_item",
    "invite_members",
    "join_as_guest",
    "link",
    "merge_items",
    "propose",
    "rate_contribution",
    "rate_effect",
    "rate_page",
    "rate_posted_page",
    "record_decision",
    "remind_raters",
    "set_guest_places",
    "set_step",
    "unlink",
]

STEP_ORDER = list(Workshop.Step)


class WorkshopError(ValidationError):
    """A change the workshop's rules or its current step do not allow."""


class Conflict(WorkshopError):
    """Someone else changed the card since this person loaded it."""


class Published(WorkshopError):
    """The results have been published: the change would alter a published figure."""


@transaction.atomic
def create_workshop(
    *,
    organisation: Organisation,
    leader: Membership,
    title: str,
    purpose: str,
    service_user_group: str,
    units: Iterable[Unit],
    starts_on: datetime.date,
    ends_on: datetime.date,
    guest_places: int = 0,
) -> Workshop:
    """Create a workshop in the gather step with `leader` as its first process leader; the organisation's
    anonymity threshold as it is now becomes the workshop's, for good."""
    check_period(starts_on, ends_on, error=WorkshopError, message=_("The last day cannot be before the first day."))
    _check_guest_places(guest_places)
    units = list(units)
    if any(unit.organisation_id != organisation.pk for unit in units):
        raise WorkshopError(_("A unit belongs to another organisation."))
    workshop = Workshop.objects.create(
        organisation=organisation,
        title=title,
        purpose=purpose,
        service_user_group=service_user_group,
        starts_on=starts_on,
        ends_on=ends_on,
        guest_code=_free_guest_code(),
        guest_places=guest_places,
        anonymity_threshold=organisation.anonymity_threshold,
    )
    workshop.units.set(units)
    add_member(workshop=workshop, membership=leader, role=Participant.Role.LEADER)
    return workshop


def _free_guest_code() -> str:
    code = new_guest_code()
    while Workshop.objects.filter(guest_code=code).exists():
        code = new_guest_code()
    return code


def _check_guest_places(places: object) -> None:
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_GUEST_PLACES:
        raise WorkshopError(_("Guest places go from 0 to %(limit)s.") % {"limit": MAX_GUEST_PLACES})


@transaction.atomic
def set_guest_places(*, workshop: Workshop, places: int) -> Workshop:
    """Set how many guests may join with the code; never fewer than have already joined."""
    _check_guest_places(places)
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    joined = Participant.objects.filter(workshop=locked, joined_as_guest=True).count()
    if places < joined:
        raise WorkshopError(
            ngettext(
                "%(count)s guest has already joined, so there must be at least %(count)s place.",
                "%(count)s guests have already joined, so there must be at least %(count)s places.",
                joined,
            )
            % {"count": joined}
        )
    Workshop.objects.filter(pk=locked.pk).update(guest_places=places)
    workshop.guest_places = places
    return workshop


@transaction.atomic
def add_member(*, workshop: Workshop, membership: Membership, role: str = Participant.Role.PARTICIPANT) -> Participant:
    """Add a member of the organisation; adding someone already there returns their participation."""
    if membership.organisation_id != workshop.organisation_id:
        raise WorkshopError(_("The person belongs to another organisation."))
    participant, _created = Participant.objects.get_or_create(
        workshop=workshop,
        membership=membership,
        defaults={
            "role": role,
            "actor_group_id": membership.actor_group_id,
            "unit_id": membership.unit_id,
            "level_id": membership.level_id,
        },
    )
    if role == Participant.Role.LEADER and not participant.is_leader:
        participant.role = role
        participant.save(update_fields=["role"])
    return participant


@transaction.atomic
def add_members(
    *, workshop: Workshop, memberships: Iterable[Membership], role: str = Participant.Role.PARTICIPANT
) -> list[Participant]:
    """Invite several members at once (all or none), as participants or as further process leaders."""
    return [add_member(workshop=workshop, membership=membership, role=role) for membership in memberships]


@transaction.atomic
def join_as_guest(*, code: str, name: str, actor_group: ActorGroup) -> Participant:
    """A guest joins with the workshop's code; refused once the workshop has ended or closed, and when
    every guest place the process leader opened is taken (counted under a lock, so two guests cannot
    take the last place at once)."""
    workshop = Workshop.objects.select_for_update().filter(guest_code=code.strip().upper()).first()
    if workshop is None:
        raise WorkshopError(_("There is no workshop with that code. Check the code and try again."))
    if workshop.is_closed or workshop.ends_on < timezone.localdate():
        raise WorkshopError(_("That workshop has ended, so the code no longer works."))
    if actor_group.organisation_id != workshop.organisation_id:
        raise WorkshopError(_("Choose one of the actor groups offered."))
    if Participant.objects.filter(workshop=workshop, joined_as_guest=True).count() >= workshop.guest_places:
        raise WorkshopError(
            _("All guest places in this workshop are taken. Ask the process leader to open more places.")
        )
    return Participant.objects.create(workshop=workshop, guest_name=name, actor_group=actor_group, joined_as_guest=True)


@transaction.atomic
def set_step(*, workshop: Workshop, step: str) -> Workshop:
    """Move the workshop to another step, forwards or back (for example to reopen rating) until its results
    are published; from then on only between the results step and closed. Raises Published otherwise."""
    if step not in Workshop.Step.values:
        raise WorkshopError(_("Unknown step."))
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if locked.results_published and step not in Workshop.RESULT_STEPS:
        raise Published(
            _(
                "The results have been shown, so the workshop cannot go back to gathering, structuring or "
                "rating: the figures would then reveal how the people who rated afterwards rated. Start a new "
                "workshop to rate again."
            )
        )
    fields: dict[str, object] = {"step": step}
    if step in Workshop.RESULT_STEPS and not locked.results_published:
        fields["results_published_at"] = timezone.now()
    Workshop.objects.filter(pk=locked.pk).update(**fields)
    _chain_changed(workshop)  # results cached for one step must not be served in the next
    workshop.refresh_from_db(fields=["step", "results_published_at", "chain_version"])
    return workshop


@transaction.atomic
def propose(*, participant: Participant, kind: str, title: str, description: str = "") -> Item:
    """Add a card to the workshop; open while proposals are gathered and the chain is structured."""
    workshop = participant.workshop
    if _current_step(workshop.pk) not in Workshop.PROPOSAL_STEPS:
        raise WorkshopError(_("Proposals are closed in this step."))
    if kind not in Item.Kind.values:
        raise WorkshopError(_("Unknown kind of card."))
    position = Item.objects.filter(workshop=workshop, kind=kind).count()
    title, description, removed = _masked(title, description)
    item = Item.objects.create(
        workshop=workshop, kind=kind, title=title, description=description, proposed_by=participant, position=position
    )
    _chain_changed(workshop)
    item.personal_data_removed = removed
    return item


def _masked(title: str, description: str) -> tuple[str, str, dict[str, int]]:
    """A card's title and description with personal data masked, and how much of each kind was removed."""
    masked_title, masked_description = mask_personal_data(title), mask_personal_data(description)
    removed = dict(Counter(masked_title.removed) + Counter(masked_description.removed))
    # A placeholder can be longer than what it replaced: the stored title keeps its limit.
    return masked_title.text[: Item._meta.get_field("title").max_length], masked_description.text, removed


def _chain_changed(workshop: Workshop) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(chain_version=F("chain_version") + 1)


@transaction.atomic
def edit_item(*, item: Item, title: str, description: str, version: int, position: int | None = None) -> Item:
    """Change a card's text and, given a 1-based `position`, its place among the cards of its kind;
    raises Conflict when someone else saved it after `version` was read. Allowed after the results are
    published: neither the text nor the order changes a figure."""
    title, description, removed = _masked(title, description)
    updated = Item.objects.filter(pk=item.pk, version=version).update(
        title=title, description=description, version=F("version") + 1
    )
    if not updated:
        raise Conflict(_("Someone else changed this card while you were editing it. Here is the current text."))
    if position is not None:
        _move(item, position)
    _chain_changed(item.workshop)
    item.refresh_from_db()
    item.personal_data_removed = removed
    return item


def _move(item: Item, position: int) -> None:
    """Put the card at `position` (1-based) among its kind and renumber the others after it."""
    siblings = list(
        Item.objects.select_for_update()
        .filter(workshop_id=item.workshop_id, kind=item.kind, merged_into__isnull=True)
        .exclude(pk=item.pk)
        .order_by("position", "created_at", "pk")
    )
    siblings.insert(min(max(position, 1), len(siblings) + 1) - 1, item)
    for index, sibling in enumerate(siblings):
        if sibling.position != index:
            Item.objects.filter(pk=sibling.pk).update(position=index)


@transaction.atomic
def merge_items(*, keep: Item, duplicate: Item) -> Item:
    """Merge a duplicate into another card of the same kind; links and proposers are kept. Refused once the
    results are published."""
    _check_not_published(keep.workshop_id)
    if keep.pk == duplicate.pk or keep.workshop_id != duplicate.workshop_id or keep.kind != duplicate.kind:
        raise WorkshopError(_("Only two different cards of the same kind can be merged."))
    if keep.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise WorkshopError(_("One of the cards has already been merged."))
    for link in Link.objects.filter(source=duplicate):
        Link.objects.get_or_create(workshop=keep.workshop, source=keep, target=link.target)
    for link in Link.objects.filter(target=duplicate):
        Link.objects.get_or_create(workshop=keep.workshop, source=link.source, target=keep)
    Link.objects.filter(source=duplicate).delete()
    Link.objects.filter(target=duplicate).delete()
    Item.objects.filter(merged_into=duplicate).update(merged_into=keep)
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into"])
    Item.objects.filter(pk=keep.pk).update(version=F("version") + 1)
    _chain_changed(keep.workshop)
    return keep


@transaction.atomic
def link(*, source: Item, target: Item) -> Link:
    """Link an activity to an effect it serves, or an effect to a goal; refused once the results are published."""
    if source.workshop_id != target.workshop_id:
        raise WorkshopError(_("The cards belong to different workshops."))
    _check_not_published(source.workshop_id)
    if SERVES.get(source.kind) != target.kind:
        raise WorkshopError(_("An activity can only serve an effect, and an effect only a goal."))
    if source.merged_into_id or target.merged_into_id:
        raise WorkshopError(_("A merged card cannot be linked; use the card it was merged into."))
    try:
        with transaction.atomic():
            created = Link.objects.create(workshop_id=source.workshop_id, source=source, target=target)
    except IntegrityError:
        raise WorkshopError(_("The cards are already linked.")) from None
    _chain_changed(source.workshop)
    return created


@transaction.atomic
def unlink(*, source: Item, target: Item) -> None:
    """Remove a link (and the contribution ratings given for it); removing one that does not exist changes
    nothing. Refused once the results are published."""
    _check_not_published(source.workshop_id)
    if Link.objects.filter(source=source, target=target).delete()[0]:
        ContributionRating.objects.filter(activity=source, effect=target).delete()
        _chain_changed(source.workshop)


@dataclass(frozen=True)
class LinksChanged:
    added: int
    removed: int


@transaction.atomic
def set_links(*, source: Item, targets: Iterable[Item]) -> LinksChanged:
    """Make `source` serve exactly `targets` (cards one step up the chain): the missing links are made and the
    others removed, with the contribution ratings given for them, in one step. Refused once the results are
    published."""
    _check_not_published(source.workshop_id)
    wanted = {target.pk: target for target in targets}
    for target in wanted.values():
        if target.workshop_id != source.workshop_id:
            raise WorkshopError(_("The cards belong to different workshops."))
        if SERVES.get(source.kind) != target.kind:
            raise WorkshopError(_("An activity can only serve an effect, and an effect only a goal."))
        if source.merged_into_id or target.merged_into_id:
            raise WorkshopError(_("A merged card cannot be linked; use the card it was merged into."))
    existing = set(Link.objects.filter(source=source).values_list("target_id", flat=True))
    added = [pk for pk in wanted if pk not in existing]
    removed = [pk for pk in existing if pk not in wanted]
    Link.objects.bulk_create([Link(workshop_id=source.workshop_id, source=source, target=wanted[pk]) for pk in added])
    if removed:
        Link.objects.filter(source=source, target_id__in=removed).delete()
        ContributionRating.objects.filter(activity=source, effect_id__in=removed).delete()
    if added or removed:
        _chain_changed(source.workshop)
    return LinksChanged(added=len(added), removed=len(removed))


def _check_not_published(workshop_id: int) -> None:
    """Raise Published if the workshop's results have been shown; the row stays locked until commit, so the
    step cannot move to the results while the change is being made."""
    published = (
        Workshop.objects.select_for_update().filter(pk=workshop_id).values_list("results_published_at", flat=True).get()
    )
    if published is not None:
        raise Published(
            _(
                "The results have been shown, so the chain's links can no longer change: that would change "
                "published figures. You can still edit the cards' texts."
            )
        )


def _current_step(workshop_id: int) -> str:
    # Read from the database, not from the workshop object the caller holds: the step may have
    # changed since it was loaded, and a closed step must stay closed.
    return Workshop.objects.values_list("step", flat=True).get(pk=workshop_id)


def _step_for_rating(workshop_id: int) -> str:
    """The step, read under a key-share lock on PostgreSQL. Moving the step locks the row for update, so
    closing rating waits for the ratings being saved, and a rating that had to wait sees the new step: no
    rating is saved after the results are published. Ratings do not block one another. (SQLite lets one
    writer in at a time anyway.)"""
    if connection.vendor != "postgresql":
        return _current_step(workshop_id)
    table = connection.ops.quote_name(Workshop._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT step FROM {table} WHERE id = %s FOR KEY SHARE", [workshop_id])  # noqa: S608
        return cursor.fetchone()[0]


def _check_rating_open(participant: Participant) -> None:
    if _step_for_rating(participant.workshop_id) != Workshop.Step.RATE:
        raise WorkshopError(_("Rating is not open in this step, so nothing was saved."))


def _check_effect(participant: Participant, effect: Item) -> None:
    if effect.workshop_id != participant.workshop_id or effect.kind != Item.Kind.EFFECT or effect.merged_into_id:
        raise WorkshopError(_("That effect is not part of this workshop's chain."))


@transaction.atomic
def rate_effect(*, participant: Participant, effect: Item, importance: int | None, achievement: int | None) -> None:
    """Record (or replace, or with None remove) one person's importance 0–4 and achievement 1–5 for an effect."""
    _check_rating_open(participant)
    _check_effect(participant, effect)
    if importance is not None and not 0 <= importance <= 4:
        raise WorkshopError(_("Importance is rated from 0 to 4."))
    if achievement is not None and not 1 <= achievement <= 5:
        raise WorkshopError(_("How well it is achieved today is rated from 1 to 5."))
    for model, value in ((ImportanceRating, importance), (AchievementRating, achievement)):
        if value is None:
            model.objects.filter(participant=participant, effect=effect).delete()
        else:
            model.objects.update_or_create(participant=participant, effect=effect, defaults={"value": value})


@transaction.atomic
def rate_contribution(*, participant: Participant, activity: Item, effect: Item, value: int | None) -> None:
    """Record how much a linked activity contributes to an effect, 0–3; None is "vet ej"."""
    _check_rating_open(participant)
    _check_effect(participant, effect)
    if not Link.objects.filter(source=activity, target=effect).exists():
        raise WorkshopError(_("The activity is not linked to that effect."))
    if value is None:
        ContributionRating.objects.filter(participant=participant, activity=activity, effect=effect).delete()
        return
    if not 0 <= value <= 3:
        raise WorkshopError(_("Contribution is rated from 0 to 3."))
    ContributionRating.objects.update_or_create(
        participant=participant, activity=activity, effect=effect, defaults={"value": value}
    )


IMPORTANCE_SCALE = range(0, 5)
ACHIEVEMENT_SCALE = range(1, 6)
CONTRIBUTION_SCALE = range(0, 4)


@transaction.atomic
def rate_page(
    *,
    participant: Participant,
    importance: Mapping[Item, int | None],
    achievement: Mapping[Item, int | None],
    contribution: Mapping[tuple[Item, Item], int | None],
) -> None:
    """Store one person's page of ratings at once: each value given replaces theirs, None removes it ("vet ej"),
    and ratings not given stay as they are. Checked against the chain as it is now, under the step's lock, and
    refused whole (WorkshopError, nothing saved) when rating is closed, a rating is outside its scale, or it names
    an effect or a link (activity, effect) that is not in the chain. A handful of queries whatever the page's size.
    """
    _check_rating_open(participant)
    chain = queries.rating_chain(participant.workshop_id)
    effects = set(chain.effects.values())
    for effect in [*importance, *achievement, *(effect for _activity, effect in contribution)]:
        if effect.pk not in effects:
            raise WorkshopError(_("That effect is not part of this workshop's chain."))
    links = set(chain.links.values())
    if any((activity.pk, effect.pk) not in links for activity, effect in contribution):
        raise WorkshopError(_("The activity is not linked to that effect."))
    _store_page(
        participant,
        {effect.pk: value for effect, value in importance.items()},
        {effect.pk: value for effect, value in achievement.items()},
        {(activity.pk, effect.pk): value for (activity, effect), value in contribution.items()},
    )


@transaction.atomic
def rate_posted_page(
    *,
    participant: Participant,
    importance: Mapping[UUID, int | None],
    achievement: Mapping[UUID, int | None],
    contribution: Mapping[tuple[UUID, UUID], int | None],
) -> None:
    """Store the rating page as the person posted it, its cards named by their public ids (`forms.RatingForm`):
    as `rate_page`, except that an effect or link that is not in the chain now is left out rather than refusing
    the page, since the page may have been loaded before the chain changed (and a name another page carries, of
    another workshop, is in no chain of this one). Refused whole when rating is closed or a rating is off its scale.
    The chain is read once, under the step's lock, as plain ids."""
    _check_rating_open(participant)
    chain = queries.rating_chain(participant.workshop_id)
    _store_page(
        participant,
        {chain.effects[key]: value for key, value in importance.items() if key in chain.effects},
        {chain.effects[key]: value for key, value in achievement.items() if key in chain.effects},
        {chain.links[key]: value for key, value in contribution.items() if key in chain.links},
    )


# Removed contributions are deleted per activity; this many activities per query keeps the condition shallow
# enough for SQLite (at most 1,000 nested expressions).
_ACTIVITIES_PER_DELETE = 200


def _store_page(
    participant: Participant,
    importance: Mapping[int, int | None],
    achievement: Mapping[int, int | None],
    contribution: Mapping[tuple[int, int], int | None],
) -> None:
    """Write a checked page, by primary keys: for each kind at most one DELETE of the ratings set to None and one
    INSERT … ON CONFLICT UPDATE of the others."""
    _check_scale(importance.values(), IMPORTANCE_SCALE, _("Importance is rated from 0 to 4."))
    _check_scale(achievement.values(), ACHIEVEMENT_SCALE, _("How well it is achieved today is rated from 1 to 5."))
    _check_scale(contribution.values(), CONTRIBUTION_SCALE, _("Contribution is rated from 0 to 3."))
    participant_id = participant.pk
    _replace_effect_ratings(ImportanceRating, participant_id, importance)
    _replace_effect_ratings(AchievementRating, participant_id, achievement)
    removed: dict[int, list[int]] = {}
    for (activity, effect), value in contribution.items():
        if value is None:
            removed.setdefault(activity, []).append(effect)
    activities = list(removed.items())
    for start in range(0, len(activities), _ACTIVITIES_PER_DELETE):
        condition = Q()
        for activity, effects in activities[start : start + _ACTIVITIES_PER_DELETE]:
            condition |= Q(activity_id=activity, effect_id__in=effects)
        ContributionRating.objects.filter(condition, participant_id=participant_id).delete()
    _upsert(
        ContributionRating,
        ("participant", "activity", "effect"),
        [
            (participant_id, activity, effect, value)
            for (activity, effect), value in contribution.items()
            if value is not None
        ],
    )


EffectRating = TypeVar("EffectRating", ImportanceRating, AchievementRating)


def _replace_effect_ratings(model: type[EffectRating], participant_id: int, values: Mapping[int, int | None]) -> None:
    """The person's ratings of `model` for these effects (by pk): each value stored over theirs, None deleting it."""
    removed = [effect for effect, value in values.items() if value is None]
    if removed:
        model.objects.filter(participant_id=participant_id, effect_id__in=removed).delete()
    _upsert(
        model,
        ("participant", "effect"),
        [(participant_id, effect, value) for effect, value in values.items() if value is not None],
    )


# Rows per INSERT: four values each stays well under SQLite's limit of bound parameters.
_ROWS_PER_INSERT = 1000


def _upsert(model: type[models.Model], key: tuple[str, ...], rows: list[tuple[int, ...]]) -> None:
    """INSERT rows of (the key's columns…, value) into a rating table, or on a conflict of the key replace the value:
    the statement `bulk_create(update_conflicts=True)` writes, built once for the page instead of once per row's
    model instance (a conference page has some 200). The same SQL on PostgreSQL and SQLite."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    key_columns = ", ".join(_column(model, name) for name in key)
    value_column = _column(model, "value")
    placeholders = "(" + ", ".join(["%s"] * (len(key) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            batch = rows[start : start + _ROWS_PER_INSERT]
            cursor.execute(
                f"INSERT INTO {table} ({key_columns}, {value_column}) VALUES "  # noqa: S608
                + ", ".join([placeholders] * len(batch))
                + f" ON CONFLICT ({key_columns}) DO UPDATE SET {value_column} = EXCLUDED.{value_column}",
                [number for row in batch for number in row],
            )


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return connection.ops.quote_name(field.column)


def _check_scale(values: Iterable[int | None], scale: range, message: str) -> None:
    for value in values:
        if value is not None and (isinstance(value, bool) or value not in scale):
            raise WorkshopError(message)


@transaction.atomic
def record_decision(
    *,
    decided_by: Participant,
    activity: Item,
    effect: Item,
    owner: str,
    follow_up: str,
    due_on: datetime.date,
) -> Decision:
    """Record a chosen activity for the effect it serves; the decision log is part of the record."""
    workshop = decided_by.workshop
    if not Link.objects.filter(source=activity, target=effect, workshop=workshop).exists():
        raise WorkshopError(_("Choose an activity together with an effect it is linked to."))
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                workshop=workshop,
                activity=activity,
                effect=effect,
                owner=owner,
                follow_up=follow_up,
                due_on=due_on,
                decided_by=decided_by,
            )
    except IntegrityError:
        raise WorkshopError(_("That activity is already chosen for that effect.")) from None
    organisation_actions.pages_changed(workshop.organisation_id)
    return decision


# E-mail: invitations and reminders --------------------------------------------------------------------------------


def invite_members(
    *,
    workshop: Workshop,
    memberships: Iterable[Membership],
    role: str = Participant.Role.PARTICIPANT,
    invited_by: Membership | None,
    site_url: str,
) -> list[Participant]:
    """`add_members` (all or none), then an e-mail with the workshop's link to each member who was not taking part
    already (not to the one inviting). The e-mails go after the participants are stored; one that cannot be sent
    is logged, not retried: the person finds the workshop on their start page anyway."""
    memberships = list(memberships)
    with transaction.atomic():
        already = set(
            Participant.objects.filter(workshop=workshop, membership__in=memberships).values_list(
                "membership_id", flat=True
            )
        )
        added = add_members(workshop=workshop, memberships=memberships, role=role)
    newcomers = [m for m in memberships if m.pk not in already and (invited_by is None or m.pk != invited_by.pk)]
    link = site_url + reverse("workshops:detail", kwargs={"workshop": workshop.public_id})
    subject = _("You are invited to the workshop %(title)s") % {"title": workshop.title}
    context = {"workshop": workshop, "organisation": workshop.organisation, "link": link, "invited_by": invited_by}
    _mail(newcomers, subject, "workshops/email/invitation.txt", context)
    return added


def remind_raters(*, workshop: Workshop, reminded_by: Membership | None, site_url: str) -> None:
    """E-mail the members taking part who have not rated anything yet a link to the rating page. Only while rating
    is open. Who they are, and how many, is never shown: the page that asks says only that reminders went to those
    who have not rated yet, and the reminder is one message whoever gets it (to the site's own address, the others
    as blind copies), so that not even the time it takes to send grows with how many have not rated; a failure is
    logged without naming anyone."""
    if _current_step(workshop.pk) != Workshop.Step.RATE:
        raise WorkshopError(_("Reminders to rate can only be sent while rating is open."))
    taking_part = Participant.objects.filter(workshop=workshop, membership__isnull=False)
    waiting = taking_part.exclude(pk__in=queries.having_rated(taking_part).values("pk")).select_related(
        "membership__user"
    )
    members = [p.membership for p in waiting if p.membership and (reminded_by is None or p.membership != reminded_by)]
    link = site_url + reverse("workshops:rate", kwargs={"workshop": workshop.public_id})
    subject = _("Reminder: rate in the workshop %(title)s") % {"title": workshop.title}
    context = {"workshop": workshop, "organisation": workshop.organisation, "link": link}
    addresses = [m.user.email for m in members if m.user.is_active and m.user.email]
    send_blind(subject, render_to_string("workshops/email/rating_reminder.txt", context), addresses, even_if_none=True)


def _mail(memberships: Iterable[Membership], subject: str, template: str, context: dict[str, object]) -> int:
    """One e-mail to each active member with an address; how many went."""
    body = render_to_string(template, context)
    sent = 0
    for membership in memberships:
        user = membership.user
        if not user.is_active or not user.email:
            continue
        if send_one(subject, body, user.email):
            sent += 1
    return sent
