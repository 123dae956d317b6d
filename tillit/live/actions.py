"""Every write of a live session, one transaction each; a refusal raises `ValidationError` with a Swedish message and
changes nothing. Changes the phones and the screen must see are pushed after the commit (`realtime`)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.text import normalise_text
from tillit.core.tokens import hash_token
from tillit.dialogues import actions as dialogue_actions
from tillit.live import realtime, tally
from tillit.live.models import (
    OPTION_MAX_LENGTH,
    OPTIONS_MAX,
    PROMPT_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    QUESTIONS_PER_PARTICIPANT,
    WORD_MAX_LENGTH,
    WORDS_PER_PARTICIPANT,
    Activity,
    Answer,
    LiveSession,
    Participant,
    Question,
    Upvote,
    new_code,
)
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation
from tillit.steering import actions as steering_actions
from tillit.workshops import actions as workshop_actions
from tillit.workshops import queries as workshop_queries

if TYPE_CHECKING:
    from tillit.dialogues.models import Dialogue, Statement
    from tillit.workshops.models import Item, Workshop

__all__ = [
    "add_activity",
    "answer",
    "ask",
    "create_session",
    "delete_activity",
    "end_session",
    "hide_word",
    "join",
    "lock",
    "moderate",
    "move_activity",
    "new_participant_token",
    "release",
    "reopen",
    "send_to_dialogue",
    "send_to_workshop",
    "set_results_shown",
    "show",
    "show_word",
    "start_session",
    "update_activity",
    "update_session",
    "upvote",
]

Kind = Activity.Kind
SCALES = ((1, 5), (0, 10))


def _refuse(message: str) -> ValidationError:
    return ValidationError(message)


def _changed(session: LiveSession) -> None:
    """Raise the session's version and push it to phones, screens and moderators once committed."""
    LiveSession.objects.filter(pk=session.pk).update(version=F("version") + 1)
    session.refresh_from_db(fields=["version"])
    transaction.on_commit(lambda: realtime.session_changed(session.pk))


# --- Preparing --------------------------------------------------------------------------------------------------


@transaction.atomic
def create_session(
    *, organisation: Organisation, title: str, open_to_all: bool = False, ask_background: bool = True
) -> LiveSession:
    title = normalise_text(title).strip()
    if not title:
        raise _refuse(_("Give the meeting a title."))
    for _attempt in range(20):
        code = new_code()
        if not LiveSession.objects.filter(code=code).exclude(status=LiveSession.Status.ENDED).exists():
            break
    else:  # pragma: no cover - 900,000 codes
        raise _refuse(_("No free code could be found. Try again."))
    return LiveSession.objects.create(
        organisation=organisation,
        title=title,
        code=code,
        open_to_all=open_to_all,
        ask_background=ask_background,
        member_salt=secrets.token_hex(32),
    )


@transaction.atomic
def update_session(session: LiveSession, *, title: str, open_to_all: bool, ask_background: bool) -> None:
    title = normalise_text(title).strip()
    if not title:
        raise _refuse(_("Give the meeting a title."))
    if session.is_ended:
        raise _refuse(_("The meeting has ended and can no longer be changed."))
    session.title, session.open_to_all, session.ask_background = title, open_to_all, ask_background
    session.save(update_fields=["title", "open_to_all", "ask_background"])
    _changed(session)


def _clean_options(kind: str, options: Sequence[str]) -> list[str]:
    cleaned = [normalise_text(option).strip() for option in options]
    cleaned = [option for option in cleaned if option]
    if kind not in (Kind.POLL, Kind.RATING):
        return []
    if len(cleaned) < 2:
        raise _refuse(_("Give at least two choices, one per line."))
    if len(cleaned) > OPTIONS_MAX:
        raise _refuse(_("Give at most %(count)s choices.") % {"count": OPTIONS_MAX})
    if any(len(option) > OPTION_MAX_LENGTH for option in cleaned):
        raise _refuse(_("Each choice can be at most %(limit)s characters.") % {"limit": OPTION_MAX_LENGTH})
    if len({option.casefold() for option in cleaned}) != len(cleaned):
        raise _refuse(_("Two choices are the same."))
    return cleaned


