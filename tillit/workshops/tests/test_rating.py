"""Saving a page of ratings: the form that reads the page, and the one action that stores it whole or not at all."""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import DatabaseError, connection, connections, transaction

from tillit.workshops import actions, queries
from tillit.workshops.forms import RatingForm
from tillit.workshops.models import AchievementRating, ContributionRating, ImportanceRating, Item, Workshop
from tillit.workshops.tests.conftest import participant_of
from tillit.workshops.tests.outside import swedish, url

pytestmark = pytest.mark.django_db

# Whatever the page's size: the step under its lock, the chain's effects and links in one query, then for each kind
# of rating at most one delete and one upsert, inside one savepoint.
RATE_PAGE_QUERIES = 10


@pytest.fixture
def rating(workshop, chain, employee):
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    return participant_of(workshop, employee)


def stored(participant) -> dict[str, dict[tuple[str, ...], int]]:
    return {
        "importance": {(r.effect.title,): r.value for r in ImportanceRating.objects.filter(participant=participant)},
        "achievement": {(r.effect.title,): r.value for r in AchievementRating.objects.filter(participant=participant)},
        "contribution": {
            (r.activity.title, r.effect.title): r.value
            for r in ContributionRating.objects.filter(participant=participant)
        },
    }


def test_a_page_is_stored_at_once(rating, chain):
    actions.rate_page(
        participant=rating,
        importance={chain["safe"]: 4, chain["known"]: 0},
        achievement={chain["safe"]: 2, chain["known"]: None},
        contribution={(chain["team"], chain["safe"]): 3, (chain["call"], chain["known"]): None},
    )

    assert stored(rating) == {
        "importance": {("Jag känner mig trygg",): 4, ("Jag vet vem som kommer",): 0},
        "achievement": {("Jag känner mig trygg",): 2},
        "contribution": {("Fasta team", "Jag känner mig trygg"): 3},
    }


def test_a_second_page_replaces_removes_and_leaves_what_it_does_not_name(rating, chain):
    actions.rate_page(
        participant=rating,
        importance={chain["safe"]: 4, chain["known"]: 1},
        achievement={chain["safe"]: 2},
        contribution={(chain["team"], chain["safe"]): 3, (chain["team"], chain["known"]): 2},
    )

    actions.rate_page(
        participant=rating,
        importance={chain["safe"]: 3, chain["known"]: None},
        achievement={},
        contribution={(chain["team"], chain["safe"]): None},
    )

    assert stored(rating) == {
        "importance": {("Jag känner mig trygg",): 3},
        "achievement": {("Jag känner mig trygg",): 2},
        "contribution": {("Fasta team", "Jag vet vem som kommer"): 2},
    }


def test_other_peoples_ratings_are_untouched(rating, chain, workshop, manager):
    other = participant_of(workshop, manager)
    actions.rate_page(participant=other, importance={chain["safe"]: 1}, achievement={}, contribution={})

    actions.rate_page(participant=rating, importance={chain["safe"]: None}, achievement={}, contribution={})

    assert ImportanceRating.objects.get(participant=other).value == 1


@pytest.mark.parametrize(
    ("page", "message"),
    [
        pytest.param({"importance": {"safe": 5}}, "Importance is rated from 0 to 4.", id="importance 5"),
        pytest.param(
            {"achievement": {"safe": 0}}, "How well it is achieved today is rated from 1 to 5.", id="achievement 0"
        ),
        pytest.param(
            {"contribution": {("team", "safe"): 4}}, "Contribution is rated from 0 to 3.", id="contribution 4"
        ),
        pytest.param(
            {"importance": {"goal": 2}}, "That effect is not part of this workshop's chain.", id="a goal as an effect"
        ),
        pytest.param(
            {"contribution": {("call", "safe"): 2}}, "The activity is not linked to that effect.", id="an unlinked pair"
        ),
    ],
)
def test_one_bad_rating_refuses_the_whole_page(rating, chain, page, message):
    actions.rate_page(participant=rating, importance={chain["known"]: 2}, achievement={}, contribution={})
    good = {"importance": {chain["safe"]: 3}, "achievement": {chain["safe"]: 3}, "contribution": {}}
    for kind, values in page.items():
        for key, value in values.items():
            good[kind][chain[key] if isinstance(key, str) else (chain[key[0]], chain[key[1]])] = value
    good["importance"][chain["known"]] = None

    with pytest.raises(actions.WorkshopError) as refused:
        actions.rate_page(participant=rating, **good)

    assert refused.value.messages == [swedish(message)]
    assert stored(rating)["importance"] == {("Jag vet vem som kommer",): 2}
    assert not AchievementRating.objects.exists()


