"""Demo dialogues for Exempelkommun (Samtal, PRODUCT.md 3.4).

Built by `seed_demo` after the people exist, through tillit.dialogues.actions, with the random
generator it passes in, so the votes are the same on every machine:

- "Vad skapar ett gott möte i hemtjänsten?", an open dialogue that closed yesterday after three
  weeks: about 180 people who joined by the link and said who they are (service users and
  relatives, staff, first-line managers, politicians, some who did not say), 26 statements (8
  seeds, the rest from participants), two more that the moderator rejected, and one that was
  flagged but kept. The votes follow a planted structure: the largest camp wants more time and
  continuity, another efficiency and digital tools, a third the service user's own choice,
  language and relatives' insight. A few statements unite everyone, and politicians and staff
  part ways over the key figures. The analysis is run at the end, so the results page shows the
  groups at once (three with the demo's seed).
- "Hur kan elevhälsan nå fler elever?", an internal dialogue opened three days ago, with
  pre-moderation and no live results: about 20 members have voted a little and two statements
  wait for the moderator. None of the demo accounts has taken part, so whoever tries the demo
  can.

Each person is joined through the actions; the many votes of the open dialogue are then written
in one bulk insert (one vote per participant and statement, as the constraint demands), and the
dates, which the actions set to today, are moved back to the days they happened.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tillit.dialogues import actions, worker
from tillit.dialogues.models import Dialogue, DialogueParticipant, Statement, Vote
from tillit.organisations.models import ActorGroup, Membership, Organisation

Group = ActorGroup.Key
LEADER_EMAIL = "processledare@exempelkommun.example"
# The demo accounts (seed_demo.DEMO_ACCOUNTS) share this domain with every demo person but are the
# only ones with these local parts; they stay out of the internal dialogue so they can take part.
DEMO_ACCOUNT_EMAILS = {
    "admin@exempelkommun.example",
    LEADER_EMAIL,
    "chef@exempelkommun.example",
    "medarbetare@exempelkommun.example",
    "politiker@exempelkommun.example",
}

# The three planted views in the home-care dialogue.
TIME = "time"  # more time and continuity
EFFICIENCY = "efficiency"  # efficiency and digital tools
CHOICE = "choice"  # the service user's choice, language and relatives
VIEWS = (TIME, EFFICIENCY, CHOICE)


@dataclass(frozen=True)
class Stance:
    """How a statement is met: a lean from -1 (all disagree) to 1 (all agree) for each view, then
    shifted for some actor groups whatever their view."""

    text: str
    time: float
    efficiency: float
    choice: float
    by_group: dict[str, float] = field(default_factory=dict)

    def lean(self, view: str, group: str | None) -> float:
        return getattr(self, view) + self.by_group.get(group or "", 0.0)


def shared(text: str, lean: float = 0.85) -> Stance:
    """A statement every view and every actor group agrees with."""
    return Stance(text, lean, lean, lean)


@dataclass(frozen=True)
class Added:
    """A statement a participant adds on day `day` of the dialogue (0 = the day it opened)."""

    stance: Stance
    day: int
    rejected: bool = False
    flagged: bool = False


# Vad skapar ett gott möte i hemtjänsten? ----------------------------------------------------------

HOME_CARE_QUESTION = "Vad skapar ett gott möte i hemtjänsten?"
HOME_CARE_BACKGROUND = (
    "Socialnämnden vill veta vad som gör ett besök av hemtjänsten bra, för den som får hjälpen och för "
    "den som ger den. Svaren används när nämnden ser över hur hemtjänsten planeras och följs upp under "
    "nästa år. Rösta på andras påståenden och skriv gärna egna. Du är anonym: vi sparar inte vem du är, "
    "bara vilken grupp du själv säger att du hör till."
)
HOME_CARE_DAYS = 21  # it was open from 22 days ago until yesterday

POLITICIANS_DISAGREE: dict[str, float] = {Group.POLITICIAN: -0.7, Group.EMPLOYEE: 0.3, Group.FIRST_LINE_MANAGER: 0.1}

HOME_CARE_SEEDS = [
    Stance("Brukaren ska så långt det går träffa samma personal från vecka till vecka.", 0.9, 0.3, -0.4),
    Stance(
        "Personalen har för lite tid hos varje brukare för att hinna prata en stund.",
        0.85,
        -0.5,
        0.2,
        {Group.POLITICIAN: -0.3},
    ),
    Stance("Dokumentationen tar tid som borde gå till brukaren.", 0.8, -0.4, 0.1),
    shared("Brukaren ska själv få bestämma i vilken ordning hjälpen ges under besöket."),
    Stance(
        "Digitala nycklar och planering i mobilen har gjort hemtjänsten bättre för både brukare och personal.",
        -0.6,
        0.85,
        -0.4,
    ),
    shared("Anhöriga ska få besked direkt när en tid ändras eller ett besök ställs in.", 0.8),
    Stance(
        "Brukaren ska själv få välja vilken tid på dagen hjälpen kommer, även om det blir svårare att planera.",
        -0.3,
        -0.6,
        0.9,
    ),
    Stance(
        "Nyckeltalet brukartid styr mot snabba besök i stället för goda möten.",
        0.7,
        -0.4,
        0.2,
        POLITICIANS_DISAGREE,
    ),
]

HOME_CARE_ADDED = [
    Added(shared("Personalen ska hinna läsa på om brukaren innan de kommer dit första gången."), 0),
    Added(
        Stance(
            "Fasta besökstider på minuten gör det svårt att anpassa hjälpen efter hur brukaren mår den dagen.",
            0.8,
            -0.6,
            0.1,
        ),
        0,
    ),
    Added(
        Stance(
            "Det är viktigare att hjälpen kommer på utlovad tid än att det alltid är samma person.", -0.7, 0.3, 0.85
        ),
        1,
    ),
    Added(
        Stance("Fler nattbesök kunde ersättas med tillsyn via kamera, om brukaren själv vill det.", -0.6, 0.8, -0.2),
        2,
    ),
    Added(
        Stance(
            "Gör något åt parkeringen vid Socialförvaltningen, det finns aldrig lediga platser på morgonen.",
            0.0,
            0.0,
            0.0,
        ),
        2,
        rejected=True,
    ),
    Added(
        Stance("Brukare som inte talar svenska ska få personal som talar deras språk när det går.", 0.0, -0.5, 0.9),
        3,
    ),
    Added(
        Stance(
            "Teamen borde själva få lägga sina scheman tillsammans med brukarna.",
            0.8,
            -0.4,
            -0.2,
            {Group.POLITICIAN: -0.3},
        ),
        3,
    ),
    Added(
        Stance(
            "Det är bra att besöken mäts, annars vet ingen vart pengarna tar vägen.",
            -0.5,
            0.85,
            -0.1,
            {Group.POLITICIAN: 0.6, Group.EMPLOYEE: -0.4},
        ),
        4,
    ),
    Added(
        Stance("Anhöriga borde kunna se i en app när besöket är gjort och hur det gick.", -0.5, 0.3, 0.85),
        5,
    ),
    Added(shared("Jag vill kunna ringa till en person som känner mig, inte till en växel.", 0.8), 6),
    Added(
        Stance(
            "Surfplattor för dokumentation hos brukaren sparar tid jämfört med att skriva på kontoret efteråt.",
            -0.3,
            0.8,
            0.0,
        ),
        7,
    ),
    Added(
        Stance(
            "Lena på kvällspasset i Norr är otrevlig mot min pappa och borde inte få jobba kvar.",
            0.0,
            0.0,
            0.0,
        ),
        7,
        rejected=True,
    ),
    Added(
        Stance(
            "Kontaktpersonen ska ha tid att skriva genomförandeplanen tillsammans med brukaren, inte åt hen.",
            0.85,
            -0.1,
            0.5,
        ),
        8,
    ),
    Added(Stance("Hellre färre och längre besök än många korta.", 0.6, -0.3, -0.6), 9),
    Added(
        Stance("Anhöriga ska inte vara med och planera hjälpen om brukaren inte själv vill det.", 0.3, 0.2, -0.8),
        10,
    ),
    Added(shared("Hemtjänsten ska fråga brukaren vad som är ett gott besök och följa upp svaret.", 0.9), 11),
    Added(
        Stance(
            "Ersättning per utförd minut gör att ingen vågar lägga tid på det som inte syns i planeringen.",
            0.75,
            -0.5,
            0.1,
            {Group.POLITICIAN: -0.4, Group.EMPLOYEE: 0.2},
        ),
        12,
    ),
    Added(
        Stance(
            "Politikerna borde själva jobba en vecka i hemtjänsten innan de bestämmer om tiderna.",
            0.6,
            -0.5,
            0.1,
            POLITICIANS_DISAGREE,
        ),
        13,
        flagged=True,
    ),
    Added(
        Stance("Prova ett område där teamen styr sin egen tid och jämför med de andra efter ett år.", 0.7, 0.3, 0.0),
        14,
    ),
    Added(
        Stance("Personalen borde ha tolk i telefonen när de inte förstår vad brukaren säger.", -0.1, 0.2, 0.85),
        16,
    ),
]


@dataclass(frozen=True)
class Crowd:
    """Those who declared `group` (None: did not say): how many, and the share holding each view."""

    group: str | None
    count: int
    views: tuple[float, float, float]  # TIME, EFFICIENCY, CHOICE


HOME_CARE_CROWD = [
    Crowd(Group.SERVICE_USER, 70, (0.45, 0.15, 0.40)),  # service users and their relatives
    Crowd(Group.EMPLOYEE, 50, (0.65, 0.20, 0.15)),
    Crowd(Group.FIRST_LINE_MANAGER, 14, (0.40, 0.45, 0.15)),
    Crowd(Group.POLITICIAN, 12, (0.25, 0.65, 0.10)),
    Crowd(None, 34, (0.45, 0.25, 0.30)),
]

# How many joined on each day of the three weeks, relative: the launch, a piece in the local paper
# on day 7 and a reminder on day 14, each followed by a few quieter days.
HOME_CARE_DAY_WEIGHTS = [14, 10, 7, 5, 4, 3, 2, 12, 8, 5, 4, 3, 2, 2, 9, 6, 4, 3, 2, 2, 1]
# When in the day people answer: service users and relatives in the daytime, staff after their shift.
HOME_CARE_HOURS: dict[str, tuple[int, int]] = {Group.SERVICE_USER: (9, 17), Group.EMPLOYEE: (14, 21)}


@dataclass(frozen=True)
class Visitor:
    """A planned participant of the open dialogue: who they say they are, what they think, when they come."""

    group: str | None
    view: str
    arrives: datetime.datetime
    votes: int


# Hur kan elevhälsan nå fler elever? ---------------------------------------------------------------

STUDENT_HEALTH_QUESTION = "Hur kan elevhälsan nå fler elever?"
STUDENT_HEALTH_BACKGROUND = (
    "Många elever i årskurs 7–9 vet inte vart de ska vända sig när de mår dåligt, och de som hittar dit "
    "får ofta vänta. Vad skulle få fler att söka stöd i tid? Frågan gäller alla som arbetar i kommunen, "
    "inte bara skolan."
)
STUDENT_HEALTH_SEEDS = [
    "Kuratorn och skolsköterskan borde finnas i matsalen och på rasterna, inte bara på sina rum.",
    "Elever ska kunna boka tid hos elevhälsan själva i en app, utan att gå via mentorn.",
    "Elevhälsan borde presentera sig i varje klass i början av varje termin.",
    "Det behövs drop-in-tider utan bokning hos skolsköterskan.",
    "Lärarna behöver mer kunskap om när de ska föra en elev vidare till elevhälsan.",
    "Vårdnadshavare borde få veta mer om vad elevhälsan kan hjälpa till med.",
]
STUDENT_HEALTH_PENDING = [
    "Låt eleverna själva vara med och bestämma hur elevhälsan ska arbeta, till exempel via elevrådet.",
    "Elevhälsan borde samarbeta med fritidsgårdarna så att de finns där eleverna är på kvällarna.",
]
STUDENT_HEALTH_VOTERS = 20
# Those whose work is closest to the question take part first; the rest are drawn at random.
STUDENT_HEALTH_UNITS = ["Elevhälsan", "Utbildningsförvaltningen", "Barn- och utbildningsnämnden"]
# Mean agreement per seed: the visits to classes and drop-in are popular, the app divides.
STUDENT_HEALTH_LEANS = [0.6, 0.0, 0.8, 0.7, 0.5, 0.4]


# Building ---------------------------------------------------------------------------------------


def build_demo_dialogues(organisation: Organisation, rng: random.Random) -> list[Dialogue]:
    """Build the demo's two dialogues in `organisation` (Exempelkommun); `rng` decides every vote."""
    return [build_home_care(organisation, rng), build_student_health(organisation, rng)]


