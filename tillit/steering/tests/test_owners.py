"""Owners and lärande tillsyn: the owners' list, an owner's dossier with the latest sealed campaign's figures, its
CSV and PDF, and opening a Samtal with the owner's people."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tillit.dialogues.models import Dialogue, Statement
from tillit.organisations.models import ActorGroup
from tillit.reports.spreadsheets import BOM
from tillit.steering import actions
from tillit.steering.actions import SteeringError
from tillit.steering.dossier import owner_dossier, seed_statements
from tillit.steering.models import Campaign, CampaignSignal, Rating
from tillit.steering.report_pdf import dossier_pdf
from tillit.steering.tests.helpers_thieves import owner, signal

pytestmark = pytest.mark.django_db


def _escalate(organisation, title, linked=None, owner_name=""):
    thief = actions.report_time_thief(organisation=organisation, title=title, signal=linked)
    actions.triage(time_thief=thief, route="state", status="escalated", owner_name=owner_name)
    return thief


def _sealed_campaign(organisation, rated, *, raters, value=1, burden=5, knows=False, comment="Ingen läser det"):
    now = timezone.now()
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        organisation=organisation,
        name="Våren 2026",
        opens_on=today - datetime.timedelta(days=20),
        closes_on=today - datetime.timedelta(days=1),
        opened_at=now - datetime.timedelta(days=20),
        closed_at=now - datetime.timedelta(days=1),
        sealed_at=now,
        anonymity_threshold=organisation.anonymity_threshold,
    )
    for one in rated:
        CampaignSignal.objects.create(campaign=campaign, signal=one, reached_unit_ids=[])
        Rating.objects.bulk_create(
            Rating(campaign=campaign, signal=one, value=value, burden=burden, knows_user=knows, comment=comment)
            for _ in range(raters)
        )
    return campaign


@pytest.fixture
def escalated(organisation):
    """Kvalitetsregistret, escalated to Socialstyrelsen, with one more escalated tidstjuv without a signal."""
    linked = signal(organisation)  # 312 hours a year
    _escalate(organisation, "Veckorapport till registret", linked)
    _escalate(organisation, "Blankett om statsbidrag", owner_name="Socialstyrelsen")
    return linked


# The list and the page -------------------------------------------------------------------------------------------


def test_owners_list_for_every_member(english, organisation, employee, escalated):
    signal(organisation, "Månadsuppföljning", owned_by="Socialförvaltningen", minutes="30", times="12", people=10)
    english.force_login(employee)
    page = english.get(reverse("steering:owners", kwargs={"organisation": organisation.slug}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Socialstyrelsen" in html
    assert "Socialförvaltningen" in html
    assert "312" in html
    assert "60" in html
    assert (
        reverse("steering:owner", kwargs={"owner": escalated.owner.public_id}) not in html
    )  # the dossier is for process leaders


def test_empty_owners_list(english, organisation, employee):
    english.force_login(employee)
    page = english.get(reverse("steering:owners", kwargs={"organisation": organisation.slug}))
    assert "No owners yet" in page.content.decode()


def test_the_owners_dossier_is_for_process_leaders(english, organisation, employee, outsider, escalated):
    for view in ("owner", "owner_csv", "owner_pdf", "open_dialogue"):
        url = reverse(f"steering:{view}", kwargs={"owner": escalated.owner.public_id})
        english.force_login(employee)
        assert english.get(url).status_code == 403
        english.force_login(outsider)
        assert english.get(url).status_code == 404


def test_dossier_without_a_campaign(organisation, escalated):
    dossier = owner_dossier(escalated.owner)
    assert [one.name for one in dossier.signals] == ["Kvalitetsregister"]
    assert dossier.signals[0].escalated
    assert dossier.signals[0].raters is None
    assert [thief.title for thief in dossier.thieves] == [
        "Blankett om statsbidrag",
        "Veckorapport till registret",
    ]  # on the same day: by title
    assert dossier.campaign == ""


def test_dossier_with_the_latest_sealed_campaigns_figures(organisation, escalated):
    candidate = signal(organisation, "Nationell brukarundersökning", minutes="20", times="1", people=40)
    fine = signal(organisation, "Avvikelserapportering", minutes="15", times="4", people=20)
    _sealed_campaign(organisation, [escalated, candidate], raters=organisation.anonymity_threshold)
    _sealed_campaign(organisation, [fine], raters=organisation.anonymity_threshold, value=5, burden=1, knows=True)
    Campaign.objects.filter(name="Våren 2026").update(sealed_at=timezone.now() - datetime.timedelta(days=3))
    latest = Campaign.objects.order_by("-sealed_at").first()
    # The latest sealed campaign rated only "Avvikelserapportering", well: it is no candidate and not escalated.
    dossier = owner_dossier(escalated.owner)
    assert dossier.campaign == latest.name
    assert [one.name for one in dossier.signals] == ["Kvalitetsregister"]
    assert dossier.signals[0].raters is None  # not in the latest campaign


def test_dossier_lists_candidates_with_ratings_and_comments(organisation, escalated):
    candidate = signal(organisation, "Nationell brukarundersökning", minutes="20", times="1", people=40)
    signal(organisation, "Annans signal", owned_by="SKR")
    _sealed_campaign(organisation, [escalated, candidate], raters=organisation.anonymity_threshold)
    dossier = owner_dossier(escalated.owner)
    by_name = {one.name: one for one in dossier.signals}
    assert set(by_name) == {"Kvalitetsregister", "Nationell brukarundersökning"}
    rated = by_name["Nationell brukarundersökning"]
    assert rated.candidate
    assert rated.time_thief
    assert not rated.escalated
    assert rated.mean_burden.value == 5
    assert rated.raters.value == organisation.anonymity_threshold
    assert (
        rated.comments == ("Ingen läser det",) * organisation.anonymity_threshold or "Ingen läser det" in rated.comments
    )


def test_too_few_raters_stay_hidden_everywhere(english, organisation, facilitator, escalated):
    _sealed_campaign(organisation, [escalated], raters=organisation.anonymity_threshold - 1, comment="Hemlig kommentar")
    dossier = owner_dossier(escalated.owner)
    only = dossier.signals[0]
    assert only.mean_burden.hidden
    assert only.raters.hidden
    english.force_login(facilitator)
    for view in ("owner", "owner_csv"):
        content = english.get(reverse(f"steering:{view}", kwargs={"owner": escalated.owner.public_id})).content
        assert "Hemlig kommentar" not in content.decode("utf-8-sig")
    assert b"Hemlig kommentar" not in dossier_pdf(dossier, compress=False)


def test_the_owners_page(english, organisation, facilitator, escalated):
    english.force_login(facilitator)
    page = english.get(reverse("steering:owner", kwargs={"owner": escalated.owner.public_id}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kvalitetsregister" in html
    assert "Blankett om statsbidrag" in html
    assert "Open the dialogue and send the invitations" in html


# Exports ---------------------------------------------------------------------------------------------------------


def test_the_csv_export(english, organisation, facilitator, employee, escalated):
    thief = _escalate(organisation, '=HYPERLINK("x")', escalated)
    del thief
    actions.report_time_thief(
        organisation=organisation, title="Med namn", signal=escalated, reported_by=employee.memberships.get()
    )
    _sealed_campaign(organisation, [escalated], raters=organisation.anonymity_threshold)
    english.force_login(facilitator)
    response = english.get(reverse("steering:owner_csv", kwargs={"owner": escalated.owner.public_id}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "tillsyn-socialstyrelsen.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    lines = text[1:].splitlines()
    assert lines[0] == "Owner;Socialstyrelsen"
    row = next(line for line in lines if line.startswith("Kvalitetsregister;"))
    cells = row.split(";")
    assert cells[1] == "escalated, time thief in the ratings"
    assert cells[4] == "312,0"  # hours a year, decimal comma
    assert cells[5] == str(organisation.anonymity_threshold)
    assert (cells[6], cells[7], cells[8]) == ("1,0", "5,0", "0,0")
    assert "Ingen läser det" in cells[9]
    assert "Veckorapport till registret" in text
    assert "Blankett om statsbidrag" in text
    assert "'=HYPERLINK" in text  # the formula guard
    assert "Med namn" not in text  # pending: not escalated
    assert employee.full_name not in text


def test_the_pdf_export(english, organisation, facilitator, escalated):
    _sealed_campaign(organisation, [escalated], raters=organisation.anonymity_threshold)
    english.force_login(facilitator)
    response = english.get(reverse("steering:owner_pdf", kwargs={"owner": escalated.owner.public_id}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = dossier_pdf(owner_dossier(escalated.owner), compress=False)
    for expected in (b"Kvalitetsregister", b"Veckorapport till registret", b"Blankett om statsbidrag", b"Ingen l"):
        assert expected in text


def test_an_empty_dossier_exports(english, organisation, facilitator):
    lonely = owner(organisation, "Skolverket")
    english.force_login(facilitator)
    assert english.get(reverse("steering:owner_csv", kwargs={"owner": lonely.public_id})).status_code == 200
    assert english.get(reverse("steering:owner_pdf", kwargs={"owner": lonely.public_id})).status_code == 200
    page = english.get(reverse("steering:owner", kwargs={"owner": lonely.public_id}))
    assert "No time thief is escalated to this owner." in page.content.decode()


# A Samtal with the owner -----------------------------------------------------------------------------------------


def _open(english, owner_row, **data):
    values = {
        "question": "Vad hjälper mötet med brukaren?",
        "addresses": "handlaggare@socialstyrelsen.se, chef@socialstyrelsen.se\nhandlaggare@socialstyrelsen.se",
        "actor_group": "supervisory_body",
        "closes_on": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
    } | data
    return english.post(reverse("steering:open_dialogue", kwargs={"owner": owner_row.public_id}), values)


def test_opening_a_dialogue_with_the_owner(english, organisation, facilitator, escalated):
    english.force_login(facilitator)
    response = _open(english, escalated.owner)
    dialogue = Dialogue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dialogues:moderate", kwargs={"dialogue": dialogue.public_id})
    assert dialogue.access == Dialogue.Access.OPEN
    assert dialogue.organisation == organisation
    assert dialogue.question == "Vad hjälper mötet med brukaren?"
    seeds = list(Statement.objects.filter(dialogue=dialogue).order_by("number").values_list("text", flat=True))
    assert seeds == seed_statements(owner_dossier(escalated.owner))
    assert len(seeds) == 3
    assert "Kvalitetsregister" in seeds[0]
    assert "312" in seeds[0]
    assert "Blankett om statsbidrag" in seeds[1]
    assert all(Statement.objects.get(text=text).is_seed for text in seeds)
    [message] = mail.outbox
    assert sorted(message.bcc) == ["chef@socialstyrelsen.se", "handlaggare@socialstyrelsen.se"]
    group = ActorGroup.objects.get(organisation=organisation, key="supervisory_body")
    assert f"?grupp={group.public_id}" in message.body
    assert dialogue.invited_at is not None


def test_the_link_preselects_the_group(english, organisation, facilitator, escalated):
    english.force_login(facilitator)
    _open(english, escalated.owner, actor_group="partner")
    dialogue = Dialogue.objects.get()
    group = ActorGroup.objects.get(organisation=organisation, key="partner")
    english.logout()
    page = english.get(
        reverse("dialogues:participate", kwargs={"dialogue": dialogue.public_id}), {"grupp": group.public_id}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{group.pk}" selected>' in html


def test_the_partner_group_is_added_when_missing(organisation, facilitator, escalated):
    ActorGroup.objects.filter(organisation=organisation, key="partner").delete()
    dialogue = actions.open_owner_dialogue(
        owner=escalated.owner,
        created_by=facilitator.memberships.get(),
        question="Vad hjälper?",
        addresses=["a@example.se"],
        actor_group="partner",
        site_url="https://tillit.example",
    )
    assert ActorGroup.objects.filter(organisation=organisation, key="partner").exists()
    assert dialogue.statements.count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"addresses": "inte en adress"}, "not e-mail addresses"),
        ({"addresses": ""}, "This field is required"),
        ({"actor_group": "politician"}, "valid choice"),
        ({"closes_on": "2001-01-01"}, "cannot close before today"),
        ({"question": ""}, "This field is required"),
    ],
)
def test_bad_dialogue_input_is_422(english, organisation, facilitator, escalated, data, message):
    english.force_login(facilitator)
    response = _open(english, escalated.owner, **data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Dialogue.objects.exists()
    assert not mail.outbox


def test_nothing_to_talk_about(english, organisation, facilitator):
    lonely = owner(organisation, "Skolverket")
    english.force_login(facilitator)
    with pytest.raises(SteeringError, match="Nothing is escalated"):
        actions.open_owner_dialogue(
            owner=lonely,
            created_by=None,
            question="?",
            addresses=["a@example.se"],
            actor_group="partner",
            site_url="",
        )
    response = _open(english, lonely)
    assert response.status_code == 422
    assert not Dialogue.objects.exists()


def test_a_mail_failure_stores_no_dialogue(english, organisation, facilitator, escalated):
    english.force_login(facilitator)
    with mock.patch("tillit.dialogues.actions.send_blind", return_value=False):
        response = _open(english, escalated.owner)
    assert response.status_code == 422
    assert "could not be sent" in response.content.decode()
    assert not Dialogue.objects.exists()
    assert not Statement.objects.exists()