def _check_activity(
    session: LiveSession,
    *,
    kind: str,
    prompt: str,
    scale: tuple[int, int],
    workshop: Workshop | None,
    dialogue: Dialogue | None,
) -> str:
    if session.is_ended:
        raise _refuse(_("The meeting has ended and can no longer be changed."))
    if kind not in Kind.values:
        raise _refuse(_("Choose a kind of activity."))
    prompt = normalise_text(prompt).strip()
    if not prompt:
        raise _refuse(_("Write the question or heading."))
    if len(prompt) > PROMPT_MAX_LENGTH:
        raise _refuse(_("The question can be at most %(limit)s characters.") % {"limit": PROMPT_MAX_LENGTH})
    if scale not in SCALES:
        raise _refuse(_("Choose the scale 1–5 or 0–10."))
    if kind == Kind.WORKSHOP and workshop is None:
        raise _refuse(_("Choose the workshop whose step is run live."))
    if kind == Kind.DIALOGUE and dialogue is None:
        raise _refuse(_("Choose the dialogue whose voting is run live."))
    for other in (workshop, dialogue):
        if other is not None and other.organisation_id != session.organisation_id:
            raise _refuse(_("Choose a workshop or dialogue of this organisation."))
    return prompt


@transaction.atomic
def add_activity(
    session: LiveSession,
    *,
    kind: str,
    prompt: str,
    options: Sequence[str] = (),
    several: bool = False,
    scale: tuple[int, int] = (1, 5),
    may_change: bool = True,
    moderated: bool = True,
    workshop: Workshop | None = None,
    dialogue: Dialogue | None = None,
) -> Activity:
    prompt = _check_activity(session, kind=kind, prompt=prompt, scale=scale, workshop=workshop, dialogue=dialogue)
    last = session.activities.order_by("-position").values_list("position", flat=True).first()
    activity = Activity.objects.create(
        session=session,
        position=0 if last is None else last + 1,
        kind=kind,
        prompt=prompt,
        options=_clean_options(kind, options),
        several=several and kind == Kind.POLL,
        scale_min=scale[0],
        scale_max=scale[1],
        may_change=may_change,
        moderated=moderated,
        workshop=workshop if kind == Kind.WORKSHOP else None,
        dialogue=dialogue if kind == Kind.DIALOGUE else None,
    )
    return activity


@transaction.atomic
def update_activity(
    activity: Activity,
    *,
    prompt: str,
    options: Sequence[str] = (),
    several: bool = False,
    scale: tuple[int, int] = (1, 5),
    may_change: bool = True,
    moderated: bool = True,
) -> None:
    """Change an activity's wording; its kind and choices only until someone has answered."""
    session = activity.session
    prompt = _check_activity(
        session,
        kind=activity.kind,
        prompt=prompt,
        scale=scale,
        workshop=activity.workshop,
        dialogue=activity.dialogue,
    )
    cleaned = _clean_options(activity.kind, options)
    answered = activity.answers.exists() or activity.questions.exists()
    if answered and (cleaned != activity.options or scale != (activity.scale_min, activity.scale_max)):
        raise _refuse(_("People have already answered: the choices and the scale can no longer be changed."))
    activity.prompt, activity.options, activity.may_change, activity.moderated = prompt, cleaned, may_change, moderated
    activity.several = several and activity.kind == Kind.POLL
    activity.scale_min, activity.scale_max = scale
    activity.save()
    _changed(session)


@transaction.atomic
def delete_activity(activity: Activity) -> None:
    session = activity.session
    if session.current_id == activity.pk:
        raise _refuse(_("The activity is on the screen now. Show another first."))
    activity.delete()
    _changed(session)


