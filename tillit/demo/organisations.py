"""The demo organisations: Exempelkommun and Norrdala samordningsförbund, their units and their people.

Everything is made through `tillit.organisations.actions` with a fixed seed, so the demo is the same on every
machine. The parts' demo content (workshops, dialogues, barometer rounds) is built on top of these people by
`tillit.demo.seeding`.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from faker import Faker

from tillit.accounts.models import User
from tillit.organisations import actions
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit

SEED = 2026
DEMO_PASSWORD = "tillit-demo-2026"  # noqa: S105 - published on purpose: it is printed for every developer
EXEMPELKOMMUN = ("Exempelkommun", "exempelkommun")
NORRDALA = ("Norrdala samordningsförbund", "norrdala")
DEMO_SLUGS = (EXEMPELKOMMUN[1], NORRDALA[1])
EXEMPELKOMMUN_DOMAIN = "exempelkommun.example"
NORRDALA_DOMAIN = "norrdala.example"

Group = ActorGroup.Key
Kind = Unit.Kind
Role = Membership.Role


@dataclass(frozen=True)
class Post:
    """A kind of position in a demo organisation, held by `count` people."""

    title: str
    unit: str | None
    actor_group: str
    rank: int | None
    count: int = 1
    role: str = Role.PARTICIPANT


@dataclass(frozen=True)
class DemoAccount:
    """A well-known person with the demo password."""

    email: str
    full_name: str
    post: Post


# (name, kind, parent). The political organisation and the administrations are
# separate trees, as in most Swedish municipalities' organisation charts.
EXEMPELKOMMUN_UNITS = [
    ("Kommunfullmäktige", Kind.POLITICAL_BODY, None),
    ("Kommunstyrelsen", Kind.POLITICAL_BODY, "Kommunfullmäktige"),
    ("Socialnämnden", Kind.POLITICAL_BODY, "Kommunfullmäktige"),
    ("Barn- och utbildningsnämnden", Kind.POLITICAL_BODY, "Kommunfullmäktige"),
    ("Kommunledningskontoret", Kind.ADMINISTRATION, None),
    ("HR-avdelningen", Kind.DEPARTMENT, "Kommunledningskontoret"),
    ("Ekonomiavdelningen", Kind.DEPARTMENT, "Kommunledningskontoret"),
    ("IT-avdelningen", Kind.DEPARTMENT, "Kommunledningskontoret"),
    ("Socialförvaltningen", Kind.ADMINISTRATION, None),
    ("Äldreomsorg", Kind.DEPARTMENT, "Socialförvaltningen"),
    ("Hemtjänst Norr", Kind.SECTION, "Äldreomsorg"),
    ("Nattpatrullen", Kind.TEAM, "Hemtjänst Norr"),
    ("Hemtjänst Söder", Kind.SECTION, "Äldreomsorg"),
    ("Särskilt boende Lindgården", Kind.SECTION, "Äldreomsorg"),
    ("Utbildningsförvaltningen", Kind.ADMINISTRATION, None),
    ("Elevhälsan", Kind.SECTION, "Utbildningsförvaltningen"),
]

# Support staff, service users and outside bodies stand beside the steering
# chain rather than in it, so they have no level (rank None).
ADMIN = DemoAccount(
    "admin@exempelkommun.example",
    "Maria Lindqvist",
    Post("systemförvaltare", "IT-avdelningen", Group.SUPPORT_FUNCTION, None, role=Role.ADMIN),
)
PROCESS_LEADER = DemoAccount(
    "processledare@exempelkommun.example",
    "Johan Ekström",
    Post("utvecklingsledare", "Kommunledningskontoret", Group.SUPPORT_FUNCTION, None, role=Role.FACILITATOR),
)
MANAGER = DemoAccount(
    "chef@exempelkommun.example",
    "Fatima Hassan",
    Post("enhetschef", "Hemtjänst Norr", Group.FIRST_LINE_MANAGER, 4),
)
EMPLOYEE = DemoAccount(
    "medarbetare@exempelkommun.example",
    "Jonas Nilsson",
    Post("undersköterska", "Hemtjänst Norr", Group.EMPLOYEE, 5),
)
POLITICIAN = DemoAccount(
    "politiker@exempelkommun.example",
    "Karin Sjöberg",
    Post("ordförande", "Socialnämnden", Group.POLITICIAN, 1),
)
DEMO_ACCOUNTS = [ADMIN, PROCESS_LEADER, MANAGER, EMPLOYEE, POLITICIAN]

EXEMPELKOMMUN_POSTS = [
    Post("kommunstyrelsens ordförande", "Kommunstyrelsen", Group.POLITICIAN, 1),
    Post("oppositionsråd", "Kommunstyrelsen", Group.POLITICIAN, 1),
    Post("vice ordförande", "Socialnämnden", Group.POLITICIAN, 1),
    Post("ledamot", "Socialnämnden", Group.POLITICIAN, 1, count=2),
    Post("ordförande", "Barn- och utbildningsnämnden", Group.POLITICIAN, 1),
    Post("ledamot", "Barn- och utbildningsnämnden", Group.POLITICIAN, 1),
    Post("kommundirektör", "Kommunledningskontoret", Group.TOP_MANAGEMENT, 2),
    Post("socialchef", "Socialförvaltningen", Group.TOP_MANAGEMENT, 2),
    Post("utbildningschef", "Utbildningsförvaltningen", Group.TOP_MANAGEMENT, 2),
    Post("verksamhetschef äldreomsorg", "Äldreomsorg", Group.MIDDLE_MANAGEMENT, 3),
    Post("HR-chef", "HR-avdelningen", Group.MIDDLE_MANAGEMENT, 3),
    Post("ekonomichef", "Ekonomiavdelningen", Group.MIDDLE_MANAGEMENT, 3),
    Post("IT-chef", "IT-avdelningen", Group.MIDDLE_MANAGEMENT, 3),
    Post("enhetschef", "Hemtjänst Söder", Group.FIRST_LINE_MANAGER, 4),
    Post("enhetschef", "Särskilt boende Lindgården", Group.FIRST_LINE_MANAGER, 4),
    Post("enhetschef", "Elevhälsan", Group.FIRST_LINE_MANAGER, 4),
    Post("undersköterska", "Hemtjänst Norr", Group.EMPLOYEE, 5, count=4),
    Post("vårdbiträde", "Hemtjänst Norr", Group.EMPLOYEE, 5),
    Post("planerare", "Hemtjänst Norr", Group.EMPLOYEE, 5),
    Post("undersköterska natt", "Nattpatrullen", Group.EMPLOYEE, 5, count=3),
    Post("undersköterska", "Hemtjänst Söder", Group.EMPLOYEE, 5, count=4),
    Post("vårdbiträde", "Hemtjänst Söder", Group.EMPLOYEE, 5, count=2),
    Post("undersköterska", "Särskilt boende Lindgården", Group.EMPLOYEE, 5, count=4),
    Post("sjuksköterska", "Särskilt boende Lindgården", Group.EMPLOYEE, 5),
    Post("arbetsterapeut", "Särskilt boende Lindgården", Group.EMPLOYEE, 5),
    Post("skolkurator", "Elevhälsan", Group.EMPLOYEE, 5, count=2),
    Post("skolsköterska", "Elevhälsan", Group.EMPLOYEE, 5),
    Post("skolpsykolog", "Elevhälsan", Group.EMPLOYEE, 5),
    Post("specialpedagog", "Elevhälsan", Group.EMPLOYEE, 5),
    Post("IT-tekniker", "IT-avdelningen", Group.SUPPORT_FUNCTION, None),
    Post("HR-konsulent", "HR-avdelningen", Group.SUPPORT_FUNCTION, None, count=2),
    Post("controller", "Ekonomiavdelningen", Group.SUPPORT_FUNCTION, None),
    Post("ekonom", "Ekonomiavdelningen", Group.SUPPORT_FUNCTION, None),
    Post("kvalitetsutvecklare", "Socialförvaltningen", Group.SUPPORT_FUNCTION, None, role=Role.FACILITATOR),
    Post("ledamot i brukarrådet för äldreomsorg", "Socialförvaltningen", Group.SERVICE_USER, None, count=2),
    Post("anhörigrepresentant", None, Group.SERVICE_USER, None),
    Post("inspektör, Inspektionen för vård och omsorg (IVO)", None, Group.SUPERVISORY_BODY, None),
    Post("inspektör, Skolinspektionen", None, Group.SUPERVISORY_BODY, None),
    Post("distriktssköterska, regionens vårdcentral", None, Group.PARTNER, None),
    Post("rehabkoordinator, regionens vårdcentral", None, Group.PARTNER, None),
    Post("handläggare, Försäkringskassan", None, Group.PARTNER, None),
]

NORRDALA_UNITS = [
    ("Förbundsstyrelsen", Kind.POLITICAL_BODY, None),
    ("Förbundskansliet", Kind.ADMINISTRATION, None),
    ("Beredningsgruppen", Kind.TEAM, "Förbundskansliet"),
]

NORRDALA_POSTS = [
    Post("förbundsstyrelsens ordförande", "Förbundsstyrelsen", Group.POLITICIAN, 1),
    Post("ledamot", "Förbundsstyrelsen", Group.POLITICIAN, 1),
    Post("förbundschef", "Förbundskansliet", Group.TOP_MANAGEMENT, 2, role=Role.ADMIN),
    Post("samordnare", "Förbundskansliet", Group.EMPLOYEE, 5, count=2),
    Post("handläggare, Arbetsförmedlingen", "Beredningsgruppen", Group.PARTNER, None),
]

# Two demo accounts also work in Norrdala, in other roles: this shows switching organisation.
NORRDALA_GUESTS = [
    replace(ADMIN, post=Post("Exempelkommuns representant", "Beredningsgruppen", Group.PARTNER, None)),
    replace(
        PROCESS_LEADER,
        post=Post("processledare", "Beredningsgruppen", Group.PARTNER, None, role=Role.FACILITATOR),
    ),
]


def ascii_fold(text: str) -> str:
    """'Åsa Öhrén' → 'asa ohren': e-mail addresses stay plain ASCII."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


