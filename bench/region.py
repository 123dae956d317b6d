"""A region at full size in one run (issue 14, target 6): every page's first and warm time, peak memory, growth.

At a tenth of the size and then at full size (BENCH_REGION_SCALE scales both), each in a fresh database:

- an organisation of 50,000 members in 1,500 units (the barometer benchmark's five-level tree);
- a barometer round with 50,000 answers (bench/barometer.py's generator, written with COPY), closed, then sealed
  by `manage.py seal_rounds`;
- an open dialogue with live results, 50,000 participants × 2,000 statements at 30 % voted (bench/dialogue.py's
  planted matrix, 30 million votes written with COPY), analysed by `worker.analyse_dialogue` (the background worker's work);
- a workshop of 2,000 guest participants who have rated everything (bench/bench_workshop.py's builder), moved to
  the results step by `actions.set_step`.

Then, on gunicorn with one sync worker (so only the first request of a page is cold), each page and download is
requested once (first) and BENCH_REGION_REQUESTS times more (warm, median). Reported: each page's first and warm
time at both sizes and the exponent of its growth, log(t_full / t_tenth) / log(10); the peak resident memory
(VmHWM) of the gunicorn worker, of the dialogue worker, of sealing the round and of closing the workshop's rating,
each with its exponent; and how long building and measuring each size took.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import random
import secrets
import statistics
import string
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import harness  # noqa: E402  (needs the path above)

TITLE = (
    "A region at full size: first and warm time of every page, peak memory, growth from a tenth (issue 14, target 6)"
)

SEED = 20261203
FULL_MEMBERS = 50_000  # members, barometer respondents and dialogue participants alike
FULL_UNITS_BY_DEPTH = (1, 5, 25, 200, 1_269)  # 1,500 units: region, administrations, departments, sections, teams
FULL_WORKSHOP = 2_000
STATEMENTS = 2_000  # the dialogue's statements: the content, the same at every size (participants scale)
LABEL = "R"  # the barometer generator's size label: the organisation is "Region Bänk R", /o/bank-r/
WORKER_TIMEOUT = 900  # gunicorn --timeout: a slow page is measured, not killed
REQUEST_TIMEOUT = 900
BUILD_TIMEOUT = 3600


@dataclass(frozen=True)
class RegionSize:
    scale: float
    members: int
    units_by_depth: tuple[int, int, int, int, int]
    statements: int
    workshop: int

    @classmethod
    def at(cls, scale: float, statements: int) -> RegionSize:
        units = tuple(max(1, round(count * scale)) for count in FULL_UNITS_BY_DEPTH)
        return cls(
            scale=scale,
            members=max(100, round(FULL_MEMBERS * scale)),
            units_by_depth=(1, units[1], units[2], units[3], units[4]),
            statements=statements,
            workshop=max(20, round(FULL_WORKSHOP * scale)),
        )

    def describe(self) -> str:
        return (
            f"{self.members:,} members in {sum(self.units_by_depth):,} units; {self.members:,} barometer answers; "
            f"dialogue {self.members:,} × {self.statements:,}; workshop of {self.workshop:,}"
        )


# Inside Django: building the region ------------------------------------------------------------------------


def peak_rss_mb() -> float | None:
    return harness.peak_rss_mb(os.getpid())


def build_region(config: dict) -> dict[str, object]:
    """The organisation, its members, the barometer round and the dialogue (run by `manage.py shell`)."""
    import barometer as barometer_bench  # bench/barometer.py: the unit tree, the round and its answers
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from tillit.barometer.models import PopulationCount, Round

    size = RegionSize(**{**config["size"], "units_by_depth": tuple(config["size"]["units_by_depth"])})
    laps = barometer_bench.Laps()
    round_data = barometer_bench.build_round(
        barometer_bench.Size(LABEL, size.members, size.units_by_depth), config["salt"], reserve=0
    )
    round_data.pop("waiting_tokens", None)
    laps("barometer round (bench/barometer.py)")
    round = Round.objects.select_related("organisation").get(pk=round_data["round"])
    organisation = round.organisation
    # Closed yesterday; `manage.py seal_rounds` seals it afterwards, as in production.
    Round.objects.filter(pk=round.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))

    atoms = list(PopulationCount.objects.filter(round=round).values_list("unit", "level", "actor_group", "count"))
    admin = add_members(organisation, atoms, size.members)
    laps(f"{size.members:,} members")
    dialogue = build_dialogue(organisation, admin, size, laps)

    session = SessionStore()
    session.update(
        {
            "_auth_user_id": str(admin.user.pk),
            "_auth_user_backend": "tillit.accounts.backends.EmailBackend",
            "_auth_user_hash": admin.user.get_session_auth_hash(),
            "organisation": organisation.slug,
        }
    )
    session.create()
    units = list(organisation.units.order_by("pk").values_list("public_id", flat=True)[:2])
    return {
        "organisation": organisation.slug,
        "round": str(round.public_id),
        "unit": str(units[-1]),  # an administration: the first unit below the region
        "dialogue": dialogue,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "counts": {
            "units": round_data["units"],
            "respondents": round_data["respondents"],
            "invitations": round_data["invitations"],
            "members": organisation.memberships.count(),
        },
        "build": {**round_data["build"], **laps.seconds, "total": laps.total()},
        "builder_peak_rss_mb": peak_rss_mb(),
    }


def add_members(organisation: Any, atoms: list[tuple[int, int | None, int | None, int]], members: int) -> Any:
    """`members` people spread over the round's population atoms (unit, level, actor group), in bulk; and one
    administrator through the actions. Returns the administrator's membership."""
    from barometer import hamilton

    from tillit.accounts.addresses import canonical_email
    from tillit.accounts.models import User
    from tillit.organisations import actions
    from tillit.organisations.models import ActorGroup, Membership

    counts = hamilton(members, np.array([count for *_, count in atoms], dtype=float))
    places = [atom[:3] for atom, count in zip(atoms, counts.tolist(), strict=True) for _ in range(count)]
    domain = f"{organisation.slug}.invalid"
    users = User.objects.bulk_create(
        [
            User(
                email=f"person{number}@{domain}",
                canonical_email=canonical_email(f"person{number}@{domain}"),
                full_name=f"Medarbetare {number + 1}",
                password="!bench",  # noqa: S106 - unusable (starts with "!"): nobody signs in with it
            )
            for number in range(len(places))
        ],
        batch_size=5000,
    )
    employee = ActorGroup.objects.get(organisation=organisation, key="employee").pk  # a member states a group
    Membership.objects.bulk_create(
        [
            Membership(
                organisation=organisation, user=user, unit_id=unit, level_id=level, actor_group_id=group or employee
            )
            for user, (unit, level, group) in zip(users, places, strict=True)
        ],
        batch_size=5000,
    )
    support = ActorGroup.objects.get(organisation=organisation, key="support_function")
    return actions.add_person(
        organisation=organisation,
        details=actions.PersonDetails(
            full_name="Bänk Administratör",
            email=f"admin@{domain}",
            unit=None,
            actor_group=support,
            level=None,
            role="admin",
        ),
    )


