"""What the Styrsignaler tests share: a client that reads pages in English."""

from __future__ import annotations

import pytest
from django.conf import settings


@pytest.fixture
def english(client):
    """Pages in English (the msgids), so the tests do not depend on the Swedish catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
