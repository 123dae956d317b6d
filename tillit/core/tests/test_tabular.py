"""Reading uploaded tables (`core.tabular`): a workbook that claims to be huge is read within bounds."""

from __future__ import annotations

import io
import zipfile

from tillit.core import tabular

CT = """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WB = """<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WBRELS = """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"""
SHEET = """<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:ZZZ1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>namn</t></is></c></row><row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"""


def claimed_huge_workbook() -> bytes:
    """1.5 kB whose <dimension> claims columns up to ZZZ and whose rows jump to row 1,048,576."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CT)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WB)
        archive.writestr("xl/_rels/workbook.xml.rels", WBRELS)
        archive.writestr("xl/worksheets/sheet1.xml", SHEET)
    return buffer.getvalue()


def test_a_workbook_claiming_thousands_of_columns_is_read_only_as_wide_as_an_import_needs():
    records = tabular.read_table(claimed_huge_workbook(), max_bytes=2 * 1024 * 1024, max_rows=2000, name="x.xlsx")

    assert records[0][0] == "namn"
    assert max(len(record) for record in records) <= tabular.XLSX_MAX_COLUMNS
    assert len(records) <= 2002