class Namer:
    """Swedish names and unique e-mail addresses, the same on every run."""

    def __init__(self, seed: int, reserved_names: Iterable[str]) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - a fixed seed, so that the demo is the same on every machine
        self.faker = Faker("sv_SE")
        self.faker.seed_instance(seed)
        self.used_names = set(reserved_names)
        self.used_emails: set[str] = set()

    def full_name(self) -> str:
        while True:
            # Most staff in Swedish elderly care and student health are women.
            female = self.rng.random() < 0.65
            first = self.faker.first_name_female() if female else self.faker.first_name_male()
            name = f"{first} {self.faker.last_name()}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def email(self, full_name: str, domain: str) -> str:
        local = ".".join(
            "".join(ch for ch in ascii_fold(part) if ch.isalnum() or ch == "-") for part in full_name.split()
        )
        email, number = f"{local}@{domain}", 2
        while email in self.used_emails:
            email, number = f"{local}{number}@{domain}", number + 1
        self.used_emails.add(email)
        return email


@dataclass(frozen=True)
class Places:
    """An organisation's units, actor groups and levels, looked up by name, key and rank."""

    units: dict[str, Unit]
    groups: dict[str, ActorGroup]
    levels: dict[int, Level]

    @classmethod
    def of(cls, organisation: Organisation, units: dict[str, Unit]) -> Places:
        return cls(
            units=units,
            groups={group.key: group for group in ActorGroup.objects.in_organisation(organisation)},
            levels={level.rank: level for level in Level.objects.in_organisation(organisation)},
        )

    def details(self, post: Post, full_name: str, email: str) -> actions.PersonDetails:
        return actions.PersonDetails(
            full_name=full_name,
            email=email,
            unit=self.units[post.unit] if post.unit else None,
            actor_group=self.groups[post.actor_group],
            level=self.levels[post.rank] if post.rank else None,
            role=post.role,
        )


