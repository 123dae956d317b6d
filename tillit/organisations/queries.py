"""Reads of an organisation that pages, forms and other parts need: the unit tree, people, counts.

The unit tree is walked with `tillit.organisations.tree` over the map from each unit to its parent
(`unit_parents`), read in one query; no function here follows `unit.parent` row by row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from tillit.accounts.models import User
from tillit.core.collation import SwedishCollate, swedish_sort_key
from tillit.core.http import parse_uuid
from tillit.organisations import tree
from tillit.organisations.models import (
    ActorGroup,
    Level,
    Membership,
    Organisation,
    OrganisationScopedQuerySet,
    PendingMembership,
    Unit,
    UnitEvent,
)

PATH_SEPARATOR = " / "
HISTORY_SHOWN = 50


@dataclass
class TreeNode:
    unit: Unit
    depth: int
    path: str
    member_count: int = 0
    children: list[TreeNode] = field(default_factory=list)


def unit_parents(organisation: Organisation | int) -> dict[int, int | None]:
    """Every unit of the organisation (closed ones too), mapped to its parent's id: the map `tree` walks."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return dict(Unit.objects.filter(organisation_id=organisation_id).values_list("pk", "parent_id"))


def unit_tree(organisation: Organisation, *, include_closed: bool = False) -> list[TreeNode]:
    """The organisation's units in tree order (depth-first, siblings in Swedish order), in one query."""
    units = Unit.objects.in_organisation(organisation).annotate(member_count=Count("memberships"))
    if not include_closed:
        units = units.filter(closed_at__isnull=True)
    by_id = {unit.pk: unit for unit in units}
    children = tree.children_of({unit.pk: unit.parent_id for unit in by_id.values()})
    ordered: list[TreeNode] = []

    def visit(parent_id: int | None, depth: int, prefix: str) -> list[TreeNode]:
        nodes = []
        for unit in sorted((by_id[pk] for pk in children.get(parent_id, [])), key=lambda u: swedish_sort_key(u.name)):
            node = TreeNode(unit=unit, depth=depth, path=prefix + unit.name, member_count=unit.member_count)
            ordered.append(node)
            node.children = visit(unit.pk, depth + 1, node.path + PATH_SEPARATOR)
            nodes.append(node)
        return nodes

    visit(None, 0, "")
    return ordered


def unit_paths(organisation: Organisation) -> dict[int, str]:
    """Map of unit id to its full path ("Socialförvaltningen / Hemtjänst Norr"), open units only."""
    return {node.unit.pk: node.path for node in unit_tree(organisation)}


def ancestors(unit: Unit) -> list[Unit]:
    """The units above `unit`, from the top down (two queries, however deep)."""
    above = tree.ancestors(unit.pk, unit_parents(unit.organisation_id))
    found = Unit.objects.in_bulk(above)
    return [found[pk] for pk in above]


def descendants(unit: Unit) -> list[Unit]:
    """Every unit below `unit`, at any depth, nearest first (two queries)."""
    below = tree.descendants(unit.pk, unit_parents(unit.organisation_id))
    found = Unit.objects.in_bulk(below)
    return [found[pk] for pk in below]


def unit_path(unit: Unit) -> str:
    """The unit's full path from the top ("Socialförvaltningen / Hemtjänst Norr"), closed units included."""
    names = dict(Unit.objects.filter(organisation_id=unit.organisation_id).values_list("pk", "name"))
    above = tree.ancestors(unit.pk, unit_parents(unit.organisation_id))
    return PATH_SEPARATOR.join([*(names[pk] for pk in above), unit.name])


def sub_units(unit: Unit) -> list[Unit]:
    """The units right below `unit`: open ones first, each group in Swedish order."""
    return sorted(unit.children.all(), key=lambda u: (u.closed_at is not None, swedish_sort_key(u.name)))


def closing_with(unit: Unit) -> list[Unit]:
    """What closing `unit` closes: the unit and every open unit below it."""
    return [unit, *(below for below in descendants(unit) if below.is_open)]


