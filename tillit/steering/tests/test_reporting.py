"""The analysis of a sealed campaign (`reporting.campaign_publication`): means, counts, shares and comments through
the anonymity rules, the verdict from the shown means, the hours by kind, source, owner and unit, the quadrant, and
the CSV that reads the same publication."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils.translation import gettext

from tillit.organisations.models import ActorGroup, Unit
from tillit.privacy.suppression import HIDDEN
from tillit.steering import exporting, reporting
from tillit.steering.models import Kind, Source
from tillit.steering.tests.analysis_data import group, level, make_campaign, make_signal, rate

pytestmark = pytest.mark.django_db


def figures_of(publication: reporting.Publication, name: str) -> reporting.SignalFigures:
    return next(figures for figures in publication.signals if figures.signal.name == name)


def test_a_signal_rated_by_k_or_more_shows_its_means_share_and_raters(organisation):
    signal = make_signal(organisation, "Avvikelserapport")
    campaign = make_campaign(organisation, [signal])
    rate(campaign, signal, 3, value=5, burden=1, knows=True)
    rate(campaign, signal, 3, value=2, burden=4, knows=False)
    figures = figures_of(reporting.campaign_publication(campaign), "Avvikelserapport")
    assert figures.raters.value == 6
    assert figures.mean_value.value == pytest.approx(3.5)
    assert figures.mean_value.size == 6
    assert figures.mean_burden.value == pytest.approx(2.5)
    assert figures.share_knowing.value == pytest.approx(0.5)
    assert figures.share_knowing.size == 6
    assert figures.hours == Decimal(60)  # 30 min × 12 times × 10 people / 60
    assert figures.number == 1
    assert not figures.verdict.candidate


def test_fewer_than_k_raters_show_nothing_about_them(organisation):
    signal = make_signal(organisation, "Kvalitetsregister")
    campaign = make_campaign(organisation, [signal])
    rate(campaign, signal, 4, value=1, burden=5, knows=False, comment="Ingen läser detta")
    figures = figures_of(reporting.campaign_publication(campaign), "Kvalitetsregister")
    assert figures.raters.hidden
    assert figures.mean_value.hidden
    assert figures.mean_burden.hidden
    assert figures.share_knowing.hidden
    assert figures.comments is HIDDEN
    assert figures.number == 0  # not placed in the quadrant
    assert not figures.verdict.candidate  # what is hidden is no sign
    assert figures.hours == Decimal(60)  # an estimate, not about the raters


def test_a_question_answered_by_fewer_than_k_is_hidden_even_when_k_rated(organisation):
    signal = make_signal(organisation, "Genomförandeplan")
    campaign = make_campaign(organisation, [signal])
    rate(campaign, signal, 3, value=None, burden=4, knows=None)  # "vet ej" on value, no answer on knowing
    rate(campaign, signal, 3, value=2, burden=4, knows=True)
    figures = figures_of(reporting.campaign_publication(campaign), "Genomförandeplan")
    assert figures.raters.value == 6
    assert figures.mean_value.hidden  # three gave a value
    assert figures.share_knowing.hidden  # three answered it
    assert figures.mean_burden.value == 4
    assert figures.mean_burden.size == 6
    assert figures.number == 0


def test_the_verdict_flags_candidates_and_tidstjuvar_from_the_shown_means(organisation):
    heavy = make_signal(organisation, "Månadsuppföljning", minutes="60", occurrences="12", people=40)
    light = make_signal(organisation, "Nationell brukarundersökning", minutes="10", occurrences="1", people=5)
    campaign = make_campaign(organisation, [heavy, light])
    rate(campaign, heavy, 6, value=2, burden=4, knows=False)
    rate(campaign, light, 6, value=4, burden=4, knows=False)
    publication = reporting.campaign_publication(campaign)
    assert figures_of(publication, "Månadsuppföljning").verdict.time_thief
    nothing_lost = figures_of(publication, "Nationell brukarundersökning").verdict
    assert nothing_lost.candidate
    assert not nothing_lost.time_thief
    assert [figures.signal.name for figures in publication.candidates] == [
        "Månadsuppföljning",
        "Nationell brukarundersökning",
    ]  # the most hours first
    assert [figures.signal.name for figures in publication.time_thieves] == ["Månadsuppföljning"]


def test_comments_are_shown_only_where_k_rated_and_k_wrote_one(organisation):
    few = make_signal(organisation, "Avvikelser")
    many = make_signal(organisation, "Journalföring")
    campaign = make_campaign(organisation, [few, many])
    rate(campaign, few, 6)
    rate(campaign, few, 2, comment="Bra att ha")
    rate(campaign, many, 3, comment="Öppna frågor")
    rate(campaign, many, 2, comment="Allt dubbelt")
    rate(campaign, many, 2)
    publication = reporting.campaign_publication(campaign)
    assert figures_of(publication, "Avvikelser").comments is HIDDEN
    assert figures_of(publication, "Journalföring").comments == ("Allt dubbelt",) * 2 + ("Öppna frågor",) * 3


def test_the_breakdown_shows_levels_and_actor_groups_that_meet_k_with_their_complements(organisation):
    signal = make_signal(organisation, "Tillsynsrapport")
    campaign = make_campaign(organisation, [signal])
    front, middle = level(organisation, 5), level(organisation, 4)
    staff, managers = (
        group(organisation, ActorGroup.Key.EMPLOYEE),
        group(organisation, ActorGroup.Key.FIRST_LINE_MANAGER),
    )
    rate(campaign, signal, 8, value=2, burden=5, level=front, group=staff)
    rate(campaign, signal, 6, value=5, burden=2, level=middle, group=managers)
    figures = figures_of(reporting.campaign_publication(campaign), "Tillsynsrapport")
    levels = {row.name: row for row in figures.by_level}
    groups = {row.name: row for row in figures.by_actor_group}
    assert levels[front.name].mean_value.value == 2
    assert levels[middle.name].mean_value.value == 5
    assert groups[staff.name].mean_burden.value == 5
    assert groups[managers.name].mean_burden.value == 2
    assert figures.has_breakdown
    # every level and actor group of the organisation is listed; those nobody rated look like hidden ones
    assert len(figures.by_level) == organisation.levels.count()
    assert levels[level(organisation, 1).name].mean_value.hidden


def test_hours_are_summed_by_kind_source_owner_and_unit_with_a_signal_under_every_unit_it_reaches(
    organisation, home_unit
):
    social = Unit.objects.get(organisation=organisation, name="Socialförvaltningen")
    everywhere = make_signal(organisation, "Lag om arkiv", minutes="6", occurrences="10", people=6)  # 6 hours
    home = make_signal(
        organisation,
        "Egen uppföljning",
        kind=Kind.PERFORMANCE,
        source=Source.UNIT,
        owner="Hemtjänsten",
        minutes="60",
        occurrences="1",
        people=3,
        units=[home_unit],
    )  # 3 hours
    campaign = make_campaign(organisation, [everywhere, home])
    summary = reporting.campaign_publication(campaign).hours
    assert summary.total == Decimal(9)
    assert summary.signals == 2
    assert [(row.label, row.hours) for row in summary.by_kind] == [
        (str(Kind.RULES.label), Decimal(6)),
        (str(Kind.PERFORMANCE.label), Decimal(3)),
    ]
    assert [(row.label, row.hours) for row in summary.by_source] == [
        (str(Source.LAW.label), Decimal(6)),
        (str(Source.UNIT.label), Decimal(3)),
    ]
    assert [(row.label, row.signals) for row in summary.by_owner] == [("Socialstyrelsen", 1), ("Hemtjänsten", 1)]
    assert [(row.label, row.hours, row.depth) for row in summary.by_unit] == [
        (social.name, Decimal(6), 0),
        (home_unit.name, Decimal(9), 1),  # both reach it: the rows do not add up to the total
    ]


def test_the_catalogue_summary_needs_no_campaign(organisation, home_unit):
    make_signal(organisation, "Lag om arkiv", minutes="6", occurrences="10", people=6)
    make_signal(organisation, "Egen uppföljning", minutes="60", occurrences="1", people=3, units=[home_unit])
    from tillit.steering.models import Signal

    signals = list(Signal.objects.filter(organisation=organisation).select_related("owner").prefetch_related("units"))
    summary = reporting.hours_summary(signals)
    assert summary.total == Decimal(9)
    assert {row.label: row.hours for row in summary.by_unit}[home_unit.name] == Decimal(9)
    assert reporting.hours_summary([]).total == Decimal(0)


def test_an_unsealed_campaign_has_no_analysis_and_the_latest_sealed_one_gives_the_owners_figures(organisation):
    signal = make_signal(organisation, "Avvikelser")
    assert reporting.latest_figures(organisation) is None
    running = make_campaign(organisation, [signal], name="Pågår", sealed=False)
    rate(running, signal, 6)
    with pytest.raises(reporting.ResultsNotOpen):
        reporting.campaign_publication(running)
    assert reporting.latest_figures(organisation) is None
    sealed = make_campaign(organisation, [signal], name="Klar")
    rate(sealed, signal, 5, value=1, burden=5, knows=False)
    campaign, figures = reporting.latest_figures(organisation)
    assert campaign == sealed
    assert figures[signal.pk].mean_burden.value == 5
    assert figures[signal.pk].verdict.time_thief


def test_the_quadrant_places_the_signals_with_both_means_shown(organisation):
    shown = make_signal(organisation, "Avvikelser")
    hidden = make_signal(organisation, "Blankett")
    campaign = make_campaign(organisation, [shown, hidden])
    rate(campaign, shown, 5, value=5, burden=1)
    rate(campaign, hidden, 2)
    publication = reporting.campaign_publication(campaign)
    chart = reporting.analysis_quadrant(publication)
    assert [marker.numbers for marker in chart.markers] == [(1,)]
    assert figures_of(publication, "Avvikelser").region == gettext("Worth its burden")


def test_the_csv_reads_the_publication_and_leaves_hidden_figures_empty(organisation):
    shown = make_signal(organisation, "Avvikelser")
    hidden = make_signal(organisation, "Blankett")
    campaign = make_campaign(organisation, [shown, hidden])
    rate(campaign, shown, 5, value=3, burden=3)
    rate(campaign, hidden, 2, value=1, burden=5)
    rows = exporting.analysis_rows(reporting.campaign_publication(campaign))
    assert rows[0] == list(exporting.COLUMNS)
    by_key = {(row[0], row[1], row[3]): row for row in rows[1:]}
    assert by_key[("styrsignal", "Avvikelser", exporting.VALUE)][4:] == [3.0, 5, "ja"]
    assert by_key[("styrsignal", "Blankett", exporting.VALUE)][4:] == [HIDDEN, HIDDEN, "nej"]
    text = exporting.analysis_csv(reporting.campaign_publication(campaign)).decode("utf-8-sig")
    assert "styrsignal;Blankett;Blankett;värde_för_mötet_medel;;;nej" in text
