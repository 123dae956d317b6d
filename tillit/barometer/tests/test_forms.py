"""Input of the answering pages: the posted questionnaire and who answers through the open link."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.utils import translation

from tillit.barometer.forms import PostedAnswers, RespondentForm
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Unit

pytestmark = pytest.mark.django_db


def posted(**values: str) -> PostedAnswers:
    data = QueryDict(mutable=True)
    data.update(values)
    return PostedAnswers.from_data(data)


def test_every_posted_answer_is_kept_so_that_the_action_can_refuse_what_does_not_match():
    answers = posted(scale_trust_1="4", scale_no_such_item="3", open_open_value="Mer tid", action="submit")

    assert answers.scale == {"trust_1": "4", "no_such_item": "3"}
    assert answers.texts == {"open_value": "Mer tid"}
    assert answers.field_values() == {"scale_trust_1": "4", "scale_no_such_item": "3", "open_open_value": "Mer tid"}


def test_a_person_is_told_at_the_field_what_to_correct():
    with translation.override("sv"):
        errors = posted(scale_trust_1="7", scale_trust_2="dont_know", open_open_value="å" * 2001).field_errors()

    assert set(errors) == {"scale_trust_1", "open_open_value"}
    assert "2000" in errors["open_open_value"]
    assert "2001" in errors["open_open_value"]


def test_the_open_link_offers_only_the_units_the_round_opened_with(organisation, home_unit, make_round):
    round = make_round(organisation)
    later = organisation_actions.create_unit(
        organisation=organisation, name="Team Öst", kind=Unit.Kind.TEAM, parent=home_unit, actor=None
    )

    form = RespondentForm(round=round)
    refused = RespondentForm({"unit": str(later.public_id)}, round=round)

    assert str(home_unit.public_id) in form.units
    assert str(later.public_id) not in form.units
    assert not refused.is_valid()
    assert "unit" in refused.errors
