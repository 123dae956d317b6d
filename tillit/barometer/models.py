"""Styrningsbarometern: a survey of how trust-based the governance is.

An organisation's *instrument* is a versioned list of items (statements on a five-point scale with
"vet ej", and open questions). A *round* asks one frozen instrument version of a population that is
snapshotted when the round opens: the members of the units it covers (the units chosen, each with everything below
it; the whole organisation when none is chosen, `CoveredUnit`). People answer through a personal *invitation* (a one-time token sent
by e-mail) or through the round's open link, where they choose their unit.

What is stored of an answer is deliberately little: a `Response` knows its round, the respondent's unit,
level and actor group, and whether it came through a personal link, and nothing else: no person, token,
session, address, browser, sequential id or time. Whether someone has answered lives apart, on their
`Invitation`. A submission first lands in the round's inbox (`PendingResponse`); once the inbox holds a
batch, the whole batch moves into `Response` in a random order, in one transaction that also rewrites the
answered flags, so neither the order of the rows nor the transaction that wrote them follows the order of
answering (`actions.mix_inbox`). `tests/test_schema.py` fails if an answer table gains a column that could
link it to a person or a moment.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tillit.core.periods import SealedPeriod
from tillit.organisations import tree
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit
from tillit.organisations.personal_links import PersonalLink
from tillit.organisations.queries import unit_parents

SCALE_MIN = 1
SCALE_MAX = 5
OPEN_ANSWER_MAX_LENGTH = 2000


class Theme(models.TextChoices):
    """What an item measures: one of the seven principles, the capability to help, or the preconditions."""

    TRUST = "trust", _("Trust")
    SERVICE_USER_FOCUS = "service_user_focus", _("Service-user focus")
    OPENNESS = "openness", _("Openness")
    DELEGATION = "delegation", _("Delegation and room for action")
    SUPPORT = "support", _("Support")
    COLLABORATION = "collaboration", _("Collaboration and the whole")
    KNOWLEDGE = "knowledge", _("Knowledge")
    CAPABILITY = "capability", _("Can, want to and dare to")
    PRECONDITIONS = "preconditions", _("Preconditions")
    GOOD_MEETING = "good_meeting", _("The good meeting")


PRINCIPLES = (
    Theme.TRUST,
    Theme.SERVICE_USER_FOCUS,
    Theme.OPENNESS,
    Theme.DELEGATION,
    Theme.SUPPORT,
    Theme.COLLABORATION,
    Theme.KNOWLEDGE,
)


class Instrument(models.Model):
    """One version of an organisation's questionnaire. Frozen (read-only) once a round has opened with it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="barometer_instruments")
    version = models.PositiveSmallIntegerField(_("version"))
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="one_instrument_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Item(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Statement on a five-point scale")
        OPEN = "open", _("Open question")

    class Origin(models.TextChoices):
        BANK = "bank", _("Tillit's item bank")
        VALIDATED = "validated", _("Validated block")
        OWN = "own", _("The organisation's own")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    # Stable across versions, so rounds on different versions can be compared item by item.
    code = models.SlugField(_("code"), max_length=40)
    theme = models.CharField(_("theme"), max_length=30, choices=Theme)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.SCALE)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin, default=Origin.OWN)
    text_sv = models.CharField(_("text in Swedish"), max_length=300)
    text_en = models.CharField(_("text in English"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    reference_share = models.DecimalField(
        _("national reference (% agreeing)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    reference_source = models.CharField(_("source of the reference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["instrument", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="item_code_unique_in_instrument"),
            models.CheckConstraint(
                condition=Q(reference_share__isnull=True) | Q(reference_share__gte=0, reference_share__lte=100),
                name="item_reference_share_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The item in the reader's language, Swedish when no English text was written."""
        if (get_language() or "sv").startswith("en") and self.text_en:
            return self.text_en
        return self.text_sv

    @property
    def is_scale(self) -> bool:
        return self.kind == self.Kind.SCALE


class RoundQuerySet(models.QuerySet["Round"]):
    def in_organisation(self, organisation: Organisation) -> RoundQuerySet:
        return self.filter(organisation=organisation)


class Round(SealedPeriod):
    class ResultsReaders(models.TextChoices):
        """Who reads the round's results once they open (`permissions`). Process leaders and administrators read
        everything, and managers their own units and those below them, whatever is chosen."""

        LEADERS = "leaders", _("Process leaders, administrators, and managers for their units")
        POLITICIANS = "politicians", _("As above, and politicians the whole organisation's results")
        CHAIN = (
            "chain",
            _(
                "The whole steering chain: as above, and every member the whole organisation's results and their own unit's"
            ),
        )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="barometer_rounds")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("name"), max_length=150)
    # A secret part of the open link, so only those given the link can answer through it.
    open_key = models.CharField(max_length=43, unique=True, editable=False)
    # Fixed when the round opens, so that a later change of the organisation's threshold or unit tree cannot
    # make two versions of the same results that, compared, reveal a small group.
    anonymity_threshold = models.PositiveSmallIntegerField(null=True, blank=True)
    unit_parents = models.JSONField(default=dict, blank=True)  # unit id (as text) -> parent id or None
    # Who reads the results is decided before anyone has seen them: it can change until the round closes
    # (`actions.update_round`), never after. It changes no figure: every page of a result is one publication,
    # audited as a whole whoever reads which part of it (docs/privacy.md).
    results_readers = models.CharField(
        _("who reads the results"), max_length=12, choices=ResultsReaders, default=ResultsReaders.CHAIN
    )
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The units the round covers, each with everything below it; none: the whole organisation. Chosen before the
    # round opens, never changed after (`actions.update_round`): its invitations, population and tree follow them.
    covered_units: models.ManyToManyField[Unit, CoveredUnit] = models.ManyToManyField(
        Unit, through="CoveredUnit", related_name="+", blank=True, verbose_name=_("units covered")
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("barometer round")
        verbose_name_plural = _("barometer rounds")
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_it_opens"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def accepts_answers(self) -> bool:
        return self.takes_answers

    @property
    def k(self) -> int:
        """The anonymity threshold of this round: the organisation's when the round opened."""
        return self.anonymity_threshold or self.organisation.anonymity_threshold

    def parents(self) -> dict[int, int | None]:
        """The unit tree as it was when the round opened (the current one for a round not yet opened), cut to the
        part the round covers (`covered_tree`). Answers name only units of it: a unit made since then takes none."""
        if not self.is_launched:
            return covered_tree(unit_parents(self.organisation_id), self.chosen_unit_ids())
        return {int(unit): parent for unit, parent in self.unit_parents.items()}

    def has_unit(self, unit_id: int) -> bool:
        """Whether the unit was in the round's tree when it opened (a unit it covers, or one above them)."""
        return str(unit_id) in self.unit_parents

    def chosen_unit_ids(self) -> frozenset[int]:
        """The units chosen for the round, each standing for itself and everything below it; empty: the whole
        organisation."""
        return frozenset(CoveredUnit.objects.filter(round_id=self.pk).values_list("unit_id", flat=True))

    @property
    def covers_everyone(self) -> bool:
        """Whether the round covers the whole organisation (no unit was chosen)."""
        return not CoveredUnit.objects.filter(round_id=self.pk).exists()

    def covered_unit_ids(self) -> frozenset[int]:
        """The units whose members the round counts and invites and whose answers it takes: the chosen units
        with everything below them, in the round's tree (every unit of it when none was chosen)."""
        return covered_units_of(self.parents(), self.chosen_unit_ids())

    def response_count(self) -> int:
        """How many have answered: the responses, and those still waiting in the inbox to be mixed in."""
        return self.responses.count() + self.pending_responses.count()


class CoveredUnit(models.Model):
    """A unit a round covers: the unit and everything below it. A round without any covers the whole organisation.

    The unit is protected, so that a unit a round was limited to can never vanish and leave the round covering
    everyone."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="unit_covered_once_per_round"),
        ]


def covered_units_of(parents: Mapping[int, int | None], chosen: frozenset[int]) -> frozenset[int]:
    """The units of the tree `parents` that the chosen units cover (`organisations.tree.covered`)."""
    return tree.covered(parents, chosen)


def covered_tree(parents: Mapping[int, int | None], chosen: frozenset[int]) -> dict[int, int | None]:
    """The part of the unit tree `parents` a round covers: the covered units (`covered_units_of`) and, as the
    tree's structure only, the units above them, so that the tree keeps its shape. Nobody placed on a unit above
    is in the round's population, so such a unit's results are those of the covered units below it. The whole
    tree when none is chosen."""
    covered = covered_units_of(parents, chosen)
    kept = set(covered)
    for unit in chosen:
        if unit in parents:
            kept.update(tree.ancestors(unit, parents))
    return {unit: parent for unit, parent in parents.items() if unit in kept}


class PopulationCount(models.Model):
    """How many members a unit, level and actor group had when the round opened: the base of response rates."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="population")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, related_name="+")
    actor_group = models.ForeignKey(ActorGroup, on_delete=models.PROTECT, null=True, related_name="+")
    count = models.PositiveIntegerField()


class Invitation(PersonalLink):
    """A personal, one-time link to a round (`organisations.personal_links`). Holds "has answered"; never the
    answers."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "membership"], name="one_invitation_per_member_and_round"),
        ]

    def secret_scope(self) -> str:
        return f"barometer-invitation:{self.round.public_id}:{self.pk}"


NOT_ANSWERED = 0  # in `Response.scale_answers`; 1–5 are the scale, DONT_KNOW_BYTE "vet ej"
DONT_KNOW_BYTE = 6


class PendingResponse(models.Model):
    """An answer in the round's inbox, waiting to be mixed into `Response` with a batch of others.

    It holds what the response will hold (the open answers as a JSON object of item id to text) and nothing
    more: no person, token, time or order. Its rows live only until the batch is mixed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pending_responses")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, related_name="+")
    actor_group = models.ForeignKey(ActorGroup, on_delete=models.PROTECT, null=True, related_name="+")
    verified = models.BooleanField()
    scale_answers = models.BinaryField(default=b"")
    open_answers = models.JSONField(default=dict)  # item id (as text) -> text


class Response(models.Model):
    """One respondent's answers. Random id, no person, no token, no time: see the module docstring.

    `scale_answers` repeats the scale answers as one byte per scale item of the round's (frozen) questionnaire, in
    its order: 0 not answered, 1–5, 6 "vet ej". Reports read it instead of the answer rows: 50,000 short rows
    instead of 1.75 million. `actions.mix_inbox` writes both in one transaction; `Answer` stays the readable form.

    `verified` is True for an answer through a personal link and False through the open link. Responses stored
    before the field existed are all True: older open-link answers cannot be told apart.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, related_name="+")
    actor_group = models.ForeignKey(ActorGroup, on_delete=models.PROTECT, null=True, related_name="+")
    verified = models.BooleanField()
    scale_answers = models.BinaryField(default=b"")


def pack_scale_answers(scale_item_ids: list[int], values: dict[int, int | None]) -> bytes:
    """`Response.scale_answers` for answers by item id (None is "vet ej"; a missing item was not answered)."""
    return bytes(_answer_byte(values, item_id) for item_id in scale_item_ids)


def _answer_byte(values: dict[int, int | None], item_id: int) -> int:
    if item_id not in values:
        return NOT_ANSWERED
    value = values[item_id]
    return DONT_KNOW_BYTE if value is None else value


def unpack_scale_answers(scale_item_ids: list[int], packed: bytes) -> dict[int, int | None]:
    """The answers by item id of `Response.scale_answers` (None is "vet ej"; unanswered items are left out)."""
    return {
        item_id: None if byte == DONT_KNOW_BYTE else byte
        for item_id, byte in zip(scale_item_ids, packed, strict=False)
        if byte != NOT_ANSWERED
    }


def scale_item_ids(instrument: Instrument) -> list[int]:
    """The scale items of a questionnaire in its order: the positions of `Response.scale_answers`."""
    return [item.pk for item in instrument.items.all() if item.is_scale]


class Answer(models.Model):
    """One scale answer. `value` is 1–5, or empty for "vet ej" (don't know)."""

    pk = models.CompositePrimaryKey("response", "item")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(
        null=True, validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX),
                name="answer_value_on_the_scale",
            ),
        ]


class OpenAnswer(models.Model):
    pk = models.CompositePrimaryKey("response", "item")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="open_answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=OPEN_ANSWER_MAX_LENGTH)


class PreparedExport(models.Model):
    """A download of a round's results (CSV or XLSX) built once in the background and served from here.

    A region's results are tens of thousands of rows, seconds of work that must not hold a web request. Results are
    published once (the round sealed), so a file built for one scope of readers (the whole organisation, or one set
    of units a manager answers for), one language and one version of the export format is the same for every later
    reader of that scope. Only what the reader would have been given at once is stored: the rows already passed
    through the round's publication."""

    class Status(models.TextChoices):
        BUILDING = "building", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="prepared_exports")
    kind = models.CharField(max_length=8)
    scope = models.CharField(max_length=64)
    units = models.JSONField(null=True, blank=True)
    language = models.CharField(max_length=16)
    format = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.BUILDING)
    content = models.BinaryField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "kind", "scope", "language"], name="one_prepared_export_per_scope")
        ]

    def __str__(self) -> str:
        return f"{self.kind} of round {self.round_id} ({self.scope}, {self.language})"
