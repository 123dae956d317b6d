"""Meetings built through `actions` for the tests of the results, the exports and sending on."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.test import Client

from conftest import actor_group, level
from tillit.live import actions
from tillit.live.models import Activity, LiveSession, Participant, Question
from tillit.organisations.models import ActorGroup, Organisation

Kind = Activity.Kind
POLITICIANS = 6
EMPLOYEES = 7


@dataclass
class Meeting:
    session: LiveSession
    poll: Activity
    scale: Activity
    words: Activity
    questions: Activity
    rating: Activity
    few: Activity  # answered by fewer than k: nothing shown
    waiting: Activity  # never started
    phones: list[Participant]
    approved: Question
    rejected: Question


def english(client: Client) -> Client:
    """Read the pages in English (the msgids), so that the tests do not depend on the catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def finished_meeting(organisation: Organisation, *, title: str = "Forum Tillit", end: bool = True) -> Meeting:
    """Six politicians at level 1 and seven employees at level 5 (phones, unverified) answer a poll, a scale, a word
    cloud, questions and "rate these"; one more poll gets answers from three only, and one is never started. Each
    answered activity is locked, so its last release shows with its breakdowns."""
    session = actions.create_session(organisation=organisation, title=title)
    poll = actions.add_activity(session, kind=Kind.POLL, prompt="Vad tar mest tid?", options=["=Möten", "Rapporter"])
    scale = actions.add_activity(session, kind=Kind.SCALE, prompt="Hur stort är förtroendet?")
    words = actions.add_activity(session, kind=Kind.WORDS, prompt="Ett ord för tillit")
    questions = actions.add_activity(session, kind=Kind.QUESTIONS, prompt="Frågor till panelen")
    rating = actions.add_activity(session, kind=Kind.RATING, prompt="Hur väl fungerar", options=["Dialog", "Stöd"])
    few = actions.add_activity(session, kind=Kind.POLL, prompt="Nästan ingen svarade", options=["Ja", "Nej"])
    waiting = actions.add_activity(session, kind=Kind.SCALE, prompt="Aldrig startad")
    politicians = [
        actions.join(
            session,
            token=f"politiker-{session.pk}-{n}",
            actor_group=actor_group(organisation, ActorGroup.Key.POLITICIAN),
            level=level(organisation, 1),
        )
        for n in range(POLITICIANS)
    ]
    employees = [
        actions.join(
            session,
            token=f"medarbetare-{session.pk}-{n}",
            actor_group=actor_group(organisation, ActorGroup.Key.EMPLOYEE),
            level=level(organisation, 5),
        )
        for n in range(EMPLOYEES)
    ]
    phones = politicians + employees

    actions.show(session, poll)
    for phone in politicians:
        actions.answer(poll, phone, choices=[0])
    for phone in employees:
        actions.answer(poll, phone, choices=[1])
    actions.lock(poll)

    actions.show(session, scale)
    for phone in politicians:
        actions.answer(scale, phone, value=4)
    for phone in employees:
        actions.answer(scale, phone, value=2)
    actions.lock(scale)

    actions.show(session, words)
    for number, phone in enumerate(phones):
        actions.answer(words, phone, words=["Tilliten" if number % 2 else "tillit", "=kaffe" if number < 6 else "tid"])
    actions.lock(words)

    actions.show(session, questions)
    approved = actions.ask(questions, phones[0], "Vilken uppföljning kan vi sluta med?")
    rejected = actions.ask(questions, phones[1], "Vem tar kaffet?")
    actions.moderate(approved, status=Question.Status.APPROVED)
    actions.moderate(rejected, status=Question.Status.REJECTED)
    for phone in phones[2:]:
        actions.upvote(approved, phone)
    actions.lock(questions)

    actions.show(session, rating)
    for phone in politicians:
        actions.answer(rating, phone, values=[5, 4])
    for phone in employees:
        actions.answer(rating, phone, values=[2, 3])
    actions.lock(rating)

    actions.show(session, few)
    for phone in phones[:3]:
        actions.answer(few, phone, choices=[0])
    actions.lock(few)

    if end:
        actions.end_session(session)
    session.refresh_from_db()
    return Meeting(session, poll, scale, words, questions, rating, few, waiting, phones, approved, rejected)
