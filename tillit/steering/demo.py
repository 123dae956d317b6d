"""Demo of Styrsignaler (PRODUCT.md §3.6) for Exempelkommun, built through tillit.steering.actions.

- The inventory (`demo_catalogue.SIGNALS`): twenty signals that reach hemtjänst (Hemtjänst Norr and Söder, with the
  night patrol below Norr) and elevhälsa: implementation plans and social documentation, time registration for the
  payment model, quality-register reporting, national user surveys, targeted-grant reports, monthly internal
  follow-ups, school health records, Skolinspektionen's inspection, and a few of the units' own routines. Each with
  its source, kind of steering, owner and Standard Cost Model estimate; three serve effects of the demo workshops.
- "Styrsignaler i hemtjänst och elevhälsa, hösten": a rating campaign that opened five weeks ago and is closed and
  sealed, so its analysis is open to every member. Most invited staff rated through their personal links; each
  signal's ratings lean as `DemoSignal.leaning` says (the time registration and the monthly reports come out as
  tidstjuvar); managers find the signals a little more useful than staff do, and more often know who uses the data.
  About half the ratings carry a comment, so a signal's comments show where at least k wrote one.
- Sixteen tidstjuv reports in every state: waiting for triage, removed and simplified (with the hours freed, shown
  to every member), kept (required by law, or kept with a reason) and escalated to the administration and to state
  bodies; two escalated reports were then answered by the administration (one removed, one simplified). They came in
  over the last two months, and each decision is dated a week or two after the report or the escalation.

Everything comes from the random generator `seed_demo` passes in, so the demo is the same on every machine.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tillit.organisations import personal_links
from tillit.organisations.models import ActorGroup, Membership, Organisation, Unit
from tillit.steering import actions, queries
from tillit.steering.demo_catalogue import SIGNALS, DemoSignal
from tillit.steering.models import Campaign, CampaignInvitation, CampaignSignal, Owner, Signal, TimeThief
from tillit.workshops import queries as workshop_queries

if TYPE_CHECKING:
    from tillit.workshops.models import Item

__all__ = ["CAMPAIGN_NAME", "build_demo_steering", "delete_demo_steering", "steering_summary"]

CAMPAIGN_NAME = "Styrsignaler i hemtjänst och elevhälsa, hösten"
LEADER_EMAIL = "processledare@exempelkommun.example"
OPENED_DAYS_AGO = 35
OPEN_DAYS = 21
RATING_SHARE = 0.85  # the share of invited members who rate
REPORTED_WITHIN = 60  # days: the reports came in over the last two months
COMMENT_SHARE = 0.45  # the share of ratings with a comment: a signal's comments show once k wrote one
Route = TimeThief.Route
Status = TimeThief.Status


@dataclass(frozen=True)
class DemoReport:
    title: str
    description: str
    unit: str | None
    anonymous: bool
    signal: str | None = None
    # The decisions in order: (route, status, reason, hours freed); empty: waiting for triage.
    decisions: tuple[tuple[str, str, str, Decimal | None], ...] = ()
    owner: str = ""


REPORTS: tuple[DemoReport, ...] = (
    DemoReport(
        "Samma insats registreras i två system",
        "Vi för in varje insats både i verksamhetssystemet och i planeringsverktyget, och de ska stämma mot varandra.",
        "Hemtjänst Söder",
        True,
    ),
    DemoReport(
        "Fyra protokollmallar för samma möte",
        "Elevhälsoteamets protokoll skrivs i fyra mallar med nästan samma innehåll.",
        "Elevhälsan",
        False,
        "Protokoll från elevhälsoteamets veckomöte i fyra mallar",
    ),
    DemoReport(
        "Signeringslistor skrivs ut och skannas in",
        "Listorna skrivs ut varje vecka, signeras för hand och skannas sedan in igen.",
        "Hemtjänst Norr",
        True,
    ),
    DemoReport(
        "Tre enkäter om arbetsmiljön med samma frågor",
        "HR, företagshälsovården och förvaltningen frågar samma sak med några veckors mellanrum.",
        None,
        True,
    ),
    DemoReport(
        "Veckorapporten om lediga tider",
        "Biståndsenheten kan se de lediga tiderna själv.",
        "Hemtjänst Norr",
        False,
        "Veckorapport om lediga besökstider till biståndsenheten",
        ((Route.OURSELVES, Status.REMOVED, "Biståndsenheten ser lediga tider direkt i planeringssystemet.", None),),
    ),
    DemoReport(
        "Körjournal på papper för bilarna",
        "Bilarna har elektronisk körjournal, men vi fyller i pappersjournalen också.",
        "Hemtjänst Söder",
        True,
        None,
        ((Route.OURSELVES, Status.REMOVED, "Pappersjournalen behövs inte längre.", Decimal(40)),),
        "Socialförvaltningen",
    ),
    DemoReport(
        "Månadsrapporten om sjukfrånvaro",
        "Samma siffror finns redan i HR-systemet.",
        "Hemtjänst Norr",
        True,
        "Månadsrapport om sjukfrånvaro och övertid",
        (
            (Route.ADMINISTRATION, Status.ESCALATED, "Förvaltningen äger mallen.", None),
            (Route.ADMINISTRATION, Status.REMOVED, "Förvaltningen hämtar siffrorna ur HR-systemet i stället.", None),
        ),
    ),
    DemoReport(
        "Introduktionschecklistan är för lång",
        "24 punkter för en vikarie som arbetar två veckor.",
        "Hemtjänst Söder",
        False,
        "Introduktionschecklista med 24 punkter för vikarier",
        ((Route.OURSELVES, Status.SIMPLIFIED, "Listan är nu åtta punkter; resten finns i en film.", Decimal(32)),),
    ),
    DemoReport(
        "Avstämning av beviljad tid varje månad",
        "Avvikelserna förklaras varje månad men ingen frågar efter dem.",
        "Hemtjänst Norr",
        True,
        "Månatlig avstämning av beviljad mot utförd tid",
        (
            (Route.ADMINISTRATION, Status.ESCALATED, "Förvaltningen avgör hur ofta avstämningen görs.", None),
            (Route.ADMINISTRATION, Status.SIMPLIFIED, "Avstämningen görs nu en gång i kvartalet.", Decimal(60)),
        ),
    ),
    DemoReport(
        "Frånvarorapporten varje månad",
        "Frånvaron syns redan i skolans system.",
        "Elevhälsan",
        True,
        "Månadsrapport om elevfrånvaro till förvaltningen",
        ((Route.OURSELVES, Status.SIMPLIFIED, "Rapporten görs en gång per termin.", Decimal(20)),),
    ),
    DemoReport(
        "Signering av varje läkemedelsdos",
        "Det tar tid från brukaren.",
        "Hemtjänst Norr",
        True,
        "Läkemedelssignering på signeringslista",
        (
            (
                Route.LAW,
                Status.KEPT,
                "Krävs enligt föreskrifterna om läkemedelshantering; digital signering prövas.",
                None,
            ),
        ),
    ),
    DemoReport(
        "Nyckelkvittensen",
        "Två kvittenser per pass känns onödigt.",
        "Hemtjänst Söder",
        True,
        "Nyckelkvittens två gånger per pass",
        ((Route.KEPT, Status.KEPT, "Behövs för brukarnas säkerhet; ett digitalt nyckelskåp testas i vår.", None),),
    ),
    DemoReport(
        "Journal över korta kontakter i korridoren",
        "Varje kort samtal med en elev ska journalföras.",
        "Elevhälsan",
        False,
        "Dokumentation i elevhälsans journal",
        ((Route.LAW, Status.KEPT, "Patientdatalagen kräver journal; vi förenklar mallen för korta kontakter.", None),),
    ),
    DemoReport(
        "Tidsregistreringen i mobilappen",
        "Appen loggar ut mitt i besöket och registreringarna måste rättas i efterhand.",
        "Hemtjänst Norr",
        True,
        "Tidsregistrering av varje besök i mobilappen",
        ((Route.ADMINISTRATION, Status.ESCALATED, "Ersättningsmodellen beslutas av socialnämnden.", None),),
    ),
    DemoReport(
        "Återrapporteringen av bemanningsbidraget",
        "Samma uppgifter som redan finns i lönesystemet och SCB:s statistik.",
        None,
        True,
        "Återrapportering av statsbidrag för ökad bemanning",
        ((Route.STATE, Status.ESCALATED, "Lyfts med Socialstyrelsen vid nästa dialogmöte.", None),),
    ),
    DemoReport(
        "Redovisningen av elevhälsobidraget",
        "Underlag per tjänst tar en vecka att ta fram.",
        "Elevhälsan",
        True,
        "Ansökan och återrapportering av statsbidrag för elevhälsa",
        ((Route.STATE, Status.ESCALATED, "Lyfts med Skolverket tillsammans med SKR.", None),),
    ),
)


def build_demo_steering(organisation: Organisation, rng: random.Random) -> Campaign:
    """The inventory, a closed and sealed rating campaign, and the tidstjuv reports."""
    leader = Membership.objects.get(organisation=organisation, user__email=LEADER_EMAIL)
    units = {unit.name: unit for unit in Unit.objects.filter(organisation=organisation)}
    effects = {
        effect.title: effect
        for _workshop, found in workshop_queries.effects_for_signals(organisation)
        for effect in found
    }
    signals = {demo.name: _signal(organisation, demo, units, effects) for demo in SIGNALS}
    campaign = _campaign(organisation, leader, rng, signals)
    for report in REPORTS:
        _report(organisation, leader, rng, report, units, signals)
    return campaign


def _signal(organisation: Organisation, demo: DemoSignal, units: dict[str, Unit], effects: dict[str, Item]) -> Signal:
    return actions.create_signal(
        organisation=organisation,
        name=demo.name,
        description=demo.description,
        source=demo.source,
        kind=demo.kind,
        owner_name=demo.owner,
        task=demo.task,
        occurrences_per_year=demo.occurrences,
        minutes_per_occurrence=demo.minutes,
        people=demo.people,
        result_used_by=demo.used_by,
        units=[units[name] for name in demo.units],
        effects=[effects[title] for title in demo.effects if title in effects],
    )


def _campaign(
    organisation: Organisation, leader: Membership, rng: random.Random, signals: dict[str, Signal]
) -> Campaign:
    """The campaign as it went: opened back then (links made, no e-mail sent by the demo), rated through the
    personal links while it was open, then closed on its closing date and sealed."""
    today = timezone.localdate()
    opens_on = today - datetime.timedelta(days=OPENED_DAYS_AGO)
    closes_on = opens_on + datetime.timedelta(days=OPEN_DAYS)
    # It takes ratings until today while the demo rates, then ends on its real closing date.
    campaign = actions.create_campaign(
        organisation=organisation, created_by=leader, name=CAMPAIGN_NAME, opens_on=opens_on, closes_on=today
    )
    _open(campaign, opens_on)
    _rate(campaign, rng, signals)
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=closes_on, closed_at=_at(closes_on + _ONE_DAY))
    return actions.seal_campaign(campaign=Campaign.objects.get(pk=campaign.pk))


_ONE_DAY = datetime.timedelta(days=1)


def _open(campaign: Campaign, opens_on: datetime.date) -> None:
    """What `actions.launch_campaign` does, dated to the day it opened, without sending e-mail."""
    reach = queries.reach_now(campaign.organisation)
    Campaign.objects.filter(pk=campaign.pk).update(
        anonymity_threshold=campaign.organisation.anonymity_threshold,
        unit_parents={str(unit): parent for unit, parent in reach.parents.items()},
        opened_at=_at(opens_on),
    )
    campaign.refresh_from_db()
    CampaignSignal.objects.bulk_create(
        CampaignSignal(campaign=campaign, signal_id=signal_id, reached_unit_ids=sorted(units))
        for signal_id, units in reach.signals.items()
    )
    members = queries.members_reached(campaign.organisation, reach).select_related("user").exclude(user__email="")
    personal_links.create_links(CampaignInvitation, members.order_by("pk"), campaign=campaign)
    CampaignInvitation.objects.filter(campaign=campaign).update(
        sent_at=_at(opens_on), reminded_at=_at(opens_on + 10 * _ONE_DAY)
    )


def _rate(campaign: Campaign, rng: random.Random, signals: dict[str, Signal]) -> None:
    """Most invited members rate every signal that reaches them through their personal link, leaning as the signal's
    `leaning` says; managers rate the follow-ups a little more useful than staff do. The demo accounts' employee
    has rated too, so the analysis is what they helped make."""
    leanings = {signal.public_id: demo.leaning for demo in SIGNALS if (signal := signals.get(demo.name))}
    invitations = CampaignInvitation.objects.filter(campaign=campaign).select_related("actor_group").order_by("pk")
    for invitation in invitations:
        if rng.random() > RATING_SHARE and invitation.email != EMPLOYEE_EMAIL:
            continue
        manager = invitation.actor_group is not None and invitation.actor_group.key in _MANAGERS
        sheet = {
            signal.public_id: _entry(rng, leanings[signal.public_id], manager=manager)
            for signal in queries.signals_to_rate(campaign, invitation.unit_id)
            if signal.public_id in leanings
        }
        if sheet:
            actions.rate(campaign=campaign, token=personal_links.link_token(invitation), sheet=sheet)


_MANAGERS = {ActorGroup.Key.FIRST_LINE_MANAGER, ActorGroup.Key.MIDDLE_MANAGEMENT, ActorGroup.Key.TOP_MANAGEMENT}
EMPLOYEE_EMAIL = "medarbetare@exempelkommun.example"
COMMENTS = (
    "Ingen har någonsin frågat efter uppgifterna.",
    "Samma sak dokumenteras redan i verksamhetssystemet.",
    "Behövs, men mallen kan bli mycket kortare.",
    "Bra för brukarens trygghet.",
    "Tar tid från besöken, särskilt på helgerna.",
    "Vet inte vem som läser rapporten.",
)


def _entry(rng: random.Random, leaning: tuple[float, float, float], *, manager: bool) -> actions.SheetEntry:
    value_mean, burden_mean, knows_share = leaning
    if manager:
        value_mean, knows_share = min(5.0, value_mean + 0.8), min(1.0, knows_share + 0.3)
    return actions.SheetEntry(
        value=None if rng.random() < 0.04 else _on_scale(rng.gauss(value_mean, 0.8)),
        burden=None if rng.random() < 0.04 else _on_scale(rng.gauss(burden_mean, 0.8)),
        knows_user=rng.random() < knows_share,
        comment=rng.choice(COMMENTS) if rng.random() < COMMENT_SHARE else "",
    )


def _on_scale(drawn: float) -> int:
    return max(1, min(5, round(drawn)))


def _at(day: datetime.date, hour: int = 8) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _report(
    organisation: Organisation,
    leader: Membership,
    rng: random.Random,
    report: DemoReport,
    units: dict[str, Unit],
    signals: dict[str, Signal],
) -> TimeThief:
    unit = units[report.unit] if report.unit else None
    reporter = None
    if not report.anonymous and unit is not None:
        reporter = (
            Membership.objects.filter(organisation=organisation, unit=unit).exclude(user__email=LEADER_EMAIL).first()
        )
    time_thief = actions.report_time_thief(
        organisation=organisation,
        title=report.title,
        description=report.description,
        reported_by=reporter,
        unit=unit,
        signal=signals.get(report.signal or ""),
    )
    reported_on = timezone.localdate() - datetime.timedelta(days=rng.randint(REPORTED_WITHIN // 2, REPORTED_WITHIN))
    TimeThief.objects.filter(pk=time_thief.pk).update(reported_on=reported_on)
    for step, (route, status, reason, hours) in enumerate(report.decisions, start=1):
        signal = time_thief.signal
        freed = hours if hours is not None else (signal.hours_per_year if signal and status in _FREEING else None)
        time_thief = actions.triage(
            time_thief=time_thief,
            route=route,
            status=status,
            reason=reason,
            hours_freed=freed.quantize(Decimal("0.1")) if freed is not None else None,
            owner_name=report.owner,
        )
        decided_on = min(timezone.localdate(), reported_on + datetime.timedelta(days=7 * step + rng.randint(0, 6)))
        TimeThief.objects.filter(pk=time_thief.pk).update(decided_on=decided_on)
    return time_thief


_FREEING = {Status.REMOVED, Status.SIMPLIFIED}


def delete_demo_steering(organisations: Iterable[Organisation]) -> None:
    """Delete the part's rows of the demo organisations: owners, ratings and reports protect units and groups."""
    organisations = list(organisations)
    TimeThief.objects.filter(organisation__in=organisations).delete()
    Campaign.objects.filter(organisation__in=organisations).delete()
    Signal.objects.filter(organisation__in=organisations).delete()
    Owner.objects.filter(organisation__in=organisations).delete()


def steering_summary(organisation: Organisation) -> str:
    """A line for seed_demo's summary: the inventory and the campaign's analysis."""
    signals = Signal.objects.filter(organisation=organisation).count()
    address = reverse("steering:catalogue", kwargs={"organisation": organisation.slug})
    lines = [f"{signals} steering signals in {organisation.name}: {settings.SITE_URL}{address}"]
    campaign = Campaign.objects.filter(organisation=organisation, name=CAMPAIGN_NAME).first()
    if campaign is not None:
        analysis = reverse("steering:analysis", kwargs={"campaign": campaign.public_id})
        invited = CampaignInvitation.objects.filter(campaign=campaign).count()
        lines.append(f"  Analysis of the closed rating campaign ({invited} invited): {settings.SITE_URL}{analysis}")
    thieves = reverse("steering:time_thieves", kwargs={"organisation": organisation.slug})
    lines.append(f"  Time thieves and the hours freed: {settings.SITE_URL}{thieves}")
    return "\n".join(lines)