def unit_history(unit: Unit) -> QuerySet[UnitEvent]:
    """The unit's latest history entries, newest first."""
    return unit.events.select_related("actor")[:HISTORY_SHOWN]


def pending_membership_named_by(public_id: UUID) -> PendingMembership | None:
    """An invitation not answered yet, by its public id, with what its page shows."""
    return (
        PendingMembership.objects.select_related("organisation", "unit", "actor_group", "level", "user")
        .filter(public_id=public_id)
        .first()
    )


def unit_named_by(organisation: Organisation, public_id: object) -> Unit | None:
    """A unit of the organisation by its public id as typed in an address, or None (also for one that is no UUID)."""
    found = parse_uuid(public_id) if public_id else None
    if found is None:
        return None
    return Unit.objects.in_organisation(organisation).filter(public_id=found).first()


def memberships_of(user: User) -> QuerySet[Membership]:
    """The person's memberships (of an active account), with their organisations, by organisation name."""
    return Membership.objects.for_user(user).order_by("organisation__name")


def levels_with_usage(organisation: Organisation) -> OrganisationScopedQuerySet:
    """The organisation's levels, each with how many people hold it (`member_count`)."""
    return Level.objects.in_organisation(organisation).annotate_usage()


def actor_groups_with_usage(organisation: Organisation) -> OrganisationScopedQuerySet:
    """The organisation's actor groups, each with how many people belong to it (`member_count`)."""
    return ActorGroup.objects.in_organisation(organisation).annotate_usage()


def people_holding(item: Level | ActorGroup) -> int:
    """How many members and invited people hold the level or actor group."""
    return item.memberships.count() + item.pending_memberships.count()


def people_in(organisation: Organisation, *, search: str = "", unit: Unit | None = None) -> QuerySet[Membership]:
    """The organisation's memberships, filtered by a free-text search and a unit."""
    memberships = Membership.objects.in_organisation(organisation).select_related(
        "user", "unit", "actor_group", "level"
    )
    if search:
        memberships = memberships.filter(Q(user__full_name__icontains=search) | Q(user__email__icontains=search))
    if unit is not None:
        memberships = memberships.filter(unit=unit)
    return memberships.order_by(SwedishCollate("user__full_name"), "user__email")


def invited_people_in(organisation: Organisation, *, search: str = "") -> QuerySet[PendingMembership]:
    """The organisation's unanswered invitations, with only what its administrators typed (never the account)."""
    pending = PendingMembership.objects.in_organisation(organisation).select_related("unit", "actor_group", "level")
    if search:
        pending = pending.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return pending.order_by(SwedishCollate("full_name"), "email")


def _count_in_organisation(model: type[Model], **filters: object) -> Coalesce:
    rows = model._default_manager.filter(organisation=OuterRef("pk"), **filters).order_by()
    return Coalesce(Subquery(rows.values("organisation").annotate(n=Count("pk")).values("n")), 0)


def read_unit_and_level(membership: Membership) -> Membership:
    """The membership with its unit and level read in one query, for a page that shows them (the door reads
    memberships without them, as most pages do not)."""
    if membership.unit_id is not None or membership.level_id is not None:
        placed = Membership.objects.select_related("unit", "level").get(pk=membership.pk)
        membership.unit, membership.level = placed.unit, placed.level
    return membership


def organisation_overview(organisation: Organisation) -> dict[str, int]:
    """Counts for the start page, in one query."""
    counts = {
        "units": _count_in_organisation(Unit, closed_at__isnull=True),
        "people": _count_in_organisation(Membership),
        "levels": _count_in_organisation(Level),
        "actor_groups": _count_in_organisation(ActorGroup),
    }
    # Prefixed, because "units" and "levels" are also the organisation's relation names.
    prefixed: dict[str, Coalesce] = {f"n_{name}": count for name, count in counts.items()}
    row = Organisation.objects.filter(pk=organisation.pk).annotate(**prefixed).values_list(*prefixed).get()
    return dict(zip(counts, row, strict=True))
