"""The restore drill (scripts/restore-drill) passes on the database engine this run uses: a backup of the demo,
restored into a new database, works with its keys and is refused under another DATA_KEY (issue 15, point 5)."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def test_a_backup_restores_into_a_working_database():
    if connection.vendor == "postgresql":
        server = connection.settings_dict
        target = f"postgres://{server['USER']}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}/postgres"
    else:
        target = "sqlite"
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "scripts/restore-drill", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "refused (tillit.E001)" in result.stdout
    assert "personal link 200" in result.stdout
    assert "Restore drill passed" in result.stdout
