"""Demo of Live (Forum Tillit, PRODUCT.md §3.8) for Exempelkommun, built only through tillit.live.actions.

- "Forum Tillit: vad tar tid från mötet med brukaren?", held twelve days ago and ended: 120 phones from every part
  of the steering chain (politicians, management, first-line managers, staff, support functions, a few service users
  and a few who stated nothing) answered six activities: a poll, a scale, a word cloud whose Swedish words merge by
  stem ("tillit", "Tilliten"), questions to the panel with upvotes and moderation, "rate these", and a poll with
  several choices. The screen asked for releases as the answers came in (`actions.release`), and each activity was
  locked (`actions.lock`), so the results page shows each activity's last release with its breakdowns by actor group
  and level. The groups answer differently on purpose (politicians trust the steering more than staff do), which
  is what the breakdowns are for. Answers of fewer than k phones after an activity's last release are stored and
  never shown, as in a real meeting.
- "Forum Tillit: nästa steg", ready to present: its agenda prepared (a poll, a word cloud, a scale from 0 to 10,
  questions, "rate these" and, when the demo has an open dialogue, that dialogue's voting), nothing started yet.

Everything comes from the random generator `seed_demo` passes in, so the answers are the same on every machine;
only the participants' random tokens differ, and they are never shown.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tillit.dialogues import queries as dialogue_queries
from tillit.live import actions
from tillit.live.models import Activity, LiveSession, Participant
from tillit.organisations.models import ActorGroup, Level, Organisation

__all__ = ["FINISHED_TITLE", "READY_TITLE", "build_demo_live", "live_summary"]

Kind = Activity.Kind
Group = ActorGroup.Key

FINISHED_TITLE = "Forum Tillit: vad tar tid från mötet med brukaren?"
READY_TITLE = "Forum Tillit: nästa steg"
HELD_DAYS_AGO = 12
RELEASE_EVERY = 15  # answers between two looks of the screen (it asks a few times a second in a real meeting)
ANSWER_SHARE = 0.93  # the share of phones that answer an activity
LATE = 3  # phones that answer last, after the screen's last look: shown only if the lock's release takes them


@dataclass(frozen=True)
class Seats:
    """`count` phones of an actor group (None: nothing stated) at a level's rank (None: no level)."""

    group: str | None
    rank: int | None
    count: int
    leaning: float  # how favourably they see today's steering, -1 (critical) to 1 (content)


AUDIENCE: tuple[Seats, ...] = (
    Seats(Group.POLITICIAN, 1, 16, 0.8),
    Seats(Group.TOP_MANAGEMENT, 2, 8, 0.5),
    Seats(Group.MIDDLE_MANAGEMENT, 3, 14, 0.2),
    Seats(Group.FIRST_LINE_MANAGER, 4, 20, -0.3),
    Seats(Group.EMPLOYEE, 5, 40, -0.7),
    Seats(Group.SUPPORT_FUNCTION, 2, 6, 0.3),
    Seats(Group.SUPPORT_FUNCTION, 3, 6, 0.0),
    Seats(Group.SERVICE_USER, None, 5, -0.5),
    Seats(None, None, 5, 0.0),
)

POLL_PROMPT = "Vad tar mest tid från mötet med brukaren i dag?"
POLL_OPTIONS = (
    "Dokumentation och rapportering",
    "Möten",
    "Uppföljning som ingen använder",
    "IT-system som inte hänger ihop",
    "Väntan på beslut",
)
SCALE_PROMPT = "Hur stort förtroende finns mellan politik och förvaltning hos oss?"
WORDS_PROMPT = "Vad betyder tillitsbaserad styrning för dig? Ett eller några ord."
# Words by leaning: the critical say the first ones more often, the content the last. Pairs like "tillit" and
# "Tilliten" merge by their Swedish stem; "kaffe" is hidden by the moderator.
WORDS = (
    "handlingsutrymme",
    "Handlingsutrymme",
    "tid",
    "Tiden",
    "frihet",
    "friheten",
    "mod",
    "modet",
    "respekt",
    "lyhördhet",
    "dialog",
    "Dialogen",
    "samarbete",
    "samarbetet",
    "tillit",
    "Tilliten",
    "ansvar",
    "förtroende",
    "kvalitet",
    "helheten",
)
HIDDEN_WORD = "kaffe"
QUESTIONS_PROMPT = "Frågor till panelen"
# (question, approved, answered, on the screen last, upvote share)
QUESTIONS = (
    ("Vilken uppföljning kan vi sluta med redan i år?", True, True, False, 0.35),
    ("Hur får medarbetarna vara med när målen sätts?", True, True, False, 0.3),
    ("Varför måste vi dokumentera samma sak i tre system?", True, True, True, 0.4),
    ("Hur vet politiken att verksamheten håller kvalitet utan alla mått?", True, False, False, 0.18),
    ("Vad gör cheferna med det vi säger i dag?", True, False, False, 0.2),
    ("Kan vi få tid för reflektion på arbetstid?", True, False, False, 0.15),
    ("Vem tar hand om kaffet nästa gång?", False, False, False, 0.0),
    ("Hur ser tillitsbaserad styrning ut i budgetprocessen?", None, False, False, 0.0),  # still waiting
)
RATING_PROMPT = "Hur väl fungerar detta hos oss i dag?"
RATING_ITEMS = (
    "Uppföljning som ger lärande",
    "Beslut fattas nära brukaren",
    "Dialog mellan politik och verksamhet",
    "Stödfunktioner som underlättar",
)
STEPS_PROMPT = "Vilka steg vill du att vi tar först? Välj gärna flera."
STEPS_OPTIONS = (
    "Rensa bort onödig dokumentation",
    "Ge arbetsgrupperna egna budgetramar",
    "Fler möten mellan politiker och medarbetare",
    "Följa upp med berättelser, inte bara mått",
)


