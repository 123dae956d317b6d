"""Demo rounds of Styrningsbarometern for Exempelkommun (PRODUCT.md 3.5, issue 5).

Built by `seed_demo` after the people exist, with the random generator it passes in, so the answers are
the same on every machine. Three rounds, named after the season they ran in:

- "Styrningsbarometern våren <last year>" (March), closed, on questionnaire version 1: the item bank's
  default items.
- "Styrningsbarometern hösten <last year>" (October), closed, on version 2: the same items plus
  Statskontoret's "Tillit på jobbet" block with its national reference figures, so the questionnaire's
  versions show.
- "Styrningsbarometern <this season>", opened a week ago and closing in three weeks, on version 2; its results
  open when it closes. None of the demo accounts has answered it, so whoever tries the demo can, through their
  personal link or the open link.

Built in autumn 2026, they are "våren 2025", "hösten 2025" and "hösten 2026".

Everyone active in Exempelkommun is in a round's population and has an invitation, as `actions.launch_round`
would make them, but no e-mail is sent: the demo writes the snapshot, the invitations and the answers in bulk,
the answers as responses through personal links, already mixed (in a random order, as `actions.mix_inbox`
leaves them). The closed rounds are then sealed (`actions.seal_round`), as `manage.py seal_rounds` seals a round
whose closing date has passed, so that their results are open.
In each unit every member of staff answered a closed round with a chance of 60–80 % (drawn per unit and round),
and 35–55 % have answered the open one so far. Service users, supervisory bodies and partners are invited like
every member but answer none of the rounds: the questions are about one's own work in the organisation. Each
response carries the unit, level and actor group of a member who answered, and that member's invitation is
marked as answered, so response rates per unit add up.

The demo organisation is small, and the anonymity rules hide more in it than a glance suggests: small units
(Nattpatrullen, the staff departments, the committees) fall below the threshold, and a unit whose own staff
are few hides a child unit too, so that nobody can subtract their way to those few. For the closed rounds the
respondents are therefore drawn again, with the same generator, until the report shows what the demo is there
to show (`Showcase`): Hemtjänst Norr, where the demo manager works, and the politicians' level beside the front
line's, with a small unit suppressed.

The answers follow planted patterns:

- Politicians and managers rate delegation, trust and support higher than the front line does: on delegation
  the gap between the top of the steering chain and the staff is about 20 index points. First-line managers
  sit in between and have least time of all.
- Politicians often answer "vet ej" on items about the daily work with service users.
- From the spring to the autumn round, openness and knowledge improved a little (about 7 index points); the
  open round continues that and shows a first small move on delegation.
- About a third of the respondents wrote something in the open questions, in their own words.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tillit.barometer import actions, tally
from tillit.barometer.models import (
    SCALE_MAX,
    SCALE_MIN,
    Answer,
    Instrument,
    Invitation,
    Item,
    OpenAnswer,
    PopulationCount,
    Response,
    Round,
    Theme,
    pack_scale_answers,
    scale_item_ids,
)
from tillit.core.tokens import hash_token
from tillit.organisations.models import ActorGroup, Membership, Organisation
from tillit.organisations.queries import unit_parents

Group = ActorGroup.Key

LEADER_EMAIL = "processledare@exempelkommun.example"
MANAGER_EMAIL = "chef@exempelkommun.example"
EMPLOYEE_EMAIL = "medarbetare@exempelkommun.example"
POLITICIAN_EMAIL = "politiker@exempelkommun.example"
# The demo accounts (seed_demo.DEMO_ACCOUNTS): they have not answered the open round, so they can.
DEMO_ACCOUNT_EMAILS = frozenset(
    {
        "admin@exempelkommun.example",
        LEADER_EMAIL,
        MANAGER_EMAIL,
        EMPLOYEE_EMAIL,
        POLITICIAN_EMAIL,
    }
)
VALIDATED_BLOCK = "statskontoret_2016"
NAME = "Styrningsbarometern {season} {year}"


@dataclass(frozen=True)
class Plan:
    """One demo round: its dates, how many answered, and how the answers moved since the first round."""

    name: str
    opens_on: datetime.date
    closes_on: datetime.date
    response_rates: tuple[float, float]  # the lowest and highest share of a unit that answered
    change: Mapping[str, float]  # by theme, on the 1–5 scale, against the first round


def season(day: datetime.date) -> str:
    return "våren" if day.month <= 6 else "hösten"


def round_plans(today: datetime.date) -> list[Plan]:
    """The three rounds, oldest first: spring and autumn of last year, closed, and one open now."""
    last_year = today.year - 1
    return [
        Plan(
            name=NAME.format(season="våren", year=last_year),
            opens_on=datetime.date(last_year, 3, 9),
            closes_on=datetime.date(last_year, 3, 29),
            response_rates=(0.6, 0.8),
            change={},
        ),
        Plan(
            name=NAME.format(season="hösten", year=last_year),
            opens_on=datetime.date(last_year, 10, 5),
            closes_on=datetime.date(last_year, 10, 25),
            response_rates=(0.6, 0.8),
            change={Theme.OPENNESS: 0.3, Theme.KNOWLEDGE: 0.3},
        ),
        Plan(
            name=NAME.format(season=season(today), year=today.year),
            opens_on=today - datetime.timedelta(days=7),
            closes_on=today + datetime.timedelta(days=21),
            response_rates=(0.35, 0.55),  # a week into four
            change={Theme.OPENNESS: 0.4, Theme.KNOWLEDGE: 0.35, Theme.DELEGATION: 0.15, Theme.TRUST: 0.1},
        ),
    ]


# The answers ------------------------------------------------------------------------------------------------

# The mean answer of front-line staff in the first round, by theme, on the 1–5 scale.
FRONT_LINE_MEAN: dict[str, float] = {
    Theme.TRUST: 3.3,
    Theme.SERVICE_USER_FOCUS: 3.7,
    Theme.OPENNESS: 2.9,
    Theme.DELEGATION: 2.75,
    Theme.SUPPORT: 2.8,
    Theme.COLLABORATION: 3.2,
    Theme.KNOWLEDGE: 2.9,
    Theme.CAPABILITY: 3.7,
    Theme.PRECONDITIONS: 2.8,
}
# Items that stand out from their theme.
ITEM_SHIFT = {
    "trust_3": 0.3,
    "openness_2": -0.2,
    "delegation_1": -0.2,
    "support_2": -0.3,
    "support_3": -0.2,
    "knowledge_1": 0.5,
    "capability_want": 0.6,
    "capability_dare": -0.5,
    "preconditions_time": -0.5,
    "statskontoret_manager": 0.5,
    "statskontoret_colleagues": 0.7,
}
# How each actor group differs from front-line staff, by theme. The higher up the steering chain, the better
# delegation, trust and support look.
MANAGEMENT: dict[str, float] = {
    Theme.TRUST: 0.6,
    Theme.SERVICE_USER_FOCUS: 0.3,
    Theme.OPENNESS: 0.5,
    Theme.DELEGATION: 0.85,
    Theme.SUPPORT: 0.75,
    Theme.COLLABORATION: 0.3,
    Theme.KNOWLEDGE: 0.4,
    Theme.CAPABILITY: 0.3,
    Theme.PRECONDITIONS: 0.4,
}
GROUP_SHIFT: dict[str, Mapping[str, float]] = {
    Group.POLITICIAN: {**MANAGEMENT, Theme.DELEGATION: 0.9, Theme.PRECONDITIONS: 0.2},
    Group.TOP_MANAGEMENT: {**MANAGEMENT, Theme.DELEGATION: 0.95, Theme.SUPPORT: 0.85},
    Group.MIDDLE_MANAGEMENT: MANAGEMENT,
    Group.FIRST_LINE_MANAGER: {
        Theme.TRUST: 0.3,
        Theme.OPENNESS: 0.2,
        Theme.DELEGATION: 0.45,
        Theme.SUPPORT: 0.3,
        Theme.KNOWLEDGE: 0.2,
        Theme.COLLABORATION: 0.2,
        Theme.PRECONDITIONS: -0.3,
    },
    Group.EMPLOYEE: {},
    Group.SUPPORT_FUNCTION: {Theme.TRUST: 0.2, Theme.DELEGATION: 0.3, Theme.SUPPORT: 0.6, Theme.OPENNESS: 0.1},
}
LEADERSHIP = frozenset({Group.POLITICIAN, Group.TOP_MANAGEMENT, Group.MIDDLE_MANAGEMENT})
OUTSIDERS = frozenset({Group.SERVICE_USER, Group.SUPERVISORY_BODY, Group.PARTNER})
# Items about the daily work with service users: those far from it often do not know.
FRONT_LINE_ITEMS = frozenset(
    {
        "service_user_focus_2",
        "delegation_2",
        "collaboration_2",
        "knowledge_1",
        "capability_can",
        "capability_want",
        "capability_dare",
    }
)
PERSON_SPREAD = 0.35  # how much one respondent differs from their group on every item
ANSWER_SPREAD = 0.65  # and on each item
SKIPPED = 0.01  # the share of items left unanswered
WRITERS = 0.35  # the share of respondents who write in the open questions


def dont_know_share(group: str, code: str) -> float:
    if group == Group.POLITICIAN and code in FRONT_LINE_ITEMS:
        return 0.35
    if group in (Group.TOP_MANAGEMENT, Group.SUPPORT_FUNCTION) and code in FRONT_LINE_ITEMS:
        return 0.12
    return 0.03


def expected_answer(item: Item, group: str, plan: Plan) -> float:
    theme = item.theme
    return (
        FRONT_LINE_MEAN[theme]
        + ITEM_SHIFT.get(item.code, 0.0)
        + GROUP_SHIFT.get(group, {}).get(theme, 0.0)
        + plan.change.get(theme, 0.0)
    )


# Open answers, by question and by where the writer stands: the front line, the leadership, or the support
# functions beside the chain.
FRONT, LEAD, BESIDE = "front", "lead", "beside"

OPEN_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "open_value": {
        FRONT: (
            "När jag får komma till samma brukare flera gånger i veckan lär vi känna varandra, och då märker jag "
            "snabbt om något har förändrats.",
            "Att ha tid att sitta ner en stund och prata, inte bara hinna med det som står i genomförandeplanen.",
            "Kontinuitet. Brukarna blir tryggare när de vet vem som kommer.",
            "Att jag får ändra ordningen på insatserna när brukaren hellre vill duscha på kvällen. Små anpassningar "
            "gör stor skillnad.",
            "Eleverna kommer tillbaka när de märker att vi lyssnar på riktigt och följer upp det vi har lovat.",
            "Att vi kan lösa saker direkt på plats i stället för att skicka frågan vidare och återkomma om en vecka.",
            "Samarbetet med sjuksköterskorna på boendet. När vi pratar ihop oss blir det bättre för de boende.",
            "Anhöriga som får veta vad som händer. Ett kort samtal sparar många oroliga telefonsamtal.",
            "Arbetsplatsträffarna där vi går igenom svåra situationer tillsammans. Man lär sig mycket av kollegorna.",
        ),
        LEAD: (
            "Att medarbetarna känner sig trygga nog att säga till när något inte fungerar för brukaren.",
            "Verksamhetsbesöken. Jag förstår mer av en förmiddag i hemtjänsten än av tio rapporter.",
            "Tydliga mål från nämnden som lämnar utrymme för verksamheten att själv välja hur.",
            "Brukarråden ger oss kunskap som vi inte får någon annanstans.",
        ),
        BESIDE: (
            "Stödfunktionerna gör mest nytta när vi får vara med tidigt, inte bara när något redan har gått fel.",
            "När vi i HR får träffa arbetsgrupperna ute i verksamheten förstår vi bättre vad de behöver av oss.",
            "Korta vägar mellan verksamheten och IT. Ett telefonsamtal löser ofta mer än ett ärende i systemet.",
        ),
    },
    "open_obstacle": {
        FRONT: (
            "Planeringen är så tight att minsta försening förstör resten av passet. Då blir det stress i varje möte.",
            "Dokumentationen tar tid, och vi skriver samma sak i flera system.",
            "Vi måste fråga om lov för saker som borde vara självklara, till exempel att flytta en dusch till en "
            "annan dag.",
            "Många vikarier som inte känner brukarna. Det blir inte samma trygghet.",
            "Besluten tas långt från oss, och vi får veta om förändringar när de redan har börjat gälla.",
            "På natten är vi för få för att hinna mer än det allra nödvändigaste.",
            "Köerna till elevhälsan gör att vi träffar eleverna först när problemen redan har vuxit.",
            "De digitala låsen krånglar ofta, och då står man utanför dörren och väntar medan brukaren blir orolig.",
            "Det är svårt att få tag på rätt person på regionens vårdcentral när något behöver lösas samma dag.",
        ),
        LEAD: (
            "Budgeten styr mer än vi vill, och uppföljningen handlar mest om timmar och kostnader.",
            "Vi har många mål och indikatorer men vet för lite om vad brukarna faktiskt upplever.",
            "Det tar lång tid innan det vi bestämmer i nämnden märks ute i verksamheten, och ännu längre innan vi "
            "får veta hur det blev.",
            "Cheferna har för många medarbetare var för att hinna finnas till hands i vardagen.",
        ),
        BESIDE: (
            "Olika system som inte kan prata med varandra, så samma uppgifter lämnas om och om igen.",
            "Vi får frågorna sent, när besluten redan är fattade och det bara återstår att räkna på dem.",
            "Det är svårt att veta vem man ska vända sig till när flera verksamheter är inblandade.",
        ),
    },
    "open_signal": {
        FRONT: (
            "Minutrapporteringen i hemtjänsten. Den mäter tid men säger ingenting om kvalitet.",
            "Kravet att dokumentera varje avvikelse från planeringen, även när ändringen var det brukaren ville.",
            "Den dubbla rapporteringen, först i verksamhetssystemet och sedan i ett eget kalkylark.",
            "Attestgränserna. Jag borde kunna köpa ett hjälpmedel för några hundra kronor utan att vänta en vecka "
            "på en underskrift.",
            "Nyckeltalet om andel brukartid. Det får oss att springa i stället för att stanna när det behövs.",
            "Månadsrapporten om antal elevkontakter. Ett samtal på en timme räknas lika som ett på fem minuter.",
            "Att varje ändring i schemat måste godkännas av planeraren, även när kollegorna redan har löst det "
            "sinsemellan.",
            "Blanketten vi fyller i efter varje nattbesök. Allt står redan i journalen.",
        ),
        LEAD: (
            "De många detaljerade indikatorerna i internbudgeten. Hälften skulle räcka om vi följde upp dem "
            "ordentligt.",
            "Kvartalsrapporterna till nämnden kunde ersättas av färre men djupare samtal med verksamheterna.",
            "Regeln att alla inköp över en viss summa ska gå via förvaltningsledningen. Den gränsen borde höjas.",
        ),
        BESIDE: (
            "Kravet på separata uppföljningar för varje projekt, när en gemensam uppföljning hade räckt.",
            "Den månatliga prognosen på kontonivå. En gång per kvartal skulle ge samma bild.",
        ),
    },
}


def perspective(group: str) -> str:
    if group in LEADERSHIP:
        return LEAD
    if group in (Group.EMPLOYEE, Group.FIRST_LINE_MANAGER):
        return FRONT
    return BESIDE


# Building ---------------------------------------------------------------------------------------------------


def build_demo_barometer(organisation: Organisation, rng: random.Random) -> list[Round]:
    """Build the demo's three rounds in `organisation`, oldest first, with answers drawn from `rng`."""
    leader = Membership.objects.filter(organisation=organisation, user__email=LEADER_EMAIL).first()
    members = list(
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .select_related("user", "actor_group")
        .order_by("pk")
    )
    showcase = Showcase.of(organisation, members)
    rounds = []
    for number, plan in enumerate(round_plans(timezone.localdate())):
        if number == 1:
            draft = actions.editable_instrument(organisation)
            actions.add_validated_block(instrument=draft, key=VALIDATED_BLOCK)
        round = actions.create_round(
            organisation=organisation,
            name=plan.name,
            opens_on=plan.opens_on,
            closes_on=plan.closes_on,
            created_by=leader,
        )
        _open(round, plan)
        if plan.closes_on < timezone.localdate():
            respondents = _respondents(rng, plan, members, keep_out=frozenset(), wanted=showcase)
        else:  # open: the demo accounts have not answered yet, and nobody sees results before it closes
            respondents = _respondents(rng, plan, members, keep_out=DEMO_ACCOUNT_EMAILS, wanted=None)
        _invite(rng, round, members, {member.pk for member in respondents}, reminded=round.is_closed)
        _answer(rng, round, plan, respondents)
        if round.is_closed:  # as `manage.py seal_rounds` would after its closing date: its results open
            round = actions.seal_round(round=round)
        rounds.append(round)
    return rounds