def build_home_care(organisation: Organisation, rng: random.Random) -> Dialogue:
    today = timezone.localdate()
    opens_on = today - datetime.timedelta(days=HOME_CARE_DAYS + 1)
    dialogue = actions.create_dialogue(
        organisation=organisation,
        created_by=_leader(organisation),
        question=HOME_CARE_QUESTION,
        background=HOME_CARE_BACKGROUND,
        access=Dialogue.Access.OPEN,
        moderation=Dialogue.Moderation.POST,
        opens_on=opens_on,
        closes_on=today,  # open while it is being built; closed yesterday once it is done
        seed_statements=[stance.text for stance in HOME_CARE_SEEDS],
    )
    _date_seeds(dialogue, _at(opens_on, 8, 0))
    groups = {group.key: group for group in ActorGroup.objects.in_organisation(organisation)}
    visitors = [
        (
            visitor,
            actions.join_open_dialogue(dialogue=dialogue, actor_group=groups[visitor.group] if visitor.group else None)[
                0
            ],
        )
        for visitor in _plan_visitors(rng, opens_on)
    ]
    _date_participants((participant, visitor.arrives.date()) for visitor, participant in visitors)

    stances = {
        statement.pk: stance for statement, stance in zip(dialogue.statements.all(), HOME_CARE_SEEDS, strict=True)
    }
    available_from = {pk: _at(opens_on, 8, 0) for pk in stances}
    rejected_at: dict[int, datetime.datetime] = {}
    authored: dict[int, int] = {}  # statement pk -> author's participant pk
    added = []
    for spec in HOME_CARE_ADDED:
        author, participant = _author(rng, visitors, opens_on, spec)
        statement = actions.add_statement(participant=participant, text=spec.stance.text)
        written = author.arrives + datetime.timedelta(minutes=rng.randint(3, 12))
        Statement.objects.filter(pk=statement.pk).update(created_at=written)
        Vote.objects.filter(statement=statement).update(voted_at=written)
        stances[statement.pk] = spec.stance
        available_from[statement.pk] = written
        authored[statement.pk] = participant.pk
        if spec.rejected:
            rejected_at[statement.pk] = written + datetime.timedelta(hours=rng.randint(2, 6))
        added.append((spec, statement))

    votes = []
    for visitor, participant in visitors:
        seen = [
            pk
            for pk in stances
            if available_from[pk] < visitor.arrives
            and (pk not in rejected_at or visitor.arrives < rejected_at[pk])
            and authored.get(pk) != participant.pk
        ]
        # Random order, as the dialogue shows them; the seeds have been there longest and are met a little more often.
        seen.sort(key=lambda pk: rng.random() * (0.7 if pk not in authored else 1.0))
        moment = visitor.arrives
        for pk in seen[: visitor.votes]:
            moment += datetime.timedelta(seconds=rng.randint(8, 40))
            value = _vote(rng, stances[pk].lean(visitor.view, visitor.group))
            votes.append(
                Vote(dialogue=dialogue, statement_id=pk, participant=participant, value=value, voted_at=moment)
            )
    Vote.objects.bulk_create(votes, batch_size=1000)

    for spec, statement in added:
        if spec.flagged:
            critic = next(
                participant
                for visitor, participant in visitors
                if visitor.group == Group.POLITICIAN
                and visitor.arrives > available_from[statement.pk]
                and participant.pk != authored[statement.pk]
            )
            actions.flag(participant=critic, statement=statement)
        status = Statement.Status.REJECTED if spec.rejected else Statement.Status.ACCEPTED
        actions.moderate(statement=statement, status=status)

    actions.update_dialogue(dialogue=dialogue, closes_on=today - datetime.timedelta(days=1))
    actions.mark_dirty(dialogue.pk)
    worker.analyse_dialogue(dialogue)
    return dialogue


