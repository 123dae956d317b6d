"""Changes of state in the barometer: the questionnaire, rounds, invitations, answers and the inbox they wait in.

Each action runs in one transaction and checks what it needs; errors a person can fix are raised as
`BarometerError` with a message in the reader's language. The actions live in four modules, by what they change,
and are all reached from here:

- `questionnaire`: versions, validated blocks and own items;
- `rounds`: creating, editing, opening (with invitations), reminding, closing and sealing rounds;
- `answering`: checking answers and storing them in the round's inbox;
- `mixing`: moving the inbox into the responses, batch by batch, in a random order.
"""

from __future__ import annotations

from tillit.barometer.actions.answering import (  # `_put_in_inbox`: for tests that fill an inbox directly
    DONT_KNOW,
    DONT_KNOW_CHOICE,
    Answers,
    _put_in_inbox,
    answer_openly,
    answer_with_invitation,
    clean_answers,
)
from tillit.barometer.actions.errors import AlreadyAnswered, BarometerError, UnitFull
from tillit.barometer.actions.exports import build_export, request_export
from tillit.barometer.actions.mixing import DEFAULT_MIX_BATCH, mix_batch_size, mix_inbox, vacuum_answer_tables
from tillit.barometer.actions.questionnaire import (
    Edited,
    add_block_to_questionnaire,
    add_item_to_questionnaire,
    add_own_item,
    add_validated_block,
    current_instrument,
    editable_instrument,
    remove_item,
    remove_item_from_questionnaire,
)
from tillit.barometer.actions.rounds import (
    Sealing,
    Sent,
    close_round,
    create_round,
    fix_round_context,
    invitation_token,
    launch_round,
    links_under_older_keys,
    seal_due_rounds,
    seal_round,
    send_reminders,
    update_round,
)
from tillit.barometer.queries import invitation_for_token  # a read, kept beside the actions that answer with it

__all__ = [
    "DEFAULT_MIX_BATCH",
    "DONT_KNOW",
    "DONT_KNOW_CHOICE",
    "AlreadyAnswered",
    "Answers",
    "BarometerError",
    "Edited",
    "Sealing",
    "Sent",
    "UnitFull",
    "_put_in_inbox",
    "add_block_to_questionnaire",
    "add_item_to_questionnaire",
    "add_own_item",
    "add_validated_block",
    "answer_openly",
    "answer_with_invitation",
    "build_export",
    "clean_answers",
    "close_round",
    "create_round",
    "current_instrument",
    "editable_instrument",
    "fix_round_context",
    "invitation_for_token",
    "invitation_token",
    "launch_round",
    "links_under_older_keys",
    "mix_batch_size",
    "mix_inbox",
    "remove_item",
    "remove_item_from_questionnaire",
    "request_export",
    "seal_due_rounds",
    "seal_round",
    "send_reminders",
    "update_round",
    "vacuum_answer_tables",
]
