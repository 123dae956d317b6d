"""What the demo's tests share: running the command, and fingerprints of each part's demo content that are equal
across rebuilds whatever the ids."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from io import StringIO

from django.core.management import call_command

from tillit.barometer.models import Answer, Invitation, OpenAnswer, Response, Round
from tillit.dialogues.models import Dialogue, Vote
from tillit.organisations.models import Organisation
from tillit.workshops.models import AchievementRating, ContributionRating, ImportanceRating, Participant


@dataclass(frozen=True)
class BuiltDemo:
    output: str  # what `manage.py seed_demo` printed when it built the demo


def seed_demo(*args: str) -> str:
    """Run `manage.py seed_demo` as a developer would on their machine; returns what it printed."""
    out = StringIO()
    call_command("seed_demo", "--allow-without-debug", *args, stdout=out)
    return out.getvalue()


def rating_fingerprint() -> list[tuple]:
    """Every workshop rating in the demo, by who gave it and on which cards."""

    def who(participant: Participant) -> str:
        return participant.membership.user.email if participant.membership_id else participant.guest_name

    rows: list[tuple] = []
    for model in (ImportanceRating, AchievementRating):
        for rating in model.objects.select_related("participant__membership__user", "effect"):
            rows.append((model.__name__, who(rating.participant), rating.effect.title, "", rating.value))
    for rating in ContributionRating.objects.select_related("participant__membership__user", "activity", "effect"):
        rows.append(("contribution", who(rating.participant), rating.activity.title, rating.effect.title, rating.value))
    return sorted(rows)


def vote_fingerprint(dialogue: Dialogue) -> list[tuple]:
    """Every vote by participant and statement number, with the participant's group and day."""
    return sorted(
        Vote.objects.filter(dialogue=dialogue).values_list(
            "participant__number",
            "participant__actor_group__key",
            "participant__joined_on",
            "statement__number",
            "value",
            "voted_at",
        )
    )


def dialogue_fingerprint() -> dict[str, list[tuple]]:
    """Every demo dialogue's votes, by question."""
    return {dialogue.question: vote_fingerprint(dialogue) for dialogue in Dialogue.objects.all()}


def barometer_fingerprint(organisation: Organisation) -> dict[str, tuple]:
    """Every round's responses (unit, level, group and answers by item code), open texts and answered
    invitations."""
    result = {}
    for round in Round.objects.filter(organisation=organisation):
        answers = defaultdict(list)
        for response_id, code, value in Answer.objects.filter(response__round=round).values_list(
            "response_id", "item__code", "value"
        ):
            answers[response_id].append((code, value))
        responses = sorted(
            (
                (unit, rank, group, tuple(sorted(answers[response_id], key=repr)))
                for response_id, unit, rank, group in Response.objects.filter(round=round).values_list(
                    "id", "unit__name", "level__rank", "actor_group__key"
                )
            ),
            key=repr,
        )
        texts = sorted(OpenAnswer.objects.filter(response__round=round).values_list("item__code", "text"))
        answered = sorted(Invitation.objects.filter(round=round, answered=True).values_list("email", flat=True))
        result[round.name] = (round.opens_on, round.instrument.version, tuple(responses), tuple(texts), tuple(answered))
    return result