def build_demo_live(organisation: Organisation, rng: random.Random) -> None:
    """The ended Forum Tillit meeting with its answers, and the one ready to present."""
    _finished_meeting(organisation, rng)
    _ready_meeting(organisation)


# The finished meeting ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phone:
    participant: Participant
    leaning: float


def _finished_meeting(organisation: Organisation, rng: random.Random) -> None:
    session = actions.create_session(organisation=organisation, title=FINISHED_TITLE)
    poll = actions.add_activity(session, kind=Kind.POLL, prompt=POLL_PROMPT, options=POLL_OPTIONS)
    scale = actions.add_activity(session, kind=Kind.SCALE, prompt=SCALE_PROMPT, scale=(1, 5))
    words = actions.add_activity(session, kind=Kind.WORDS, prompt=WORDS_PROMPT, moderated=True)
    questions = actions.add_activity(session, kind=Kind.QUESTIONS, prompt=QUESTIONS_PROMPT, moderated=True)
    rating = actions.add_activity(session, kind=Kind.RATING, prompt=RATING_PROMPT, options=RATING_ITEMS)
    steps = actions.add_activity(session, kind=Kind.POLL, prompt=STEPS_PROMPT, options=STEPS_OPTIONS, several=True)
    actions.start_session(session)
    phones = _join(session, organisation)

    _run(session, poll, phones, rng, lambda phone: {"choices": [_poll_choice(phone, rng)]})
    _run(session, scale, phones, rng, lambda phone: {"value": _on_scale(phone.leaning, 1, 5, rng)})
    _run(session, words, phones, rng, lambda phone: {"words": _words(phone, rng)}, hide=HIDDEN_WORD)
    _questions(session, questions, phones, rng)
    _run(session, rating, phones, rng, lambda phone: {"values": _ratings(phone, rng)})
    _run(session, steps, phones, rng, lambda phone: {"choices": _steps(phone, rng)})
    actions.end_session(session)
    held = timezone.localdate() - datetime.timedelta(days=HELD_DAYS_AGO)
    # The day it was held: the actions date a meeting by the day it is created and ended, the demo's is in the past.
    LiveSession.objects.filter(pk=session.pk).update(created_on=held, ended_on=held)


def _join(session: LiveSession, organisation: Organisation) -> list[Phone]:
    groups = {group.key: group for group in ActorGroup.objects.in_organisation(organisation)}
    levels = {level.rank: level for level in Level.objects.in_organisation(organisation)}
    phones = []
    for seats in AUDIENCE:
        for _seat in range(seats.count):
            participant = actions.join(
                session,
                token=actions.new_participant_token(),
                actor_group=groups[seats.group] if seats.group else None,
                level=levels[seats.rank] if seats.rank else None,
            )
            phones.append(Phone(participant, seats.leaning))
    return phones


def _run(
    session: LiveSession,
    activity: Activity,
    phones: Sequence[Phone],
    rng: random.Random,
    answer: Callable[[Phone], dict[str, Any]],
    *,
    hide: str = "",
) -> None:
    """Show the activity, let the phones answer in a random order while the screen asks for releases, a few change
    their minds, and lock it (the lock releases what is left if it holds at least k phones)."""
    actions.show(session, activity)
    answering = [phone for phone in phones if rng.random() < ANSWER_SHARE]
    rng.shuffle(answering)
    for count, phone in enumerate(answering[:-LATE], start=1):
        actions.answer(activity, phone.participant, **answer(phone))
        if count % RELEASE_EVERY == 0:
            actions.release(activity)
    for phone in rng.sample(answering[:-LATE], 4):  # changed their minds before the screen looked again
        actions.answer(activity, phone.participant, **answer(phone))
    actions.release(activity)
    if hide:
        actions.hide_word(activity, hide)
    for phone in answering[-LATE:]:
        actions.answer(activity, phone.participant, **answer(phone))
    actions.lock(activity)


def _on_scale(leaning: float, low: int, high: int, rng: random.Random) -> int:
    """A value on the scale around where the leaning puts it."""
    middle = (low + high) / 2 + leaning * (high - low) / 2.5
    return max(low, min(high, round(rng.gauss(middle, (high - low) / 5))))


