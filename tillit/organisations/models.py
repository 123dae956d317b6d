"""Organisation and steering chain: the tenant (organisation), its unit tree
(förvaltning → avdelning → enhet → arbetsgrupp), the levels of the steering
chain (nivåer), actor groups (aktörsgrupper) and memberships with a role;
invitations that someone with an existing account has not accepted yet are
pending memberships, which give no access.

Every row of domain data belongs to exactly one organisation.
"""

from __future__ import annotations

import uuid
from typing import Any, Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from tillit.accounts.models import User

MIN_ANONYMITY_THRESHOLD = 3
SLUG_MAX_LENGTH = 60


class Organisation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name in addresses"), max_length=SLUG_MAX_LENGTH, unique=True)
    anonymity_threshold = models.PositiveSmallIntegerField(
        _("anonymity threshold"),
        default=5,
        validators=[MinValueValidator(MIN_ANONYMITY_THRESHOLD)],
        help_text=_("The smallest group whose answers are ever shown. Never below 3."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Raised by every action that changes what a stored page of the organisation may show besides its own row
    # (units, levels, actor groups, rounds, decisions): `stored_pages` keys each page under it.
    pages_version = models.PositiveBigIntegerField(db_default=0, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=MIN_ANONYMITY_THRESHOLD),
                name="anonymity_threshold_at_least_three",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Never writes `pages_version` back: an instance read before a change would otherwise lower it again and
        make pages stored before that change current once more. Only `actions.pages_changed` raises it."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "pages_version"
            ]
        super().save(*args, **kwargs)


class OrganisationScopedQuerySet(models.QuerySet):
    def in_organisation(self, organisation: Organisation) -> Self:
        return self.filter(organisation=organisation)

    def annotate_usage(self) -> Self:
        return self.annotate(member_count=models.Count("memberships"))


class Level(models.Model):
    """A level of the steering chain, ranked from the top (1) down."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("order"), help_text=_("1 is the top of the steering chain; higher numbers are closer to the service user.")
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_level_name_per_organisation"),
        ]

    def __str__(self) -> str:
        return self.name


class ActorGroup(models.Model):
    """A kind of actor in the steering chain: politicians, staff, service users…"""

    class Key(models.TextChoices):
        POLITICIAN = "politician", _("Politicians")
        TOP_MANAGEMENT = "top_management", _("Top management")
        MIDDLE_MANAGEMENT = "middle_management", _("Middle management")
        FIRST_LINE_MANAGER = "first_line_manager", _("First-line managers")
        EMPLOYEE = "employee", _("Employees")
        SUPPORT_FUNCTION = "support_function", _("Support functions")
        SERVICE_USER = "service_user", _("Service users")
        SUPERVISORY_BODY = "supervisory_body", _("Supervisory bodies")
        PARTNER = "partner", _("Partner organisations")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="actor_groups")
    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(
        _("kind"),
        max_length=30,
        choices=Key,
        blank=True,
        help_text=_("Which of the standard actor groups this is, so results can be compared across organisations."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor group")
        verbose_name_plural = _("actor groups")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_actor_group_name_per_organisation"),
            models.UniqueConstraint(
                fields=["organisation", "key"],
                condition=~Q(key=""),
                name="one_actor_group_per_kind_and_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def side(self) -> str:
        """Which side of the steering chain the group stands on (`Side`), for comparisons of small groups."""
        return side_of(self.key)


class Side(models.TextChoices):
    """The two sides of the steering chain: those who steer, and those who meet the service user (or are them).
    Results of groups too small to show apart compare the two sides instead (PRODUCT §2)."""

    STEERING = "steering", _("Steering side")
    FRONT_LINE = "front_line", _("Front line")
    OTHER = "other", _("Other actors")


STEERING_SIDE = frozenset({ActorGroup.Key.POLITICIAN, ActorGroup.Key.TOP_MANAGEMENT, ActorGroup.Key.MIDDLE_MANAGEMENT})
FRONT_LINE = frozenset({ActorGroup.Key.FIRST_LINE_MANAGER, ActorGroup.Key.EMPLOYEE, ActorGroup.Key.SERVICE_USER})


def side_of(key: str) -> str:
    """The side of an actor group of kind `key` (blank: an organisation's own group, counted with the others)."""
    if key in STEERING_SIDE:
        return Side.STEERING
    if key in FRONT_LINE:
        return Side.FRONT_LINE
    return Side.OTHER


class UnitQuerySet(OrganisationScopedQuerySet):
    def open(self) -> Self:
        return self.filter(closed_at__isnull=True)


class Unit(models.Model):
    """A node of the organisation tree. Closed units stay, with their history."""

    class Kind(models.TextChoices):
        POLITICAL_BODY = "political_body", _("Political body")
        ADMINISTRATION = "administration", _("Administration")
        DEPARTMENT = "department", _("Department")
        SECTION = "section", _("Unit")
        TEAM = "team", _("Team")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.SECTION)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_is_not_its_own_parent"),
            # Case-insensitive, so that a unit path in a CSV import names exactly one unit.
            models.UniqueConstraint(
                F("organisation"),
                F("parent"),
                Lower("name"),
                condition=Q(closed_at__isnull=True, parent__isnull=False),
                name="open_sibling_units_have_distinct_names",
            ),
            models.UniqueConstraint(
                F("organisation"),
                Lower("name"),
                condition=Q(closed_at__isnull=True, parent__isnull=True),
                name="open_top_units_have_distinct_names",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class UnitEvent(models.Model):
    """History of a unit: what changed, when, and by whom."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        RENAMED = "renamed", _("Renamed")
        MOVED = "moved", _("Moved")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind)
    detail = models.CharField(max_length=400, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.kind}"


class MembershipQuerySet(OrganisationScopedQuerySet):
    def for_user(self, user: User) -> Self:
        return self.filter(user=user, user__is_active=True).select_related("organisation")


class Membership(models.Model):
    """A person's place in one organisation: unit, actor group, level and role."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Organisation administrator")
        FACILITATOR = "facilitator", _("Process leader")
        PARTICIPANT = "participant", _("Participant")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name=_("unit")
    )
    actor_group = models.ForeignKey(
        ActorGroup, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("actor group")
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name=_("level")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.PARTICIPANT)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_person_and_organisation"),
            models.CheckConstraint(
                condition=Q(role__in=["admin", "facilitator", "participant"]), name="membership_role_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def has_signed_in_since_added(self) -> bool:
        """Whether the person has signed in since joining this organisation; sign-ins before
        that belong to their other organisations and are not this one's business."""
        last_login = self.user.last_login
        return last_login is not None and last_login >= self.created_at

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_facilitator(self) -> bool:
        return self.role in {self.Role.ADMIN, self.Role.FACILITATOR}


class PendingMembership(models.Model):
    """An invitation to someone who already has an account (inbjuden – inte accepterad).

    It is not a membership and gives no access: the person becomes a member only by accepting
    through the e-mailed link, signed in as themselves. Until then the organisation sees only
    what its administrator typed here, never what the account holds from other organisations.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="pending_memberships")
    # Never shown to the organisation: it learns the account's name only when the person accepts.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_memberships")
    full_name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), max_length=254)
    # Units are only ever deleted with their organisation (the demo's reset); the invitation outlives that.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pending_memberships",
        verbose_name=_("unit"),
    )
    # RESTRICT, not PROTECT: removing the group or level alone is refused (as for members),
    # deleting the whole organisation is not.
    actor_group = models.ForeignKey(
        ActorGroup, on_delete=models.RESTRICT, related_name="pending_memberships", verbose_name=_("actor group")
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="pending_memberships",
        verbose_name=_("level"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role, default=Membership.Role.PARTICIPANT)
    # When the link was last e-mailed; part of the link's signature, so sending again voids older links.
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending membership")
        verbose_name_plural = _("pending memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_pending_membership_per_person_and_organisation"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["admin", "facilitator", "participant"]), name="pending_membership_role_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} → {self.organisation}"
