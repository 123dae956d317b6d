"""Lärande tillsyn: opening a Samtal (an open dialogue) with an owner about what is escalated to them, its seed
statements taken from the owner's dossier (`dossier.py`), the owner's people invited by e-mail as the supervisory
body or partner actor group."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.dialogues import actions as dialogue_actions
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import ActorGroup, Membership, Organisation
from tillit.steering.actions.errors import SteeringError
from tillit.steering.dossier import SEED_MAX_LENGTH, owner_dossier, seed_statements
from tillit.steering.models import Owner

if TYPE_CHECKING:
    from tillit.dialogues.models import Dialogue

__all__ = ["DIALOGUE_DAYS", "OWNER_GROUPS", "open_owner_dialogue", "owner_actor_group"]

OWNER_GROUPS: Final = (ActorGroup.Key.SUPERVISORY_BODY, ActorGroup.Key.PARTNER)
DIALOGUE_DAYS: Final = 30  # how long the owner's dialogue stays open by default


def owner_actor_group(organisation: Organisation, key: str) -> ActorGroup:
    """The organisation's actor group of the standard kind `key` (supervisory bodies or partner organisations),
    added under its standard name when the organisation has none."""
    if key not in OWNER_GROUPS:
        raise SteeringError(_("Choose whether the owner's people take part as a supervisory body or as a partner."))
    group = ActorGroup.objects.filter(organisation=organisation, key=key).order_by("position", "pk").first()
    if group is not None:
        return group
    return organisation_actions.add_actor_group(
        organisation=organisation,
        name=str(ActorGroup.Key(key).label),
        key=key,
        description="",
        position=ActorGroup.objects.filter(organisation=organisation).count(),
    )


@transaction.atomic
def open_owner_dialogue(
    *,
    owner: Owner,
    created_by: Membership | None,
    question: str,
    addresses: Iterable[str],
    actor_group: str,
    site_url: str,
    closes_on: datetime.date | None = None,
) -> Dialogue:
    """An open dialogue (no account needed) of the owner's organisation, open from today until `closes_on`
    (default: `DIALOGUE_DAYS` days), its seed statements one for each signal and escalated tidstjuv of the owner's
    dossier, and an e-mail to each of `addresses` with a link that preselects the actor group of kind
    `actor_group`. SteeringError (nothing stored, nothing sent) when there is nothing escalated to the owner, no
    address, or the dialogue or the e-mail cannot be made."""
    dossier = owner_dossier(owner)
    if dossier.is_empty:
        raise SteeringError(
            _("Nothing is escalated to %(owner)s yet, so there is nothing to open a dialogue about.")
            % {"owner": owner.name}
        )
    addresses = list(addresses)
    if not addresses:
        raise SteeringError(_("Give the e-mail addresses of the owner's people to invite."))
    group = owner_actor_group(owner.organisation, actor_group)
    today = timezone.localdate()
    closes_on = closes_on or today + datetime.timedelta(days=DIALOGUE_DAYS)
    try:
        dialogue = dialogue_actions.create_dialogue(
            organisation=owner.organisation,
            created_by=created_by,
            question=question,
            background=_(
                "Steering signals and time thieves that %(organisation)s has escalated to %(owner)s, for a "
                "dialogue about what helps the meeting with the service user."
            )
            % {"organisation": owner.organisation.name, "owner": owner.name},
            access="open",  # Dialogue.Access.OPEN: anyone with the link, no account
            statement_max_length=SEED_MAX_LENGTH,
            opens_on=today,
            closes_on=closes_on,
            seed_statements=seed_statements(dossier),
        )
        dialogue_actions.invite_to_open_dialogue(
            dialogue=dialogue, addresses=addresses, actor_group=group, invited_by=created_by, site_url=site_url
        )
    except SteeringError:
        raise
    except ValidationError as error:  # the dialogue's own refusal: said as ours, and everything rolled back
        raise SteeringError(error.messages) from error
    return dialogue
