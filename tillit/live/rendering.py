"""The HTML the live transport pushes: what every phone shows of the activity on now, and the big screen's region.
Rendered once per change and sent to every connected client (the same for everyone: nothing of one participant)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse

from tillit.live import queries, reporting
from tillit.live.models import (
    QUESTION_MAX_LENGTH,
    WORD_MAX_LENGTH,
    WORDS_PER_PARTICIPANT,
    Activity,
    LiveSession,
    Participant,
    Question,
)
from tillit.privacy.suppression import Cell, NotAFigure, count, ranked

# --- Phones -----------------------------------------------------------------------------------------------------

# The most approved questions a phone lists (the most voted up first).
PHONE_QUESTIONS_SHOWN = 100


def phone_fragment(session: LiveSession) -> str:
    """The phones' region (`data-live-region`) for what is on now: the same HTML for every phone, with an empty CSRF
    field that live.js fills from the page's `<meta name="csrf-token">`."""
    return render_to_string("live/phone/region.html", {"region": phone_region(session)})


@dataclass(frozen=True)
class PhoneQuestion:
    """An approved question as the phones list it: its text, and the upvotes of the last release (`Activity.release`,
    shown only when at least k)."""

    public_id: str
    text: str
    answered: bool
    upvotes: Cell[int]
    rank: NotAFigure[int | None]
    upvoted: bool = False  # by this phone (the full page only)


def phone_region(
    session: LiveSession, *, participant: Participant | None = None, csrf_token: str = ""
) -> dict[str, Any]:
    """What the phones' region shows for what is on now. With `participant` (the phone's own full page, never a push)
    its own answer is shown as chosen; `csrf_token` is the page's (empty in a push)."""
    activity = None if session.is_ended else queries.current_activity(session)
    region: dict[str, Any] = {
        "code": session.code,
        "csrf_token": csrf_token,
        "activity": activity,
        "state": _phone_state(session, activity),
        "answered": False,
        "read_only": False,
    }
    if activity is None or region["state"] != "open":
        return region
    mine = _own_answer(activity, participant) if participant is not None else None
    if mine is not None:
        region["answered"] = bool(mine)
        region["read_only"] = bool(mine) and not activity.may_change
    mine = mine or {}
    kind = activity.kind
    if kind == Activity.Kind.POLL:
        region["input_type"] = "checkbox" if activity.several else "radio"
        region["options"] = [
            {"index": index, "label": label, "checked": index in mine} for index, label in enumerate(activity.options)
        ]
    elif kind == Activity.Kind.SCALE:
        region["values"] = _scale(activity, mine.get(0))
    elif kind == Activity.Kind.RATING:
        region["items"] = [
            {
                "index": index,
                "label": label,
                "name": f"value_{index}",
                "ends_id": f"{activity.public_id}-{index}",
                "values": _scale(activity, mine.get(index)),
                "rated": index in mine,
            }
            for index, label in enumerate(activity.options)
        ]
    elif kind == Activity.Kind.WORDS:
        words = [mine[item] for item in sorted(mine)]
        region["words"] = [
            {"number": number + 1, "value": words[number] if number < len(words) else ""}
            for number in range(WORDS_PER_PARTICIPANT)
        ]
        region["word_max_length"] = WORD_MAX_LENGTH
    elif kind == Activity.Kind.QUESTIONS:
        region["questions"] = _phone_questions(session, activity, participant)
        region["question_max_length"] = QUESTION_MAX_LENGTH
        if participant is not None:
            region["own_questions"] = queries.own_questions(activity, participant)
    elif kind == Activity.Kind.WORKSHOP and activity.workshop is not None:
        workshop = activity.workshop
        region["workshop"] = workshop
        region["workshop_join_url"] = f"{reverse('workshops:join')}?{urlencode({'code': workshop.guest_code})}"
        if workshop.accepts_ratings:
            region["workshop_rate_url"] = reverse("workshops:rate", kwargs={"workshop": workshop.public_id})
    elif kind == Activity.Kind.DIALOGUE and activity.dialogue is not None:
        region["dialogue"] = activity.dialogue
        region["dialogue_url"] = reverse("dialogues:participate", kwargs={"dialogue": activity.dialogue.public_id})
    else:
        region["state"] = "waiting"  # the workshop or dialogue it ran was deleted
    return region


def _phone_state(session: LiveSession, activity: Activity | None) -> str:
    if session.is_ended:
        return "ended"
    if session.status != LiveSession.Status.LIVE or activity is None or activity.state == Activity.State.WAITING:
        return "waiting"
    if activity.state == Activity.State.LOCKED:
        return "locked"
    return "open"


def _scale(activity: Activity, chosen: object) -> list[dict[str, Any]]:
    return [{"value": value, "checked": value == chosen} for value in range(activity.scale_min, activity.scale_max + 1)]


def _own_answer(activity: Activity, participant: Participant) -> dict[int, Any]:
    """The phone's own answer to the activity, by item: a poll's chosen options, a scale's or rated item's value, a
    word cloud's words."""
    if activity.kind == Activity.Kind.QUESTIONS:
        return {}
    rows = queries.own_answer_rows(activity, participant)
    if activity.kind == Activity.Kind.WORDS:
        return {item: text for item, _value, text in rows}
    return {item: value for item, value, _text in rows}


def _phone_questions(session: LiveSession, activity: Activity, participant: Participant | None) -> list[PhoneQuestion]:
    """The approved (and answered) questions, the most voted up in the last release first; upvotes only as the
    release holds them, and only when at least k (the organisation's threshold)."""
    k = session.organisation.anonymity_threshold
    whole = activity.release.get("whole", {}) if isinstance(activity.release, dict) else {}
    counts = whole.get("counts", {}) if isinstance(whole, dict) else {}
    upvoted: set[int] = set()
    if participant is not None:
        upvoted = queries.upvoted_by(activity, participant)
    questions = queries.shown_questions(activity)
    listed = [(question, count(int(counts.get(str(question.pk), {}).get("1", 0)), k=k)) for question in questions]
    return [
        PhoneQuestion(
            public_id=str(entry.item[0].public_id),
            text=entry.item[0].text,
            answered=entry.item[0].status == Question.Status.ANSWERED,
            upvotes=entry.item[1],
            rank=entry.rank,
            upvoted=entry.item[0].pk in upvoted,
        )
        for entry in ranked(listed, lambda pair: pair[1])[:PHONE_QUESTIONS_SHOWN]
    ]


# --- The big screen and the moderator ---------------------------------------------------------------------------


def screen_fragment(session: LiveSession, activity: Activity | None) -> str:
    """The big screen's region for what is on now (`activity`, as `views.screen.release_current` gives it), with its
    latest release (`reporting.publication`): the same for every screen. It releases nothing itself."""
    return render_to_string("live/screen/region.html", screen_region(session, activity))


def screen_region(session: LiveSession, activity: Activity | None) -> dict[str, Any]:
    """What the big screen's region shows: the activity on now and its publication (None when nothing is shown:
    the screen then shows the code alone), and how many have joined, through `privacy.count`."""
    k = session.organisation.anonymity_threshold
    return {
        "session": session,
        "k": k,
        "activity": activity,
        "publication": reporting.publication(activity) if activity is not None else None,
        "joined": count(queries.participant_count(session), k=k),
    }
