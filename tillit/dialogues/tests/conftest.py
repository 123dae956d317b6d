import datetime

import pytest
from django.utils import timezone

from tillit.dialogues import actions
from tillit.dialogues.models import Dialogue

SEEDS = [
    "Brukarna ska få träffa samma personal varje vecka.",
    "Vi behöver mindre dokumentation och mer tid hos brukaren.",
    "Brukaren ska själv få välja tid för besöket.",
]


def make_dialogue(organisation, facilitator, **fields) -> Dialogue:
    today = timezone.localdate()
    values = {
        "question": "Vad skapar ett gott möte i hemtjänsten?",
        "background": "Vi vill veta vad som gör skillnad för brukarna.",
        "access": Dialogue.Access.INTERNAL,
        "opens_on": today - datetime.timedelta(days=1),
        "closes_on": today + datetime.timedelta(days=13),
        "seed_statements": SEEDS,
    }
    values.update(fields)
    return actions.create_dialogue(organisation=organisation, created_by=facilitator.memberships.get(), **values)


@pytest.fixture
def dialogue(organisation, facilitator) -> Dialogue:
    """An internal dialogue of Norrby, open now, with three seed statements."""
    return make_dialogue(organisation, facilitator)


@pytest.fixture
def open_dialogue(organisation, facilitator) -> Dialogue:
    """An open dialogue of Norrby (anyone with the link), with live results."""
    return make_dialogue(organisation, facilitator, access=Dialogue.Access.OPEN, live_results=True)
