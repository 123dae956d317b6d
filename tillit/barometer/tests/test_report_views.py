"""The barometer's results pages: who may read which, what is hidden, and what is never shown."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tillit.barometer import actions, reporting, tally
from tillit.barometer.models import Round, Theme
from tillit.barometer.views import reports as report_views
from tillit.organisations.models import ActorGroup, Level, Organisation, Unit
from tillit.privacy.suppression import HIDDEN, Cell
from tillit.reports import charts

pytestmark = pytest.mark.django_db

TEXT = "Mer tid hos brukaren"


def results_url(round: Round, rest: str = "") -> str:
    return f"/b/{round.public_id}/results/{rest}"


def unit_url(round: Round, unit: Unit) -> str:
    return results_url(round, f"unit/{unit.public_id}/")


def level_url(round: Round, level: Level) -> str:
    return results_url(round, f"level/{level.public_id}/")


def group_url(round: Round, group: ActorGroup) -> str:
    return results_url(round, f"group/{group.public_id}/")


def page(response) -> str:
    return response.content.decode()


def text_of(html: str) -> str:
    """What a reader sees: the markup without tags and with its whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def table_row(html: str, label: str) -> str:
    """The text of the first table row headed by `label`."""
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.DOTALL):
        cells = text_of(row).strip()
        if cells.startswith(label):
            return cells
    raise AssertionError(f"No row for {label!r}")


def main(html: str) -> str:
    """The page's own content, without the layout around it (whose asset names hold digits)."""
    return html[html.index("<main") : html.index("</main>")]


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def closed_round(organisation, home_unit, small_unit, front_line, employees, make_round, add_responses) -> Round:
    """Eight answers in Hemtjänst Norr and two in its sibling Nattpatrullen: ten in Socialförvaltningen."""
    round = make_round(organisation)
    add_responses(round, home_unit, 8, level=front_line, actor_group=employees, mean=4.0, texts={"open_value": TEXT})
    add_responses(round, small_unit, 2, level=front_line, actor_group=employees, mean=2.0, seed=1)
    return actions.close_round(round=round)


# Who may read what ----------------------------------------------------------------------------------------------


def report_urls(round: Round, organisation: Organisation, home_unit: Unit, small_unit: Unit) -> dict[str, str]:
    return {
        "organisation": results_url(round),
        "unit": unit_url(round, home_unit),
        "sibling": unit_url(round, small_unit),
        "level": level_url(round, Level.objects.get(organisation=organisation, rank=1)),
        "group": group_url(round, ActorGroup.objects.get(organisation=organisation, key=ActorGroup.Key.POLITICIAN)),
    }


ALL_PAGES = {"organisation": 200, "unit": 200, "sibling": 200, "level": 200, "group": 200}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("facilitator", ALL_PAGES),
        ("org_admin", ALL_PAGES),
        ("manager", {"organisation": 200, "unit": 200, "sibling": 403, "level": 403, "group": 403}),
        ("employee", {"organisation": 200, "unit": 200, "sibling": 403, "level": 403, "group": 403}),
        ("politician", {"organisation": 200, "unit": 403, "sibling": 403, "level": 403, "group": 403}),
        ("outsider", dict.fromkeys(ALL_PAGES, 404)),
    ],
)
def test_who_may_read_which_results(client, request, organisation, home_unit, small_unit, closed_round, who, expected):
    client.force_login(request.getfixturevalue(who))
    urls = report_urls(closed_round, organisation, home_unit, small_unit)

    statuses = {name: client.get(url).status_code for name, url in urls.items()}

    assert statuses == expected


