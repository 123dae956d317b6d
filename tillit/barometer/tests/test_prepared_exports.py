"""A region's results files are prepared in the background and served from the database (issue 14, target 4): the
request never builds them, the file served is the one the reader would have been given at once, for their scope and
language, and a failed or lost build is started again."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from tillit.barometer import exporting, tasks
from tillit.barometer.models import PreparedExport
from tillit.barometer.tests.test_exports import csv_url, xlsx_url

pytestmark = pytest.mark.django_db

WAITING = "förbereds i bakgrunden"


@pytest.fixture
def large(monkeypatch):
    """Every file counts as a region's: prepared in the background."""
    monkeypatch.setattr(exporting, "INLINE_ROWS", 0)


def enqueued_builds() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=tasks.prepare_export.module_path, status=TaskResultStatus.READY))


def build_everything_enqueued() -> None:
    for build in enqueued_builds():
        tasks.prepare_export.call(*build.args_kwargs["args"])
        DBTaskResult.objects.filter(pk=build.pk).update(status=TaskResultStatus.SUCCESSFUL)


def results_sheet(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content))["Resultat"].iter_rows(values_only=True))


def test_a_large_file_is_prepared_in_the_background_and_then_served(
    client, facilitator, closed_round, large, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(xlsx_url(closed_round))
    again = client.get(xlsx_url(closed_round), headers={"HX-Request": "true"})

    assert waiting.status_code == 202
    assert WAITING in waiting.content.decode()
    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    assert again.status_code == 202
    assert len(enqueued_builds()) == 1  # asking again does not enqueue again

    build_everything_enqueued()
    ready = client.get(xlsx_url(closed_round), headers={"HX-Request": "true"})
    served = client.get(xlsx_url(closed_round))

    assert ready.status_code == 200
    assert "Ladda ner XLSX-filen" in ready.content.decode()
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment;")
    with_inline = exporting.results_file(closed_round, "xlsx", None)
    assert results_sheet(served.content) == results_sheet(with_inline)


def test_a_manager_is_served_the_file_of_their_own_units(
    client, manager, facilitator, closed_round, large, django_capture_on_commit_callbacks
):
    for reader in (facilitator, manager):
        client.force_login(reader)
        with django_capture_on_commit_callbacks(execute=True):
            client.get(csv_url(closed_round))
    build_everything_enqueued()

    client.force_login(manager)
    served = client.get(csv_url(closed_round))
    scopes = set(PreparedExport.objects.values_list("scope", flat=True))

    assert len(scopes) == 2
    assert "Socialförvaltningen / Hemtjänst Norr" in served.content.decode("utf-8")
    assert "Organisation" not in served.content.decode("utf-8")


def test_an_english_reader_gets_a_file_of_their_own(
    client, facilitator, closed_round, large, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.get(csv_url(closed_round))
    build_everything_enqueued()

    served = client.get(csv_url(closed_round)).content.decode("utf-8")

    assert PreparedExport.objects.get().language == "en"
    assert "Respondents" in served


def test_a_failed_build_is_started_again_when_the_file_is_asked_for(
    client, facilitator, closed_round, large, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(xlsx_url(closed_round))

    def broken(*args, **kwargs):
        raise RuntimeError("the writer broke")

    monkeypatch.setattr(exporting, "results_file", broken)
    with pytest.raises(RuntimeError):
        build_everything_enqueued()
    assert PreparedExport.objects.get().status == PreparedExport.Status.FAILED
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        failed = client.get(xlsx_url(closed_round), headers={"HX-Request": "true"})

    assert "kunde inte förberedas" in failed.content.decode()
    assert PreparedExport.objects.get().status == PreparedExport.Status.BUILDING
    assert len(enqueued_builds()) == 1
    monkeypatch.undo()
    build_everything_enqueued()
    assert PreparedExport.objects.get().status == PreparedExport.Status.READY


def test_a_lost_build_is_started_again_after_its_lease(
    client, facilitator, closed_round, large, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(xlsx_url(closed_round))
    DBTaskResult.objects.all().delete()  # the worker died with it
    PreparedExport.objects.update(requested_at=timezone.now() - datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        client.get(xlsx_url(closed_round))

    assert len(enqueued_builds()) == 1


def test_a_small_file_is_built_within_the_request(client, facilitator, closed_round):
    client.force_login(facilitator)
    response = client.get(xlsx_url(closed_round))

    assert response.status_code == 200
    assert not PreparedExport.objects.exists()
