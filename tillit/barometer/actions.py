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
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max, QuerySet, Sum
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
    PendingResponse,
    PopulationCount,
    Response,
    Round,
    pack_scale_answers,
    scale_item_ids,
    unpack_scale_answers,
)
from tillit.core.text import normalise_text
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit
from tillit.privacy.masking import mask_personal_data

logger = logging.getLogger(__name__)

DONT_KNOW = None  # the stored value of "vet ej"
# How many answers the inbox gathers before they are mixed into the responses (settings.BAROMETER_MIX_BATCH).
DEFAULT_MIX_BATCH = 20


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
    created_by: Membership | None = None,
) -> Round:
    _check_dates(opens_on, closes_on)
    return Round.objects.create(
        organisation=organisation,
        instrument=current_instrument(organisation),
        name=normalise_text(name),
        opens_on=opens_on,
        closes_on=closes_on,
        open_key=secrets.token_urlsafe(32),
        created_by=created_by,
    )


def update_round(*, round: Round, name: str, opens_on: datetime.date, closes_on: datetime.date) -> Round:
    _check_dates(opens_on, closes_on)
    if round.is_closed:
        raise BarometerError(_("The round is closed and can no longer change."))
    if round.is_launched and opens_on != round.opens_on:
        raise BarometerError(_("The round has opened; its opening date can no longer change."))
    if round.is_launched and closes_on < timezone.localdate():
        raise BarometerError(_("Choose a closing date from today on, or close the round instead."))
    round.name, round.opens_on, round.closes_on = normalise_text(name), opens_on, closes_on
    round.save(update_fields=["name", "opens_on", "closes_on"])
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
        round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
        if not round.is_launched:
            raise BarometerError(_("The round has not opened yet."))
        if round.closed_at is None:
            round.closed_at = timezone.now()
            round.save(update_fields=["closed_at"])
    return seal_round(round=round)


def seal_round(*, round: Round) -> Round:
    """Once a round has closed: make sure no answer can arrive any more, mix what is left in the inbox, and rewrite
    every "has answered" flag. Afterwards every answer of the round is a `Response`.

    Submissions check the round under the same row lock, so after this none is stored. What is left in the inbox
    is fewer than a batch, so it is mixed together with randomly chosen responses already mixed, taken out and
    stored again with new ids: no set of responses written together is smaller than a batch (or the whole round,
    when that is smaller). Rewriting the answered invitations in one statement gives them all one new row version,
    which also covers answers stored before the inbox existed, when a flag shared its transaction with a response.
    """
    with transaction.atomic():
        round = (
            Round.objects.select_for_update(of=("self",)).select_related("organisation", "instrument").get(pk=round.pk)
        )
        if round.is_closed and (round.sealed_at is None or round.pending_responses.exists()):
            if not _mix(round, at_least=mix_batch_size(round)):  # a mix VACUUMs after commit by itself
                transaction.on_commit(vacuum_answer_tables)
            Invitation.objects.filter(round=round, answered=True).update(answered=True, awaiting_mix=False)
            round.sealed_at = round.sealed_at or timezone.now()
            round.save(update_fields=["sealed_at"])
    return round


# Answering