def _open(round: Round, plan: Plan) -> None:
    """What launch_round does to the round and its questionnaire, dated to the day the round opened."""
    opened_at = _at(plan.opens_on)
    Instrument.objects.filter(pk=round.instrument_id, frozen_at__isnull=True).update(frozen_at=opened_at)
    Instrument.objects.filter(pk=round.instrument_id, created_at__gt=opened_at).update(
        created_at=opened_at - datetime.timedelta(days=30)
    )
    actions.fix_round_context(round)
    Round.objects.filter(pk=round.pk).update(
        opened_at=opened_at,
        created_at=opened_at - datetime.timedelta(days=14),
        anonymity_threshold=round.anonymity_threshold,
        unit_parents=round.unit_parents,
    )
    round.refresh_from_db()


@dataclass(frozen=True)
class Showcase:
    """What a closed demo round's report must show: the whole organisation, the demo manager's unit, and the
    politicians' and the front line's levels side by side, with at least one unit that has answers suppressed.
    Checked with the same anonymity engine as the report, on the respondent counts alone."""

    parents: Mapping[int, int | None]
    k: int
    unit_id: int | None
    level_ids: tuple[int | None, ...]

    @classmethod
    def of(cls, organisation: Organisation, members: list[Membership]) -> Showcase:
        by_email = {member.user.email: member for member in members}
        manager, politician, employee = (
            by_email.get(email) for email in (MANAGER_EMAIL, POLITICIAN_EMAIL, EMPLOYEE_EMAIL)
        )
        return cls(
            parents=unit_parents(organisation),
            k=organisation.anonymity_threshold,
            unit_id=manager.unit_id if manager else None,
            level_ids=tuple(member.level_id for member in (politician, employee) if member),
        )

    def __call__(self, respondents: list[Membership]) -> bool:
        atoms = Counter((member.unit_id, member.level_id, member.actor_group_id) for member in respondents)
        if not atoms:
            return False
        shown = tally.population(self.parents, list(atoms)).disclose(list(atoms.values()), k=self.k)
        answered_units = {unit for unit, _level, _group in atoms if unit is not None}
        return (
            shown.total
            and (self.unit_id is None or shown.shows_unit(self.unit_id))
            and all(shown.shows(0, level) for level in self.level_ids)
            and any(not shown.shows_unit(unit) for unit in answered_units)
        )


