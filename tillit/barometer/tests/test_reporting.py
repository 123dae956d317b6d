"""The round report: figures, suppression across units, levels and actor groups, and free text."""

from __future__ import annotations

import pytest

from tillit.barometer import reporting
from tillit.barometer.models import Theme
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Unit
from tillit.privacy.suppression import HIDDEN

pytestmark = pytest.mark.django_db


def test_a_small_unit_is_hidden_and_its_sibling_with_it(organisation, home_unit, make_round, add_responses):
    social = home_unit.parent
    small = organisation_actions.create_unit(
        organisation=organisation, name="Nattpatrullen", kind=Unit.Kind.TEAM, parent=social, actor=None
    )
    round = make_round(organisation)
    add_responses(round, home_unit, 8, mean=4.0)
    add_responses(round, small, 2, mean=2.0, seed=1)
    report = reporting.build_report(round)

    assert report.cell(reporting.TOTAL).respondents == 10
    assert report.cell(reporting.unit_cell(social.pk)).respondents == 10
    assert report.cell(reporting.unit_cell(small.pk)).respondents is HIDDEN
    # Hemtjänst Norr must go too, or 10 − 8 would give the night patrol's two.
    assert report.cell(reporting.unit_cell(home_unit.pk)).respondents is HIDDEN
    trust = report.cell(reporting.TOTAL).principles[Theme.TRUST]
    assert 0 <= trust <= 100


def test_nothing_is_shown_below_k(organisation, home_unit, make_round, add_responses):
    round = make_round(organisation)
    add_responses(round, home_unit, 4)
    report = reporting.build_report(round)
    assert report.cell(reporting.TOTAL).respondents is HIDDEN
    assert report.readable_questions() == []


def test_index_runs_from_0_to_100(organisation, home_unit, make_round, add_responses):
    round = make_round(organisation)
    add_responses(round, home_unit, 6, mean=9)  # all answer 5
    report = reporting.build_report(round)
    item = report.scale_items[0]
    figures = report.cell(reporting.TOTAL).items[item.pk]
    assert figures.index == 100
    assert figures.agree == 100
    assert figures.answers == 6