def build_dialogue(organisation: Any, admin: Any, size: RegionSize, laps: Callable[[str], None]) -> dict[str, object]:
    """An open dialogue with live results: statements and participants in bulk, the planted votes with COPY."""
    import hashlib

    import dialogue as dialogue_bench
    from django.db import connection, transaction
    from django.utils import timezone

    from tillit.dialogues import actions
    from tillit.dialogues.models import Dialogue, DialogueParticipant, Statement, Vote

    data = dialogue_bench.planted_matrix(size.members, size.statements, seed=SEED)
    rows, cols, values = data["rows"], data["cols"], data["values"]
    laps("dialogue: planted matrix")
    today = timezone.localdate()
    dialogue = actions.create_dialogue(
        organisation=organisation,
        created_by=admin,
        question="Hur ska regionen ta hand om äldre som bor hemma?",
        access=Dialogue.Access.OPEN,
        moderation=Dialogue.Moderation.POST,
        live_results=True,
        opens_on=today - datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=14),
    )
    groups = list(organisation.actor_groups.order_by("position"))
    rng = random.Random(SEED)
    statements = Statement.objects.bulk_create(
        [
            Statement(
                dialogue=dialogue,
                number=j,
                text=f"Påstående {j + 1}: hemtjänsten bör arbeta i fasta, små team ({j % 7 + 1}).",
                is_seed=True,
                status=Statement.Status.ACCEPTED,
            )
            for j in range(size.statements)
        ],
        batch_size=5000,
    )
    participants = DialogueParticipant.objects.bulk_create(
        [
            DialogueParticipant(
                dialogue=dialogue,
                number=i,
                token_hash=hashlib.sha256(f"region-{i}".encode()).hexdigest(),
                actor_group=rng.choice(groups) if rng.random() < 0.7 else None,
            )
            for i in range(size.members)
        ],
        batch_size=5000,
    )
    laps("dialogue: statements and participants")
    participant_pk = np.array([p.pk for p in participants], dtype=np.int64)
    statement_pk = np.array([s.pk for s in statements], dtype=np.int64)
    voted_at = timezone.now().isoformat()
    table = connection.ops.quote_name(Vote._meta.db_table)
    fields = ("dialogue", "statement", "participant", "value", "voted_at", "release")
    columns = ", ".join(connection.ops.quote_name(Vote._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cursor.fetchone()[0])
    with transaction.atomic(), connection.cursor() as cursor:
        if superuser:  # the generated rows are consistent: skip the per-row foreign key triggers
            cursor.execute("SET LOCAL session_replication_role = replica")
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for start in range(0, rows.size, 200_000):
                stop = min(rows.size, start + 200_000)
                copy.write(
                    "".join(
                        f"{dialogue.pk}\t{s}\t{p}\t{v}\t{voted_at}\t1\n"  # all counted by the first release
                        for s, p, v in zip(
                            statement_pk[cols[start:stop]].tolist(),
                            participant_pk[rows[start:stop]].tolist(),
                            values[start:stop].tolist(),
                            strict=True,
                        )
                    )
                )
    laps(f"dialogue: {rows.size:,} votes (COPY{', no FK triggers' if superuser else ''})")
    with connection.cursor() as cursor:
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table) for model in (Vote, Statement, DialogueParticipant)
        )
        cursor.execute(f"VACUUM ANALYZE {tables}")
    laps("dialogue: VACUUM ANALYZE")
    return {"public_id": str(dialogue.public_id), "votes": int(rows.size), "participants": size.members}