def _poll_choice(phone: Phone, rng: random.Random) -> int:
    # The critical name documentation and IT; the content name meetings and waiting for decisions.
    weights = [5, 2, 3, 4, 1] if phone.leaning < 0 else [2, 4, 3, 1, 3] if phone.leaning > 0.4 else [3, 3, 3, 2, 2]
    return rng.choices(range(len(POLL_OPTIONS)), weights=weights)[0]


def _words(phone: Phone, rng: random.Random) -> list[str]:
    # The critical lean towards the start of WORDS (room to act, time), the content towards the end (trust, quality).
    position = (phone.leaning + 1) / 2 * (len(WORDS) - 1)
    weights = [1 / (1 + abs(index - position)) for index in range(len(WORDS))]
    chosen = list(dict.fromkeys(rng.choices(WORDS, weights=weights, k=rng.randint(1, 3))))
    if rng.random() < 0.08:
        chosen = [*chosen[:2], HIDDEN_WORD]
    return chosen


def _ratings(phone: Phone, rng: random.Random) -> list[int | None]:
    bias = (0.3, -0.5, phone.leaning, -0.2)  # decisions close to the service user are rated low by everyone
    return [
        None if rng.random() < 0.07 else _on_scale(max(-1.0, min(1.0, phone.leaning / 2 + shift)), 1, 5, rng)
        for shift in bias
    ]


def _steps(phone: Phone, rng: random.Random) -> list[int]:
    weights = (0.7, 0.35, 0.5 if phone.leaning > 0 else 0.3, 0.55 if phone.leaning < 0 else 0.35)
    chosen = [index for index, weight in enumerate(weights) if rng.random() < weight]
    return chosen or [0]


def _questions(session: LiveSession, activity: Activity, phones: Sequence[Phone], rng: random.Random) -> None:
    """Questions asked from the phones, moderated, voted up, answered by the panel one at a time on the screen."""
    actions.show(session, activity)
    asked = []
    for (text, approved, answered, on_screen, share), phone in zip(
        QUESTIONS, rng.sample(list(phones), len(QUESTIONS)), strict=True
    ):
        question = actions.ask(activity, phone.participant, text)
        if approved is True:
            actions.moderate(question, status=question.Status.APPROVED)
        elif approved is False:
            actions.moderate(question, status=question.Status.REJECTED)
        asked.append((question, answered, on_screen, share))
    for count, phone in enumerate(phones, start=1):
        for question, _answered, _on_screen, share in asked:
            if rng.random() < share * (1.2 if phone.leaning < 0 else 0.8):
                actions.upvote(question, phone.participant)
        if count % (RELEASE_EVERY * 2) == 0:
            actions.release(activity)
    for question, answered, on_screen, _share in asked:
        if answered:
            actions.moderate(question, on_screen=True)
            actions.moderate(question, status=question.Status.ANSWERED, on_screen=on_screen)
    actions.lock(activity)


# The meeting ready to present --------------------------------------------------------------------------------------


def _ready_meeting(organisation: Organisation) -> None:
    session = actions.create_session(organisation=organisation, title=READY_TITLE)
    actions.add_activity(
        session,
        kind=Kind.POLL,
        prompt="Var i styrkedjan sitter du?",
        options=("Politiken", "Ledningen", "Chef", "Medarbetare", "Stödfunktion", "Annat"),
    )
    actions.add_activity(session, kind=Kind.WORDS, prompt="Vilken styrning hjälper dig i mötet med brukaren?")
    actions.add_activity(session, kind=Kind.SCALE, prompt="Hur väl känner du till vad brukarna tycker?", scale=(0, 10))
    actions.add_activity(session, kind=Kind.QUESTIONS, prompt="Frågor till panelen")
    actions.add_activity(
        session,
        kind=Kind.RATING,
        prompt="Hur viktigt är detta det kommande året?",
        options=("Färre mått", "Mer tid hos brukaren", "Lärande uppföljning"),
    )
    dialogue = next((each for each in dialogue_queries.dialogues_of(organisation) if each.state() == "open"), None)
    if dialogue is not None:
        actions.add_activity(session, kind=Kind.DIALOGUE, prompt=dialogue.question[:300], dialogue=dialogue)


def live_summary(organisation: Organisation) -> str:
    """Lines for seed_demo's summary: the meetings, and how to present the ready one."""
    address = reverse("live:sessions", kwargs={"organisation": organisation.slug})
    lines = [f"Live meetings in {organisation.name}: {settings.SITE_URL}{address}"]
    for session in LiveSession.objects.filter(organisation=organisation).order_by("pk"):
        if session.is_ended:
            results = reverse("live:results", kwargs={"session": session.public_id})
            lines.append(f"  {session.title} (ended): results at {settings.SITE_URL}{results}")
        else:
            screen = reverse("live:screen", kwargs={"session": session.public_id})
            join = reverse("live:enter_code")
            lines.append(
                f"  {session.title}: big screen at {settings.SITE_URL}{screen}; "
                f"phones join at {settings.SITE_URL}{join} with the code {session.code}"
            )
    return "\n".join(lines)
