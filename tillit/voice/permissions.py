"""Who may run Brukarrösten: process leaders and administrators of the organisation. The public page needs no
account (the poster's code is the way in) and is outside the door, like the barometer's answering pages: it shows
nothing of the organisation but the service's name.

| permission | process leader, administrator | other member | anyone else |
| --- | --- | --- | --- |
| `voice.manage` (the list of pages and suggestions, opening a page, entering a suggestion received on paper or by phone, reviewing, themes, status, answering) | yes | 403 | 404 / sign in |

Asked at the organisation's door (`ORGANISATION`, `/o/<slug>/brukarrosten/…`); a page or suggestion of another
organisation is 404 (`get_in_organisation`).
"""

from __future__ import annotations

import rules

from tillit.organisations.permissions import is_facilitator

__all__ = ["MANAGE"]

MANAGE = "voice.manage"

rules.add_perm(MANAGE, is_facilitator)
