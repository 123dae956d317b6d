"""Changes of state in the barometer: the instrument, rounds, invitations and answers.

Each function runs in one transaction and checks what it needs. Errors a person can fix are raised as
`BarometerError` with a message in the reader's language.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.barometer.bank import DEFAULT_ITEMS, BankItem, validated_block
from tillit.barometer.models import (
    OPEN_ANSWER_MAX_LENGTH,
    SCALE_MAX,
    SCALE_MIN,
    Answer,
    Instrument,
    Invitation,
    Item,
    OpenAnswer,
    PopulationCount,
    Response,
    Round,
    pack_scale_answers,
    scale_item_ids,
)
from tillit.core.text import normalise_text
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit

logger = logging.getLogger(__name__)

DONT_KNOW = None  # the stored value of "vet ej"


class BarometerError(ValidationError):
    """A change the barometer's rules or dates do not allow."""


# The instrument


def current_instrument(organisation: Organisation) -> Instrument:
    """The organisation's newest instrument version; the item bank's default as version 1 if it has none."""
    instrument = Instrument.objects.filter(organisation=organisation).order_by("-version").first()
    if instrument is None:
        with transaction.atomic():
            instrument = Instrument.objects.create(organisation=organisation, version=1)
            _add_bank_items(instrument, DEFAULT_ITEMS)
    return instrument


def editable_instrument(organisation: Organisation) -> Instrument:
    """The version to edit: the newest if it is still a draft, else a new draft copied from it."""
    with transaction.atomic():
        latest = current_instrument(organisation)
        latest = Instrument.objects.select_for_update().get(pk=latest.pk)
        if not latest.is_frozen:
            return latest
        draft = Instrument.objects.create(organisation=organisation, version=latest.version + 1)
        Item.objects.bulk_create(_item_like(item, draft, item.position) for item in latest.items.all())
        return draft


ITEM_CONTENT = ("code", "theme", "kind", "origin", "text_sv", "text_en", "reference_share", "reference_source")


def _item_like(source: Item | BankItem, instrument: Instrument, position: int) -> Item:
    """A new item of `instrument` with the content of a bank item or of an earlier version's item."""
    return Item(instrument=instrument, position=position, **{name: getattr(source, name) for name in ITEM_CONTENT})


def _add_bank_items(instrument: Instrument, items: Iterable[BankItem]) -> list[Item]:
    start = (instrument.items.aggregate(last=Max("position"))["last"] or 0) + 1
    return Item.objects.bulk_create(_item_like(item, instrument, start + offset) for offset, item in enumerate(items))


def _check_editable(instrument: Instrument) -> None:
    if instrument.is_frozen:
        raise BarometerError(_("This version of the questionnaire is in use by a round and can no longer change."))


def add_validated_block(*, instrument: Instrument, key: str) -> list[Item]:
    _check_editable(instrument)
    block = validated_block(key)
    existing = set(instrument.items.values_list("code", flat=True))
    if existing & {item.code for item in block.items}:
        raise BarometerError(_("The questionnaire already has this block."))
    return _add_bank_items(instrument, block.items)


