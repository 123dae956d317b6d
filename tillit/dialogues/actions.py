"""Changes of state in a dialogue. Each runs in one transaction and checks what it needs; the caller has checked
the permission (the door, `permissions.py`).

Every change that alters what the analysis would find (a vote, a statement, a moderation
decision) marks the dialogue's analysis dirty; worker.py picks it up. Bringing a statement into a workshop goes
through the workshops part's own actions (`promote_statement`). An internal dialogue's invitation and reminder are
each one e-mail with the members as blind copies (`tillit.core.mail.send_blind`).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.mail import send_blind
from tillit.core.periods import check_period
from tillit.core.text import normalise_text
from tillit.core.tokens import hash_token
from tillit.dialogues import queries, tasks
from tillit.dialogues.models import (
    Dialogue,
    DialogueAnalysis,
    DialogueParticipant,
    Flag,
    Statement,
    Vote,
)
from tillit.organisations.models import ActorGroup, Membership, Organisation
from tillit.privacy.masking import Masked, mask_personal_data
from tillit.workshops import actions as workshop_actions
from tillit.workshops import queries as workshop_queries

if TYPE_CHECKING:
    from tillit.workshops.models import Item, Workshop

MAX_SEED_STATEMENTS = 200
GROUP_PARAMETER = "grupp"  # the joining link's preselected actor group (its public id)
STATEMENTS_PER_PARTICIPANT_PER_HOUR = 20


class DialogueError(ValidationError):
    """A change the dialogue's rules or dates do not allow."""


def mark_dirty(dialogue_id: int) -> None:
    """Mark the dialogue's analysis as due (called inside the actions that change what it would find), and enqueue
    it when this is what made it due (`tasks.refresh_dialogue`, after the commit)."""
    # Only the flip writes, so concurrent votes do not queue behind one another on this row.
    if DialogueAnalysis.objects.filter(dialogue_id=dialogue_id, dirty=False).update(dirty=True):
        tasks.schedule_refresh(dialogue_id)


def _check_dates(opens_on: datetime.date, closes_on: datetime.date) -> None:
    check_period(opens_on, closes_on, error=DialogueError, message=_("The dialogue cannot close before it opens."))


def clean_statement_text(text: str, dialogue: Dialogue) -> Masked:
    """The statement as it is stored: normalised, checked for length, personal data masked."""
    text = normalise_text(text)
    if not text:
        raise DialogueError(_("Write a statement."))
    if len(text) > dialogue.statement_max_length:
        raise DialogueError(
            _("A statement may be at most %(limit)d characters; this one has %(length)d.")
            % {"limit": dialogue.statement_max_length, "length": len(text)}
        )
    return mask_personal_data(text)


