"""Who may see, take part in, lead and read a dialogue: the `DIALOGUE` door and the dialogue's permissions, as
django-rules predicates over the door's `Access` (`tillit.organisations.door`).

A dialogue is reached by its public id (`/s/<uuid>/…`). An internal dialogue takes the members of its organisation;
an open one anyone with the link, whose participation lives in a cookie holding a random token (only its hash is
stored). A member's participation in an internal dialogue is found by a keyed hash of the dialogue and the
membership (`queries.member_token_hash`), so the participant row names nobody. Process leaders and administrators of
the organisation lead (moderate) the dialogue. Someone who takes part without a membership does not count as inside
(`participants_are_inside=False`): where they lack a permission they are answered as an outsider.

| permission | process leader, administrator | other member | anyone else, open dialogue | anyone else, internal |
| --- | --- | --- | --- | --- |
| `dialogues.list_dialogues` (the organisation's list) | yes | yes | 404 / sign in | 404 / sign in |
| `dialogues.create_dialogue` | yes | 403 | 404 / sign in | 404 / sign in |
| `dialogues.view_dialogue` (the participant's page) | yes | yes | yes | 404 / sign in |
| `dialogues.take_part` (join) | yes | yes | yes | 404 / sign in |
| `dialogues.vote` | joined | joined | joined | 404 / sign in |
| `dialogues.add_statement` | joined | joined | joined | 404 / sign in |
| `dialogues.report_statement` | joined | joined | joined | 404 / sign in |
| `dialogues.moderate` (manage, edit, seed, moderate, merge, close now, e-mail invitation and reminder) | yes | 403 | 404 / sign in | 404 / sign in |
| `dialogues.promote_statement` (into a workshop) | yes | 403 | 404 / sign in | 404 / sign in |
| `dialogues.read_results` | results open | joined, results open | joined, results open | 404 / sign in |
| `dialogues.export_results` (CSV, PDF) | results open | joined, results open | joined, results open | 404 / sign in |

The first two are asked at the organisation's door (`ORGANISATION`, `/o/<slug>/dialogues/`), the others at the
dialogue's (`DIALOGUE`). "404 / sign in": 404 for someone signed in, the sign-in page for a visitor who is not; a dialogue that does not exist
is 404 for everyone (a participant's link may be mistyped). "Joined": has a participation in the dialogue; those
who have not joined yet are sent back to the dialogue's page with a message to join first. "Results open": once the
dialogue has closed, or at once if the process leader chose live results before it opened; before that, and for
those who have not taken part, the results pages and exports answer with the one refusal of results that are not
open (`tillit.reports.refusals`, 403). Whether the dialogue is open for votes now is the actions' check, with its own
message.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tillit.dialogues import queries
from tillit.dialogues.models import Dialogue, DialogueParticipant
from tillit.organisations.door import Access, Door, by_public_id, organisation_of
from tillit.organisations.models import Membership
from tillit.organisations.permissions import is_facilitator, is_member

__all__ = [
    "ADD_STATEMENT",
    "CREATE_DIALOGUE",
    "DIALOGUE",
    "EXPORT_RESULTS",
    "LIST_DIALOGUES",
    "MODERATE",
    "PROMOTE_STATEMENT",
    "READ_RESULTS",
    "REPORT_STATEMENT",
    "TAKE_PART",
    "VIEW_DIALOGUE",
    "VOTE",
    "DialogueAccess",
    "remember_token",
    "token_cookie_name",
]

LIST_DIALOGUES = "dialogues.list_dialogues"
CREATE_DIALOGUE = "dialogues.create_dialogue"
VIEW_DIALOGUE = "dialogues.view_dialogue"
TAKE_PART = "dialogues.take_part"
VOTE = "dialogues.vote"
ADD_STATEMENT = "dialogues.add_statement"
REPORT_STATEMENT = "dialogues.report_statement"
MODERATE = "dialogues.moderate"
PROMOTE_STATEMENT = "dialogues.promote_statement"
READ_RESULTS = "dialogues.read_results"
EXPORT_RESULTS = "dialogues.export_results"

PARTICIPATION_COOKIE_PREFIX = "samtal_"
PARTICIPATION_COOKIE_DAYS = 90  # after the dialogue closes

DialogueAccess = Access[Dialogue]


# Predicates -------------------------------------------------------------------------------------------------------


@rules.predicate
def is_open_to_anyone(access: DialogueAccess) -> bool:
    """An open dialogue: anyone with the link may take part, without an account."""
    return access.target.access == Dialogue.Access.OPEN


@rules.predicate
def is_participant(access: DialogueAccess) -> bool:
    """Has joined the dialogue (a member's participation, or the cookie's in an open dialogue)."""
    return access.participant is not None


@rules.predicate
def results_are_open(access: DialogueAccess) -> bool:
    """Figures open once the dialogue closes, or at once if it shows them live (`Dialogue.results_are_open`)."""
    return access.target.results_are_open


may_view = is_member | is_open_to_anyone
may_read_results = (is_facilitator | is_participant) & results_are_open

rules.add_perm(LIST_DIALOGUES, is_member)
rules.add_perm(CREATE_DIALOGUE, is_facilitator)
rules.add_perm(VIEW_DIALOGUE, may_view)
rules.add_perm(TAKE_PART, may_view)
rules.add_perm(VOTE, is_participant)
rules.add_perm(ADD_STATEMENT, is_participant)
rules.add_perm(REPORT_STATEMENT, is_participant)
rules.add_perm(MODERATE, is_facilitator)
rules.add_perm(PROMOTE_STATEMENT, is_facilitator)
rules.add_perm(READ_RESULTS, may_read_results)
rules.add_perm(EXPORT_RESULTS, may_read_results)


# The door ---------------------------------------------------------------------------------------------------------


def token_cookie_name(dialogue: Dialogue) -> str:
    return f"{PARTICIPATION_COOKIE_PREFIX}{dialogue.public_id.hex}"


def remember_token(response: HttpResponse, dialogue: Dialogue, token: str) -> None:
    """Keep an open dialogue's participation token in the browser: HTTP-only, for this dialogue's pages only."""
    response.set_cookie(
        token_cookie_name(dialogue),
        token,
        # Until well after the dialogue closes, so a participant can come back until the end and then read the results.
        max_age=max((dialogue.closes_on - timezone.localdate()).days + PARTICIPATION_COOKIE_DAYS, 1) * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
        path=f"/s/{dialogue.public_id}/",
    )


def _participant(request: HttpRequest, dialogue: Dialogue, membership: Membership | None) -> DialogueParticipant | None:
    if dialogue.is_internal:
        return None if membership is None else queries.participation_of_member(dialogue, membership)
    return queries.participation_with_token(dialogue, request.COOKIES.get(token_cookie_name(dialogue), ""))


DIALOGUE: Door[Dialogue] = Door(
    url_kwarg="dialogue",
    find=by_public_id(Dialogue),
    organisation=organisation_of,
    enter=VIEW_DIALOGUE,
    participant=_participant,
    participants_are_inside=False,
)
