"""Every write of Brukarrösten, one transaction each; a refusal raises `ValidationError` with a Swedish message and
changes nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.text import normalise_text
from tillit.organisations.models import Organisation, Unit
from tillit.privacy.identifying import flag_identifying_details
from tillit.privacy.masking import Masked, mask_personal_data, removed_in
from tillit.voice.models import (
    CONTACT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ContactRequest,
    ServicePage,
    Suggestion,
    new_code,
)

__all__ = [
    "answer",
    "open_page",
    "prepare",
    "review",
    "set_page_open",
    "set_status",
    "set_theme",
    "submit",
]

LANGUAGES = ("sv", "en", "fi", "ar")


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
    if not page.is_open and channel == Suggestion.Channel.WEB:
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


def set_status(*, suggestion: Suggestion, status: str, reason: str = "") -> Suggestion:
    """Received, being considered, done, or not possible (with a reason, which is public)."""
    if status not in Suggestion.Status.values:
        raise ValidationError(_("Choose a status from the list."))
    reason = normalise_text(reason)
    if status == Suggestion.Status.NOT_POSSIBLE and not reason:
        raise ValidationError(_("Say why it is not possible."))
    if len(reason) > TEXT_MAX_LENGTH:
        raise ValidationError(_("Write at most %(limit)s characters.") % {"limit": TEXT_MAX_LENGTH})
    suggestion.status, suggestion.reason = status, mask_personal_data(reason).text
    Suggestion.objects.filter(pk=suggestion.pk).update(status=suggestion.status, reason=suggestion.reason)
    return suggestion


@transaction.atomic
def answer(*, suggestion: Suggestion, text: str) -> Suggestion:
    """Answer publicly. The contact details, if any, have done their job once the answer is given: they are deleted
    (whoever sends the answer to the person does it before saving)."""
    text = normalise_text(text)
    if not text:
        raise ValidationError(_("Write the answer."))
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(_("Write at most %(limit)s characters.") % {"limit": TEXT_MAX_LENGTH})
    suggestion.answer = mask_personal_data(text).text
    suggestion.answered_on = timezone.localdate()
    Suggestion.objects.filter(pk=suggestion.pk).update(answer=suggestion.answer, answered_on=suggestion.answered_on)
    ContactRequest.objects.filter(suggestion=suggestion).delete()
    return suggestion
