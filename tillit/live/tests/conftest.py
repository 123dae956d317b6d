"""What the live part's tests share: a meeting of the organisation, and a client that reads pages in English."""

from __future__ import annotations

import pytest
from django.conf import settings

from tillit.live import actions
from tillit.live.models import LiveSession


@pytest.fixture
def english(client):
    """Pages in English (the msgids), so the tests do not depend on the Swedish catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def session(organisation) -> LiveSession:
    return actions.create_session(organisation=organisation, title="Forum Tillit")
