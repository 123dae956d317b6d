"""Rating campaigns' actions: creating, editing, opening (reach fixed, links made and sent), reminders, rating (and
everything it refuses, storing nothing), closing and sealing (random order, answered flags rewritten, inbox gone)."""

from __future__ import annotations

import datetime
import secrets
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Unit
from tillit.steering import actions, queries
from tillit.steering.actions import SheetEntry, SteeringError
from tillit.steering.actions import campaigns as campaign_actions
from tillit.steering.models import Campaign, CampaignInvitation, CampaignSignal, PendingSheet, Rating

from .campaign_support import SITE, end, invitation_of, make_campaign, make_signal, token_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def sheet(*signals, value=4, burden=2, knows=True, comment=""):
    return {
        signal.public_id: SheetEntry(value=value, burden=burden, knows_user=knows, comment=comment)
        for signal in signals
    }


@pytest.fixture
def social(organisation):
    return Unit.objects.get(organisation=organisation, name="Socialförvaltningen")


@pytest.fixture
def other_unit(organisation, social):
    return organisation_actions.create_unit(
        organisation=organisation, name="Hemtjänst Söder", kind=Unit.Kind.SECTION, parent=social, actor=None
    )


# Creating and editing -------------------------------------------------------------------------------------------


def test_a_campaign_is_created_as_a_draft(organisation):
    campaign = actions.create_campaign(
        organisation=organisation, created_by=None, name="  Våren  ", opens_on=TODAY(), closes_on=TODAY()
    )
    assert campaign.name == "Våren"
    assert not campaign.is_launched


@pytest.mark.parametrize(
    ("name", "closes_in"), [("", 1), ("x" * 151, 1), ("Våren", -1)], ids=["blank", "too long", "closes first"]
)
def test_a_bad_campaign_is_refused_and_nothing_stored(organisation, name, closes_in):
    with pytest.raises(SteeringError):
        actions.create_campaign(
            organisation=organisation,
            created_by=None,
            name=name,
            opens_on=TODAY(),
            closes_on=TODAY() + datetime.timedelta(days=closes_in),
        )
    assert not Campaign.objects.exists()


def test_an_open_campaign_keeps_its_opening_date_and_a_closed_one_everything(organisation, employee):
    make_signal(organisation, "Avvikelser")
    campaign = make_campaign(organisation)
    with pytest.raises(SteeringError, match="opening date"):
        actions.update_campaign(campaign=campaign, name="X", opens_on=TODAY(), closes_on=campaign.closes_on)
    with pytest.raises(SteeringError, match="closing date"):
        actions.update_campaign(
            campaign=campaign, name="X", opens_on=campaign.opens_on, closes_on=TODAY() - datetime.timedelta(days=1)
        )
    actions.update_campaign(
        campaign=campaign, name="Nytt namn", opens_on=campaign.opens_on, closes_on=campaign.closes_on
    )
    assert Campaign.objects.get().name == "Nytt namn"
    actions.close_campaign(campaign=campaign)
    with pytest.raises(SteeringError, match="closed"):
        actions.update_campaign(campaign=campaign, name="Y", opens_on=campaign.opens_on, closes_on=campaign.closes_on)
    assert Campaign.objects.get().name == "Nytt namn"


# Opening --------------------------------------------------------------------------------------------------------


def test_opening_with_an_empty_catalogue_is_refused_and_changes_nothing(organisation, employee):
    campaign = make_campaign(organisation, launched=False)
    with pytest.raises(SteeringError, match="no steering signals"):
        actions.launch_campaign(campaign=campaign, site_url=SITE)
    campaign.refresh_from_db()
    assert not campaign.is_launched
    assert not CampaignInvitation.objects.exists()
    assert mail.outbox == []


