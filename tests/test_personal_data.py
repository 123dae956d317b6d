"""A person's data exported and erased on request, and each kind of data removed when its retention ends (PRODUCT
§4), over HTTP, through the operator's command and through the daily task."""

from __future__ import annotations

import datetime
import io
import json
import logging

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from tillit.accounts import actions
from tillit.accounts.backends import lockout_key
from tillit.accounts.models import User
from tillit.barometer import actions as barometer_actions
from tillit.barometer.models import Invitation, PendingResponse, Response, Round
from tillit.core import personal_data
from tillit.core.models import DataProtectionEvent
from tillit.core.tasks import apply_retention
from tillit.dialogues import actions as dialogue_actions
from tillit.dialogues.models import DialogueParticipant, Statement, Vote
from tillit.dialogues.queries import member_keys
from tillit.dialogues.tests.conftest import make_dialogue
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import ActorGroup, Membership, Organisation, PendingMembership, Unit
from tillit.workshops import actions as workshop_actions
from tillit.workshops.models import Participant, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation: Organisation, make_member, home_unit: Unit) -> User:
    """Eva: a member of Norrby, invited to a barometer round, in a workshop (with a proposal) and an internal
    dialogue (with a statement and a vote)."""
    return make_member(organisation, unit=home_unit, name="Eva Ek", email="eva.ek@norrby.example").user


@pytest.fixture
def footprint(organisation: Organisation, person: User, facilitator: User, home_unit: Unit) -> dict[str, object]:
    membership = person.memberships.get()
    today = timezone.localdate()
    round = barometer_actions.create_round(
        organisation=organisation,
        name="Barometern 2026",
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=10),
    )
    barometer_actions.launch_round(round=round, site_url="http://testserver")
    round.refresh_from_db()
    workshop = workshop_actions.create_workshop(
        organisation=organisation,
        leader=facilitator.memberships.get(),
        title="Trygg hemtjänst",
        purpose="Trygghet hemma.",
        service_user_group="Äldre",
        units=[home_unit],
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=30),
        guest_places=2,
    )
    workshop_actions.add_members(workshop=workshop, memberships=[membership])
    participant = Participant.objects.get(workshop=workshop, membership=membership)
    workshop_actions.propose(participant=participant, kind="effect", title="Jag vet vem som kommer")
    dialogue = make_dialogue(organisation, facilitator)
    member = dialogue_actions.participant_for_member(dialogue, membership, create=True)
    assert member is not None
    dialogue_actions.add_statement(participant=member, text="Vi behöver fler fasta team.")
    seed = Statement.objects.filter(dialogue=dialogue, is_seed=True).first()
    assert seed is not None
    dialogue_actions.vote(participant=member, statement=seed, value=Vote.Value.AGREE)
    return {"round": round, "workshop": workshop, "dialogue": dialogue, "participant": member}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_download_holds_what_names_the_person_and_nothing_of_anyone_else(person, footprint, employee):
    response = signed_in(person).post(reverse("accounts:download_my_data"), {"password": PASSWORD})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tillit-mina-uppgifter.json"'
    exported = json.loads(response.content)
    assert exported["account"]["email"] == "eva.ek@norrby.example"
    assert exported["account"]["name"] == "Eva Ek"
    assert [m["organisation"] for m in exported["organisations"]["memberships"]] == ["Norrby kommun"]
    invitations = exported["barometer"]["invitations"]
    assert [(i["round"], i["email"], i["answered"]) for i in invitations] == [
        ("Barometern 2026", "eva.ek@norrby.example", False)
    ]
    [workshop] = exported["workshops"]["participations"]
    assert workshop["workshop"] == "Trygg hemtjänst"
    assert workshop["proposed"] == ["Jag vet vem som kommer"]
    [dialogue] = exported["dialogues"]["internal_dialogues"]
    assert dialogue["statements_written"] == ["Vi behöver fler fasta team."]
    seed = Statement.objects.filter(dialogue=footprint["dialogue"], is_seed=True).order_by("number").first()
    assert dialogue["votes"] == [  # writing a statement agrees with it
        {"statement": seed.text, "vote": "agree"},
        {"statement": "Vi behöver fler fasta team.", "vote": "agree"},
    ]
    assert employee.email not in response.content.decode()
    event = DataProtectionEvent.objects.get()
    assert (event.kind, event.channel) == ("export", "self-service")
    assert "eva" not in json.dumps(event.counts)


