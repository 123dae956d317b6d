"""Every write of Brukarrösten, one transaction each; a refusal raises `ValidationError` with a Swedish message and
changes nothing."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.text import normalise_text
from tillit.organisations.models import Organisation, Unit
from tillit.privacy.identifying import flag_identifying_details
from tillit.privacy.masking import Masked, mask_personal_data, removed_in
from tillit.voice import languages, overview
from tillit.voice.models import (
    CONTACT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ContactRequest,
    ServicePage,
    Suggestion,
    VoiceSettings,
    new_code,
)
from tillit.workshops import queries as workshop_queries

if TYPE_CHECKING:
    from tillit.workshops.models import Item

__all__ = [
    "answer",
    "link_to_item",
    "merge",
    "open_page",
    "prepare",
    "remove_texts_past_retention",
    "review",
    "set_page_open",
    "set_retention",
    "set_status",
    "set_theme",
    "submit",
    "unlink",
    "unmerge",
]

LANGUAGES = tuple(languages.LANGUAGES)  # the public pages' languages, which a suggestion keeps


def prepare(helps: str, hinders: str) -> tuple[Masked, Masked]:
    """The two texts as they would be stored: cleaned and masked (what the writer is shown before sending)."""
    return mask_personal_data(normalise_text(helps)), mask_personal_data(normalise_text(hinders))


@transaction.atomic
def open_page(*, organisation: Organisation, unit: Unit, name: str) -> ServicePage:
    """Open Brukarrösten for a unit of the organisation: a public page with a short code."""
    if unit.organisation_id != organisation.pk:
        raise ValidationError(_("The unit is not part of this organisation."))
    if not unit.is_open:
        raise ValidationError(_("The unit is closed."))
    name = normalise_text(name)
    if not name:
        raise ValidationError(_("Give the service a name."))
    if ServicePage.objects.filter(organisation_id=unit.organisation_id, unit=unit).exists():
        raise ValidationError(_("The unit already has a page."))
    for _attempt in range(8):
        code = new_code()
        if not ServicePage.objects.filter(code=code).exists():
            break
    try:
        with transaction.atomic():
            return ServicePage.objects.create(organisation_id=unit.organisation_id, unit=unit, name=name, code=code)
    except IntegrityError as error:
        raise ValidationError(_("The page could not be opened. Try again.")) from error


def set_page_open(*, page: ServicePage, is_open: bool) -> ServicePage:
    if is_open and not page.unit.is_open:
        raise ValidationError(_("The unit is closed."))
    ServicePage.objects.filter(pk=page.pk).update(is_open=is_open)
    page.is_open = is_open
    return page


@transaction.atomic
def submit(
    *,
    page: ServicePage,
    helps: str,
    hinders: str = "",
    theme: str = "",
    respondent: str,
    language: str = "sv",
    contact: str = "",
    channel: str = Suggestion.Channel.WEB,
) -> Suggestion:
    """Store a suggestion, personal data masked, waiting for review; with contact details apart."""
    if not page.takes_suggestions and channel == Suggestion.Channel.WEB:
        raise ValidationError(_("This page no longer takes suggestions."))
    masked_helps, masked_hinders = prepare(helps, hinders)
    if not masked_helps.text:
        raise ValidationError(_("Write what makes a difference for you."))
    if len(masked_helps.text) > TEXT_MAX_LENGTH or len(masked_hinders.text) > TEXT_MAX_LENGTH:
        raise ValidationError(_("Write at most %(limit)s characters in each box.") % {"limit": TEXT_MAX_LENGTH})
    if theme and theme not in Suggestion.Theme.values:
        raise ValidationError(_("Choose a theme from the list."))
    if respondent not in Suggestion.Respondent.values:
        raise ValidationError(_("Choose who is answering."))
    if channel not in Suggestion.Channel.values:
        raise ValidationError(_("Choose how the suggestion came in."))
    contact = normalise_text(contact)
    if len(contact) > CONTACT_MAX_LENGTH:
        raise ValidationError(
            _("Write at most %(limit)s characters of contact details.") % {"limit": CONTACT_MAX_LENGTH}
        )
    flagged = flag_identifying_details(masked_helps.text) or flag_identifying_details(masked_hinders.text)
    suggestion = Suggestion.objects.create(
        organisation_id=page.organisation_id,
        page=page,
        helps=masked_helps.text,
        hinders=masked_hinders.text,
        theme=theme,
        respondent=respondent,
        channel=channel,
        language=language if language in LANGUAGES else "sv",
        needs_care=bool(flagged),
    )
    if contact:
        ContactRequest.objects.create(suggestion=suggestion, contact=contact)
    suggestion.removed_personal_data = removed_in(masked_helps, masked_hinders)  # type: ignore[attr-defined]  # for the message
    return suggestion


def _refuse_unchecked_names(text: str, names_checked: bool) -> None:
    """A public text from staff (an answer, a reason) that seems to name someone or give an address is saved only
    once the writer has confirmed that it points at nobody: staff write it, but it is published at once."""
    flags = flag_identifying_details(text)
    if flags and not names_checked:
        raise ValidationError(
            _(
                "The text may point at a person: %(words)s. It is published as it stands. Remove it, or tick that "
                "you have checked that it points at nobody."
            )
            % {"words": ", ".join(f"«{flag.text}»" for flag in flags)}
        )


def review(*, suggestion: Suggestion, publish: bool) -> Suggestion:
    """Publish a suggestion on the service's public page, or keep it unpublished."""
    suggestion.review = Suggestion.Review.PUBLISHED if publish else Suggestion.Review.REJECTED
    Suggestion.objects.filter(pk=suggestion.pk).update(review=suggestion.review)
    return suggestion


