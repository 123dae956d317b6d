"""Production settings come from the environment, and Django's deployment check is clean with them."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-of-plenty-length-and-variety-0123456789-abcdefghij",
    "DATA_KEY": "a-production-data-key-of-plenty-length-and-variety-0123456789-abcdefghijk",
    "ALLOWED_HOSTS": "tillit.example.se",
    "DATABASE_URL": "postgres://tillit@db.example.se:5432/tillit",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """manage.py in a clean environment: only what the production variables above say, nothing from the test run."""
    inherited = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deployment_check_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env={**PRODUCTION, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_data_key():
    result = run_manage("check", env={**PRODUCTION, "DATA_KEY": ""})

    assert result.returncode != 0
    assert "DATA_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", env={**PRODUCTION, "ALLOWED_HOSTS": ""})

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_collectstatic_gathers_the_layout_files_production_pages_need(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.contrib.staticfiles import finders; "
        "print(all(finders.find(p) for p in ['css/tillit.css', 'js/tillit.js', 'vendor/htmx-2.0.11.min.js']))",
        env=PRODUCTION,
    )

    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


def test_behind_a_proxy_the_number_of_proxies_must_be_given():
    result = run_manage("check", env={**PRODUCTION, "BEHIND_PROXY": "1"})

    assert result.returncode != 0
    assert "BEHIND_PROXY needs PROXY_COUNT" in result.stderr


def test_the_shared_cache_works_after_migrating(tmp_path):
    database = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'cache.sqlite3'}"}

    migrated = run_manage("migrate", "--noinput", env=database)
    used = run_manage(
        "shell",
        "-c",
        "from django.core.cache import cache; cache.set('probe', 42); print(cache.get('probe'))",
        env=database,
    )

    assert migrated.returncode == 0, migrated.stderr
    assert used.stdout.strip().splitlines()[-1] == "42", used.stderr
