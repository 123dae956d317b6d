"""Every read of a live meeting that the pages, the screen's region and the publication need. Nothing here writes:
releasing answers to the screen is `actions.release`, called by the screen's view.

Rows are found by their public id with the meeting (or the organisation) in the same lookup, so another meeting's
activity or question looks exactly like one that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Count, QuerySet

from tillit.dialogues import queries as dialogue_queries
from tillit.live.models import Activity, Answer, LiveSession, Participant, Question, Upvote
from tillit.live.tally import stem_of
from tillit.organisations.models import ActorGroup, Level, Organisation
from tillit.workshops import queries as workshop_queries

if TYPE_CHECKING:
    from tillit.dialogues.models import Dialogue
    from tillit.workshops.models import Workshop

__all__ = [
    "activities_of",
    "activity_of",
    "activity_of_pk",
    "background_names",
    "dialogues_to_run",
    "participant_count",
    "question_of",
    "questions_of",
    "sessions_of",
    "step_participants",
    "words_waiting",
    "workshops_to_run",
]


def sessions_of(organisation: Organisation) -> QuerySet[LiveSession]:
    """The organisation's meetings for its list, newest first, with how many activities each has."""
    return (
        LiveSession.objects.filter(organisation=organisation)
        .annotate(activity_count=Count("activities"))
        .order_by("-created_on", "-pk")
    )


def activities_of(session: LiveSession) -> list[Activity]:
    """The meeting's agenda in order, with the workshop or dialogue a step runs."""
    return list(session.activities.select_related("workshop", "dialogue").order_by("position", "pk"))


def activity_of(session: LiveSession, public_id: UUID | None) -> Activity | None:
    """One activity of this meeting by its public id; None for another meeting's or none at all."""
    if public_id is None:
        return None
    return (
        Activity.objects.select_related("session__organisation", "workshop", "dialogue")
        .filter(session=session, public_id=public_id)
        .first()
    )


def question_of(session: LiveSession, public_id: UUID) -> Question | None:
    """One question asked in this meeting by its public id; None for another meeting's."""
    return (
        Question.objects.select_related("activity__session")
        .filter(activity__session=session, public_id=public_id)
        .first()
    )


def questions_of(activity: Activity, *statuses: str) -> QuerySet[Question]:
    """The activity's questions with one of `statuses` (all when none is given), in the order they were asked."""
    questions = Question.objects.filter(activity=activity)
    if statuses:
        questions = questions.filter(status__in=statuses)
    return questions.order_by("pk")


def words_waiting(activity: Activity) -> list[str]:
    """The words of a word cloud given (or changed) since the last release, one spelling per stem, in alphabetical
    order (never the order they came in): for the moderator to hide before the screen shows them. No counts; only
    once at least k people's words wait (when the next release may come), and only while the activity is open."""
    if activity.kind != Activity.Kind.WORDS or activity.state != Activity.State.OPEN:
        return []  # after the lock, what came after the last release is never shown, to the moderator neither
    waiting = Answer.objects.filter(activity=activity, released=False)
    if waiting.values("participant_id").distinct().count() < activity.session.organisation.anonymity_threshold:
        return []  # words of fewer than k people would tell the moderator who just wrote what
    hidden = set(activity.hidden_words)
    texts = waiting.values_list("text", flat=True).distinct()
    by_stem: dict[str, str] = {}
    for text in texts:
        stem = stem_of(text)
        if stem and stem not in hidden:
            by_stem.setdefault(stem, text.casefold())
    return sorted(by_stem.values())


def participant_count(session: LiveSession) -> int:
    """How many phones have joined the meeting: a count of people, to be published only through `privacy.count`."""
    return Participant.objects.filter(session=session).count()


def background_names(organisation: Organisation) -> tuple[dict[int, str], dict[int, str]]:
    """The organisation's actor groups and levels by id, in their own order (groups by position, levels by rank),
    for naming the groups of a breakdown."""
    groups = dict(
        ActorGroup.objects.filter(organisation=organisation).order_by("position", "name").values_list("pk", "name")
    )
    levels = dict(Level.objects.filter(organisation=organisation).order_by("rank", "name").values_list("pk", "name"))
    return groups, levels


