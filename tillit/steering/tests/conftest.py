"""What the Styrsignaler tests share: messages in English (the msgids), and a client that reads pages in English."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _in_english():
    """Messages of actions in English (the msgids), whatever the Swedish catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def english(client):
    """Pages in English (the msgids), so the tests do not depend on the Swedish catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