def test_an_effect_merged_away_is_refused(rating, chain, workshop, facilitator):
    author = participant_of(workshop, facilitator)
    actions.set_step(workshop=workshop, step=Workshop.Step.STRUCTURE)
    duplicate = actions.propose(participant=author, kind="effect", title="Trygg hemma")
    actions.merge_items(keep=chain["safe"], duplicate=duplicate)
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)

    with pytest.raises(actions.WorkshopError):
        actions.rate_page(participant=rating, importance={duplicate: 2}, achievement={}, contribution={})
    assert not ImportanceRating.objects.exists()


def test_a_page_is_refused_once_rating_has_closed(rating, chain, workshop):
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)

    with pytest.raises(actions.WorkshopError) as refused:
        actions.rate_page(participant=rating, importance={chain["safe"]: 2}, achievement={}, contribution={})

    assert refused.value.messages == [swedish("Rating is not open in this step, so nothing was saved.")]
    assert not ImportanceRating.objects.exists()


def test_a_page_takes_a_handful_of_queries_whatever_its_size(
    rating, chain, workshop, facilitator, django_assert_max_num_queries
):
    actions.set_step(workshop=workshop, step=Workshop.Step.STRUCTURE)
    author = participant_of(workshop, facilitator)
    for number in range(15):
        effect = actions.propose(participant=author, kind="effect", title=f"Effekt {number}")
        activity = actions.propose(participant=author, kind="activity", title=f"Aktivitet {number}")
        actions.link(source=activity, target=effect)
        actions.link(source=chain["team"], target=effect)
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    effect_chain = queries.effect_chain(workshop)
    links = [(a, e) for a in effect_chain.activities for e in effect_chain.effects if effect_chain.serves(a, e)]
    actions.rate_page(
        participant=rating,
        importance=dict.fromkeys(effect_chain.effects, 2),
        achievement=dict.fromkeys(effect_chain.effects, 3),
        contribution=dict.fromkeys(links, 1),
    )
    assert len(links) == 33

    with django_assert_max_num_queries(RATE_PAGE_QUERIES):
        actions.rate_page(
            participant=rating,
            importance={effect: None if number % 3 else 4 for number, effect in enumerate(effect_chain.effects)},
            achievement={effect: None if number % 2 else 5 for number, effect in enumerate(effect_chain.effects)},
            contribution={link: None if number % 2 else 0 for number, link in enumerate(links)},
        )

    assert ContributionRating.objects.filter(participant=rating).count() == 17
    assert ImportanceRating.objects.filter(participant=rating, value=4).count() == 6


@pytest.mark.django_db(transaction=True)
def test_closing_rating_waits_for_a_page_being_saved(rating, chain, workshop):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite lets one writer in at a time")

    def close_rating_at_once() -> str:
        try:
            with transaction.atomic():
                Workshop.objects.select_for_update(nowait=True).get(pk=workshop.pk)
            return "closed"
        except DatabaseError:
            return "waits"
        finally:
            connections.close_all()

    with transaction.atomic():
        actions.rate_page(participant=rating, importance={chain["safe"]: 3}, achievement={}, contribution={})
        with ThreadPoolExecutor(max_workers=1) as pool:
            while_saving = pool.submit(close_rating_at_once).result()

    assert while_saving == "waits"


# The form ------------------------------------------------------------------------------------------------------


def page_of(chain: dict[str, Item], **values: str) -> dict[str, str]:
    """The page's selects as the browser sends them: `importance_safe="3"`, `contribution_team_safe=""`."""
    data = {}
    for name, value in values.items():
        kind, *keys = name.split("_")
        data["-".join([kind, *(str(chain[key].public_id) for key in keys)])] = value
    return data


def test_the_form_reads_every_select_of_the_page(rating, chain, workshop):
    form = RatingForm(
        page_of(chain, importance_safe="4", achievement_safe="", contribution_team_safe="0", importance_known="1")
    )

    assert form.is_valid()
    assert form.ratings() == {
        "importance": {chain["safe"].public_id: 4, chain["known"].public_id: 1},
        "achievement": {chain["safe"].public_id: None},
        "contribution": {(chain["team"].public_id, chain["safe"].public_id): 0},
    }