def test_the_download_needs_the_password_again(person, footprint):
    client = signed_in(person)
    assert Client().post(reverse("accounts:download_my_data"), {"password": PASSWORD}).status_code == 302

    asked = client.get(reverse("accounts:download_my_data"))
    wrong = client.post(reverse("accounts:download_my_data"), {"password": "fel"})

    assert asked.status_code == wrong.status_code == 200
    assert "Lösenordet är fel." in wrong.content.decode()
    assert wrong["Content-Type"].startswith("text/html")
    assert not DataProtectionEvent.objects.exists()


def test_wrong_passwords_count_towards_the_sign_in_lockout(person):
    client = signed_in(person)
    for _attempt in range(5):
        client.post(reverse("accounts:erase_account"), {"password": "gissning"})

    locked = client.post(reverse("accounts:erase_account"), {"password": PASSWORD})

    assert locked.status_code == 429
    assert User.objects.filter(pk=person.pk).exists()
    assert AccessAttempt.objects.filter(username=lockout_key(person.email)).exists()


def test_a_wrong_password_erases_nothing(person, footprint):
    response = signed_in(person).post(reverse("accounts:erase_account"), {"password": "not it"})

    assert response.status_code == 200
    assert "Lösenordet är fel." in response.content.decode()
    assert User.objects.filter(pk=person.pk).exists()
    assert Invitation.objects.filter(email=person.email).count() == 1


def test_erasing_removes_what_names_the_person_and_keeps_their_anonymous_contributions(
    person, footprint, caplog, organisation
):
    membership = person.memberships.get()
    round: Round = footprint["round"]  # type: ignore[assignment]
    invitation = Invitation.objects.get(round=round, membership=membership)
    item = round.instrument.items.filter(kind="scale").first()
    assert item is not None
    barometer_actions.answer_with_invitation(  # her answer through her personal link, waiting in the inbox
        round=round,
        token=barometer_actions.invitation_token(invitation),
        answers=barometer_actions.Answers(scale={item.pk: 4}, open={}),
    )
    invitation.refresh_from_db()
    assert invitation.answered
    AccessAttempt.objects.create(username=lockout_key(person.email), ip_address="192.0.2.1", failures_since_start=1)
    dialogue_participant: DialogueParticipant = footprint["participant"]  # type: ignore[assignment]
    answers_before = Response.objects.count() + PendingResponse.objects.count()
    votes_before = Vote.objects.count()
    client = signed_in(person)

    with caplog.at_level(logging.INFO):
        response = client.post(reverse("accounts:erase_account"), {"password": PASSWORD})

    assert response.status_code == 200
    assert "Ditt konto är raderat" in response.content.decode()
    assert not User.objects.filter(pk=person.pk).exists()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not AccessAttempt.objects.exists()
    invitation.refresh_from_db()
    assert (invitation.email, invitation.membership_id) == ("", None)
    participant = Participant.objects.get(workshop=footprint["workshop"], proposals__title="Jag vet vem som kommer")
    assert participant.membership_id is None
    dialogue_participant.refresh_from_db()
    assert Vote.objects.count() == votes_before
    assert Response.objects.count() + PendingResponse.objects.count() == answers_before == 1
    assert Statement.objects.filter(author=dialogue_participant, text="Vi behöver fler fasta team.").exists()
    # Nothing can find her participation again, even a new membership given the same id.
    assert dialogue_participant.token_hash not in member_keys(footprint["dialogue"].pk, membership.pk)
    event = DataProtectionEvent.objects.get(kind="erasure")
    assert event.channel == "self-service"
    for kind in ("accounts", "barometer_invitations", "dialogue_participations", "workshop_participations"):
        assert event.counts[kind] == 1, kind
    logged = caplog.text + json.dumps(event.counts)
    assert "eva" not in logged.lower()
    # She is signed out: her old session reaches nothing.
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_the_last_administrator_is_asked_to_appoint_another_first(org_admin, organisation):
    response = signed_in(org_admin).post(reverse("accounts:erase_account"), {"password": PASSWORD})

    assert "Utse en annan administratör först" in response.content.decode()
    assert User.objects.filter(pk=org_admin.pk).exists()
    assert Membership.objects.filter(user=org_admin).exists()
    assert not DataProtectionEvent.objects.exists()


