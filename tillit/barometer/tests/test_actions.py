"""Running a round: opening it (freeze, snapshot, invitations by e-mail), reminders, versions, closing."""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.utils import timezone

from tillit.accounts.models import User
from tillit.barometer import actions
from tillit.barometer.models import Instrument, Invitation, Item, PopulationCount, Response, Round, Theme
from tillit.core.tokens import hash_token
from tillit.organisations.models import Membership

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
LINK = re.compile(r"http://testserver(/b/[0-9a-f-]+/svar/[0-9a-f]+/)")


def one_answer(round: Round) -> actions.Answers:
    item = round.instrument.items.filter(kind=Item.Kind.SCALE).first()
    return actions.clean_answers(round, {item.code: "4"}, {})


def link_in(message: mail.EmailMessage) -> str:
    found = LINK.findall(message.body)
    assert len(found) == 1, message.body
    return found[0]


def test_opening_a_round_freezes_the_questionnaire_snapshots_the_population_and_mails_links(
    client, organisation, home_unit, employee, manager, politician, make_member, make_round
):
    no_email = make_member(organisation, unit=home_unit, name="Utan E-post")
    User.objects.filter(pk=no_email.user_id).update(email="")
    gone = make_member(organisation, unit=home_unit, name="Slutat")
    User.objects.filter(pk=gone.user_id).update(is_active=False)
    round = make_round(organisation, launched=False)
    assert not round.instrument.is_frozen
    mail.outbox.clear()

    sent = actions.launch_round(round=round, site_url=SITE)

    round.refresh_from_db()
    assert round.is_launched
    assert round.instrument.is_frozen
    assert round.instrument == actions.current_instrument(organisation)
    # The population is everyone active at opening, with or without e-mail; per unit, level and actor group.
    assert sum(PopulationCount.objects.filter(round=round).values_list("count", flat=True)) == 4
    assert PopulationCount.objects.get(round=round, unit=home_unit, actor_group__key="employee").count == 2
    invited = set(Invitation.objects.filter(round=round).values_list("email", flat=True))
    assert invited == {employee.email, manager.email, politician.email}
    assert (sent.sent, sent.failed) == (3, 0)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(invited)
    assert all(Invitation.objects.filter(round=round).values_list("sent_at", flat=True))
    for message in mail.outbox:
        assert "minst 5 personer" in message.body
    links = {link_in(message) for message in mail.outbox}
    assert len(links) == 3
    employee_mail = next(message for message in mail.outbox if message.to == [employee.email])
    page = client.get(link_in(employee_mail), follow=True)
    assert page.status_code == 200
    assert page.redirect_chain == [(f"/b/{round.public_id}/svar/", 302)]
    assert "Skicka svar" in page.content.decode()
    # The link carries the token; only its hash is stored.
    token = link_in(employee_mail).rstrip("/").rsplit("/", 1)[1]
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert Invitation.objects.filter(token_hash=hash_token(token), membership__user=employee).exists()


def test_a_round_opens_once(organisation, employee, make_round):
    round = make_round(organisation)
    with pytest.raises(actions.BarometerError):
        actions.launch_round(round=round, site_url=SITE)
    assert Invitation.objects.filter(round=round).count() == 1


def test_a_round_whose_closing_date_has_passed_cannot_open(organisation, employee, make_round):
    today = timezone.localdate()
    round = make_round(
        organisation,
        launched=False,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today - datetime.timedelta(days=1),
    )
    with pytest.raises(actions.BarometerError):
        actions.launch_round(round=round, site_url=SITE)
    round.refresh_from_db()
    assert not round.is_launched
    assert not Invitation.objects.exists()