@transaction.atomic
def create_dialogue(
    *,
    organisation: Organisation,
    created_by: Membership | None,
    question: str,
    background: str = "",
    access: str = Dialogue.Access.INTERNAL,
    moderation: str = Dialogue.Moderation.POST,
    statement_max_length: int = 140,
    accepts_statements: bool = True,
    live_results: bool = False,
    opens_on: datetime.date,
    closes_on: datetime.date,
    seed_statements: Iterable[str] = (),
) -> Dialogue:
    """A new dialogue of `organisation` with its seed statements, under the organisation's anonymity threshold of
    today (fixed from then on); DialogueError when it would close before it opens."""
    _check_dates(opens_on, closes_on)
    dialogue = Dialogue.objects.create(
        organisation=organisation,
        anonymity_threshold=organisation.anonymity_threshold,
        created_by=created_by,
        question=question,
        background=background,
        access=access,
        moderation=moderation,
        statement_max_length=statement_max_length,
        accepts_statements=accepts_statements,
        live_results=live_results,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    DialogueAnalysis.objects.create(dialogue=dialogue)
    add_seed_statements(dialogue=dialogue, texts=seed_statements)
    return dialogue


@transaction.atomic
def update_dialogue(*, dialogue: Dialogue, **fields: Any) -> Dialogue:
    """Change the dialogue's settings. Results are published once: a dialogue that has closed cannot open again,
    and live results cannot be switched on once it has opened (each look would then show the latest votes)."""
    given, dialogue = dialogue, Dialogue.objects.select_for_update().get(pk=dialogue.pk)
    opens_on: datetime.date = fields.get("opens_on", dialogue.opens_on)
    closes_on: datetime.date = fields.get("closes_on", dialogue.closes_on)
    _check_dates(opens_on, closes_on)
    if fields.get("access", dialogue.access) != dialogue.access and dialogue.participants.exists():
        # Members and cookie holders are different people to the dialogue: switching would let them vote twice.
        raise DialogueError(_("Who may take part cannot change once someone has joined."))
    today = timezone.localdate()
    if dialogue.has_closed and (closes_on != dialogue.closes_on or opens_on != dialogue.opens_on):
        raise DialogueError(
            _(
                "The dialogue has closed and its results are published, so its dates can no longer change. "
                "Start a new dialogue to continue the conversation."
            )
        )
    if fields.get("live_results") and not dialogue.live_results and dialogue.opens_on <= today:
        raise DialogueError(
            _(
                "Live results can only be chosen before the dialogue opens: switched on later, they would show "
                "how the latest participants voted."
            )
        )
    for name, value in fields.items():
        setattr(dialogue, name, value)
        setattr(given, name, value)
    dialogue.save()
    return dialogue


@transaction.atomic
def close_dialogue(*, dialogue: Dialogue) -> Dialogue:
    """Close an open dialogue now, before its last day: no more joining, votes or statements; today becomes its
    last day, and its results open (they are published once, as after any close, and it cannot open again)."""
    given, dialogue = dialogue, Dialogue.objects.select_for_update().get(pk=dialogue.pk)
    if dialogue.has_closed:
        raise DialogueError(_("The dialogue has already closed."))
    today = timezone.localdate()
    if today < dialogue.opens_on:
        raise DialogueError(_("The dialogue has not opened yet: change its dates instead."))
    dialogue.closed_at = timezone.now()
    dialogue.closes_on = today
    dialogue.save(update_fields=["closed_at", "closes_on"])
    given.closed_at, given.closes_on = dialogue.closed_at, dialogue.closes_on
    mark_dirty(dialogue.pk)  # the results are readable from now on: the next analysis is their release
    return dialogue


@transaction.atomic
def add_seed_statements(*, dialogue: Dialogue, texts: Iterable[str]) -> list[Statement]:
    """Statements the process leader starts the dialogue with: accepted, with no author."""
    masked = [clean_statement_text(text, dialogue) for text in texts if normalise_text(text)]
    cleaned = [item.text for item in masked]
    removed = {item.text: item.removed for item in masked if item.changed}
    if len(cleaned) > MAX_SEED_STATEMENTS:
        raise DialogueError(_("At most %(count)d seed statements at a time.") % {"count": MAX_SEED_STATEMENTS})
    locked = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
    existing = _casefolded_texts(locked)
    created = []
    number = _next_statement_number(locked)
    for text in cleaned:
        if text.casefold() in existing:
            continue
        existing.add(text.casefold())
        created.append(
            Statement(dialogue=locked, number=number, text=text, is_seed=True, status=Statement.Status.ACCEPTED)
        )
        number += 1
    Statement.objects.bulk_create(created)
    if created:
        mark_dirty(dialogue.pk)
    for statement in created:
        statement.removed_personal_data = removed.get(statement.text, {})  # type: ignore[attr-defined]  # for the view's notice only, never stored
    return created


def _casefolded_texts(dialogue: Dialogue) -> set[str]:
    # In Python: SQLite folds only ASCII letters, so "Å" and "å" would count as different there.
    return {text.casefold() for text in Statement.objects.filter(dialogue=dialogue).values_list("text", flat=True)}


def _next_statement_number(dialogue: Dialogue) -> int:
    highest = Statement.objects.filter(dialogue=dialogue).aggregate(highest=Max("number"))["highest"]
    return 1 if highest is None else highest + 1


def _check_open(dialogue: Dialogue) -> None:
    state = dialogue.state()
    if state == "upcoming":
        raise DialogueError(_("The dialogue has not opened yet."))
    if state == "closed":
        raise DialogueError(_("The dialogue has closed."))


# Participants -----------------------------------------------------------------------------------


def join_open_dialogue(*, dialogue: Dialogue, actor_group: ActorGroup | None) -> tuple[DialogueParticipant, str]:
    """A new anonymous participant in an open dialogue, and the token to keep in their browser."""
    if dialogue.is_internal:
        raise DialogueError(_("This dialogue is for members of the organisation only."))
    _check_open(dialogue)
    if actor_group is not None and actor_group.organisation_id != dialogue.organisation_id:
        raise DialogueError(_("Choose one of the listed groups."))
    token = secrets.token_urlsafe(32)
    participant = _create_participant(dialogue, hash_token(token), actor_group)
    return participant, token


def participant_for_member(dialogue: Dialogue, membership: Membership, *, create: bool) -> DialogueParticipant | None:
    """A member's participation in an internal dialogue, with the actor group of their membership: made when
    `create` and they have none yet (DialogueError unless the dialogue is open), else only looked up."""
    participant = queries.participation_of_member(dialogue, membership)
    if participant is not None or not create:
        return participant
    _check_open(dialogue)
    token_hash = queries.member_token_hash(dialogue, membership)
    try:
        return _create_participant(dialogue, token_hash, membership.actor_group)
    except IntegrityError:  # the same member joining twice at once
        return DialogueParticipant.objects.get(dialogue=dialogue, token_hash=token_hash)


def rekey_member_keys() -> str:
    """After the data key is rotated (`rekey_data`): members' participations in internal dialogues keyed under an
    older key are keyed under the current one. Each key is recomputed from dialogue and membership, as when joining."""
    moved = 0
    for dialogue_id, organisation_id in Dialogue.objects.filter(access=Dialogue.Access.INTERNAL).values_list(
        "pk", "organisation_id"
    ):
        current_of: dict[str, str] = {}
        for membership_id in Membership.objects.filter(organisation_id=organisation_id).values_list("pk", flat=True):
            current, *older = queries.member_keys(dialogue_id, membership_id)
            current_of.update(dict.fromkeys(older, current))
        if not current_of:
            continue
        for participant in DialogueParticipant.objects.filter(dialogue_id=dialogue_id, token_hash__in=current_of):
            DialogueParticipant.objects.filter(pk=participant.pk).update(token_hash=current_of[participant.token_hash])
            moved += 1
    return f"Dialogues: {moved} participations of members moved to the current key."


@transaction.atomic
def _create_participant(dialogue: Dialogue, token_hash: str, actor_group: ActorGroup | None) -> DialogueParticipant:
    locked = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
    highest = DialogueParticipant.objects.filter(dialogue=locked).aggregate(highest=Max("number"))["highest"]
    return DialogueParticipant.objects.create(
        dialogue=locked,
        number=1 if highest is None else highest + 1,
        token_hash=token_hash,
        actor_group=actor_group,
    )


# Statements and votes ---------------------------------------------------------------------------


@transaction.atomic
def add_statement(*, participant: DialogueParticipant, text: str) -> Statement:
    """A participant's own statement. Its author agrees with it, as in Pol.is, so it is never shown to them."""
    dialogue = Dialogue.objects.select_for_update().get(pk=participant.dialogue_id)
    _check_open(dialogue)
    if not dialogue.accepts_statements:
        raise DialogueError(_("This dialogue does not take new statements."))
    masked = clean_statement_text(text, dialogue)
    text = masked.text
    recent = Statement.objects.filter(author=participant, created_at__gte=timezone.now() - datetime.timedelta(hours=1))
    if recent.count() >= STATEMENTS_PER_PARTICIPANT_PER_HOUR:
        raise DialogueError(_("You have added many statements in a short time. Vote on the others' for a while."))
    if text.casefold() in _casefolded_texts(dialogue):
        raise DialogueError(_("That statement is already in the dialogue."))
    # Pending in both modes: under post-moderation it is shown at once, and stays in the moderator's queue.
    statement = Statement.objects.create(
        dialogue=dialogue, number=_next_statement_number(dialogue), text=text, author=participant
    )
    Vote.objects.create(dialogue=dialogue, statement=statement, participant=participant, value=Vote.Value.AGREE)
    mark_dirty(dialogue.pk)
    statement.removed_personal_data = masked.removed  # type: ignore[attr-defined]  # for the writer's message
    return statement


def _check_votable(statement: Statement, participant: DialogueParticipant) -> None:
    if statement.dialogue_id != participant.dialogue_id:
        raise DialogueError(_("That statement is not part of this dialogue."))
    if statement.status == Statement.Status.REJECTED:
        raise DialogueError(_("That statement has been removed by the moderator."))
    if statement.status == Statement.Status.PENDING and statement.dialogue.moderation == Dialogue.Moderation.PRE:
        raise DialogueError(_("That statement is waiting for moderation."))


@transaction.atomic
def vote(*, participant: DialogueParticipant, statement: Statement, value: int) -> None:
    """Record a vote, once: the first vote on a statement stands (one row, by constraint), so published results
    never change because someone changed their mind, and the same vote sent twice is stored once."""
    if value not in Vote.Value.values:
        raise DialogueError(_("Choose agree, disagree or pass."))
    _check_open(statement.dialogue)
    _check_votable(statement, participant)
    Vote.objects.bulk_create(
        [
            Vote(
                dialogue_id=participant.dialogue_id,
                statement=statement,
                participant=participant,
                value=value,
                voted_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )
    stored = Vote.objects.filter(participant=participant, statement=statement).values_list("value", flat=True).first()
    if stored != value:
        raise DialogueError(_("You have already voted on that statement; a vote cannot be changed."))
    mark_dirty(participant.dialogue_id)


@transaction.atomic
def flag(*, participant: DialogueParticipant, statement: Statement) -> None:
    """Report a statement to the moderator, once per participant; DialogueError when it cannot be voted on."""
    _check_open(statement.dialogue)
    _check_votable(statement, participant)
    Flag.objects.get_or_create(statement=statement, participant=participant)


# Moderation -------------------------------------------------------------------------------------


@transaction.atomic
def moderate(*, statement: Statement, status: str) -> Statement:
    """Accept or reject a statement (or put it back to waiting); a merged statement stays rejected."""
    if status not in Statement.Status.values:
        raise DialogueError(_("Unknown moderation decision."))
    if statement.merged_into_id is not None:
        raise DialogueError(_("A merged statement cannot be moderated again."))
    statement.status = status
    statement.save(update_fields=["status"])
    mark_dirty(statement.dialogue_id)
    return statement


@transaction.atomic
def merge(*, duplicate: Statement, keep: Statement) -> Statement:
    """Take a duplicate out of the dialogue in favour of `keep`. Its votes stay with it and no longer count."""
    if duplicate.pk == keep.pk:
        raise DialogueError(_("A statement cannot be merged with itself."))
    if duplicate.dialogue_id != keep.dialogue_id:
        raise DialogueError(_("Both statements must belong to the dialogue."))
    if keep.status == Statement.Status.REJECTED:
        raise DialogueError(_("Merge into a statement that is not removed."))
    duplicate.status = Statement.Status.REJECTED
    duplicate.merged_into = keep
    duplicate.save(update_fields=["status", "merged_into"])
    mark_dirty(duplicate.dialogue_id)
    return keep


# Invitations and reminders by e-mail ------------------------------------------------------------------------------


def _check_members_only(dialogue: Dialogue) -> None:
    if not dialogue.is_internal:
        raise DialogueError(
            _("An open dialogue has no list of members to e-mail. Share its link with those you want to take part.")
        )


def _mail_context(dialogue: Dialogue, site_url: str) -> dict[str, object]:
    link = site_url + reverse("dialogues:participate", kwargs={"dialogue": dialogue.public_id})
    return {
        "dialogue": dialogue,
        "organisation": dialogue.organisation,
        "link": link,
        "opens_later": dialogue.opens_on > timezone.localdate(),
    }


def _one_line(text: str) -> str:
    """A question as a subject line: e-mail headers cannot hold line breaks."""
    return " ".join(text.split())


def check_invitation_allowed(dialogue: Dialogue) -> None:
    """DialogueError unless the dialogue is internal and has not closed (the confirmation page asks this too)."""
    _check_members_only(dialogue)
    if dialogue.has_closed:
        raise DialogueError(_("The dialogue has closed: invitations can no longer be sent."))


def invite_members(*, dialogue: Dialogue, invited_by: Membership | None, site_url: str) -> Dialogue:
    """E-mail every active member of an internal dialogue's organisation with an address (not the one inviting) the
    question, when it opens and closes, and the link to take part: one message, the members as blind copies. Records
    when it was sent. DialogueError for an open dialogue (no list of members), one that has closed, an organisation
    with nobody else to write to, and a mail server that fails (then nothing is recorded)."""
    check_invitation_allowed(dialogue)
    addresses = queries.addresses_to_invite(dialogue, besides=invited_by)
    if not addresses:
        raise DialogueError(_("Nobody else in the organisation has an e-mail address to send the invitation to."))
    context = _mail_context(dialogue, site_url) | {"invited_by": invited_by}
    subject = _("Invitation to the dialogue “%(question)s”") % {"question": _one_line(dialogue.question)}
    if not send_blind(subject, render_to_string("dialogues/email/invitation.txt", context), addresses):
        raise DialogueError(_("The e-mail could not be sent. Try again later."))
    dialogue.invited_at = timezone.now()
    Dialogue.objects.filter(pk=dialogue.pk).update(invited_at=dialogue.invited_at)
    return dialogue


def remind_members(*, dialogue: Dialogue, reminded_by: Membership | None, site_url: str) -> None:
    """E-mail the members of an internal dialogue's organisation who have not taken part (no participation under
    their keyed hash; not the one reminding) the link, while it is open. Who they are, and how many, is never shown
    nor logged: the reminder is one message whoever gets it (to the site's own address, the others as blind copies),
    and it goes even when nobody is left, so that neither the page nor the time it takes tells them apart.
    DialogueError for an open dialogue, one that is not open now, and a mail server that fails."""
    _check_members_only(dialogue)
    if not dialogue.is_open:
        raise DialogueError(_("Reminders can only be sent while the dialogue is open."))
    addresses = queries.addresses_not_taking_part(dialogue, besides=reminded_by)
    subject = _("Reminder: take part in the dialogue “%(question)s”") % {"question": _one_line(dialogue.question)}
    body = render_to_string("dialogues/email/reminder.txt", _mail_context(dialogue, site_url))
    if not send_blind(subject, body, addresses, even_if_none=True):
        raise DialogueError(_("The e-mail could not be sent. Try again later."))


MAX_INVITED_ADDRESSES = 500


def invite_to_open_dialogue(
    *,
    dialogue: Dialogue,
    addresses: Iterable[str],
    actor_group: ActorGroup | None,
    invited_by: Membership | None,
    site_url: str,
) -> Dialogue:
    """E-mail people outside the organisation (an owner's people: an agency, a supervisory body, a partner) the
    link to an open dialogue, one message with the addresses as blind copies; the link preselects `actor_group` on
    the joining form (they may still choose otherwise). Records when it was sent. DialogueError for an internal or
    closed dialogue, no address, too many, a group of another organisation, and a mail server that fails."""
    if dialogue.is_internal:
        raise DialogueError(_("Only an open dialogue can be shared with people outside the organisation."))
    if dialogue.has_closed:
        raise DialogueError(_("The dialogue has closed: invitations can no longer be sent."))
    if actor_group is not None and actor_group.organisation_id != dialogue.organisation_id:
        raise DialogueError(_("Choose one of the listed groups."))
    bcc = list(dict.fromkeys(address.strip() for address in addresses if address.strip()))
    if not bcc:
        raise DialogueError(_("Give at least one e-mail address to send the invitation to."))
    if len(bcc) > MAX_INVITED_ADDRESSES:
        raise DialogueError(_("At most %(count)d addresses at a time.") % {"count": MAX_INVITED_ADDRESSES})
    context = _mail_context(dialogue, site_url) | {"invited_by": invited_by}
    if actor_group is not None:
        context["link"] = f"{context['link']}?{GROUP_PARAMETER}={actor_group.public_id}"
    subject = _("Invitation to the dialogue “%(question)s”") % {"question": _one_line(dialogue.question)}
    if not send_blind(subject, render_to_string("dialogues/email/invitation_open.txt", context), bcc):
        raise DialogueError(_("The e-mail could not be sent. Try again later."))
    dialogue.invited_at = timezone.now()
    Dialogue.objects.filter(pk=dialogue.pk).update(invited_at=dialogue.invited_at)
    return dialogue


# Into a workshop --------------------------------------------------------------------------------------------------


@transaction.atomic
def promote_statement(*, statement: Statement, workshop: Workshop, kind: str, membership: Membership) -> Item:
    """Bring a statement participants are shown into `workshop`'s effect chain as a card of `kind`, proposed by
    `membership` as one of the workshop's process leaders; all or nothing. DialogueError when the statement is not
    shown or the workshop is another organisation's; the workshop's own errors when it takes no proposals now.
    Caller has checked that `membership` may lead the dialogue."""
    dialogue = statement.dialogue
    if not queries.is_shown(statement):
        raise DialogueError(_("Only statements shown to the participants can be taken into a workshop."))
    if workshop.organisation_id != dialogue.organisation_id:
        raise DialogueError(_("Choose one of the listed workshops."))
    leader = workshop_actions.add_member(workshop=workshop, membership=membership, role=workshop_queries.LEADER_ROLE)
    return workshop_actions.propose(
        participant=leader,
        kind=kind,
        title=statement.text[:140],
        description=_("From the dialogue “%(question)s”: %(text)s")
        % {"question": dialogue.question, "text": statement.text},
    )
