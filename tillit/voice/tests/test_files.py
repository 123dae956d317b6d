"""Brukarrösten's downloads: a service page's poster (PDF A4 and A3, the QR code as PNG) and the suggestions as CSV
and XLSX, for process leaders only."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zlib

import openpyxl
import pytest
import segno
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from PIL import Image

from tillit.organisations.models import Unit
from tillit.voice import actions, poster
from tillit.voice.models import ServicePage, Suggestion

pytestmark = pytest.mark.django_db

SITE = "https://tillit.example.se"
# PDF points: A4 is 595.28 × 841.89, A3 841.89 × 1190.55.
PAGE_SIZES = {"a4": (595, 842), "a3": (842, 1191)}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def manage(organisation, path: str = "") -> str:
    return f"/o/{organisation.slug}/brukarrosten/{path}"


def poster_path(organisation, page: ServicePage, file: str) -> str:
    return manage(organisation, f"sidor/{page.public_id}/affisch/{file}")


def address_of(page: ServicePage) -> str:
    return f"{SITE}/r/{page.code}/"


def content_of(pdf: bytes) -> str:
    """The PDF's page streams, inflated, as Latin-1 text (the core fonts' text is written as it is)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    return b"\n".join(streams).decode("latin-1")


def page_size(pdf: bytes) -> tuple[int, int]:
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert len(set(boxes)) == 1
    width, height = boxes[0]
    return round(float(width)), round(float(height))


def drawn_matrix(pdf: bytes) -> list[list[bool]]:
    """The QR code as the PDF draws it: its rectangles (one per run of dark modules) put back into a grid."""
    rectangles = [
        tuple(float(n) for n in found)
        for found in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re", content_of(pdf))
    ]
    module = min(height for _x, _y, _width, height in rectangles)
    left = min(x for x, _y, _width, _height in rectangles)
    top = min(y for _x, y, _width, _height in rectangles)
    cells = set()
    for x, y, width, _height in rectangles:
        row, start = round((y - top) / module), round((x - left) / module)
        cells |= {(row, column) for column in range(start, start + round(width / module))}
    size = max(row for row, _ in cells) + 1
    return [[(row, column) in cells for column in range(size)] for row in range(size)]


def segno_matrix(address: str) -> list[list[bool]]:
    return [[bool(module) for module in row] for row in segno.make_qr(address, error="m").matrix]


@pytest.fixture
def other_page(other_organisation) -> ServicePage:
    unit = Unit.objects.filter(organisation=other_organisation).first()
    return actions.open_page(organisation=other_organisation, unit=unit, name="Elevhälsan")


# The poster -----------------------------------------------------------------------------------------------------