def test_the_operator_exports_and_erases_on_request(person, footprint):
    out = io.StringIO()
    call_command("personal_data", "export", "EVA.EK@norrby.example", stdout=out)
    assert json.loads(out.getvalue())["account"]["name"] == "Eva Ek"

    with pytest.raises(CommandError, match="No account"):
        call_command("personal_data", "erase", "nobody@norrby.example", "--yes")
    call_command("personal_data", "erase", "eva.ek@norrby.example", "--yes", stdout=io.StringIO())

    assert not User.objects.filter(email="eva.ek@norrby.example").exists()
    assert list(DataProtectionEvent.objects.order_by("pk").values_list("kind", "channel")) == [
        ("export", "operator"),
        ("erasure", "operator"),
    ]


def test_a_refused_erasure_through_the_command_says_why(org_admin):
    with pytest.raises(CommandError, match="administratör"):
        call_command("personal_data", "erase", org_admin.email, "--yes")
    assert User.objects.filter(pk=org_admin.pk).exists()


def age(model, pks, field: str, days: int) -> None:
    model.objects.filter(pk__in=pks).update(**{field: timezone.now() - datetime.timedelta(days=days)})


def test_each_kind_is_removed_when_its_retention_ends_and_not_before(
    organisation, person, footprint, make_member, facilitator
):
    round: Round = footprint["round"]  # type: ignore[assignment]
    barometer_actions.close_round(round=round)
    age(Round, [round.pk], "closed_at", 91)
    recent = barometer_actions.create_round(
        organisation=organisation,
        name="Barometern 2027",
        opens_on=timezone.localdate() - datetime.timedelta(days=2),
        closes_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    barometer_actions.launch_round(round=recent, site_url="http://testserver")
    barometer_actions.close_round(round=recent)
    workshop: Workshop = footprint["workshop"]  # type: ignore[assignment]
    guest = workshop_actions.join_as_guest(
        code=workshop.guest_code,
        name="Gustav G",
        actor_group=ActorGroup.objects.get(organisation=organisation, key="employee"),
    )
    long_ago = timezone.localdate() - datetime.timedelta(days=366)
    Workshop.objects.filter(pk=workshop.pk).update(starts_on=long_ago - datetime.timedelta(days=30), ends_on=long_ago)
    gone = make_member(organisation, email="gone@norrby.example").user
    organisation_actions.remove_membership(membership=gone.memberships.get())
    age(User, [gone.pk], "last_login", 731)
    left_recently = make_member(organisation, email="recent@norrby.example").user
    organisation_actions.remove_membership(membership=left_recently.memberships.get())
    age(User, [left_recently.pk], "last_login", 100)
    stale = AccessAttempt.objects.create(username="x", ip_address="192.0.2.1", failures_since_start=1)
    AccessAttempt.objects.filter(pk=stale.pk).update(attempt_time=timezone.now() - datetime.timedelta(days=31))
    AccessAttempt.objects.create(username="y", ip_address="192.0.2.2", failures_since_start=1)
    old_event = personal_data.record("export", "operator", {"people": 1})
    age(DataProtectionEvent, [old_event.pk], "happened_at", 1096)

    preview = personal_data.apply_retention(dry_run=True)
    assert preview["invitation_addresses"] == Invitation.objects.filter(round=round).exclude(email="").count() > 0
    assert preview["unused_accounts"] == 1
    assert preview["data_protection_log"] == 1
    assert Invitation.objects.filter(round=round).exclude(email="").exists()  # a preview changes nothing

    removed = apply_retention.call()

    assert removed == preview | {"sign_in_records": removed["sign_in_records"]}
    assert not Invitation.objects.filter(round=round).exclude(email="").exists()
    assert Invitation.objects.filter(round=recent).exclude(email="").exists()
    assert not User.objects.filter(pk=gone.pk).exists()
    assert User.objects.filter(pk=left_recently.pk).exists()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["y"]
    guest.refresh_from_db()
    assert guest.guest_name == ""
    assert not DataProtectionEvent.objects.filter(pk=old_event.pk).exists()
    run = DataProtectionEvent.objects.get(kind="retention")
    assert run.channel == "schedule"
    assert run.counts["unused_accounts"] == 1


@override_settings(RETENTION_DAYS={**personal_data.settings.RETENTION_DAYS, "pending_invitations": 0})
def test_a_kind_set_to_zero_days_is_kept(organisation, make_member):
    someone = make_member(organisation, email="elsewhere@norrby.example").user
    other = organisation_actions.create_organisation(name="Söderby kommun", slug="soderby")
    pending = organisation_actions.add_person(
        organisation=other,
        details=organisation_actions.PersonDetails(
            full_name="Elsa",
            email=someone.email,
            unit=None,
            actor_group=ActorGroup.objects.get(organisation=other, key="employee"),
            level=None,
            role=Membership.Role.PARTICIPANT,
        ),
    )
    assert isinstance(pending, PendingMembership)
    age(PendingMembership, [pending.pk], "created_at", 4000)

    assert "pending_invitations" not in personal_data.apply_retention(dry_run=True)
    personal_data.apply_retention()
    assert PendingMembership.objects.filter(pk=pending.pk).exists()


def test_the_retention_command_previews_every_kind():
    out = io.StringIO()
    call_command("personal_data", "retention", "--dry-run", stdout=out)
    for kind in personal_data.settings.RETENTION_DAYS:
        assert kind in out.getvalue()
    assert not DataProtectionEvent.objects.exists()


def test_leaving_an_organisation_forgets_the_address_on_invitations(person, footprint, facilitator):
    membership = person.memberships.get()
    invitation = Invitation.objects.get(round=footprint["round"], membership=membership)

    organisation_actions.remove_membership(membership=membership)

    invitation.refresh_from_db()
    assert (invitation.email, invitation.membership_id) == ("", None)
    assert Invitation.objects.filter(round=footprint["round"]).count() > 1  # the round's population is unchanged


def test_an_invitation_of_an_earlier_membership_is_found_by_its_address(person, footprint):
    invitation = Invitation.objects.get(round=footprint["round"], membership__user=person)
    Invitation.objects.filter(pk=invitation.pk).update(membership=None)  # as a membership removed before this version

    exported = actions.export_personal_data(person, channel="operator")
    counts = actions.erase_person(person, channel="operator")

    assert [entry["round"] for entry in exported["barometer"]["invitations"]] == ["Barometern 2026"]
    assert counts["barometer_invitations"] == 1
    invitation.refresh_from_db()
    assert invitation.email == ""


def test_erasing_twice_erases_once(person):
    first = actions.erase_person(person, channel="self-service")
    second = actions.erase_person(person, channel="self-service")

    assert first["accounts"] == 1
    assert second == {}
    assert DataProtectionEvent.objects.filter(kind="erasure").count() == 1


# Midday, and half an hour after midnight in Stockholm, when the date there is a day ahead of the date in UTC.
@pytest.mark.parametrize("moment", ["2026-12-03T11:00:00+00:00", "2026-12-03T23:30:00+00:00"])
def test_addresses_go_after_a_round_that_ended_on_its_last_day(organisation, person, footprint, moment):
    round: Round = footprint["round"]  # type: ignore[assignment]
    with time_machine.travel(moment, tick=False):
        Round.objects.filter(pk=round.pk).update(
            opens_on=timezone.localdate() - datetime.timedelta(days=120),
            closes_on=timezone.localdate() - datetime.timedelta(days=91),
        )
        barometer_actions.seal_due_rounds()
        round.refresh_from_db()
        assert round.closed_at is None

        removed = personal_data.apply_retention()

    assert removed["invitation_addresses"] == Invitation.objects.filter(round=round).count() > 0
    assert not Invitation.objects.filter(round=round).exclude(email="").exists()


@pytest.mark.parametrize("moment", ["2026-12-03T11:00:00+00:00", "2026-12-03T23:30:00+00:00"])
def test_guest_names_go_a_year_after_the_workshop_ended_whatever_the_hour(organisation, footprint, moment):
    workshop: Workshop = footprint["workshop"]  # type: ignore[assignment]
    guest = workshop_actions.join_as_guest(
        code=workshop.guest_code,
        name="Gustav G",
        actor_group=ActorGroup.objects.get(organisation=organisation, key="employee"),
    )
    with time_machine.travel(moment, tick=False):
        ended = timezone.localdate() - datetime.timedelta(days=366)
        Workshop.objects.filter(pk=workshop.pk).update(starts_on=ended - datetime.timedelta(days=30), ends_on=ended)

        removed = personal_data.apply_retention()

    guest.refresh_from_db()
    assert removed["workshop_guest_names"] == 1
    assert guest.guest_name == ""


def test_an_invitation_to_join_sent_again_recently_is_kept(organisation, make_member):
    someone = make_member(organisation, email="again@norrby.example").user
    other = organisation_actions.create_organisation(name="Söderby kommun", slug="soderby")
    details = organisation_actions.PersonDetails(
        full_name="Agnes",
        email=someone.email,
        unit=None,
        actor_group=ActorGroup.objects.get(organisation=other, key="employee"),
        level=None,
        role=Membership.Role.PARTICIPANT,
    )
    pending = organisation_actions.add_person(organisation=other, details=details)
    assert isinstance(pending, PendingMembership)
    age(PendingMembership, [pending.pk], "created_at", 200)
    PendingMembership.objects.filter(pk=pending.pk).update(invited_at=timezone.now() - datetime.timedelta(days=2))

    assert personal_data.apply_retention(dry_run=True)["pending_invitations"] == 0
    age(PendingMembership, [pending.pk], "invited_at", 91)
    assert personal_data.apply_retention()["pending_invitations"] == 1
    assert not PendingMembership.objects.filter(pk=pending.pk).exists()


def test_guessing_the_old_password_on_an_open_session_counts_towards_the_lockout(person):
    client = signed_in(person)
    change = {"new_password1": "ett-nytt-långt-lösenord-7", "new_password2": "ett-nytt-långt-lösenord-7"}
    answers = [
        client.post(reverse("accounts:password_change"), {"old_password": "gissning", **change}).status_code
        for _attempt in range(5)
    ]
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure pauses the account, as at sign-in

    locked = client.post(reverse("accounts:password_change"), {"old_password": PASSWORD, **change})

    assert locked.status_code == 429
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_password_changes_with_the_right_old_password(person):
    change = {"old_password": PASSWORD, "new_password1": "ett-nytt-långt-lösenord-7"}
    changed = signed_in(person).post(
        reverse("accounts:password_change"), {**change, "new_password2": change["new_password1"]}
    )

    assert changed.status_code == 302
    person.refresh_from_db()
    assert person.check_password("ett-nytt-långt-lösenord-7")
