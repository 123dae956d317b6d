"""Dialogue screens, thin function views behind the one door (`permissions.DIALOGUE`, or `ORGANISATION` for the
organisation's list), split by who uses them:

- `organisation`: the organisation's list of dialogues and creating one;
- `taking_part`: the participant's page, one statement at a time (works without JavaScript; htmx swaps the card),
  joining, voting, adding and reporting statements;
- `managing`: the process leader's moderation, settings, seed statements, merging, and bringing a statement into a
  workshop;
- `results`: the results page, its poll, and the CSV and PDF exports.

Every view: the door, a form for what it reads, one action or query, render.
"""