BUILD_CODE = """
import json
import sys
sys.path.insert(0, BENCH)
import region
print(json.dumps(region.build_region(CONFIG)))
"""

# A background or app process, measured: its wall time and its peak resident memory (VmHWM), Django loaded. A
# failure is reported (as the background worker logs it and carries on), not raised.
MEASURED_CODE = """
import json
import os
import sys
import time
import traceback
sys.path.insert(0, BENCH)
import harness
start_rss = harness.peak_rss_mb(os.getpid())
started = time.perf_counter()
error = None
try:
{action}
except Exception as failure:
    error = "".join(traceback.format_exception(failure)[-6:])
print(json.dumps({{
    "seconds": round(time.perf_counter() - started, 3),
    "peak_rss_mb": harness.peak_rss_mb(os.getpid()),
    "start_rss_mb": start_rss,
    "error": error,
}}))
"""

# What the background worker runs for each piece of work, called directly (the worker's command and task
# plumbing around it change; these functions are the work itself).
BACKGROUND = {
    "dialogue analysis (worker.analyse_dialogue)": (
        "from tillit.dialogues import worker\n"
        "from tillit.dialogues.models import Dialogue\n"
        "worker.analyse_dialogue(Dialogue.objects.select_related('organisation').get(public_id=DIALOGUE))"
    ),
    "sealing the round (seal_rounds)": "from django.core.management import call_command\ncall_command('seal_rounds')",
    "closing the workshop's rating (set_step decide)": (
        "from tillit.workshops import actions\nfrom tillit.workshops.models import Workshop\n"
        "actions.set_step(workshop=Workshop.objects.get(public_id=WORKSHOP), step='decide')"
    ),
}

# Whether an analysis is stored (the pages of a dialogue without one show a placeholder).
ANALYSIS_CODE = """
import json
from tillit.dialogues.models import DialogueAnalysis
stored = DialogueAnalysis.objects.get(dialogue__public_id=DIALOGUE)
groups = len(stored.report.get("groups") or []) if isinstance(stored.report, dict) else 0
print(json.dumps({"stored": groups > 0, "groups": groups, "seconds": getattr(stored, "seconds", None)}))
"""


def snippet(code: str, env: dict[str, str], *, timeout: float = BUILD_TIMEOUT, **values: object) -> dict:
    prelude = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    result = harness.django_snippet(prelude + code, env, timeout=timeout)
    if not isinstance(result, dict):
        raise harness.BenchError(f"the Django snippet returned {result!r}, not an object")
    return result


# The parent: one size -----------------------------------------------------------------------------------------


