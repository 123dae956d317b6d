import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def test_health_answers_ok_when_the_database_answers(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_exempt_from_the_https_redirect():
    assert any(re.match(pattern, "health/") for pattern in settings.SECURE_REDIRECT_EXEMPT)


def test_the_accessibility_statement_is_linked_from_every_page(client):
    login = client.get(reverse("accounts:login")).content.decode()
    statement = client.get(reverse("accessibility")).content.decode()

    assert f'href="{reverse("accessibility")}"' in login
    assert "Tillgänglighetsredogörelse för Tillit" in statement


def test_pages_send_a_content_security_policy_without_inline_scripts(client):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_templates_carry_no_inline_script_or_style_and_no_other_host():
    offenders = []
    for template in ROOT.glob("tillit/**/templates/**/*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)", text) or re.search(r"\sstyle=|<style", text):
            offenders.append(f"{template}: inline script or style")
        for match in re.finditer(r'(?:src|action)="https?://[^"]+"|<link[^>]+href="https?://[^"]+"', text):
            offenders.append(f"{template}: loads {match.group(0)}")
    assert offenders == []


def test_links_to_other_sites_are_only_plain_links(client):
    body = client.get(reverse("accessibility")).content.decode()

    assert re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="https?://', body) == []


def test_the_interface_is_swedish_by_default_and_english_on_request(client):
    swedish = client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    english = client.get(reverse("accounts:login")).content.decode()

    assert '<html lang="sv"' in swedish
    assert "Logga in i Tillit" in swedish
    assert '<html lang="en"' in english
    assert "Sign in to Tillit" in english


def test_unknown_pages_get_the_swedish_not_found_page(client):
    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()


def test_a_server_error_shows_a_calm_page(rf):
    from tillit.core.views import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


def test_the_bare_view_touches_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get(reverse("bare"))

    assert response.content == b"ok"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pragmas apply to the SQLite run only")
def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    from django.db import connections
    from django.db.backends.sqlite3.base import DatabaseWrapper

    settings_dict = {**connections["default"].settings_dict, "NAME": str(tmp_path / "wal.sqlite3")}
    wrapper = DatabaseWrapper(settings_dict, alias="wal-check")
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    wrapper.close()

    assert mode == "wal"
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_connections_are_health_checked():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_an_english_browser_still_gets_swedish_until_the_person_chooses(client):
    body = client.get(reverse("accounts:login"), headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()

    assert '<html lang="sv"' in body


def test_an_expired_form_gets_a_swedish_page_in_the_layout():
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post(reverse("accounts:login"), {"username": "a@b.example", "password": "x"})

    assert response.status_code == 403
    body = response.content.decode()
    assert "Formuläret har gått ut" in body
    assert "<style" not in body


def test_the_error_page_renders_without_the_database(rf, django_assert_num_queries):
    from tillit.core.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))

    assert response.status_code == 500


def test_a_signed_in_person_sent_back_to_sign_in_is_not_caught_in_a_loop(client, employee):
    client.force_login(employee)

    response = client.get(reverse("accounts:login") + "?next=" + reverse("accounts:login"))

    assert response.status_code == 302
    assert response["Location"] != reverse("accounts:login")


def test_ready_answers_ready_when_migrated_and_keyed(client):
    response = client.get(reverse("ready"))

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_ready_says_what_is_missing_under_another_data_key(client, settings):
    from tillit.core.keys import record_data_key

    record_data_key()
    settings.DATA_KEY = "another-data-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMN"
    response = client.get(reverse("ready"))

    assert response.status_code == 503
    assert response.json()["problems"] == ["database written with another DATA_KEY"]
