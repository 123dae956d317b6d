"""Demo workshops for Exempelkommun (Målnedbrytning, PRODUCT.md 3.2).

Built by `seed_demo` after the people exist, only through tillit.workshops.actions, and with the
random generator it passes in, so the ratings are the same on every machine:

- "Trygg hemtjänst", finished and in the results-and-decisions step: about 25 people from the
  social welfare committee down to the home-care teams, with service users, a relative and the
  health centre as guests. Their ratings differ by level on purpose: the closer to the service
  users someone works, the worse they think things work today. That gap is what the results page
  is for.
- "Elevhälsa som når fram", still gathering proposals: a handful of participants, a few cards,
  no ratings yet.

The dates are relative to the day of seeding, so guests can always join and the demo never looks
stale; only the decisions' follow-up dates are fixed.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tillit.organisations.models import ActorGroup, Membership, Organisation, Unit
from tillit.workshops import actions
from tillit.workshops.models import Item, Participant, Workshop

Group = ActorGroup.Key
Kind = Item.Kind
LEADER_EMAIL = "processledare@exempelkommun.example"
DONT_KNOW_SHARE = 0.1


@dataclass(frozen=True)
class Seat:
    """A member invited to a workshop: the `index`-th member (oldest first) of `group` in `unit`."""

    key: str
    unit: str | None
    group: str
    index: int = 0


@dataclass(frozen=True)
class Guest:
    key: str
    name: str
    group: str


@dataclass(frozen=True)
class Card:
    key: str
    kind: str
    title: str
    proposer: str
    description: str = ""
    duplicate_of: str | None = None
    serves: tuple[str, ...] = ()


@dataclass(frozen=True)
class Effect:
    """How an effect is rated: mean importance (0–4) and achievement (1–5) before each group's view."""

    importance: float
    achievement: float
    importance_by_group: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Contribution:
    """How a linked activity is rated: mean contribution (0–3) before each group's view."""

    mean: float
    by_group: dict[str, float] = field(default_factory=dict)
    dont_know: float = DONT_KNOW_SHARE


# Trygg hemtjänst ------------------------------------------------------------------------------

HOME_CARE_TITLE = "Trygg hemtjänst"
HOME_CARE_PURPOSE = (
    "Äldre som har hemtjänst ska känna sig trygga och ha inflytande över sin vardag. Hjälpen ska utgå "
    "från vad var och en behöver och vill, ges av personal som de känner igen och komma när den är "
    "utlovad. Anhöriga ska kunna lita på att de får veta när något ändras."
)
HOME_CARE_USERS = "Äldre med hemtjänst och deras anhöriga"
HOME_CARE_UNITS = ["Äldreomsorg", "Hemtjänst Norr", "Hemtjänst Söder"]

HOME_CARE_SEATS = [
    Seat("ordforande", "Socialnämnden", Group.POLITICIAN, 0),
    Seat("vice_ordforande", "Socialnämnden", Group.POLITICIAN, 1),
    Seat("ledamot_1", "Socialnämnden", Group.POLITICIAN, 2),
    Seat("ledamot_2", "Socialnämnden", Group.POLITICIAN, 3),
    Seat("ks_ordforande", "Kommunstyrelsen", Group.POLITICIAN, 0),
    Seat("socialchef", "Socialförvaltningen", Group.TOP_MANAGEMENT),
    Seat("verksamhetschef", "Äldreomsorg", Group.MIDDLE_MANAGEMENT),
    Seat("hr_chef", "HR-avdelningen", Group.MIDDLE_MANAGEMENT),
    Seat("enhetschef_norr", "Hemtjänst Norr", Group.FIRST_LINE_MANAGER),
    Seat("enhetschef_soder", "Hemtjänst Söder", Group.FIRST_LINE_MANAGER),
    Seat("usk_norr_1", "Hemtjänst Norr", Group.EMPLOYEE, 0),
    Seat("usk_norr_2", "Hemtjänst Norr", Group.EMPLOYEE, 1),
    Seat("usk_norr_3", "Hemtjänst Norr", Group.EMPLOYEE, 2),
    Seat("planerare", "Hemtjänst Norr", Group.EMPLOYEE, 6),
    Seat("natt", "Nattpatrullen", Group.EMPLOYEE, 0),
    Seat("usk_soder", "Hemtjänst Söder", Group.EMPLOYEE, 0),
    Seat("vardbitrade_soder", "Hemtjänst Söder", Group.EMPLOYEE, 4),
    Seat("kvalitetsutvecklare", "Socialförvaltningen", Group.SUPPORT_FUNCTION),
    Seat("brukarrad", "Socialförvaltningen", Group.SERVICE_USER),
    Seat("anhorigrepresentant", None, Group.SERVICE_USER),
]

