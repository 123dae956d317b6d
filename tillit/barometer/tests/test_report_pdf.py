"""The round's report as PDF: the report page's publication on paper, with the same figures hidden, for the same
readers as the spreadsheets."""

from __future__ import annotations

import datetime
import re
import zlib

import pytest
from django.utils import timezone

from tillit.barometer import actions, queries, reporting, tally
from tillit.barometer.models import Round, Theme
from tillit.barometer.report_pdf import Scope, render_report
from tillit.organisations.models import Unit
from tillit.reports.pdf import DASH

pytestmark = pytest.mark.django_db

TEXT = "Mer tid hos brukaren"
SMALL_TEXT = "Nattpatrullen behöver fler bilar"


def pdf_url(round: Round) -> str:
    return f"/b/{round.public_id}/results.pdf"


def unit_pdf_url(round: Round, unit: Unit) -> str:
    return f"/b/{round.public_id}/results/unit/{unit.public_id}.pdf"


def xlsx_url(round: Round) -> str:
    return f"/b/{round.public_id}/results.xlsx"


def texts(pdf: bytes) -> list[str]:
    """Every text the PDF writes on its pages, in order: its content streams inflated, its strings unescaped
    (the core fonts' code page)."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.DOTALL):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            text = re.sub(rb"\\(.)", rb"\1", raw)
            found.append(text.decode("cp1252"))
    return found


def shows(pdf: bytes, text: str) -> bool:
    return any(text in line for line in texts(pdf))


FIGURE = re.compile(r"^(–|\d+( %)?|Okänd)$")


def figures_after(lines: list[str], label: str) -> list[str]:
    """The figures written after every text `label` (a table row's, in every part of a table split across the
    page), up to the next text that is not a figure."""
    found = []
    for at, line in enumerate(lines):
        if line != label:
            continue
        for cell in lines[at + 1 :]:
            if not FIGURE.match(cell):
                break
            found.append(cell)
    return found


def row_after(lines: list[str], label: str, cells: int) -> list[str]:
    """The `cells` texts written right after the first text `label` (a table row's figures)."""
    at = lines.index(label)
    return lines[at + 1 : at + 1 + cells]


@pytest.fixture
def closed_round(organisation, home_unit, small_unit, front_line, employees, make_round, add_responses) -> Round:
    """Eight answers in Hemtjänst Norr and two in its sibling Nattpatrullen: both hidden, their parent (ten) shown."""
    round = make_round(organisation)
    add_responses(round, home_unit, 8, level=front_line, actor_group=employees, mean=4.0, texts={"open_value": TEXT})
    add_responses(
        round,
        small_unit,
        2,
        level=front_line,
        actor_group=employees,
        mean=2.0,
        seed=1,
        texts={"open_value": SMALL_TEXT},
    )
    return actions.close_round(round=round)


def unsuppressed(round: Round, unit: Unit) -> reporting.CellFigures:
    """The test's oracle: `unit`'s own figures, from its answers alone, where nothing of it is hidden (a report of
    those answers with no sibling to protect), which no reader of the round ever gets."""
    items = queries.questionnaire_items(round)
    answers = queries.report_answers(round, sum(1 for item in items if item.is_scale))
    mine = [atom for atom in answers.respondents if atom[0] == unit.pk]
    report = reporting.assemble(
        round_id=round.pk,
        k=3,
        items=items,
        parents=round.parents(),
        respondents={atom: answers.respondents[atom] for atom in mine},
        counts={atom: answers.counts[atom] for atom in mine},
        population={},
    )
    figures = report.cell(reporting.unit_cell(unit.pk))
    assert figures.shown
    return figures


# What it holds --------------------------------------------------------------------------------------------------


def test_the_organisations_report_is_a_pdf_with_the_round_and_its_shown_figures(
    client, facilitator, closed_round, home_unit
):
    client.force_login(facilitator)

    response = client.get(pdf_url(closed_round))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="barometern-hosten-2026-')
    assert response["Content-Disposition"].endswith('.pdf"')
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    lines = texts(pdf)
    assert shows(pdf, "Barometern hösten 2026")
    assert shows(pdf, "Norrby kommun")
    report = reporting.round_report(closed_round)
    total = reporting.figures_of(report, reporting.TOTAL, None)
    # The respondents, through the same count as the page, and every principle's index as the page prints it.
    assert total.respondents.value == 10
    assert "10" in lines
    for principle in total.principles:
        assert row_after(lines, principle.label, 1) == [str(principle.index.value)]
    # Every statement is there.
    for item in report.scale_items:
        assert shows(pdf, " ".join(item.text.split()[:3]))
    # The units, levels and actor groups as the page breaks them down.
    assert "Hemtjänst Norr" in lines
    assert shows(pdf, "Skillnaden mellan nivåer")  # the level breakdown
    assert shows(pdf, "Skillnaden mellan aktörsgrupper")  # the actor-group breakdown
    # The anonymity rule is explained.
    assert shows(pdf, "minst 5")


def test_a_hidden_units_figures_print_as_a_dash_and_never_as_a_number(client, facilitator, closed_round, home_unit):
    client.force_login(facilitator)
    report = reporting.round_report(closed_round)
    assert not report.cell(reporting.unit_cell(home_unit.pk)).shown
    truth = unsuppressed(closed_round, home_unit)
    hidden_figures = {str(tally.whole_number(value)) for value in truth.principles.values()} | {"8"}

    organisation_pdf = client.get(pdf_url(closed_round)).content
    unit_pdf = client.get(unit_pdf_url(closed_round, home_unit)).content

    # In the organisation's report, the hidden unit's row is there with its figures as "–", as on the page.
    lines = texts(organisation_pdf)
    # Below a single top unit, the organisation breaks down into the units right below it.
    principles = len(report.present_principles())
    for unit in ("Hemtjänst Norr", "Nattpatrullen"):
        cells = figures_after(lines, unit)
        assert (
            len(cells) >= 2 + principles
        )  # respondents, response rate, the principles (in parts, each with the first two)
        assert set(cells) == {DASH}
    # The hidden unit's own report shows no figure at all: not its count, not one of its indices.
    unit_lines = texts(unit_pdf)
    assert unit_pdf.startswith(b"%PDF-")
    assert "Hemtjänst Norr" in " ".join(unit_lines)
    assert not hidden_figures & set(unit_lines)
    assert not any(f"{figure} %" in unit_lines for figure in hidden_figures)


def test_open_answers_are_printed_only_where_the_page_shows_them(client, facilitator, closed_round, home_unit):
    client.force_login(facilitator)

    organisation_pdf = client.get(pdf_url(closed_round)).content
    hidden_unit_pdf = client.get(unit_pdf_url(closed_round, home_unit)).content

    # The organisation's ten writers are shown; the texts of a hidden unit never are.
    assert shows(organisation_pdf, TEXT)
    assert shows(organisation_pdf, SMALL_TEXT)
    assert not shows(hidden_unit_pdf, TEXT)
    assert not shows(hidden_unit_pdf, SMALL_TEXT)


def test_a_units_report_holds_its_figures_and_the_units_below_it(client, facilitator, closed_round, home_unit):
    client.force_login(facilitator)
    parent = home_unit.parent

    pdf = client.get(unit_pdf_url(closed_round, parent)).content

    lines = texts(pdf)
    report = reporting.round_report(closed_round)
    figures = reporting.figures_of(report, reporting.unit_cell(parent.pk), None)
    assert figures.respondents.value == 10
    for principle in figures.principles:
        assert row_after(lines, principle.label, 1) == [str(principle.index.value)]
    assert "Hemtjänst Norr" in lines
    assert shows(pdf, TEXT)
    # A unit's report is not broken down by level or actor group, as its page is not.
    assert not shows(pdf, "Skillnaden mellan nivåer")


def test_the_trend_prints_the_previous_rounds_index(
    client, facilitator, organisation, home_unit, make_round, add_responses
):
    today = timezone.localdate()
    earlier = make_round(organisation, name="Barometern våren", opens_on=today - datetime.timedelta(days=90))
    add_responses(earlier, home_unit, 6, mean=2.0, seed=3)
    earlier = actions.close_round(round=earlier)
    round = make_round(organisation, name="Barometern hösten")
    add_responses(round, home_unit, 6, mean=4.5, seed=4)
    round = actions.close_round(round=round)
    client.force_login(facilitator)

    pdf = client.get(pdf_url(round)).content

    previous = reporting.round_report(earlier).cell(reporting.TOTAL).principles[Theme.TRUST]
    assert shows(pdf, "Barometern våren")
    assert str(tally.whole_number(previous)) in texts(pdf)


def test_render_report_writes_readable_text_uncompressed(closed_round):
    report = reporting.round_report(closed_round)

    pdf = render_report(
        round=closed_round,
        scope=Scope("Norrby kommun"),
        figures=reporting.figures_of(report, reporting.TOTAL, None),
        compress=False,
    )

    assert pdf.startswith(b"%PDF-")
    assert "Barometern hösten 2026".encode("cp1252") in pdf


def test_a_group_too_small_to_show_says_so(client, facilitator, organisation, home_unit, make_round, add_responses):
    round = make_round(organisation)
    add_responses(round, home_unit, 3)
    round = actions.close_round(round=round)
    client.force_login(facilitator)

    pdf = client.get(pdf_url(round)).content

    assert pdf.startswith(b"%PDF-")
    assert "3" not in texts(pdf)
    assert shows(pdf, "För få har svarat här")


# Who gets it ----------------------------------------------------------------------------------------------------


def test_a_manager_gets_their_own_units_report_and_no_other(client, manager, closed_round, home_unit):
    client.force_login(manager)

    organisation = client.get(pdf_url(closed_round))
    own = client.get(unit_pdf_url(closed_round, home_unit))
    above = client.get(unit_pdf_url(closed_round, home_unit.parent))

    # As with the spreadsheets, a manager downloads only the units they answer for.
    assert organisation.status_code == 302
    assert organisation["Location"] == unit_pdf_url(closed_round, home_unit)
    assert own.status_code == 200
    assert own.content.startswith(b"%PDF-")
    assert above.status_code == 403


@pytest.mark.parametrize("who", ["employee", "politician", "outsider"])
def test_those_who_may_not_download_the_spreadsheet_get_the_same_refusal(client, request, closed_round, home_unit, who):
    client.force_login(request.getfixturevalue(who))
    refusal = client.get(xlsx_url(closed_round)).status_code
    assert refusal in (403, 404)

    for url in (pdf_url(closed_round), unit_pdf_url(closed_round, home_unit)):
        response = client.get(url)
        assert response.status_code == refusal
        assert "Content-Disposition" not in response


def test_another_organisations_round_or_unit_is_not_found(
    client, facilitator, closed_round, other_organisation, make_round, add_responses
):
    theirs = make_round(other_organisation, name="Söderbys barometer")
    unit = Unit.objects.filter(organisation=other_organisation).first()
    add_responses(theirs, unit, 6)
    theirs = actions.close_round(round=theirs)
    client.force_login(facilitator)

    assert client.get(pdf_url(theirs)).status_code == 404
    assert client.get(unit_pdf_url(theirs, unit)).status_code == 404
    # Their unit under our round does not exist either.
    assert client.get(unit_pdf_url(closed_round, unit)).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, closed_round):
    response = client.get(pdf_url(closed_round))

    assert response.status_code == 302
    assert not response.content.startswith(b"%PDF")


