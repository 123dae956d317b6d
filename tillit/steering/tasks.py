"""Styrsignaler's background work (django-tasks, see tillit.core.background)."""

from __future__ import annotations

import datetime

from tillit.core.background import periodic
from tillit.steering import actions

SEAL_EVERY = datetime.timedelta(minutes=10)


@periodic(every=SEAL_EVERY)
def seal_due_campaigns() -> dict[str, int]:
    """Seal the rating campaigns whose closing date has passed, so that their analysis opens without anyone closing
    them."""
    done = actions.seal_due_campaigns()
    return {"sealed": done.sealed, "failed": done.failed}