def build_units(organisation: Organisation, specs: Sequence[tuple[str, str, str | None]]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for name, kind, parent in specs:
        units[name] = actions.create_unit(
            organisation=organisation, name=name, kind=kind, parent=units[parent] if parent else None, actor=None
        )
    return units


def generated_people(places: Places, posts: list[Post], namer: Namer, domain: str) -> list[actions.PersonDetails]:
    people = []
    for post in posts:
        for _ in range(post.count):
            full_name = namer.full_name()
            people.append(places.details(post, full_name, namer.email(full_name, domain)))
    return people


def build_organisation(
    name_and_slug: tuple[str, str],
    *,
    units: Sequence[tuple[str, str, str | None]],
    accounts: list[DemoAccount],
    posts: list[Post],
    namer: Namer,
    domain: str,
) -> Organisation:
    name, slug = name_and_slug
    organisation = actions.create_organisation(name=name, slug=slug)
    places = Places.of(organisation, build_units(organisation, units))
    people = [places.details(account.post, account.full_name, account.email) for account in accounts]
    people += generated_people(places, posts, namer, domain)
    # The operator builds the demo: accounts that belong to both demo organisations are added, not invited.
    actions.add_people(organisation=organisation, people=people, by_operator=True)
    return organisation


def build_exempelkommun(namer: Namer) -> Organisation:
    return build_organisation(
        EXEMPELKOMMUN,
        units=EXEMPELKOMMUN_UNITS,
        accounts=DEMO_ACCOUNTS,
        posts=EXEMPELKOMMUN_POSTS,
        namer=namer,
        domain=EXEMPELKOMMUN_DOMAIN,
    )


def build_norrdala(namer: Namer) -> Organisation:
    return build_organisation(
        NORRDALA,
        units=NORRDALA_UNITS,
        accounts=NORRDALA_GUESTS,
        posts=NORRDALA_POSTS,
        namer=namer,
        domain=NORRDALA_DOMAIN,
    )


def build_demo_organisations() -> list[Organisation]:
    """Build Exempelkommun and Norrdala with their units and people; the demo accounts get the demo password."""
    namer = Namer(SEED, reserved_names=[account.full_name for account in DEMO_ACCOUNTS])
    organisations = [build_exempelkommun(namer), build_norrdala(namer)]
    set_demo_passwords()
    return organisations


def demo_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(slug__in=DEMO_SLUGS)


def set_demo_passwords() -> None:
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])


