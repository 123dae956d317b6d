"""Styrsignaler: an inventory of what steers the front line, rated by those who carry it, and the tidstjuvar they
report.

- A `Signal` is one rule, grant, measure, reporting or documentation demand, inspection or internal rule. It has a
  source, one of the five kinds of steering, an `Owner` (who can change it), the units it reaches (each with
  everything below it), what must be done, how often, how long it takes and how many do it: its hours a year by the
  Standard Cost Model (`burden.py`), always an estimate.
- A `Campaign` asks the members of the units the signals reach to rate each signal that reaches them through a
  personal link (`CampaignInvitation`, `organisations.personal_links`). A submitted sheet waits in the campaign's
  inbox (`PendingSheet`) and is split into `Rating` rows, in a random order, when the campaign is sealed: no
  person, token, session, address, time or order is stored with a rating, and "has answered" lives on the
  invitation only.
- A `TimeThief` (tidstjuv) is a demand someone finds pointless, reported at any time, optionally anonymously, and
  triaged by a process leader (`triage.py`).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.periods import SealedPeriod
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit
from tillit.organisations.personal_links import PersonalLink
from tillit.steering import burden

SCALE_MIN = 1
SCALE_MAX = 5
COMMENT_MAX_LENGTH = 1000
DESCRIPTION_MAX_LENGTH = 4000


class Source(models.TextChoices):
    """Where a signal comes from: the state (and SKR), or the organisation itself."""

    LAW = "law", _("Law or ordinance")
    AGENCY_REGULATION = "agency_regulation", _("Agency regulation")
    TARGETED_GRANT = "targeted_grant", _("Targeted grant or cost reimbursement")
    SKR_AGREEMENT = "skr_agreement", _("Agreement between the state and SKR")
    GOVERNMENT_ASSIGNMENT = "government_assignment", _("Government assignment")
    DATA_COLLECTION = "data_collection", _("National data collection")
    INSPECTION = "inspection", _("Inspection")
    COUNCIL = "council", _("Council (fullmäktige)")
    BOARD = "board", _("Board or committee (nämnd)")
    ADMINISTRATION = "administration", _("Administration")
    UNIT = "unit", _("The unit itself")


STATE_SOURCES = frozenset(
    {
        Source.LAW,
        Source.AGENCY_REGULATION,
        Source.TARGETED_GRANT,
        Source.SKR_AGREEMENT,
        Source.GOVERNMENT_ASSIGNMENT,
        Source.DATA_COLLECTION,
        Source.INSPECTION,
    }
)


class Kind(models.TextChoices):
    """The five kinds of steering (Tillitsdelegationen)."""

    RULES = "rules", _("Rule-based steering (regelstyrning)")
    ECONOMIC = "economic", _("Economic steering (ekonomisk styrning)")
    PERFORMANCE = "performance", _("Performance steering (prestationsstyrning)")
    GOALS = "goals", _("Management by objectives and results (mål- och resultatstyrning)")
    NORMS = "norms", _("Normative steering (normstyrning)")


class Owner(models.Model):
    """Who can change a signal: an agency, SKR, the council, a board, the administration, a unit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("owner"), max_length=150)
    # `core.text`'s case-folded name, so "Socialstyrelsen" and "socialstyrelsen " are one owner.
    name_key = models.CharField(max_length=150, editable=False)

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name_key"], name="owner_name_unique_in_organisation"),
        ]

    def __str__(self) -> str:
        return self.name


class Signal(models.Model):
    """One steering signal of the catalogue. Its hours a year are an estimate (`burden.hours_per_year`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    name_key = models.CharField(max_length=150, editable=False)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    source = models.CharField(_("source"), max_length=30, choices=Source)
    kind = models.CharField(_("kind of steering"), max_length=20, choices=Kind)
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="signals", verbose_name=_("owner"))
    task = models.TextField(_("what must be done"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    occurrences_per_year = models.DecimalField(
        _("times a year"), max_digits=burden.OCCURRENCES_DIGITS, decimal_places=burden.OCCURRENCES_PLACES
    )
    minutes_per_occurrence = models.DecimalField(
        _("minutes each time"), max_digits=burden.MINUTES_DIGITS, decimal_places=burden.MINUTES_PLACES
    )
    people = models.PositiveIntegerField(_("people who do it"))
    result_used_by = models.CharField(_("who uses the result"), max_length=300, blank=True)
    # The units the signal reaches, each with everything below it; none: the whole organisation.
    units = models.ManyToManyField(Unit, related_name="+", blank=True, verbose_name=_("units it reaches"))
    # The workshop effects it is meant to serve (`workshops.queries.effects_for_signals`).
    effects = models.ManyToManyField(
        "workshops.Item", related_name="+", blank=True, verbose_name=_("effects it is meant to serve")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("steering signal")
        verbose_name_plural = _("steering signals")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name_key"], name="signal_name_unique_in_organisation"),
            models.CheckConstraint(
                condition=Q(occurrences_per_year__gt=0) & Q(minutes_per_occurrence__gt=0) & Q(people__gt=0),
                name="signal_burden_is_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_from_the_state(self) -> bool:
        return self.source in STATE_SOURCES

    @property
    def hours_per_year(self) -> burden.Hours:
        """The Standard Cost Model's estimate: minutes × times a year × people, in hours."""
        return burden.hours_per_year(self.minutes_per_occurrence, self.occurrences_per_year, self.people)


