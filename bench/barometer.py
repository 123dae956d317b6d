"""Barometer report at region size (50,000 respondents, 35 items, 1,500 units) against plain SQL, and answering.

A round of Styrningsbarometern is generated in bulk with a fixed seed: an organisation with 1,500 units in a
five-level tree (1 + 5 + 25 + 200 + 1,269), its five levels and actor groups, the default questionnaire plus
8 own items (35 scale items), a launched round with its population snapshot and invitations, and 50,000
responses with 35 answers each (about 5 % "vet ej", 2 % skipped), most of them in small front-line units, so
that suppression has work to do. Then, in process (`manage.py shell`, production settings):

- the full organisation report with suppression, `reporting.build_report` (the cache bypassed): median of
  several runs after a warm-up, against its target (< 1 s at the full size), and where its time goes (the
  queries of `queries.report_answers`, their Python, the population snapshot, the suppression in
  `Population.disclose`, the sums, the rest) with a cProfile of one run;
- the floor: ONE plain SQL aggregation of the same answers by unit and item, fetched completely, and the
  ratio of the report to it;
- answering: `clean_answers` + `answer_with_invitation` for distinct invitations in one thread (what the
  answering view does), in submissions per second: every submission lands in the round's inbox, and every
  BAROMETER_MIX_BATCH-th mixes the batch into the responses and VACUUMs the answer tables after commit;

and through gunicorn, concurrent POSTs of the whole questionnaire to the personal link's address without the
token (`barometer:answer`), each after the link's first visit (`barometer:respond`, a 302 that sets the cookie
holding the token; not in the POST's time, but in the wall time of the rate), in submissions per second.
PostgreSQL for the full size; the small size (S) also runs on SQLite.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import random
import secrets
import statistics
import string
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import harness  # noqa: E402  (needs the path above)

TITLE = "Barometer at region size: the organisation report with suppression against plain SQL, and answering"

REPORT_TARGET_S = 1.0  # the full organisation report at the full size, on the 2-core reference machine
EXPORT_TARGET_S = 3.0  # the XLSX export of every group at the full size (issue 14, target 4)
SEED = 20261105
FULL = "L"  # the size; only PostgreSQL runs it


@dataclass(frozen=True)
class Size:
    label: str
    respondents: int
    units_by_depth: tuple[int, int, int, int, int]  # region, administrations, departments, sections, teams


SIZES = (
    Size("S", 1_000, (1, 2, 5, 12, 40)),
    Size("M", 10_000, (1, 4, 15, 80, 400)),
    Size("L", 50_000, (1, 5, 25, 200, 1_269)),
)

UNIT_KINDS = ("political_body", "administration", "department", "section", "team")
UNIT_NAMES = ("Regionen", "Förvaltning", "Avdelning", "Enhet", "Arbetsgrupp")
# Respondents placed directly on the units of depth 0–3 (politicians at the top, then management and support
# functions); everyone else is at the leaves, the front line.
DIRECT_SHARE = (0.006, 0.02, 0.025, 0.10)
LEAF_MIN = 2  # every front-line unit has someone
# Front-line sizes above LEAF_MIN follow a lognormal capped at LEAF_CAP times its median: at L they run from 2
# to about 100 (median about 22), a few dozen units below k and a quarter at 10 or fewer.
LEAF_SIGMA = 1.2
LEAF_CAP = 5.0
# The actor groups used, and the level (rank) each one answers from; support functions state none.
GROUPS = ("politician", "top_management", "middle_management", "first_line_manager", "employee", "support_function")
GROUP_RANK = (1, 2, 3, 4, 5, None)
GROUP_MIX = (  # shares of GROUPS among the respondents placed on a unit of each depth
    (0.80, 0.10, 0.00, 0.00, 0.00, 0.10),
    (0.00, 0.10, 0.15, 0.00, 0.15, 0.60),
    (0.00, 0.00, 0.20, 0.05, 0.35, 0.40),
    (0.00, 0.00, 0.00, 0.12, 0.80, 0.08),
    (0.00, 0.00, 0.00, 0.04, 0.93, 0.03),
)
NO_LEVEL_SHARE = 0.03  # respondents who did not state a level
NO_GROUP_SHARE = 0.01  # ... nor an actor group
# How each actor group sees the themes, against the mean: management believes in more delegation and trust than
# the front line experiences.
GROUP_SHIFT = {
    "politician": {"*": 0.35},
    "top_management": {"*": 0.30},
    "middle_management": {"*": 0.20, "delegation": 0.10},
    "first_line_manager": {"*": 0.10},
    "employee": {"delegation": -0.45, "trust": -0.30, "support": -0.20, "preconditions": -0.25},
    "support_function": {"service_user_focus": -0.20},
}
DONT_KNOW_SHARE = 0.05
SKIPPED_SHARE = 0.02
RESPONSE_RATE = (0.55, 0.92)  # per unit, uniform: the population snapshot is larger than the respondents
OWN_ITEMS = (
    ("trust", "Min chef litar på att jag prioriterar rätt.", "My manager trusts me to set the right priorities."),
    ("delegation", "Jag kan ändra arbetssätt utan att fråga först.", "I can change how we work without asking first."),
    ("support", "Stödfunktionerna gör mitt arbete lättare.", "The support functions make my work easier."),
    ("openness", "Jag vet vad som händer med mina synpunkter.", "I know what happens to my suggestions."),
    ("knowledge", "Vi följer upp det som spelar roll för brukaren.", "We follow up what matters to the service user."),
    ("collaboration", "Andra enheter hjälper oss när det behövs.", "Other units help us when needed."),
    ("service_user_focus", "Brukarna är med och utformar insatserna.", "Service users help shape the services."),
    ("capability", "Jag har utrymme att göra det lilla extra.", "I have room to go the extra mile."),
)
OPEN_TEXT_SHARE = 0.2  # submissions that write in an open question
WARMUP_SUBMISSIONS = 10
REQUEST_TIMEOUT = 60


# Inside Django: building the round ------------------------------------------------------------------------


def hamilton(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to `weights` that add up to `total` (largest remainders)."""
    if total <= 0 or len(weights) == 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = weights / weights.sum() * total
    whole = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - whole), kind="stable")
    whole[order[: total - int(whole.sum())]] += 1
    return whole


@dataclass
class Plan:
    """The generated round before it is written: the unit tree, every respondent and every answer."""

    parents_by_depth: list[np.ndarray]  # per depth, the parent's index in the depth above (-1 at the top)
    respondent_unit: np.ndarray  # index into all the units, depth by depth from the top
    respondent_group: np.ndarray  # index into GROUPS, -1 for none stated
    respondent_rank: np.ndarray  # level rank 1–5, 0 for none stated
    values: np.ndarray  # respondents × items: 1–5, 0 for "vet ej", -1 for skipped
    response_rate: np.ndarray  # per unit