def add_own_item(*, instrument: Instrument, theme: str, kind: str, text_sv: str, text_en: str) -> Item:
    _check_editable(instrument)
    text_sv, text_en = normalise_text(text_sv), normalise_text(text_en)
    if not text_sv:
        raise BarometerError(_("Write the item in Swedish."))
    if instrument.items.filter(text_sv__iexact=text_sv).exists():
        raise BarometerError(_("The questionnaire already has an item with this text."))
    number = 1 + instrument.items.filter(origin=Item.Origin.OWN).count()
    codes = set(instrument.items.values_list("code", flat=True))
    while f"own_{number}" in codes:
        number += 1
    position = (instrument.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = Item(
        instrument=instrument,
        code=f"own_{number}",
        theme=theme,
        kind=kind,
        origin=Item.Origin.OWN,
        text_sv=text_sv,
        text_en=text_en,
        position=position,
    )
    item.full_clean()
    item.save()
    return item


def remove_item(*, item: Item) -> None:
    _check_editable(item.instrument)
    if item.instrument.items.count() <= 1:
        raise BarometerError(_("A questionnaire needs at least one item."))
    item.delete()


# Rounds


def _check_dates(opens_on: datetime.date, closes_on: datetime.date) -> None:
    if closes_on < opens_on:
        raise BarometerError(_("The round cannot close before it opens."))


def create_round(
    *,
    organisation: Organisation,
    name: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    live_results: bool = False,
    created_by: Membership | None = None,
) -> Round:
    _check_dates(opens_on, closes_on)
    return Round.objects.create(
        organisation=organisation,
        instrument=current_instrument(organisation),
        name=normalise_text(name),
        opens_on=opens_on,
        closes_on=closes_on,
        live_results=live_results,
        open_key=secrets.token_urlsafe(32),
        created_by=created_by,
    )


def update_round(
    *, round: Round, name: str, opens_on: datetime.date, closes_on: datetime.date, live_results: bool
) -> Round:
    _check_dates(opens_on, closes_on)
    if round.is_closed:
        raise BarometerError(_("The round is closed and can no longer change."))
    if round.is_launched and opens_on != round.opens_on:
        raise BarometerError(_("The round has opened; its opening date can no longer change."))
    if round.is_launched and live_results and not round.live_results:
        raise BarometerError(
            _(
                "Live results can only be chosen before the round opens: switched on later, they would show answers arrive."
            )
        )
    if round.is_launched and closes_on < timezone.localdate():
        raise BarometerError(_("Choose a closing date from today on, or close the round instead."))
    round.name, round.opens_on, round.closes_on, round.live_results = (
        normalise_text(name),
        opens_on,
        closes_on,
        live_results,
    )
    round.save(update_fields=["name", "opens_on", "closes_on", "live_results"])
    return round


@dataclass(frozen=True)
class Sent:
    sent: int
    failed: int


def launch_round(*, round: Round, site_url: str) -> Sent:
    """Open the round: freeze the questionnaire, snapshot the population, invite every member with e-mail."""
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.is_launched:
            raise BarometerError(_("The round has already opened."))
        if round.closes_on < timezone.localdate():
            raise BarometerError(_("The closing date has passed; choose a later one before opening the round."))
        instrument = current_instrument(round.organisation)
        Instrument.objects.filter(pk=instrument.pk, frozen_at__isnull=True).update(frozen_at=timezone.now())
        round.instrument = instrument
        round.opened_at = timezone.now()
        fix_round_context(round)
        round.save(update_fields=["instrument", "opened_at", "anonymity_threshold", "unit_parents"])
        members = Membership.objects.filter(organisation=round.organisation, user__is_active=True)
        PopulationCount.objects.bulk_create(
            PopulationCount(
                round=round,
                count=row["count"],
                **{field: row[field] for field in ("unit_id", "level_id", "actor_group_id")},
            )
            for row in members.values("unit_id", "level_id", "actor_group_id").annotate(count=Count("pk"))
        )
        Invitation.objects.bulk_create(
            Invitation(
                round=round,
                membership=membership,
                email=membership.user.email,
                token_hash=secrets.token_hex(32),  # replaced by the link's hash below, once the id is known
                unit_id=membership.unit_id,
                level_id=membership.level_id,
                actor_group_id=membership.actor_group_id,
            )
            for membership in members.select_related("user").exclude(user__email="")
        )
        _store_token_hashes(round)
    return _send(round, Invitation.objects.filter(round=round), site_url=site_url, reminder=False)


def fix_round_context(round: Round) -> None:
    """Fix the threshold and the unit tree the round's results are suppressed with (not saved here)."""
    round.anonymity_threshold = round.organisation.anonymity_threshold
    round.unit_parents = {
        str(unit): parent
        for unit, parent in Unit.objects.filter(organisation=round.organisation).values_list("pk", "parent_id")
    }


def _store_token_hashes(round: Round) -> None:
    invitations = list(Invitation.objects.filter(round=round).only("pk", "round_id"))
    for invitation in invitations:
        invitation.round = round
        invitation.token_hash = hash_token(invitation_token(invitation))
    Invitation.objects.bulk_update(invitations, ["token_hash"], batch_size=1000)


def invitation_token(invitation: Invitation) -> str:
    """The secret in a personal link. Derived with the site's key, so a reminder can repeat the same link."""
    message = f"barometer-invitation:{invitation.round.public_id}:{invitation.pk}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return digest[:24].hex()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def send_reminders(*, round: Round, site_url: str) -> Sent:
    """Remind only those who have not answered. Nobody learns who they are: the page shows a count."""
    if not round.accepts_answers:
        raise BarometerError(_("Reminders can only be sent while the round is open."))
    sent = _send(round, Invitation.objects.filter(round=round, answered=False), site_url=site_url, reminder=True)
    return sent


def _send(round: Round, invitations: QuerySet[Invitation], *, site_url: str, reminder: bool) -> Sent:
    sent = failed = 0
    subject = (_("Reminder: %(round)s") if reminder else _("Your answers are wanted: %(round)s")) % {
        "round": round.name
    }
    stamp_field = "reminded_at" if reminder else "sent_at"
    for invitation in invitations.select_related("round"):
        link = site_url + reverse("barometer:respond", args=[round.public_id, invitation_token(invitation)])
        body = render_to_string(
            "barometer/email/invitation.txt",
            {"round": round, "organisation": round.organisation, "link": link, "reminder": reminder},
        )
        try:
            send_mail(subject, body, None, [invitation.email])
        except (OSError, smtplib.SMTPException) as error:
            logger.warning("Barometer invitation %s not sent: %s", invitation.pk, error)
            failed += 1
            continue
        Invitation.objects.filter(pk=invitation.pk).update(**{stamp_field: timezone.now()})
        sent += 1
    return Sent(sent, failed)


def close_round(*, round: Round) -> Round:
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if not round.is_launched:
            raise BarometerError(_("The round has not opened yet."))
        if round.closed_at is None:
            round.closed_at = timezone.now()
            round.save(update_fields=["closed_at"])
    return seal_round(round=round)


def seal_round(*, round: Round) -> Round:
    """Once a round has closed: make sure no answer can arrive any more, and rewrite every "has answered" flag.

    Submissions check the round under the same row lock, so after this none is stored. Rewriting the answered
    invitations in one statement gives them all one new row version: in PostgreSQL a row remembers the
    transaction that wrote it, and until now each flag shared its transaction with one response.
    """
    with transaction.atomic():
        round = Round.objects.select_for_update().select_related("organisation").get(pk=round.pk)
        if round.sealed_at is None and round.is_closed:
            Invitation.objects.filter(round=round, answered=True).update(answered=True)
            round.sealed_at = timezone.now()
            round.save(update_fields=["sealed_at"])
    return round


# Answering


def invitation_for_token(round: Round, token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return Invitation.objects.filter(round=round, token_hash=hash_token(token)).first()


@dataclass(frozen=True)
class Answers:
    """Cleaned answers: scale values by item (None is "vet ej"), and open texts by item."""

    scale: Mapping[int, int | None]
    open: Mapping[int, str]


def clean_answers(round: Round, scale: Mapping[str, str], open_texts: Mapping[str, str]) -> Answers:
    """Check raw form values (by item code) against the round's questionnaire. Unanswered items are skipped."""
    items = {item.code: item for item in round.instrument.items.all()}
    cleaned_scale: dict[int, int | None] = {}
    for code, raw in scale.items():
        item = items.get(code)
        if item is None or not item.is_scale:
            raise BarometerError(_("The answers do not match the questionnaire. Reload the page and try again."))
        if raw in ("", None):
            continue
        if raw == "dont_know":
            cleaned_scale[item.pk] = DONT_KNOW
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if not SCALE_MIN <= value <= SCALE_MAX:
            raise BarometerError(_("Answer on the scale from 1 to 5, or choose “don’t know”."))
        cleaned_scale[item.pk] = value
    cleaned_open: dict[int, str] = {}
    for code, raw in open_texts.items():
        item = items.get(code)
        if item is None or item.is_scale:
            raise BarometerError(_("The answers do not match the questionnaire. Reload the page and try again."))
        text = normalise_text(raw or "")
        if len(text) > OPEN_ANSWER_MAX_LENGTH:
            raise BarometerError(
                _("Keep each open answer within %(limit)d characters.") % {"limit": OPEN_ANSWER_MAX_LENGTH}
            )
        if text:
            cleaned_open[item.pk] = text
    return Answers(cleaned_scale, cleaned_open)


class AlreadyAnswered(BarometerError):
    pass


def answer_with_invitation(*, round: Round, token: str, answers: Answers) -> None:
    """Store the answers of a personal link, once. The same token twice, even at the same moment, stores one."""
    _check_accepts(round)
    invitation = invitation_for_token(round, token)
    if invitation is None:
        raise BarometerError(_("This link is not valid for this round."))
    with transaction.atomic():
        # The conditional update takes the row lock; a second submission waits, then finds it answered.
        if not Invitation.objects.filter(pk=invitation.pk, answered=False).update(answered=True):
            raise AlreadyAnswered(_("You have already answered this round. Thank you!"))
        _store(round, invitation.unit_id, invitation.level_id, invitation.actor_group_id, answers)
        _recheck_under_lock(round)


def answer_openly(
    *, round: Round, unit: Unit, level: Level | None, actor_group: ActorGroup | None, answers: Answers
) -> None:
    """Store the answers given through the round's open link (the device remembers that it has answered)."""
    _check_accepts(round)
    if unit.organisation_id != round.organisation_id or not unit.is_open:
        raise BarometerError(_("Choose one of the organisation's units."))
    for choice in (level, actor_group):
        if choice is not None and choice.organisation_id != round.organisation_id:
            raise BarometerError(_("Choose from the organisation's own lists."))
    with transaction.atomic():
        _store(round, unit.pk, level.pk if level else None, actor_group.pk if actor_group else None, answers)
        _recheck_under_lock(round)


def _check_accepts(round: Round) -> None:
    if not round.is_launched or timezone.localdate() < round.opens_on:
        raise BarometerError(_("The round has not opened yet."))
    if round.is_closed:
        raise BarometerError(_("The round has closed. Thank you for your interest!"))


def _recheck_under_lock(round: Round) -> None:
    """Check again, holding the round's row until commit, that it still takes answers. Closing takes the same
    lock, so an answer is either stored before the round closes or not at all. Taken last, the lock is held only
    for the commit."""
    _check_accepts(Round.objects.select_for_update().select_related("organisation").get(pk=round.pk))


def _store(
    round: Round, unit_id: int | None, level_id: int | None, actor_group_id: int | None, answers: Answers
) -> None:
    response = Response.objects.create(
        round=round,
        unit_id=unit_id,
        level_id=level_id,
        actor_group_id=actor_group_id,
        scale_answers=pack_scale_answers(scale_item_ids(round.instrument), dict(answers.scale)),
    )
    Answer.objects.bulk_create(
        Answer(response=response, item_id=item_id, value=value) for item_id, value in answers.scale.items()
    )
    OpenAnswer.objects.bulk_create(
        OpenAnswer(response=response, item_id=item_id, text=text) for item_id, text in answers.open.items()
    )