@override_settings(SITE_URL=SITE)
@pytest.mark.parametrize("size", ["a4", "a3"])
def test_the_poster_is_a_one_page_pdf_of_its_size_with_the_address_and_the_code(
    client, organisation, facilitator, service, size
):
    client.force_login(facilitator)

    response = client.get(poster_path(organisation, service, f"{size}.pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="affisch-hemtjanst-norr-{size}.pdf"'
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert page_size(pdf) == PAGE_SIZES[size]
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page/") == 1
    text = content_of(pdf)
    assert f"({address_of(service)}) Tj" in text
    assert f"({service.code}) Tj" in text
    assert "(Hemtjänst Norr) Tj" in text


@override_settings(SITE_URL=SITE)
@pytest.mark.parametrize("size", ["a4", "a3"])
def test_the_poster_draws_the_qr_code_of_the_address_as_vector_rectangles(
    client, organisation, facilitator, service, size
):
    client.force_login(facilitator)

    pdf = client.get(poster_path(organisation, service, f"{size}.pdf")).content

    assert b"/Subtype /Image" not in pdf  # no bitmap
    assert drawn_matrix(pdf) == segno_matrix(address_of(service))


def test_the_a3_poster_is_the_a4_poster_scaled():
    shown = poster.Poster("Hemtjänst Norr", "abc7ke", f"{SITE}/r/abc7ke/", ("sv", "en"), "sv")

    a4, a3 = poster.poster_pdf(shown, "a4"), poster.poster_pdf(shown, "a3")

    def module(pdf: bytes) -> float:
        return min(float(h) for h in re.findall(r"[\d.]+ [\d.]+ [\d.]+ ([\d.]+) re", content_of(pdf)))

    assert module(a3) / module(a4) == pytest.approx(297 / 210, rel=1e-3)
    sizes = [re.findall(r"/F\d+ ([\d.]+) Tf", content_of(pdf)) for pdf in (a4, a3)]
    assert [float(s) * 297 / 210 for s in sizes[0]] == pytest.approx([float(s) for s in sizes[1]], abs=0.01)


@override_settings(SITE_URL=SITE)
def test_the_png_is_the_qr_code_alone_large_enough_to_print_with_its_quiet_zone(
    client, organisation, facilitator, service
):
    client.force_login(facilitator)

    response = client.get(poster_path(organisation, service, "qr.png"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(response.content)).convert("L")
    expected = segno_matrix(address_of(service))
    quiet = 4  # modules of white on every side, as the QR standard asks
    modules = len(expected) + 2 * quiet
    assert image.width == image.height >= 1200
    assert image.width % modules == 0
    scale = image.width // modules
    read = [
        [image.getpixel((column * scale + scale // 2, row * scale + scale // 2)) < 128 for column in range(modules)]
        for row in range(modules)
    ]
    border = [
        read[row][column]
        for row in range(modules)
        for column in range(modules)
        if min(row, column) < quiet or max(row, column) >= modules - quiet
    ]
    assert not any(border)
    assert [line[quiet:-quiet] for line in read[quiet:-quiet]] == expected


def test_the_poster_names_the_pages_other_languages_it_can_print():
    shown = poster.Poster("Hemtjänst Norr", "abc7ke", f"{SITE}/r/abc7ke/", ("sv", "en", "fi", "ar"), "sv")

    text = content_of(poster.poster_pdf(shown))

    assert "English · suomi" in text
    assert "svenska" not in text  # the poster's own language
    assert "?" not in text.replace(f"{SITE}/r/abc7ke/", "")  # Arabic is left out, not printed as question marks
    assert poster.printable_languages(("sv", "en", "fi", "ar"), "en") == ["svenska", "suomi"]


def test_a_long_name_and_address_still_fit_on_one_page():
    address = "https://brukarrosten.exempelkommunens-forvaltningar.example.se/r/abc7ke/"
    shown = poster.Poster("Hemtjänst " + "Norra distriktet " * 6, "abc7ke", address, ("sv", "en", "fi"), "sv")

    for size in ("a4", "a3"):
        pdf = poster.poster_pdf(shown, size)
        assert b"/Count 1" in pdf
        assert f"({address}) Tj" in content_of(pdf)  # on one line, shrunk to fit
        assert drawn_matrix(pdf) == segno_matrix(address)


def test_a_closed_page_still_gets_its_poster(client, organisation, facilitator, service):
    actions.set_page_open(page=service, is_open=False)
    client.force_login(facilitator)

    assert client.get(poster_path(organisation, service, "a4.pdf")).status_code == 200


@pytest.mark.parametrize("file", ["a5.pdf", "a4", "a4/", "qr.svg", "a4.png"])
def test_an_unknown_size_is_not_found(client, organisation, facilitator, service, file):
    client.force_login(facilitator)

    assert client.get(poster_path(organisation, service, file)).status_code == 404


def test_the_pages_list_links_each_pages_poster_naming_service_and_format(client, organisation, facilitator, service):
    client.force_login(facilitator)

    page = client.get(manage(organisation, "sidor/")).content.decode()

    for file, text in (("a4.pdf", "Affisch A4 (PDF)"), ("a3.pdf", "Affisch A3 (PDF)"), ("qr.png", "QR-kod (PNG)")):
        link = re.search(rf'<a href="{re.escape(poster_path(organisation, service, file))}" download>(.*?)</a>', page)
        assert link is not None, file
        assert link.group(1).startswith(text)
        assert '<span class="visually-hidden"> – Hemtjänst Norr</span>' in link.group(1)


# The export -----------------------------------------------------------------------------------------------------


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(content: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def export(client, organisation, kind: str) -> list[list]:
    response = client.get(manage(organisation, f"export/forslag.{kind}"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="brukarrosten-')
    return csv_rows(response.content) if kind == "csv" else xlsx_rows(response.content)


def received(service: ServicePage, text: str, day: datetime.date, **changes) -> Suggestion:
    """A suggestion received by phone on `day`, with `changes` written straight to its row."""
    suggestion = actions.submit(page=service, helps=text, respondent="relative", channel="phone")
    Suggestion.objects.filter(pk=suggestion.pk).update(received_on=day, **changes)
    suggestion.refresh_from_db()
    return suggestion


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_export_has_a_row_per_suggestion_newest_day_first_with_every_column(
    client, organisation, facilitator, service, kind
):
    older = received(service, "Samma personal varje vecka.", datetime.date(2026, 3, 2))
    newer = received(service, "Mer tid hos mig.", datetime.date(2026, 5, 4), hinders="Stress.")
    actions.set_theme(suggestion=newer, theme="continuity")
    actions.set_status(suggestion=newer, status="not_possible", reason="Budgeten räcker inte.")
    actions.answer(suggestion=newer, text="Vi ser över schemat.")
    Suggestion.objects.filter(pk=older.pk).update(merged_into=newer)
    client.force_login(facilitator)

    rows = export(client, organisation, kind)

    assert len(rows[0]) == 17
    assert len(rows) == 3
    first, second = rows[1], rows[2]
    assert first[0] == newer.public_id.hex[:8]
    assert first[1:4] == ["Hemtjänst Norr", "Hemtjänst Norr", "2026-05-04"]
    assert first[9:12] == ["Inte möjligt", "Budgeten räcker inte.", "Vi ser över schemat."]
    assert first[14:16] == ["Mer tid hos mig.", "Stress."]
    assert second[0] == older.public_id.hex[:8]
    assert second[13] == newer.public_id.hex[:8]  # merged into
    assert second[14] == "Samma personal varje vecka."


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_text_that_looks_like_a_formula_is_written_as_text(client, organisation, facilitator, service, kind, start):
    formula = f'{start}HYPERLINK("http://example.com","Klicka")'
    stored = received(service, formula, datetime.date(2026, 5, 4), hinders=formula, reason=formula)
    assert stored.helps == formula  # as the action stored it
    client.force_login(facilitator)

    row = export(client, organisation, kind)[1]

    assert row[14] == row[15] == row[10] == "'" + formula
    assert not any(str(cell).startswith(start) for cell in row if cell)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_export_never_holds_contact_details_nor_another_organisations_suggestions(
    client, organisation, facilitator, service, other_page, kind
):
    actions.submit(page=service, helps="Ring mig.", respondent="relative", contact="anna.andersson@example.se")
    actions.submit(page=other_page, helps="Mer rastvakter.", respondent="service_user")
    client.force_login(facilitator)

    rows = export(client, organisation, kind)

    text = repr(rows)
    assert len(rows) == 2
    assert "anna.andersson" not in text
    assert "Mer rastvakter" not in text
    assert "Elevhälsan" not in text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_suggestion_whose_texts_were_deleted_is_exported_with_empty_texts(
    client, organisation, facilitator, service, kind
):
    # Texts left in the row on purpose: the file goes by the day they were deleted, whatever the row still holds.
    received(service, "Gammal text.", datetime.date(2024, 1, 8), text_removed_on=datetime.date(2026, 2, 1))
    client.force_login(facilitator)

    row = export(client, organisation, kind)[1]

    assert row[14] in ("", None)
    assert row[15] in ("", None)
    assert row[16] == "2026-02-01"
    assert "Gammal text." not in repr(row)


def test_the_export_costs_the_same_queries_for_2_and_12_suggestions(client, organisation, facilitator, service):
    client.force_login(facilitator)

    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as captured:
            export(client, organisation, "xlsx")
        return len(captured)

    for day in range(2):
        received(service, "Mer tid.", datetime.date(2026, 5, 1 + day))
    queries_for_export()  # the first request of a session also remembers the organisation in it
    few = queries_for_export()
    for day in range(10):
        merged = received(service, "Samma personal.", datetime.date(2026, 4, 1 + day))
        Suggestion.objects.filter(pk=merged.pk).update(merged_into=Suggestion.objects.order_by("pk").first())
    assert queries_for_export() == few


def test_an_unknown_export_kind_is_not_found(client, organisation, facilitator):
    client.force_login(facilitator)

    for path in ("export/forslag.ods", "export/forslag.pdf", "export/forslag/", "export/"):
        assert client.get(manage(organisation, path)).status_code == 404


def test_the_suggestions_list_links_both_exports(client, organisation, facilitator):
    client.force_login(facilitator)

    page = client.get(manage(organisation)).content.decode()

    assert f'href="{manage(organisation, "export/forslag.csv")}"' in page
    assert f'href="{manage(organisation, "export/forslag.xlsx")}"' in page


# Who may download -----------------------------------------------------------------------------------------------

FILES = ("affisch/a4.pdf", "affisch/a3.pdf", "affisch/qr.png")
EXPORTS = ("export/forslag.csv", "export/forslag.xlsx")


@pytest.mark.parametrize(
    ("role", "status"), [("facilitator", 200), ("org_admin", 200), ("employee", 403), ("outsider", 404)]
)
def test_who_may_download(client, organisation, service, request, role, status):
    client.force_login(request.getfixturevalue(role))

    for path in (*(f"sidor/{service.public_id}/{file}" for file in FILES), *EXPORTS):
        assert client.get(manage(organisation, path)).status_code == status, path


def test_a_visitor_is_sent_to_sign_in(client, organisation, service):
    for path in (*(f"sidor/{service.public_id}/{file}" for file in FILES), *EXPORTS):
        response = client.get(manage(organisation, path))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_another_organisations_page_is_not_found(client, organisation, facilitator, other_page):
    client.force_login(facilitator)

    for file in FILES:
        assert client.get(poster_path(organisation, other_page, file)).status_code == 404
