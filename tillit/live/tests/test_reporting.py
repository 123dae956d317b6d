"""What the screen may show of an activity (`reporting.publication`): nothing before k participants, the whole
distribution of a shown release, breakdowns by actor group and level only once locked and only for groups the
privacy engine discloses, with unverified participants unable to lift a group of verified people."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import actor_group, level
from tillit.live import actions, reporting
from tillit.live.models import Activity, Question
from tillit.organisations.models import ActorGroup
from tillit.privacy.suppression import HIDDEN, Cell

pytestmark = pytest.mark.django_db

Kind = Activity.Kind
Key = ActorGroup.Key


def on_now(session, kind=Kind.POLL, **fields) -> Activity:
    if kind in (Kind.POLL, Kind.RATING) and "options" not in fields:
        fields["options"] = ["Regler", "Uppföljning", "Tid"]
    activity = actions.add_activity(session, kind=kind, prompt="Fråga", **fields)
    actions.show(session, activity)
    return activity


class Phones:
    """Joins phones to a session, numbered, with a group and level (by key and rank) and verified or not."""

    def __init__(self, session):
        self.session, self.number = session, 0

    def __call__(self, count, *, group=None, rank=None, verified=False):
        organisation = self.session.organisation
        phones = []
        for _ in range(count):
            self.number += 1
            phones.append(
                actions.join(
                    self.session,
                    token=f"phone-{self.number}",
                    actor_group=actor_group(organisation, group) if group else None,
                    level=level(organisation, rank) if rank else None,
                    member_id=self.number if verified else None,  # a verified member: one account each
                )
            )
        return phones


@pytest.fixture
def phones(session):
    return Phones(session)


def answer_all(activity, phones, **answer):
    for phone in phones:
        actions.answer(activity, phone, **answer)


def fresh(activity) -> reporting.ActivityPublication:
    return reporting.publication(Activity.objects.select_related("session__organisation").get(pk=activity.pk))


def group_labels(publication, dimension) -> set[str]:
    return {group.label for b in publication.breakdowns if b.dimension == dimension for group in b.groups}


# --- The whole release ------------------------------------------------------------------------------------------


def test_a_release_under_k_shows_nothing(session, phones):
    poll = on_now(session)
    answer_all(poll, phones(4), choices=[0])

    assert not actions.release(poll)  # four new answers: no release
    shown = fresh(poll)

    assert not shown.shown
    assert shown.whole.participants == Cell(HIDDEN, HIDDEN)
    assert all(choice.count.hidden and choice.share.hidden for choice in shown.whole.choices)
    assert [choice.label for choice in shown.whole.choices] == ["Regler", "Uppföljning", "Tid"]
    assert not any(bar.value is not HIDDEN for bar in shown.whole.chart.bars)


def test_a_stored_release_of_fewer_than_k_is_hidden_too(session):
    """Even a release document holding fewer than k (a threshold raised since, say) shows nothing."""
    poll = on_now(session)
    poll.release = {"whole": {"participants": 4, "counts": {"0": {"1": 4}}, "words": []}, "atoms": {}}
    shown = reporting.publication(poll)

    assert not shown.shown
    assert shown.whole.choices[0].count.hidden


def test_a_shown_poll_release_is_shown_whole_with_counts_and_shares(session, phones):
    poll = on_now(session, several=True)
    answer_all(poll, phones(3), choices=[0, 1])
    answer_all(poll, phones(2), choices=[1])
    answer_all(poll, phones(1), choices=[2])

    assert actions.release(poll)
    shown = fresh(poll)

    assert shown.shown
    assert shown.whole.participants == Cell(6, 6)
    assert [(c.label, c.count.value, c.share.value) for c in shown.whole.choices] == [
        ("Regler", 3, 50),
        ("Uppföljning", 5, 83),
        ("Tid", 1, 17),  # one person's choice, within a release of six: the distribution is shown whole
    ]
    assert [bar.value for bar in shown.whole.chart.bars] == [50, 83, 17]
    assert shown.breakdowns == ()  # open: no breakdown


def test_a_scale_shows_its_distribution_and_mean(session, phones):
    scale = on_now(session, kind=Kind.SCALE, scale=(0, 10))
    for value, phone in zip([2, 4, 4, 10, 10], phones(5), strict=True):
        actions.answer(scale, phone, value=value)

    actions.release(scale)
    shown = fresh(scale)

    assert [value.label for value in shown.whole.values] == [str(v) for v in range(11)]
    assert shown.whole.values[4].count == Cell(2, 5)
    assert shown.whole.values[4].share == Cell(40, 5)
    assert shown.whole.mean == Cell(6.0, 5)


def test_rate_these_are_ranked_by_mean(session, phones):
    rating = on_now(session, kind=Kind.RATING, options=["Tid", "Tillit", "Regler"])
    answer_all(rating, phones(5), values=[2, 5, None])

    actions.release(rating)
    items = fresh(rating).whole.items

    assert [(item.label, item.rank) for item in items] == [("Tillit", 1), ("Tid", 2), ("Regler", None)]
    assert items[0].mean == Cell(5.0, 5)
    assert items[0].answers == Cell(5, 5)
    assert items[2].mean.hidden  # nobody rated it: no mean, and no place


def test_the_word_cloud_leaves_out_hidden_words_and_sizes_by_count(session, phones):
    words = on_now(session, kind=Kind.WORDS)
    many = phones(6)
    answer_all(words, many[:4], words=["Tillit"])
    answer_all(words, many[4:], words=["tilliten", "Skräp"])

    actions.release(words)
    assert [(w.word, w.count.value, w.weight) for w in fresh(words).whole.words] == [
        ("tillit", 6, 5),
        ("skräp", 2, 2),
    ]

    actions.hide_word(words, "skräp")
    assert [w.word for w in fresh(words).whole.words] == ["tillit"]


def test_questions_are_ranked_by_released_upvotes_and_the_one_on_screen_is_marked(session, phones):
    panel = on_now(session, kind=Kind.QUESTIONS, moderated=False)
    asker, *voters = phones(7)
    first = actions.ask(panel, asker, "Varför så många mål?")
    second = actions.ask(panel, asker, "Vem följer upp?")
    hidden = actions.ask(panel, asker, "Ett avvisat")
    actions.moderate(hidden, status=Question.Status.REJECTED)
    for voter in voters[:5]:
        actions.upvote(second, voter)
    actions.upvote(first, voters[5])

    before = fresh(panel)
    assert [q.text for q in before.questions] == ["Varför så många mål?", "Vem följer upp?"]  # as asked, no votes
    assert all(q.upvotes.hidden and q.rank is None for q in before.questions)

    actions.release(panel)
    actions.moderate(Question.objects.get(pk=first.pk), on_screen=True)
    shown = fresh(panel)
    assert [(q.text, q.upvotes.value, q.rank) for q in shown.questions] == [
        ("Vem följer upp?", 5, 1),
        ("Varför så många mål?", 1, 2),
    ]
    assert shown.on_screen.text == "Varför så många mål?"


# --- Breakdowns ---------------------------------------------------------------------------------------------------


def test_a_breakdown_is_hidden_while_open_and_shown_after_the_lock_only_for_groups_of_at_least_k(session, phones):
    poll = on_now(session)
    answer_all(poll, phones(7, group=Key.EMPLOYEE, rank=5, verified=True), choices=[0])
    answer_all(poll, phones(6, group=Key.POLITICIAN, rank=1, verified=True), choices=[1])
    answer_all(poll, phones(5, group=Key.FIRST_LINE_MANAGER, rank=4, verified=True), choices=[2])
    answer_all(poll, phones(2, group=Key.TOP_MANAGEMENT, rank=2, verified=True), choices=[2])

    actions.release(poll)
    assert fresh(poll).breakdowns == ()  # open: a look before and after a few answers would tell them apart

    actions.lock(poll)
    shown = fresh(poll)

    groups = group_labels(shown, "actor_group")
    organisation = session.organisation
    assert groups == {actor_group(organisation, Key.EMPLOYEE).name, actor_group(organisation, Key.POLITICIAN).name}
    assert len(group_labels(shown, "level")) == 2
    for breakdown in shown.breakdowns:
        for group in breakdown.groups:
            assert group.figures.participants.value >= shown.k
    employees = next(g for g in shown.breakdowns[0].groups if g.figures.participants.value == 7)
    assert [c.share.value for c in employees.figures.choices] == [100, 0, 0]
    table = shown.breakdowns[0].rows
    assert table[0].cells == tuple(g.figures.participants for g in shown.breakdowns[0].groups)


def test_the_breakdown_tables_of_a_scale_and_of_rate_these(session, phones):
    employees = phones(6, group=Key.EMPLOYEE, rank=5, verified=True)
    politicians = phones(6, group=Key.POLITICIAN, rank=1, verified=True)
    scale = on_now(session, kind=Kind.SCALE)
    answer_all(scale, employees, value=2)
    answer_all(scale, politicians, value=5)
    actions.lock(scale)
    rating = on_now(session, kind=Kind.RATING, options=["Tid", "Tillit"])
    answer_all(rating, employees, values=[1, 3])
    answer_all(rating, politicians, values=[4, None])
    actions.lock(rating)

    organisation = session.organisation
    order = [actor_group(organisation, Key.POLITICIAN).name, actor_group(organisation, Key.EMPLOYEE).name]
    by_group = fresh(scale).breakdowns[0]
    assert [group.label for group in by_group.groups] == order  # the organisation's order of actor groups
    sizes, mean, *values = by_group.rows
    assert sizes.cells == (Cell(6, 6), Cell(6, 6))
    assert mean.decimals
    assert mean.cells == (Cell(5.0, 6), Cell(2.0, 6))
    assert [row.label for row in values] == ["1", "2", "3", "4", "5"]
    assert all(row.percent for row in values)
    assert values[1].cells == (Cell(0, 6), Cell(100, 6))  # the value 2: no politician, every employee
    assert values[4].cells == (Cell(100, 6), Cell(0, 6))

    rated = fresh(rating).breakdowns[0]
    assert [row.label for row in rated.rows[1:]] == ["Tid", "Tillit"]
    assert rated.rows[1].cells == (Cell(4.0, 6), Cell(1.0, 6))
    assert rated.rows[2].cells[0].hidden  # no politician rated "Tillit": no mean
    assert rated.rows[2].cells[1] == Cell(3.0, 6)


def test_unverified_guests_cannot_lift_a_group_of_verified_people(session, phones):
    poll = on_now(session)
    answer_all(poll, phones(6, group=Key.EMPLOYEE, rank=5, verified=True), choices=[0])
    answer_all(poll, phones(6, group=Key.SUPPORT_FUNCTION, rank=3, verified=True), choices=[0])
    # One real politician, and five phones that say they are politicians too (anyone can).
    answer_all(poll, phones(1, group=Key.POLITICIAN, rank=1, verified=True), choices=[1])
    answer_all(poll, phones(5, group=Key.POLITICIAN, rank=1, verified=False), choices=[2])

    actions.lock(poll)
    shown = fresh(poll)

    assert shown.shown
    sizes = {g.figures.participants.value for b in shown.breakdowns for g in b.groups}
    assert 6 in sizes  # the two verified groups are shown
    politicians = actor_group(session.organisation, Key.POLITICIAN).name
    assert politicians not in group_labels(shown, "actor_group")
    top_level = level(session.organisation, 1).name
    assert top_level not in group_labels(shown, "level")


def test_words_and_questions_have_no_breakdown(session, phones):
    words = on_now(session, kind=Kind.WORDS)
    answer_all(words, phones(10, group=Key.EMPLOYEE, rank=5, verified=True), words=["tillit"])
    actions.lock(words)

    assert fresh(words).shown
    assert fresh(words).breakdowns == ()


def test_nobody_stating_a_group_shows_no_breakdown_group(session, phones):
    poll = on_now(session)
    answer_all(poll, phones(12), choices=[0])
    actions.lock(poll)

    shown = fresh(poll)
    assert shown.shown
    assert not shown.has_breakdowns


# --- The property: no shown group below k -----------------------------------------------------------------------

GROUPS = [Key.EMPLOYEE, Key.POLITICIAN, Key.FIRST_LINE_MANAGER, None]
RANKS = [1, 3, 5, None]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    k=st.integers(3, 6),
    atoms=st.dictionaries(
        st.tuples(st.sampled_from(range(len(GROUPS))), st.sampled_from(range(len(RANKS)))),
        st.tuples(st.integers(1, 12), st.integers(0, 12)),
        min_size=1,
        max_size=10,
    ),
)
def test_no_shown_group_is_below_k_nor_made_of_fewer_than_k_verified_people(session, k, atoms):
    organisation = session.organisation
    organisation.anonymity_threshold = k
    poll = actions.add_activity(session, kind=Kind.POLL, prompt="Fråga", options=["Ja", "Nej"])
    poll.state = Activity.State.LOCKED
    poll.session.organisation = organisation
    document, verified_by_group, verified_by_level = {}, {}, {}
    total = 0
    for (group_index, rank_index), (size, unverified) in atoms.items():
        unverified = min(unverified, size)
        group = GROUPS[group_index] and actor_group(organisation, GROUPS[group_index])
        rank = RANKS[rank_index] and level(organisation, RANKS[rank_index])
        key = f"{group.pk if group else ''}|{rank.pk if rank else ''}"
        document[key] = {"participants": size, "counts": {"0": {"1": size}}, "words": [], "unverified": unverified}
        total += size
        if group:
            verified_by_group[group.name] = verified_by_group.get(group.name, 0) + size - unverified
        if rank:
            verified_by_level[rank.name] = verified_by_level.get(rank.name, 0) + size - unverified
    poll.release = {"whole": {"participants": total, "counts": {"0": {"1": total}}, "words": []}, "atoms": document}

    shown = reporting.publication(poll)

    assert shown.shown == (total >= k)
    for breakdown in shown.breakdowns:
        verified = verified_by_group if breakdown.dimension == "actor_group" else verified_by_level
        for group in breakdown.groups:
            assert group.figures.participants.value >= k
            assert verified.get(group.label, 0) == 0 or verified[group.label] >= k
            assert all(not cell.hidden for row in breakdown.rows for cell in row.cells[:1])
