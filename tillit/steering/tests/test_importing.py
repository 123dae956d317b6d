"""Importing a catalogue from CSV or XLSX: preview with row-level errors, then all or nothing."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tillit.core.tabular import TableError
from tillit.steering import actions, importing
from tillit.steering.actions import SteeringError
from tillit.steering.models import Kind, Owner, Signal, Source

pytestmark = pytest.mark.django_db

HEADER = "namn;källa;styrning;ägare;gånger per år;minuter per gång;personer;enheter"
GOOD = (
    HEADER + "\n"
    "Genomförandeplan;föreskrift;regelstyrning;Socialstyrelsen;24;45;14;Socialförvaltningen / Hemtjänst Norr\n"
    "Månadsuppföljning;förvaltningen;Ekonomisk styrning;Socialförvaltningen;12;7,5;2;\n"
)


def import_url(organisation) -> str:
    return f"/o/{organisation.slug}/styrsignaler/import/"


def upload(client, organisation, content: bytes | str, name: str = "signaler.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(import_url(organisation), {"file": SimpleUploadedFile(name, data)})


def token_of(response) -> str:
    return response.context["preview_token"]


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_good_csv_is_previewed_then_imported(english, organisation, facilitator, home_unit):
    english.force_login(facilitator)

    preview = upload(english, organisation, GOOD)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "2 signals are ready to be imported" in page
    assert "Import 2 signals" in page
    assert not Signal.objects.exists()  # nothing until confirmed

    done = english.post(import_url(organisation), {"preview": token_of(preview)})
    assert done.status_code == 302
    plan = Signal.objects.get(name="Genomförandeplan")
    assert (plan.source, plan.kind, plan.owner.name) == (Source.AGENCY_REGULATION, Kind.RULES, "Socialstyrelsen")
    assert list(plan.units.all()) == [home_unit]
    follow_up = Signal.objects.get(name="Månadsuppföljning")
    assert follow_up.minutes_per_occurrence == Decimal("7.5")
    assert follow_up.kind == Kind.ECONOMIC
    assert list(follow_up.units.all()) == []

    again = english.post(import_url(organisation), {"preview": token_of(preview)})
    assert again.status_code == 302  # the preview was used: nothing more
    assert Signal.objects.count() == 2


def test_english_headers_and_commas_work(english, organisation, facilitator):
    english.force_login(facilitator)
    content = (
        "Name,Source,Kind,Owner,Times a year,Minutes each time,People,Used by\n"
        'Incident reports,law,rules,IVO,"7,5",10,3,Quality\n'
    )

    preview = upload(english, organisation, content)

    assert preview.context["preview"].can_commit
    english.post(import_url(organisation), {"preview": token_of(preview)})
    signal = Signal.objects.get()
    assert signal.occurrences_per_year == Decimal("7.5")
    assert signal.result_used_by == "Quality"


def test_an_xlsx_is_read_like_a_csv(english, organisation, facilitator):
    english.force_login(facilitator)
    content = xlsx(
        [
            ["Namn", "Källa", "Styrning", "Ägare", "Gånger per år", "Minuter per gång", "Personer"],
            ["Kvalitetsregister", "datainsamling", "prestationsstyrning", "Senior alert", 4, 7.5, 30.0],
        ]
    )

    preview = upload(english, organisation, content, "katalog.xlsx")

    assert preview.status_code == 200, preview.context["form"].errors
    english.post(import_url(organisation), {"preview": token_of(preview)})
    signal = Signal.objects.get()
    assert (signal.minutes_per_occurrence, signal.people, signal.source) == (
        Decimal("7.5"),
        30,
        Source.DATA_COLLECTION,
    )


def test_row_errors_are_shown_for_every_row_and_nothing_can_be_imported(
    english, organisation, other_organisation, facilitator
):
    actions.create_signal(
        organisation=organisation,
        name="Redan här",
        source=Source.LAW,
        kind=Kind.RULES,
        owner_name="Riksdagen",
        occurrences_per_year=Decimal(1),
        minutes_per_occurrence=Decimal(1),
        people=1,
    )
    english.force_login(facilitator)
    content = (
        HEADER + "\n"
        "Bra rad;lag;regelstyrning;IVO;1;1;1;\n"  # 2: fine
        "Dubbel;lag;regelstyrning;IVO;1;1;1;\n"  # 3: fine, but …
        "dubbel;lag;regelstyrning;IVO;1;1;1;\n"  # 4: … the same name again
        "REDAN HÄR;lag;regelstyrning;IVO;1;1;1;\n"  # 5: in the catalogue already
        "Negativ;lag;regelstyrning;IVO;-5;1;1;\n"  # 6
        "Absurd;lag;regelstyrning;IVO;1;99999;1;\n"  # 7
        "Folk;lag;regelstyrning;IVO;1;1;0;\n"  # 8
        "Ord;lag;regelstyrning;IVO;ofta;1;1;\n"  # 9
        "Okänd källa;mars;regelstyrning;IVO;1;1;1;\n"  # 10
        "Okänd styrning;lag;kaos;IVO;1;1;1;\n"  # 11
        "Främmande enhet;lag;regelstyrning;IVO;1;1;1;Barn- och utbildningsförvaltningen\n"  # 12: Söderby's unit
        ";lag;regelstyrning;;1;1;1;\n"  # 13: no name, no owner
        "Arbetsår;lag;regelstyrning;IVO;1000;2400;1;\n"  # 14
    )

    response = upload(english, organisation, content)

    assert response.status_code == 422
    rows = {row.line: row.errors for row in response.context["preview"].rows}
    assert rows[2] == []
    assert rows[3] == []
    assert "row 3" in rows[4][0]
    assert "already in the catalogue" in rows[5][0]
    assert "at least" in rows[6][0]
    assert "working week" in rows[7][0]
    assert "At least one person" in rows[8][0]
    assert "not a number" in rows[9][0]
    assert "Unknown source" in rows[10][0]
    assert "Unknown kind" in rows[11][0]
    assert "no open unit" in rows[12][0]
    assert any("name is missing" in error for error in rows[13])
    assert any("owner is missing" in error for error in rows[13])
    assert "working year" in rows[14][0]
    page = response.content.decode()
    assert "11 rows have errors" in page
    assert "Import 13 signals" not in page
    assert response.context["preview_token"] == ""  # nothing to confirm
    assert Signal.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "tom.csv", "The submitted file is empty"),  # Django refuses an empty upload before we see it
        (b"   \n\n", "tom.csv", "The file is empty"),
        ("namn;ägare\nEn;IVO\n".encode(), "fel.csv", "Columns are missing"),
        (HEADER.encode() + b"\n", "bara-rubrik.csv", "header row but no signals"),
        (b"PK\x03\x04 this is no zip", "trasig.xlsx", "not a readable XLSX"),
        (b"plain text pretending", "falsk.xlsx", "not a readable XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "gammal.xls", "Old Excel files"),
        ("namn;källa\n".encode("utf-16"), "utf16.csv", "not in UTF-8"),
    ],
)
def test_an_unusable_file_is_refused_as_a_whole(english, organisation, facilitator, content, name, message):
    english.force_login(facilitator)

    response = upload(english, organisation, content, name)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Signal.objects.exists()


def test_a_zip_that_is_no_workbook_is_refused(english, organisation, facilitator):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "not a workbook")
    english.force_login(facilitator)

    response = upload(english, organisation, archive.getvalue(), "katalog.xlsx")

    assert response.status_code == 422
    assert "not a readable XLSX" in response.content.decode()


def test_a_workbook_that_unpacks_to_too_much_is_refused(settings, english, organisation, facilitator):
    settings.STEERING_IMPORT_MAX_BYTES = 10_000
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("xl/worksheets/sheet1.xml", "<" + "a" * 1_000_000 + ">")
    english.force_login(facilitator)

    response = upload(english, organisation, archive.getvalue(), "bomb.xlsx")

    assert response.status_code == 422
    assert "unpacks to too much" in response.content.decode()


def test_a_huge_file_and_too_many_rows_are_refused(settings, english, organisation, facilitator):
    settings.STEERING_IMPORT_MAX_BYTES = 2_000
    settings.STEERING_IMPORT_MAX_ROWS = 5
    english.force_login(facilitator)

    too_large = upload(english, organisation, HEADER + "\n" + "x;lag;regelstyrning;IVO;1;1;1;\n" * 200)
    assert too_large.status_code in (413, 422)
    assert not Signal.objects.exists()

    rows = "".join(f"Signal {n};lag;regelstyrning;IVO;1;1;1;\n" for n in range(6))
    too_many = upload(english, organisation, HEADER + "\n" + rows)
    assert too_many.status_code == 422
    assert "at most 5 can be imported" in too_many.content.decode()


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(settings, english, organisation, facilitator):
    settings.STEERING_IMPORT_MAX_BYTES = 1_000
    english.force_login(facilitator)

    response = upload(english, organisation, b"x" * 200_000)

    assert response.status_code == 413


def test_the_catalogue_changing_between_preview_and_confirmation_imports_nothing(english, organisation, facilitator):
    english.force_login(facilitator)
    preview = upload(english, organisation, GOOD)
    actions.create_signal(
        organisation=organisation,
        name="Månadsuppföljning",
        source=Source.LAW,
        kind=Kind.RULES,
        owner_name="Någon",
        occurrences_per_year=Decimal(1),
        minutes_per_occurrence=Decimal(1),
        people=1,
    )

    response = english.post(import_url(organisation), {"preview": token_of(preview)})

    assert response.status_code == 409
    assert "already in the catalogue" in response.content.decode()
    assert set(Signal.objects.values_list("name", flat=True)) == {"Månadsuppföljning"}
    assert not Owner.objects.filter(name="Socialstyrelsen").exists()


def test_a_stale_or_missing_preview_imports_nothing(english, organisation, facilitator):
    english.force_login(facilitator)
    first = upload(english, organisation, GOOD)
    upload(english, organisation, GOOD.replace("Genomförandeplan", "Annan plan"))

    stale = english.post(import_url(organisation), {"preview": token_of(first)}, follow=True)
    assert "newer file was checked" in stale.content.decode()

    english.session.flush()
    english.force_login(facilitator)
    nothing = english.post(import_url(organisation), {"preview": "abc"}, follow=True)
    assert "no checked file" in nothing.content.decode()
    assert not Signal.objects.exists()


def test_import_action_is_all_or_nothing(organisation, home_unit):
    good = importing.SignalDetails(
        name="Bra",
        source=Source.LAW,
        kind=Kind.RULES,
        owner_name="Ny ägare",
        occurrences_per_year=Decimal(1),
        minutes_per_occurrence=Decimal(1),
        people=1,
        units=(home_unit,),
    )
    bad = importing.SignalDetails(
        name="Dålig",
        source=Source.LAW,
        kind=Kind.RULES,
        owner_name="Ny ägare",
        occurrences_per_year=Decimal(1),
        minutes_per_occurrence=Decimal(-1),
        people=1,
    )

    with pytest.raises(SteeringError):
        actions.import_signals(organisation=organisation, rows=[good, bad])
    with pytest.raises(SteeringError, match="more than once"):
        actions.import_signals(organisation=organisation, rows=[good, good])
    with pytest.raises(SteeringError):
        actions.import_signals(organisation=organisation, rows=[])
    assert not Signal.objects.exists()
    assert not Owner.objects.exists()

    added = actions.import_signals(organisation=organisation, rows=[good])
    assert [signal.name for signal in added] == ["Bra"]
    assert list(Signal.objects.get().units.all()) == [home_unit]


def test_the_example_file_downloads_and_imports(english, organisation, facilitator):
    english.force_login(facilitator)

    example = english.get(import_url(organisation), {"example": "csv"})
    assert example.status_code == 200
    assert "attachment" in example["Content-Disposition"]

    preview = upload(english, organisation, example.content)
    assert preview.context["preview"].can_commit, [row.errors for row in preview.context["preview"].rows]
    assert len(preview.context["preview"].rows) == 2


def test_only_process_leaders_import(english, organisation, employee):
    english.force_login(employee)

    assert upload(english, organisation, GOOD).status_code == 403
    assert english.post(import_url(organisation), {"preview": "x"}).status_code == 403
    assert not Signal.objects.exists()


def test_the_table_reader_refuses_an_empty_table():
    from tillit.core import tabular

    with pytest.raises(TableError):
        tabular.read_table(b";;;\n;;\n", max_bytes=1000, max_rows=10)