@pytest.mark.parametrize("value", ["9", "-1", "två", "1e3", "2.0", " ", "02", "+3", "4 "])
def test_the_form_refuses_a_rating_off_the_scale(rating, chain, workshop, value):
    form = RatingForm(page_of(chain, importance_safe="2", achievement_safe=value))

    assert not form.is_valid()
    assert form.error_message == " ".join(
        [
            swedish("A rating was outside its scale; nothing was saved."),
            swedish("How well it is achieved today is rated from 1 to 5."),
        ]
    )


def test_the_form_names_every_scale_that_was_broken(rating, chain, workshop):
    form = RatingForm(page_of(chain, importance_safe="5", achievement_known="0", contribution_team_safe="4"))

    assert not form.is_valid()
    for message in (
        "Importance is rated from 0 to 4.",
        "How well it is achieved today is rated from 1 to 5.",
        "Contribution is rated from 0 to 3.",
    ):
        assert swedish(message) in form.error_message


@pytest.mark.parametrize(
    "name",
    [
        "csrfmiddlewaretoken",
        "importance",
        "importance-",
        "importance-not-a-card",
        "importance-{uuid}x",
        "contribution-{uuid}",
        "contribution-{uuid}{uuid}",
        "contribution-{uuid}-",
        "weight-{uuid}",
    ],
)
def test_the_form_ignores_names_that_are_not_rating_selects(rating, chain, workshop, name):
    data = {name.format(uuid=chain["safe"].public_id): "9", **page_of(chain, importance_safe="2")}

    form = RatingForm(data)

    assert form.is_valid()
    assert form.ratings() == {"importance": {chain["safe"].public_id: 2}, "achievement": {}, "contribution": {}}


def test_the_page_leaves_out_what_is_not_in_the_chain(rating, chain, workshop):
    form = RatingForm(page_of(chain, importance_goal="3", contribution_call_safe="2", importance_safe="2"))
    assert form.is_valid()

    actions.rate_posted_page(participant=rating, **form.ratings())

    assert stored(rating) == {"importance": {("Jag känner mig trygg",): 2}, "achievement": {}, "contribution": {}}


def test_the_posted_page_is_refused_once_rating_has_closed(rating, chain, workshop):
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)
    form = RatingForm(page_of(chain, importance_safe="2"))
    assert form.is_valid()

    with pytest.raises(actions.WorkshopError) as refused:
        actions.rate_posted_page(participant=rating, **form.ratings())

    assert refused.value.messages == [swedish("Rating is not open in this step, so nothing was saved.")]
    assert not ImportanceRating.objects.exists()


def test_the_posted_page_checks_the_scale_itself(rating, chain):
    with pytest.raises(actions.WorkshopError) as refused:
        actions.rate_posted_page(
            participant=rating,
            importance={chain["safe"].public_id: 2},
            achievement={},
            contribution={(chain["team"].public_id, chain["safe"].public_id): 7},
        )

    assert refused.value.messages == [swedish("Contribution is rated from 0 to 3.")]
    assert not ImportanceRating.objects.exists()


# The page ------------------------------------------------------------------------------------------------------


def test_saving_the_page_costs_the_same_whatever_its_size(
    client, rating, chain, workshop, employee, facilitator, django_assert_max_num_queries
):
    actions.set_step(workshop=workshop, step=Workshop.Step.STRUCTURE)
    author = participant_of(workshop, facilitator)
    for number in range(10):
        effect = actions.propose(participant=author, kind="effect", title=f"Effekt {number}")
        actions.link(source=chain["team"], target=effect)
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    effect_chain = queries.effect_chain(workshop)
    data = {f"importance-{effect.public_id}": "3" for effect in effect_chain.effects}
    data |= {f"contribution-{chain['team'].public_id}-{effect.public_id}": "2" for effect in effect_chain.effects}
    client.force_login(employee)
    client.get(url("rate", workshop))  # the session and the membership's first read are not the page's

    with django_assert_max_num_queries(RATE_PAGE_QUERIES + 5):  # and the door
        response = client.post(url("rate", workshop), data)

    assert response.status_code == 302
    assert ImportanceRating.objects.filter(participant=rating).count() == 12
    assert ContributionRating.objects.filter(participant=rating).count() == 12


# The page at conference size: the same bound for 2 effects and for 20 effects × 60 activities ----------------