def test_reminders_go_only_to_those_who_have_not_answered(organisation, employee, manager, politician, make_round):
    round = make_round(organisation)
    answered = Invitation.objects.select_related("round").get(round=round, membership__user=employee)
    actions.answer_with_invitation(round=round, token=actions.invitation_token(answered), answers=one_answer(round))
    first_links = {message.to[0]: link_in(message) for message in mail.outbox}
    mail.outbox.clear()

    sent = actions.send_reminders(round=round, site_url=SITE)

    assert (sent.sent, sent.failed) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([manager.email, politician.email])
    for message in mail.outbox:
        assert link_in(message) == first_links[message.to[0]]  # the same link as in the invitation
        assert "påminnelse" in (message.subject + message.body).lower()
    reminded = next(message for message in mail.outbox if message.to == [manager.email])
    page = Client().get(link_in(reminded), follow=True)
    assert page.status_code == 200
    assert "Skicka svar" in page.content.decode()
    reminded = dict(Invitation.objects.filter(round=round).values_list("membership__user__email", "reminded_at"))
    assert reminded[employee.email] is None
    assert reminded[manager.email] is not None


def test_reminders_are_only_sent_while_the_round_is_open(organisation, employee, make_round):
    round = make_round(organisation, closed=True)
    mail.outbox.clear()
    with pytest.raises(actions.BarometerError):
        actions.send_reminders(round=round, site_url=SITE)
    assert mail.outbox == []


def test_editing_a_frozen_questionnaire_makes_a_new_version(organisation, make_round):
    round = make_round(organisation)
    frozen = round.instrument
    codes = list(frozen.items.values_list("code", flat=True))
    with pytest.raises(actions.BarometerError):
        actions.add_own_item(instrument=frozen, theme=Theme.TRUST, kind=Item.Kind.SCALE, text_sv="Ny fråga", text_en="")

    draft = actions.editable_instrument(organisation)
    assert draft.pk != frozen.pk
    assert draft.version == frozen.version + 1
    assert not draft.is_frozen
    assert list(draft.items.values_list("code", flat=True)) == codes
    actions.add_own_item(instrument=draft, theme=Theme.TRUST, kind=Item.Kind.SCALE, text_sv="Ny fråga", text_en="")
    actions.remove_item(item=draft.items.get(code=codes[0]))

    assert actions.editable_instrument(organisation) == draft  # a draft is edited in place
    round.refresh_from_db()
    assert round.instrument == frozen
    assert list(frozen.items.values_list("code", flat=True)) == codes
    assert Instrument.objects.filter(organisation=organisation).count() == 2
    # The next round asks the new version.
    next_round = make_round(organisation, name="Nästa omgång")
    assert next_round.instrument == draft
    assert next_round.instrument.is_frozen


def test_closing_a_round_stops_answers(organisation, employee, home_unit, make_round):
    round = make_round(organisation)
    assert round.accepts_answers
    closed = actions.close_round(round=round)
    assert closed.is_closed
    assert not closed.accepts_answers
    assert closed.results_open
    first_closing = closed.closed_at

    again = actions.close_round(round=closed)
    assert again.closed_at == first_closing
    invitation = Invitation.objects.select_related("round").get(round=round)
    with pytest.raises(actions.BarometerError):
        actions.answer_with_invitation(
            round=closed, token=actions.invitation_token(invitation), answers=one_answer(closed)
        )
    with pytest.raises(actions.BarometerError):
        actions.answer_openly(round=closed, unit=home_unit, level=None, actor_group=None, answers=one_answer(closed))
    assert not Response.objects.exists()
    invitation.refresh_from_db()
    assert not invitation.answered


def test_a_round_that_has_not_opened_cannot_close(organisation, make_round):
    round = make_round(organisation, launched=False)
    with pytest.raises(actions.BarometerError):
        actions.close_round(round=round)
    round.refresh_from_db()
    assert round.closed_at is None


def test_the_open_link_stores_only_units_of_the_rounds_organisation(
    organisation, other_organisation, home_unit, employee, make_round
):
    round = make_round(organisation)
    foreign = other_organisation.units.get()
    with pytest.raises(actions.BarometerError):
        actions.answer_openly(round=round, unit=foreign, level=None, actor_group=None, answers=one_answer(round))
    actions.answer_openly(round=round, unit=home_unit, level=None, actor_group=None, answers=one_answer(round))
    actions.mix_inbox(round=round)
    assert list(Response.objects.values_list("unit_id", "verified")) == [(home_unit.pk, False)]