@pytest.mark.parametrize(
    ("setting", "who", "expected"),
    [
        ("leaders", "manager", {"organisation": 302, "unit": 200, "sibling": 403, "level": 403, "group": 403}),
        ("leaders", "employee", dict.fromkeys(ALL_PAGES, 403)),
        ("leaders", "politician", dict.fromkeys(ALL_PAGES, 403)),
        ("politicians", "politician", {"organisation": 200, "unit": 403, "sibling": 403, "level": 403, "group": 403}),
        ("politicians", "employee", dict.fromkeys(ALL_PAGES, 403)),
        ("politicians", "manager", {"organisation": 302, "unit": 200, "sibling": 403, "level": 403, "group": 403}),
    ],
)
def test_the_rounds_setting_says_who_reads_which_results(
    client, request, organisation, home_unit, small_unit, closed_round, setting, who, expected
):
    Round.objects.filter(pk=closed_round.pk).update(results_readers=setting)
    client.force_login(request.getfixturevalue(who))
    urls = report_urls(closed_round, organisation, home_unit, small_unit)

    statuses = {name: client.get(url).status_code for name, url in urls.items()}

    assert statuses == expected


def test_an_employee_reads_the_organisation_and_their_own_unit_with_no_way_further(
    client, employee, home_unit, small_unit, closed_round
):
    client.force_login(employee)

    organisation_page = page(client.get(results_url(closed_round)))
    unit_page = page(client.get(unit_url(closed_round, home_unit)))

    assert f'href="{unit_url(closed_round, home_unit)}"' in organisation_page
    assert f'href="{unit_url(closed_round, small_unit)}"' not in organisation_page + unit_page
    assert "/level/" not in organisation_page + unit_page
    assert "/group/" not in organisation_page + unit_page
    assert "/export/" not in organisation_page + unit_page
    assert f'href="{results_url(closed_round)}"' in unit_page
    assert TEXT in organisation_page  # the same publication as the process leader's: open answers of 8 writers


def test_a_politician_reads_the_organisations_figures_and_its_gaps_but_no_unit(
    client, politician, home_unit, closed_round
):
    client.force_login(politician)

    response = client.get(results_url(closed_round))
    html = page(response)

    assert response.status_code == 200
    assert response.context["figures"].is_shown
    assert 'id="levels-title"' in html
    assert f'href="{unit_url(closed_round, home_unit)}"' not in html
    assert "/level/" not in html


def test_a_hidden_unit_is_hidden_from_its_own_employees_as_from_everyone(
    client, organisation, small_unit, make_member, closed_round
):
    colleague = make_member(organisation, unit=small_unit).user
    client.force_login(colleague)

    response = client.get(unit_url(closed_round, small_unit))

    assert response.status_code == 200
    assert not response.context["figures"].is_shown


def test_the_steering_chain_reads_nothing_before_the_results_open(
    client, employee, politician, organisation, home_unit, make_round, add_responses
):
    round = make_round(organisation)
    add_responses(round, home_unit, 8)

    for person in (employee, politician):
        client.force_login(person)
        for url in (results_url(round), unit_url(round, home_unit)):
            response = client.get(url)

            assert response.status_code == 403
            assert "Svarsfrekvens" not in main(page(response))


def test_the_trend_is_left_out_where_the_previous_round_went_to_other_readers(
    client, employee, organisation, home_unit, front_line, employees, make_round, add_responses
):
    today = timezone.localdate()
    earlier = make_round(
        organisation,
        name="Våren",
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today + datetime.timedelta(days=1),
        results_readers=Round.ResultsReaders.LEADERS,
    )
    add_responses(earlier, home_unit, 6, level=front_line, actor_group=employees)
    actions.close_round(round=earlier)
    later = make_round(organisation, name="Hösten")
    add_responses(later, home_unit, 6, level=front_line, actor_group=employees)
    later = actions.close_round(round=later)
    client.force_login(employee)

    for url in (results_url(later), unit_url(later, home_unit)):
        assert client.get(url).context["figures"].previous_round is None

    # Not possible through the app once a round has closed (update_round refuses): as on a freshly started server.
    Round.objects.filter(pk=earlier.pk).update(results_readers=Round.ResultsReaders.CHAIN)
    cache.clear()
    for url in (results_url(later), unit_url(later, home_unit)):
        assert client.get(url).context["figures"].previous_round == earlier