@transaction.atomic
def move_activity(activity: Activity, *, up: bool) -> None:
    """Move an activity one place up or down the agenda (also on the day)."""
    activities = list(activity.session.activities.select_for_update().order_by("position", "pk"))
    index = next(i for i, other in enumerate(activities) if other.pk == activity.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(activities):
        raise _refuse(_("The activity is already first.") if up else _("The activity is already last."))
    activities[index], activities[other_index] = activities[other_index], activities[index]
    for position, each in enumerate(activities):
        if each.position != position:
            Activity.objects.filter(pk=each.pk).update(position=position)
    _changed(activity.session)


# --- Running ----------------------------------------------------------------------------------------------------


@transaction.atomic
def start_session(session: LiveSession) -> None:
    if session.is_ended:
        raise _refuse(_("The meeting has ended."))
    session.status = LiveSession.Status.LIVE
    session.save(update_fields=["status"])
    _changed(session)


@transaction.atomic
def end_session(session: LiveSession) -> None:
    """End the meeting: every open activity locks (its last release stays), the phones are told, the code is freed."""
    for activity in session.activities.filter(state=Activity.State.OPEN):
        _lock(activity)
    session.status = LiveSession.Status.ENDED
    session.ended_on = timezone.localdate()
    session.current = None
    session.member_salt = ""
    session.save(update_fields=["status", "ended_on", "current", "member_salt"])
    session.participants.exclude(member="").update(member="")
    _changed(session)


@transaction.atomic
def show(session: LiveSession, activity: Activity | None) -> None:
    """Put an activity on the screen and the phones (opening it for answers the first time), or nothing (None: the
    screen shows the code, the phones wait)."""
    if session.is_ended:
        raise _refuse(_("The meeting has ended."))
    if activity is not None:
        if activity.session_id != session.pk:
            raise _refuse(_("The activity is not part of this meeting."))
        if activity.state == Activity.State.WAITING:
            activity.state = Activity.State.OPEN
            activity.save(update_fields=["state"])
    if session.status == LiveSession.Status.PREPARING:
        session.status = LiveSession.Status.LIVE
    session.current = activity
    session.save(update_fields=["current", "status"])
    _changed(session)


def neighbour(session: LiveSession, *, forward: bool) -> Activity | None:
    """The activity after (or before) the one on the screen; the first when nothing is shown."""
    activities = list(session.activities.order_by("position", "pk"))
    if not activities:
        return None
    if session.current_id is None:
        return activities[0] if forward else None
    index = next((i for i, other in enumerate(activities) if other.pk == session.current_id), -1)
    other = index + 1 if forward else index - 1
    return activities[other] if 0 <= other < len(activities) else None


@transaction.atomic
def set_results_shown(activity: Activity, shown: bool) -> None:
    activity.results_shown = shown
    activity.save(update_fields=["results_shown"])
    _changed(activity.session)


def _lock(activity: Activity) -> None:
    release(activity)
    Activity.objects.filter(pk=activity.pk).update(state=Activity.State.LOCKED)
    # Who asked was kept only to limit questions per phone while the activity takes them.
    Question.objects.filter(activity=activity, participant__isnull=False).update(participant=None)
    activity.state = Activity.State.LOCKED


@transaction.atomic
def lock(activity: Activity) -> None:
    """Close an activity for answers. The screen keeps its last release: answers of fewer than k participants given
    since then are stored but never shown (a look before and after them would tell them apart)."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.state != Activity.State.OPEN:
        raise _refuse(_("The activity is not open for answers."))
    _lock(locked)
    activity.state = locked.state
    _changed(activity.session)


@transaction.atomic
def reopen(activity: Activity) -> None:
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.state != Activity.State.LOCKED or activity.session.is_ended:
        raise _refuse(_("Only a locked activity of a meeting still going on can be opened again."))
    # Its breakdown by actor group and level was published at the lock; another one after more answers could be
    # compared with it group by group, so a reopened activity shows none again (`reporting`).
    locked.release = {**locked.release, "reopened": True}
    locked.state = Activity.State.OPEN
    locked.save(update_fields=["release", "state"])
    activity.state, activity.release = locked.state, locked.release
    _changed(activity.session)


# --- Participants -----------------------------------------------------------------------------------------------


def new_participant_token() -> str:
    return secrets.token_urlsafe(24)


def participant_key(token: str) -> str:
    return hash_token(token)


def member_digest(session: LiveSession, user_id: int) -> str:
    return hashlib.sha256(f"{session.member_salt}:{user_id}".encode()).hexdigest() if session.member_salt else ""


@transaction.atomic
def join(
    session: LiveSession,
    *,
    token: str,
    actor_group: ActorGroup | None = None,
    level: Level | None = None,
    member_id: int | None = None,
) -> Participant:
    """The phone's participant in the session (created the first time); stating a group again replaces it.

    `member_id`: the account of a member of the session's organisation who joins signed in, with the group and level
    of their membership. Their participant is verified: the first phone only. Another phone of the same account joins
    as a guest (unverified), so that one account cannot fill a group with verified participants of its own."""
    if session.is_ended:
        raise _refuse(_("The meeting has ended."))
    for chosen in (actor_group, level):
        if chosen is not None and chosen.organisation_id != session.organisation_id:
            raise _refuse(_("Choose one of the listed groups."))
    key = participant_key(token)
    member = member_digest(session, member_id) if member_id is not None else ""
    participant = Participant.objects.select_for_update().filter(session=session, key=key).first()
    mine = participant is not None and participant.member == member
    if member and not mine and Participant.objects.filter(session=session, member=member).exists():
        member = ""  # this account already has its verified participant on another phone
    verified = bool(member)
    if participant is None:
        try:
            with transaction.atomic():
                return Participant.objects.create(
                    session=session, key=key, actor_group=actor_group, level=level, verified=verified, member=member
                )
        except IntegrityError:  # the same phone (or account) joined twice at once
            found = Participant.objects.filter(session=session, key=key).first()
            if found is None:
                raise _refuse(_("Joining did not work. Try again.")) from None
            return found
    if participant.answers.exists() and (actor_group, level) != (participant.actor_group, participant.level):
        raise _refuse(_("You have already answered: your group can no longer be changed in this meeting."))
    participant.actor_group, participant.level, participant.verified = actor_group, level, verified
    participant.member = member
    participant.save(update_fields=["actor_group", "level", "verified", "member"])
    return participant


def find_participant(session: LiveSession, token: str) -> Participant | None:
    if not token:
        return None
    return Participant.objects.filter(session=session, key=participant_key(token)).first()


def _open_for(activity: Activity) -> Activity:
    """The activity, if it takes answers now, with its state read under a lock that answers share and `lock` and
    `release` take alone (`FOR UPDATE`): answers of many phones go on at once, but none slips in while the activity
    locks or a release is made. (SQLite has one writer at a time anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.state, s.status FROM live_activity a JOIN live_livesession s ON s.id = a.session_id "
                "WHERE a.id = %s FOR KEY SHARE OF a",
                [activity.pk],
            )
            found = cursor.fetchone()
        if found is None:
            raise _refuse(_("Voting on this activity is closed."))
        state, status = found
    else:
        state, status = Activity.objects.filter(pk=activity.pk).values_list("state", "session__status").get()
    if status == LiveSession.Status.ENDED:
        raise _refuse(_("The meeting has ended."))
    if state != Activity.State.OPEN:
        raise _refuse(_("Voting on this activity is closed."))
    activity.state = state
    return activity


@transaction.atomic
def answer(
    activity: Activity,
    participant: Participant,
    *,
    choices: Sequence[int] = (),
    value: int | None = None,
    values: Sequence[int | None] = (),
    words: Sequence[str] = (),
) -> None:
    """Store one phone's answer: a poll's choices, a scale's value, "rate these" values per item, or a word cloud's
    words. A second answer replaces the first where the activity allows it; otherwise it is refused."""
    locked = _open_for(activity)
    if participant.session_id != locked.session_id:
        raise _refuse(_("Join the meeting first."))
    _one_at_a_time(participant)
    rows = _answer_rows(locked, choices=choices, value=value, values=values, words=words)
    existing = Answer.objects.filter(activity=locked, participant=participant)
    before = sorted(existing.values_list("item", "value", "text"))
    if before:
        if before == sorted(rows):
            return  # the same answer again changes nothing, and does not count towards the next release
        if not locked.may_change:
            raise _refuse(_("You have already answered. This activity does not allow changing the answer."))
        existing.delete()
    Answer.objects.bulk_create(
        Answer(activity=locked, participant=participant, item=item, value=number, text=text)
        for item, number, text in rows
    )
    transaction.on_commit(lambda: realtime.answers_changed(locked.session_id, locked.public_id))


def _one_at_a_time(participant: Participant) -> None:
    """Lock the phone's row: two answers (or questions) of one phone sent at once are taken one after the other, so
    the second sees the first (one answer counts; the limit on questions holds)."""
    if not Participant.objects.select_for_update().filter(pk=participant.pk).exists():
        raise _refuse(_("Join the meeting first."))


def _answer_rows(
    activity: Activity,
    *,
    choices: Sequence[int],
    value: int | None,
    values: Sequence[int | None],
    words: Sequence[str],
) -> list[tuple[int, int | None, str]]:
    if activity.kind == Kind.POLL:
        chosen = sorted(set(choices))
        if not chosen:
            raise _refuse(_("Choose an answer."))
        if len(chosen) > 1 and not activity.several:
            raise _refuse(_("Choose one answer."))
        if any(not 0 <= choice < len(activity.options) for choice in chosen):
            raise _refuse(_("Choose one of the listed answers."))
        return [(choice, 1, "") for choice in chosen]
    if activity.kind == Kind.SCALE:
        if value is None or not activity.scale_min <= value <= activity.scale_max:
            raise _refuse(
                _("Choose a value from %(low)s to %(high)s.") % {"low": activity.scale_min, "high": activity.scale_max}
            )
        return [(0, value, "")]
    if activity.kind == Kind.RATING:
        if len(values) != len(activity.options) or all(each is None for each in values):
            raise _refuse(_("Rate at least one of the items."))
        if any(each is not None and not activity.scale_min <= each <= activity.scale_max for each in values):
            raise _refuse(
                _("Choose a value from %(low)s to %(high)s.") % {"low": activity.scale_min, "high": activity.scale_max}
            )
        return [(item, each, "") for item, each in enumerate(values) if each is not None]
    if activity.kind == Kind.WORDS:
        cleaned = [normalise_text(word).strip() for word in words]
        cleaned = [word for word in cleaned if word]
        if not cleaned:
            raise _refuse(_("Write a word or a few."))
        if len(cleaned) > WORDS_PER_PARTICIPANT:
            raise _refuse(_("Write at most %(count)s answers.") % {"count": WORDS_PER_PARTICIPANT})
        if any(len(word) > WORD_MAX_LENGTH for word in cleaned):
            raise _refuse(_("Each answer can be at most %(limit)s characters.") % {"limit": WORD_MAX_LENGTH})
        if any(not tally.stem_of(word) for word in cleaned):
            raise _refuse(_("Write words with letters or digits."))
        unique = list(dict.fromkeys(tally.stem_of(word) for word in cleaned))
        by_stem = {tally.stem_of(word): word for word in reversed(cleaned)}
        return [(item, None, by_stem[stem]) for item, stem in enumerate(unique)]
    raise _refuse(_("This activity is answered elsewhere."))


# --- The release the screen shows -------------------------------------------------------------------------------


def _rows(activity: Activity) -> list[tally.Row]:
    if activity.kind == Kind.QUESTIONS:
        upvotes = Upvote.objects.filter(question__activity=activity).values_list("participant_id", "question_id")
        return [tally.Row(participant=who, item=question, value=1) for who, question in upvotes]
    answers = Answer.objects.filter(activity=activity).values_list("participant_id", "item", "value", "text")
    return [tally.Row(participant=who, item=item, value=value, text=text) for who, item, value, text in answers]


def _pending(activity: Activity) -> int:
    """How many participants answered, changed or upvoted since the last release."""
    if activity.kind == Kind.QUESTIONS:
        upvotes = Upvote.objects.filter(question__activity=activity, released=False)
        return upvotes.values("participant_id").distinct().count()
    answers = Answer.objects.filter(activity=activity, released=False)
    return answers.values("participant_id").distinct().count()


def release(activity: Activity) -> bool:
    """Release the activity's results to the screen when at least k participants have answered or changed their
    answer since the last release (the organisation's threshold): then two looks at the screen always differ by at
    least k people. Returns whether a new release was made. Called when a screen asks, at most a few times a second,
    and when the activity locks. Either way `activity` is left holding its row as read under the lock (its latest
    release and state), so that a screen renders what it just released without reading it again."""
    with transaction.atomic():
        locked = (
            Activity.objects.select_for_update(of=("self",)).select_related("session__organisation").get(pk=activity.pk)
        )
        for field in Activity._meta.concrete_fields:
            setattr(activity, field.attname, getattr(locked, field.attname))
        if locked.state == Activity.State.LOCKED or locked.kind in (Kind.WORKSHOP, Kind.DIALOGUE):
            return False
        k = locked.session.organisation.anonymity_threshold
        if _pending(locked) < k:
            return False
        if locked.kind == Kind.QUESTIONS:
            Upvote.objects.filter(question__activity=locked, released=False).update(released=True)
        else:
            Answer.objects.filter(activity=locked, released=False).update(released=True)
        rows = _rows(locked)
        who = {row.participant for row in rows}
        groups = {
            pk: (group, level, verified)
            for pk, group, level, verified in Participant.objects.filter(pk__in=who).values_list(
                "pk", "actor_group_id", "level_id", "verified"
            )
        }
        reopened = bool(locked.release.get("reopened"))
        locked.release = {**_release_document(locked, rows, groups), **({"reopened": True} if reopened else {})}
        locked.release_number += 1
        locked.save(update_fields=["release", "release_number"])
    activity.release, activity.release_number = locked.release, locked.release_number
    return True


def _release_document(
    activity: Activity, rows: list[tally.Row], groups: Mapping[int, tuple[int | None, int | None, bool]]
) -> dict[str, object]:
    """The release as stored: the whole tally, and the same per atom (actor group × level), with how many of each
    atom's participants joined unverified, for the breakdown once the activity is locked (`reporting`)."""
    words = activity.kind == Kind.WORDS
    whole = tally.tally(rows, words=words, hidden_words=activity.hidden_words)
    by_atom: dict[str, list[tally.Row]] = {}
    unverified: dict[str, set[int]] = {}
    for row in rows:
        group, level, verified = groups.get(row.participant, (None, None, False))
        atom = f"{group or ''}|{level or ''}"
        by_atom.setdefault(atom, []).append(row)
        if not verified:
            unverified.setdefault(atom, set()).add(row.participant)
    return {
        "whole": _tally_document(whole),
        "atoms": {
            atom: {
                **_tally_document(tally.tally(atom_rows, words=words, hidden_words=activity.hidden_words)),
                "unverified": len(unverified.get(atom, ())),
            }
            for atom, atom_rows in by_atom.items()
        },
    }


def _tally_document(result: tally.Tally) -> dict[str, object]:
    return {
        "participants": result.participants,
        "counts": {str(item): {str(value): n for value, n in values.items()} for item, values in result.counts.items()},
        "words": [asdict(word) for word in result.words],
    }


# --- Word cloud and questions -----------------------------------------------------------------------------------


@transaction.atomic
def hide_word(activity: Activity, stem: str) -> None:
    if activity.kind != Kind.WORDS:
        raise _refuse(_("Only a word cloud's words can be hidden."))
    stem = tally.stem_of(stem)
    if stem and stem not in activity.hidden_words:
        activity.hidden_words = [*activity.hidden_words, stem]
        activity.save(update_fields=["hidden_words"])
        _refilter(activity)
    _changed(activity.session)


@transaction.atomic
def show_word(activity: Activity, stem: str) -> None:
    if stem in activity.hidden_words:
        activity.hidden_words = [each for each in activity.hidden_words if each != stem]
        activity.save(update_fields=["hidden_words"])
        _refilter(activity)
    _changed(activity.session)


def _refilter(activity: Activity) -> None:
    """Apply the hidden words to the last release without releasing anything new."""
    document = activity.release
    if not document:
        return
    hidden = set(activity.hidden_words)
    whole = document.get("whole", {})
    if isinstance(whole, dict):
        whole["words"] = [word for word in whole.get("words", []) if word["stem"] not in hidden]
    activity.release = document
    activity.save(update_fields=["release"])


@transaction.atomic
def ask(activity: Activity, participant: Participant, text: str) -> Question:
    locked = _open_for(activity)
    if locked.kind != Kind.QUESTIONS:
        raise _refuse(_("This activity does not take questions."))
    if participant.session_id != locked.session_id:
        raise _refuse(_("Join the meeting first."))
    _one_at_a_time(participant)
    text = normalise_text(text).strip()
    if not text:
        raise _refuse(_("Write your question."))
    if len(text) > QUESTION_MAX_LENGTH:
        raise _refuse(_("A question can be at most %(limit)s characters.") % {"limit": QUESTION_MAX_LENGTH})
    if Question.objects.filter(activity=locked, participant=participant).count() >= QUESTIONS_PER_PARTICIPANT:
        raise _refuse(
            _("You have asked %(count)s questions, the most one phone may ask.") % {"count": QUESTIONS_PER_PARTICIPANT}
        )
    status = Question.Status.PENDING if locked.moderated else Question.Status.APPROVED
    question = Question.objects.create(activity=locked, participant=participant, text=text, status=status)
    transaction.on_commit(lambda: realtime.answers_changed(locked.session_id, locked.public_id))
    return question


@transaction.atomic
def upvote(question: Question, participant: Participant) -> None:
    locked = _open_for(question.activity)
    if participant.session_id != locked.session_id:
        raise _refuse(_("Join the meeting first."))
    if question.status != Question.Status.APPROVED:
        raise _refuse(_("Only approved questions can be voted up."))
    _one_at_a_time(participant)
    _upvote, created = Upvote.objects.get_or_create(question=question, participant=participant)
    if not created:
        raise _refuse(_("You have already voted this question up."))
    Question.objects.filter(pk=question.pk).update(upvotes=F("upvotes") + 1)
    transaction.on_commit(lambda: realtime.answers_changed(locked.session_id, locked.public_id))


@transaction.atomic
def moderate(question: Question, *, status: str | None = None, on_screen: bool | None = None) -> None:
    """Approve, reject or mark answered a question, or put it on (or take it off) the screen: one at a time."""
    if status is not None:
        if status not in Question.Status.values:
            raise _refuse(_("Choose a status."))
        question.status = status
    if on_screen is not None:
        if on_screen and question.status not in (Question.Status.APPROVED, Question.Status.ANSWERED):
            raise _refuse(_("Approve the question before putting it on the screen."))
        if on_screen:
            Question.objects.filter(activity=question.activity, on_screen=True).update(on_screen=False)
        question.on_screen = on_screen
    if question.status == Question.Status.REJECTED:
        question.on_screen = False
    question.save(update_fields=["status", "on_screen"])
    _changed(question.activity.session)


# --- Sending answers on, afterwards -----------------------------------------------------------------------------
# What a meeting brought up goes on into the organisation's other parts, through their own actions: the words of a
# word cloud and the approved questions as seed statements of a dialogue (Samtal), or as proposals in a workshop's
# chain. Only what the screen could show is offered: a word of the last release that the moderator did not hide,
# a question approved (or answered) by the moderator. The text goes as the screen showed it; who said it was never
# stored with it. The third destination is Styrsignaler: each text becomes a tidstjuv report, reported anonymously,
# waiting for a process leader's triage.


def _sent_texts(
    session: LiveSession, words: Sequence[tuple[Activity, str]], questions: Sequence[Question]
) -> list[str]:
    """The chosen words and questions as texts, in the order given, each once; refused unless every one is this
    meeting's and could be shown."""
    if not words and not questions:
        raise _refuse(_("Choose at least one word or question to send on."))
    texts: list[str] = []
    # The word clouds as stored now (the objects given may predate their last release or a hidden word).
    clouds = {
        activity.pk: activity
        for activity in Activity.objects.filter(
            pk__in={activity.pk for activity, _stem in words}, session=session, kind=Kind.WORDS
        )
    }
    for activity, stem in words:
        if activity.pk not in clouds:
            raise _refuse(_("Choose words of this meeting's word clouds."))
        released = _released_words(clouds[activity.pk])
        if stem not in released:
            raise _refuse(_("Only words the screen showed can be sent on."))
        texts.append(released[stem])
    stored = {
        question.pk: question
        for question in Question.objects.filter(
            pk__in={question.pk for question in questions}, activity__session=session
        )
    }
    for question in questions:
        if question.pk not in stored:
            raise _refuse(_("Choose questions of this meeting."))
        if stored[question.pk].status not in (Question.Status.APPROVED, Question.Status.ANSWERED):
            raise _refuse(_("Only approved questions can be sent on."))
        texts.append(stored[question.pk].text)
    return list(dict.fromkeys(texts))


def _released_words(activity: Activity) -> dict[str, str]:
    """A word cloud's words in its last release, by stem, without those the moderator hid."""
    whole = activity.release.get("whole") if isinstance(activity.release, dict) else None
    found = whole.get("words", []) if isinstance(whole, dict) else []
    hidden = set(activity.hidden_words)
    return {word["stem"]: word["word"] for word in found if word["stem"] not in hidden}


@transaction.atomic
def send_to_dialogue(
    session: LiveSession,
    *,
    dialogue: Dialogue,
    words: Sequence[tuple[Activity, str]] = (),
    questions: Sequence[Question] = (),
) -> list[Statement]:
    """Add the chosen words and questions to a dialogue of the meeting's organisation as seed statements (accepted,
    without an author; personal data masked by the dialogue). Returns the statements made: a text the dialogue
    already has is not added again. All or nothing."""
    if dialogue.organisation_id != session.organisation_id:
        raise _refuse(_("Choose a dialogue of this organisation."))
    if dialogue.state() == "closed":
        raise _refuse(_("The dialogue has closed: choose one that is open or has not opened yet."))
    texts = _sent_texts(session, words, questions)
    return dialogue_actions.add_seed_statements(dialogue=dialogue, texts=texts)


@transaction.atomic
def send_to_workshop(
    session: LiveSession,
    *,
    workshop: Workshop,
    membership: Membership,
    kind: str,
    words: Sequence[tuple[Activity, str]] = (),
    questions: Sequence[Question] = (),
) -> list[Item]:
    """Propose the chosen words and questions as cards of `kind` (an effect or an activity) in a workshop of the
    meeting's organisation, proposed by `membership` as one of its process leaders. Refused when the workshop takes
    no proposals now (its own rule). All or nothing."""
    if workshop.organisation_id != session.organisation_id or membership.organisation_id != session.organisation_id:
        raise _refuse(_("Choose a workshop of this organisation."))
    if kind not in {value for value, _label in workshop_queries.PROMOTABLE_KINDS}:
        raise _refuse(_("Choose what the answers become in the workshop."))
    texts = _sent_texts(session, words, questions)
    leader = workshop_actions.add_member(workshop=workshop, membership=membership, role=workshop_queries.LEADER_ROLE)
    origin = _("From the live meeting “%(meeting)s”.") % {"meeting": session.title}
    return [
        workshop_actions.propose(participant=leader, kind=kind, title=text, description=f"{origin} {text}")
        for text in texts
    ]


@transaction.atomic
def send_to_time_thieves(
    session: LiveSession,
    *,
    words: Sequence[tuple[Activity, str]] = (),
    questions: Sequence[Question] = (),
) -> list[object]:
    """Report the chosen words and questions as tidstjuvar of the meeting's organisation (Styrsignaler), anonymously
    (who said them was never stored), each waiting for a process leader's triage. All or nothing."""
    texts = _sent_texts(session, words, questions)
    origin = _("Brought up at the live meeting “%(meeting)s”.") % {"meeting": session.title}
    limit = steering_actions.TITLE_MAX_LENGTH
    return [
        steering_actions.report_time_thief(
            organisation=session.organisation,
            # A question longer than a title is shortened there and kept whole in the description.
            title=text if len(text) <= limit else text[: limit - 1].rstrip() + "…",
            description=origin if len(text) <= limit else f"{text}\n\n{origin}",
            reported_by=None,
        )
        for text in texts
    ]
