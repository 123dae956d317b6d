"""Sending a meeting's words and approved questions on: into a dialogue as seed statements, into a workshop as
proposals; refusals change nothing, and the page only offers what the screen could show."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tillit.dialogues import actions as dialogue_actions
from tillit.dialogues.models import Statement
from tillit.live import actions, tally
from tillit.live.models import Question
from tillit.live.tests.meetings import english, finished_meeting
from tillit.steering import actions as steering_actions
from tillit.steering.models import TimeThief
from tillit.workshops import actions as workshop_actions
from tillit.workshops.models import Item, Participant, Workshop

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
QUESTION = "Vilken uppföljning kan vi sluta med?"


@pytest.fixture
def meeting(organisation):
    return finished_meeting(organisation)


def make_dialogue(organisation, member, *, closed=False, question="Vad hindrar mötet med brukaren?"):
    dialogue = dialogue_actions.create_dialogue(
        organisation=organisation,
        created_by=member.memberships.get(),
        question=question,
        opens_on=TODAY - datetime.timedelta(days=1),
        closes_on=TODAY + datetime.timedelta(days=14),
    )
    if closed:
        dialogue_actions.close_dialogue(dialogue=dialogue)
    return dialogue


def make_workshop(organisation, member, *, title="Trygg hemtjänst"):
    return workshop_actions.create_workshop(
        organisation=organisation,
        leader=member.memberships.get(),
        title=title,
        purpose="Syfte",
        service_user_group="Brukare i hemtjänsten",
        units=[],
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=30),
    )


def words_of(meeting, *spellings):
    return [(meeting.words, tally.stem_of(spelling)) for spelling in spellings]


def statements(dialogue):
    return list(Statement.objects.filter(dialogue=dialogue).order_by("number").values_list("text", "is_seed", "status"))


# Into a dialogue ----------------------------------------------------------------------------------------------------


def test_words_and_questions_become_accepted_seed_statements(meeting, organisation, facilitator):
    dialogue = make_dialogue(organisation, facilitator)

    made = actions.send_to_dialogue(
        meeting.session, dialogue=dialogue, words=words_of(meeting, "Tilliten", "tid"), questions=[meeting.approved]
    )

    assert len(made) == 3
    assert statements(dialogue) == [
        ("tillit", True, Statement.Status.ACCEPTED),  # the spelling the screen showed
        ("tid", True, Statement.Status.ACCEPTED),
        (QUESTION, True, Statement.Status.ACCEPTED),
    ]


def test_sending_the_same_again_adds_nothing(meeting, organisation, facilitator):
    dialogue = make_dialogue(organisation, facilitator)
    actions.send_to_dialogue(meeting.session, dialogue=dialogue, questions=[meeting.approved])

    again = actions.send_to_dialogue(meeting.session, dialogue=dialogue, questions=[meeting.approved])

    assert again == []
    assert len(statements(dialogue)) == 1


@pytest.mark.parametrize(
    "case", ["empty", "rejected question", "hidden word", "word never said", "another meeting's question"]
)
def test_what_the_screen_could_not_show_is_refused_and_nothing_is_stored(meeting, organisation, facilitator, case):
    dialogue = make_dialogue(organisation, facilitator)
    words, questions = words_of(meeting, "tillit"), [meeting.approved]  # good ones, stored only if all are good
    if case == "empty":
        words, questions = [], []
    elif case == "rejected question":
        questions.append(meeting.rejected)
    elif case == "hidden word":
        actions.hide_word(meeting.words, "kaffe")
        words += words_of(meeting, "kaffe")
    elif case == "word never said":
        words += words_of(meeting, "byråkrati")
    else:
        other = finished_meeting(organisation, title="Ett annat möte")
        questions.append(other.approved)

    with pytest.raises(ValidationError):
        actions.send_to_dialogue(meeting.session, dialogue=dialogue, words=words, questions=questions)

    assert statements(dialogue) == []


def test_another_organisations_or_a_closed_dialogue_is_refused(
    meeting, organisation, other_organisation, facilitator, outsider
):
    theirs = make_dialogue(other_organisation, outsider)
    closed = make_dialogue(organisation, facilitator, closed=True)

    for dialogue in (theirs, closed):
        with pytest.raises(ValidationError):
            actions.send_to_dialogue(meeting.session, dialogue=dialogue, questions=[meeting.approved])
        assert statements(dialogue) == []


def test_a_text_too_long_for_the_dialogue_stores_nothing_at_all(organisation, facilitator):
    dialogue = make_dialogue(organisation, facilitator)
    other = finished_meeting(organisation, title="Långa frågor", end=False)
    actions.reopen(other.questions)
    # About 200 characters: longer than the dialogue's statements may be (140).
    question = actions.ask(other.questions, other.phones[3], "Varför " + "väldigt " * 24 + "långt?")
    actions.moderate(question, status=question.Status.APPROVED)

    with pytest.raises(ValidationError):
        actions.send_to_dialogue(other.session, dialogue=dialogue, words=words_of(other, "tid"), questions=[question])

    assert statements(dialogue) == []


# Into a workshop ----------------------------------------------------------------------------------------------------


def test_words_and_questions_become_proposals_of_the_sender(meeting, organisation, facilitator):
    workshop = make_workshop(organisation, facilitator)
    sender = facilitator.memberships.get()

    made = actions.send_to_workshop(
        meeting.session,
        workshop=workshop,
        membership=sender,
        kind=Item.Kind.EFFECT,
        words=words_of(meeting, "tid"),
        questions=[meeting.approved],
    )

    items = Item.objects.filter(workshop=workshop).order_by("pk")
    assert [item.pk for item in made] == [item.pk for item in items]
    assert [(item.kind, item.title) for item in items] == [(Item.Kind.EFFECT, "tid"), (Item.Kind.EFFECT, QUESTION)]
    assert all(item.proposed_by.membership == sender for item in items)
    assert all("Forum Tillit" in item.description for item in items)


def test_a_workshop_that_takes_no_proposals_leaves_nothing_half_stored(meeting, organisation, facilitator, org_admin):
    workshop = make_workshop(organisation, facilitator)
    workshop_actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    before = Participant.objects.filter(workshop=workshop).count()

    with pytest.raises(ValidationError):
        actions.send_to_workshop(
            meeting.session,
            workshop=workshop,
            membership=org_admin.memberships.get(),  # would be added as a process leader first
            kind=Item.Kind.ACTIVITY,
            questions=[meeting.approved],
        )

    assert not Item.objects.filter(workshop=workshop).exists()
    assert Participant.objects.filter(workshop=workshop).count() == before


@pytest.mark.parametrize("case", ["another organisation's", "unknown kind", "empty"])
def test_refusals_into_a_workshop(meeting, organisation, other_organisation, facilitator, outsider, case):
    ours = make_workshop(organisation, facilitator)
    theirs = make_workshop(other_organisation, outsider, title="Deras")
    workshop, kind, questions = ours, Item.Kind.EFFECT, [meeting.approved]
    if case == "another organisation's":
        workshop = theirs
    elif case == "unknown kind":
        kind = Item.Kind.GOAL
    else:
        questions = []

    with pytest.raises(ValidationError):
        actions.send_to_workshop(
            meeting.session, workshop=workshop, membership=facilitator.memberships.get(), kind=kind, questions=questions
        )

    assert not Item.objects.filter(workshop__in=[ours, theirs]).exists()


# The page -----------------------------------------------------------------------------------------------------------


def send_on_url(meeting):
    return reverse("live:send_on", kwargs={"session": meeting.session.public_id})


def test_the_page_offers_shown_words_and_approved_questions_and_the_destinations(
    client, facilitator, meeting, organisation
):
    dialogue = make_dialogue(organisation, facilitator)
    closed = make_dialogue(organisation, facilitator, closed=True, question="Ett stängt samtal")
    workshop = make_workshop(organisation, facilitator)
    actions.hide_word(meeting.words, "kaffe")
    english(client).force_login(facilitator)

    response = client.get(send_on_url(meeting))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{meeting.words.public_id}:{tally.stem_of("tillit")}"' in html
    assert f'value="{meeting.words.public_id}:{tally.stem_of("kaffe")}"' not in html
    assert f'value="{meeting.approved.public_id}"' in html
    assert f'value="{meeting.rejected.public_id}"' not in html
    assert dialogue.question in html
    assert closed.question not in html
    assert workshop.title in html
    assert 'value="time_thieves:"' in html


def test_posting_sends_into_the_dialogue_and_returns_to_the_results(client, facilitator, meeting, organisation):
    dialogue = make_dialogue(organisation, facilitator)
    english(client).force_login(facilitator)

    response = client.post(
        send_on_url(meeting),
        {
            "words": [f"{meeting.words.public_id}:{tally.stem_of('tid')}"],
            "questions": [str(meeting.approved.public_id)],
            "destination": f"dialogue:{dialogue.public_id}",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("live:results", kwargs={"session": meeting.session.public_id})
    assert [text for text, _seed, _status in statements(dialogue)] == ["tid", QUESTION]


def test_posting_into_a_workshop_makes_proposals(client, facilitator, meeting, organisation):
    workshop = make_workshop(organisation, facilitator)
    english(client).force_login(facilitator)

    response = client.post(
        send_on_url(meeting),
        {
            "questions": [str(meeting.approved.public_id)],
            "destination": f"workshop:{workshop.public_id}",
            "kind": "activity",
        },
    )

    assert response.status_code == 302
    assert list(Item.objects.filter(workshop=workshop).values_list("kind", "title")) == [("activity", QUESTION)]


def test_posting_to_the_time_thieves_reports_each_text_anonymously_for_triage(
    client, facilitator, meeting, organisation
):
    english(client).force_login(facilitator)

    response = client.post(
        send_on_url(meeting),
        {
            "words": [f"{meeting.words.public_id}:{tally.stem_of('tid')}"],
            "questions": [str(meeting.approved.public_id)],
            "destination": "time_thieves:",
        },
    )

    assert response.status_code == 302
    reported = TimeThief.objects.filter(organisation=organisation).order_by("title")
    assert sorted(reported.values_list("title", flat=True)) == sorted(["tid", QUESTION])
    assert {(each.status, each.reported_by_id) for each in reported} == {(TimeThief.Status.PENDING, None)}
    assert all(meeting.session.title in each.description for each in reported)


def test_a_question_longer_than_a_title_is_shortened_there_and_kept_whole_in_the_description(meeting, organisation):
    long_question = "Varför " + "måste vi rapportera samma sak flera gånger " * 6
    Question.objects.filter(pk=meeting.approved.pk).update(text=long_question.strip())

    [reported] = actions.send_to_time_thieves(meeting.session, questions=[meeting.approved])

    assert len(reported.title) <= steering_actions.TITLE_MAX_LENGTH
    assert reported.title.endswith("…")
    assert long_question.strip() in reported.description


def test_what_the_screen_could_not_show_is_not_reported_as_a_time_thief(meeting, organisation):
    with pytest.raises(ValidationError):
        actions.send_to_time_thieves(meeting.session, questions=[meeting.rejected])

    assert not TimeThief.objects.filter(organisation=organisation).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose at least one word or question to send on."),
        ({"questions": ["not-a-question"]}, "Select a valid choice"),
        ({"destination": "dialogue:00000000-0000-0000-0000-000000000000"}, "Choose one of the listed"),
        ({"destination": "workshop"}, "Choose what the answers become in the workshop."),
    ],
)
def test_bad_posts_change_nothing_and_say_why(client, facilitator, meeting, organisation, data, message):
    dialogue = make_dialogue(organisation, facilitator)
    workshop = make_workshop(organisation, facilitator)
    posted = {"questions": [str(meeting.approved.public_id)], "destination": f"dialogue:{dialogue.public_id}", **data}
    if posted["destination"] == "workshop":
        posted["destination"] = f"workshop:{workshop.public_id}"
    if data == {}:
        posted.pop("questions")
    english(client).force_login(facilitator)

    response = client.post(send_on_url(meeting), posted)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert statements(dialogue) == []
    assert not Item.objects.filter(workshop=workshop).exists()


def test_without_anything_to_send_the_page_says_so(client, facilitator, organisation):
    session = actions.create_session(organisation=organisation, title="Tyst möte")
    english(client).force_login(facilitator)

    response = client.get(reverse("live:send_on", kwargs={"session": session.public_id}))

    assert response.status_code == 200
    assert "Nothing to send on" in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("employee", 403), ("outsider", 404)])
def test_only_process_leaders_send_on(client, meeting, organisation, facilitator, role, status, request):
    dialogue = make_dialogue(organisation, facilitator)
    client.force_login(request.getfixturevalue(role))

    posted = {"questions": [str(meeting.approved.public_id)], "destination": f"dialogue:{dialogue.public_id}"}
    assert client.get(send_on_url(meeting)).status_code == status
    assert client.post(send_on_url(meeting), posted).status_code == status
    assert statements(dialogue) == []
