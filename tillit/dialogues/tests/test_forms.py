"""The dialogue's forms: what a request may say, and the Swedish message for what it may not."""

from __future__ import annotations

import pytest

from tillit.dialogues.forms import (
    FlagForm,
    MergeForm,
    ModerationFilterForm,
    ModerationForm,
    PromoteForm,
    VoteForm,
)
from tillit.dialogues.models import Statement
from tillit.dialogues.tests.conftest import make_dialogue
from tillit.dialogues.tests.test_actions import workshop_of


def test_a_vote_names_a_statement_of_this_dialogue_and_a_known_value(dialogue, organisation, facilitator):
    statement = dialogue.statements.first()
    other = make_dialogue(organisation, facilitator, question="Annan?").statements.first()

    valid = VoteForm({"statement": str(statement.public_id), "vote": "-1"}, dialogue=dialogue)
    foreign = VoteForm({"statement": str(other.public_id), "vote": "1"}, dialogue=dialogue)
    garbled = VoteForm({"statement": "nej", "vote": "1"}, dialogue=dialogue)
    no_value = VoteForm({"statement": str(statement.public_id), "vote": "7"}, dialogue=dialogue)

    assert valid.is_valid()
    assert (valid.cleaned_data["statement"], valid.cleaned_data["vote"]) == (statement, -1)
    assert not foreign.is_valid()
    assert foreign.first_error() == "Det påståendet hör inte till det här samtalet."
    assert not garbled.is_valid()
    assert garbled.first_error() == foreign.first_error()
    assert not no_value.is_valid()
    assert no_value.first_error() == "Välj håller med, håller inte med eller pass."


def test_a_report_names_a_statement_of_this_dialogue(dialogue, organisation, facilitator):
    other = make_dialogue(organisation, facilitator, question="Annan?").statements.first()

    assert FlagForm({"statement": str(dialogue.statements.first().public_id)}, dialogue=dialogue).is_valid()
    assert not FlagForm({"statement": str(other.public_id)}, dialogue=dialogue).is_valid()
    assert not FlagForm({}, dialogue=dialogue).is_valid()


@pytest.mark.parametrize(
    ("given", "shown"),
    [({"status": "pending"}, "pending"), ({"status": "flagged"}, "flagged"), ({"status": "<script>"}, ""), ({}, "")],
)
def test_the_moderation_list_filter_ignores_what_it_does_not_know(given, shown):
    assert ModerationFilterForm(given).shown() == shown


def test_a_moderation_decision_keeps_the_list_filter_even_when_it_is_unknown():
    decision = ModerationForm({"status": "bogus", "shown": "flagged"})
    unknown_filter = ModerationForm({"status": "rejected", "shown": "everything"})

    assert not decision.is_valid()
    assert decision.shown_filter() == "flagged"
    assert unknown_filter.is_valid()
    assert unknown_filter.shown_filter() == ""


def test_a_duplicate_is_merged_only_into_a_listed_statement(dialogue):
    first, second, third = dialogue.statements.all()
    candidates = Statement.objects.filter(pk__in=[second.pk, third.pk])

    assert MergeForm({"keep": str(third.public_id)}, candidates=candidates).is_valid()
    refused = MergeForm({"keep": str(first.public_id)}, candidates=candidates)
    assert not refused.is_valid()
    assert refused.errors["keep"] == ["Välj ett av påståendena i listan."]


def test_only_workshops_of_the_organisation_that_take_proposals_are_offered(dialogue, facilitator, outsider):
    from tillit.workshops import actions as workshop_actions

    gathering = workshop_of(dialogue.organisation, facilitator)
    rating = workshop_of(dialogue.organisation, facilitator)
    workshop_actions.set_step(workshop=rating, step="rate")
    foreign = workshop_of(outsider.memberships.get().organisation, outsider)

    form = PromoteForm(organisation=dialogue.organisation)

    assert list(form.fields["workshop"].queryset) == [gathering]
    assert form.fields["kind"].initial == "effect"
    assert not PromoteForm({"workshop": foreign.pk, "kind": "effect"}, organisation=dialogue.organisation).is_valid()
    assert not PromoteForm({"workshop": gathering.pk, "kind": "goal"}, organisation=dialogue.organisation).is_valid()