def plan_round(size: Size, themes: list[str], rng: np.random.Generator) -> Plan:
    counts = size.units_by_depth
    parents: list[np.ndarray] = [np.full(counts[0], -1)]
    for depth in range(1, len(counts)):
        above = counts[depth - 1]
        weights = rng.lognormal(0, 0.5, above)
        first = np.arange(min(above, counts[depth]))  # every unit above gets at least one child
        rest = rng.choice(above, size=counts[depth] - len(first), p=weights / weights.sum())
        parents.append(np.concatenate([first, rest]))
    offsets = np.cumsum((0, *counts))
    n = size.respondents
    direct = [
        hamilton(round(share * n), rng.lognormal(0, 0.6, counts[depth])) for depth, share in enumerate(DIRECT_SHARE)
    ]
    leaves = counts[-1]
    leaf_total = n - sum(int(sizes.sum()) for sizes in direct)
    leaf_weights = np.minimum(rng.lognormal(0, LEAF_SIGMA, leaves), LEAF_CAP)
    direct.append(LEAF_MIN + hamilton(leaf_total - LEAF_MIN * leaves, leaf_weights))
    units, groups = [], []
    for depth, sizes in enumerate(direct):
        unit_ids = np.repeat(np.arange(counts[depth]) + offsets[depth], sizes)
        units.append(unit_ids)
        groups.append(rng.choice(len(GROUPS), size=len(unit_ids), p=GROUP_MIX[depth]))
    respondent_unit = np.concatenate(units)
    respondent_group = np.concatenate(groups)
    ranks = np.array([rank or 0 for rank in GROUP_RANK])
    respondent_rank = np.where(rng.random(n) < NO_LEVEL_SHARE, 0, ranks[respondent_group])
    respondent_group = np.where(rng.random(n) < NO_GROUP_SHARE, -1, respondent_group)

    # Answers: item level + the unit's climate (inherited down the tree) + how the group sees the theme +
    # the person + noise, rounded onto the scale.
    climate = [np.zeros(counts[0])]
    for depth in range(1, len(counts)):
        climate.append(climate[-1][parents[depth]] + rng.normal(0, 0.15, counts[depth]))
    unit_climate = np.concatenate(climate)
    shift = np.array(
        [[GROUP_SHIFT[group].get(theme, GROUP_SHIFT[group].get("*", 0.0)) for theme in themes] for group in GROUPS]
    )
    shift = np.vstack([shift, np.zeros(len(themes))])  # row -1: no group stated
    item_level = rng.uniform(3.0, 3.9, len(themes))
    latent = (
        item_level[None, :]
        + unit_climate[respondent_unit][:, None]
        + shift[respondent_group]
        + rng.normal(0, 0.45, n)[:, None]
        + rng.normal(0, 0.75, (n, len(themes)))
    )
    values = np.clip(np.rint(latent), 1, 5).astype(np.int8)
    draw = rng.random((n, len(themes)))
    values[draw < DONT_KNOW_SHARE] = 0
    values[draw > 1 - SKIPPED_SHARE] = -1
    return Plan(
        parents_by_depth=parents,
        respondent_unit=respondent_unit,
        respondent_group=respondent_group,
        respondent_rank=respondent_rank,
        values=values,
        response_rate=rng.uniform(*RESPONSE_RATE, int(offsets[-1])),
    )


class Laps:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.started = self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self.last, 3)
        self.last = now

    def total(self) -> float:
        return round(time.perf_counter() - self.started, 3)