def demo_users() -> QuerySet[User]:
    return User.objects.filter(
        Q(email__iendswith=f"@{EXEMPELKOMMUN_DOMAIN}") | Q(email__iendswith=f"@{NORRDALA_DOMAIN}")
    )


class DemoTreeError(Exception):
    """The demo's units cannot be deleted leaves first: their tree has a cycle."""


def delete_demo_organisations() -> None:
    """Delete the demo organisations (whose parts' content is deleted already), and the demo people who belong
    nowhere else."""
    organisations = demo_organisations()
    Membership.objects.filter(organisation__in=organisations).delete()
    delete_units_bottom_up(Unit.objects.filter(organisation__in=organisations))
    organisations.delete()
    demo_users().filter(memberships__isnull=True).delete()


def delete_units_bottom_up(units: QuerySet[Unit]) -> None:
    """Unit.parent protects a unit with sub-units, so delete the leaves first, level by level."""
    while units.exists():
        deleted, _ = units.filter(children__isnull=True).delete()
        if not deleted:
            raise DemoTreeError("The demo's unit tree has a cycle; delete it by hand.")


def summary(organisation: Organisation) -> str:
    units = Unit.objects.in_organisation(organisation).count()
    people = Membership.objects.in_organisation(organisation).count()
    return f"{units} units, {people} people"


def account_summary(account: DemoAccount) -> list[str]:
    memberships = Membership.objects.filter(user__email=account.email).select_related(
        "organisation", "unit", "actor_group"
    )
    lines = [f"  {account.email}  ({account.full_name})"]
    with translation.override("en"):
        for membership in memberships.order_by("organisation__name"):
            role = str(Role(membership.role).label).lower()
            group = str(Group(membership.actor_group.key).label).lower() if membership.actor_group.key else ""
            unit = membership.unit.name if membership.unit else "no unit"
            lines.append(f"      {membership.organisation.name}: {role}; {group}; {unit}")
    return lines


def login_instructions() -> str:
    lines = [
        "",
        f"Sign in at {settings.SITE_URL}{reverse('accounts:login')} with one of these demo accounts.",
        f"The password of every one is: {DEMO_PASSWORD}",
        "",
    ]
    for account in DEMO_ACCOUNTS:
        lines += account_summary(account)
    lines += ["", "This password is public: never seed the demo on a server that others can reach."]
    return "\n".join(lines)
