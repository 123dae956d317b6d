"""Rating campaigns: creating and editing one, opening it with its personal links, reminders, rating, closing and
sealing.

Opening a campaign fixes what its analysis is built with: the threshold k, the unit tree, and, for every signal of
the catalogue, the units it reaches (`CampaignSignal.reached_unit_ids`, subtrees expanded); then every member with
an e-mail address in a reached unit gets a personal link (`organisations.personal_links`, shared with the
barometer). A member placed on no unit is reached by the signals that reach the whole organisation.

A submitted sheet waits in the campaign's inbox (`PendingSheet`) with the rater's level and actor group and nothing
else (not the unit: it would single out most first-line managers). Sealing splits every sheet into `Rating` rows, in a random order and with random ids, in one
transaction that also rewrites every "has answered" flag of the campaign's invitations: no row version of an
invitation then shares a transaction with the rating it stands for. Sealing happens when a process leader closes the
campaign (`close_campaign`) and, for campaigns whose closing date passed, in `seal_due_campaigns` (`tasks.py`).
Nothing that reads a campaign seals it.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.periods import check_period
from tillit.core.text import normalise_text
from tillit.organisations import actions as organisation_actions
from tillit.organisations import personal_links
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.personal_links import Sent
from tillit.privacy.masking import mask_personal_data
from tillit.steering import queries
from tillit.steering.actions.errors import SteeringError
from tillit.steering.models import (
    COMMENT_MAX_LENGTH,
    SCALE_MAX,
    SCALE_MIN,
    Campaign,
    CampaignInvitation,
    CampaignSignal,
    PendingSheet,
    Rating,
)

__all__ = [
    "AlreadyRated",
    "Sealing",
    "SheetEntry",
    "campaign_links_under_older_keys",
    "close_campaign",
    "create_campaign",
    "launch_campaign",
    "rate",
    "seal_campaign",
    "seal_due_campaigns",
    "send_campaign_reminders",
    "update_campaign",
]

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = Campaign._meta.get_field("name").max_length or 150


class AlreadyRated(SteeringError):
    """The personal link has been used already."""


def _check(name: str, opens_on: datetime.date, closes_on: datetime.date) -> str:
    name = normalise_text(name)
    if not name:
        raise SteeringError(_("Give the campaign a name."))
    if len(name) > NAME_MAX_LENGTH:
        raise SteeringError(_("Keep the name within %(limit)d characters.") % {"limit": NAME_MAX_LENGTH})
    check_period(opens_on, closes_on, error=SteeringError, message=_("The campaign cannot close before it opens."))
    return name


@transaction.atomic
def create_campaign(
    *,
    organisation: Organisation,
    created_by: Membership | None,
    name: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
) -> Campaign:
    """A new campaign, not open yet; SteeringError for a blank name or one that closes before it opens."""
    name = _check(name, opens_on, closes_on)
    return Campaign.objects.create(
        organisation=organisation, created_by=created_by, name=name, opens_on=opens_on, closes_on=closes_on
    )


@transaction.atomic
def update_campaign(*, campaign: Campaign, name: str, opens_on: datetime.date, closes_on: datetime.date) -> Campaign:
    """Rename or move a campaign that has not closed; once open, only its name and closing date change, and the
    closing date not into the past. SteeringError otherwise, and nothing changes."""
    name = _check(name, opens_on, closes_on)
    locked = Campaign.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=campaign.pk)
    if locked.is_closed:
        raise SteeringError(_("The campaign is closed and can no longer change."))
    if locked.is_launched and opens_on != locked.opens_on:
        raise SteeringError(_("The campaign has opened; its opening date can no longer change."))
    if locked.is_launched and closes_on < timezone.localdate():
        raise SteeringError(_("Choose a closing date from today on, or close the campaign instead."))
    locked.name, locked.opens_on, locked.closes_on = name, opens_on, closes_on
    locked.save(update_fields=["name", "opens_on", "closes_on"])
    campaign.name, campaign.opens_on, campaign.closes_on = name, opens_on, closes_on
    return locked


# Opening and sending ----------------------------------------------------------------------------------------------


def launch_campaign(*, campaign: Campaign, site_url: str) -> Sent:
    """Open the campaign: fix the threshold, the unit tree and each signal's reach, and make a personal link for
    every member with an e-mail address whom at least one signal reaches; then e-mail the links (after the commit;
    one that cannot be sent is counted, not retried). SteeringError when it is open already, its closing date has
    passed, or the catalogue is empty."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=campaign.pk)
        if campaign.is_launched:
            raise SteeringError(_("The campaign has already opened."))
        if campaign.closes_on < timezone.localdate():
            raise SteeringError(_("The closing date has passed; choose a later one before opening the campaign."))
        reach = queries.reach_now(campaign.organisation)
        if not reach.signals:
            raise SteeringError(
                _("The catalogue has no steering signals yet. Add the signals to rate before opening the campaign.")
            )
        campaign.anonymity_threshold = campaign.organisation.anonymity_threshold
        campaign.unit_parents = {str(unit): parent for unit, parent in reach.parents.items()}
        campaign.opened_at = timezone.now()
        campaign.save(update_fields=["anonymity_threshold", "unit_parents", "opened_at"])
        CampaignSignal.objects.bulk_create(
            CampaignSignal(campaign=campaign, signal_id=signal_id, reached_unit_ids=sorted(units))
            for signal_id, units in reach.signals.items()
        )
        members = queries.members_reached(campaign.organisation, reach).select_related("user").exclude(user__email="")
        personal_links.create_links(CampaignInvitation, members, campaign=campaign)
    return _send(campaign, reminder=False, site_url=site_url)