def set_theme(*, suggestion: Suggestion, theme: str) -> Suggestion:
    if theme and theme not in Suggestion.Theme.values:
        raise ValidationError(_("Choose a theme from the list."))
    suggestion.theme = theme
    Suggestion.objects.filter(pk=suggestion.pk).update(theme=theme)
    return suggestion


def set_status(*, suggestion: Suggestion, status: str, reason: str = "", names_checked: bool = False) -> Suggestion:
    """Received, being considered, done, or not possible (with a reason, which is public)."""
    if status not in Suggestion.Status.values:
        raise ValidationError(_("Choose a status from the list."))
    reason = normalise_text(reason)
    if status == Suggestion.Status.NOT_POSSIBLE and not reason:
        raise ValidationError(_("Say why it is not possible."))
    if len(reason) > TEXT_MAX_LENGTH:
        raise ValidationError(_("Write at most %(limit)s characters.") % {"limit": TEXT_MAX_LENGTH})
    _refuse_unchecked_names(reason, names_checked)
    suggestion.status, suggestion.reason = status, mask_personal_data(reason).text
    Suggestion.objects.filter(pk=suggestion.pk).update(status=suggestion.status, reason=suggestion.reason)
    return suggestion


@transaction.atomic
def answer(*, suggestion: Suggestion, text: str, names_checked: bool = False) -> Suggestion:
    """Answer publicly. The contact details, if any, have done their job once the answer is given: they are deleted
    (whoever sends the answer to the person does it before saving)."""
    text = normalise_text(text)
    if not text:
        raise ValidationError(_("Write the answer."))
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(_("Write at most %(limit)s characters.") % {"limit": TEXT_MAX_LENGTH})
    _refuse_unchecked_names(text, names_checked)
    suggestion.answer = mask_personal_data(text).text
    suggestion.answered_on = timezone.localdate()
    Suggestion.objects.filter(pk=suggestion.pk).update(answer=suggestion.answer, answered_on=suggestion.answered_on)
    ContactRequest.objects.filter(suggestion=suggestion).delete()
    return suggestion


def set_retention(*, organisation: Organisation, months: object) -> VoiceSettings:
    """How many months the texts of the organisation's suggestions are kept (counts by theme and status stay)."""
    try:
        chosen = int(str(months).strip())
    except ValueError:
        chosen = 0
    if not 1 <= chosen <= VoiceSettings.RETENTION_MONTHS_MAX:
        raise ValidationError(
            _("Choose a number of months from 1 to %(limit)s.") % {"limit": VoiceSettings.RETENTION_MONTHS_MAX}
        )
    found, _created = VoiceSettings.objects.update_or_create(
        organisation=organisation, defaults={"retention_months": chosen}
    )
    return found


