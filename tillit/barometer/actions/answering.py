"""Answering a round: checking the answers against its questionnaire, and storing them in the round's inbox.

What is stored is what a `PendingResponse` holds: the respondent's unit, level and actor group, whether the answer
came through a personal link, and the answers; no person, token, session, address, browser or time. The inbox is
mixed into the responses batch by batch (`mixing`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from tillit.barometer import queries
from tillit.barometer.actions.errors import AlreadyAnswered, BarometerError, UnitFull
from tillit.barometer.actions.mixing import mix_when_full
from tillit.barometer.models import (
    OPEN_ANSWER_MAX_LENGTH,
    SCALE_MAX,
    SCALE_MIN,
    Invitation,
    PendingResponse,
    Round,
    pack_scale_answers,
    scale_item_ids,
)
from tillit.core.text import normalise_text
from tillit.organisations.models import ActorGroup, Level, Unit
from tillit.privacy.masking import mask_personal_data

DONT_KNOW = None  # the stored value of "vet ej"
DONT_KNOW_CHOICE = "dont_know"  # what the form sends for it


@dataclass(frozen=True)
class Answers:
    """Cleaned answers: scale values by item (None is "vet ej"), and open texts by item, personal data masked."""

    scale: Mapping[int, int | None]
    open: Mapping[int, str]
    # What masking took out of the open answers: how many of each kind (never the data itself).
    removed: Mapping[str, int] = field(default_factory=dict)


def clean_answers(round: Round, scale: Mapping[str, str], open_texts: Mapping[str, str]) -> Answers:
    """Check raw form values (by item code) against the round's questionnaire, and mask personal data in the open
    answers (`tillit.privacy.masking`). Unanswered items are skipped; BarometerError for anything else."""
    items = {item.code: item for item in round.instrument.items.all()}
    cleaned_scale: dict[int, int | None] = {}
    for code, raw in scale.items():
        item = items.get(code)
        if item is None or not item.is_scale:
            raise BarometerError(_("The answers do not match the questionnaire. Reload the page and try again."))
        if raw in ("", None):
            continue
        if raw == DONT_KNOW_CHOICE:
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


def answer_with_invitation(*, round: Round, token: str, answers: Answers) -> None:
    """Store the answers of a personal link, once, in the round's inbox. The same token twice, even at the same
    moment, stores one: both wait for the round's row lock, and the second finds the invitation answered
    (AlreadyAnswered). BarometerError for a link that is not the round's, or a round that takes no answers."""
    _check_accepts(round)
    invitation = queries.invitation_for_token(round, token)
    if invitation is None:
        raise BarometerError(_("This link is not valid for this round."))
    with transaction.atomic():
        _lock_accepting(round)
        if not Invitation.objects.filter(pk=invitation.pk, answered=False).update(answered=True, awaiting_mix=True):
            raise AlreadyAnswered(_("You have already answered this round. Thank you!"))
        _put_in_inbox(round, invitation.unit_id, invitation.level_id, invitation.actor_group_id, answers, verified=True)
    mix_when_full(round)


def answer_openly(
    *, round: Round, unit: Unit, level: Level | None, actor_group: ActorGroup | None, answers: Answers
) -> None:
    """Store the answers given through the round's open link in the round's inbox (the device remembers that it
    has answered). Only a unit the round covers takes answers, and it takes at most as many responses, through every
    link, as it had members when the round opened: the open link cannot pad a group past the anonymity threshold
    (UnitFull)."""
    _check_accepts(round)
    if unit.organisation_id != round.organisation_id or not unit.is_open:
        raise BarometerError(_("Choose one of the organisation's units."))
    if unit.pk not in round.covered_unit_ids():  # units of the tree the round opened with, that it covers
        if round.covers_everyone:
            raise BarometerError(_("Choose one of the units that were in the organisation when the survey opened."))
        raise BarometerError(_("This survey covers only some of the organisation's units. Choose one of those listed."))
    for choice in (level, actor_group):
        if choice is not None and choice.organisation_id != round.organisation_id:
            raise BarometerError(_("Choose from the organisation's own lists."))
    with transaction.atomic():
        _lock_accepting(round)
        if queries.responses_in(round, unit) >= queries.population_of(round, unit):
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
    mix_when_full(round)


def _check_accepts(round: Round) -> None:
    if round.is_upcoming:
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


def _put_in_inbox(
    round: Round,
    unit_id: int | None,
    level_id: int | None,
    actor_group_id: int | None,
    answers: Answers,
    *,
    verified: bool,
) -> PendingResponse:
    """One answer into the round's inbox, as it is. Caller has checked the round and the respondent."""
    return PendingResponse.objects.create(
        round=round,
        unit_id=unit_id,
        level_id=level_id,
        actor_group_id=actor_group_id,
        verified=verified,
        scale_answers=pack_scale_answers(scale_item_ids(round.instrument), dict(answers.scale)),
        open_answers={str(item_id): text for item_id, text in answers.open.items()},
    )
