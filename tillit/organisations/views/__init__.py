"""The organisation's screens, one module per subject.

- `start`: the way in (home, choosing an organisation, the start page) and the organisation's settings;
- `units`: the unit tree and a unit's page, creating, renaming, moving, closing and reopening units;
- `levels`: the levels of the steering chain and the actor groups, the two lists people are placed by;
- `people`: the people list, adding, changing, removing and inviting people, and the CSV import;
- `invitations`: the page where someone who already has an account answers an invitation.

Every page of an organisation goes through the one door, `through(ORGANISATION, permission)`, and receives the
requester's `Access`; rows inside the organisation are fetched with `get_in_organisation` (404 for any other).
"""
