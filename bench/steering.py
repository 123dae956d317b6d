"""Styrsignaler at region size: a sealed campaign's analysis page against the raw SQL aggregation of its ratings.

A region is generated in bulk with a fixed seed (issue 18): 1,500 units in a five-level tree (1 + 5 + 25 + 200 +
1,269), 500 signals (two in five reach the whole region, the others an administration's or a department's subtree),
and a sealed campaign whose 50,000 raters (most in the front-line teams, with their levels and actor groups, a few
not stated) rate on average 20 of the signals that reach their unit: about 1,000,000 `Rating` rows, written with COPY
(about 8 % "vet ej" per question, 3 % with a comment). The raters are the campaign's rows only: their memberships and
invitations play no part in the analysis and are not generated. Then, in process (`manage.py shell`, production
settings, DEBUG off):

- the floor: ONE plain SQL aggregation of the same ratings (GROUP BY signal, level, actor group, with the counts and
  sums of each question), fetched completely; median of several runs;
- the analysis page's first render: GET through Django's test client as a member, the cache emptied before each run
  (the ratings summed, every signal's means disclosed by the anonymity engine, the catalogue read, the page
  rendered), median of several runs, with where its time goes; and the ratio to the floor;
- the page under load: several threads requesting it at once, each with its own database connection, (a) the page
  itself (stored per reader after the first look, as in production) and (b) another page of its signals list
  (`?page=N`, never stored: the view runs each time on the kept figures), median and 95th percentile.

Target: the first render under 1 s and within 10× of the floor. PostgreSQL only.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import harness  # noqa: E402  (needs the path above)

TITLE = "Styrsignaler at region size: the analysis page of a sealed campaign against plain SQL"

TARGET_S = 1.0
TARGET_RATIO = 10.0
SEED = 20261204
UNITS_BY_DEPTH = (1, 5, 25, 200, 1_269)
SIGNALS = 500
RATERS = 50_000
MEAN_RATED = 20
DONT_KNOW_SHARE = 0.08
COMMENT_SHARE = 0.03


def settings_from_env() -> dict[str, int]:
    return {
        "raters": harness.env_int("BENCH_STEERING_RATERS", RATERS),
        "repeat": harness.env_int("BENCH_STEERING_REPEAT", 5),
        "threads": harness.env_int("BENCH_STEERING_THREADS", 4),
        "requests": harness.env_int("BENCH_STEERING_REQUESTS", 25),
    }


# Inside Django ------------------------------------------------------------------------------------------------------


def build_region(raters: int) -> dict[str, object]:
    """The organisation, its tree, the catalogue, a sealed campaign and its ratings; ids for the measurements."""
    import datetime
    import secrets
    import time
    import uuid
    from decimal import Decimal

    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from tillit.organisations import actions, tree
    from tillit.organisations.models import ActorGroup, Level, Membership, Unit
    from tillit.steering.models import Campaign, CampaignSignal, Kind, Owner, Rating, Signal, Source

    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    organisation = actions.create_organisation(name="Region Bench", slug="region-bench")
    kinds = ("political_body", "administration", "department", "section", "team")
    names = ("Regionen", "Förvaltning", "Avdelning", "Enhet", "Arbetsgrupp")
    by_depth: list[list[int]] = []
    for depth, count in enumerate(UNITS_BY_DEPTH):
        parents = by_depth[-1] if by_depth else [None]
        rows = [
            Unit(
                organisation=organisation,
                parent_id=parents[number % len(parents)],
                name=f"{names[depth]} {number + 1}",
                kind=kinds[depth],
            )
            for number in range(count)
        ]
        by_depth.append([unit.pk for unit in Unit.objects.bulk_create(rows)])
    parents_of = dict(Unit.objects.filter(organisation=organisation).values_list("pk", "parent_id"))
    levels = {level.rank: level.pk for level in Level.objects.filter(organisation=organisation)}
    groups = {group.key: group.pk for group in ActorGroup.objects.filter(organisation=organisation)}

    owners = Owner.objects.bulk_create(
        Owner(organisation=organisation, name=f"Ägare {number}", name_key=f"ägare {number}") for number in range(40)
    )
    kind_values = [kind.value for kind in Kind]
    source_values = [source.value for source in Source]
    signals = Signal.objects.bulk_create(
        Signal(
            organisation=organisation,
            name=f"Styrsignal {number:03}",
            name_key=f"styrsignal {number:03}",
            source=source_values[number % len(source_values)],
            kind=kind_values[number % len(kind_values)],
            owner=owners[number % len(owners)],
            occurrences_per_year=Decimal(int(rng.integers(1, 53))),
            minutes_per_occurrence=Decimal(int(rng.integers(5, 120))),
            people=int(rng.integers(1, 400)),
        )
        for number in range(SIGNALS)
    )
    reach_roots: list[list[int]] = []
    through = Signal.units.through
    links = []
    for number, signal in enumerate(signals):
        share = number % 5
        if share < 2:
            roots: list[int] = []
        elif share < 4:
            roots = [by_depth[1][number % len(by_depth[1])]]
        else:
            roots = [by_depth[2][number % len(by_depth[2])]]
        reach_roots.append(roots)
        links += [through(signal_id=signal.pk, unit_id=unit) for unit in roots]
    through.objects.bulk_create(links)
    now = timezone.now()
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        organisation=organisation,
        name="Styrsignaler 2026",
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=1),
        opened_at=now - datetime.timedelta(days=30),
        closed_at=now,
        sealed_at=now,
        anonymity_threshold=organisation.anonymity_threshold,
        unit_parents={str(unit): parent for unit, parent in parents_of.items()},
    )
    reached = [tree.covered(parents_of, roots) for roots in reach_roots]
    CampaignSignal.objects.bulk_create(
        CampaignSignal(campaign=campaign, signal=signal, reached_unit_ids=sorted(units))
        for signal, units in zip(signals, reached, strict=True)
    )
    built_catalogue = time.perf_counter() - started

    # Raters: most in the teams, some on the sections and departments (managers and support functions).
    teams, sections, departments = by_depth[4], by_depth[3], by_depth[2]
    placed = rng.choice(3, size=raters, p=[0.90, 0.07, 0.03])
    unit_of = np.where(
        placed == 0,
        rng.choice(teams, size=raters),
        np.where(placed == 1, rng.choice(sections, size=raters), rng.choice(departments, size=raters)),
    )
    mixes = (  # (actor group key, level rank) and shares, per kind of place
        ([("employee", 5), ("first_line_manager", 4), ("support_function", 5), (None, None)], [0.9, 0.05, 0.03, 0.02]),
        ([("first_line_manager", 4), ("support_function", 4), ("employee", 5), (None, None)], [0.6, 0.25, 0.13, 0.02]),
        ([("middle_management", 3), ("support_function", 3), (None, None)], [0.6, 0.38, 0.02]),
    )
    signals_at: dict[int, np.ndarray] = {}
    reaching: dict[int, list[int]] = {}
    for position, units in enumerate(reached):
        for unit in units:
            reaching.setdefault(unit, []).append(position)
    truth_value = rng.uniform(1.5, 4.5, size=SIGNALS)
    truth_burden = rng.uniform(1.5, 4.5, size=SIGNALS)
    truth_knowing = rng.uniform(0.1, 0.9, size=SIGNALS)
    signal_ids = np.array([signal.pk for signal in signals])
    campaign_id = campaign.pk

    def rows():
        for rater in range(raters):
            unit = int(unit_of[rater])
            options, shares = mixes[int(placed[rater])]
            group_key, rank = options[int(rng.choice(len(options), p=shares))]
            level_id = levels.get(rank) if rank else None
            group_id = groups.get(group_key) if group_key else None
            available = signals_at.get(unit)
            if available is None:
                available = signals_at[unit] = np.array(reaching.get(unit, []))
            count = min(len(available), max(1, int(rng.poisson(MEAN_RATED))))
            chosen = rng.choice(available, size=count, replace=False)
            values = np.clip(np.rint(rng.normal(truth_value[chosen], 1.0)), 1, 5).astype(int)
            burdens = np.clip(np.rint(rng.normal(truth_burden[chosen], 1.0)), 1, 5).astype(int)
            knows = rng.random(count) < truth_knowing[chosen]
            dont_know = rng.random((3, count))
            comments = rng.random(count) < COMMENT_SHARE
            for i, position in enumerate(chosen):
                yield (
                    uuid.UUID(bytes=secrets.token_bytes(16), version=4),
                    campaign_id,
                    int(signal_ids[position]),
                    level_id,
                    group_id,
                    None if dont_know[0, i] < DONT_KNOW_SHARE else int(values[i]),
                    None if dont_know[1, i] < DONT_KNOW_SHARE else int(burdens[i]),
                    None if dont_know[2, i] < DONT_KNOW_SHARE else bool(knows[i]),
                    f"Kommentar om signal {int(position)} från {rater}" if comments[i] else "",
                )

    fields = (
        "id",
        "campaign",
        "signal",
        "level",
        "actor_group",
        "value",
        "burden",
        "knows_user",
        "comment",
    )
    table = connection.ops.quote_name(Rating._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(Rating._meta.get_field(name).column) for name in fields)
    written = 0
    copy_started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows():
            copy.write_row(row)
            written += 1
    copied = time.perf_counter() - copy_started
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    reader = actions.add_person(
        organisation=organisation,
        details=actions.PersonDetails(
            full_name="Erik Läsare",
            email="erik@region-bench.example",
            unit=Unit.objects.get(pk=teams[0]),
            actor_group=ActorGroup.objects.get(pk=groups["employee"]),
            level=Level.objects.get(pk=levels[5]),
            role=Membership.Role.PARTICIPANT,
        ),
        by_operator=True,
    )
    return {
        "campaign": str(campaign.public_id),
        "campaign_pk": campaign_id,
        "user": reader.user_id,
        "units": len(parents_of),
        "signals": len(signals),
        "raters": raters,
        "ratings": written,
        "catalogue_s": round(built_catalogue, 2),
        "copy_s": round(copied, 2),
    }


FLOOR_SQL = """
SELECT signal_id, level_id, actor_group_id, count(*), count(value), sum(value), count(burden), sum(burden),
       count(knows_user), count(*) FILTER (WHERE knows_user), count(*) FILTER (WHERE comment <> '')