def write_rows(model: type, fields: tuple[str, ...], chunks: Iterable[list[tuple]]) -> str:
    """Insert rows (tuples in `fields` order) with COPY on PostgreSQL, bulk_create elsewhere; returns which."""
    from django.db import connection

    if connection.vendor != "postgresql":
        names = [model._meta.get_field(name).attname for name in fields]  # round_id, not round
        for rows in chunks:
            model.objects.bulk_create([model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=2000)
        return "bulk_create"
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for rows in chunks:
            for row in rows:
                copy.write_row(row)
    return "COPY"


def empty_answer_tables() -> None:
    """Each size starts from answer tables that hold nothing else (a smaller size run before it)."""
    from django.db import connection

    from tillit.barometer.models import Answer, Invitation, OpenAnswer, PopulationCount, Response

    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for model in (Answer, OpenAnswer, Response, Invitation, PopulationCount)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608  (table names Django gave)


def build_round(size: Size, salt: str, reserve: int) -> dict[str, object]:
    """Write the generated round; returns its ids, counts, tokens of unanswered invitations and the build laps."""
    import datetime
    import hashlib
    import uuid

    from django.db import connection, transaction
    from django.utils import timezone

    from tillit.barometer import actions
    from tillit.barometer.models import Answer, Invitation, PopulationCount, Response
    from tillit.organisations import actions as organisation_actions
    from tillit.organisations.models import Unit

    laps = Laps()
    rng = np.random.default_rng([SEED, size.respondents])
    organisation = organisation_actions.create_organisation(
        name=f"Region Bänk {size.label}", slug=f"bank-{size.label.lower()}"
    )
    levels = {level.rank: level.pk for level in organisation.levels.all()}
    group_pk = {group.key: group.pk for group in organisation.actor_groups.all()}
    instrument = actions.current_instrument(organisation)
    for theme, text_sv, text_en in OWN_ITEMS:
        actions.add_own_item(instrument=instrument, theme=theme, kind="scale", text_sv=text_sv, text_en=text_en)
    today = timezone.localdate()
    round = actions.create_round(
        organisation=organisation,
        name=f"Barometern {size.label}",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=14),
    )
    scale_themes = [item.theme for item in instrument.items.all() if item.is_scale]
    laps("organisation, questionnaire and round")

    plan = plan_round(size, scale_themes, rng)
    unit_pks: list[int] = []
    with transaction.atomic():
        above: list[Unit] = []
        for depth, parents in enumerate(plan.parents_by_depth):
            created = Unit.objects.bulk_create(
                [
                    Unit(
                        organisation=organisation,
                        parent=above[parent] if parent >= 0 else None,
                        name=f"{UNIT_NAMES[depth]} {number + 1}",
                        kind=UNIT_KINDS[depth],
                    )
                    for number, parent in enumerate(parents.tolist())
                ],
                batch_size=2000,
            )
            unit_pks += [unit.pk for unit in created]
            above = created
    laps("units")
    # Opened once the units exist: a round's answers name only the units it opened with.
    actions.launch_round(round=round, site_url="http://127.0.0.1")  # nobody is a member: no invitations, no mail
    round.refresh_from_db()
    items = [item for item in round.instrument.items.all() if item.is_scale]
    open_items = [item for item in round.instrument.items.all() if not item.is_scale]
    laps("opening the round")

    n = size.respondents
    unit_of = np.array(unit_pks)[plan.respondent_unit].tolist()
    level_of = [levels[rank] if rank else None for rank in plan.respondent_rank.tolist()]
    group_of = [group_pk[GROUPS[group]] if group >= 0 else None for group in plan.respondent_group.tolist()]
    ids = [str(uuid.uuid4()) for _ in range(n)]
    item_pks = [item.pk for item in items]
    values = plan.values.tolist()
    # Response.scale_answers: 0 skipped, 1–5, 6 "vet ej" (the plan has -1 skipped and 0 "vet ej").
    packed_matrix = np.where(plan.values < 0, 0, np.where(plan.values == 0, 6, plan.values)).astype(np.uint8)
    packed = [row.tobytes() for row in packed_matrix]

    def answer_chunks() -> Iterator[list[tuple]]:
        for start in range(0, n, 5000):
            yield [
                (ids[r], item, value or None)
                for r in range(start, min(n, start + 5000))
                for item, value in zip(item_pks, values[r], strict=True)
                if value >= 0
            ]

    with transaction.atomic():
        method = write_rows(
            Response,
            ("id", "round", "unit", "level", "actor_group", "verified", "scale_answers"),
            [[(ids[r], round.pk, unit_of[r], level_of[r], group_of[r], True, packed[r]) for r in range(n)]],
        )
        laps(f"{n:,} responses ({method})")
        write_rows(Answer, ("response", "item", "value"), answer_chunks())
    laps(f"answers ({method})")

    # The population snapshot and the invitations: everyone who answered, and the rest of each atom's people.
    atoms: dict[tuple, int] = {}
    for atom in zip(unit_of, level_of, group_of, strict=True):
        atoms[atom] = atoms.get(atom, 0) + 1
    rate_of_unit = dict(zip(unit_pks, plan.response_rate.tolist(), strict=True))
    population = {atom: max(count, math.ceil(count / rate_of_unit[atom[0]])) for atom, count in atoms.items()}
    sent_at = timezone.now()

    def invitation(number: int, token: str, atom: tuple, answered: bool) -> tuple:
        token_hash = hashlib.sha256(token.encode()).hexdigest()
        return (round.pk, f"p{number}@bench.invalid", token_hash, *atom, answered, False, sent_at)

    rows: list[tuple] = []
    waiting = 0  # unanswered invitations, numbered: their token is salt + number
    for atom, count in atoms.items():
        for _ in range(count):
            rows.append(invitation(len(rows), f"{salt}answered-{len(rows)}", atom, True))
    for atom, people in population.items():
        for _ in range(people - atoms[atom]):
            rows.append(invitation(len(rows), f"{salt}{waiting}", atom, False))
            waiting += 1
    with transaction.atomic():
        PopulationCount.objects.bulk_create(
            [
                PopulationCount(round=round, unit_id=unit, level_id=level, actor_group_id=group, count=count)
                for (unit, level, group), count in population.items()
            ],
            batch_size=2000,
        )
        write_rows(
            Invitation,
            ("round", "email", "token_hash", "unit", "level", "actor_group", "answered", "awaiting_mix", "sent_at"),
            [rows],
        )
    laps(f"population snapshot and {len(rows):,} invitations")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(
                connection.ops.quote_name(model._meta.db_table) for model in (Answer, Response, Invitation)
            )
            cursor.execute(f"VACUUM ANALYZE {tables}")
        else:
            cursor.execute("ANALYZE")
    laps("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    order = random.Random(SEED).sample(range(waiting), min(waiting, reserve))
    unit_sizes = np.bincount(plan.respondent_unit, minlength=len(unit_pks))  # respondents placed directly
    leaf_sizes = unit_sizes[-size.units_by_depth[-1] :]
    return {
        "round": round.pk,
        "round_public_id": str(round.public_id),
        "k": organisation.anonymity_threshold,
        "scale_codes": [item.code for item in items],
        "open_codes": [item.code for item in open_items],
        "units": len(unit_pks),
        "respondents": n,
        "answers": int((plan.values >= 0).sum()),
        "dont_know": int((plan.values == 0).sum()),
        "skipped": int((plan.values < 0).sum()),
        "atoms": len(atoms),
        "population": sum(population.values()),
        "invitations": len(rows),
        "leaf_sizes": {
            "min": int(leaf_sizes.min()),
            "median": float(np.median(leaf_sizes)),
            "max": int(leaf_sizes.max()),
            "below_k": int((leaf_sizes < organisation.anonymity_threshold).sum()),
        },
        "waiting_tokens": order,  # numbers of unanswered invitations, token = salt + number
        "build": {**laps.seconds, "total": laps.total()},
    }


# Inside Django: measuring ---------------------------------------------------------------------------------


def timed_runs(call: Callable[[], object], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return seconds


@contextlib.contextmanager
def stopwatches(targets: list[tuple[str, object, str]], spent: dict[str, float]) -> Iterator[list[str]]:
    """Wrap each (label, owner, attribute) so the time spent in it adds up in `spent`; yields the missing ones."""
    missing, originals = [], []

    def wrap(label: str, original: Callable) -> Callable:
        def wrapper(*args: object, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

        return wrapper

    for label, owner, name in targets:
        original = getattr(owner, name, None)
        if original is None:
            missing.append(label)
            continue
        originals.append((owner, name, original))
        setattr(owner, name, wrap(label, original))
    try:
        yield missing
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def profile_top(call: Callable[[], object], top: int) -> tuple[list[dict], list[dict], float]:
    """cProfile of one call: the top functions by own time, and Tillit's functions by cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    root = str(ROOT) + "/"
    entries = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.items():
        where = filename.replace(root, "") if filename.startswith(root) else Path(filename).name
        entries.append(
            {
                "function": f"{where}:{line}({function})",
                "calls": calls,
                "own ms": round(own * 1000, 1),
                "cumulative ms": round(cumulative * 1000, 1),
                "ours": filename.startswith(root + "tillit/"),
            }
        )
    by_own = sorted(entries, key=lambda entry: -entry["own ms"])[:top]
    ours = sorted((entry for entry in entries if entry["ours"]), key=lambda entry: -entry["cumulative ms"])[:top]
    total = round(sum(entry[2] for entry in stats.values()), 3)
    return by_own, ours, total


def measure_report(round_pk: int, repeat: int, top: int) -> dict[str, object]:
    from django.db import connection

    from tillit.barometer import queries, reporting, tally
    from tillit.barometer.models import Answer, Response, Round
    from tillit.privacy.breakdowns import Population

    round = Round.objects.select_related("organisation", "instrument").get(pk=round_pk)
    report = reporting.build_report(round)  # warm-up
    out: dict[str, object] = {"build_report": timed_runs(lambda: reporting.build_report(round), repeat)}

    # Where the time goes: the same call with stopwatches around its parts.
    targets = [
        ("_load", queries, "report_answers"),
        ("_population", queries, "population_counts"),
        ("_population", tally, "population_by_cell"),
        ("assemble", reporting, "assemble"),
        ("Population()", Population, "__init__"),
        ("disclose", Population, "disclose"),
        ("totals", Population, "totals"),
    ]
    split: dict[str, list[float]] = {"build_report": []}
    missing: list[str] = []
    for _ in range(repeat):
        spent: dict[str, float] = {}
        with stopwatches(targets, spent) as not_found:
            split["build_report"] += timed_runs(lambda: reporting.build_report(round), 1)
        missing = not_found
        for label, seconds in spent.items():
            split.setdefault(label, []).append(seconds)
    out["split"] = split
    out["split_missing"] = missing

    # The SQL: every query of a run with its database time, and which of them `queries.report_answers` sends.
    sql_runs = [queries_of_one_report(round) for _ in range(min(repeat, 5))]
    out["queries"] = sql_runs[-1]
    out["load_sql"] = [sum(query["ms"] for query in run if query["in_load"]) / 1000 for run in sql_runs]
    out["all_sql"] = [sum(query["ms"] for query in run) / 1000 for run in sql_runs]

    # The floor: one plain SQL aggregation of the same answers by unit and item, fetched completely.
    quote = connection.ops.quote_name
    floor_sql = (
        f"SELECT r.{quote('unit_id')}, a.{quote('item_id')}, avg(a.{quote('value')}), count(a.{quote('value')}) "  # noqa: S608  (table names Django gave)
        f"FROM {quote(Answer._meta.db_table)} a JOIN {quote(Response._meta.db_table)} r ON r.{quote('id')} = a.{quote('response_id')} "
        f"WHERE r.{quote('round_id')} = %s GROUP BY 1, 2"
    )
    rows: list[tuple] = []

    def floor() -> None:
        nonlocal rows
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [round.pk])
            rows = cursor.fetchall()

    floor()  # warm-up
    out["floor"] = timed_runs(floor, repeat)
    out["floor_rows"] = len(rows)
    out["floor_sql"] = floor_sql
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + floor_sql, [round.pk])
            out["floor_plan"] = [line for (line,) in cursor.fetchall()]
            settings = {}
            for name in ("jit", "max_parallel_workers_per_gather", "work_mem", "shared_buffers"):
                cursor.execute(f"SHOW {name}")
                settings[name] = cursor.fetchone()[0]
            out["postgresql_settings"] = settings

    out["profile"], out["profile_ours"], out["profiled_s"] = profile_top(lambda: reporting.build_report(round), top)

    # What the suppression hid, to show it had work to do.
    units = [key for key in report.cells if key[0] == "unit"]
    levels = [key for key in report.cells if key[0] == "level"]
    groups = [key for key in report.cells if key[0] == "group"]
    out["suppression"] = {
        "units": len(units),
        "units_shown": sum(report.cells[key].shown for key in units),
        "levels": len(levels),
        "levels_shown": sum(report.cells[key].shown for key in levels),
        "groups": len(groups),
        "groups_shown": sum(report.cells[key].shown for key in groups),
        "total_shown": report.cell(reporting.TOTAL).shown,
    }
    return out


def measure_export(round_pk: int, repeat: int) -> dict[str, object]:
    """The results' XLSX export as the download view makes it, in its steps: the report read from its stored form
    (`reporting.stored_form`, as a sealed round's is kept), the rows (every group, as a reader of everything gets
    them), the workbook written by `reports.spreadsheets`; beside it the floor, the same rows written as CSV by the
    standard library, and the old cached form (a pickled RoundReport) read back."""
    import pickle

    from tillit.barometer import exporting, queries, reporting
    from tillit.barometer.models import Round
    from tillit.reports.spreadsheets import csv_bytes

    round = Round.objects.select_related("organisation", "instrument").get(pk=round_pk)
    report = reporting.build_report(round)
    stored_blob = pickle.dumps(reporting.stored_form(report), pickle.HIGHEST_PROTOCOL)
    old_blob = pickle.dumps(report, pickle.HIGHEST_PROTOCOL)

    def read_stored() -> reporting.RoundReport:
        stored = reporting.from_stored_form(pickle.loads(stored_blob), queries.questionnaire_items(round))  # noqa: S301  (our own bytes)
        assert stored is not None
        return stored

    def page_read() -> None:  # what a page reads of it: the organisation's group and its levels and actor groups
        stored = read_stored()
        for key in list(stored.cells)[:20]:
            stored.cell(key)

    rows: dict[str, list] = {}

    def build_rows() -> None:
        stored = read_stored()
        rows["results"] = exporting.result_rows(stored, exporting.breakdowns_in_scope(round, stored, None))
        rows["codebook"] = exporting.codebook_rows(round)
        rows["about"] = exporting.about_rows(round, whole_organisation=True)

    workbook: dict[str, bytes] = {}

    def write_xlsx() -> None:
        workbook["xlsx"] = exporting.results_workbook(rows["results"], rows["codebook"], rows["about"])

    def write_csv() -> None:
        workbook["csv"] = csv_bytes(rows["results"])

    def whole_export() -> None:
        build_rows()
        write_xlsx()

    from django.utils import timezone

    from tillit.barometer import actions
    from tillit.barometer.models import PreparedExport

    def ask() -> None:  # the download request before the file exists: estimate, look it up, enqueue its build
        PreparedExport.objects.filter(round=round).delete()
        exporting.estimated_rows(round, None)
        queries.prepared_export(round, "xlsx", exporting.scope_key(None), "sv")
        actions.request_export(round, "xlsx", None, "sv")

    def serve() -> None:  # the download request once the file is ready: read it back
        prepared = queries.prepared_export(round, "xlsx", exporting.scope_key(None), "sv")
        assert prepared is not None
        assert prepared.content is not None
        workbook["served"] = bytes(prepared.content)

    build_rows()
    write_xlsx()  # warm-up
    # The download is for a round whose results are open: the round is taken as closed and sealed for these
    # measures (its answers are all in the stored responses already) and put back as it was afterwards, since
    # the answering measures that follow need it open.
    Round.objects.filter(pk=round.pk).update(closed_at=timezone.now(), sealed_at=timezone.now())
    round.refresh_from_db()
    try:
        asked = timed_runs(ask, repeat)
        prepared = PreparedExport.objects.get(round=round, kind="xlsx")
        background = timed_runs(lambda: actions.build_export(prepared.pk), 1)
        served = timed_runs(serve, repeat)
        inline = exporting.estimated_rows(round, None) <= exporting.INLINE_ROWS
    finally:
        PreparedExport.objects.filter(round=round).delete()
        Round.objects.filter(pk=round.pk).update(closed_at=None, sealed_at=None)
        round.refresh_from_db()
    return {
        "inline": inline,
        "ask": asked,
        "background_build": background,
        "serve": served,
        "rows": len(rows["results"]) - 1,
        "xlsx_bytes": len(workbook["xlsx"]),
        "stored_bytes": len(stored_blob),
        "pickle_bytes": len(old_blob),
        "read_stored": timed_runs(read_stored, repeat),
        "page_read": timed_runs(page_read, repeat),
        "read_pickle": timed_runs(lambda: pickle.loads(old_blob), repeat),  # noqa: S301  (our own bytes)
        "build_rows": timed_runs(build_rows, repeat),
        "write_xlsx": timed_runs(write_xlsx, repeat),
        "write_csv": timed_runs(write_csv, repeat),
        "export": timed_runs(whole_export, repeat),
    }


def queries_of_one_report(round: object) -> list[dict[str, object]]:
    """Every query of one build_report with its database time (Django's debug cursor), marking report_answers'."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tillit.barometer import queries, reporting

    marks: dict[str, int] = {}
    original = queries.report_answers

    def load(*args: object, **kwargs: object) -> object:
        marks["start"] = len(connection.queries_log)
        try:
            return original(*args, **kwargs)
        finally:
            marks["end"] = len(connection.queries_log)

    with CaptureQueriesContext(connection) as captured:
        queries.report_answers = load
        try:
            reporting.build_report(round)
        finally:
            queries.report_answers = original
    first = captured.initial_queries
    return [
        {
            "ms": round_ms(float(query["time"])),
            "sql": query["sql"][:160],
            "in_load": marks.get("start", 0) - first <= index < marks.get("end", 0) - first,
        }
        for index, query in enumerate(captured.captured_queries)
    ]


def round_ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def questionnaire_form(scale_codes: list[str], open_codes: list[str], rng: random.Random) -> tuple[dict, dict]:
    """Raw answers by item code, as the answering view passes them to `clean_answers`."""
    scale = {}
    for code in scale_codes:
        draw = rng.random()
        scale[code] = (
            ""
            if draw < SKIPPED_SHARE
            else "dont_know"
            if draw < SKIPPED_SHARE + DONT_KNOW_SHARE
            else str(rng.randint(1, 5))
        )
    texts = dict.fromkeys(open_codes, "")
    if open_codes and rng.random() < OPEN_TEXT_SHARE:
        texts[rng.choice(open_codes)] = "Mer tid med brukarna och färre blanketter, tack."
    return scale, texts


def measure_answering(
    round_pk: int, salt: str, tokens: list[int], scale_codes: list[str], open_codes: list[str]
) -> dict[str, object]:
    """`clean_answers` + `answer_with_invitation` for distinct invitations, one after the other, as the view does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tillit.barometer import actions
    from tillit.barometer.models import Invitation, Round
    from tillit.core.tokens import hash_token

    rng = random.Random(SEED)
    before = Round.objects.get(pk=round_pk).response_count()

    def submit(number: int) -> None:
        round = Round.objects.select_related("organisation", "instrument").filter(pk=round_pk).first()
        scale, texts = questionnaire_form(scale_codes, open_codes, rng)
        answers = actions.clean_answers(round, scale, texts)
        actions.answer_with_invitation(round=round, token=f"{salt}{number}", answers=answers)

    for number in tokens[:WARMUP_SUBMISSIONS]:
        submit(number)
    with CaptureQueriesContext(connection) as captured:
        submit(tokens[WARMUP_SUBMISSIONS])
    timed = tokens[WARMUP_SUBMISSIONS + 1 :]
    seconds = []
    started = time.perf_counter()
    for number in timed:
        begun = time.perf_counter()
        submit(number)
        seconds.append(time.perf_counter() - begun)
    wall = time.perf_counter() - started
    stored = Round.objects.get(pk=round_pk).response_count() - before
    answered = Invitation.objects.filter(
        round_id=round_pk, answered=True, token_hash__in=[hash_token(f"{salt}{n}") for n in tokens]
    ).count()
    return {
        "seconds": seconds,
        "wall": wall,
        "queries": len(captured.captured_queries),
        "stored": stored,
        "answered": answered,
        "submitted": len(tokens),
    }


def inside_django(config: dict) -> dict:
    """Build one size's round and measure it; the JSON the parent process reads."""
    from django.conf import settings
    from django.db import connection

    size = next(size for size in SIZES if size.label == config["size"])
    empty_answer_tables()
    data = build_round(size, config["salt"], config["submissions"] + WARMUP_SUBMISSIONS + 1 + config["reserve"])
    tokens = data.pop("waiting_tokens")
    in_process = tokens[: config["submissions"] + WARMUP_SUBMISSIONS + 1]
    data["http_tokens"] = tokens[len(in_process) :]
    data["report"] = measure_report(data["round"], config["repeat"], config["profile"])
    data["export"] = measure_export(data["round"], config["export_repeat"])
    if len(in_process) > WARMUP_SUBMISSIONS + 1:
        data["answering"] = measure_answering(
            data["round"], config["salt"], in_process, data["scale_codes"], data["open_codes"]
        )
    data["label"] = size.label
    data["vendor"] = connection.vendor
    data["csrf_cookie_name"] = settings.CSRF_COOKIE_NAME
    return data


VERIFY_CODE = """
import json
from tillit.barometer.models import Invitation, PendingResponse, Response, Round
from tillit.core.tokens import hash_token
hashes = [hash_token(SALT + str(number)) for number in POSTED]
print(json.dumps({
    "responses": Round.objects.get(pk=ROUND).response_count(),
    "waiting": PendingResponse.objects.filter(round_id=ROUND).count(),
    "mixed": Response.objects.filter(round_id=ROUND).count(),
    "answered": Invitation.objects.filter(round_id=ROUND, token_hash__in=hashes, answered=True).count(),
}))
"""

INSIDE_CODE = """
import importlib.util
import json
import sys
spec = importlib.util.spec_from_file_location("bench_barometer_inside", PATH)
module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(json.dumps(module.inside_django(CONFIG)))
"""


def snippet(code: str, env: dict[str, str], *, timeout: float = 1800, **values: object) -> dict:
    """Run a snippet with `values` defined before it (as Python literals) and return its JSON."""
    prelude = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    result = harness.django_snippet(prelude + code, env, timeout=timeout)
    if not isinstance(result, dict):
        raise harness.BenchError(f"the Django snippet returned {result!r}, not an object")
    return result


# Answering over HTTP -------------------------------------------------------------------------------------


LINK_COOKIE = "barometer_link"  # responding.LINK_COOKIE: the token, after the personal link's first visit


def open_personal_link(server: harness.Server, round_id: str, token: str) -> str:
    """The personal link's first visit, as from the e-mail: it answers 302 to the address without the token and sets
    the cookie that holds it. Returns that cookie ("name=value") for the requests that follow."""
    first = harness.request("GET", server.url(f"/b/{round_id}/svar/{token}/"), timeout=REQUEST_TIMEOUT)
    location = first.headers.get("location", "")
    if first.status != 302 or urlsplit(location).path != f"/b/{round_id}/svar/" or token in location:
        raise harness.BenchError(
            f"the personal link's first visit answered {first.status}"
            + (f" (redirects to {location})" if location else "")
            + f", not 302 to /b/{round_id}/svar/ without the token\n{first.excerpt()}\n"
            f"--- server log (end) ---\n{server.log_tail()}"
        )
    morsel = SimpleCookie(first.headers.get("set-cookie", "")).get(LINK_COOKIE)
    if morsel is None:
        raise harness.BenchError(f"the personal link's first visit set no {LINK_COOKIE} cookie: {first.headers}")
    return f"{LINK_COOKIE}={morsel.coded_value}"


def post_answers(
    server: harness.Server, round_id: str, link_cookie: str, form: dict[str, str], csrf: tuple[str, str]
) -> harness.Response:
    """The whole questionnaire POSTed to the personal link's address without the token, as a browser sends it: the
    cookie from the first visit, and the CSRF cookie and field."""
    cookie_name, csrf_token = csrf
    body = urlencode({"csrfmiddlewaretoken": csrf_token, **form, "action": "submit"}).encode()
    headers = {
        "Cookie": f"{cookie_name}={csrf_token}; {link_cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return harness.request("POST", server.url(f"/b/{round_id}/svar/"), headers, body, timeout=REQUEST_TIMEOUT)


def http_form(data: dict, rng: random.Random) -> dict[str, str]:
    scale, texts = questionnaire_form(data["scale_codes"], data["open_codes"], rng)
    return {f"scale_{code}": value for code, value in scale.items() if value} | {
        f"open_{code}": text for code, text in texts.items()
    }


def check_answered(response: harness.Response, server: harness.Server, what: str) -> None:
    location = response.headers.get("location", "")
    if response.status != 302 or not urlsplit(location).path.endswith("/tack/"):
        log = server.log_tail()
        cause = harness.last_exception_line(log)
        raise harness.BenchError(
            f"{what} answered {response.status}"
            + (f" (redirects to {location})" if location else "")
            + ", not 302 to the thanks page"
            + (f": {cause}" if cause else "")
            + f"\n{response.excerpt()}\n--- server log (end) ---\n{log}"
        )


def answer_over_http(
    env: dict[str, str], data: dict, salt: str, posts: int, concurrency: int
) -> dict[str, object] | str:
    """Concurrent POSTs of whole questionnaires through gunicorn; a reason string if the view is not there yet."""
    tokens = data["http_tokens"]
    if not tokens:
        return "no unanswered invitations left for the HTTP part"
    round_id = data["round_public_id"]
    csrf = (
        str(data["csrf_cookie_name"]),
        "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32)),
    )
    rng = random.Random(SEED + 1)
    with harness.gunicorn(env) as server:
        link_cookie = open_personal_link(server, round_id, f"{salt}{tokens[0]}")
        page = harness.request(
            "GET", server.url(f"/b/{round_id}/svar/"), {"Cookie": link_cookie}, timeout=REQUEST_TIMEOUT
        )
        if page.status == 404:
            return "the questionnaire answered 404 after a valid personal link's first visit"
        if page.status != 200 or b'name="scale_' not in page.body:
            raise harness.BenchError(
                f"the respond page answered {page.status} without scale_<code> fields:\n{page.excerpt()}\n"
                f"--- server log (end) ---\n{server.log_tail()}"
            )
        warmup = min(len(tokens) - 1, 2 * server.workers)
        for number in tokens[:warmup]:  # each gunicorn worker's first requests are cold
            cookie = open_personal_link(server, round_id, f"{salt}{number}")
            check_answered(post_answers(server, round_id, cookie, http_form(data, rng), csrf), server, "a warm-up POST")
        jobs: queue.Queue[tuple[int, dict[str, str]]] = queue.Queue()
        timed_tokens = tokens[warmup : warmup + posts]
        for number in timed_tokens:
            jobs.put((number, http_form(data, rng)))
        seconds: list[float] = []
        failures: list[harness.Response] = []
        link_failures: list[str] = []
        lock = threading.Lock()

        def worker() -> None:
            while True:
                try:
                    number, form = jobs.get_nowait()
                except queue.Empty:
                    return
                try:
                    cookie = open_personal_link(server, round_id, f"{salt}{number}")  # not timed: the POST is
                except harness.BenchError as error:
                    with lock:
                        link_failures.append(str(error))
                    continue
                response = post_answers(server, round_id, cookie, form, csrf)
                with lock:
                    location = urlsplit(response.headers.get("location", "")).path
                    if response.status == 302 and location.endswith("/tack/"):
                        seconds.append(response.seconds)
                    else:
                        failures.append(response)

        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        if link_failures:
            raise harness.BenchError(f"{len(link_failures)} first visits failed; the first: {link_failures[0]}")
        if failures:
            check_answered(failures[0], server, f"{len(failures)} of {len(timed_tokens)} POSTs; the first")
        workers = server.workers
    return {
        "seconds": seconds,
        "wall": wall,
        "workers": workers,
        "concurrency": concurrency,
        "posted": tokens[: warmup + len(timed_tokens)],
        "page_bytes": len(page.body),
    }


# Running it ----------------------------------------------------------------------------------------------


def settings_from_env() -> dict[str, object]:
    labels = [
        label.strip().upper() for label in os.environ.get("BENCH_BAROMETER_SIZES", "S,M,L").split(",") if label.strip()
    ]
    known = [size.label for size in SIZES]
    if not labels or set(labels) - set(known):
        raise harness.BenchError(f"BENCH_BAROMETER_SIZES must list some of {', '.join(known)}")
    config = {
        "sizes": [size for size in SIZES if size.label in labels],
        "repeat": harness.env_int("BENCH_BAROMETER_REPEAT", 7),
        "submissions": harness.env_int("BENCH_BAROMETER_SUBMISSIONS", 500),
        "posts": harness.env_int("BENCH_BAROMETER_POSTS", 1000),
        "concurrency": harness.env_int("BENCH_BAROMETER_CONCURRENCY", 6),
        "export_repeat": harness.env_int("BENCH_BAROMETER_EXPORT_REPEAT", 3),
    }
    if config["repeat"] < 5:  # type: ignore[operator]
        raise harness.BenchError("BENCH_BAROMETER_REPEAT must be at least 5 (the report's figure is their median)")
    if config["submissions"] < 1 or config["posts"] < 0 or not 1 <= config["concurrency"] <= 64:  # type: ignore[operator]
        raise harness.BenchError("BENCH_BAROMETER_SUBMISSIONS must be at least 1, _POSTS at least 0, _CONCURRENCY 1–64")
    return config


@contextlib.contextmanager
def database(sizes: list[Size]) -> Iterator[str]:
    """`tillit_bench` on PostgreSQL; for the small size only, a temporary SQLite file when DATABASE_URL is not PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "").strip()
    scheme = urlsplit(url).scheme.lower()
    if scheme in harness.POSTGRES_SCHEMES:
        with harness.bench_database() as database_url:
            yield database_url
        return
    if scheme not in ("", "sqlite"):
        raise harness.BenchError(
            f"DATABASE_URL uses {scheme!r}; the barometer benchmark runs on PostgreSQL (or SQLite for size S)"
        )
    too_large = [size.label for size in sizes if size.label != "S"]
    if too_large:
        raise harness.BenchError(
            f"size {', '.join(too_large)} needs PostgreSQL, and DATABASE_URL is "
            + ("not set (SQLite)" if not url else "SQLite")
            + ": the region-sized round is generated with COPY and measured on the production database. Set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/tillit, or BENCH_BAROMETER_SIZES=S to try the small "
            "size on SQLite"
        )
    with tempfile.TemporaryDirectory(prefix="tillit-bench-barometer-") as folder:
        yield f"sqlite:///{folder}/bench.sqlite3"


def run() -> dict[str, object]:
    config = settings_from_env()
    sizes: list[Size] = config["sizes"]  # type: ignore[assignment]
    salt = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(24))
    results: list[dict] = []
    http: dict[str, object] | str = "BENCH_BAROMETER_POSTS is 0"
    with database(sizes) as database_url:
        env = harness.production_env(database_url)
        harness.prepare_app(env)
        facts = machine_facts(database_url)
        for position, size in enumerate(sizes):
            last = position == len(sizes) - 1
            inside = {
                "size": size.label,
                "salt": salt,
                "repeat": config["repeat"],
                "submissions": config["submissions"],
                "reserve": config["posts"] + 20 if last else 0,  # the HTTP part answers the largest size's round
                "profile": 15,
                "export_repeat": config["export_repeat"],
            }
            results.append(snippet(INSIDE_CODE, env, PATH=str(Path(__file__).resolve()), CONFIG=inside))
        data = results[-1]
        if config["posts"]:
            http = answer_over_http(env, data, salt, int(config["posts"]), int(config["concurrency"]))  # type: ignore[call-overload]
            if isinstance(http, dict):
                expected = data["respondents"] + data.get("answering", {}).get("stored", 0) + len(http["posted"])
                verify = snippet(VERIFY_CODE, env, SALT=salt, ROUND=data["round"], POSTED=http["posted"])
                if verify["answered"] != len(http["posted"]) or verify["responses"] != expected:
                    raise harness.BenchError(
                        f"after the HTTP POSTs the round holds {verify['responses']:,} responses (expected {expected:,}) "
                        f"and {verify['answered']} of the {len(http['posted'])} posted invitations are answered"
                    )
                http["verify"] = verify
    return report(results, http, facts, config)


def machine_facts(database_url: str) -> dict[str, object]:
    if urlsplit(database_url).scheme.lower() in harness.POSTGRES_SCHEMES:
        return harness.machine_facts(database_url)
    import platform

    import django

    return {
        "cores": os.cpu_count(),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": "SQLite (a temporary file)",
    }


# Reporting --------------------------------------------------------------------------------------------------

COLUMNS = ("measure", "n", "median ms", "p95 ms", "min ms", "× floor", "target", "met")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def budget(measured: dict) -> dict[str, list[float]]:
    """Where build_report's time goes: per part, its seconds in each run with stopwatches.

    Every part is called once per run, so the lists line up and a remainder is taken run by run. The database
    time of `queries.report_answers`' queries comes from other runs (the query log), so it is subtracted as its
    median.
    """
    split = measured["split"]
    runs = len(split["build_report"])

    def part(name: str) -> np.ndarray:
        values = split.get(name, [])
        return np.array(values if len(values) == runs else [median(values) if values else 0.0] * runs)

    load_sql = median(measured["load_sql"])
    parts = {
        "report_answers: its aggregate queries (database time)": np.full(runs, load_sql),
        "report_answers: Python (rows into per-atom arrays)": part("_load") - load_sql,
        "population: the snapshot read and summed up the tree": part("_population"),
        "Population(): tree and atoms": part("Population()"),
        "Population.disclose: suppression (tree, flat, audit)": part("disclose"),
        "Population.totals: sums to every cell (×2)": part("totals"),
    }
    if "assemble" in split:
        parts["assemble, the rest: cells, item figures, principles"] = (
            part("assemble") - part("Population()") - part("disclose") - part("totals")
        )
    parts["build_report, the rest: items and unit parents queries"] = part("build_report") - sum(parts.values())
    return {name: np.maximum(values, 0.0).tolist() for name, values in parts.items()}


def report(
    results: list[dict], http: dict[str, object] | str, facts: dict[str, object], config: dict[str, object]
) -> dict[str, object]:
    rows: list[dict[str, object]] = []
    figures: dict[str, object] = {}
    warnings: list[str] = []
    target: dict[str, object] = {}
    for data in results:
        label = data["label"]
        measured = data["report"]
        head = f"{label} ({data['respondents']:,} × {len(data['scale_codes'])} items, {data['units']:,} units)"
        report_s, floor_s = median(measured["build_report"]), median(measured["floor"])
        ratio = report_s / floor_s if floor_s else float("nan")
        report_row = harness.timing_row(
            f"{head}: build_report, full organisation report with suppression",
            measured["build_report"],
            **{"× floor": round(ratio, 1)},
        )
        full = label == FULL
        if full:
            met = report_s < REPORT_TARGET_S
            report_row.update(target=f"< {REPORT_TARGET_S * 1000:.0f} ms", met="yes" if met else "NO")
            target.update(report_s=REPORT_TARGET_S, met=met)
        rows.append(report_row)
        parts = budget(measured)
        rows.append(
            harness.timing_row(
                "  the same with stopwatches around its parts, which take:", measured["split"]["build_report"]
            )
        )
        for name, seconds in parts.items():
            row = harness.timing_row(
                f"    {name}", seconds, **{"× floor": round(median(seconds) / floor_s, 1) if floor_s else ""}
            )
            rows.append({key: value for key, value in row.items() if key not in ("n", "p95 ms")})
        rows.append(
            harness.timing_row(
                f"{head}: plain SQL by unit and item, the floor ({measured['floor_rows']:,} rows)",
                measured["floor"],
                **{"× floor": 1.0},
            )
        )
        export = data.get("export")
        if export:
            suffix = f" at {label}" if len(results) > 1 or not full else ""
            rows.extend(export_rows(head, export, full=full))
            figures[f"XLSX file built, median s{suffix} (in the background at region size)"] = round(
                median(export["export"]), 3
            )
            figures[f"XLSX export / the same rows as CSV{suffix}"] = round(
                median(export["export"]) / (median(export["build_rows"]) + median(export["write_csv"])), 2
            )
            figures[f"stored report read ms{suffix} (old pickle)"] = (
                f"{ms(median(export['read_stored']))} ({ms(median(export['read_pickle']))})"
            )
            facts[f"stored report {label}"] = (
                f"{export['stored_bytes']:,} bytes (the old pickled RoundReport: {export['pickle_bytes']:,}); "
                f"{export['rows']:,} result rows, workbook {export['xlsx_bytes']:,} bytes"
            )
            if "ask" in export:
                figures[f"XLSX download request median ms{suffix}, before / once ready"] = (
                    f"{ms(median(export['ask']))} / {ms(median(export['serve']))}"
                    + (" (built within the request: small)" if export["inline"] else " (built in the background)")
                )
            held = max(median(export["ask"]), median(export["serve"])) if "ask" in export else median(export["export"])
            if full and (held >= EXPORT_TARGET_S or export.get("inline")):
                warnings.append(
                    f"the XLSX download holds a request {held:.2f} s at {head}, target < {EXPORT_TARGET_S:.0f} s"
                )
        answering = data.get("answering")
        if answering:
            rows.append(
                harness.timing_row(
                    f"{head}: clean_answers + answer_with_invitation, one thread ({answering['queries']} queries)",
                    answering["seconds"],
                )
            )
        suffix = f" at {label}" if len(results) > 1 or not full else ""
        report_label = f"build_report median s{suffix}" + (
            f" (target < {REPORT_TARGET_S:.0f} s: {'met' if report_s < REPORT_TARGET_S else 'NOT met'})" if full else ""
        )
        figures[report_label] = round(report_s, 3)
        figures[f"build_report best s{suffix}"] = round(min(measured["build_report"]), 3)
        figures[f"plain SQL floor median s{suffix}"] = round(floor_s, 3)
        figures[f"build_report / floor{suffix}"] = round(ratio, 1)
        if answering:
            figures[f"submissions/s in process, one thread{suffix}"] = round(
                len(answering["seconds"]) / answering["wall"], 1
            )
        figures[f"data build s{suffix}"] = data["build"]["total"]
        if full and report_s >= REPORT_TARGET_S:
            largest = sorted(parts.items(), key=lambda entry: -median(entry[1]))[:3]
            ours = [entry for entry in measured["profile"] if entry["ours"]][:2]
            warnings.append(
                f"build_report takes {report_s:.2f} s at {head} (best {min(measured['build_report']):.2f} s), "
                f"target < {REPORT_TARGET_S:.0f} s; most of it: "
                + ", ".join(f"{name} {median(seconds):.2f} s" for name, seconds in largest)
                + "; Tillit's functions with the most own time under cProfile: "
                + ", ".join(
                    f"{entry['function']} {entry['own ms']:.0f} ms in {entry['calls']:,} calls" for entry in ours
                )
            )
        if measured.get("split_missing"):
            warnings.append(f"{label}: not found to time (reporting changed?): {', '.join(measured['split_missing'])}")
        if answering and (
            answering["stored"] != answering["submitted"] or answering["answered"] != answering["submitted"]
        ):
            raise harness.BenchError(
                f"{label}: {answering['submitted']} submissions stored {answering['stored']} responses and answered {answering['answered']} invitations"
            )
        suppression = measured["suppression"]
        leaves = data["leaf_sizes"]
        facts[f"data {label}"] = (
            f"{data['units']:,} units ({' + '.join(map(str, next(size.units_by_depth for size in SIZES if size.label == label)))}), "
            f"{data['respondents']:,} respondents in {data['atoms']:,} atoms (unit × level × actor group), "
            f"{data['answers']:,} answers ({data['dont_know'] / (data['answers'] or 1):.1%} vet ej, {data['skipped']:,} skipped), "
            f"population {data['population']:,}, {data['invitations']:,} invitations; front-line units of "
            f"{leaves['min']}–{leaves['max']} (median {leaves['median']:g}), {leaves['below_k']} below k"
        )
        facts[f"shown {label}"] = (
            f"{suppression['units_shown']:,} of {suppression['units']:,} units, {suppression['levels_shown']} of "
            f"{suppression['levels']} levels, {suppression['groups_shown']} of {suppression['groups']} actor groups (k = {data['k']})"
        )
        facts[f"data build s {label}"] = (
            " + ".join(f"{name} {seconds:.1f}" for name, seconds in data["build"].items() if name != "total")
            + f" = {data['build']['total']:.1f}"
        )
        load_queries = [query for query in measured["queries"] if query["in_load"]]
        if measured.get("postgresql_settings"):
            facts["postgresql settings"] = ", ".join(f"{k} {v}" for k, v in measured["postgresql_settings"].items())
        facts[f"build_report queries {label}"] = (
            f"{len(measured['queries'])} ({len(load_queries)} in report_answers: "
            + ", ".join(f"{query['ms']:.0f} ms" for query in load_queries)
            + f"); profiled run {measured['profiled_s']:.2f} s"
        )

    if isinstance(http, dict):
        summary = harness.timings(http["seconds"])
        rate = len(http["seconds"]) / http["wall"] if http["wall"] else float("nan")
        rows.append(
            harness.timing_row(
                f"answer POST (after the first visit) through gunicorn, {http['concurrency']} at a time ({http['workers']} workers)",
                http["seconds"],
            )
        )
        figures["submissions/s over HTTP (answer view, gunicorn)"] = round(rate, 1)
        figures["answer POST median ms (under that load)"] = summary["median_ms"]
        facts["HTTP answering"] = (
            f"{len(http['seconds']):,} timed POSTs of the whole questionnaire ({len(http['posted']):,} in all), "
            f"each after the personal link's first visit (a GET answered by a 302 and the token's cookie, untimed), "
            f"{http['concurrency']} connections, gunicorn {http['workers']} sync workers; every one stored"
            + (
                f" ({http['verify']['mixed']:,} responses mixed, {http['verify']['waiting']} waiting in the inbox)"
                if "verify" in http
                else ""
            )
        )
    else:
        warnings.append(f"HTTP answering not measured: {http}")

    facts.update(
        {
            "k": results[0]["k"] if results else "",
            "timing": f"in process (manage.py shell, DEBUG off); median of {config['repeat']} runs after one warm-up; "
            "the report's parts from separate runs with stopwatches around them",
            "floor": "SELECT unit, item, avg(value), count(value) over the round's answers JOIN responses, GROUP BY unit, item",
            "tables": "each size starts from empty answer tables (its own round only), VACUUM ANALYZEd (SQLite: ANALYZE) after the load",
            "machine load": "2 cores shared with other work: the figures are upper bounds",
        }
    )
    full_results = [data for data in results if data["label"] == FULL]
    profiled = (full_results or results[-1:])[0] if results else None
    if profiled:
        print_profile(profiled["report"], label=profiled["label"])
    return {
        "title": TITLE,
        "facts": facts,
        "rows": [{column: row.get(column, "") for column in COLUMNS} for row in rows],
        "figures": figures,
        "warnings": warnings,
        "target": target,
        "profile": profiled["report"]["profile"] if profiled else [],
        "profile_ours": profiled["report"]["profile_ours"] if profiled else [],
        "raw": {
            "sizes": [
                {
                    "respondents": data["respondents"],
                    "build_report_s": [round(value, 4) for value in data["report"]["build_report"]],
                    "floor_s": [round(value, 4) for value in data["report"]["floor"]],
                    "split_s": {
                        name: [round(value, 4) for value in values] for name, values in data["report"]["split"].items()
                    },
                    "queries": data["report"]["queries"],
                    "floor_plan": data["report"].get("floor_plan", []),
                    "answering_s": [round(value, 4) for value in data.get("answering", {}).get("seconds", [])],
                    "build_s": data["build"],
                }
                for data in results
            ],
            "http_s": [round(value, 4) for value in http["seconds"]] if isinstance(http, dict) else [],
        },
    }


def export_rows(head: str, export: dict, *, full: bool) -> list[dict[str, object]]:
    floor = median(export["build_rows"]) + median(export["write_csv"])
    rows = []
    total = harness.timing_row(
        f"{head}: XLSX file of every group built ({export['rows']:,} rows): stored report, rows, workbook",
        export["export"],
        **{"× floor": round(median(export["export"]) / floor, 2) if floor else ""},
    )
    rows.append(total)
    if "ask" in export:
        served_from_storage = not export["inline"]
        for name, label in (
            ("ask", "download request before the file exists: estimate, look up, enqueue the build"),
            ("serve", "download request once it is ready: the stored file read back"),
        ):
            row = harness.timing_row(f"{head}: {label}", export[name])
            if full:
                met = served_from_storage and median(export[name]) < EXPORT_TARGET_S
                row.update(target=f"< {EXPORT_TARGET_S * 1000:.0f} ms", met="yes" if met else "NO")
            rows.append(row)
        rows.append(
            harness.timing_row(
                f"{head}: the build in the background (the worker, no request waits)", export["background_build"]
            )
        )
    for name, label in (
        ("build_rows", "the rows (the stored report read, every group's rows built)"),
        ("write_xlsx", "the workbook written (XlsxWriter, constant memory)"),
        ("write_csv", "the floor's writer: the same result rows as CSV"),
        ("read_stored", "the stored report read (every group left undecoded)"),
        ("page_read", "the stored report read with the 20 groups a page shows decoded"),
        ("read_pickle", "the old cached form read: a pickled RoundReport"),
    ):
        row = harness.timing_row(f"    {label}", export[name])
        rows.append({key: value for key, value in row.items() if key not in ("n", "p95 ms")})
    return rows


def print_profile(measured: dict, *, label: object) -> None:
    """The cProfile of one build_report, printed before the runner's block (it is also in the JSON line)."""
    print(
        f"\ncProfile of one build_report at {label} ({measured['profiled_s']:.2f} s under the profiler): top by own time"
    )
    width = max((len(entry["function"]) for entry in measured["profile"]), default=10)
    print(f"  {'function':<{width}}  {'calls':>9}  {'own ms':>8}  {'cum ms':>8}")
    for entry in measured["profile"]:
        print(
            f"  {entry['function']:<{width}}  {entry['calls']:>9,}  {entry['own ms']:>8.1f}  {entry['cumulative ms']:>8.1f}"
        )
    print("  Tillit's functions by cumulative time:")
    for entry in measured["profile_ours"][:10]:
        print(
            f"  {entry['function']:<{width}}  {entry['calls']:>9,}  {entry['own ms']:>8.1f}  {entry['cumulative ms']:>8.1f}"
        )