def grow_chain(workshop, chain, author, *, effects: int, activities: int) -> None:
    """Add `effects` effects (each serving the goal) and `activities` activities serving 2 or 3 of them, as the
    workshop benchmark's chain: 20 × 60 gives 150 activity links. Through the actions, as a workshop builds it."""
    actions.set_step(workshop=workshop, step=Workshop.Step.STRUCTURE)
    new_effects = [
        actions.propose(participant=author, kind="effect", title=f"Effekt {number}") for number in range(effects)
    ]
    for effect in new_effects:
        actions.link(source=effect, target=chain["goal"])
    for number in range(activities):
        activity = actions.propose(participant=author, kind="activity", title=f"Aktivitet {number}")
        served = 3 if number < activities // 2 else 2
        actions.set_links(source=activity, targets=[new_effects[(number + step) % effects] for step in range(served)])
    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)


def whole_page(effect_chain, number: int) -> dict[str, str]:
    """Every select of the page, with some achievements and contributions left empty ("vet ej"), which removes
    them; the values move with `number`."""
    data = {}
    for index, effect in enumerate(effect_chain.effects):
        data[f"importance-{effect.public_id}"] = str((index + number) % 5)
        data[f"achievement-{effect.public_id}"] = "" if (index + number) % 7 == 0 else str((index + number) % 5 + 1)
        for activity in effect_chain.activities:
            if effect_chain.serves(activity, effect):
                value = "" if (index + number) % 5 == 0 else str((index + number) % 4)
                data[f"contribution-{activity.public_id}-{effect.public_id}"] = value
    return data


# One bound for every size of page: the door (workshop, session, user, membership, participation: 5), and
# rate_posted_page's own inside its savepoint (2): the step under its lock and the chain as plain ids (2), for each
# kind at most one delete and one upsert (6). No card is read as a model, and no form field is built per select.
RATE_POST_QUERIES = 15


@pytest.mark.parametrize(("effects", "activities", "links"), [(0, 0, 3), (20, 60, 153)], ids=["small", "conference"])
def test_the_rating_post_costs_the_same_whatever_the_chains_size(
    client, rating, chain, workshop, employee, facilitator, django_assert_max_num_queries, effects, activities, links
):
    if effects:
        grow_chain(workshop, chain, participant_of(workshop, facilitator), effects=effects, activities=activities)
    effect_chain = queries.effect_chain(workshop)
    client.force_login(employee)
    client.get(url("rate", workshop))
    client.post(url("rate", workshop), whole_page(effect_chain, 1))  # ratings to replace and to remove
    page = whole_page(effect_chain, 2)

    with django_assert_max_num_queries(RATE_POST_QUERIES):
        response = client.post(url("rate", workshop), page)

    assert response.status_code == 302
    stored_page = {
        **{
            f"importance-{r.effect.public_id}": str(r.value)
            for r in ImportanceRating.objects.filter(participant=rating)
        },
        **{
            f"achievement-{r.effect.public_id}": str(r.value)
            for r in AchievementRating.objects.filter(participant=rating)
        },
        **{
            f"contribution-{r.activity.public_id}-{r.effect.public_id}": str(r.value)
            for r in ContributionRating.objects.filter(participant=rating)
        },
    }
    assert stored_page == {name: value for name, value in page.items() if value}
    assert sum(name.startswith("contribution-") for name in page) == links


# The rules the single ratings keep, kept by the page ----------------------------------------------------------


@pytest.fixture
def other_chain(organisation, facilitator, employee):
    """A second workshop of the same organisation, in its rating step, with one effect served by one activity."""
    other = actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title="Annan verkstad",
        purpose="Något annat.",
        service_user_group="Andra",
        units=[],
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2027, 1, 31),
    )
    actions.add_members(workshop=other, memberships=[employee.memberships.get()])
    author = participant_of(other, facilitator)
    effect = actions.propose(participant=author, kind="effect", title="Annan effekt")
    activity = actions.propose(participant=author, kind="activity", title="Annan aktivitet")
    actions.link(source=activity, target=effect)
    actions.set_step(workshop=other, step=Workshop.Step.RATE)
    return {"effect": effect, "activity": activity, "workshop": other}


def test_an_effect_of_another_workshop_is_refused(rating, chain, other_chain):
    with pytest.raises(actions.WorkshopError) as refused:
        actions.rate_page(
            participant=rating,
            importance={chain["safe"]: 2, other_chain["effect"]: 3},
            achievement={},
            contribution={},
        )

    assert refused.value.messages == [swedish("That effect is not part of this workshop's chain.")]
    assert not ImportanceRating.objects.exists()