def _plan_visitors(rng: random.Random, opens_on: datetime.date) -> list[Visitor]:
    """Everyone who will join, in the order they arrive."""
    visitors = []
    for crowd in HOME_CARE_CROWD:
        for _index in range(crowd.count):
            day = rng.choices(range(HOME_CARE_DAYS), weights=HOME_CARE_DAY_WEIGHTS)[0]
            hour = rng.randint(*HOME_CARE_HOURS.get(crowd.group or "", (8, 21)))
            arrives = _at(opens_on + datetime.timedelta(days=day), hour, rng.randint(0, 59))
            view = rng.choices(VIEWS, weights=crowd.views)[0]
            visitors.append(Visitor(crowd.group, view, arrives, _vote_count(rng)))
    visitors.sort(key=lambda visitor: visitor.arrives)
    return visitors


def _vote_count(rng: random.Random) -> int:
    share = rng.random()
    if share < 0.05:
        return 0  # read the question and left
    if share < 0.92:
        return rng.randint(8, 20)
    return rng.randint(21, 30)  # voted on everything there was


def _author(
    rng: random.Random, visitors: list[tuple[Visitor, DialogueParticipant]], opens_on: datetime.date, spec: Added
) -> tuple[Visitor, DialogueParticipant]:
    """Someone who came on the statement's day (or the next with anyone) and holds a view that agrees with it."""
    for day in range(spec.day, HOME_CARE_DAYS):
        date = opens_on + datetime.timedelta(days=day)
        # Those who left at once wrote nothing.
        that_day = [pair for pair in visitors if pair[0].arrives.date() == date and pair[0].votes]
        agreeing = [pair for pair in that_day if spec.stance.lean(pair[0].view, pair[0].group) >= 0.3]
        if agreeing or that_day:
            return rng.choice(agreeing or that_day)
    raise LookupError(f"Nobody came on day {spec.day} or later to write {spec.stance.text!r}.")