def test_a_manager_is_sent_from_the_organisation_to_their_own_unit_when_the_results_go_to_leaders(
    client, manager, home_unit, closed_round
):
    Round.objects.filter(pk=closed_round.pk).update(results_readers=Round.ResultsReaders.LEADERS)
    client.force_login(manager)

    response = client.get(results_url(closed_round))

    assert response.status_code == 302
    assert response["Location"] == unit_url(closed_round, home_unit)


def test_a_manager_cannot_read_the_unit_above_their_own(client, manager, home_unit, closed_round):
    client.force_login(manager)

    response = client.get(unit_url(closed_round, home_unit.parent))

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, organisation, home_unit, small_unit, closed_round):
    for url in report_urls(closed_round, organisation, home_unit, small_unit).values():
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"] == f"{resolve_url('accounts:login')}?next={url}"


def test_ids_of_another_organisation_do_not_exist_in_ones_own_round(
    client, outsider, other_organisation, organisation, home_unit, make_round
):
    own_round = make_round(other_organisation, closed=True)
    client.force_login(outsider)
    level = Level.objects.get(organisation=organisation, rank=1)
    group = ActorGroup.objects.get(organisation=organisation, key=ActorGroup.Key.EMPLOYEE)

    assert client.get(results_url(own_round)).status_code == 200
    assert client.get(unit_url(own_round, home_unit)).status_code == 404
    assert client.get(level_url(own_round, level)).status_code == 404
    assert client.get(group_url(own_round, group)).status_code == 404


# Before the results open -----------------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2030, 3, 5, 12, tzinfo=datetime.UTC), tick=False)
def test_nothing_is_shown_before_the_round_closes(
    client, facilitator, organisation, home_unit, front_line, employees, make_round, add_responses
):
    round = make_round(organisation, name="Barometern")
    add_responses(round, home_unit, 11, level=front_line, actor_group=employees, texts={"open_value": TEXT})
    client.force_login(facilitator)

    for url in (
        results_url(round),
        unit_url(round, home_unit),
        level_url(round, front_line),
        group_url(round, employees),
    ):
        response = client.get(url)
        html = main(page(response))

        assert response.status_code == 403
        assert "Resultaten visas när omgången stänger den 19 mars 2030" in html
        assert not re.search(r"\b11\b", html)
        assert TEXT not in html
        assert "Svarsfrekvens" not in html


# Suppression ----------------------------------------------------------------------------------------------------


def test_a_small_unit_and_its_sibling_are_dashes_and_their_parent_counts_both(
    client, facilitator, home_unit, small_unit, closed_round
):
    client.force_login(facilitator)

    organisation_page = page(client.get(results_url(closed_round)))
    parent_page = page(client.get(unit_url(closed_round, home_unit.parent)))

    for html in (organisation_page, parent_page):
        # Eight and two answers, ten together: which of the two has too few is not said (saying it of the two would
        # tell that the other has at least k, and so narrow the small one down), only what is true of both.
        for name in ("Hemtjänst Norr", "Nattpatrullen"):
            row = table_row(section(html, "units-title"), name)
            assert "– för få svar, eller dold för att skydda en mindre grupp" in row
            assert not re.search(r"\d", row)
    assert "10 svarande" in text_of(parent_page.split('class="cards report-summary"')[1].split("</ul>")[0])


def test_a_hidden_unit_shows_no_figure_at_all_and_says_why(client, facilitator, home_unit, closed_round):
    client.force_login(facilitator)

    html = page(client.get(unit_url(closed_round, home_unit)))

    assert "Här visas ingenting: antingen har färre än 5 svarat" in html
    assert "De visas när den här gruppen och grupperna runt omkring har minst 5 svarande var." in html
    assert "För få har svarat här" not in html  # untrue: eight have
    assert 'id="principles-title"' not in html
    assert "<svg" not in html


