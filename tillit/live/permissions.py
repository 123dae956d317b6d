"""Who may run a live meeting: process leaders and administrators of the organisation prepare it, present it on the
big screen, moderate it and read and export its results. Participants need no account: the six-digit code (or the
QR code on the screen) is the way in, outside the door, like Brukarrösten's public page.

| permission | process leader, administrator | other member | anyone else |
| --- | --- | --- | --- |
| `live.manage` (the list of meetings, creating one, the agenda, the big screen, moderating, results, exports, sending answers on) | yes | 403 | 404 / sign in |
| joining with the code, answering, asking and voting questions up (`/l/…`) | yes | yes | yes (no account) |

Meetings and activities are fetched by their public id within the organisation (`SESSION`, `get_in_organisation`);
another organisation's meeting is 404.
"""

from __future__ import annotations

import rules

from tillit.live.models import LiveSession
from tillit.organisations.door import Door, by_public_id, organisation_of
from tillit.organisations.permissions import is_facilitator, is_member

__all__ = ["ENTER", "MANAGE", "SESSION"]

ENTER = "live.enter"  # know that a meeting exists (members: others see 404)
MANAGE = "live.manage"

rules.add_perm(ENTER, is_member)
rules.add_perm(MANAGE, is_facilitator)

SESSION: Door[LiveSession] = Door(
    url_kwarg="session",
    find=by_public_id(LiveSession),
    organisation=organisation_of,
    enter=ENTER,
    participants_are_inside=False,
)
