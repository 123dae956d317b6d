"""The live session's writes: the agenda, answering each kind, locks, and the releases the screen shows."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import actor_group, level
from tillit.live import actions
from tillit.live.models import Activity, Answer, LiveSession, Participant, Question, Upvote

pytestmark = pytest.mark.django_db

Kind = Activity.Kind


def phones(session, count, **background):
    return [actions.join(session, token=f"token-{session.pk}-{n}", **background) for n in range(count)]


def test_a_session_gets_a_six_digit_code_unique_among_open_sessions(organisation):
    first = actions.create_session(organisation=organisation, title="Ett")
    second = actions.create_session(organisation=organisation, title="Två")

    assert len(first.code) == 6
    assert first.code.isdigit()
    assert first.code[0] != "0"
    assert first.code != second.code


def test_an_empty_title_is_refused(organisation):
    with pytest.raises(ValidationError):
        actions.create_session(organisation=organisation, title="   ")
    assert not LiveSession.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["Bara en"], "at least two"),
        (["Ja", "ja"], "the same"),
        (["x" * 121, "Nej"], "at most"),
        ([str(n) for n in range(13)], "at most"),
    ],
)
def test_bad_choices_are_refused(session, options, message):
    with pytest.raises(ValidationError):
        actions.add_activity(session, kind=Kind.POLL, prompt="Fråga?", options=options)
    assert not session.activities.exists()


def test_a_workshop_of_another_organisation_is_refused(session, other_organisation, make_member):
    from tillit.workshops import actions as workshop_actions

    foreign = workshop_actions.create_workshop(
        organisation=other_organisation,
        leader=make_member(other_organisation, role="facilitator"),
        title="Deras",
        purpose="Syfte",
        service_user_group="Brukare",
        units=[],
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2027, 1, 31),
    )
    with pytest.raises(ValidationError):
        actions.add_activity(session, kind=Kind.WORKSHOP, prompt="Steg", workshop=foreign)


def test_activities_are_reordered(session):
    first = actions.add_activity(session, kind=Kind.SCALE, prompt="Ett")
    second = actions.add_activity(session, kind=Kind.SCALE, prompt="Två")

    actions.move_activity(second, up=True)

    assert list(session.activities.values_list("prompt", flat=True)) == ["Två", "Ett"]
    with pytest.raises(ValidationError):
        actions.move_activity(Activity.objects.get(pk=second.pk), up=True)
    assert first.pk


def test_showing_opens_an_activity_and_raises_the_version(session):
    poll = actions.add_activity(session, kind=Kind.POLL, prompt="Fråga?", options=["Ja", "Nej"])
    before = LiveSession.objects.get(pk=session.pk).version

    actions.show(session, poll)

    session.refresh_from_db()
    poll.refresh_from_db()
    assert session.current == poll
    assert poll.state == Activity.State.OPEN
    assert session.version > before
    assert session.status == LiveSession.Status.LIVE


def test_a_poll_takes_one_choice_and_a_change_replaces_it(session):
    poll = actions.add_activity(session, kind=Kind.POLL, prompt="Fråga?", options=["Ja", "Nej", "Vet ej"])
    actions.show(session, poll)
    (phone,) = phones(session, 1)

    actions.answer(poll, phone, choices=[0])
    actions.answer(poll, phone, choices=[2])

    assert list(Answer.objects.filter(activity=poll).values_list("item", flat=True)) == [2]
    with pytest.raises(ValidationError):
        actions.answer(poll, phone, choices=[0, 1])  # one choice only
    with pytest.raises(ValidationError):
        actions.answer(poll, phone, choices=[3])
    assert list(Answer.objects.filter(activity=poll).values_list("item", flat=True)) == [2]


def test_a_second_answer_is_refused_where_changing_is_not_allowed(session):
    scale = actions.add_activity(session, kind=Kind.SCALE, prompt="Hur?", may_change=False)
    actions.show(session, scale)
    (phone,) = phones(session, 1)
    actions.answer(scale, phone, value=4)

    with pytest.raises(ValidationError):
        actions.answer(scale, phone, value=2)
    assert list(Answer.objects.filter(activity=scale).values_list("value", flat=True)) == [4]


def test_answers_after_the_lock_are_refused_and_nothing_is_stored(session):
    scale = actions.add_activity(session, kind=Kind.SCALE, prompt="Hur?", scale=(0, 10))
    actions.show(session, scale)
    (phone,) = phones(session, 1)
    actions.lock(scale)

    with pytest.raises(ValidationError):
        actions.answer(scale, phone, value=7)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("value", [-1, 11, None])
def test_a_value_outside_the_scale_is_refused(session, value):
    scale = actions.add_activity(session, kind=Kind.SCALE, prompt="Hur?", scale=(0, 10))
    actions.show(session, scale)
    (phone,) = phones(session, 1)

    with pytest.raises(ValidationError):
        actions.answer(scale, phone, value=value)
    assert not Answer.objects.exists()


def test_words_are_limited_and_merged_by_stem_per_phone(session):
    cloud = actions.add_activity(session, kind=Kind.WORDS, prompt="Ett ord om tillit")
    actions.show(session, cloud)
    (phone,) = phones(session, 1)

    with pytest.raises(ValidationError):
        actions.answer(cloud, phone, words=["x" * 500])
    with pytest.raises(ValidationError):
        actions.answer(cloud, phone, words=["a", "b", "c", "d"])
    actions.answer(cloud, phone, words=["Tillit", "tilliten", "mod"])

    assert sorted(Answer.objects.values_list("text", flat=True)) == ["Tillit", "mod"]


def test_rating_needs_at_least_one_value_within_the_scale(session):
    rating = actions.add_activity(session, kind=Kind.RATING, prompt="Betygsätt", options=["A", "B"])
    actions.show(session, rating)
    (phone,) = phones(session, 1)

    with pytest.raises(ValidationError):
        actions.answer(rating, phone, values=[None, None])
    with pytest.raises(ValidationError):
        actions.answer(rating, phone, values=[6, 1])
    actions.answer(rating, phone, values=[None, 3])

    assert list(Answer.objects.values_list("item", "value")) == [(1, 3)]


def test_a_group_of_another_organisation_is_refused(session, other_organisation):
    with pytest.raises(ValidationError):
        actions.join(session, token="t", actor_group=actor_group(other_organisation, "employee"))
    assert not Participant.objects.exists()


def test_joining_twice_from_one_phone_is_one_participant_and_keeps_no_token(session, organisation):
    first = actions.join(session, token="secret-token", level=level(organisation, 5))
    second = actions.join(session, token="secret-token", level=level(organisation, 5))

    assert first.pk == second.pk
    assert "secret-token" not in first.key


def test_a_release_waits_for_k_participants_and_then_holds_them_all(session, organisation):
    k = organisation.anonymity_threshold
    poll = actions.add_activity(session, kind=Kind.POLL, prompt="Fråga?", options=["Ja", "Nej"])
    actions.show(session, poll)
    people = phones(session, 2 * k)

    for phone in people[: k - 1]:
        actions.answer(poll, phone, choices=[0])
    assert actions.release(poll) is False
    assert poll.release == {}

    actions.answer(poll, people[k - 1], choices=[1])
    assert actions.release(poll) is True
    assert poll.release["whole"]["participants"] == k
    assert poll.release["whole"]["counts"] == {"0": {"1": k - 1}, "1": {"1": 1}}

    # One more, and one changed answer: fewer than k people differ, so the screen keeps the last release.
    actions.answer(poll, people[k], choices=[1])
    actions.answer(poll, people[0], choices=[1])
    assert actions.release(poll) is False
    assert Activity.objects.get(pk=poll.pk).release["whole"]["participants"] == k


def test_answers_of_fewer_than_k_after_the_last_release_are_never_shown_after_the_lock(session, organisation):
    k = organisation.anonymity_threshold
    scale = actions.add_activity(session, kind=Kind.SCALE, prompt="Hur?")
    actions.show(session, scale)
    people = phones(session, k + 2)
    for phone in people[:k]:
        actions.answer(scale, phone, value=3)
    actions.release(scale)
    for phone in people[k:]:
        actions.answer(scale, phone, value=5)

    actions.lock(scale)

    scale.refresh_from_db()
    assert scale.release["whole"]["participants"] == k
    assert scale.release["whole"]["counts"] == {"0": {"3": k}}
    assert Answer.objects.filter(activity=scale).count() == k + 2  # stored all the same


def test_a_release_keeps_the_atoms_with_their_unverified_participants(session, organisation):
    k = organisation.anonymity_threshold
    scale = actions.add_activity(session, kind=Kind.SCALE, prompt="Hur?")
    actions.show(session, scale)
    staff = actor_group(organisation, "employee")
    people = phones(session, k, actor_group=staff, level=level(organisation, 5))
    actions.join(session, token=f"token-{session.pk}-0", actor_group=staff, level=level(organisation, 5), member_id=1)
    for phone in people:
        actions.answer(scale, phone, value=4)

    actions.release(scale)

    (atom,) = scale.release["atoms"].values()
    assert atom["participants"] == k
    assert atom["unverified"] == k - 1


def test_questions_need_approval_before_upvotes_and_one_upvote_per_phone(session):
    panel = actions.add_activity(session, kind=Kind.QUESTIONS, prompt="Frågor till panelen")
    actions.show(session, panel)
    asker, voter = phones(session, 2)
    question = actions.ask(panel, asker, "Hur minskar vi detaljstyrningen?")

    with pytest.raises(ValidationError):
        actions.upvote(question, voter)
    actions.moderate(question, status=Question.Status.APPROVED, on_screen=True)
    actions.upvote(question, voter)
    with pytest.raises(ValidationError):
        actions.upvote(question, voter)

    assert Upvote.objects.count() == 1
    assert Question.objects.get(pk=question.pk).upvotes == 1


def test_a_phone_asks_at_most_five_questions(session):
    panel = actions.add_activity(session, kind=Kind.QUESTIONS, prompt="Frågor")
    actions.show(session, panel)
    (asker,) = phones(session, 1)
    for n in range(5):
        actions.ask(panel, asker, f"Fråga {n}?")

    with pytest.raises(ValidationError):
        actions.ask(panel, asker, "En till?")
    with pytest.raises(ValidationError):
        actions.ask(panel, asker, "x" * 281)
    assert Question.objects.count() == 5


def test_ending_locks_every_open_activity_and_frees_the_code(session, organisation):
    poll = actions.add_activity(session, kind=Kind.POLL, prompt="Fråga?", options=["Ja", "Nej"])
    actions.show(session, poll)

    actions.end_session(session)

    poll.refresh_from_db()
    assert poll.state == Activity.State.LOCKED
    assert session.current is None
    reused = LiveSession.objects.create(organisation=organisation, title="Nästa", code=session.code)
    assert reused.code == session.code
    with pytest.raises(ValidationError):
        actions.join(session, token="late")


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(1, 5)), min_size=1, max_size=40))
def test_consecutive_releases_differ_by_at_least_k_participants(answers):
    """Whatever the order of new and changed answers, a release comes only once k participants or more have answered
    or changed their answer since the last one, and holds everyone's latest answer."""
    from django.db import transaction

    from conftest import build_norrby

    with transaction.atomic():
        organisation = build_norrby()
        session = actions.create_session(organisation=organisation, title="Forum")
        scale = actions.add_activity(session, kind=Kind.SCALE, prompt="Hur?")
        actions.show(session, scale)
        k = organisation.anonymity_threshold
        last: dict[int, int] = {}
        moved: set[int] = set()
        shown: dict[int, int] = {}
        for who, value in answers:
            phone = actions.join(session, token=f"p{who}")
            actions.answer(scale, phone, value=value)
            if last.get(who) != value:
                moved.add(who)
            last[who] = value
            if actions.release(scale):
                assert len(moved) >= k
                shown, moved = dict(last), set()
                release = Activity.objects.get(pk=scale.pk).release["whole"]
                assert release["participants"] == len(shown)
                assert sum(release["counts"]["0"].values()) == len(shown)
            else:
                assert len(moved) < k
        transaction.set_rollback(True)


