"""The dialogues' share of a person's data (`tillit.core.personal_data`): in internal dialogues, a member's
participation is found by their key (an HMAC of the membership under the data key); open dialogues know nobody.
Erased, the participation gets a random key that nothing can compute again: its statements and votes stay, and
name nobody."""

from __future__ import annotations

import secrets

from tillit.accounts.models import User
from tillit.core.personal_data import Exported, PersonalDataShare, register_personal_data
from tillit.dialogues.models import Dialogue, DialogueParticipant, Statement, Vote
from tillit.dialogues.queries import member_keys
from tillit.organisations.models import Membership

VOTE_NAMES: dict[int, str] = {Vote.Value.AGREE: "agree", Vote.Value.DISAGREE: "disagree", Vote.Value.PASS: "pass"}


def _participations(user: User) -> list[tuple[Dialogue, DialogueParticipant]]:
    found = []
    for membership in Membership.objects.filter(user=user).only("pk", "organisation_id"):
        dialogues = Dialogue.objects.filter(organisation_id=membership.organisation_id, access=Dialogue.Access.INTERNAL)
        for dialogue in dialogues.order_by("pk"):
            participant = DialogueParticipant.objects.filter(
                dialogue=dialogue, token_hash__in=member_keys(dialogue.pk, membership.pk)
            ).first()
            if participant is not None:
                found.append((dialogue, participant))
    return found


def export(user: User) -> Exported:
    exported = []
    for dialogue, participant in _participations(user):
        votes = Vote.objects.filter(participant=participant).select_related("statement").order_by("statement__number")
        exported.append(
            {
                "dialogue": dialogue.question,
                "joined": participant.joined_on.isoformat(),
                "statements_written": list(
                    Statement.objects.filter(author=participant).order_by("number").values_list("text", flat=True)
                ),
                "votes": [{"statement": vote.statement.text, "vote": VOTE_NAMES[vote.value]} for vote in votes],
            }
        )
    return {"internal_dialogues": exported}


def erase(user: User) -> dict[str, int]:
    participations = _participations(user)
    for _dialogue, participant in participations:
        DialogueParticipant.objects.filter(pk=participant.pk).update(token_hash=secrets.token_hex(32))
    return {"dialogue_participations": len(participations)}


def register() -> None:
    register_personal_data(PersonalDataShare("dialogues", export, erase))