MAX_DRAWS = 500


def _respondents(
    rng: random.Random,
    plan: Plan,
    members: list[Membership],
    *,
    keep_out: frozenset[str],
    wanted: Callable[[list[Membership]], bool] | None,
) -> list[Membership]:
    """The members who answered: in every unit each with the same chance, drawn from the plan's range; drawn
    again (at most MAX_DRAWS times) until `wanted` accepts them. Service users, supervisory bodies and partners
    are invited like every member, but the questionnaire is about one's own work in the organisation, and
    none of them answer it."""
    by_unit: dict[int | None, list[Membership]] = defaultdict(list)
    for member in members:
        if member.actor_group.key not in OUTSIDERS and member.user.email not in keep_out:
            by_unit[member.unit_id].append(member)
    for _draw in range(MAX_DRAWS):
        respondents: list[Membership] = []
        for willing in by_unit.values():
            chance = rng.uniform(*plan.response_rates)
            respondents += [member for member in willing if rng.random() < chance]
        if wanted is None or wanted(respondents):
            break
    return sorted(respondents, key=lambda member: member.pk)


def _invite(
    rng: random.Random, round: Round, members: list[Membership], respondents: set[int], *, reminded: bool
) -> None:
    """The population snapshot and the invitations, as launch_round makes them, without sending any e-mail."""
    population = Counter((member.unit_id, member.level_id, member.actor_group_id) for member in members)
    PopulationCount.objects.bulk_create(
        PopulationCount(round=round, unit_id=unit, level_id=level, actor_group_id=group, count=count)
        for (unit, level, group), count in population.items()
    )
    sent_at = round.opened_at
    reminder_at = sent_at + datetime.timedelta(days=7) if sent_at else None
    Invitation.objects.bulk_create(
        Invitation(
            round=round,
            membership=member,
            email=member.user.email,
            token_hash=f"demo-{round.public_id}-{member.pk}",  # replaced below by the link's hash, once ids exist
            unit_id=member.unit_id,
            level_id=member.level_id,
            actor_group_id=member.actor_group_id,
            answered=member.pk in respondents,
            sent_at=sent_at,
            # Reminded: everyone who had not answered by the second week, among them some who answered later.
            reminded_at=reminder_at if reminded and (member.pk not in respondents or rng.random() < 0.4) else None,
        )
        for member in members
        if member.user.email
    )
    invitations = list(Invitation.objects.filter(round=round).only("pk", "round_id"))
    for invitation in invitations:
        invitation.round = round
        invitation.token_hash = hash_token(actions.invitation_token(invitation))
    Invitation.objects.bulk_update(invitations, ["token_hash"], batch_size=500)


