"""Brukarrösten's housekeeping in the background: the texts of old suggestions deleted at each organisation's
retention (`actions.remove_texts_past_retention`), once a day."""

from __future__ import annotations

import datetime

from tillit.core import personal_data
from tillit.core.background import periodic
from tillit.core.models import DataProtectionEvent
from tillit.voice import actions


@periodic(every=datetime.timedelta(days=1))
def remove_texts_past_retention() -> int:
    removed = actions.remove_texts_past_retention()
    if removed:
        personal_data.record(
            DataProtectionEvent.Kind.RETENTION, DataProtectionEvent.Channel.SCHEDULE, {"voice_texts": removed}
        )
    return removed
