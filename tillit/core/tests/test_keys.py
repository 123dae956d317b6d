"""The database remembers its data key, and the database check refuses to run it with another (issue 15, point 2)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tillit.core.keys import record_data_key
from tillit.core.models import DataKeyFingerprint
from tillit.core.tokens import key_fingerprint

pytestmark = pytest.mark.django_db

OLD_KEY = "the-data-key-the-database-was-written-with-0123456789-abcdefghijklmn"
NEW_KEY = "the-data-key-after-rotation-0123456789-abcdefghijklmnopqrstuvwxyz-01"


def check_database() -> str:
    output = io.StringIO()
    call_command("check", databases=["default"], stdout=output, stderr=output)
    return output.getvalue()


@pytest.fixture
def written_with_old_key(settings):
    settings.DATA_KEY = OLD_KEY
    DataKeyFingerprint.objects.all().delete()
    record_data_key()


def test_migrating_records_the_key_the_database_is_written_with():
    from django.conf import settings

    assert DataKeyFingerprint.objects.get().fingerprint == key_fingerprint(settings.DATA_KEY)


def test_the_check_passes_with_the_key_the_database_was_written_with(written_with_old_key):
    assert "no issues" in check_database()


def test_the_check_refuses_a_database_restored_with_another_key(written_with_old_key, settings):
    settings.DATA_KEY = NEW_KEY

    with pytest.raises(SystemCheckError, match=r"tillit\.E001"):
        check_database()


def test_the_check_asks_to_rekey_while_the_old_key_is_a_fallback(written_with_old_key, settings):
    settings.DATA_KEY, settings.DATA_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]

    assert "tillit.W001" in check_database()
    call_command("rekey_data", stdout=io.StringIO())
    assert DataKeyFingerprint.objects.get().fingerprint == key_fingerprint(NEW_KEY)
    assert "no issues" in check_database()
