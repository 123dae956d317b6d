"""Målnedbrytning: a workshop (arbetsmöte) where people from several units and levels break a
purpose (syfte) down into goals (mål), effects for service users (effekter) and the activities
(aktiviteter) that produce them, rate them, and record which activities they choose.

Ranking is computed in ranking.py from plain data; queries.py feeds it. A workshop's results are
published once: from the first time it reaches the results step, nothing that would change a figure
(its threshold, its chain, its participants' levels, going back to rating) can change any more.
"""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tillit.organisations.models import MIN_ANONYMITY_THRESHOLD, ActorGroup, Level, Membership, Organisation, Unit
from tillit.privacy.suppression import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from tillit.voice.reporting import Voice

GUEST_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
# 32**8 codes: with wrong codes rate-limited per address, guessing one is out of reach. Codes made
# before they grew from six characters keep working.
GUEST_CODE_LENGTH = 8
MAX_GUEST_PLACES = 500


def new_guest_code() -> str:
    return "".join(secrets.choice(GUEST_CODE_ALPHABET) for _position in range(GUEST_CODE_LENGTH))


class WorkshopQuerySet(models.QuerySet["Workshop"]):
    def in_organisation(self, organisation: Organisation) -> WorkshopQuerySet:
        return self.filter(organisation=organisation)


class Workshop(models.Model):
    class Step(models.TextChoices):
        GATHER = "gather", _("Gather proposals")
        STRUCTURE = "structure", _("Structure the chain")
        RATE = "rate", _("Rate")
        DECIDE = "decide", _("Results and decisions")
        CLOSED = "closed", pgettext_lazy("workshop step", "Closed")

    PROPOSAL_STEPS = frozenset({Step.GATHER, Step.STRUCTURE})
    # Results open only once rating has closed, to everyone alike: figures watched while ratings
    # come in would reveal each newcomer's ratings by difference. Then they can no longer change.
    RESULT_STEPS = frozenset({Step.DECIDE, Step.CLOSED})

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("title"), max_length=150)
    purpose = models.TextField(
        _("purpose"),
        max_length=1000,
        help_text=_("What the work is for, in the service users' words: which needs should be met?"),
    )
    service_user_group = models.CharField(
        _("service users"),
        max_length=150,
        help_text=_("Whose needs the purpose starts from, e.g. older people with home care."),
    )
    units = models.ManyToManyField(Unit, related_name="workshops", verbose_name=_("units involved"), blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    step = models.CharField(_("step"), max_length=20, choices=Step, default=Step.GATHER)
    guest_code = models.CharField(_("guest code"), max_length=12, unique=True, default=new_guest_code)
    guest_places = models.PositiveSmallIntegerField(
        _("guest places"),
        default=0,
        help_text=_("How many may join as guests with the code. 0 lets nobody in until you open places."),
    )
    # Fixed when the workshop is created: a later change of the organisation's threshold applies to new
    # workshops only, so figures once published never reappear under another threshold.
    anonymity_threshold = models.PositiveSmallIntegerField(_("anonymity threshold"), default=DEFAULT_THRESHOLD)
    # When the results were first shown. From then on the workshop cannot return to rating and the chain
    # cannot change: a second look after one more person's input would reveal that input.
    results_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    chain_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="workshop_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=MIN_ANONYMITY_THRESHOLD),
                name="workshop_anonymity_threshold_at_least_three",
            ),
            models.CheckConstraint(
                condition=Q(guest_places__lte=MAX_GUEST_PLACES), name="workshop_guest_places_within_limit"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.step == self.Step.CLOSED

    @property
    def accepts_proposals(self) -> bool:
        return self.step in self.PROPOSAL_STEPS

    @property
    def results_open(self) -> bool:
        return self.step in self.RESULT_STEPS

    @property
    def accepts_ratings(self) -> bool:
        return self.step == self.Step.RATE

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None


class Participant(models.Model):
    """Someone taking part: a member of the organisation, or a guest who joined with the code.

    Guests (service users, relatives, partners) have no account; their browser session carries
    the participant's public id. They declare their own actor group, and nothing ties them to a
    person, so in the results they count as unverified: they never lift a group over the threshold.

    A member's participation outlives their membership (the link is then emptied): the ratings
    behind published figures stay, and name nobody.
    """

    class Role(models.TextChoices):
        LEADER = "leader", _("Process leader")
        PARTICIPANT = "participant", _("Participant")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="workshop_participations"
    )
    joined_as_guest = models.BooleanField(default=False, editable=False)
    guest_name = models.CharField(_("name or initials"), max_length=60, blank=True)
    actor_group = models.ForeignKey(
        ActorGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor group")
    )
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Protected: removing a level would move its raters into "no level" and change published figures.
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role = models.CharField(max_length=20, choices=Role, default=Role.PARTICIPANT)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "membership"],
                condition=Q(membership__isnull=False),
                name="one_participation_per_member_and_workshop",
            ),
            models.CheckConstraint(
                condition=Q(joined_as_guest=False) | Q(role="participant"),
                name="guests_are_never_process_leaders",
            ),
            models.CheckConstraint(
                condition=Q(joined_as_guest=False) | Q(membership__isnull=True),
                name="guests_have_no_membership",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_guest(self) -> bool:
        return self.joined_as_guest

    @property
    def is_leader(self) -> bool:
        return self.role == self.Role.LEADER

    @property
    def display_name(self) -> str:
        if self.membership is not None:
            return self.membership.user.full_name
        if not self.joined_as_guest:
            return str(_("No longer in the organisation"))
        return self.guest_name or str(_("Guest"))


class Item(models.Model):
    """A card in the effect chain: a goal, an effect for service users, or an activity."""

    class Kind(models.TextChoices):
        GOAL = "goal", _("Goal")
        EFFECT = "effect", _("Effect")
        ACTIVITY = "activity", _("Activity")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    proposed_by = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, related_name="proposals")
    merged_into = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="merged_items"
    )
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="item_is_not_merged_into_itself"),
        ]

    # Not stored. Set by queries.effect_chain: the cards this one serves (its links one step up the chain).
    serves: list[Item]
    # Not stored. Set by the actions that mask a card's text: how much personal data of each kind was removed,
    # so that the view can tell the writer.
    personal_data_removed: dict[str, int]
    # Not stored. Set by queries.effect_chain(…, voices=True): the published suggestions from Brukarrösten linked to
    # the card (`voice.reporting.Voice`). Not `voices`, which is the manager of every suggestion linked to it.
    user_voices: list[Voice]

    def __str__(self) -> str:
        return self.title


