"""Exports of a round: the same groups and the same suppression as the report, in CSV and XLSX, and a codebook."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tillit.barometer import actions, exporting, reporting
from tillit.barometer.models import Round, Theme
from tillit.organisations.models import Level

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com/steal","Klicka")'
HOME_PATH = "Socialförvaltningen / Hemtjänst Norr"
NIGHT_PATH = "Socialförvaltningen / Nattpatrullen"
FIGURES = ("index", "instämmer_%", "svar", "1", "2", "3", "4", "5", "vet_ej", "svarsfrekvens_%", "population")
HIDDEN_TEXT = "nej (färre än 5 svar, eller dold för att skydda en mindre grupp)"


def csv_url(round: Round) -> str:
    return f"/b/{round.public_id}/results.csv"


def xlsx_url(round: Round) -> str:
    return f"/b/{round.public_id}/results.xlsx"


def codebook_url(round: Round) -> str:
    return f"/b/{round.public_id}/codebook.csv"


def csv_rows(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_sheets(response) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def xlsx_rows(response) -> list[dict[str, object]]:
    header, *rows = xlsx_sheets(response)["Resultat"]
    return [dict(zip(header, row, strict=True)) for row in rows]


def rows_of(rows: list[dict], name: str) -> list[dict]:
    return [row for row in rows if row["namn"] == name]


def test_facilitator_gets_every_group_in_csv(client, facilitator, closed_round):
    client.force_login(facilitator)
    response = client.get(csv_url(closed_round))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="barometern-hosten-2026-')
    assert disposition.endswith('.csv"')

    rows = csv_rows(response)
    assert list(rows[0]) == list(exporting.COLUMNS)
    total = rows_of(rows, "Norrby kommun")
    assert {row["vy"] for row in total} == {"Organisation"}
    respondents = next(row for row in total if row["mått_kod"] == "respondents")
    assert respondents["svar"] == "10"
    assert respondents["visas"] == "ja"
    trust = next(row for row in total if row["mått_kod"] == Theme.TRUST)
    assert trust["mått_typ"] == "Tema"
    report = reporting.build_report(closed_round)
    expected = report.cell(reporting.TOTAL).principles[Theme.TRUST]
    assert trust["index"] == f"{expected:.1f}".replace(".", ",")
    item = report.scale_items[0]
    statement = next(row for row in total if row["mått_kod"] == item.code)
    assert statement["mått"] == item.text_sv
    assert statement["svar"] == str(report.cell(reporting.TOTAL).items[item.pk].answers)
    # Levels and actor groups are there too, hidden where they are small.
    assert {"Organisation", "Enhet", "Nivå", "Aktörsgrupp"} <= {row["vy"] for row in rows}


def test_small_unit_and_its_sibling_are_empty_in_both_formats(client, facilitator, closed_round, home_unit):
    report = reporting.round_report(closed_round)
    # The same suppression as the report pages: both units hidden, their parent shown.
    assert report.cell(reporting.unit_cell(home_unit.pk)).respondents is reporting.HIDDEN
    assert report.cell(reporting.unit_cell(home_unit.parent_id)).respondents == 10

    client.force_login(facilitator)
    csv_table = csv_rows(client.get(csv_url(closed_round)))
    xlsx_response = client.get(xlsx_url(closed_round))
    xlsx_table = xlsx_rows(xlsx_response)
    for table, empty in ((csv_table, ""), (xlsx_table, None)):
        for path in (HOME_PATH, NIGHT_PATH):
            rows = rows_of(table, path)
            assert len(rows) == 1 + len(report.principle_themes()) + len(report.scale_items)
            assert all(row[column] == empty for row in rows for column in FIGURES)
            assert {row["visas"] for row in rows} == {HIDDEN_TEXT}
        parent = next(row for row in rows_of(table, "Socialförvaltningen") if row["mått_kod"] == "respondents")
        assert parent["svar"] in ("10", 10)
    # Both formats hide exactly the same figures.
    assert len(csv_table) == len(xlsx_table)
    for csv_row, xlsx_row in zip(csv_table, xlsx_table, strict=True):
        assert [csv_row[column] == "" for column in FIGURES] == [xlsx_row[column] is None for column in FIGURES]

    # The workbook: numbers as numbers, a codebook and a note on what is left out.
    sheets = xlsx_sheets(xlsx_response)
    assert list(sheets) == ["Resultat", "Kodbok", "Om"]
    assert xlsx_response["Content-Disposition"].endswith('.xlsx"')
    total = rows_of(xlsx_table, "Norrby kommun")
    assert next(row for row in total if row["mått_kod"] == "respondents")["svar"] == 10
    trust = next(row for row in total if row["mått_kod"] == Theme.TRUST)
    assert isinstance(trust["index"], float)
    assert trust["index"] == round(report.cell(reporting.TOTAL).principles[Theme.TRUST], 1)
    about = {row[0]: row[1] for row in sheets["Om"] if row and row[0]}
    assert about["Omgång"] == "Barometern hösten 2026"
    assert about["Anonymitetsgräns (k)"] == 5
    assert "färre än 5 svar, eller dolda för att skydda en mindre grupp" in about["Tomma celler"]
    assert "Fritextsvaren finns inte i exporterna" in about["Fritextsvar"]
    codes = {row[0] for row in sheets["Kodbok"] if row}
    assert {item.code for item in closed_round.instrument.items.all()} <= codes


def test_open_answers_are_not_exported(client, facilitator, organisation, home_unit, make_round, add_responses):
    round = make_round(organisation)
    add_responses(round, home_unit, 5, texts={"open_value": "Hemligt fritextsvar"})
    client.force_login(facilitator)
    round = actions.close_round(round=round)
    assert "Hemligt fritextsvar" not in client.get(csv_url(round)).content.decode()
    assert "Hemligt fritextsvar" not in client.get(codebook_url(round)).content.decode()
    # The workbook's results sheet is the same rows as the CSV; its other sheets hold no answers at all.
    report = reporting.round_report(round)
    rows = exporting.result_rows(report, exporting.breakdowns_in_scope(round, report, None))
    assert not any("Hemligt" in str(value) for row in rows for value in row)


def test_manager_gets_only_their_units(client, manager, closed_round):
    client.force_login(manager)
    for table in (csv_rows(client.get(csv_url(closed_round))), xlsx_rows(client.get(xlsx_url(closed_round)))):
        assert {row["namn"] for row in table} == {HOME_PATH}
        assert {row["vy"] for row in table} == {"Enhet"}


def test_employee_and_politician_are_refused_and_outsider_finds_nothing(
    client, employee, politician, outsider, closed_round
):
    # They read the organisation's page and (the employee) their unit's; the downloads are for those who work with
    # the results.
    for user, status in ((employee, 403), (politician, 403), (outsider, 404)):
        client.force_login(user)
        for url in (csv_url(closed_round), xlsx_url(closed_round), codebook_url(closed_round)):
            assert client.get(url).status_code == status


def test_signed_out_visitor_is_sent_to_sign_in(client, closed_round):
    response = client.get(csv_url(closed_round))
    assert response.status_code == 302
    assert "Norrby" not in response.content.decode()


def test_no_data_before_the_results_open(client, facilitator, organisation, home_unit, make_round, add_responses):
    round = make_round(organisation)  # open, results not live
    add_responses(round, home_unit, 6)
    client.force_login(facilitator)
    for url in (csv_url(round), xlsx_url(round)):
        response = client.get(url)
        assert response.status_code == 403
        assert "Content-Disposition" not in response
        # The same refusal as the report pages: when the results open.
        assert "Resultaten visas när omgången stänger den" in response.content.decode()


def test_an_open_round_exports_no_results(client, facilitator, organisation, home_unit, make_round, add_responses):
    round = make_round(organisation)
    add_responses(round, home_unit, 6)
    client.force_login(facilitator)

    response = client.get(csv_url(round))

    assert response.status_code == 403
    assert b"respondents" not in response.content


def test_text_cannot_become_a_formula(client, facilitator, organisation, closed_round):
    Level.objects.create(organisation=organisation, name=FORMULA, rank=9)
    client.force_login(facilitator)

    rows = csv_rows(client.get(csv_url(closed_round)))
    assert "'" + FORMULA in {row["namn"] for row in rows}
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())

    response = client.get(xlsx_url(closed_round))
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for row in workbook["Resultat"].iter_rows() for cell in row if "HYPERLINK" in str(cell.value)]
    assert cells
    assert all(cell.data_type == "s" and cell.value == "'" + FORMULA for cell in cells)


def test_codebook_explains_every_item_and_column(client, facilitator, closed_round):
    client.force_login(facilitator)
    response = client.get(codebook_url(closed_round))
    assert response.status_code == 200
    assert "kodbok" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    first_cells = {row[0] for row in csv.reader(io.StringIO(text[1:]), delimiter=";") if row}
    assert {item.code for item in closed_round.instrument.items.all()} <= first_cells
    assert set(exporting.COLUMNS) <= first_cells
    assert "1 = Stämmer inte alls … 5 = Stämmer helt; vet ej = tomt" in text
    assert "1 ger 0" in text


def test_codebook_is_there_before_the_results_open(client, facilitator, organisation, make_round):
    round = make_round(organisation)
    client.force_login(facilitator)
    response = client.get(codebook_url(round))
    assert response.status_code == 200
    assert ";" in response.content.decode()