def test_a_reopened_activity_shows_no_breakdown_again(session, organisation):
    from tillit.live import reporting

    k = organisation.anonymity_threshold
    scale = actions.add_activity(session, kind=Kind.SCALE, prompt="Hur?")
    actions.show(session, scale)
    staff = actor_group(organisation, "employee")
    for n in range(2 * k):
        phone = actions.join(session, token=f"member-{n}", actor_group=staff, member_id=n)
        actions.answer(scale, phone, value=4)
    actions.lock(scale)
    assert reporting.publication(Activity.objects.get(pk=scale.pk)).breakdowns

    actions.reopen(scale)
    for phone in [actions.join(session, token=f"late-{n}", actor_group=staff) for n in range(k)]:
        actions.answer(scale, phone, value=1)
    actions.lock(Activity.objects.get(pk=scale.pk))

    assert not reporting.publication(Activity.objects.get(pk=scale.pk)).breakdowns


def test_one_account_is_one_verified_participant_however_many_phones_it_joins_from(session, organisation):
    staff = actor_group(organisation, "employee")

    first = actions.join(session, token="phone-a", actor_group=staff, member_id=42)
    second = actions.join(session, token="phone-b", actor_group=staff, member_id=42)
    again = actions.join(session, token="phone-a", actor_group=staff, member_id=42)

    assert first.verified
    assert not second.verified
    assert again.pk == first.pk
    assert again.verified
    assert Participant.objects.filter(session=session, verified=True).count() == 1


def test_ending_the_meeting_forgets_which_account_joined(session):
    actions.join(session, token="phone-a", member_id=42)

    actions.end_session(session)

    assert not Participant.objects.exclude(member="").exists()
    assert LiveSession.objects.get(pk=session.pk).member_salt == ""


def test_locking_forgets_which_phone_asked_a_question(session):
    panel = actions.add_activity(session, kind=Kind.QUESTIONS, prompt="Frågor")
    actions.show(session, panel)
    (asker,) = phones(session, 1)
    actions.ask(panel, asker, "Hur går det?")

    actions.lock(panel)

    assert Question.objects.get().participant is None
