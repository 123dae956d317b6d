"""Reads that span the unit tree or aggregate over an organisation."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from tillit.core.collation import SwedishCollate, swedish_sort_key
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, PendingMembership, Unit

PATH_SEPARATOR = " / "


@dataclass
class TreeNode:
    unit: Unit
    depth: int
    path: str
    member_count: int = 0
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(organisation: Organisation, *, include_closed: bool = False) -> list[TreeNode]:
    """The organisation's units in tree order (depth-first, siblings in Swedish order), in two queries."""
    units = Unit.objects.in_organisation(organisation).annotate(member_count=Count("memberships"))
    if not include_closed:
        units = units.filter(closed_at__isnull=True)
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    ordered: list[TreeNode] = []

    def visit(parent_id: int | None, depth: int, prefix: str) -> list[TreeNode]:
        nodes = []
        for unit in sorted(by_parent.get(parent_id, []), key=lambda u: swedish_sort_key(u.name)):
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
    """The units above `unit`, from the top down."""
    chain: list[Unit] = []
    current = unit.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


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
    rows = model.objects.filter(organisation=OuterRef("pk"), **filters).order_by()
    return Coalesce(Subquery(rows.values("organisation").annotate(n=Count("pk")).values("n")), 0)


def organisation_overview(organisation: Organisation) -> dict[str, int]:
    """Counts for the start page, in one query."""
    counts = {
        "units": _count_in_organisation(Unit, closed_at__isnull=True),
        "people": _count_in_organisation(Membership),
        "levels": _count_in_organisation(Level),
        "actor_groups": _count_in_organisation(ActorGroup),
    }
    # Prefixed, because "units" and "levels" are also the organisation's relation names.
    row = Organisation.objects.filter(pk=organisation.pk).values(**{f"n_{k}": v for k, v in counts.items()}).get()
    return {name: row[f"n_{name}"] for name in counts}
