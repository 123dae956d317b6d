"""Brukarrösten: a public page per service where service users and relatives say, without an account, what creates
quality for them, and the suggestions that come in.

A suggestion names nobody: it holds the text as it was stored (personal data masked before storage), what kind of
person wrote it (a service user, a relative, someone helping), how it came in and when (the day only). Contact
details, given only by someone who wants an answer, are stored apart (`ContactRequest`) and deleted when the answer
is sent or the suggestion is. Nothing stores an account, a session, an address or an exact time of a suggestion.
"""

from __future__ import annotations

import secrets
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.organisations.models import Organisation, Unit

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed from a poster
CODE_LENGTH = 6
TEXT_MAX_LENGTH = 2000
CONTACT_MAX_LENGTH = 200


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class ServicePage(models.Model):
    """A service's public page (`/r/<code>/`), opened by a process leader for a unit. The code is short and stable, so
    that a printed poster keeps working; closing the page keeps the code and answers with a friendly page."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(_("name of the service"), max_length=120)
    is_open = models.BooleanField(default=True)
    opened_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "unit"], name="one_service_page_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def takes_suggestions(self) -> bool:
        """Open, and its unit too: closing a unit closes its page without a second step."""
        return self.is_open and self.unit.is_open


class Suggestion(models.Model):
    """What one person told a service: what makes a difference, what gets in the way."""

    class Theme(models.TextChoices):
        SAFETY = "safety", _("Safety")  # trygghet
        CONDUCT = "conduct", _("How we are treated")  # bemötande
        INFLUENCE = "influence", _("Having a say")  # inflytande
        ACCESSIBILITY = "accessibility", _("Accessibility")  # tillgänglighet
        CONTINUITY = "continuity", _("Continuity")  # kontinuitet
        ACTIVITIES = "activities", _("Activities")  # aktiviteter
        OTHER = "other", _("Other")  # annat

    class Respondent(models.TextChoices):
        SERVICE_USER = "service_user", _("I use the service")
        RELATIVE = "relative", _("I am a relative")
        HELPER = "helper", _("I help someone who uses the service")
        OTHER = "other", _("Someone else")

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        PAPER = "paper", _("Paper")
        PHONE = "phone", _("Phone")
        MEETING = "meeting", _("Meeting")

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Not published")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")  # mottaget
        CONSIDERED = "considered", _("Being considered")  # övervägs
        DONE = "done", _("Done")  # genomfört
        NOT_POSSIBLE = "not_possible", _("Not possible")  # inte möjligt

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(ServicePage, on_delete=models.CASCADE, related_name="suggestions")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    helps = models.TextField(_("what makes a difference"), max_length=TEXT_MAX_LENGTH)
    hinders = models.TextField(_("what gets in the way"), max_length=TEXT_MAX_LENGTH, blank=True)
    theme = models.CharField(_("theme"), max_length=16, choices=Theme.choices, blank=True)
    respondent = models.CharField(_("who is answering"), max_length=16, choices=Respondent.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    language = models.CharField(max_length=8, default="sv")
    received_on = models.DateField(default=timezone.localdate)
    review = models.CharField(max_length=12, choices=Review.choices, default=Review.PENDING)
    needs_care = models.BooleanField(default=False)  # a likely name or address was flagged (privacy.identifying)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(_("reason"), max_length=TEXT_MAX_LENGTH, blank=True)
    answer = models.TextField(_("public answer"), max_length=TEXT_MAX_LENGTH, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    # A process leader merged this suggestion into another that says the same: it is shown and answered there.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_suggestions"
    )
    # The workshop effect or activity this suggestion is a voice behind (linked by a process leader).
    item = models.ForeignKey("workshops.Item", on_delete=models.SET_NULL, null=True, blank=True, related_name="voices")
    # The day the texts were deleted at the end of retention: the row stays, so that counts by theme and status do.
    text_removed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_possible") | ~Q(reason=""), name="not_possible_has_a_reason"
            ),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="suggestion_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return self.helps[:60]


class VoiceSettings(models.Model):
    """An organisation's choices for Brukarrösten (one row, created when first changed)."""

    DEFAULT_RETENTION_MONTHS = 24
    RETENTION_MONTHS_MAX = 120

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    retention_months = models.PositiveSmallIntegerField(
        _("months before the texts are deleted"),
        default=DEFAULT_RETENTION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(RETENTION_MONTHS_MAX)],
    )


class ContactRequest(models.Model):
    """How to reach someone who wants an answer: apart from the suggestion, deleted when the answer is sent."""

    suggestion = models.OneToOneField(Suggestion, on_delete=models.CASCADE, related_name="contact")
    contact = models.CharField(max_length=CONTACT_MAX_LENGTH)
