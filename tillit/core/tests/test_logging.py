"""Personal links' secrets never reach the log."""

import logging

from tillit.core.logging import HideLinkSecrets, hide_secrets

PATH = "/b/1b4e28ba-2fa1-11d2-883f-0016d3cca427/svar/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c/"


def test_the_token_of_a_personal_link_is_blanked():
    assert "9f86d081" not in hide_secrets(f"Bad Request: {PATH}")
    assert "/b/1b4e28ba-2fa1-11d2-883f-0016d3cca427/svar/…/" in hide_secrets(f"Bad Request: {PATH}")


def test_the_token_of_a_rating_campaigns_personal_link_is_blanked():
    campaign_link = "/k/1b4e28ba-2fa1-11d2-883f-0016d3cca427/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c/"

    assert hide_secrets(f"Not Found: {campaign_link}") == "Not Found: /k/1b4e28ba-2fa1-11d2-883f-0016d3cca427/…/"


def test_the_filter_rewrites_a_django_request_record():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (PATH,), None)
    record.request = object()
    assert HideLinkSecrets().filter(record)
    assert "9f86d081" not in record.getMessage()
    assert record.request is None


def test_other_messages_pass_unchanged():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/o/norrby/",), None)
    HideLinkSecrets().filter(record)
    assert record.getMessage() == "Not Found: /o/norrby/"


def test_json_lines_carry_the_message_without_the_secret_or_the_request():
    import json

    from tillit.core.logging import JsonLines

    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (PATH,), None)
    record.request = object()
    HideLinkSecrets().filter(record)
    try:
        raise ValueError(f"broken at {PATH}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = JsonLines().format(record)

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "django.request"
    assert entry["message"].startswith("Not Found: /b/")
    assert "9f86d081" not in line
    assert "ValueError" in entry["exception"]
    assert set(entry) == {"time", "level", "logger", "message", "exception"}