HOME_CARE_GUEST_PLACES = 6  # the four below, and room for two more on the day
HOME_CARE_GUESTS = [
    Guest("brukare_1", "Birgit, 86 år, hemtjänst i Norr", Group.SERVICE_USER),
    Guest("brukare_2", "Sven-Erik L.", Group.SERVICE_USER),
    Guest("anhorig", "Anna, dotter till en brukare i Söder", Group.SERVICE_USER),
    Guest("vardcentral", "Leila K., distriktssköterska vid vårdcentralen", Group.PARTNER),
]

HOME_CARE_CARDS = [
    Card("trygg", Kind.GOAL, "Tryggare vardag hemma", "ordforande"),
    Card("inflytande", Kind.GOAL, "Större inflytande över insatserna", "brukarrad"),
    Card("anhoriga", Kind.GOAL, "Anhöriga som kan lita på hemtjänsten", "anhorigrepresentant"),
    Card(
        "vet_vem",
        Kind.EFFECT,
        "Jag vet vem som kommer och när",
        "brukare_1",
        "Det värsta är att sitta och vänta utan att veta om någon kommer.",
        serves=("trygg",),
    ),
    Card(
        "kanner_igen",
        Kind.EFFECT,
        "Jag känner igen personalen",
        "brukare_2",
        "Jag vill inte behöva förklara allt för en ny person varje dag.",
        serves=("trygg",),
    ),
    Card("tid_prata", Kind.EFFECT, "Personalen har tid att prata en stund", "usk_norr_2", serves=("trygg",)),
    Card(
        "som_jag_vill",
        Kind.EFFECT,
        "Jag får hjälp på det sätt jag vill",
        "usk_soder",
        "Till exempel när jag duschar, vad jag äter till frukost och i vilken ordning saker görs.",
        serves=("inflytande",),
    ),
    Card(
        "min_plan",
        Kind.EFFECT,
        "Jag är med och bestämmer vad som står i min plan",
        "kvalitetsutvecklare",
        serves=("inflytande",),
    ),
    Card(
        "anhoriga_far_veta",
        Kind.EFFECT,
        "Mina anhöriga får veta när något ändras",
        "anhorig",
        "Tider, ny personal, eller att mamma verkar sämre än vanligt.",
        serves=("anhoriga",),
    ),
    Card(
        "nar_nagon",
        Kind.EFFECT,
        "Jag når någon som känner mig, också på kvällar och helger",
        "vardcentral",
        serves=("trygg", "anhoriga"),
    ),
    Card("vet_tid", Kind.EFFECT, "Jag vet vilken tid hemtjänsten kommer", "vice_ordforande", duplicate_of="vet_vem"),
    Card(
        "fasta_team",
        Kind.ACTIVITY,
        "Fasta team per område",
        "enhetschef_norr",
        "Varje brukare har ett team på högst sex personer som gör nästan alla besök.",
        serves=("vet_vem", "kanner_igen", "nar_nagon"),
    ),
    Card(
        "kontaktperson",
        Kind.ACTIVITY,
        "Kontaktperson som ringer vid förändring",
        "usk_norr_1",
        "Kontaktpersonen ringer brukaren, och anhöriga som brukaren vill ha med, när tider eller personal ändras.",
        serves=("anhoriga_far_veta", "vet_vem"),
    ),
    Card(
        "genomforandeplan",
        Kind.ACTIVITY,
        "Genomförandeplan som brukaren själv formulerar",
        "enhetschef_soder",
        "Planen skrivs hemma hos brukaren, med brukarens egna ord om hur hjälpen ska ges.",
        serves=("min_plan", "som_jag_vill"),
    ),
    Card(
        "morgonmote",
        Kind.ACTIVITY,
        "Kortare planeringsmöten varje morgon",
        "planerare",
        "Femton minuter stående, så att dagens ändringar är kända innan första besöket.",
        serves=("vet_vem",),
    ),
    Card(
        "overlamning",
        Kind.ACTIVITY,
        "Tid för överlämning mellan pass",
        "natt",
        "Nattpatrullen och dagpersonalen får en kvart ihop för att lämna över det som hänt.",
        serves=("som_jag_vill", "nar_nagon"),
    ),
    Card(
        "digital_plan",
        Kind.ACTIVITY,
        "Digital besöksplan som anhöriga kan se",
        "ks_ordforande",
        serves=("anhoriga_far_veta",),
    ),
    Card(
        "onskade_tider",
        Kind.ACTIVITY,
        "Schema som utgår från brukarnas önskade tider",
        "verksamhetschef",
        serves=("som_jag_vill",),
    ),
    Card("samtal", Kind.ACTIVITY, "Utrymme i schemat för samtal", "usk_norr_3", serves=("tid_prata",)),
    Card(
        "uppfoljning",
        Kind.ACTIVITY,
        "Uppföljningssamtal med brukare och anhörig varannan månad",
        "socialchef",
        serves=("min_plan", "anhoriga_far_veta"),
    ),
    Card(
        "teamet_flyttar",
        Kind.ACTIVITY,
        "Teamet får flytta besök i samråd med brukaren",
        "vardbitrade_soder",
        "Utan att gå via planeraren, så länge insatsen blir gjord samma dag.",
        serves=("som_jag_vill",),
    ),
    Card(
        "samma_personal",
        Kind.ACTIVITY,
        "Samma personal hos samma brukare",
        "ledamot_1",
        duplicate_of="fasta_team",
    ),
]

