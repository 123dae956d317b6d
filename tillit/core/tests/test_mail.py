"""The shared e-mail helpers: one message to one person, one message to many as blind copies, and failures that are
logged without naming anyone."""

from __future__ import annotations

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from tillit.core.mail import send_blind, send_one

ADDRESSES = ["anna@norrby.example", "bertil@norrby.example", "cecilia@norrby.example"]


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient, naming them in its error as smtplib does."""

    def send_messages(self, email_messages):
        for message in email_messages:
            refused = dict.fromkeys(message.recipients(), (550, b"No such user"))
            raise smtplib.SMTPRecipientsRefused(refused)
        return 0


@pytest.fixture
def refusing_server(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"


@pytest.fixture
def unreachable_server(settings):
    # Port 9 (discard) on loopback: nothing listens, so the SMTP connection is refused (an OSError).
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, False, 2


def test_one_message_to_one_address_from_the_site(settings):
    assert send_one("Ämne", "Text", "anna@norrby.example") is True
    [message] = mail.outbox
    assert (message.subject, message.body, message.to, message.bcc) == ("Ämne", "Text", ["anna@norrby.example"], [])
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_the_blind_message_goes_to_the_site_with_everyone_else_hidden(settings):
    assert send_blind("Påminnelse", "Text", iter(ADDRESSES)) is True
    [message] = mail.outbox
    assert message.to == [settings.DEFAULT_FROM_EMAIL]
    assert message.bcc == ADDRESSES
    assert message.cc == []
    # Blind copies never reach the headers any recipient sees.
    headers = message.message().as_string()
    assert not any(address in headers for address in ADDRESSES)


def test_an_address_twice_or_empty_is_written_to_once():
    send_blind("Ämne", "Text", ["anna@norrby.example", "", "anna@norrby.example", "bertil@norrby.example"])
    assert mail.outbox[0].bcc == ["anna@norrby.example", "bertil@norrby.example"]


def test_nothing_is_sent_to_nobody_unless_asked():
    assert send_blind("Ämne", "Text", []) is True
    assert mail.outbox == []
    assert send_blind("Ämne", "Text", [""], even_if_none=True) is True
    assert [(message.bcc, message.to != []) for message in mail.outbox] == [([], True)]


@pytest.mark.parametrize("server", ["refusing_server", "unreachable_server"])
def test_a_failure_is_false_and_logged_without_naming_anyone(request, server, caplog):
    request.getfixturevalue(server)
    with caplog.at_level(logging.WARNING, logger="tillit.core.mail"):
        assert send_one("Ämne", "Text", "anna@norrby.example") is False
        assert send_blind("Ämne", "Text", ADDRESSES) is False
    assert len(caplog.records) == 2
    assert all(record.levelno == logging.WARNING for record in caplog.records)
    logged = caplog.text
    assert not any(address in logged for address in ADDRESSES)
    assert "norrby" not in logged