def invitation_for_token(round: Round, token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return Invitation.objects.filter(round=round, token_hash=hash_token(token)).first()


@dataclass(frozen=True)
class Answers:
    """Cleaned answers: scale values by item (None is "vet ej"), and open texts by item, personal data masked."""

    scale: Mapping[int, int | None]
    open: Mapping[int, str]
    # What masking took out of the open answers: how many of each kind (never the data itself).
    removed: Mapping[str, int] = field(default_factory=dict)


def clean_answers(round: Round, scale: Mapping[str, str], open_texts: Mapping[str, str]) -> Answers:
    """Check raw form values (by item code) against the round's questionnaire, and mask personal data in the open
    answers (`tillit.privacy.masking`). Unanswered items are skipped."""
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
    removed: Counter[str] = Counter()
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
            masked = mask_personal_data(text)
            removed.update(masked.removed)
            cleaned_open[item.pk] = masked.text
    return Answers(cleaned_scale, cleaned_open, dict(removed))


class AlreadyAnswered(BarometerError):
    pass


class UnitFull(BarometerError):
    """The open link would give a unit more responses than it had members when the round opened."""


def answer_with_invitation(*, round: Round, token: str, answers: Answers) -> None:
    """Store the answers of a personal link, once, in the round's inbox. The same token twice, even at the same
    moment, stores one: both wait for the round's row lock, and the second finds the invitation answered."""
    _check_accepts(round)
    invitation = invitation_for_token(round, token)
    if invitation is None:
        raise BarometerError(_("This link is not valid for this round."))
    with transaction.atomic():
        _lock_accepting(round)
        if not Invitation.objects.filter(pk=invitation.pk, answered=False).update(answered=True, awaiting_mix=True):
            raise AlreadyAnswered(_("You have already answered this round. Thank you!"))
        _put_in_inbox(round, invitation.unit_id, invitation.level_id, invitation.actor_group_id, answers, verified=True)
    _mix_when_full(round)


def answer_openly(
    *, round: Round, unit: Unit, level: Level | None, actor_group: ActorGroup | None, answers: Answers
) -> None:
    """Store the answers given through the round's open link in the round's inbox (the device remembers that it
    has answered). A unit takes at most as many responses, through every link, as it had members when the round
    opened: the open link cannot pad a group past the anonymity threshold."""
    _check_accepts(round)
    if unit.organisation_id != round.organisation_id or not unit.is_open:
        raise BarometerError(_("Choose one of the organisation's units."))
    if not round.has_unit(unit.pk):
        raise BarometerError(_("Choose one of the units that were in the organisation when the survey opened."))
    for choice in (level, actor_group):
        if choice is not None and choice.organisation_id != round.organisation_id:
            raise BarometerError(_("Choose from the organisation's own lists."))
    with transaction.atomic():
        _lock_accepting(round)
        if _responses_in(round, unit) >= _population_of(round, unit):
            raise UnitFull(
                _(
                    "The unit you chose already has as many answers as it had members when the survey opened, so it "
                    "takes no more through the open link. Check that you chose the right unit. If you did, contact "
                    "whoever sent you the survey."
                )
            )
        _put_in_inbox(
            round,
            unit.pk,
            level.pk if level else None,
            actor_group.pk if actor_group else None,
            answers,
            verified=False,
        )
    _mix_when_full(round)


def _check_accepts(round: Round) -> None:
    if not round.is_launched or timezone.localdate() < round.opens_on:
        raise BarometerError(_("The round has not opened yet."))
    if round.is_closed:
        raise BarometerError(_("The round has closed. Thank you for your interest!"))


def _lock_accepting(round: Round) -> Round:
    """Take the round's row lock until commit and check, under it, that the round still takes answers. Closing takes
    the same lock, so an answer is either stored before the round closes or not at all; and the counts a
    submission checks (the open link's cap, the inbox's batch) cannot change under it."""
    locked = Round.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=round.pk)
    _check_accepts(locked)
    return locked


def _population_of(round: Round, unit: Unit) -> int:
    """How many members the unit had when the round opened."""
    return PopulationCount.objects.filter(round=round, unit=unit).aggregate(total=Sum("count"))["total"] or 0


def _responses_in(round: Round, unit: Unit) -> int:
    """How many responses name the unit, through every link, those in the inbox included."""
    return (
        Response.objects.filter(round=round, unit=unit).count()
        + PendingResponse.objects.filter(round=round, unit=unit).count()
    )


def _put_in_inbox(
    round: Round,
    unit_id: int | None,
    level_id: int | None,
    actor_group_id: int | None,
    answers: Answers,
    *,
    verified: bool,
) -> PendingResponse:
    return PendingResponse.objects.create(
        round=round,
        unit_id=unit_id,
        level_id=level_id,
        actor_group_id=actor_group_id,
        verified=verified,
        scale_answers=pack_scale_answers(scale_item_ids(round.instrument), dict(answers.scale)),
        open_answers={str(item_id): text for item_id, text in answers.open.items()},
    )


# Mixing the inbox


def mix_batch_size(round: Round) -> int:
    """How many answers the inbox gathers before they are mixed: BAROMETER_MIX_BATCH, never below the round's k."""
    return max(int(getattr(settings, "BAROMETER_MIX_BATCH", DEFAULT_MIX_BATCH)), round.k)


def mix_inbox(*, round: Round) -> int:
    """Move everything in the round's inbox into its responses now, whatever its size; how many were moved.

    For tests and tools that need the answers readable at once; answering and closing mix by themselves.
    """
    with transaction.atomic():
        locked = (
            Round.objects.select_for_update(of=("self",)).select_related("organisation", "instrument").get(pk=round.pk)
        )
        return _mix(locked)