# Everyone's view of how well things work today, by actor group: the further from the service
# user, the rosier. This spread between levels is what the demo's results should show.
ACHIEVEMENT_BY_GROUP: dict[str, float] = {
    Group.POLITICIAN: 1.2,
    Group.TOP_MANAGEMENT: 1.0,
    Group.MIDDLE_MANAGEMENT: 0.6,
    Group.SUPPORT_FUNCTION: 0.3,
    Group.FIRST_LINE_MANAGER: 0.1,
    Group.PARTNER: -0.2,
    Group.EMPLOYEE: -0.4,
    Group.SERVICE_USER: -0.7,
}
FRONT_LINE = (Group.EMPLOYEE, Group.FIRST_LINE_MANAGER, Group.SERVICE_USER)
STEERING = (Group.POLITICIAN, Group.TOP_MANAGEMENT)

HOME_CARE_EFFECTS = {
    "vet_vem": Effect(3.3, 2.4),
    "kanner_igen": Effect(3.2, 2.2, dict.fromkeys(FRONT_LINE, 0.6)),
    "tid_prata": Effect(2.6, 2.3, {Group.EMPLOYEE: 0.6, Group.SERVICE_USER: 0.5, Group.POLITICIAN: -0.4}),
    "som_jag_vill": Effect(3.3, 2.8, {Group.SERVICE_USER: 0.4}),
    "min_plan": Effect(2.9, 2.6, {Group.POLITICIAN: 0.5, Group.SUPPORT_FUNCTION: 0.5}),
    "anhoriga_far_veta": Effect(2.7, 2.5, {Group.SERVICE_USER: 0.3, Group.PARTNER: 0.5}),
    "nar_nagon": Effect(2.8, 2.9, {Group.PARTNER: 0.8, Group.SERVICE_USER: 0.3}),
}