def _answer(rng: random.Random, round: Round, plan: Plan, respondents: list[Membership]) -> None:
    items = list(round.instrument.items.all())
    unused_texts = {
        code: {side: rng.sample(texts, len(texts)) for side, texts in sides.items()}
        for code, sides in OPEN_TEXTS.items()
    }
    tendencies = _tendencies(rng, respondents)
    responses, answers, open_answers = [], [], []
    scale_ids = scale_item_ids(round.instrument)
    for member in rng.sample(respondents, len(respondents)):  # no trace of the membership order
        group = member.actor_group.key
        response = Response(
            round=round,
            unit_id=member.unit_id,
            level_id=member.level_id,
            actor_group_id=member.actor_group_id,
            verified=True,  # through the member's personal link
        )
        responses.append(response)
        tendency = tendencies[member.pk]
        writes = rng.random() < WRITERS
        values: dict[int, int | None] = {}
        for item in items:
            if not item.is_scale:
                texts = unused_texts.get(item.code, {}).get(perspective(group), [])
                if writes and texts and rng.random() < 0.6:
                    open_answers.append(OpenAnswer(response=response, item=item, text=texts.pop()))
                continue
            if rng.random() < SKIPPED:
                continue
            if rng.random() < dont_know_share(group, item.code):
                value = actions.DONT_KNOW
            else:
                drawn = expected_answer(item, group, plan) + tendency + rng.gauss(0, ANSWER_SPREAD)
                value = min(SCALE_MAX, max(SCALE_MIN, int(drawn + 0.5)))
            answers.append(Answer(response=response, item=item, value=value))
            values[item.pk] = value
        response.scale_answers = pack_scale_answers(scale_ids, values)
    Response.objects.bulk_create(responses, batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=1000)
    OpenAnswer.objects.bulk_create(open_answers, batch_size=500)