def pages(data: dict, workshop: dict) -> list[tuple[str, str, str]]:
    """(label, path, cookie) of every page and download measured."""
    org, round, dialogue, unit = data["organisation"], data["round"], data["dialogue"]["public_id"], data["unit"]
    admin, leader = data["cookie"], workshop["leader_cookie"]
    w = workshop["workshop"]
    return [
        ("start page", f"/o/{org}/", admin),
        ("units", f"/o/{org}/units/", admin),
        ("people", f"/o/{org}/people/", admin),
        ("barometer round (manage)", f"/b/{round}/manage/", admin),
        ("barometer report", f"/b/{round}/results/", admin),
        ("barometer unit report", f"/b/{round}/results/unit/{unit}/", admin),
        ("(barometer CSV)", f"/b/{round}/results.csv", admin),
        ("(barometer XLSX)", f"/b/{round}/results.xlsx", admin),
        ("(barometer PDF)", f"/b/{round}/results.pdf", admin),
        ("dialogue results", f"/s/{dialogue}/results/", admin),
        ("dialogue moderation", f"/s/{dialogue}/manage/", admin),
        ("(dialogue CSV)", f"/s/{dialogue}/results.csv", admin),
        ("(dialogue PDF)", f"/s/{dialogue}/report.pdf", admin),
        ("workshop results", f"/w/{w}/results/", leader),
        ("(workshop CSV)", f"/w/{w}/results.csv", leader),
        ("(workshop PDF)", f"/w/{w}/report.pdf", leader),
    ]


def measure_size(size: RegionSize, warm: int) -> dict[str, object]:
    import bench_workshop

    started = time.monotonic()
    salt = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(24))
    with harness.bench_database() as database_url:
        env = harness.production_env(database_url)
        harness.prepare_app(env)
        data = snippet(BUILD_CODE, env, BENCH=str(BENCH), CONFIG={"size": asdict(size), "salt": salt})
        workshop = snippet(
            bench_workshop.SETUP_CODE,
            env,
            PARTICIPANTS=size.workshop,
            GOALS=bench_workshop.GOALS,
            EFFECTS=bench_workshop.EFFECTS,
            ACTIVITIES=bench_workshop.ACTIVITIES,
            ACTIVITY_LINKS=bench_workshop.ACTIVITY_LINKS,
            DONT_KNOW_SHARE=bench_workshop.DONT_KNOW_SHARE,
            SEED=bench_workshop.SEED,
            RATERS=0,
        )
        built_s = time.monotonic() - started
        background = {
            label: snippet(
                MEASURED_CODE.format(action=textwrap.indent(action, "    ")),
                env,
                BENCH=str(BENCH),
                WORKSHOP=workshop["workshop"],
                DIALOGUE=data["dialogue"]["public_id"],
            )
            for label, action in BACKGROUND.items()
        }
        analysis = snippet(ANALYSIS_CODE, env, DIALOGUE=data["dialogue"]["public_id"])
        facts = harness.machine_facts(database_url)
        measured: list[dict[str, object]] = []
        with harness.gunicorn(env, workers=1, worker_timeout=WORKER_TIMEOUT) as server:
            for label, path, cookie in pages(data, workshop):
                times, status, size_bytes = [], 0, 0
                for _ in range(warm + 1):
                    response = harness.request("GET", server.url(path), {"Cookie": cookie}, timeout=REQUEST_TIMEOUT)
                    status, size_bytes = response.status, len(response.body)
                    if status != 200:
                        break
                    times.append(response.seconds)
                measured.append(
                    {
                        "label": label,
                        "path": path,
                        "status": status,
                        "first_s": times[0] if times else None,
                        "warm_s": statistics.median(times[1:]) if len(times) > 1 else None,
                        "bytes": size_bytes,
                    }
                )
            workers = server.worker_pids()
            gunicorn_rss = {
                "worker": max((harness.peak_rss_mb(pid) or 0.0 for pid in workers), default=0.0),
                "master": harness.peak_rss_mb(server.pid) or 0.0,
            }
    return {
        "size": asdict(size),
        "data": data,
        "workshop_build": workshop["build"],
        "workshop_counts": workshop["counts"],
        "background": background,
        "analysis": analysis,
        "pages": measured,
        "gunicorn_rss_mb": gunicorn_rss,
        "built_s": round(built_s, 1),
        "total_s": round(time.monotonic() - started, 1),
        "facts": facts,
    }


# Report ---------------------------------------------------------------------------------------------------------


def exponent(small: float | None, large: float | None, factor: float) -> float | str:
    if not small or not large or factor <= 1:
        return "–"
    return round(math.log(large / small) / math.log(factor), 2)


def ms(seconds: float | None) -> float | str:
    return round(seconds * 1000, 1) if seconds is not None else "–"