INTERNAL_WORK_DONT_KNOW = 0.35  # service users often cannot judge the staff's own routines
HOME_CARE_CONTRIBUTIONS = {
    ("fasta_team", "vet_vem"): Contribution(2.3, dict.fromkeys(FRONT_LINE, 0.6)),
    ("fasta_team", "kanner_igen"): Contribution(2.5, dict.fromkeys(FRONT_LINE, 0.8)),
    ("fasta_team", "nar_nagon"): Contribution(2.0, dict.fromkeys(FRONT_LINE, 0.4)),
    ("kontaktperson", "anhoriga_far_veta"): Contribution(2.3, {Group.SERVICE_USER: 0.4}),
    ("kontaktperson", "vet_vem"): Contribution(1.6),
    ("genomforandeplan", "min_plan"): Contribution(2.2, {Group.SERVICE_USER: 0.4}),
    ("genomforandeplan", "som_jag_vill"): Contribution(1.7, {Group.SERVICE_USER: 0.3}),
    ("morgonmote", "vet_vem"): Contribution(1.3, {Group.EMPLOYEE: 0.5}, dont_know=INTERNAL_WORK_DONT_KNOW),
    ("overlamning", "som_jag_vill"): Contribution(1.5, {Group.EMPLOYEE: 0.7}, dont_know=INTERNAL_WORK_DONT_KNOW),
    ("overlamning", "nar_nagon"): Contribution(1.6, {Group.EMPLOYEE: 0.5}, dont_know=INTERNAL_WORK_DONT_KNOW),
    ("digital_plan", "anhoriga_far_veta"): Contribution(
        1.6, {**dict.fromkeys(STEERING, 1.0), Group.EMPLOYEE: -0.5, Group.SERVICE_USER: -0.6}
    ),
    ("onskade_tider", "som_jag_vill"): Contribution(1.8, {Group.SERVICE_USER: 0.5, Group.EMPLOYEE: -0.3}),
    ("samtal", "tid_prata"): Contribution(2.1, {Group.EMPLOYEE: 0.6, Group.POLITICIAN: -0.5}),
    ("uppfoljning", "min_plan"): Contribution(1.7),
    ("uppfoljning", "anhoriga_far_veta"): Contribution(1.5),
    ("teamet_flyttar", "som_jag_vill"): Contribution(1.9, {Group.EMPLOYEE: 0.5, Group.MIDDLE_MANAGEMENT: -0.4}),
}


@dataclass(frozen=True)
class DecisionSpec:
    activity: str
    effect: str
    owner: str
    follow_up: str
    due_on: datetime.date


HOME_CARE_DECISIONS = [
    DecisionSpec(
        "fasta_team",
        "kanner_igen",
        "Enhetschef Hemtjänst Norr tillsammans med teamen",
        "Räkna hur många olika personer som besöker varje brukare under två veckor, och fråga brukarna "
        "om de känner igen den som kommer.",
        datetime.date(2027, 3, 31),
    ),
    DecisionSpec(
        "teamet_flyttar",
        "som_jag_vill",
        "Teamen i Hemtjänst Norr och Söder, med planerarna som stöd",
        "Hur många besök teamen flyttat i samråd med brukaren och om hjälpen ändå gavs samma dag, och vad "
        "brukarna själva berättar vid uppföljningssamtalen.",
        datetime.date(2027, 4, 30),
    ),
    DecisionSpec(
        "genomforandeplan",
        "min_plan",
        "Undersköterskorna som är kontaktpersoner, med stöd av enhetscheferna i Norr och Söder",
        "Läs tio genomförandeplaner per område: står brukarens egna önskemål med, med brukarens ord?",
        datetime.date(2027, 6, 15),
    ),
]


# Elevhälsa som når fram ------------------------------------------------------------------------

STUDENT_HEALTH_TITLE = "Elevhälsa som når fram"
STUDENT_HEALTH_PURPOSE = (
    "Elever ska veta var de får stöd när de mår dåligt eller har det svårt i skolan, och få det i tid, "
    "så att de kan trivas och lära sig."
)
STUDENT_HEALTH_USERS = "Elever i årskurs 7–9 och deras vårdnadshavare"
STUDENT_HEALTH_UNITS = ["Utbildningsförvaltningen", "Elevhälsan"]

STUDENT_HEALTH_SEATS = [
    Seat("bun_ordforande", "Barn- och utbildningsnämnden", Group.POLITICIAN, 0),
    Seat("utbildningschef", "Utbildningsförvaltningen", Group.TOP_MANAGEMENT),
    Seat("enhetschef", "Elevhälsan", Group.FIRST_LINE_MANAGER),
    Seat("kurator_1", "Elevhälsan", Group.EMPLOYEE, 0),
    Seat("kurator_2", "Elevhälsan", Group.EMPLOYEE, 1),
    Seat("skolskoterska", "Elevhälsan", Group.EMPLOYEE, 2),
    Seat("skolpsykolog", "Elevhälsan", Group.EMPLOYEE, 3),
    Seat("specialpedagog", "Elevhälsan", Group.EMPLOYEE, 4),
]