def _vote(rng: random.Random, lean: float) -> int:
    """Agree, disagree or pass, for someone leaning `lean` (-1 .. 1), with some noise of their own."""
    lean = max(-1.0, min(1.0, lean + rng.gauss(0, 0.25)))
    passing = 0.08 + 0.15 * (1 - abs(lean))
    draw = rng.random()
    if draw < passing:
        return Vote.Value.PASS
    return Vote.Value.AGREE if draw < passing + (1 - passing) * (1 + lean) / 2 else Vote.Value.DISAGREE


def build_student_health(organisation: Organisation, rng: random.Random) -> Dialogue:
    today = timezone.localdate()
    opens_on = today - datetime.timedelta(days=3)
    dialogue = actions.create_dialogue(
        organisation=organisation,
        created_by=_leader(organisation),
        question=STUDENT_HEALTH_QUESTION,
        background=STUDENT_HEALTH_BACKGROUND,
        access=Dialogue.Access.INTERNAL,
        moderation=Dialogue.Moderation.PRE,
        live_results=False,
        opens_on=opens_on,
        closes_on=today + datetime.timedelta(days=14),
        seed_statements=STUDENT_HEALTH_SEEDS,
    )
    _date_seeds(dialogue, _at(opens_on, 8, 0))
    seeds = list(dialogue.statements.all())
    arrivals = sorted(
        (_at(opens_on + datetime.timedelta(days=rng.randint(0, 2)), rng.randint(7, 18), rng.randint(0, 59)), member.pk)
        for member in _student_health_voters(organisation, rng)  # all before today
    )
    members = Membership.objects.in_bulk([pk for _arrives, pk in arrivals])
    participants = []
    for arrives, member_pk in arrivals:
        participant = actions.participant_for_member(dialogue, members[member_pk], create=True)
        if participant is None:  # cannot happen with create=True
            raise LookupError(f"Membership {member_pk} could not join {dialogue}.")
        participants.append((participant, arrives))
        for statement, lean in rng.sample(list(zip(seeds, STUDENT_HEALTH_LEANS, strict=True)), rng.randint(2, 5)):
            actions.vote(participant=participant, statement=statement, value=_vote(rng, lean))
        DialogueParticipant.objects.filter(pk=participant.pk).update(joined_on=arrives.date())
        Vote.objects.filter(participant=participant).update(voted_at=arrives)
    authors = rng.sample(participants, len(STUDENT_HEALTH_PENDING))
    for (author, arrives), text in zip(authors, STUDENT_HEALTH_PENDING, strict=True):
        statement = actions.add_statement(participant=author, text=text)
        written = arrives + datetime.timedelta(minutes=5)
        Statement.objects.filter(pk=statement.pk).update(created_at=written)
        Vote.objects.filter(statement=statement).update(voted_at=written)
    worker.analyse_dialogue(dialogue)
    return dialogue