class Campaign(SealedPeriod):
    """A rating campaign: the members of the units the catalogue's signals reach rate the signals that reach them.

    Opening it fixes the threshold, the unit tree and which signals reach which units (`CampaignSignal`), and sends
    the personal links. Its analysis opens once it is closed and sealed (published once)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    anonymity_threshold = models.PositiveSmallIntegerField(null=True, blank=True)
    unit_parents = models.JSONField(default=dict, blank=True)  # unit id (as text) -> parent id or None
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating campaign")
        verbose_name_plural = _("rating campaigns")
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_closes_after_it_opens"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def accepts_ratings(self) -> bool:
        return self.takes_answers

    @property
    def k(self) -> int:
        return self.anonymity_threshold or self.organisation.anonymity_threshold


class CampaignSignal(models.Model):
    """A signal a campaign asks about, with the units it reached when the campaign opened (each unit listed: the
    subtrees expanded), so that a later change of the catalogue or the tree does not change whom it asks."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="signals")
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="+")
    reached_unit_ids = models.JSONField(default=list)  # every unit id reached, subtrees expanded

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "signal"], name="signal_once_per_campaign"),
        ]


class CampaignInvitation(PersonalLink):
    """A member's personal link to a campaign (`organisations.personal_links`). Holds "has answered"; never the
    ratings."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "membership"], name="one_campaign_invitation_per_member"),
        ]

    def secret_scope(self) -> str:
        return f"steering-invitation:{self.campaign.public_id}:{self.pk}"


class PendingSheet(models.Model):
    """A submitted sheet of ratings in the campaign's inbox, until sealing splits it into `Rating` rows in a random
    order, with the rater's level and actor group (not their unit). `ratings` is a list of {"signal": id, "value", "burden", "knows_user", "comment"}. No person, token, time
    or order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pending_sheets")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, related_name="+")
    actor_group = models.ForeignKey(ActorGroup, on_delete=models.PROTECT, null=True, related_name="+")
    ratings = models.JSONField(default=list)


class Rating(models.Model):
    """One person's rating of one signal. Random id, no person, unit, token, session, time or order (see the module
    docstring): the level and actor group are what the analysis breaks the ratings down by, and the unit is left out
    because it would single out most first-line managers to anyone reading the database. `value` and `burden` are 1–5 or empty ("don't know"); `knows_user` is whether the rater knows who
    uses the data (empty: not answered)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ratings")
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, related_name="+")
    actor_group = models.ForeignKey(ActorGroup, on_delete=models.PROTECT, null=True, related_name="+")
    value = models.PositiveSmallIntegerField(null=True)
    burden = models.PositiveSmallIntegerField(null=True)
    knows_user = models.BooleanField(null=True)
    comment = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(value__isnull=True) | Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX))
                & (Q(burden__isnull=True) | Q(burden__gte=SCALE_MIN, burden__lte=SCALE_MAX)),
                name="rating_on_the_scale",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "signal"], name="rating_campaign_signal")]


class TimeThief(models.Model):
    """A tidstjuv: a demand someone finds pointless, and what became of it (`triage.py`).

    Reported anonymously, it keeps no membership; otherwise who reported it is shown to process leaders only. It
    keeps the day, not the moment, it was reported."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        REMOVED = "removed", _("Removed")
        SIMPLIFIED = "simplified", _("Simplified")
        KEPT = "kept", _("Kept")
        ESCALATED = "escalated", _("Escalated")

    class Route(models.TextChoices):
        OURSELVES = "ourselves", _("We can change it ourselves")
        ADMINISTRATION = "administration", _("To the administration")
        STATE = "state", _("To a state body or SKR")
        LAW = "law", _("Required by law")
        KEPT = "kept", _("Kept")

    # A random key, not a sequence: the n-th report of a day must not match the n-th request in a web server's log.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("what takes the time"), max_length=150)
    description = models.TextField(_("why it does not help"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    signal = models.ForeignKey(
        Signal, on_delete=models.SET_NULL, null=True, blank=True, related_name="time_thieves", verbose_name=_("signal")
    )
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, null=True, blank=True, related_name="time_thieves", verbose_name=_("owner")
    )
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reported_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reported_on = models.DateField(default=timezone.localdate)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PENDING)
    route = models.CharField(_("route"), max_length=16, choices=Route, blank=True)
    reason = models.TextField(_("reason"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    hours_freed = models.DecimalField(
        _("hours freed a year"),
        max_digits=burden.HOURS_DIGITS,
        decimal_places=burden.HOURS_PLACES,
        null=True,
        blank=True,
    )
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("time thief")
        verbose_name_plural = _("time thieves")
        ordering = ["-reported_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_freed__isnull=True) | Q(hours_freed__gte=0), name="hours_freed_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title
