"""Sending e-mail: one message to one person, or one message to many as blind copies.

Every part sends its invitations and reminders through these two functions, so that a mail server that fails is
handled the same way everywhere: the failure is logged as a warning that names nobody (neither the address nor the
error's text, which for a refused recipient holds the address) and the caller learns it as False. What to do then is
the caller's choice (organisations' invitations raise their error, a workshop's e-mails are logged and not retried).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, send_mail

logger = logging.getLogger(__name__)

FAILURES = (OSError, smtplib.SMTPException)


def send_one(subject: str, body: str, address: str) -> bool:
    """E-mail `address` from the site's address; False (and a warning that names nobody) when it cannot be sent."""
    try:
        send_mail(subject, body, None, [address])
    except FAILURES as error:
        logger.warning("An e-mail was not sent: %s", type(error).__name__)
        return False
    return True


def send_blind(subject: str, body: str, addresses: Iterable[str], *, even_if_none: bool = False) -> bool:
    """One message to the site's own address with `addresses` as blind copies, so that no recipient learns who else
    got it, nor how many. Nothing is sent when there is no address, unless `even_if_none`: then the one message goes
    all the same, so that neither the page nor the time it takes tells whether anyone was left to write to. False
    (and a warning that names nobody) when it cannot be sent; True when it went, or when there was nothing to send."""
    bcc = list(dict.fromkeys(address for address in addresses if address))
    if not bcc and not even_if_none:
        return True
    message = EmailMessage(subject, body, to=[settings.DEFAULT_FROM_EMAIL], bcc=bcc)
    try:
        message.send()
    except FAILURES as error:
        logger.warning("A blind-copied e-mail was not sent: %s", type(error).__name__)
        return False
    return True