def test_a_link_of_another_workshop_is_refused(rating, chain, other_chain):
    with pytest.raises(actions.WorkshopError):
        actions.rate_page(
            participant=rating,
            importance={chain["safe"]: 2},
            achievement={},
            contribution={(other_chain["activity"], other_chain["effect"]): 2},
        )
    with pytest.raises(actions.WorkshopError) as refused:
        actions.rate_page(
            participant=rating,
            importance={},
            achievement={},
            contribution={(other_chain["activity"], chain["safe"]): 2},
        )

    assert refused.value.messages == [swedish("The activity is not linked to that effect.")]
    assert not ImportanceRating.objects.exists()
    assert not ContributionRating.objects.exists()


def test_a_link_of_another_workshop_posted_to_the_page_saves_nothing(client, rating, chain, other_chain, employee):
    client.force_login(employee)
    workshop = rating.workshop
    data = {
        f"importance-{chain['safe'].public_id}": "2",
        f"contribution-{other_chain['activity'].public_id}-{other_chain['effect'].public_id}": "3",
        f"importance-{other_chain['effect'].public_id}": "3",
    }

    response = client.post(url("rate", workshop), data)

    assert response.status_code == 302
    assert ImportanceRating.objects.get(participant=rating).effect == chain["safe"]
    assert not ContributionRating.objects.exists()
    assert not ImportanceRating.objects.filter(effect=other_chain["effect"]).exists()


def test_a_rating_in_the_wrong_step_on_the_page_saves_nothing_and_says_so(client, rating, chain, workshop, employee):
    client.force_login(employee)
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)

    response = client.post(url("rate", workshop), {f"importance-{chain['safe'].public_id}": "2"}, follow=True)

    assert response.status_code == 200
    assert swedish("Rating is not open in this step, so nothing was saved.") in response.content.decode()
    assert not ImportanceRating.objects.exists()


def test_the_single_ratings_and_the_page_agree(rating, chain):
    actions.rate_effect(participant=rating, effect=chain["safe"], importance=1, achievement=2)
    actions.rate_contribution(participant=rating, activity=chain["team"], effect=chain["safe"], value=3)
    actions.rate_page(participant=rating, importance={chain["safe"]: None}, achievement={}, contribution={})

    actions.rate_effect(participant=rating, effect=chain["known"], importance=4, achievement=None)

    assert stored(rating) == {
        "importance": {("Jag vet vem som kommer",): 4},
        "achievement": {("Jag känner mig trygg",): 2},
        "contribution": {("Fasta team", "Jag känner mig trygg"): 3},
    }


def test_a_page_with_a_rating_off_its_scale_changes_nothing_and_says_why(client, rating, chain, workshop, employee):
    actions.rate_page(
        participant=rating,
        importance={chain["safe"]: 1},
        achievement={chain["safe"]: 2},
        contribution={(chain["team"], chain["safe"]): 3},
    )
    before = stored(rating)
    client.force_login(employee)
    page = page_of(chain, importance_safe="4", achievement_safe="", contribution_team_safe="9", importance_known="2")

    response = client.post(url("rate", workshop), page, follow=True)

    assert response.status_code == 200
    content = response.content.decode()
    assert swedish("A rating was outside its scale; nothing was saved.") in content
    assert swedish("Contribution is rated from 0 to 3.") in content
    assert stored(rating) == before


def test_a_whole_page_is_stored_by_the_post_replacing_and_removing(client, rating, chain, workshop, employee):
    client.force_login(employee)
    client.post(
        url("rate", workshop),
        page_of(
            chain, importance_safe="1", achievement_safe="2", contribution_team_safe="3", contribution_call_known="1"
        ),
    )

    response = client.post(
        url("rate", workshop),
        page_of(
            chain,
            importance_safe="4",
            achievement_safe="",
            importance_known="0",
            achievement_known="5",
            contribution_team_safe="",
            contribution_team_known="2",
            contribution_call_known="0",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == url("rate", workshop)
    assert stored(rating) == {
        "importance": {("Jag känner mig trygg",): 4, ("Jag vet vem som kommer",): 0},
        "achievement": {("Jag vet vem som kommer",): 5},
        "contribution": {
            ("Fasta team", "Jag vet vem som kommer"): 2,
            ("Ring vid förändring", "Jag vet vem som kommer"): 0,
        },
    }
