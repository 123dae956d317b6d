"""Live meetings (Forum Tillit): a session with an agenda of activities that participants answer from their phones
while a big screen shows the results as they come in.

Nothing here names a person. A participant is a random token kept in the phone's cookie; the row holds only a keyed
digest of it, the actor group and level the person chose (or their membership gave: `verified`), and nothing of
the account, the address or the time. Answers point at that row (one answer per phone and activity), with no time
of their own; the big screen shows them only in releases of at least k new participants (`Activity.release`).
"""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tillit.organisations.models import ActorGroup, Level, Organisation

CODE_LENGTH = 6
TITLE_MAX_LENGTH = 150
PROMPT_MAX_LENGTH = 300
OPTION_MAX_LENGTH = 120
OPTIONS_MAX = 12
WORD_MAX_LENGTH = 40  # a word cloud's answer: one or a few words
WORDS_PER_PARTICIPANT = 3
QUESTION_MAX_LENGTH = 280
QUESTIONS_PER_PARTICIPANT = 5


def new_code() -> str:
    """Six digits, typed on a phone's number pad; never starting with 0 so that it reads as a number."""
    return str(secrets.randbelow(900_000) + 100_000)


class LiveSession(models.Model):
    """A meeting run live: its agenda (the activities in order), the activity on the screen now, and its code."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Being prepared")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    # The code is unique among sessions that are not ended; an ended session's code may be given out again.
    code = models.CharField(max_length=CODE_LENGTH)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREPARING)
    # Open to people of many organisations (a regional forum): the join page asks for no actor group of ours then,
    # and members of other organisations join as guests.
    open_to_all = models.BooleanField(_("open to people from other organisations"), default=False)
    ask_background = models.BooleanField(_("ask participants for their actor group and level"), default=True)
    current = models.ForeignKey(
        "Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("on screen")
    )
    # A random salt for `Participant.member`, deleted with those digests when the meeting ends.
    member_salt = models.CharField(max_length=64, blank=True)
    # Raised by every change the phones must follow (advance, lock, hide): clients ignore older pushes.
    version = models.PositiveBigIntegerField(default=0)
    created_on = models.DateField(auto_now_add=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(status="ended"), name="live_code_unique_while_open"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED


class Activity(models.Model):
    """One item of the agenda."""

    class Kind(models.TextChoices):
        POLL = "poll", _("Quick poll")
        SCALE = "scale", _("Scale")
        WORDS = "words", _("Word cloud")
        QUESTIONS = "questions", _("Questions to the panel")
        RATING = "rating", _("Rate these")
        WORKSHOP = "workshop", _("A workshop's step")
        DIALOGUE = "dialogue", _("A dialogue's voting")

    class State(models.TextChoices):
        WAITING = "waiting", _("Not started")
        OPEN = "open", _("Open for answers")
        LOCKED = "locked", _("Locked")

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="activities")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    prompt = models.CharField(_("question or heading"), max_length=PROMPT_MAX_LENGTH)
    # A poll's choices, or the items of "rate these": a list of strings.
    options = models.JSONField(default=list, blank=True)
    several = models.BooleanField(_("several choices allowed"), default=False)
    scale_min = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=5)
    may_change = models.BooleanField(_("participants may change their answer"), default=True)
    moderated = models.BooleanField(_("questions and words are moderated before the screen shows them"), default=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING)
    results_shown = models.BooleanField(default=True)  # the screen shows results (the moderator may hide them)
    # A live run of another part: the workshop or dialogue the phones are sent to.
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dialogue = models.ForeignKey(
        "dialogues.Dialogue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The release the screen shows (`actions.release`): its tally, its participants by actor group and level, and
    # a number raised with each release. A release holds at least k participants more (new or changed) than the last.
    release = models.JSONField(default=dict, blank=True)
    release_number = models.PositiveIntegerField(default=0)
    # Word-cloud stems the moderator has hidden from the screen.
    hidden_words = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.prompt

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Participant(models.Model):
    """One phone in one session. `key` is a keyed digest of the random token in the phone's cookie."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    key = models.CharField(max_length=64)
    actor_group = models.ForeignKey(ActorGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Signed in as a member of the session's organisation: group and level come from the membership. Anyone else
    # states them, and counts as unverified in breakdowns (privacy.breakdowns: padding cannot lift a group).
    verified = models.BooleanField(default=False)
    # For a verified participant, a digest of the account under the meeting's salt, so that one account is one
    # verified participant however many phones it joins from (the others count as guests); emptied when the
    # meeting ends, and the salt deleted, so nothing links the answers to the account afterwards.
    member = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "key"], name="one_participant_per_phone"),
            models.UniqueConstraint(
                fields=["session", "member"], condition=~Q(member=""), name="one_verified_participant_per_account"
            ),
        ]


class Answer(models.Model):
    """One participant's answer to one activity, one row per item: a poll's chosen option (item = its index), a
    scale's value (item 0), a rated item's value (item = its index), a word (item 0, 1, 2)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="answers")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    item = models.PositiveSmallIntegerField(default=0)
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.CharField(max_length=WORD_MAX_LENGTH, blank=True)
    # In the release the screen shows: False for an answer given or changed since (`actions.release`).
    released = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "participant", "item"], name="one_answer_per_item"),
        ]


class Question(models.Model):
    """A question to the panel, upvoted by others and moderated before it reaches the screen."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        ANSWERED = "answered", _("Answered")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="questions")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Kept only to limit how many questions one phone asks; never shown.
    participant = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.CharField(max_length=QUESTION_MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    on_screen = models.BooleanField(default=False)
    upvotes = models.PositiveIntegerField(default=0)


class Upvote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    released = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "participant"], name="one_upvote_per_phone")]
