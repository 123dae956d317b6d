"""The XLSX writer, read back with openpyxl: types, the formula guard, hidden figures, styles and sheet titles."""

from __future__ import annotations

import io
from decimal import Decimal

import numpy as np
import pytest
from openpyxl import load_workbook

from tillit.privacy.suppression import HIDDEN, Cell
from tillit.reports.spreadsheets import csv_bytes, xlsx_bytes


def read_back(content: bytes):
    return load_workbook(io.BytesIO(content))


@pytest.mark.parametrize("typed", ["=1+1", "+46 70", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_text_that_looks_like_a_formula_stays_text(typed):
    sheet = read_back(xlsx_bytes([("Blad", [[typed]])]))["Blad"]
    cell = sheet["A1"]
    assert cell.data_type == "s"
    # XlsxWriter writes a carriage return as Excel's escape _x000D_, which Excel reads back as the character.
    assert cell.value.replace("_x000D_", "\r") == "'" + typed


def test_numbers_stay_numbers_and_text_that_looks_like_a_number_stays_text():
    rows = [[1, 2.25, "3", "4,5", "http://example.invalid", np.int64(7), np.float64(0.5), Decimal("1.5"), True]]
    sheet = read_back(xlsx_bytes([("Blad", rows)]))["Blad"]
    values = [cell.value for cell in sheet[1]]
    types = [cell.data_type for cell in sheet[1]]
    assert values == [1, 2.25, "3", "4,5", "http://example.invalid", 7, 0.5, "1.5", "True"]
    assert types == ["n", "n", "s", "s", "s", "n", "n", "s", "s"]
    assert sheet["B1"].number_format == "0.0"
    assert sheet["A1"].number_format == "General"


def test_hidden_figures_and_none_are_empty_cells_never_zero():
    rows = [["a", HIDDEN, Cell(HIDDEN, HIDDEN), None, Cell(12, 12), Cell(3.5, 12), "b"]]
    sheet = read_back(xlsx_bytes([("Blad", rows)]))["Blad"]
    assert [cell.value for cell in sheet[1]] == ["a", None, None, None, 12, 3.5, "b"]


def test_not_a_number_and_infinity_are_empty_cells():
    sheet = read_back(xlsx_bytes([("Blad", [[float("nan"), float("inf"), -float("inf"), 1.0]])]))["Blad"]
    assert [cell.value for cell in sheet[1]] == [None, None, None, 1.0]


def test_characters_a_spreadsheet_cannot_hold_are_dropped():
    sheet = read_back(xlsx_bytes([("Blad", [["a\x00b\x07c\x1fd", "e\nf"]])]))["Blad"]
    assert sheet["A1"].value == "abcd"
    assert sheet["B1"].value == "e\nf"


def test_header_rows_are_bold_and_frozen_and_the_rest_is_not():
    rows = [["vy", "index"], ["Enhet", 1.5], ["Enhet", 2]]
    workbook = read_back(xlsx_bytes([("Resultat", rows), ("Om", [["Runda", "Vår"]])], header_rows=[1, 0]))
    results, about = workbook["Resultat"], workbook["Om"]
    assert [cell.font.b for cell in results[1]] == [True, True]
    assert [cell.font.b for cell in results[2]] == [False, False]
    assert results.freeze_panes == "A2"
    assert about.freeze_panes is None
    assert not about["A1"].font.b
    assert [[cell.value for cell in row] for row in results.iter_rows()] == rows


def test_sheets_keep_their_order_and_titles_are_made_acceptable():
    title = "Resultat: 2025/26 [vår] med en mycket lång rubrik"
    workbook = read_back(xlsx_bytes([(title, [["x"]]), ("Kodbok", [["y"]])]))
    assert workbook.sheetnames[1] == "Kodbok"
    first = workbook.sheetnames[0]
    assert len(first) <= 31
    assert not set("[]:*?/\\") & set(first)


def test_the_same_rows_as_csv_and_xlsx_hold_the_same_text():
    rows = [["namn", "värde"], ["=Enhet", 2.5], ["Avd", HIDDEN], ["Grupp", 10]]
    sheet = read_back(xlsx_bytes([("Blad", rows)], header_rows=[1]))["Blad"]
    text = csv_bytes(rows).decode("utf-8").lstrip("\ufeff").splitlines()
    assert text == ["namn;värde", "'=Enhet;2,5", "Avd;", "Grupp;10"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["namn", "värde"],
        ["'=Enhet", 2.5],
        ["Avd", None],
        ["Grupp", 10],
    ]