def _student_health_voters(organisation: Organisation, rng: random.Random) -> list[Membership]:
    members = list(
        Membership.objects.in_organisation(organisation)
        .exclude(user__email__in=DEMO_ACCOUNT_EMAILS)
        .select_related("unit", "actor_group")
        .order_by("pk")
    )
    close = [member for member in members if member.unit and member.unit.name in STUDENT_HEALTH_UNITS]
    others = [member for member in members if member not in close]
    chosen = close + rng.sample(others, STUDENT_HEALTH_VOTERS - len(close))
    return sorted(chosen, key=lambda member: member.pk)


def dialogue_summary(organisation: Organisation) -> str:
    """A line for seed_demo's summary: how many dialogues, and where to find them."""
    dialogues = Dialogue.objects.in_organisation(organisation).count()
    address = reverse("dialogues:list", kwargs={"organisation": organisation.slug})
    return f"{dialogues} dialogues in {organisation.name}: {settings.SITE_URL}{address}"


def _leader(organisation: Organisation) -> Membership:
    return Membership.objects.get(organisation=organisation, user__email=LEADER_EMAIL)


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _date_seeds(dialogue: Dialogue, opened: datetime.datetime) -> None:
    """The process leader wrote the question and the seed statements a few days before the dialogue opened."""
    Dialogue.objects.filter(pk=dialogue.pk).update(created_at=opened - datetime.timedelta(days=4))
    Statement.objects.filter(dialogue=dialogue, is_seed=True).update(created_at=opened - datetime.timedelta(days=4))


def _date_participants(participants: Iterable[tuple[DialogueParticipant, datetime.date]]) -> None:
    """The actions date every participant today; move each back to the day they came."""
    by_day: dict[datetime.date, list[int]] = {}
    for participant, day in participants:
        by_day.setdefault(day, []).append(participant.pk)
    for day, pks in by_day.items():
        DialogueParticipant.objects.filter(pk__in=pks).update(joined_on=day)