def send_campaign_reminders(*, campaign: Campaign, site_url: str) -> Sent:
    """Remind only those who have not rated; nobody learns who they are."""
    campaign = Campaign.objects.select_related("organisation").get(pk=campaign.pk)
    if not campaign.accepts_ratings:
        raise SteeringError(_("Reminders can only be sent while the campaign is open."))
    return _send(campaign, reminder=True, site_url=site_url)


def _send(campaign: Campaign, *, reminder: bool, site_url: str) -> Sent:
    links = CampaignInvitation.objects.filter(campaign=campaign).select_related("campaign")
    if reminder:
        links = links.filter(answered=False)
    subject = (
        _("Reminder: %(campaign)s") if reminder else _("Rate the steering signals that reach you: %(campaign)s")
    ) % {"campaign": campaign.name}

    def address(token: str) -> str:
        return site_url + reverse("steering:rate_link", args=[campaign.public_id, token])

    def body(link: str) -> str:
        context = {"campaign": campaign, "organisation": campaign.organisation, "link": link, "reminder": reminder}
        return render_to_string("steering/email/campaign_invitation.txt", context)

    return personal_links.send_links(links, subject=subject, address=address, body=body, reminder=reminder)


def campaign_links_under_older_keys() -> str:
    """For `rekey_data`: how many unanswered links of open campaigns were made with an older data key."""
    waiting = CampaignInvitation.objects.filter(
        answered=False, campaign__in=queries.accepting_campaigns()
    ).select_related("campaign")
    older = personal_links.links_under_older_keys(waiting)
    if not older:
        return "Styrsignaler: every personal link of an open campaign is made with the current key."
    return (
        f"Styrsignaler: {older} personal links of open campaigns were made with an older key; keep it in "
        "DATA_KEY_FALLBACKS until those campaigns close."
    )


# Rating ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetEntry:
    """One signal's rating as posted: value and burden 1–5 or None ("don't know" or left out), whether the rater
    knows who uses the data (None: not answered), and a comment."""

    value: int | None = None
    burden: int | None = None
    knows_user: bool | None = None
    comment: str = ""

    @property
    def is_empty(self) -> bool:
        return self.value is None and self.burden is None and self.knows_user is None and not self.comment.strip()


def _check_accepts(campaign: Campaign) -> None:
    if campaign.is_upcoming:
        raise SteeringError(_("The campaign has not opened yet."))
    if campaign.is_closed:
        raise SteeringError(_("The campaign has closed. Thank you for your interest!"))


def _on_scale(number: int | None) -> int | None:
    if number is None:
        return None
    if type(number) is not int or not SCALE_MIN <= number <= SCALE_MAX:
        raise SteeringError(_("Rate on the scale from 1 to 5, or choose “don’t know”."))
    return number


def _cleaned(entry: SheetEntry) -> tuple[dict[str, object], dict[str, int]]:
    comment = normalise_text(entry.comment or "")
    if len(comment) > COMMENT_MAX_LENGTH:
        raise SteeringError(_("Keep each comment within %(limit)d characters.") % {"limit": COMMENT_MAX_LENGTH})
    removed: dict[str, int] = {}
    if comment:
        masked = mask_personal_data(comment)
        comment, removed = masked.text, dict(masked.removed)
    if entry.knows_user is not None and not isinstance(entry.knows_user, bool):
        raise SteeringError(_("Answer yes or no to whether you know who uses the data."))
    rating: dict[str, object] = {
        "value": _on_scale(entry.value),
        "burden": _on_scale(entry.burden),
        "knows_user": entry.knows_user,
        "comment": comment,
    }
    return rating, removed