def test_no_pdf_before_the_results_open(client, facilitator, organisation, home_unit, make_round, add_responses):
    round = make_round(organisation)
    add_responses(round, home_unit, 6)
    client.force_login(facilitator)

    for url in (pdf_url(round), unit_pdf_url(round, home_unit)):
        response = client.get(url)
        assert response.status_code == 403
        assert "Content-Disposition" not in response
        assert "Resultaten visas när omgången stänger den" in response.content.decode()


def test_the_report_page_links_to_the_pdf_of_its_scope(client, facilitator, manager, employee, closed_round, home_unit):
    client.force_login(facilitator)
    organisation_page = client.get(f"/b/{closed_round.public_id}/results/").content.decode()
    unit_page = client.get(f"/b/{closed_round.public_id}/results/unit/{home_unit.public_id}/").content.decode()
    assert f'href="{pdf_url(closed_round)}"' in organisation_page
    assert f'href="{unit_pdf_url(closed_round, home_unit)}"' in unit_page

    client.force_login(manager)
    unit_page = client.get(f"/b/{closed_round.public_id}/results/unit/{home_unit.public_id}/").content.decode()
    organisation_page = client.get(f"/b/{closed_round.public_id}/results/").content.decode()
    assert f'href="{unit_pdf_url(closed_round, home_unit)}"' in unit_page
    assert ".pdf" not in organisation_page

    client.force_login(employee)
    for url in (
        f"/b/{closed_round.public_id}/results/",
        f"/b/{closed_round.public_id}/results/unit/{home_unit.public_id}/",
    ):
        assert ".pdf" not in client.get(url).content.decode()
