"""The workshops' share of a person's data (`tillit.core.personal_data`): their participations, what they proposed
and how many ratings they gave. Erased, a participation loses its link to the person: the proposals and ratings
behind the results stay and name nobody, as when someone leaves the organisation."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from tillit.accounts.models import User
from tillit.core.personal_data import (
    Exported,
    PersonalDataShare,
    RetentionRule,
    moment,
    register_personal_data,
    register_retention,
)
from tillit.workshops.models import Item, Participant


def export(user: User) -> Exported:
    participations = (
        Participant.objects.filter(membership__user=user)
        .select_related("workshop__organisation", "actor_group")
        .annotate(
            importance=Count("importance_ratings", distinct=True),
            achievement=Count("achievement_ratings", distinct=True),
            contribution=Count("contribution_ratings", distinct=True),
        )
        .order_by("workshop__starts_on", "pk")
    )
    return {
        "participations": [
            {
                "organisation": participant.workshop.organisation.name,
                "workshop": participant.workshop.title,
                "role": participant.get_role_display(),
                "actor_group": participant.actor_group.name,
                "joined": moment(participant.joined_at),
                "proposed": list(
                    Item.objects.filter(proposed_by=participant).order_by("pk").values_list("title", flat=True)
                ),
                "ratings_given": {
                    "importance": participant.importance,
                    "achievement": participant.achievement,
                    "contribution": participant.contribution,
                },
            }
            for participant in participations
        ]
    }


def erase(user: User) -> dict[str, int]:
    return {"workshop_participations": Participant.objects.filter(membership__user=user).update(membership=None)}


def _guest_names_due(cutoff: datetime.datetime) -> QuerySet[Participant]:
    return Participant.objects.filter(joined_as_guest=True, workshop__ends_on__lt=timezone.localdate(cutoff)).exclude(
        guest_name=""
    )


def register() -> None:
    register_personal_data(PersonalDataShare("workshops", export, erase))
    register_retention(
        RetentionRule(
            "workshop_guest_names",
            "the names guests gave in workshops that have ended",
            lambda cutoff: _guest_names_due(cutoff).count(),
            lambda cutoff: _guest_names_due(cutoff).update(guest_name=""),
        )
    )
