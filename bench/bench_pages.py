"""Start page against a bare Django view, both served by gunicorn on PostgreSQL under concurrent load.

The bare view (/bare/) runs the whole middleware stack but no query and no
template; the start page (/o/bench/) is what a signed-in administrator sees
first: session, user, membership, overview counts and the full layout. The
ratio of the two is the price of the page over Django's own floor on the same
server, which stays meaningful when the machine changes.
"""

from __future__ import annotations

import harness

TITLE = "Start page vs bare view (gunicorn, PostgreSQL, concurrent load)"

START_PATH = "/o/bench/"
BARE_PATH = "/bare/"
MAX_ERROR_SHARE = 0.01  # more failed requests than this and the figures mean nothing

# Runs inside Django (manage.py shell -c). Creates the organisation, a small unit
# tree, some people and a signed-in session for an administrator, and prints JSON.
SETUP_CODE = """
import json
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from tillit.organisations import actions
from tillit.organisations.models import Unit

org = actions.create_organisation(name="Benchkommun", slug="bench")
levels = list(org.levels.order_by("rank"))
groups = {group.key: group for group in org.actor_groups.all()}
top = actions.create_unit(organisation=org, name="Kommunstyrelsen", kind=Unit.Kind.POLITICAL_BODY, parent=None, actor=None)
admin_unit = actions.create_unit(organisation=org, name="Socialförvaltningen", kind=Unit.Kind.ADMINISTRATION, parent=top, actor=None)
units = [admin_unit]
for name in ("Äldreomsorg", "Individ- och familjeomsorg", "Funktionsstöd"):
    department = actions.create_unit(organisation=org, name=name, kind=Unit.Kind.DEPARTMENT, parent=admin_unit, actor=None)
    units.append(department)
    for number in (1, 2):
        units.append(actions.create_unit(organisation=org, name=f"{name} enhet {number}", kind=Unit.Kind.SECTION, parent=department, actor=None))

admin = actions.add_person(organisation=org, details=actions.PersonDetails(
    full_name="Bänk Administratör", email="admin@bench.invalid", unit=admin_unit,
    actor_group=groups["top_management"], level=levels[1], role="admin",
)).user
admin.set_password(PASSWORD)
admin.save()
for number in range(24):
    actions.add_person(organisation=org, details=actions.PersonDetails(
        full_name=f"Medarbetare {number}", email=f"person{number}@bench.invalid", unit=units[number % len(units)],
        actor_group=groups["employee"], level=levels[-1], role="participant",
    ))

session = SessionStore()
session["_auth_user_id"] = str(admin.pk)
session["_auth_user_backend"] = "tillit.accounts.backends.EmailBackend"
session["_auth_user_hash"] = admin.get_session_auth_hash()
session["organisation"] = org.slug  # as after the first visit, so requests do not write the session
session.create()
print(json.dumps({
    "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
    "units": Unit.objects.filter(organisation=org).count(),
    "people": org.memberships.count(),
}))
"""


def run() -> dict[str, object]:
    settings = harness.LoadSettings.from_env()
    workers = harness.default_workers()
    with harness.bench_database() as database_url:
        env = harness.production_env(database_url)
        harness.prepare_app(env)
        password = harness.random_secret_key(24)
        data = harness.django_snippet(f"PASSWORD = {password!r}\n" + SETUP_CODE, env)
        assert isinstance(data, dict)
        cookie = str(data["cookie"])
        facts = harness.machine_facts(database_url)
        with harness.gunicorn(env, workers=workers) as server:
            bare_url, start_url = server.url(BARE_PATH), server.url(START_PATH)
            harness.expect_ok(bare_url, what="the bare view", server=server)
            page = harness.expect_ok(start_url, {"Cookie": cookie}, what="the start page", server=server)
            if b"Benchkommun" not in page.body:
                raise harness.BenchError(f"the start page does not name the organisation:\n{page.excerpt()}")
            bare = harness.load(bare_url, settings)
            start = harness.load(start_url, settings, headers=[f"Cookie: {cookie}"])
            log_tail = server.log_tail()
    for name, result in (("bare", bare), ("start", start)):
        if not result["ok"] or int(result["errors"]) > MAX_ERROR_SHARE * int(result["requests"]):
            raise harness.BenchError(f"too many failed requests to the {name} endpoint: {result}\n{log_tail}")

    def ratio(key: str) -> float:
        return float(f"{float(start[key]) / float(bare[key]):.3g}") if float(bare[key]) else 0.0

    facts.update(
        {
            "gunicorn workers": f"{workers} (sync)",
            "connections": settings.concurrency,
            "warm-up s": settings.warmup,
            "measured s": settings.duration,
            "request cap": settings.max_requests,
            "data": f"{data['units']} units, {data['people']} people",
            "start page bytes": len(page.body),
        }
    )
    rows = [
        {
            "endpoint": f"{label} {path}",
            "requests": result["requests"],
            "errors": result["errors"],
            "req/s": result["throughput_rps"],
            "median ms": result["median_ms"],
            "p95 ms": result["p95_ms"],
            "p99 ms": result["p99_ms"],
            "loadgen CPU %": result["loadgen_cpu_percent"],
        }
        for label, path, result in (("bare", BARE_PATH, bare), ("start", START_PATH, start))
    ]
    figures = {
        "median start/bare": ratio("median_ms"),
        "p95 start/bare": ratio("p95_ms"),
        "throughput start/bare": ratio("throughput_rps"),
    }
    return {"title": TITLE, "facts": facts, "rows": rows, "figures": figures, "raw": {"bare": bare, "start": start}}