def rate(*, campaign: Campaign, token: str, sheet: Mapping[uuid.UUID, SheetEntry]) -> dict[str, int]:
    """Store the ratings of a personal link, once, in the campaign's inbox, keyed by the signals' public ids; what
    masking took out of the comments (how many of each kind). The same link twice, even at the same moment, stores
    one sheet: both wait for the campaign's row lock, and the second finds the invitation answered (AlreadyRated).
    SteeringError, and nothing stored, for a link that is not the campaign's, a campaign not open, a signal that
    does not reach the rater's unit, a value outside 1–5, a comment too long, or a sheet with nothing rated."""
    _check_accepts(campaign)
    invitation = queries.invitation_for_token(campaign, token)
    if invitation is None:
        raise SteeringError(_("This link is not valid for this campaign."))
    reaching = {signal.public_id: signal.pk for signal in queries.signals_to_rate(campaign, invitation.unit_id)}
    ratings: list[dict[str, object]] = []
    removed: dict[str, int] = {}
    for public_id, entry in sheet.items():
        if public_id not in reaching:
            raise SteeringError(
                _("The ratings do not match the signals that reach you. Reload the page and try again.")
            )
        if entry.is_empty:
            continue
        rating, masked = _cleaned(entry)
        ratings.append({"signal": reaching[public_id], **rating})
        for kind, count in masked.items():
            removed[kind] = removed.get(kind, 0) + count
    if not ratings:
        raise SteeringError(_("Rate at least one signal before you send."))
    with transaction.atomic():
        locked = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
        _check_accepts(locked)
        updated = CampaignInvitation.objects.filter(pk=invitation.pk, answered=False).update(
            answered=True, awaiting_mix=True
        )
        if not updated:
            raise AlreadyRated(_("You have already rated in this campaign. Thank you!"))
        PendingSheet.objects.create(
            campaign=campaign,
            level_id=invitation.level_id,
            actor_group_id=invitation.actor_group_id,
            ratings=ratings,
        )
    return removed


# Closing and sealing --------------------------------------------------------------------------------------------


def close_campaign(*, campaign: Campaign) -> Campaign:
    """Close the campaign now and seal it (`seal_campaign`): the campaign, closed and (unless sealing failed)
    sealed. SteeringError before it opens.

    Closing and sealing are two transactions: if sealing fails, the campaign stays closed and its analysis waits for
    the next `seal_campaign` (the process leader's button, or `seal_due_campaigns`)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=campaign.pk)
        if not campaign.is_launched:
            raise SteeringError(_("The campaign has not opened yet."))
        if campaign.closed_at is None:
            campaign.closed_at = timezone.now()
            campaign.save(update_fields=["closed_at"])
    try:
        return seal_campaign(campaign=campaign)
    except DatabaseError as error:
        logger.warning("Steering campaign %s: sealing failed (%s)", campaign.pk, type(error).__name__)
        return campaign


def seal_campaign(*, campaign: Campaign) -> Campaign:
    """Once a campaign has closed: split every sheet of its inbox into `Rating` rows in a random order with random
    ids, delete the inbox, and rewrite every "has answered" flag, in one transaction under the campaign's row lock
    (which rating takes too, so no sheet arrives after this); the campaign, sealed. One that has not closed is
    returned as it is."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=campaign.pk)
        if not campaign.is_closed or (campaign.is_sealed and not campaign.pending_sheets.exists()):
            return campaign
        sheets = list(PendingSheet.objects.filter(campaign=campaign))
        shuffler = secrets.SystemRandom()
        ratings = [
            Rating(
                campaign=campaign,
                signal_id=entry["signal"],
                level_id=sheet.level_id,
                actor_group_id=sheet.actor_group_id,
                value=entry.get("value"),
                burden=entry.get("burden"),
                knows_user=entry.get("knows_user"),
                comment=entry.get("comment", ""),
            )
            for sheet in sheets
            for entry in sheet.ratings
        ]
        shuffler.shuffle(ratings)
        for rating in ratings:
            rating.id = uuid.UUID(bytes=secrets.token_bytes(16), version=4)
        Rating.objects.bulk_create(ratings, batch_size=2000)
        PendingSheet.objects.filter(pk__in=[sheet.pk for sheet in sheets]).delete()
        CampaignInvitation.objects.filter(campaign=campaign, answered=True).update(answered=True, awaiting_mix=False)
        campaign.sealed_at = campaign.sealed_at or timezone.now()
        campaign.save(update_fields=["sealed_at"])
        organisation_actions.pages_changed(campaign.organisation_id)
        transaction.on_commit(vacuum_rating_tables)
    return campaign


@dataclass(frozen=True)
class Sealing:
    sealed: int
    failed: int


def seal_due_campaigns() -> Sealing:
    """Seal every closed campaign that is not sealed yet, each in its own transaction; how many were sealed and how
    many failed (logged, and tried again on the next run)."""
    sealed = failed = 0
    for campaign in queries.campaigns_due_for_sealing():
        try:
            seal_campaign(campaign=campaign)
        except DatabaseError as error:
            logger.warning("Steering campaign %s: sealing failed (%s)", campaign.pk, type(error).__name__)
            failed += 1
        else:
            sealed += 1
    return Sealing(sealed, failed)


RATING_TABLE_MODELS = (PendingSheet, CampaignInvitation, Rating)


def vacuum_rating_tables() -> None:
    """On PostgreSQL, VACUUM the inbox, invitation and rating tables after sealing, so the row versions it left
    behind (the inbox rows, the invitations' earlier versions) are gone, not just invisible. Outside a transaction;
    a failure is logged and left to autovacuum."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in RATING_TABLE_MODELS)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {tables}")
    except DatabaseError as error:
        logger.warning("Styrsignaler: VACUUM of the rating tables failed (%s)", type(error).__name__)