def test_opening_fixes_the_reach_and_invites_only_those_reached(
    organisation, make_member, social, home_unit, other_unit, employee, facilitator
):
    organisation_actions.create_unit(
        organisation=organisation,
        name="Utbildningsförvaltningen",
        kind=Unit.Kind.ADMINISTRATION,
        parent=None,
        actor=None,
    )  # a second root: no signal below reaches every unit
    south = make_member(organisation, unit=other_unit)
    nowhere_signal = make_signal(organisation, "Hemtjänstens journal", units=(home_unit,))
    below = make_signal(organisation, "Förvaltningens månadsuppföljning", units=(social,))
    mail.outbox.clear()
    campaign = make_campaign(organisation)
    assert campaign.anonymity_threshold == organisation.anonymity_threshold
    assert set(campaign.unit_parents) == {str(unit.pk) for unit in Unit.objects.filter(organisation=organisation)}
    reached = dict(CampaignSignal.objects.filter(campaign=campaign).values_list("signal_id", "reached_unit_ids"))
    assert set(reached[nowhere_signal.pk]) == {home_unit.pk}
    assert set(reached[below.pk]) == {social.pk, home_unit.pk, other_unit.pk}  # the subtree expanded
    invited = set(CampaignInvitation.objects.filter(campaign=campaign).values_list("membership__user", flat=True))
    assert invited == {employee.pk, south.user.pk}  # the facilitator is on no unit, and no signal reaches every unit
    assert sorted(message.to[0] for message in mail.outbox) == sorted([employee.email, south.user.email])
    assert f"/k/{campaign.public_id}/" in mail.outbox[0].body
    invitation = invitation_of(campaign, employee)
    assert (invitation.unit_id, invitation.level_id, invitation.actor_group_id) == (
        home_unit.pk,
        employee.memberships.get().level_id,
        employee.memberships.get().actor_group_id,
    )
    assert invitation.sent_at is not None
    assert [signal.name for signal in queries.signals_to_rate(campaign, south.unit_id)] == [below.name]
    assert {signal.name for signal in queries.signals_to_rate(campaign, home_unit.pk)} == {
        below.name,
        nowhere_signal.name,
    }
    # A later change of the catalogue does not change whom the campaign asks.
    nowhere_signal.units.set([other_unit])
    assert {signal.name for signal in queries.signals_to_rate(campaign, home_unit.pk)} == {
        below.name,
        nowhere_signal.name,
    }


@pytest.mark.parametrize("chosen", ["none", "every root"])
def test_a_signal_for_the_whole_organisation_reaches_members_on_no_unit(
    organisation, employee, facilitator, social, chosen
):
    whole = make_signal(organisation, "Dokumentation enligt SoL", units=(social,) if chosen == "every root" else ())
    campaign = make_campaign(organisation)
    invited = set(CampaignInvitation.objects.filter(campaign=campaign).values_list("membership__user", flat=True))
    assert {employee.pk, facilitator.pk} <= invited
    assert queries.signals_to_rate(campaign, None) == [whole]


def test_opening_twice_or_after_the_closing_date_is_refused(organisation, employee):
    make_signal(organisation, "Avvikelser")
    campaign = make_campaign(organisation)
    with pytest.raises(SteeringError, match="already opened"):
        actions.launch_campaign(campaign=campaign, site_url=SITE)
    late = make_campaign(
        organisation,
        launched=False,
        opens_on=TODAY() - datetime.timedelta(days=5),
        closes_on=TODAY() - datetime.timedelta(days=1),
    )
    with pytest.raises(SteeringError, match="closing date has passed"):
        actions.launch_campaign(campaign=late, site_url=SITE)
    assert not CampaignInvitation.objects.filter(campaign=late).exists()


def test_reminders_go_only_to_those_who_have_not_rated(organisation, employee, make_member, home_unit):
    other = make_member(organisation, unit=home_unit)
    signal = make_signal(organisation, "Avvikelser")
    campaign = make_campaign(organisation)
    actions.rate(campaign=campaign, token=token_of(campaign, employee), sheet=sheet(signal))
    mail.outbox.clear()
    sent = actions.send_campaign_reminders(campaign=campaign, site_url=SITE)
    assert sent.sent == CampaignInvitation.objects.filter(campaign=campaign, answered=False).count()
    assert employee.email not in [message.to[0] for message in mail.outbox]
    assert other.user.email in [message.to[0] for message in mail.outbox]
    assert token_of(campaign, other.user) in next(m.body for m in mail.outbox if m.to[0] == other.user.email)
    actions.close_campaign(campaign=campaign)
    with pytest.raises(SteeringError, match="while the campaign is open"):
        actions.send_campaign_reminders(campaign=campaign, site_url=SITE)


# Rating ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def rated(organisation, employee, home_unit):
    signal = make_signal(organisation, "Avvikelser")
    campaign = make_campaign(organisation)
    return campaign, signal


def test_a_sheet_waits_in_the_inbox_with_the_raters_groups_only(rated, employee):
    campaign, signal = rated
    actions.rate(campaign=campaign, token=token_of(campaign, employee), sheet=sheet(signal, comment="Onödigt"))
    pending = PendingSheet.objects.get()
    invitation = invitation_of(campaign, employee)
    assert (pending.level_id, pending.actor_group_id) == (invitation.level_id, invitation.actor_group_id)
    assert not hasattr(pending, "unit_id")  # the unit would single out a first-line manager
    assert pending.ratings == [{"signal": signal.pk, "value": 4, "burden": 2, "knows_user": True, "comment": "Onödigt"}]
    assert invitation.answered
    assert invitation.awaiting_mix
    assert not Rating.objects.exists()