def test_the_open_link_takes_no_more_answers_for_a_unit_than_it_had_members(
    organisation, home_unit, employee, manager, make_round
):
    round = make_round(organisation)  # two members on Hemtjänst Norr
    for _number in range(2):
        actions.answer_openly(round=round, unit=home_unit, level=None, actor_group=None, answers=one_answer(round))
    with pytest.raises(actions.UnitFull):
        actions.answer_openly(round=round, unit=home_unit, level=None, actor_group=None, answers=one_answer(round))
    assert round.response_count() == 2
    # The personal link is never refused for it: each invitation is one member of the population.
    invitation = Invitation.objects.select_related("round").get(round=round, membership__user=employee)
    actions.answer_with_invitation(round=round, token=actions.invitation_token(invitation), answers=one_answer(round))
    assert round.response_count() == 3


def test_a_unit_without_members_at_opening_takes_no_open_answers(organisation, home_unit, make_round):
    round = make_round(organisation)
    with pytest.raises(actions.UnitFull):
        actions.answer_openly(round=round, unit=home_unit, level=None, actor_group=None, answers=one_answer(round))
    assert round.response_count() == 0


def test_members_added_after_opening_are_not_in_the_population(organisation, employee, make_member, make_round):
    round = make_round(organisation)
    make_member(organisation, name="Nyanställd")
    assert sum(PopulationCount.objects.filter(round=round).values_list("count", flat=True)) == 1
    assert Invitation.objects.filter(round=round).count() == 1
    assert Membership.objects.filter(organisation=organisation).count() == 2


def test_a_change_of_a_questionnaire_in_use_is_made_in_a_new_version(organisation, make_round):
    round = make_round(organisation)  # opened: its version is frozen

    edited = actions.add_item_to_questionnaire(
        organisation=organisation, theme=Theme.TRUST, kind=Item.Kind.SCALE, text_sv="Jag får pröva.", text_en=""
    )

    assert edited.made_a_new_version
    assert edited.before == round.instrument
    assert edited.after.version == round.instrument.version + 1
    assert edited.after.items.filter(text_sv="Jag får pröva.").exists()
    assert not round.instrument.items.filter(text_sv="Jag får pröva.").exists()


def test_a_refused_change_leaves_no_new_version_behind(organisation, make_round):
    round = make_round(organisation)
    existing = round.instrument.items.first()

    with pytest.raises(actions.BarometerError):
        actions.add_item_to_questionnaire(
            organisation=organisation, theme=existing.theme, kind=existing.kind, text_sv=existing.text_sv, text_en=""
        )

    assert list(Instrument.objects.filter(organisation=organisation)) == [round.instrument]


def test_a_block_is_added_once_and_a_repeated_click_makes_no_new_version(organisation, make_round):
    make_round(organisation)
    first = actions.add_block_to_questionnaire(organisation=organisation, key="statskontoret_2016")

    with pytest.raises(actions.BarometerError):
        actions.add_block_to_questionnaire(organisation=organisation, key="statskontoret_2016")

    assert first.made_a_new_version
    assert Instrument.objects.filter(organisation=organisation).count() == 2


def test_rounds_closed_before_the_readers_setting_keep_the_readers_they_were_published_to(organisation, make_round):
    migration = importlib.import_module("tillit.barometer.migrations.0008_closed_rounds_keep_their_readers")
    closed = make_round(organisation, name="Stängd", closed=True)
    running = make_round(organisation, name="Pågående")
    draft = make_round(organisation, name="Utkast", launched=False)

    migration.keep_the_readers_of_closed_rounds(apps, None)

    readers = dict(Round.objects.values_list("pk", "results_readers"))
    assert readers[closed.pk] == Round.ResultsReaders.LEADERS
    assert readers[running.pk] == readers[draft.pk] == Round.ResultsReaders.CHAIN