@transaction.atomic
def remove_texts_past_retention(*, today: datetime.date | None = None) -> int:
    """Delete the texts (and any contact details) of suggestions received before each organisation's retention
    period; the rows stay with their service, theme, channel, status and day, so that counts do. Returns how many
    suggestions lost their texts."""
    today = today or timezone.localdate()
    months_of = dict(VoiceSettings.objects.values_list("organisation_id", "retention_months"))
    organisations = Suggestion.objects.filter(text_removed_on__isnull=True).values_list("organisation_id", flat=True)
    removed = 0
    for organisation_id in sorted(set(organisations)):
        cutoff = overview.months_before(today, months_of.get(organisation_id, VoiceSettings.DEFAULT_RETENTION_MONTHS))
        due = Suggestion.objects.filter(
            organisation_id=organisation_id, received_on__lt=cutoff, text_removed_on__isnull=True
        )
        ContactRequest.objects.filter(suggestion__in=due).delete()
        removed += due.update(helps="", hinders="", needs_care=False, text_removed_on=today)
    return removed


# Merging similar suggestions, and linking them to a workshop's cards ---------------------------------------------


@transaction.atomic
def merge(*, suggestion: Suggestion, into: Suggestion) -> Suggestion:
    """Show `suggestion` under `into`, which says much the same: it keeps its own texts and row (it is one person's
    voice, and is counted), and its status and answer are given on `into`. When `into` is itself merged into another,
    the suggestion goes to that one, and so do those already merged into the suggestion: never a chain. Merging
    again into the same one changes nothing; `unmerge` undoes it."""
    if suggestion.organisation_id != into.organisation_id:
        raise ValidationError(_("Only suggestions of the same organisation can be merged."))
    if suggestion.pk == into.pk:
        raise ValidationError(_("A suggestion cannot be merged into itself."))
    # Lock both rows and read them again: two merges at once must not make a chain.
    locked = {
        found.pk: found for found in Suggestion.objects.select_for_update().filter(pk__in=[suggestion.pk, into.pk])
    }
    if len(locked) != 2:
        raise ValidationError(_("The suggestion no longer exists."))
    moving, kept = locked[suggestion.pk], locked[into.pk]
    if kept.merged_into_id is not None:  # merge into its root
        if kept.merged_into_id == moving.pk:
            raise ValidationError(
                _("That suggestion is already merged into this one. Take it apart first to merge the other way.")
            )
        kept = Suggestion.objects.select_for_update().get(pk=kept.merged_into_id)
    if moving.merged_into_id != kept.pk:
        Suggestion.objects.filter(merged_into=moving).update(merged_into=kept)
        Suggestion.objects.filter(pk=moving.pk).update(merged_into=kept)
    suggestion.merged_into = kept
    return suggestion


def unmerge(*, suggestion: Suggestion) -> Suggestion:
    """Show a merged suggestion on its own again."""
    if suggestion.merged_into_id is None:
        raise ValidationError(_("The suggestion is not merged into another."))
    Suggestion.objects.filter(pk=suggestion.pk).update(merged_into=None)
    suggestion.merged_into = None
    return suggestion


def link_to_item(*, suggestion: Suggestion, item: Item) -> Suggestion:
    """Link the suggestion to an effect or activity of one of the organisation's workshops, where it is then shown
    as the service users' voice behind that card once it is published (`workshops.queries.effect_chain`). A
    suggestion has at most one card: linking again moves it."""
    workshop = item.workshop
    if workshop.organisation_id != suggestion.organisation_id:
        raise ValidationError(_("The card belongs to another organisation."))
    if item.kind not in {kind for kind, _label in workshop_queries.PROMOTABLE_KINDS}:
        raise ValidationError(_("Link a suggestion to an effect or an activity, not to a goal."))
    if item.merged_into_id is not None:
        raise ValidationError(_("The card was merged into another one: link the suggestion to that one."))
    if workshop.is_closed:
        raise ValidationError(_("The workshop is closed: link the suggestion to a card of a workshop still going on."))
    Suggestion.objects.filter(pk=suggestion.pk).update(item=item)
    suggestion.item = item
    return suggestion


def unlink(*, suggestion: Suggestion) -> Suggestion:
    """Take away the suggestion's link to a workshop's card (nothing to do when it has none)."""
    Suggestion.objects.filter(pk=suggestion.pk).update(item=None)
    suggestion.item = None
    return suggestion