def workshops_to_run(organisation: Organisation) -> QuerySet[Workshop]:
    """The organisation's workshops a live step may run (through the workshops' own queries)."""
    return workshop_queries.workshops_of(organisation, None, all_of_them=True).order_by("-starts_on", "title")


def dialogues_to_run(organisation: Organisation) -> QuerySet[Dialogue]:
    """The organisation's dialogues a live step may run (through the dialogues' own queries)."""
    return dialogue_queries.dialogues_of(organisation)


def step_participants(activity: Activity) -> int | None:
    """How many take part in the workshop or dialogue a step runs (a count of people: publish it only through
    `privacy.count`), read through that part's queries; None for other kinds."""
    if activity.kind == Activity.Kind.WORKSHOP and activity.workshop is not None:
        return workshop_queries.participants(activity.workshop).count()
    if activity.kind == Activity.Kind.DIALOGUE and activity.dialogue is not None:
        return dialogue_queries.participant_count(activity.dialogue)
    return None


def activity_of_pk(session: LiveSession, pk: int) -> Activity | None:
    """The activity on the screen (`LiveSession.current`), read with what its publication needs."""
    return (
        Activity.objects.select_related("session__organisation", "workshop", "dialogue")
        .filter(session=session, pk=pk)
        .first()
    )


def activity_to_answer(session_id: int, public_id: UUID) -> Activity | None:
    """The activity of the meeting an answer names, its own row only (what parsing and storing the answer need):
    read at every answer sent over a phone's socket."""
    return Activity.objects.filter(session_id=session_id, public_id=public_id).first()


def session_by_pk(pk: int) -> LiveSession | None:
    return LiveSession.objects.filter(pk=pk).first()


# --- The phones and the sockets ---------------------------------------------------------------------------------


def open_session_by_code(code: str) -> LiveSession | None:
    """The meeting (being prepared or live) a well-formed six-digit code names."""
    return (
        LiveSession.objects.select_related("organisation")
        .filter(code=code)
        .exclude(status=LiveSession.Status.ENDED)
        .first()
    )


def ended_session_by_code(code: str) -> LiveSession | None:
    """The latest ended meeting that had the code."""
    return LiveSession.objects.filter(code=code, status=LiveSession.Status.ENDED).order_by("-pk").first()


def code_ever_used(code: str) -> bool:
    return LiveSession.objects.filter(code=code).exists()


def session_with_current(pk: int) -> LiveSession | None:
    """A meeting with what the phones' and screens' regions need read along."""
    return LiveSession.objects.select_related("organisation", "current").filter(pk=pk).first()


def current_activity(session: LiveSession) -> Activity | None:
    """The activity on now, with the workshop or dialogue it runs."""
    if session.current_id is None:
        return None
    return (
        Activity.objects.select_related("workshop", "dialogue").filter(pk=session.current_id, session=session).first()
    )


def own_answer_rows(activity: Activity, participant: Participant) -> list[tuple[int, int | None, str]]:
    """The phone's own answer to the activity (item, value, text), for its own page only."""
    return list(Answer.objects.filter(activity=activity, participant=participant).values_list("item", "value", "text"))


def own_questions(activity: Activity, participant: Participant) -> list[Question]:
    """The questions this phone asked (kept only while the activity takes questions), for its own page only."""
    return list(Question.objects.filter(activity=activity, participant=participant).order_by("pk"))


def upvoted_by(activity: Activity, participant: Participant) -> set[int]:
    return set(
        Upvote.objects.filter(question__activity=activity, participant=participant).values_list(
            "question_id", flat=True
        )
    )


def shown_questions(activity: Activity) -> QuerySet[Question]:
    """The approved and answered questions, in the order they were asked."""
    return Question.objects.filter(
        activity=activity, status__in=(Question.Status.APPROVED, Question.Status.ANSWERED)
    ).order_by("pk")
