"""Who may take part in, lead and read a dialogue.

A dialogue is reached by its public id. An open dialogue takes anyone with the link; their
participation lives in a cookie holding a random token (only its hash is stored). An internal
dialogue takes members of its organisation. Process leaders and administrators of the
organisation manage it. Everyone else gets 404, as if the dialogue did not exist; a member
without the role gets 403 on management pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from tillit.dialogues import actions
from tillit.dialogues.models import Dialogue, DialogueParticipant
from tillit.organisations.models import Membership
from tillit.organisations.permissions import acting_membership
from tillit.workshops.permissions import SignInFirst

PARTICIPATION_COOKIE_PREFIX = "samtal_"
PARTICIPATION_COOKIE_DAYS = 90  # after the dialogue closes


@dataclass
class Access:
    dialogue: Dialogue
    membership: Membership | None
    participant: DialogueParticipant | None
    may_manage: bool

    @property
    def may_read_results(self) -> bool:
        """Figures open to leaders and participants once the dialogue closes, or at once if it shows them live.

        While votes come in, two looks at the figures would reveal the votes cast in between; live results
        are therefore the process leader's explicit choice."""
        if not (self.may_manage or self.participant is not None):
            return False
        return self.dialogue.live_results or self.dialogue.has_closed


def token_cookie_name(dialogue: Dialogue) -> str:
    return f"{PARTICIPATION_COOKIE_PREFIX}{dialogue.public_id.hex}"


def remember_token(response: HttpResponse, request: HttpRequest, dialogue: Dialogue, token: str) -> None:
    from django.conf import settings

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


def dialogue_access(request: HttpRequest, public_id: UUID, *, manage: bool = False) -> Access:
    """The requester's access: 404 outside the dialogue, 403 when `manage` is needed and missing."""
    dialogue = Dialogue.objects.select_related("organisation").filter(public_id=public_id).first()
    if dialogue is None:
        raise Http404
    membership = acting_membership(request.user, dialogue.organisation)
    may_manage = membership is not None and membership.is_facilitator
    if membership is None and (manage or dialogue.is_internal):
        if not request.user.is_authenticated:
            raise SignInFirst
        raise Http404
    if manage and not may_manage:
        raise PermissionDenied
    if dialogue.is_internal:
        participant = actions.participant_for_member(dialogue, membership, create=False)  # type: ignore[arg-type]
    else:
        participant = actions.participant_for_token(dialogue, request.COOKIES.get(token_cookie_name(dialogue), ""))
    return Access(dialogue, membership, participant, may_manage)