STUDENT_HEALTH_CARDS = [
    Card("mar_bra", Kind.GOAL, "Elever som mår bra och kan lära sig", "bun_ordforande"),
    Card("vet_vem", Kind.EFFECT, "Jag vet vem i elevhälsan jag kan prata med", "kurator_1"),
    Card(
        "samma_vecka",
        Kind.EFFECT,
        "Jag får träffa någon samma vecka som jag ber om det",
        "skolskoterska",
    ),
    Card(
        "slipper_upprepa",
        Kind.EFFECT,
        "Jag slipper berätta samma sak för flera vuxna",
        "specialpedagog",
        "Mentorn och elevhälsan pratar ihop sig, med elevens tillåtelse.",
    ),
    Card(
        "lunch",
        Kind.ACTIVITY,
        "Kurator och skolsköterska äter lunch i matsalen en dag i veckan",
        "kurator_2",
    ),
    Card("klassbesok", Kind.ACTIVITY, "Elevhälsan presenterar sig i varje klass vid terminsstart", "enhetschef"),
    Card("drop_in", Kind.ACTIVITY, "Drop-in-tid hos skolsköterskan utan bokning", "skolpsykolog"),
]


# Building ---------------------------------------------------------------------------------------


def build_demo_workshops(organisation: Organisation, rng: random.Random) -> list[Workshop]:
    """Build the demo's two workshops in `organisation` (Exempelkommun); `rng` decides every rating."""
    return [build_home_care(organisation, rng), build_student_health(organisation)]


def build_home_care(organisation: Organisation, rng: random.Random) -> Workshop:
    today = timezone.localdate()
    workshop = actions.create_workshop(
        organisation=organisation,
        leader=_leader(organisation),
        title=HOME_CARE_TITLE,
        purpose=HOME_CARE_PURPOSE,
        service_user_group=HOME_CARE_USERS,
        units=_units(organisation, HOME_CARE_UNITS),
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=14),
        guest_places=HOME_CARE_GUEST_PLACES,
    )
    people = _invite(workshop, HOME_CARE_SEATS)
    for guest in HOME_CARE_GUESTS:
        people[guest.key] = actions.join_as_guest(
            code=workshop.guest_code, name=guest.name, actor_group=_group(organisation, guest.group)
        )

    cards = _propose(people, HOME_CARE_CARDS)
    actions.set_step(workshop=workshop, step=Workshop.Step.STRUCTURE)
    _structure(cards, HOME_CARE_CARDS)

    actions.set_step(workshop=workshop, step=Workshop.Step.RATE)
    _rate(rng, people, cards)

    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)
    for decision in HOME_CARE_DECISIONS:
        actions.record_decision(
            decided_by=people["leader"],
            activity=cards[decision.activity],
            effect=cards[decision.effect],
            owner=decision.owner,
            follow_up=decision.follow_up,
            due_on=decision.due_on,
        )
    return workshop


def build_student_health(organisation: Organisation) -> Workshop:
    today = timezone.localdate()
    workshop = actions.create_workshop(
        organisation=organisation,
        leader=_leader(organisation),
        title=STUDENT_HEALTH_TITLE,
        purpose=STUDENT_HEALTH_PURPOSE,
        service_user_group=STUDENT_HEALTH_USERS,
        units=_units(organisation, STUDENT_HEALTH_UNITS),
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=40),
    )
    people = _invite(workshop, STUDENT_HEALTH_SEATS)
    _propose(people, STUDENT_HEALTH_CARDS)
    return workshop


def _leader(organisation: Organisation) -> Membership:
    return Membership.objects.get(organisation=organisation, user__email=LEADER_EMAIL)


def _units(organisation: Organisation, names: list[str]) -> list[Unit]:
    units = {unit.name: unit for unit in Unit.objects.in_organisation(organisation).filter(name__in=names)}
    return [units[name] for name in names]