# Which kind of card may serve which: an activity serves an effect, an effect serves a goal. Goals serve the
# purpose, which is the workshop itself. Links therefore always point one step up the chain, and no cycle can form.
SERVES: dict[str, str] = {Item.Kind.ACTIVITY: Item.Kind.EFFECT, Item.Kind.EFFECT: Item.Kind.GOAL}


class Link(models.Model):
    """An edge of the chain: an effect serves a goal, an activity serves an effect."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="links_up")
    target = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="links_down")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_link_per_pair_of_items"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="item_is_not_linked_to_itself"),
        ]


class ImportanceRating(models.Model):
    """How important an effect is for its goal, 0–4. Never shown per person."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="importance_ratings")
    effect = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="importance_ratings")
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(4)])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "effect"], name="one_importance_rating_per_person_and_effect"
            ),
            models.CheckConstraint(condition=Q(value__lte=4), name="importance_is_0_to_4"),
        ]


class AchievementRating(models.Model):
    """How well an effect is achieved today, 1–5."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="achievement_ratings")
    effect = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="achievement_ratings")
    value = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "effect"], name="one_achievement_rating_per_person_and_effect"
            ),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="achievement_is_1_to_5"),
        ]


class ContributionRating(models.Model):
    """How much an activity contributes to an effect, 0–3; "vet ej" is no row at all."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="contribution_ratings")
    activity = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="contribution_ratings")
    effect = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(3)])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "activity", "effect"], name="one_contribution_rating_per_person_and_link"
            ),
            models.CheckConstraint(condition=Q(value__lte=3), name="contribution_is_0_to_3"),
        ]


class Decision(models.Model):
    """A chosen activity: who owns it (as close to the service user as possible), the effect it
    serves, how it will be followed up, and by when."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="decisions")
    activity = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("activity"))
    effect = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("effect it serves"))
    owner = models.CharField(
        _("owner"), max_length=150, help_text=_("A unit or role as close to the service user as possible.")
    )
    follow_up = models.CharField(_("how it is followed up"), max_length=300)
    due_on = models.DateField(_("follow up by"))
    decided_by = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "activity", "effect"], name="one_decision_per_activity_and_effect"
            ),
        ]

    def __str__(self) -> str:
        return str(self.activity)