def test_a_round_with_too_few_answers_says_so_on_every_page(
    client, facilitator, organisation, home_unit, small_unit, front_line, employees, make_round, add_responses
):
    """Three answers in all: the whole report is hidden, and that can only be because too few answered anywhere."""
    round = make_round(organisation)
    add_responses(round, home_unit, 2, level=front_line, actor_group=employees)
    add_responses(round, small_unit, 1, level=front_line, actor_group=employees, seed=1)
    round = actions.close_round(round=round)
    client.force_login(facilitator)

    for url in (results_url(round), unit_url(round, home_unit), unit_url(round, small_unit)):
        html = page(client.get(url))
        assert "För få har svarat här för att något ska kunna visas" in html
        assert "De visas när minst 5 har svarat här." in html


# Free text ------------------------------------------------------------------------------------------------------


def test_open_answers_are_read_on_the_organisation_and_a_large_enough_unit(
    client, facilitator, home_unit, closed_round
):
    client.force_login(facilitator)

    assert TEXT in page(client.get(results_url(closed_round)))
    assert TEXT in page(client.get(unit_url(closed_round, home_unit.parent)))


def test_open_answers_are_never_on_a_level_or_an_actor_group(client, facilitator, front_line, employees, closed_round):
    client.force_login(facilitator)

    level_page = page(client.get(level_url(closed_round, front_line)))
    group_page = page(client.get(group_url(closed_round, employees)))

    for html in (level_page, group_page):
        assert 'id="principles-title"' in html  # the group is shown ...
        assert TEXT not in html  # ... but never its free text
        assert "Svar på de öppna frågorna" not in html


def test_open_answers_are_absent_for_a_hidden_unit(client, facilitator, home_unit, closed_round):
    client.force_login(facilitator)

    html = page(client.get(unit_url(closed_round, home_unit)))

    assert TEXT not in html


def test_open_answers_are_paginated(
    client, monkeypatch, facilitator, organisation, home_unit, make_round, add_responses
):
    monkeypatch.setattr(report_views, "OPEN_ANSWERS_PER_PAGE", 4)
    round = make_round(organisation)
    for number in range(6):
        add_responses(round, home_unit, 1, seed=number, texts={"open_value": f"Svar nummer {number:02d}"})
    round = actions.close_round(round=round)
    item = round.instrument.items.get(code="open_value")
    client.force_login(facilitator)

    first = page(client.get(results_url(round)))
    second = page(client.get(results_url(round), {"question": item.pk, "page": 2}))
    nonsense = client.get(results_url(round), {"question": "x", "page": "-1"})

    assert "Svar nummer 03" in first
    assert "Svar nummer 04" not in first
    assert "Svar nummer 04" in second
    assert "Svar nummer 00" not in second
    assert nonsense.status_code == 200


# Figures --------------------------------------------------------------------------------------------------------


def test_the_trend_shows_the_previous_rounds_index(
    client, facilitator, organisation, home_unit, make_round, add_responses
):
    today = timezone.localdate()
    earlier = make_round(organisation, name="Barometern våren", opens_on=today - datetime.timedelta(days=90))
    add_responses(earlier, home_unit, 6, mean=2.0, seed=3)
    earlier = actions.close_round(round=earlier)
    round = make_round(organisation, name="Barometern hösten")
    add_responses(round, home_unit, 6, mean=4.5, seed=4)
    round = actions.close_round(round=round)
    before = tally.whole_number(reporting.round_report(earlier).cell(reporting.TOTAL).principles[Theme.TRUST])
    now = tally.whole_number(reporting.round_report(round).cell(reporting.TOTAL).principles[Theme.TRUST])
    client.force_login(facilitator)

    html = page(client.get(results_url(round)))

    row = table_row(section(html, "trend-title"), "Tillit")
    assert row.split()[1:4] == [str(before), str(now), f"+{now - before}"]


