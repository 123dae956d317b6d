"""Samtal: a dialogue at scale. One question; participants add short statements and vote agree,
disagree or pass on the others' statements. The analysis (analysis/, the Pol.is method) finds
opinion groups and what unites them; worker.py keeps it up to date in the background.

Participants are identified by a random token held in their browser (open dialogues) or by a keyed
hash of their membership (internal dialogues); nothing personal is stored with their votes.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tillit.organisations.models import MIN_ANONYMITY_THRESHOLD, ActorGroup, Membership, Organisation

MIN_STATEMENT_LENGTH = 50
MAX_STATEMENT_LENGTH = 500


class DialogueQuerySet(models.QuerySet["Dialogue"]):
    def in_organisation(self, organisation: Organisation) -> DialogueQuerySet:
        return self.filter(organisation=organisation)


class Dialogue(models.Model):
    class Access(models.TextChoices):
        OPEN = "open", _("Open: anyone with the link, no account")
        INTERNAL = "internal", _("Internal: members of the organisation")

    class Moderation(models.TextChoices):
        PRE = "pre", _("Pre-moderation: statements are shown once accepted")
        POST = "post", _("Post-moderation: statements are shown at once and may be rejected later")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="dialogues")
    question = models.CharField(_("question"), max_length=300)
    background = models.TextField(_("background"), max_length=3000, blank=True)
    access = models.CharField(_("who may take part"), max_length=10, choices=Access, default=Access.INTERNAL)
    moderation = models.CharField(_("moderation"), max_length=10, choices=Moderation, default=Moderation.POST)
    statement_max_length = models.PositiveSmallIntegerField(
        _("longest statement (characters)"),
        default=140,
        validators=[MinValueValidator(MIN_STATEMENT_LENGTH), MaxValueValidator(MAX_STATEMENT_LENGTH)],
    )
    accepts_statements = models.BooleanField(_("participants may add statements"), default=True)
    live_results = models.BooleanField(_("show results while the dialogue is open"), default=False)
    # Set when a process leader closes the dialogue before its last day (`actions.close_dialogue`); its last day is
    # then that day, so that pages and reports print the day it really closed.
    closed_at = models.DateTimeField(_("closed early at"), null=True, blank=True, editable=False)
    # When a process leader last e-mailed the organisation's members the invitation (`actions.invite_members`):
    # shown on the manage page, so that sending it again is a choice made knowingly.
    invited_at = models.DateTimeField(_("invitations sent"), null=True, blank=True, editable=False)
    # The organisation's threshold when the dialogue was created, fixed: two versions of the same results under
    # different thresholds could, compared, reveal a small group.
    anonymity_threshold = models.PositiveSmallIntegerField(_("anonymity threshold"), default=5)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    imported_from = models.CharField(max_length=300, blank=True)

    objects = DialogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        ordering = ["-opens_on", "question"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="dialogue_closes_after_it_opens"
            ),
            models.CheckConstraint(
                condition=Q(statement_max_length__gte=MIN_STATEMENT_LENGTH)
                & Q(statement_max_length__lte=MAX_STATEMENT_LENGTH),
                name="dialogue_statement_length_in_range",
            ),
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=MIN_ANONYMITY_THRESHOLD),
                name="dialogue_anonymity_threshold_at_least_three",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and self.opens_on <= timezone.localdate() <= self.closes_on

    @property
    def has_closed(self) -> bool:
        return self.closed_at is not None or timezone.localdate() > self.closes_on

    @property
    def is_internal(self) -> bool:
        return self.access == self.Access.INTERNAL

    @property
    def results_are_open(self) -> bool:
        """Results open once the dialogue has closed, or at once if the process leader chose live results (before
        it opened): while votes come in, two looks at the figures would otherwise reveal the votes in between."""
        return self.live_results or self.has_closed

    def state(self, today: date | None = None) -> str:
        today = today or timezone.localdate()
        if self.closed_at is not None:
            return "closed"
        if today < self.opens_on:
            return "upcoming"
        return "open" if today <= self.closes_on else "closed"


class DialogueParticipant(models.Model):
    """Someone taking part. `token_hash` is the SHA-256 of the random token in their browser (open
    dialogues) or an HMAC of their membership (internal ones); `number` is their id in exports."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="participants")
    number = models.PositiveIntegerField()
    token_hash = models.CharField(max_length=64)
    actor_group = models.ForeignKey(
        ActorGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("actor group")
    )
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "token_hash"], name="one_participant_per_token"),
            models.UniqueConstraint(fields=["dialogue", "number"], name="participant_number_unique_in_dialogue"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class Statement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("statement status", "Waiting for moderation")
        ACCEPTED = "accepted", pgettext_lazy("statement status", "Accepted")
        REJECTED = "rejected", pgettext_lazy("statement status", "Rejected")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="statements")
    number = models.PositiveIntegerField()
    text = models.CharField(_("statement"), max_length=MAX_STATEMENT_LENGTH)
    author = models.ForeignKey(
        DialogueParticipant, on_delete=models.SET_NULL, null=True, blank=True, related_name="statements"
    )
    is_seed = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "number"], name="statement_number_unique_in_dialogue"),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="statement_not_merged_into_itself"),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status="rejected"),
                name="merged_statement_is_rejected",
            ),
        ]
        indexes = [models.Index(fields=["dialogue", "status"])]

    def __str__(self) -> str:
        return self.text

    @property
    def is_rejected(self) -> bool:
        return self.status == self.Status.REJECTED


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")
        PASS = 0, _("Pass / unsure")

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(DialogueParticipant, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=Value)
    voted_at = models.DateTimeField(default=timezone.now)
    # The first release of the results that counted this vote (see worker.py); empty until the worker reads it.
    release = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="one_vote_per_participant_and_statement"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_is_agree_disagree_or_pass"),
        ]
        indexes = [
            models.Index(fields=["dialogue", "voted_at"]),
            models.Index(fields=["dialogue"], condition=Q(release__isnull=True), name="vote_not_yet_released"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.statement_id} {self.value}"


class Flag(models.Model):
    """A participant's report that a statement does not belong in the dialogue."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="flags")
    participant = models.ForeignKey(DialogueParticipant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "participant"], name="one_flag_per_participant_and_statement")
        ]


class DialogueAnalysis(models.Model):
    """The latest analysis of a dialogue, kept until the worker replaces it.

    `dirty` is set by every vote, statement and moderation decision (only when it flips, so votes do
    not queue on this row, and the flip enqueues the analysis, `tasks.refresh_dialogue`) and cleared by the task
    that claims the analysis, just before it reads the votes; a change that commits after that sets it again. A claim
    is a lease (`leased_until`): a run that dies leaves it to expire, and the periodic sweep makes the dialogue due
    again; a run that fails counts in `failures` and is tried again after a growing pause. `report` holds everything the results page and the exports
    show, already passed through the anonymity rules, its figures written by `privacy.codec` (read it through
    `queries.results_view`, never directly); `state` carries what the next run needs (the
    k-smoother, previous components, who has entered clustering, and the ledger of what earlier
    releases showed, against which a new release is audited)."""

    dialogue = models.OneToOneField(Dialogue, on_delete=models.CASCADE, related_name="analysis")
    dirty = models.BooleanField(default=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict)
    state = models.JSONField(default=dict)
    seconds = models.FloatField(default=0)
    leased_until = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"analysis of {self.dialogue_id}"


class VoteBatch(models.Model):
    """Votes a release has counted, packed as arrays (`loading`): written in the transaction that marks them with
    their release, so a dialogue's batches hold exactly its released votes. Nothing in them names a person more than
    the vote rows do (participant and statement ids, value, release)."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()
    votes = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.count} votes of {self.dialogue_id}"


class VoteTally(models.Model):
    """How many votes releases have counted, in all and per statement (`by_statement`: statement id → votes), kept
    with the batches (`loading`), so that the moderation page does not count the vote rows. Written only by the
    analysis, never by a vote: voters do not queue on it."""

    dialogue = models.OneToOneField(Dialogue, on_delete=models.CASCADE, related_name="+")
    votes = models.PositiveBigIntegerField(default=0)
    by_statement = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.votes} votes of {self.dialogue_id}"