def _group(organisation: Organisation, key: str) -> ActorGroup:
    return ActorGroup.objects.in_organisation(organisation).get(key=key)


def _invite(workshop: Workshop, seats: list[Seat]) -> dict[str, Participant]:
    """The leader and the members in `seats`, by key."""
    members = Membership.objects.in_organisation(workshop.organisation).order_by("pk")
    memberships = []
    for seat in seats:
        in_place = members.filter(unit__name=seat.unit) if seat.unit else members.filter(unit__isnull=True)
        holders = list(in_place.filter(actor_group__key=seat.group))
        if seat.index >= len(holders):
            raise LookupError(f"The demo has no {seat.group} number {seat.index + 1} in {seat.unit or 'no unit'}.")
        memberships.append(holders[seat.index])
    participants = actions.add_members(workshop=workshop, memberships=memberships)
    people = {"leader": Participant.objects.get(workshop=workshop, role=Participant.Role.LEADER)}
    people.update(zip((seat.key for seat in seats), participants, strict=True))
    return people


def _propose(people: dict[str, Participant], cards: list[Card]) -> dict[str, Item]:
    return {
        card.key: actions.propose(
            participant=people[card.proposer], kind=card.kind, title=card.title, description=card.description
        )
        for card in cards
    }


def _structure(items: dict[str, Item], cards: list[Card]) -> None:
    """Merge the duplicates, then link each card to the cards it serves."""
    for card in cards:
        if card.duplicate_of:
            actions.merge_items(keep=items[card.duplicate_of], duplicate=items[card.key])
    for card in cards:
        for target in card.serves:
            actions.link(source=items[card.key], target=items[target])


def _rate(rng: random.Random, people: dict[str, Participant], items: dict[str, Item]) -> None:
    """Every participant rates every effect and, mostly, every link; the values depend on their group. Each
    participant's page is saved at once, as the rating page does."""
    for participant in sorted(people.values(), key=lambda p: p.pk):
        group = participant.actor_group.key
        importance: dict[Item, int | None] = {}
        achievement: dict[Item, int | None] = {}
        contribution: dict[tuple[Item, Item], int | None] = {}
        for key, effect in HOME_CARE_EFFECTS.items():
            rated_importance = effect.importance + effect.importance_by_group.get(group, 0.0) + rng.gauss(0, 0.6)
            rated_achievement = effect.achievement + ACHIEVEMENT_BY_GROUP.get(group, 0.0) + rng.gauss(0, 0.6)
            importance[items[key]] = _on_scale(rated_importance, 0, 4)
            achievement[items[key]] = _on_scale(rated_achievement, 1, 5)
        for (activity_key, effect_key), link in HOME_CARE_CONTRIBUTIONS.items():
            dont_know = link.dont_know if group == Group.SERVICE_USER else DONT_KNOW_SHARE
            value = link.mean + link.by_group.get(group, 0.0) + rng.gauss(0, 0.5)
            if rng.random() < dont_know:
                continue  # "vet ej" is no rating at all
            contribution[items[activity_key], items[effect_key]] = _on_scale(value, 0, 3)
        actions.rate_page(
            participant=participant, importance=importance, achievement=achievement, contribution=contribution
        )


def _on_scale(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def workshop_summary(organisation: Organisation) -> str:
    """Lines for seed_demo's summary: the workshops, where to find them, and how a guest joins the one that takes
    guests."""
    workshops = list(Workshop.objects.filter(organisation=organisation).order_by("starts_on", "pk"))
    address = reverse("workshops:list", kwargs={"organisation": organisation.slug})
    lines = [f"{len(workshops)} workshops in {organisation.name}: {settings.SITE_URL}{address}"]
    for workshop in workshops:
        detail = reverse("workshops:detail", kwargs={"workshop": workshop.public_id})
        lines.append(f"  {workshop.title} ({workshop.get_step_display()}): {settings.SITE_URL}{detail}")
        if workshop.guest_places:
            join = f"{reverse('workshops:join')}?code={workshop.guest_code}"
            lines.append(f"    Guests join with the code {workshop.guest_code}: {settings.SITE_URL}{join}")
    return "\n".join(lines)