def _mix_when_full(round: Round) -> None:
    """Mix the round's inbox if it holds a batch. A separate transaction after the answer's: if mixing fails, the
    answer stays in the inbox and the next answer (or closing the round) mixes it."""
    try:
        with transaction.atomic():
            locked = (
                Round.objects.select_for_update(of=("self",))
                .select_related("organisation", "instrument")
                .get(pk=round.pk)
            )
            if PendingResponse.objects.filter(round=locked).count() >= mix_batch_size(locked):
                _mix(locked)
    except DatabaseError as error:
        logger.warning(
            "Barometer round %s: mixing the inbox failed (%s); it is tried again with the next answer",
            round.pk,
            type(error).__name__,
        )


@dataclass(frozen=True)
class _Entry:
    """One response's content on its way into the mixed tables."""

    unit_id: int | None
    level_id: int | None
    actor_group_id: int | None
    verified: bool
    scale_answers: bytes
    open_answers: dict[int, str]


def _mix(round: Round, *, at_least: int = 0) -> int:
    """Move the whole inbox into Response, Answer and OpenAnswer in a random order, with new random ids; delete the
    inbox rows; rewrite the answered flags of the invitations whose answers these are. Caller holds the round's lock
    in a transaction; if fewer than `at_least` are waiting, responses already mixed are taken out and stored again
    with them, chosen at random. Returns how many responses were written."""
    shuffler = secrets.SystemRandom()
    pending = list(PendingResponse.objects.filter(round=round))
    if not pending:
        return 0
    entries = [
        _Entry(
            row.unit_id,
            row.level_id,
            row.actor_group_id,
            row.verified,
            bytes(row.scale_answers),
            {int(item_id): text for item_id, text in row.open_answers.items()},
        )
        for row in pending
    ]
    if len(entries) < at_least:
        mixed = list(Response.objects.filter(round=round).values_list("pk", flat=True))
        again = shuffler.sample(mixed, min(len(mixed), at_least - len(entries)))
        entries += _entries_of(again)
        OpenAnswer.objects.filter(response_id__in=again).delete()
        Answer.objects.filter(response_id__in=again).delete()
        Response.objects.filter(pk__in=again).delete()
    shuffler.shuffle(entries)
    scale_ids = scale_item_ids(round.instrument)
    responses = [
        Response(
            id=uuid.UUID(bytes=secrets.token_bytes(16), version=4),
            round=round,
            unit_id=entry.unit_id,
            level_id=entry.level_id,
            actor_group_id=entry.actor_group_id,
            verified=entry.verified,
            scale_answers=entry.scale_answers,
        )
        for entry in entries
    ]
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(
        Answer(response=response, item_id=item_id, value=value)
        for response, entry in zip(responses, entries, strict=True)
        for item_id, value in unpack_scale_answers(scale_ids, entry.scale_answers).items()
    )
    OpenAnswer.objects.bulk_create(
        OpenAnswer(response=response, item_id=item_id, text=text)
        for response, entry in zip(responses, entries, strict=True)
        for item_id, text in entry.open_answers.items()
    )
    PendingResponse.objects.filter(pk__in=[row.pk for row in pending]).delete()
    Invitation.objects.filter(round=round, awaiting_mix=True).update(awaiting_mix=False)
    transaction.on_commit(vacuum_answer_tables)
    return len(responses)


def _entries_of(response_ids: list[uuid.UUID]) -> list[_Entry]:
    texts: dict[uuid.UUID, dict[int, str]] = {}
    for response_id, item_id, text in OpenAnswer.objects.filter(response_id__in=response_ids).values_list(
        "response_id", "item_id", "text"
    ):
        texts.setdefault(response_id, {})[item_id] = text
    return [
        _Entry(
            row.unit_id, row.level_id, row.actor_group_id, row.verified, bytes(row.scale_answers), texts.get(row.pk, {})
        )
        for row in Response.objects.filter(pk__in=response_ids)
    ]


ANSWER_TABLE_MODELS = (PendingResponse, Invitation, Response, Answer, OpenAnswer)


def vacuum_answer_tables() -> None:
    """On PostgreSQL, VACUUM the inbox, invitation and answer tables, so that the row versions a batch left behind
    (the inbox rows, the invitations' earlier versions, each with the transaction of its answer) are gone, not
    just invisible. Runs after commit, outside a transaction; a failure is logged and left to autovacuum."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in ANSWER_TABLE_MODELS)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {tables}")
    except DatabaseError as error:
        logger.warning("Barometer: VACUUM of the answer tables failed (%s)", type(error).__name__)