def report(runs: list[dict[str, object]], warm: int) -> dict[str, object]:
    small, large = runs[0], runs[-1]
    factor = float(large["size"]["scale"]) / float(small["size"]["scale"]) if len(runs) > 1 else 1.0
    sizes = [RegionSize(**{**run["size"], "units_by_depth": tuple(run["size"]["units_by_depth"])}) for run in runs]
    rows: list[dict[str, object]] = []
    warnings: list[str] = []
    for run, size in zip(runs, sizes, strict=True):
        for label, measured in run["background"].items():
            if measured.get("error"):
                warnings.append(f"at scale {size.scale:g}, {label} failed: {measured['error']}")
        if not run["analysis"]["stored"]:
            warnings.append(f"at scale {size.scale:g} no dialogue analysis is stored: its pages show a placeholder")
    small_pages = {page["label"]: page for page in small["pages"]}
    for page in large["pages"]:
        before = small_pages.get(page["label"], {})
        if page["status"] != 200 or before.get("status") != 200:
            warnings.append(f"{page['label']} {page['path']} answered {before.get('status')} / {page['status']}")
        rows.append(
            {
                "measure": page["label"],
                "tenth first ms": ms(before.get("first_s")),
                "tenth warm ms": ms(before.get("warm_s")),
                "first ms": ms(page["first_s"]),
                "warm ms": ms(page["warm_s"]),
                "KB": round(page["bytes"] / 1024, 1),
                "exp. first": exponent(before.get("first_s"), page["first_s"], factor),
                "exp. warm": exponent(before.get("warm_s"), page["warm_s"], factor),
            }
        )
    for label in large["background"]:
        before, after = small["background"][label], large["background"][label]
        rows.append(
            {
                "measure": label,
                "tenth first ms": ms(before["seconds"]),
                "first ms": ms(after["seconds"]),
                "exp. first": exponent(before["seconds"], after["seconds"], factor),
                "tenth peak MB": before["peak_rss_mb"],
                "peak MB": after["peak_rss_mb"],
                "exp. MB": exponent(before["peak_rss_mb"], after["peak_rss_mb"], factor),
            }
        )
    for key in ("worker", "master"):
        before, after = small["gunicorn_rss_mb"][key], large["gunicorn_rss_mb"][key]
        rows.append(
            {
                "measure": f"gunicorn {key} (after every page)",
                "tenth peak MB": before,
                "peak MB": after,
                "exp. MB": exponent(before, after, factor),
            }
        )
    builder = (small["data"]["builder_peak_rss_mb"], large["data"]["builder_peak_rss_mb"])
    rows.append(
        {
            "measure": "data builder (not the app)",
            "tenth peak MB": builder[0],
            "peak MB": builder[1],
            "exp. MB": exponent(*builder, factor),
        }
    )
    facts: dict[str, object] = dict(large["facts"])
    facts.update(
        {
            "sizes": " | ".join(f"{size.scale:g}: {size.describe()}" for size in sizes),
            "votes": " | ".join(f"{run['data']['dialogue']['votes']:,}" for run in runs),
            "gunicorn": f"1 sync worker, --timeout {WORKER_TIMEOUT}; first request, then {warm} warm (median)",
            "exponent": f"log(t_full / t_tenth) / log({factor:g}); 1 = grows as the data, 0 = flat",
            "rows in parentheses": "downloads",
            "build s": " | ".join(f"{run['built_s']}" for run in runs),
            "size run s (build + measure)": " | ".join(f"{run['total_s']}" for run in runs),
            "build laps at full size": json.dumps(large["data"]["build"]),
            "workshop build at full size": json.dumps(large["workshop_build"]),
            "dialogue analysis": json.dumps(large["analysis"]),
        }
    )
    figures = {
        "full size: build + measure s": large["total_s"],
        "gunicorn worker peak MB": large["gunicorn_rss_mb"]["worker"],
        "dialogue analysis peak MB": large["background"]["dialogue analysis (worker.analyse_dialogue)"]["peak_rss_mb"],
        "slowest warm page ms": max(
            (float(row["warm ms"]) for row in rows if isinstance(row.get("warm ms"), float)), default=0.0
        ),
    }
    return {"title": TITLE, "facts": facts, "rows": rows, "figures": figures, "warnings": warnings, "runs": runs}


def run() -> dict[str, object]:
    scale = harness.env_float("BENCH_REGION_SCALE", 1.0)
    warm = harness.env_int("BENCH_REGION_REQUESTS", 3)
    statements = harness.env_int("BENCH_REGION_STATEMENTS", STATEMENTS)
    if not 0 < scale <= 2 or warm < 1 or statements < 10:
        raise harness.BenchError("BENCH_REGION_SCALE must be in (0, 2], _REQUESTS at least 1, _STATEMENTS at least 10")
    sizes = [RegionSize.at(scale / 10, statements), RegionSize.at(scale, statements)]
    runs = [measure_size(size, warm) for size in sizes]
    return report(runs, warm)