def test_the_gap_between_levels_is_put_in_words(
    client, facilitator, organisation, home_unit, make_round, add_responses
):
    politicians = Level.objects.get(organisation=organisation, rank=1)
    front_line = Level.objects.get(organisation=organisation, rank=5)
    round = make_round(organisation)
    add_responses(round, home_unit, 5, level=politicians, mean=4.8, seed=1)
    add_responses(round, home_unit, 5, level=front_line, mean=1.5, seed=2)
    round = actions.close_round(round=round)
    client.force_login(facilitator)

    html = text_of(page(client.get(results_url(round))))

    assert re.search(
        r"Störst skillnad: [^,]+, \d+ indexenheter mellan Politisk nivå \(\d+\) och Verksamhetsnära nivå", html
    )


def test_items_with_a_national_reference_are_compared_with_it(
    client, facilitator, organisation, home_unit, make_round, add_responses
):
    actions.add_validated_block(instrument=actions.editable_instrument(organisation), key="statskontoret_2016")
    round = make_round(organisation)
    add_responses(round, home_unit, 6, mean=4.0)
    round = actions.close_round(round=round)
    client.force_login(facilitator)

    html = page(client.get(results_url(round)))

    assert "Statskontoret" in html
    assert "89&nbsp;%" in html
    assert 'id="reference-chart-title"' in html


def test_the_organisation_page_reads_a_bounded_number_of_queries(
    client, facilitator, closed_round, django_assert_max_num_queries
):
    client.force_login(facilitator)

    with django_assert_max_num_queries(30):
        response = client.get(results_url(closed_round))

    assert response.status_code == 200


# Charts ---------------------------------------------------------------------------------------------------------


def test_a_hidden_point_is_left_out_of_the_charts():
    radar = charts.radar(["Tillit", "Öppenhet", "Stöd"], [("Nu", [67.4, None, 50.0])])
    bars = charts.bar_chart([charts.BarRow("Tillit", 67.5), charts.BarRow("Stöd", HIDDEN, reference=89)])

    assert [(point.label, point.value) for point in radar.series[0].points] == [("Tillit", 67), ("Stöd", 50)]
    assert radar.series[0].polygon == ""  # two points make no polygon
    assert [bar.value for bar in bars.bars] == [68, HIDDEN]
    assert bars.bars[1].reference == 89


def test_chart_coordinates_keep_a_decimal_point_in_swedish():
    with translation.override("sv"):
        radar = charts.radar(["A", "B", "C"], [("Nu", [12.5, 50, 100])])

    assert "," not in radar.series[0].points[0].x
    assert re.fullmatch(r"(\d+\.\d,\d+\.\d ?){3}", radar.series[0].polygon + " ")


def test_charts_draw_a_shown_cell_and_leave_out_a_hidden_one():
    bars = charts.bar_chart([charts.BarRow("Tillit", Cell(67, 12)), charts.BarRow("Stöd", Cell(HIDDEN, HIDDEN))])
    radar = charts.radar(["A", "B", "C"], [("Nu", [Cell(10, 6), Cell(HIDDEN, HIDDEN), Cell(0, 6)])])

    assert [bar.value for bar in bars.bars] == [67, HIDDEN]
    assert [bar.hidden for bar in bars.bars] == [False, True]
    assert [point.value for point in radar.series[0].points] == [10, 0]


@pytest.mark.parametrize(
    ("value", "written"),
    [(Cell(0, 7), "0"), (Cell(67, 7), "67"), (Cell(HIDDEN, HIDDEN), "–"), (Cell(None, 7), "–"), (None, "–")],
)
def test_a_figure_is_written_as_its_number_or_a_dash_never_a_hidden_number(value, written):
    html = render_to_string("reports/charts/value.html", {"value": value, "percent": False, "reason": ""})

    if written == "–":
        assert "–" in html
        assert not re.search(r"\d", html)
    else:
        assert text_of(html).split() == [written]
