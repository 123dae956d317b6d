"""The downloads of a meeting's results: CSV with the formula guard and hidden figures as empty cells, and PDF;
both read the same figures as the results page, and only process leaders and administrators get them."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import actor_group
from tillit.live import actions, afterwards, exporting, report_pdf
from tillit.live.models import Activity
from tillit.live.tests.meetings import english, finished_meeting
from tillit.organisations.models import ActorGroup

pytestmark = pytest.mark.django_db

Kind = Activity.Kind


@pytest.fixture
def meeting(organisation):
    return finished_meeting(organisation)


def url(name, session):
    return reverse(f"live:{name}", kwargs={"session": session.public_id})


def rows_of(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # Excel reads UTF-8 only with a byte-order mark
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def find(rows, *, activity, table=None, row=None, column=None):
    """The value cells of the rows that match (columns: no., activity, kind, table, row, column, measure, value)."""
    return [
        line[7]
        for line in rows[1:]
        if line[1] == activity
        and (table is None or line[3] == table)
        and (row is None or line[4] == row)
        and (column is None or line[5] == column)
    ]


def test_the_csv_holds_every_figure_of_the_page(client, facilitator, meeting, organisation):
    english(client).force_login(facilitator)

    response = client.get(url("export_csv", meeting.session))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="forum-{meeting.session.ended_on.isoformat()}.csv"'
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    rows = rows_of(response.content)
    assert rows[0] == ["No.", "Activity", "Kind", "Table", "Row", "Column", "Measure", "Value"]
    poll = "Vad tar mest tid?"
    assert find(rows, activity=poll, row="", column="Participants who answered") == ["13"]
    assert find(rows, activity=poll, table="Everyone who answered", row="Rapporter") == ["7", "54"]
    assert find(rows, activity="Hur stort är förtroendet?", column="Mean", row="") == ["2,9"]
    politicians = actor_group(organisation, ActorGroup.Key.POLITICIAN).name
    assert find(rows, activity=poll, table="By actor group", row=politicians) == ["6", "100", "0"]
    assert find(rows, activity="Ett ord för tillit", row="tillit") == ["13"]
    assert find(rows, activity="Frågor till panelen", row="Vilken uppföljning kan vi sluta med?") == ["1", "11", "no"]
    assert not [line for line in rows if "Vem tar kaffet?" in line]  # rejected: never shown


def test_text_typed_by_people_cannot_become_a_formula(client, facilitator, organisation):
    meeting = finished_meeting(organisation, end=False)
    actions.add_activity(meeting.session, kind=Kind.SCALE, prompt="+HYPERLINK(1)")
    english(client).force_login(facilitator)

    rows = rows_of(client.get(url("export_csv", meeting.session)).content)

    assert find(rows, activity="Vad tar mest tid?", table="Everyone who answered", row="'=Möten") == ["6", "46"]
    assert find(rows, activity="Vad tar mest tid?", table="By level", column="'=Möten")  # a column's heading too
    assert find(rows, activity="'+HYPERLINK(1)")  # the prompt
    assert not any(cell[:1] in "=+-@" and cell for line in rows for cell in line if not cell[:1].isdigit())


def test_a_hidden_figure_is_an_empty_cell(client, facilitator, meeting):
    english(client).force_login(facilitator)

    rows = rows_of(client.get(url("export_csv", meeting.session)).content)

    assert find(rows, activity="Nästan ingen svarade") == [""]  # answered by three: only the empty count
    assert find(rows, activity="Aldrig startad") == ["", ""]  # its count and its mean
    assert not find(rows, activity="Nästan ingen svarade", row="Ja")


def test_the_page_and_the_csv_read_the_same_tables(meeting):
    shown = afterwards.meeting_results(meeting.session)
    with translation.override("en"):
        rows = exporting.rows(shown)

    table_rows = sum(
        len(table.rows) * len(table.columns) for a in shown.activities for table in (a.whole, *a.breakdowns) if table
    )
    facts = len(shown.activities) + sum(1 for a in shown.activities if a.publication.kind == Kind.SCALE)
    assert len(rows) == 1 + facts + table_rows


def test_the_pdf_has_every_activity_and_prints_hidden_figures_as_a_dash(client, facilitator, meeting):
    english(client).force_login(facilitator)

    response = client.get(url("export_pdf", meeting.session))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    with translation.override("en"):
        pdf = report_pdf.results_pdf(afterwards.meeting_results(meeting.session), compress=False)
    for text in ("Vad tar mest tid?", "Hur väl fungerar", "Nästan ingen svarade", "54 %", "Vilken uppföljning"):
        assert shows(pdf, text), text
    assert shows(pdf, "Fewer than 5 participants answered before the last release, so nothing is shown.")
    assert not shows(pdf, "Vem tar kaffet?")


def shows(pdf: bytes, text: str) -> bool:
    """Whether `text` is written on a page: a PDF string in the core fonts' code page, brackets escaped."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"({escaped}".encode("cp1252") in pdf or escaped.encode("cp1252") in pdf


def test_a_meeting_without_activities_exports_too(client, facilitator, organisation):
    session = actions.create_session(organisation=organisation, title="Tom")
    client.force_login(facilitator)

    assert rows_of(client.get(url("export_csv", session)).content)[1:] == []
    assert client.get(url("export_pdf", session)).content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["export_csv", "export_pdf"])
@pytest.mark.parametrize(("role", "status"), [("employee", 403), ("politician", 403), ("outsider", 404)])
def test_only_process_leaders_and_administrators_download(client, meeting, name, role, status, request):
    client.force_login(request.getfixturevalue(role))

    assert client.get(url(name, meeting.session)).status_code == status


@pytest.mark.parametrize("name", ["export_csv", "export_pdf"])
def test_another_organisations_meeting_is_not_found(client, outsider, other_organisation, name, organisation):
    theirs = finished_meeting(other_organisation, title="Deras möte")
    ours = finished_meeting(organisation)
    client.force_login(outsider)

    assert client.get(url(name, theirs.session)).status_code == 200  # their own administrator
    assert client.get(url(name, ours.session)).status_code == 404


@pytest.mark.parametrize("name", ["export_csv", "export_pdf"])
def test_without_signing_in_one_is_sent_to_sign_in(client, meeting, name):
    response = client.get(url(name, meeting.session))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_wide_breakdown_is_split_across_tables_in_the_pdf(organisation):
    session = actions.create_session(organisation=organisation, title="Bred skala")
    scale = actions.add_activity(session, kind=Kind.SCALE, prompt="Från noll till tio", scale=(0, 10))
    actions.show(session, scale)
    for number in range(12):
        key = ActorGroup.Key.POLITICIAN if number < 6 else ActorGroup.Key.EMPLOYEE
        phone = actions.join(session, token=f"bred-{number}", actor_group=actor_group(organisation, key))
        actions.answer(scale, phone, value=number % 11)
    actions.lock(scale)

    with translation.override("en"):
        pdf = report_pdf.results_pdf(afterwards.meeting_results(session), compress=False)

    assert shows(pdf, "By actor group (part 1 of 2)")
    assert shows(pdf, "By actor group (part 2 of 2)")