def test_a_link_rates_once(rated, employee):
    campaign, signal = rated
    token = token_of(campaign, employee)
    actions.rate(campaign=campaign, token=token, sheet=sheet(signal))
    with pytest.raises(actions.AlreadyRated):
        actions.rate(campaign=campaign, token=token, sheet=sheet(signal))
    assert PendingSheet.objects.count() == 1


@pytest.mark.parametrize(
    "entry",
    [
        SheetEntry(value=0),
        SheetEntry(value=6),
        SheetEntry(burden=-1),
        SheetEntry(burden=True),
        SheetEntry(value=3, knows_user="yes"),  # type: ignore[arg-type]
        SheetEntry(value=3, comment="x" * 1001),
    ],
    ids=["value 0", "value 6", "burden -1", "burden True", "knows not a bool", "comment too long"],
)
def test_bad_ratings_are_refused_and_nothing_stored(rated, employee, entry):
    campaign, signal = rated
    with pytest.raises(SteeringError):
        actions.rate(campaign=campaign, token=token_of(campaign, employee), sheet={signal.public_id: entry})
    assert not PendingSheet.objects.exists()
    assert not invitation_of(campaign, employee).answered


def test_an_empty_sheet_is_refused(rated, employee):
    campaign, signal = rated
    with pytest.raises(SteeringError, match="at least one"):
        actions.rate(campaign=campaign, token=token_of(campaign, employee), sheet={signal.public_id: SheetEntry()})
    assert not invitation_of(campaign, employee).answered


def test_a_signal_that_does_not_reach_the_rater_is_refused(organisation, employee, home_unit, social, other_unit):
    mine = make_signal(organisation, "Hemtjänstens journal", units=(home_unit,))
    theirs = make_signal(organisation, "Söders lista", units=(other_unit,))
    unknown = make_signal(organisation, "Efter öppnandet")
    campaign = make_campaign(organisation)
    unknown_after = make_signal(organisation, "Senare")
    for forged in (theirs, unknown_after):
        with pytest.raises(SteeringError, match="do not match"):
            actions.rate(campaign=campaign, token=token_of(campaign, employee), sheet=sheet(mine, forged))
    assert {s.pk for s in queries.signals_to_rate(campaign, home_unit.pk)} == {mine.pk, unknown.pk}
    with pytest.raises(SteeringError, match="do not match"):
        actions.rate(campaign=campaign, token=token_of(campaign, employee), sheet={uuid.uuid4(): SheetEntry(value=3)})
    assert not PendingSheet.objects.exists()


def test_a_wrong_link_is_refused(rated, employee, other_organisation):
    campaign, signal = rated
    with pytest.raises(SteeringError, match="not valid"):
        actions.rate(campaign=campaign, token="0" * 48, sheet=sheet(signal))
    assert not PendingSheet.objects.exists()


def test_rating_before_the_opening_date_is_refused(organisation, employee):
    signal = make_signal(organisation, "Avvikelser")
    campaign = make_campaign(
        organisation, opens_on=TODAY() + datetime.timedelta(days=2), closes_on=TODAY() + datetime.timedelta(days=9)
    )
    with pytest.raises(SteeringError, match="not opened"):
        actions.rate(campaign=campaign, token=token_of(campaign, employee), sheet=sheet(signal))
    assert not PendingSheet.objects.exists()


def test_rating_after_the_close_is_refused(rated, employee):
    campaign, signal = rated
    token = token_of(campaign, employee)
    actions.close_campaign(campaign=campaign)
    campaign.refresh_from_db()
    with pytest.raises(SteeringError, match="closed"):
        actions.rate(campaign=campaign, token=token, sheet=sheet(signal))
    assert not PendingSheet.objects.exists()
    assert not Rating.objects.exists()


def test_rating_after_the_closing_date_is_refused(rated, employee):
    campaign, signal = rated
    token = token_of(campaign, employee)
    with pytest.raises(SteeringError, match="closed"):
        actions.rate(campaign=end(campaign), token=token, sheet=sheet(signal))


def test_a_stale_campaign_object_cannot_rate_after_the_close(rated, employee):
    campaign, signal = rated
    stale = Campaign.objects.get(pk=campaign.pk)  # loaded before closing: the row lock checks again
    actions.close_campaign(campaign=campaign)
    with pytest.raises(SteeringError, match="closed"):
        actions.rate(campaign=stale, token=token_of(campaign, employee), sheet=sheet(signal))
    assert not Rating.objects.exists()


def test_comments_are_masked(rated, employee):
    campaign, signal = rated
    removed = actions.rate(
        campaign=campaign,
        token=token_of(campaign, employee),
        sheet=sheet(signal, comment="Ring mig på 070-123 45 67 eller skriv till erik@norrby.example"),
    )
    comment = PendingSheet.objects.get().ratings[0]["comment"]
    assert "070" not in comment
    assert "erik@" not in comment
    assert removed


