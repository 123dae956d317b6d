"""The workshop's forms: what they accept, what they refuse, and with which message."""

from __future__ import annotations

import pytest

from tillit.workshops import actions, queries
from tillit.workshops.forms import CodeForm, DecisionForm, LinkForm, MergeForm, StepForm, WorkshopForm, join_form
from tillit.workshops.models import Workshop
from tillit.workshops.tests.outside import swedish

pytestmark = pytest.mark.django_db


def test_a_code_is_read_in_capitals_whatever_was_typed():
    form = CodeForm({"code": "  ab cd3 "})

    assert form.is_valid()
    assert form.cleaned_data["code"] == "AB CD3"


def test_the_guests_details_are_read_only_once_they_are_sent(workshop, organisation):
    assert not join_form({"code": workshop.guest_code}, organisation=organisation, code=workshop.guest_code).is_bound
    assert join_form({"actor_group": ""}, organisation=organisation, code=workshop.guest_code).is_bound


def test_a_workshop_cannot_end_before_it_starts(organisation):
    form = WorkshopForm(
        {
            "title": "Trygg",
            "service_user_group": "Äldre",
            "purpose": "Trygghet",
            "starts_on": "2026-11-24",
            "ends_on": "2026-11-23",
        },
        organisation=organisation,
    )

    assert not form.is_valid()
    assert form.errors["ends_on"] == [swedish("The last day cannot be before the first day.")]


@pytest.mark.parametrize("step", ["", "publish", "DECIDE"])
def test_an_unknown_step_is_refused(step):
    form = StepForm({"step": step})

    assert not form.is_valid()
    assert form.errors["step"] == [swedish("Unknown step.")]


def test_a_known_step_is_read():
    form = StepForm({"step": "rate"})

    assert form.is_valid()
    assert form.cleaned_data["step"] == Workshop.Step.RATE


@pytest.mark.parametrize("into", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_merge_needs_a_card_of_the_workshop(chain, workshop, into):
    form = MergeForm({"into": into}, workshop=workshop)

    assert not form.is_valid()
    assert form.errors["into"] == [swedish("Choose the card to merge into.")]


def test_a_merge_into_another_workshops_card_is_refused(chain, workshop, organisation, facilitator):
    other = actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title="Annan",
        purpose="Annat",
        service_user_group="Andra",
        units=[],
        starts_on=workshop.starts_on,
        ends_on=workshop.ends_on,
    )
    stranger = actions.propose(participant=other.participants.get(), kind="effect", title="Främmande")

    assert not MergeForm({"into": str(stranger.public_id)}, workshop=workshop).is_valid()
    assert MergeForm({"into": str(chain["known"].public_id)}, workshop=workshop).is_valid()


def test_a_link_names_two_cards_of_the_workshop_and_what_to_do(chain, workshop):
    form = LinkForm(
        {"source": str(chain["call"].public_id), "target": str(chain["safe"].public_id), "action": "unlink"},
        workshop=workshop,
    )
    merged_away = LinkForm({"source": "x", "target": str(chain["safe"].public_id)}, workshop=workshop)

    assert form.is_valid()
    assert (form.cleaned_data["source"], form.cleaned_data["target"], form.unlinks) == (
        chain["call"],
        chain["safe"],
        True,
    )
    assert not merged_away.is_valid()


def test_a_decision_chooses_one_of_the_linked_pairs(chain, workshop):
    links = queries.decision_links(workshop)
    pair = f"{chain['team'].public_id}:{chain['safe'].public_id}"
    unlinked = f"{chain['call'].public_id}:{chain['safe'].public_id}"
    details = {"owner": "Enhetschef", "follow_up": "Enkät", "due_on": "2027-06-01"}

    chosen = DecisionForm({"link": pair, **details}, links=links)
    refused = DecisionForm({"link": unlinked, **details}, links=links)

    assert chosen.is_valid()
    assert (chosen.cleaned_data["link"].source, chosen.cleaned_data["link"].target) == (chain["team"], chain["safe"])
    assert not refused.is_valid()
    assert [value for value, _label in chosen.fields["link"].choices][1:] == [
        f"{chain['team'].public_id}:{chain['safe'].public_id}",
        f"{chain['team'].public_id}:{chain['known'].public_id}",
        f"{chain['call'].public_id}:{chain['known'].public_id}",
    ]


def test_a_guest_chooses_their_actor_group_nothing_is_chosen_for_them(workshop, organisation):
    unchosen = join_form({}, organisation=organisation, code=workshop.guest_code)
    sent = join_form(
        {"code": workshop.guest_code, "name": "Greta", "actor_group": ""},
        organisation=organisation,
        code=workshop.guest_code,
    )

    assert unchosen["actor_group"].value() is None
    assert 'value="" selected' in str(unchosen["actor_group"])
    assert not sent.is_valid()
    assert sent.errors["actor_group"] == [swedish("Choose the group you take part as.")]