FROM steering_rating WHERE campaign_id = %s GROUP BY signal_id, level_id, actor_group_id
"""


def measure(data: dict, config: dict) -> dict[str, object]:
    import threading
    import time

    from django.core.cache import cache
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tillit.accounts.models import User
    from tillit.steering import queries, reporting
    from tillit.steering.models import Campaign

    repeat = config["repeat"]

    def timed(call) -> list[float]:
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - started)
        return seconds

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [data["campaign_pk"]])
            cursor.fetchall()

    floor()  # warm the table's pages, as the page's runs are warm too
    floor_s = timed(floor)

    campaign = Campaign.objects.select_related("organisation").get(pk=data["campaign_pk"])
    sums_s = timed(lambda: queries.rating_sums(campaign))
    rated_s = timed(lambda: reporting.build_rated(campaign))
    address = reverse("steering:analysis", kwargs={"campaign": data["campaign"]})
    user = User.objects.get(pk=data["user"])
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    assert client.get(address).status_code == 200  # the session and what is kept after the first look

    def first_render() -> None:
        cache.clear()
        response = client.get(address)
        if response.status_code != 200:
            raise RuntimeError(f"the analysis page answered {response.status_code}")

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        first_render()
    page_queries = len(captured)
    first_s = timed(first_render)
    size = len(client.get(address).content)

    def load(path: str) -> list[float]:
        seconds: list[float] = []
        lock = threading.Lock()
        errors: list[str] = []

        def worker() -> None:
            own = Client(HTTP_HOST="localhost")
            own.force_login(user)
            own.get(path)
            mine = []
            for _ in range(config["requests"]):
                started = time.perf_counter()
                response = own.get(path)
                mine.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors.append(str(response.status_code))
            with lock:
                seconds.extend(mine)
            connections.close_all()

        threads = [threading.Thread(target=worker) for _ in range(config["threads"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise RuntimeError(f"under load the page answered {errors[:5]}")
        return sorted(seconds)

    stored = load(address)
    listed = load(address + "?page=7")
    profile = profile_top(lambda: client.get(address + "?page=8"), 12)
    return {
        "floor": floor_s,
        "sums": sums_s,
        "rated": rated_s,
        "first": first_s,
        "queries": page_queries,
        "bytes": size,
        "stored": stored,
        "listed": listed,
        "profile": profile,
    }


def profile_top(call, top: int) -> list[dict[str, object]]:
    """cProfile of one call: Tillit's functions by cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    root = str(BENCH.parent) + "/tillit/"
    ours = [
        {"function": f"{filename.replace(root, '')}:{line}({function})", "cumulative ms": round(cumulative * 1000, 1)}
        for (filename, line, function), (_, _calls, _own, cumulative, _) in stats.items()
        if filename.startswith(root)
    ]
    return sorted(ours, key=lambda entry: -entry["cumulative ms"])[:top]