def _tendencies(rng: random.Random, respondents: list[Membership]) -> dict[int, float]:
    """How much each respondent leans above or below their actor group on every item. Centred within each group,
    so that in a group of five the planted differences between groups are not lost to who happened to answer."""
    by_group: dict[int, list[Membership]] = defaultdict(list)
    for member in respondents:
        by_group[member.actor_group_id].append(member)
    tendencies: dict[int, float] = {}
    for group in by_group.values():
        drawn = [rng.gauss(0, PERSON_SPREAD) for _member in group]
        mean = sum(drawn) / len(drawn)
        tendencies.update((member.pk, value - mean) for member, value in zip(group, drawn, strict=True))
    return tendencies


def delete_demo_barometer(organisations: Iterable[Organisation]) -> None:
    """Delete the barometer's rounds and questionnaires: responses, counts and invitations protect units."""
    Round.objects.filter(organisation__in=organisations).delete()
    Instrument.objects.filter(organisation__in=organisations).delete()


def barometer_summary(organisation: Organisation) -> str:
    """Lines for seed_demo's summary: the rounds, and the links to answer the open one."""
    rounds = list(Round.objects.in_organisation(organisation).order_by("opens_on"))
    closed = sum(round.is_closed for round in rounds)
    address = reverse("barometer:list", kwargs={"organisation": organisation.slug})
    lines = [
        f"{len(rounds)} barometer rounds in {organisation.name} ({closed} closed, "
        f"{len(rounds) - closed} open): {settings.SITE_URL}{address}"
    ]
    for round in rounds:
        if not round.accepts_answers:
            continue
        open_link = reverse("barometer:respond_open", args=[round.public_id, round.open_key])
        lines.append(f"  Answer {round.name} through its open link: {settings.SITE_URL}{open_link}")
        invitation = Invitation.objects.filter(round=round, email=EMPLOYEE_EMAIL, answered=False).first()
        if invitation is not None:
            personal = reverse("barometer:respond", args=[round.public_id, actions.invitation_token(invitation)])
            lines.append(f"  ...or as {EMPLOYEE_EMAIL} through the personal link: {settings.SITE_URL}{personal}")
    return "\n".join(lines)


def _at(day: datetime.date, hour: int = 8) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