# Closing and sealing ----------------------------------------------------------------------------------------


def test_closing_before_opening_is_refused(organisation):
    campaign = make_campaign(organisation, launched=False)
    with pytest.raises(SteeringError, match="not opened"):
        actions.close_campaign(campaign=campaign)


def test_closing_seals_the_inbox_into_ratings_and_rewrites_the_flags(organisation, make_member, home_unit):
    signals = [make_signal(organisation, f"Signal {n}") for n in range(3)]
    people = [make_member(organisation, unit=home_unit) for _ in range(6)]
    campaign = make_campaign(organisation)
    for number, person in enumerate(people):
        actions.rate(
            campaign=campaign,
            token=token_of(campaign, person.user),
            sheet=sheet(*signals[: 1 + number % 3], value=1 + number % 5),
        )
    expected = sum(1 + number % 3 for number in range(6))
    closed = actions.close_campaign(campaign=campaign)
    assert closed.is_sealed
    assert closed.results_open
    assert not PendingSheet.objects.exists()
    assert Rating.objects.filter(campaign=campaign).count() == expected
    assert all(rating.id.version == 4 for rating in Rating.objects.all())
    answered = CampaignInvitation.objects.filter(campaign=campaign, answered=True)
    assert answered.count() == 6
    assert not CampaignInvitation.objects.filter(awaiting_mix=True).exists()
    assert sorted(Rating.objects.values_list("value", flat=True)) == sorted(
        1 + number % 5 for number in range(6) for _ in range(1 + number % 3)
    )


def test_sealing_shuffles_the_ratings(organisation, make_member, home_unit, monkeypatch):
    signal = make_signal(organisation, "Avvikelser")
    people = [make_member(organisation, unit=home_unit) for _ in range(5)]
    campaign = make_campaign(organisation)
    for number, person in enumerate(people):
        actions.rate(campaign=campaign, token=token_of(campaign, person.user), sheet=sheet(signal, value=number + 1))
    shuffled = []

    class Reversing(secrets.SystemRandom):
        def shuffle(self, items):  # deterministic, and visibly not the order of rating
            shuffled.append([item.value for item in items])
            items.reverse()

    monkeypatch.setattr(campaign_actions.secrets, "SystemRandom", Reversing)
    actions.close_campaign(campaign=campaign)
    assert len(shuffled) == 1
    assert sorted(shuffled[0]) == [1, 2, 3, 4, 5]
    stored = list(Rating.objects.order_by().values_list("value", flat=True))  # the table's own order
    assert stored == list(reversed(shuffled[0]))


def test_sealing_twice_changes_nothing_and_an_open_campaign_is_not_sealed(rated, employee):
    campaign, signal = rated
    actions.rate(campaign=campaign, token=token_of(campaign, employee), sheet=sheet(signal))
    assert not actions.seal_campaign(campaign=campaign).is_sealed
    assert PendingSheet.objects.count() == 1
    actions.close_campaign(campaign=campaign)
    ids = set(Rating.objects.values_list("id", flat=True))
    actions.seal_campaign(campaign=campaign)
    assert set(Rating.objects.values_list("id", flat=True)) == ids


def test_campaigns_past_their_closing_date_are_sealed_by_the_sweep(rated, employee, organisation):
    campaign, signal = rated
    actions.rate(campaign=campaign, token=token_of(campaign, employee), sheet=sheet(signal))
    other = make_campaign(organisation)
    end(campaign)
    done = actions.seal_due_campaigns()
    assert done == actions.Sealing(1, 0)
    campaign.refresh_from_db()
    assert campaign.is_sealed
    assert Rating.objects.filter(campaign=campaign).count() == 1
    other.refresh_from_db()
    assert not other.is_sealed
    assert actions.seal_due_campaigns() == actions.Sealing(0, 0)


def test_the_counts_hide_below_k(organisation, make_member, home_unit):
    signal = make_signal(organisation, "Avvikelser")
    people = [make_member(organisation, unit=home_unit) for _ in range(organisation.anonymity_threshold + 1)]
    campaign = make_campaign(organisation)
    counts = queries.campaign_counts(campaign)
    assert counts.invited == len(people)
    assert counts.answered.hidden
    assert counts.not_answered.hidden
    for person in people[: campaign.k]:
        actions.rate(campaign=campaign, token=token_of(campaign, person.user), sheet=sheet(signal))
    counts = queries.campaign_counts(campaign)
    assert counts.answered.value == campaign.k
    assert counts.not_answered.value == 1
