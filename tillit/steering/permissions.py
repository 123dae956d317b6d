"""Who may do what with Styrsignaler. The catalogue, the analysis of a sealed campaign and the tidstjuvar's results
are open to every member (openness: those who carry the burden see what is counted and what became of it);
changing anything is for process leaders and administrators. Rating is through a personal link, outside the door,
like the barometer's answering pages.

| permission | process leader, administrator | other member | anyone else |
| --- | --- | --- | --- |
| `steering.read` (the catalogue, a signal, the campaigns' list, a sealed campaign's analysis and its CSV and XLSX, the owners' list, the tidstjuvar's results page, reporting a tidstjuv) | yes | yes | 404 / sign in |
| `steering.manage` (adding, changing, deleting and importing signals and owners; creating, opening, reminding and closing a campaign; triaging tidstjuvar and reading who reported one; the owners' exports; opening a Samtal with an owner) | yes | 403 | 404 / sign in |
| rating a campaign's signals (`/k/<campaign>/…`) | with the personal link | with the personal link | with the personal link |

Signals, owners, campaigns and tidstjuvar are fetched by their public id within the organisation (the doors below,
`get_in_organisation`); another organisation's is 404.
"""

from __future__ import annotations

import rules

from tillit.organisations.door import Door, by_public_id, organisation_of
from tillit.organisations.permissions import is_facilitator, is_member
from tillit.steering.models import Campaign, Owner, Signal, TimeThief

__all__ = ["CAMPAIGN", "MANAGE", "OWNER", "READ", "SIGNAL", "TIME_THIEF"]

READ = "steering.read"
MANAGE = "steering.manage"

rules.add_perm(READ, is_member)
rules.add_perm(MANAGE, is_facilitator)

SIGNAL: Door[Signal] = Door(
    url_kwarg="signal", find=by_public_id(Signal, "owner"), organisation=organisation_of, enter=READ
)
OWNER: Door[Owner] = Door(url_kwarg="owner", find=by_public_id(Owner), organisation=organisation_of, enter=READ)
CAMPAIGN: Door[Campaign] = Door(
    url_kwarg="campaign", find=by_public_id(Campaign), organisation=organisation_of, enter=READ
)
TIME_THIEF: Door[TimeThief] = Door(
    url_kwarg="time_thief", find=by_public_id(TimeThief), organisation=organisation_of, enter=READ
)
