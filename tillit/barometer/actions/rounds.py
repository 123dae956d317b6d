"""Changes of a round (omgång): creating and editing it, opening it with its invitations, reminders, closing it and
sealing its answers.

A round covers the units chosen for it, each with everything below it, or the whole organisation when none is
chosen (`Round.covered_units`). The choice is made before the round opens and fixed when it does: only members
placed in the covered units are invited and counted in its population, and its tree is cut to the covered part.

A round's results open when it is closed and sealed. Sealing mixes what is left in the inbox and rewrites every "has
answered" flag (`seal_round`); it happens when a process leader closes the round (`close_round`), and, for rounds
whose closing date passed without anyone closing them, in `seal_due_rounds`, which `manage.py seal_rounds` runs.
Nothing that reads a round seals it.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Collection
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import Count, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.barometer import queries
from tillit.barometer.actions.errors import BarometerError
from tillit.barometer.actions.mixing import mix, mix_batch_size, vacuum_answer_tables
from tillit.barometer.actions.questionnaire import current_instrument
from tillit.barometer.models import CoveredUnit, Instrument, Invitation, PopulationCount, Round, covered_tree
from tillit.core.periods import check_period
from tillit.core.text import normalise_text
from tillit.organisations import actions as organisation_actions
from tillit.organisations import personal_links
from tillit.organisations.models import Membership, Organisation, Unit
from tillit.organisations.personal_links import Sent
from tillit.organisations.queries import unit_parents

logger = logging.getLogger(__name__)


def _check_dates(opens_on: datetime.date, closes_on: datetime.date) -> None:
    check_period(opens_on, closes_on, error=BarometerError, message=_("The round cannot close before it opens."))


def _check_readers(results_readers: str) -> None:
    if results_readers not in Round.ResultsReaders.values:
        raise BarometerError(_("Choose who reads the results from the list."))


def _check_units(organisation: Organisation, units: Collection[Unit]) -> None:
    if any(unit.organisation_id != organisation.pk for unit in units):
        raise BarometerError(_("Choose the units from the organisation's own list."))


def _cover(round: Round, units: Collection[Unit]) -> None:
    """Make `units` the ones the round covers (none: the whole organisation). Caller has checked them."""
    CoveredUnit.objects.filter(round=round).exclude(unit__in=units).delete()
    kept = set(CoveredUnit.objects.filter(round=round).values_list("unit_id", flat=True))
    CoveredUnit.objects.bulk_create(CoveredUnit(round=round, unit=unit) for unit in units if unit.pk not in kept)


@transaction.atomic
def create_round(
    *,
    organisation: Organisation,
    name: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    created_by: Membership | None = None,
    results_readers: str | None = None,
    units: Collection[Unit] = (),
) -> Round:
    """A new draft round on the newest questionnaire, its results for the whole steering chain unless
    `results_readers` says otherwise, covering `units` (each with everything below it; none: the whole
    organisation); BarometerError if it closes before it opens, or for a unit of another organisation."""
    _check_dates(opens_on, closes_on)
    results_readers = results_readers or Round.ResultsReaders.CHAIN
    _check_readers(results_readers)
    _check_units(organisation, units)
    round = Round.objects.create(
        organisation=organisation,
        instrument=current_instrument(organisation),
        name=normalise_text(name),
        opens_on=opens_on,
        closes_on=closes_on,
        open_key=secrets.token_urlsafe(32),
        created_by=created_by,
        results_readers=results_readers,
    )
    _cover(round, units)
    return round


@transaction.atomic
def update_round(
    *,
    round: Round,
    name: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    results_readers: str | None = None,
    units: Collection[Unit] | None = None,
) -> Round:
    """Rename or move a round that has not closed, or change who reads its results (None keeps them) or the units
    it covers (None keeps them; empty: the whole organisation); once open, only its closing date moves, and not
    into the past, and the units it covers stay as they were. BarometerError otherwise, and nothing changes.

    Who reads the results may change until the round closes, even while it takes answers: it changes no figure
    (every page of the result is one publication, audited as a whole whoever reads which part of it), and it is
    settled before anyone has seen the results, so it can never be chosen after seeing what they say.

    The units are fixed when the round opens (its invitations and population follow them): the round's row is
    locked here as opening locks it, so a change either comes before the opening or is refused."""
    _check_dates(opens_on, closes_on)
    results_readers = results_readers or round.results_readers
    _check_readers(results_readers)
    if units is not None:
        _check_units(round.organisation, units)
    locked = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    round.opened_at, round.closed_at = locked.opened_at, locked.closed_at
    if round.is_closed:
        raise BarometerError(_("The round is closed and can no longer change."))
    if units is not None and round.is_launched and {unit.pk for unit in units} != round.chosen_unit_ids():
        raise BarometerError(_("The round has opened; the units it covers can no longer change."))
    if round.is_launched and opens_on != round.opens_on:
        raise BarometerError(_("The round has opened; its opening date can no longer change."))
    if round.is_launched and closes_on < timezone.localdate():
        raise BarometerError(_("Choose a closing date from today on, or close the round instead."))
    round.name, round.opens_on, round.closes_on = normalise_text(name), opens_on, closes_on
    round.results_readers = results_readers
    round.save(update_fields=["name", "opens_on", "closes_on", "results_readers"])
    if units is not None and not round.is_launched:
        _cover(round, units)
    return round


def launch_round(*, round: Round, site_url: str) -> Sent:
    """Open the round: freeze the questionnaire, snapshot the population, invite every member with e-mail, of the
    units the round covers (everyone's, when it covers the whole organisation). The e-mails go after the round is
    stored; one that cannot be sent is counted, not retried."""
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.is_launched:
            raise BarometerError(_("The round has already opened."))
        if round.closes_on < timezone.localdate():
            raise BarometerError(_("The closing date has passed; choose a later one before opening the round."))
        instrument = current_instrument(round.organisation)
        Instrument.objects.filter(pk=instrument.pk, frozen_at__isnull=True).update(frozen_at=timezone.now())
        round.instrument = instrument
        round.opened_at = timezone.now()
        fix_round_context(round)
        round.save(update_fields=["instrument", "opened_at", "anonymity_threshold", "unit_parents"])
        members = queries.members_in_population(round)
        PopulationCount.objects.bulk_create(
            PopulationCount(
                round=round,
                count=row["count"],
                **{field: row[field] for field in ("unit_id", "level_id", "actor_group_id")},
            )
            for row in members.values("unit_id", "level_id", "actor_group_id").annotate(count=Count("pk"))
        )
        personal_links.create_links(Invitation, members.select_related("user").exclude(user__email=""), round=round)
    return _send(round, Invitation.objects.filter(round=round), site_url=site_url, reminder=False)


def fix_round_context(round: Round) -> None:
    """Fix the threshold and the unit tree the round's results are suppressed with (not saved here): the part of
    the tree the round covers, with the units above it as structure (`models.covered_tree`)."""
    round.anonymity_threshold = round.organisation.anonymity_threshold
    parents = covered_tree(unit_parents(round.organisation), round.chosen_unit_ids())
    round.unit_parents = {str(unit): parent for unit, parent in parents.items()}


def invitation_token(invitation: Invitation) -> str:
    """The secret in a personal link (`organisations.personal_links.link_token`): derived with the data key, so a
    reminder repeats the same link."""
    return personal_links.link_token(invitation)


def links_under_older_keys() -> str:
    """For `rekey_data`: a personal link cannot move to a new key, since it has been sent. Says how many unanswered
    invitations of rounds taking answers were made with an older key, which must stay in DATA_KEY_FALLBACKS until
    those rounds close, so that their reminders repeat the links people have."""
    waiting = Invitation.objects.filter(
        answered=False, round__in=Round.objects.filter(queries.accepting_filter())
    ).select_related("round")
    older = personal_links.links_under_older_keys(waiting)
    if not older:
        return "Barometer: every personal link of an open round is made with the current key."
    return (
        f"Barometer: {older} personal links of open rounds were made with an older key; keep it in "
        "DATA_KEY_FALLBACKS until those rounds close."
    )


def send_reminders(*, round: Round, site_url: str) -> Sent:
    """Remind only those who have not answered. Nobody learns who they are: the page shows a count."""
    if not round.accepts_answers:
        raise BarometerError(_("Reminders can only be sent while the round is open."))
    return _send(round, Invitation.objects.filter(round=round, answered=False), site_url=site_url, reminder=True)


def _send(round: Round, invitations: QuerySet[Invitation], *, site_url: str, reminder: bool) -> Sent:
    subject = (_("Reminder: %(round)s") if reminder else _("Your answers are wanted: %(round)s")) % {
        "round": round.name
    }

    def address(token: str) -> str:
        return site_url + reverse("barometer:respond", args=[round.public_id, token])

    def body(link: str) -> str:
        context = {"round": round, "organisation": round.organisation, "link": link, "reminder": reminder}
        return render_to_string("barometer/email/invitation.txt", context)

    return personal_links.send_links(
        invitations.select_related("round"), subject=subject, address=address, body=body, reminder=reminder
    )


def close_round(*, round: Round) -> Round:
    """Close the round now and seal its answers (`seal_round`): the round, closed and (unless sealing failed) sealed.
    BarometerError before it opens.

    Closing and sealing are two transactions: if sealing fails, the round stays closed and its results wait for the
    next `seal_round` (the process leader's button, or `seal_due_rounds`)."""
    with transaction.atomic():
        round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
        if not round.is_launched:
            raise BarometerError(_("The round has not opened yet."))
        if round.closed_at is None:
            round.closed_at = timezone.now()
            round.save(update_fields=["closed_at"])
    try:
        return seal_round(round=round)
    except DatabaseError as error:
        logger.warning("Barometer round %s: sealing failed (%s)", round.pk, type(error).__name__)
        return round


def seal_round(*, round: Round) -> Round:
    """Once a round has closed: make sure no answer can arrive any more, mix what is left in the inbox, and rewrite
    every "has answered" flag; the round, sealed. A round that has not closed is returned as it is.

    Submissions check the round under the same row lock, so after this none is stored. What is left in the inbox
    is fewer than a batch, so it is mixed together with randomly chosen responses already mixed, taken out and
    stored again with new ids: no set of responses written together is smaller than a batch (or the whole round,
    when that is smaller). Rewriting the answered invitations in one statement gives them all one new row version,
    which also covers answers stored before the inbox existed, when a flag shared its transaction with a response.
    """
    with transaction.atomic():
        round = (
            Round.objects.select_for_update(of=("self",)).select_related("organisation", "instrument").get(pk=round.pk)
        )
        if round.is_closed and (round.sealed_at is None or round.pending_responses.exists()):
            if not mix(round, at_least=mix_batch_size(round)):  # a mix VACUUMs after commit by itself
                transaction.on_commit(vacuum_answer_tables)
            Invitation.objects.filter(round=round, answered=True).update(answered=True, awaiting_mix=False)
            round.sealed_at = round.sealed_at or timezone.now()
            round.save(update_fields=["sealed_at"])
            organisation_actions.pages_changed(round.organisation_id)  # a later round's trend compares with it
    return round


@dataclass(frozen=True)
class Sealing:
    sealed: int
    failed: int


def seal_due_rounds() -> Sealing:
    """Seal every closed round whose answers are not sealed yet, each in its own transaction; how many were sealed
    and how many failed (logged, and tried again on the next run)."""
    sealed = failed = 0
    for round in queries.rounds_due_for_sealing():
        try:
            seal_round(round=round)
        except DatabaseError as error:
            logger.warning("Barometer round %s: sealing failed (%s)", round.pk, type(error).__name__)
            failed += 1
        else:
            sealed += 1
    return Sealing(sealed, failed)
