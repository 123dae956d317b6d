"""Who may run Brukarrösten: process leaders and administrators of the organisation. The public page needs no
account (the poster's code is the way in) and is outside the door, like the barometer's answering pages: it shows
nothing of the organisation but the service's name.

| permission | process leader, administrator | other member | anyone else |
| --- | --- | --- | --- |
| `voice.manage` (the list of pages and suggestions, opening a page, entering a suggestion received on paper or by phone, reviewing, themes, status, answering) | yes | 403 | 404 / sign in |
| `voice.manage`: merging similar suggestions and taking them apart, the proposed pairs (`/o/<slug>/brukarrosten/liknande/`), linking a suggestion to a workshop's effect or activity | yes | 403 | 404 / sign in |
| `voice.manage`: the overview (`/o/<slug>/brukarrosten/oversikt/`: suggestions per month by theme, channel, status and unit, per unit and status, time to answer) | yes | 403 | 404 / sign in |

Asked at the organisation's door (`ORGANISATION`, `/o/<slug>/brukarrosten/…`); a page or suggestion of another
organisation is 404 (`get_in_organisation`).

The overview's counts need no anonymity threshold: each suggestion is already an anonymous text that the same reader
reads in full, with its service, theme, channel, status and day, and no person or account is stored with it; counting
them tells nothing the list does not. They are declared `NotAFigure` (`voice/overview.py`), as counts of statements
and cards are, not passed through `privacy.count`.
"""

from __future__ import annotations

import rules

from tillit.organisations.permissions import is_facilitator

__all__ = ["MANAGE"]

MANAGE = "voice.manage"

rules.add_perm(MANAGE, is_facilitator)