def inside_django(config: dict) -> dict:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise RuntimeError("the steering benchmark runs on PostgreSQL")
    data = build_region(config["raters"])
    data["measured"] = measure(data, config)
    return data


INSIDE_CODE = """
import importlib.util
import json
import sys
spec = importlib.util.spec_from_file_location("bench_steering_inside", PATH)
module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(json.dumps(module.inside_django(CONFIG)))
"""


# The runner's side ----------------------------------------------------------------------------------------------


def ms(seconds: float) -> float:
    return round(1000 * seconds, 1)


def run() -> dict[str, object]:
    config = settings_from_env()
    with harness.bench_database() as database_url:
        env = harness.production_env(database_url)
        harness.prepare_app(env)
        facts = harness.machine_facts(database_url)
        prelude = f"PATH = {str(Path(__file__).resolve())!r}\nCONFIG = {config!r}\n"
        data = harness.django_snippet(prelude + INSIDE_CODE, env, timeout=3600)
    if not isinstance(data, dict):
        raise harness.BenchError(f"the Django snippet returned {data!r}")
    measured = data["measured"]
    floor = statistics.median(measured["floor"])
    first = statistics.median(measured["first"])
    ratio = first / floor if floor else 0.0
    rows = [
        harness.timing_row("raw SQL aggregation (floor)", measured["floor"]),
        harness.timing_row("rating sums (queries.rating_sums)", measured["sums"]),
        harness.timing_row("figures about people (reporting.build_rated)", measured["rated"]),
        harness.timing_row("analysis page, first render", measured["first"]),
        harness.timing_row(f"page under load, stored ({config['threads']} threads)", measured["stored"]),
        harness.timing_row(f"signals page 7 under load ({config['threads']} threads)", measured["listed"]),
    ]
    print("\n  where one render of a page of signals goes (Tillit's functions, cumulative):")
    for entry in measured["profile"]:
        print(f"    {entry['cumulative ms']:>8} ms  {entry['function']}")
    return {
        "title": TITLE,
        "facts": {
            **facts,
            "units": data["units"],
            "signals": data["signals"],
            "raters": data["raters"],
            "ratings": data["ratings"],
            "catalogue built, s": data["catalogue_s"],
            "ratings written (COPY), s": data["copy_s"],
            "page queries (first render)": measured["queries"],
            "page size, bytes": measured["bytes"],
            "runs": config["repeat"],
        },
        "rows": rows,
        "figures": {
            "first render, ms": ms(first),
            "floor, ms": ms(floor),
            "ratio": round(ratio, 1),
            "under load (stored), median ms": ms(statistics.median(measured["stored"])),
            "under load (page 7), median ms": ms(statistics.median(measured["listed"])),
            "target": f"< {TARGET_S:.0f} s and within {TARGET_RATIO:.0f}× of the floor",
            "met": first < TARGET_S and ratio <= TARGET_RATIO,
        },
    }
