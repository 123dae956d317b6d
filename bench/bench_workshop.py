"""Workshop results page and rating at conference size (2,000 participants, full ratings) on PostgreSQL.

A workshop with 2,000 guest participants, 3 goals, 20 effects, 60 activities and 150
activity→effect links, where everyone rated the importance and achievement of every effect
and the contribution of every link (about 5 % "vet ej"): some 365,000 rating rows. It
reports the server time of the results page (ranking with a 1,000-sample bootstrap over the
participants, and the anonymity check of every measure) through gunicorn with DEBUG off against
its target, where that time goes (measured in process), and the time to record ratings: the rating
actions in process (one rating, and a whole page at once) and the rate page's POST through gunicorn: first every
participant posting their whole page once within a minute against the default workers, with every stored rating
checked afterwards, then one POST at a time. Rating comes first and the results after, since a workshop never
returns to rating once its results are shown.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import string
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

import harness

TITLE = "Workshop at conference size: results page and recording ratings (gunicorn, PostgreSQL)"

RESULTS_TARGET_S = 0.5  # the target for the results page's server time on the 2-core reference machine

GOALS = 3
EFFECTS = 20
ACTIVITIES = 60
ACTIVITY_LINKS = 150  # each activity serves 2 or 3 effects
DONT_KNOW_SHARE = 0.05  # contribution ratings left at "vet ej" (no row)
SEED = 20240611
WORKERS = 1  # sequential requests: one worker, so only the very first request of a kind is cold
WORKER_TIMEOUT = 600  # gunicorn --timeout: a slow results page must be measured, not killed
REQUEST_TIMEOUT = 600
RATE_TARGET_P95_S = 1.0  # the target for the rate POST's p95 while 2,000 raters post within a minute
RATER_TIMEOUT = 60  # one rater's POST fails after this long

# Runs inside Django (manage.py shell -c) with PARTICIPANTS, GOALS, EFFECTS, ACTIVITIES, ACTIVITY_LINKS,
# DONT_KNOW_SHARE and SEED defined before it. Organisation, leader and workshop through the actions;
# participants, cards, links and ratings in bulk (COPY for the ratings). Leaves the workshop in the rate step.
SETUP_CODE = """
import datetime
import json
import random
import time

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.utils import timezone

from tillit.organisations import actions as organisation_actions
from tillit.workshops import actions
from tillit.workshops.models import AchievementRating, ContributionRating, ImportanceRating, Item, Link, Participant
from tillit.workshops.permissions import GUEST_SESSION_KEY

build = {}
clock = [time.perf_counter()]
started = clock[0]


def lap(name):
    now = time.perf_counter()
    build[name] = round(now - clock[0], 3)
    clock[0] = now


def copy_rows(model, fields, rows):
    # COPY is some ten times faster than INSERTs for the 300,000 contribution ratings.
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if raw is None or not hasattr(raw, "copy"):
            model.objects.bulk_create([model(**dict(zip(fields, row))) for row in rows], batch_size=5000)
            return "bulk_create"
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for start in range(0, len(rows), 50000):  # COPY's text format: whole numbers need no quoting
                copy.write("".join("\\t".join(map(str, row)) + "\\n" for row in rows[start : start + 50000]))
    return "COPY"


rng = random.Random(SEED)
organisation = organisation_actions.create_organisation(name="Konferenskommun", slug="konferens")
levels = list(organisation.levels.order_by("rank"))
groups = {group.key: group for group in organisation.actor_groups.order_by("position")}
leader = organisation_actions.add_person(
    organisation=organisation,
    details=organisation_actions.PersonDetails(
        full_name="Bänk Processledare",
        email="leader@bench.invalid",
        unit=None,
        actor_group=groups.get("middle_management") or next(iter(groups.values())),
        level=levels[2] if len(levels) > 2 else None,
        role="facilitator",
    ),
)
today = timezone.localdate()
workshop = actions.create_workshop(
    organisation=organisation,
    leader=leader,
    title="Konferens: trygg vård och omsorg i hemmet",
    purpose="Äldre som får hemtjänst ska känna sig trygga, bli bemötta med respekt och kunna leva som de vill.",
    service_user_group="Äldre med hemtjänst och deras anhöriga",
    units=[],
    starts_on=today,
    ends_on=today + datetime.timedelta(days=1),
)
lap("organisation and workshop")

weights = {
    "politician": 2, "top_management": 3, "middle_management": 8, "first_line_manager": 12, "employee": 40,
    "support_function": 8, "service_user": 17, "supervisory_body": 2, "partner": 8,
}
group_list = list(groups.values())
group_weights = [weights.get(group.key, 5) for group in group_list]
participants = Participant.objects.bulk_create(
    [
        Participant(
            workshop=workshop,
            joined_as_guest=True,
            guest_name=f"Deltagare {number + 1}",
            actor_group=rng.choices(group_list, group_weights)[0],
            level=rng.choice(levels) if levels and rng.random() < 0.6 else None,
            role=Participant.Role.PARTICIPANT,
        )
        for number in range(PARTICIPANTS)
    ],
    batch_size=5000,
)
lap("participants")


def cards(kind, label, count, text):
    return Item.objects.bulk_create(
        [
            Item(
                workshop=workshop,
                kind=kind,
                title=f"{label} {number + 1}: {text}",
                description=f"Beskrivning av {label.lower()} {number + 1}, så som gruppen formulerade den.",
                proposed_by=rng.choice(participants),
                position=number,
            )
            for number in range(count)
        ],
        batch_size=5000,
    )


goals = cards(Item.Kind.GOAL, "Mål", GOALS, "tryggheten i hemmet ökar")
effects = cards(Item.Kind.EFFECT, "Effekt", EFFECTS, "brukaren möter få och kända medarbetare")
activities = cards(Item.Kind.ACTIVITY, "Aktivitet", ACTIVITIES, "fasta team och kontaktpersoner i hemtjänsten")
three = ACTIVITY_LINKS - 2 * ACTIVITIES  # activities that serve three effects; the others serve two
assert 0 <= three <= ACTIVITIES and EFFECTS >= 3, "the link count must allow 2-3 effects per activity"
activity_links = []
for number, activity in enumerate(activities):
    first = effects[number % EFFECTS]
    others = rng.sample([effect for effect in effects if effect is not first], 2 if number < three else 1)
    activity_links += [(activity, effect) for effect in (first, *others)]
effect_links = [(effect, goals[number % GOALS]) for number, effect in enumerate(effects)]
Link.objects.bulk_create(
    [Link(workshop=workshop, source=source, target=target) for source, target in effect_links + activity_links],
    batch_size=5000,
)
lap("cards and links")


def draw(mean, low, high):
    return min(high, max(low, round(rng.gauss(mean, 0.9))))


# Each effect and link has its own typical rating, and each actor group leans its own way on importance,
# so the rankings, quadrant and group tables have something to show.
importance_mean = {effect.pk: rng.uniform(0.6, 3.8) for effect in effects}
achievement_mean = {effect.pk: rng.uniform(1.3, 4.7) for effect in effects}
group_lean = {(group.pk, effect.pk): rng.uniform(-0.7, 0.7) for group in group_list for effect in effects}
contribution_mean = {(a.pk, e.pk): rng.uniform(0.2, 2.8) for a, e in activity_links}
link_ids = [(a.pk, e.pk) for a, e in activity_links]
importance_rows, achievement_rows, contribution_rows = [], [], []
for participant in participants:
    for effect in effects:
        lean = group_lean[participant.actor_group_id, effect.pk]
        importance_rows.append((participant.pk, effect.pk, draw(importance_mean[effect.pk] + lean, 0, 4)))
        achievement_rows.append((participant.pk, effect.pk, draw(achievement_mean[effect.pk], 1, 5)))
    for activity_id, effect_id in link_ids:
        if rng.random() >= DONT_KNOW_SHARE:
            value = draw(contribution_mean[activity_id, effect_id], 0, 3)
            contribution_rows.append((participant.pk, activity_id, effect_id, value))
lap("ratings drawn")
with transaction.atomic():
    method = copy_rows(ImportanceRating, ["participant", "effect", "value"], importance_rows)
    copy_rows(AchievementRating, ["participant", "effect", "value"], achievement_rows)
    lap(f"effect ratings ({method})")
    copy_rows(ContributionRating, ["participant", "activity", "effect", "value"], contribution_rows)
lap(f"contribution ratings ({method})")
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would have after a real rating session
lap("ANALYZE")
actions.set_step(workshop=workshop, step="rate")
build["total"] = round(time.perf_counter() - started, 3)


def new_session(data):
    session = SessionStore()
    session.update(data)
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


user = leader.user
leader_session = new_session({
    "_auth_user_id": str(user.pk),
    "_auth_user_backend": "tillit.accounts.backends.EmailBackend",
    "_auth_user_hash": user.get_session_auth_hash(),
    "organisation": organisation.slug,
})
guest = participants[0]
guest_session = new_session({GUEST_SESSION_KEY: {str(workshop.public_id): str(guest.public_id)}})

# A session for each of the first RATERS participants, as after joining with the code, written in bulk.
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.models import Session
from django.utils.crypto import get_random_string

encoder = SessionStore()
expires = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
raters = []
for participant in participants[:RATERS]:
    key = get_random_string(32, VALID_KEY_CHARS)
    data = {GUEST_SESSION_KEY: {str(workshop.public_id): str(participant.public_id)}}
    raters.append((participant.public_id, key, encoder.encode(data)))
Session.objects.bulk_create(
    [Session(session_key=key, session_data=encoded, expire_date=expires) for _, key, encoded in raters],
    batch_size=2000,
)
rater_cookies = [[str(public_id), f"{settings.SESSION_COOKIE_NAME}={key}"] for public_id, key, _ in raters]

print(json.dumps({
    "workshop": str(workshop.public_id),
    "title": workshop.title,
    "k": organisation.anonymity_threshold,
    "leader_cookie": leader_session,
    "guest_cookie": guest_session,
    "guest": str(guest.public_id),
    "action_participant": str(participants[1].public_id),
    "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    "raters": rater_cookies,
    "effects": [str(effect.public_id) for effect in effects],
    "links": [[str(a.public_id), str(e.public_id)] for a, e in activity_links],
    "counts": {
        "participants": Participant.objects.filter(workshop=workshop).count(),
        "goals": len(goals),
        "effects": len(effects),
        "activities": len(activities),
        "activity_links": len(activity_links),
        "effect_links": len(effect_links),
        "importance": ImportanceRating.objects.filter(participant__workshop=workshop).count(),
        "achievement": AchievementRating.objects.filter(participant__workshop=workshop).count(),
        "contribution": ContributionRating.objects.filter(participant__workshop=workshop).count(),
    },
    "build": build,
}))
"""

# Shared by the snippets below: does a participant's stored rating match a posted rate form?
VERIFY_CODE = """
from tillit.workshops.models import AchievementRating, ContributionRating, ImportanceRating


def form_mismatches(participant_public_id, form):
    stored = {}
    for model, name in ((ImportanceRating, "importance"), (AchievementRating, "achievement")):
        for effect, value in model.objects.filter(participant__public_id=participant_public_id).values_list(
            "effect__public_id", "value"
        ):
            stored[f"{name}-{effect}"] = str(value)
    for activity, effect, value in ContributionRating.objects.filter(
        participant__public_id=participant_public_id
    ).values_list("activity__public_id", "effect__public_id", "value"):
        stored[f"contribution-{activity}-{effect}"] = str(value)
    return sorted(name for name, value in form.items() if stored.get(name, "") != value)
"""

# Runs inside Django after the load of raters: is every rater's whole page stored as they posted it? FIELDS names
# the page's selects in order, PAGES_FILE holds {participant: one character per select, "-" for "vet ej"}. The
# workshop's ratings are read in three queries by primary key and compared with the pages, rater by rater.
LOAD_VERIFY_CODE = """
import json

from tillit.workshops.models import AchievementRating, ContributionRating, ImportanceRating, Item, Participant, Workshop

with open(PAGES_FILE) as file:
    pages = json.load(file)
workshop = Workshop.objects.get(public_id=WORKSHOP)
item = {pk: str(public_id) for pk, public_id in Item.objects.filter(workshop=workshop).values_list("pk", "public_id")}
person = {
    pk: str(public_id) for pk, public_id in Participant.objects.filter(workshop=workshop).values_list("pk", "public_id")
}
stored = {}
for model, name in ((ImportanceRating, "importance"), (AchievementRating, "achievement")):
    for participant, effect, value in model.objects.filter(participant__workshop=workshop).values_list(
        "participant_id", "effect_id", "value"
    ):
        stored[person[participant], f"{name}-{item[effect]}"] = str(value)
for participant, activity, effect, value in ContributionRating.objects.filter(
    participant__workshop=workshop
).values_list("participant_id", "activity_id", "effect_id", "value"):
    stored[person[participant], f"contribution-{item[activity]}-{item[effect]}"] = str(value)
expected = matching = missing = different = extra = 0
wrong_raters = []
for rater, values in pages.items():
    wrong = False
    for name, value in zip(FIELDS, values, strict=True):
        found = stored.get((rater, name))
        if value == "-":
            if found is not None:
                extra += 1
                wrong = True
            continue
        expected += 1
        if found == value:
            matching += 1
        elif found is None:
            missing += 1
            wrong = True
        else:
            different += 1
            wrong = True
    if wrong:
        wrong_raters.append(rater)
print(json.dumps({
    "raters": len(pages), "expected": expected, "stored": matching, "missing": missing, "different": different,
    "extra": extra, "wrong_raters": len(wrong_raters), "wrong_examples": wrong_raters[:5],
}))
"""

# Runs inside Django, in the rate step: the rating actions one call at a time, and the rate page's POST once
# through the test client for its number of queries.
RATE_CODE = """
import json
import random
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tillit.workshops import actions
from tillit.workshops.models import Item, Link, Participant

participant = Participant.objects.select_related("workshop").get(public_id=PARTICIPANT)
workshop = participant.workshop
effects = list(Item.objects.filter(workshop=workshop, kind=Item.Kind.EFFECT, merged_into__isnull=True))
links = [
    (link.source, link.target)
    for link in Link.objects.filter(workshop=workshop, source__kind=Item.Kind.ACTIVITY).select_related("source", "target")
]
rng = random.Random(SEED)


def rate_effect(number):
    actions.rate_effect(
        participant=participant,
        effect=effects[number % len(effects)],
        importance=rng.randint(0, 4),
        achievement=rng.randint(1, 5),
    )


def rate_contribution(number):
    activity, effect = links[number % len(links)]
    actions.rate_contribution(participant=participant, activity=activity, effect=effect, value=rng.randint(0, 3))


def rate_page(number):
    actions.rate_page(
        participant=participant,
        importance={effect: rng.randint(0, 4) for effect in effects},
        achievement={effect: rng.randint(1, 5) for effect in effects},
        contribution={link: rng.randint(0, 3) for link in links},
    )


result = {}
for name, call in (("rate_effect", rate_effect), ("rate_contribution", rate_contribution), ("rate_page", rate_page)):
    call(0)  # the first call of each is not counted
    seconds = []
    for number in range(CALLS):
        started = time.perf_counter()
        call(number)
        seconds.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        call(1)
    result[name] = {"seconds": seconds, "queries": len(captured.captured_queries)}

client = Client(HTTP_HOST="127.0.0.1")
name, _, value = GUEST_COOKIE.partition("=")
client.cookies[name] = value
with CaptureQueriesContext(connection) as captured:
    started = time.perf_counter()
    response = client.post(RATE_PATH, FORM)
    seconds = time.perf_counter() - started
result["rate_post"] = {
    "status": response.status_code,
    "location": response.get("Location", ""),
    "seconds": seconds,
    "queries": len(captured.captured_queries),
    "mismatches": form_mismatches(GUEST, FORM),
}
print(json.dumps(result))
"""

# Runs inside Django after the HTTP part: where the results page's time goes. Each part is timed REPEAT times
# (the ranking functions on the data workshop_ratings returns); then the whole view in process, with and
# without workshop_results; then one profiled workshop_results. A part that fails (the code under test may
# change its signatures) is reported, not fatal.
SPLIT_CODE = """
import cProfile
import gc
import json
import pstats
import time
import traceback
from pathlib import Path
from unittest import mock

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tillit.workshops import queries, ranking, reporting
from tillit.workshops.models import Participant, Workshop

workshop = Workshop.objects.select_related("organisation").get(public_id=WORKSHOP)
samples = reporting.BOOTSTRAP_SAMPLES
seed = workshop.pk
parts, errors, outcome = {}, [], {}


def timed(name, call):
    try:
        seconds, value = [], None
        for _ in range(REPEAT):
            started = time.perf_counter()
            value = call()
            seconds.append(time.perf_counter() - started)
        parts[name] = seconds
        return value
    except Exception as error:
        errors.append(f"{name}: {type(error).__name__}: {error}")
        traceback.print_exc()
        return None


def without_gc(call):
    gc.disable()
    try:
        return call()
    finally:
        gc.enable()


# The whole first, while no large data from the parts below is alive: the garbage collector's
# full passes walk every live object, so held ratings would slow the later calls down.
results = timed("workshop_results", lambda: queries.workshop_results(workshop))
timed("workshop_results_without_gc", lambda: without_gc(lambda: queries.workshop_results(workshop)))

client = Client(HTTP_HOST="127.0.0.1")
name, _, value = LEADER_COOKIE.partition("=")
client.cookies[name] = value


def get_results():
    response = client.get(RESULTS_PATH)
    if response.status_code != 200:
        raise RuntimeError(f"the results page answered {response.status_code}")
    outcome["bytes"] = len(response.content)


timed("view", get_results)
try:
    with CaptureQueriesContext(connection) as captured:
        get_results()
    outcome["view_queries"] = len(captured.captured_queries)
    outcome["view_query_ms"] = round(sum(float(query["time"]) for query in captured.captured_queries) * 1000, 1)
except Exception as error:
    errors.append(f"view queries: {error}")
if results is not None:
    with mock.patch.object(queries, "workshop_results", lambda workshop: results):
        timed("view_without_results", get_results)

profile = []
if PROFILE:
    try:
        profiler = cProfile.Profile()
        profiler.enable()
        queries.workshop_results(workshop)
        profiler.disable()
        stats = pstats.Stats(profiler).stats
        root = str(Path.cwd()) + "/"
        for (filename, line, function), (_, calls, own, cumulative, _) in sorted(
            stats.items(), key=lambda entry: -entry[1][2]
        )[:PROFILE]:
            where = filename.replace(root, "") if filename.startswith(root) else Path(filename).name
            profile.append({
                "function": f"{where}:{line}({function})", "calls": calls,
                "own s": round(own, 3), "cumulative s": round(cumulative, 3),
            })
        outcome["profiled_total_s"] = round(sum(entry[2] for entry in stats.values()), 3)
    except Exception as error:
        errors.append(f"profile: {error}")


def fetch_ratings():
    rows = {}
    for model, fields in (
        (ImportanceRating, ("participant_id", "effect_id", "value")),
        (AchievementRating, ("participant_id", "effect_id", "value")),
        (ContributionRating, ("participant_id", "activity_id", "effect_id", "value")),
    ):
        rows[model.__name__] = len(list(model.objects.filter(participant__workshop=workshop).values_list(*fields)))
    return rows


chain = timed("effect_chain", lambda: queries.effect_chain(workshop))
outcome["rows"] = timed("fetch_rows", fetch_ratings)
ratings = timed("workshop_ratings", lambda: queries.workshop_ratings(workshop, chain))
if ratings is not None:
    timed("ratings_validation", lambda: ranking.Ratings(
        participants=ratings.participants, effects=ratings.effects, activities=ratings.activities,
        links=ratings.links, importance=ratings.importance, achievement=ratings.achievement,
        contribution=ratings.contribution,
    ))
    timed("rank_activities", lambda: ranking.rank_activities(ratings, bootstrap=samples, seed=seed))
    timed("rank_activities_no_bootstrap", lambda: ranking.rank_activities(ratings, bootstrap=0, seed=seed))
    timed("rank_effects", lambda: ranking.rank_effects(ratings, bootstrap=samples, seed=seed))
    timed("rank_effects_no_bootstrap", lambda: ranking.rank_effects(ratings, bootstrap=0, seed=seed))
    timed("contribution_matrix", lambda: ranking.contribution_matrix(ratings))
    people = list(Participant.objects.filter(workshop=workshop).select_related("actor_group", "level"))
    by_group = {p.pk: p.actor_group.name for p in people}
    by_level = {p.pk: p.level.name if p.level else "-" for p in people}
    timed("group_means", lambda: [
        ranking.group_means(ratings, groups, measure=measure)
        for groups in (by_group, by_level)
        for measure in ("importance", "expected_contribution")
    ])
    rated = set(ratings.participants)
    raters = [
        reporting.Rater(p.pk, p.level_id, p.actor_group_id, p.is_guest) for p in people if p.pk in rated
    ]
    measures = {}
    for p, e in ratings.importance:
        measures.setdefault(("importance", e), []).append(p)
    for p, e in ratings.achievement:
        measures.setdefault(("achievement", e), []).append(p)
    for p, a, e in ratings.contribution:
        measures.setdefault(("contribution", a, e), []).append(p)

    def disclose_all():
        population = reporting.RaterPopulation(raters, workshop.anonymity_threshold)
        return [population.disclose(who) for who in measures.values()]

    timed("disclosure", disclose_all)
    if hasattr(ranking, "_Packed"):
        timed("pack_contribution", lambda: ranking._Packed(ratings, achievement=False, contribution=True))
        timed("pack_effects", lambda: ranking._Packed(ratings, achievement=True, contribution=False))

outcome["rate_post_mismatches"] = form_mismatches(GUEST, FORM)
outcome["step"] = Workshop.objects.values_list("step", flat=True).get(pk=workshop.pk)
print(json.dumps({"parts": parts, "errors": errors, "outcome": outcome, "profile": profile}))
"""


def rate_form(data: dict, rng: random.Random) -> dict[str, str]:
    """A full rate page as one participant sends it: every select, some contributions left at "vet ej"."""
    form = {}
    for effect in data["effects"]:
        form[f"importance-{effect}"] = str(rng.randint(0, 4))
        form[f"achievement-{effect}"] = str(rng.randint(1, 5))
    for activity, effect in data["links"]:
        form[f"contribution-{activity}-{effect}"] = "" if rng.random() < DONT_KNOW_SHARE else str(rng.randint(0, 3))
    return form


def page_fields(data: dict) -> list[str]:
    """The rate page's selects in a fixed order: importance and achievement per effect, then each link."""
    return (
        [f"importance-{effect}" for effect in data["effects"]]
        + [f"achievement-{effect}" for effect in data["effects"]]
        + [f"contribution-{activity}-{effect}" for activity, effect in data["links"]]
    )


def compact(fields: list[str], form: dict[str, str]) -> str:
    """A page as one character per select ("-" for "vet ej"), for the check of the stored ratings."""
    return "".join(form[name] or "-" for name in fields)


@dataclass(frozen=True)
class RatedPost:
    scheduled: float  # seconds after the start of the load at which the rater sends the page
    started: float  # when it was sent (later than scheduled if the client fell behind)
    finished: float
    status: int | None  # None: the request failed (refused, reset, timed out)
    location: str

    @property
    def latency(self) -> float:
        """From the moment the rater meant to send it to the last byte: a client that falls behind counts."""
        return self.finished - self.scheduled


def raters_load(
    server: harness.Server,
    path: str,
    csrf: tuple[str, str],
    raters: list[tuple[str, str]],
    bodies: dict[str, bytes],
    *,
    seconds: float,
    threads: int,
    seed: int,
) -> tuple[list[RatedPost], float]:
    """Every rater POSTs their whole page once, at a moment drawn uniformly within `seconds` (open loop: the
    arrivals do not wait for the answers, as people in a room do not). Returns the posts and the wall time from
    the start to the last answer."""
    rng = random.Random(seed)
    schedule = sorted((rng.uniform(0, seconds), public_id, cookie) for public_id, cookie in raters)
    cookie_name, token = csrf
    begin = time.perf_counter()

    def send(when: float, public_id: str, cookie: str) -> RatedPost:
        delay = begin + when - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        started = time.perf_counter() - begin
        headers = {"Cookie": f"{cookie}; {cookie_name}={token}", "Content-Type": "application/x-www-form-urlencoded"}
        try:
            response = harness.request("POST", server.url(path), headers, bodies[public_id], timeout=RATER_TIMEOUT)
            status, location = response.status, response.headers.get("location", "")
        except OSError:
            status, location = None, ""
        return RatedPost(when, started, time.perf_counter() - begin, status, location)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        posts = list(pool.map(lambda entry: send(*entry), schedule))
    return posts, time.perf_counter() - begin


def snippet(code: str, env: dict[str, str], *, timeout: float = 900, **values: object) -> dict:
    """Run a snippet with `values` defined before it (as Python literals) and return its JSON."""
    prelude = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    result = harness.django_snippet(prelude + code, env, timeout=timeout)
    if not isinstance(result, dict):
        raise harness.BenchError(f"the Django snippet returned {result!r}, not an object")
    return result


def check_status(response: harness.Response, expected: set[int], what: str, server: harness.Server) -> None:
    if response.status not in expected:
        location = response.headers.get("location")
        log = server.log_tail()
        cause = harness.last_exception_line(log)
        raise harness.BenchError(
            f"{what} answered {response.status}"
            + (f" (redirects to {location})" if location else "")
            + f", not {' or '.join(map(str, sorted(expected)))}"
            + (f": {cause}" if cause else "")
            + f"\n{response.excerpt()}\n--- server log (end) ---\n{log}"
        )


def post(
    server: harness.Server, path: str, cookies: str, csrf: tuple[str, str], form: dict[str, str]
) -> harness.Response:
    """POST a form the way a browser does, with a CSRF cookie and the same token in the form."""
    cookie_name, token = csrf
    body = urlencode({"csrfmiddlewaretoken": token, **form}).encode()
    headers = {
        "Cookie": f"{cookies}; {cookie_name}={token}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return harness.request("POST", server.url(path), headers, body, timeout=REQUEST_TIMEOUT)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def run() -> dict[str, object]:
    participants = harness.env_int("BENCH_WORKSHOP_PARTICIPANTS", 2000)
    page_requests = harness.env_int("BENCH_WORKSHOP_REQUESTS", 10)
    rate_posts = harness.env_int("BENCH_WORKSHOP_POSTS", 20)
    action_calls = harness.env_int("BENCH_WORKSHOP_CALLS", 200)
    repeat = harness.env_int("BENCH_WORKSHOP_REPEAT", 3)
    raters = harness.env_int("BENCH_WORKSHOP_RATERS", participants)
    rate_seconds = harness.env_float("BENCH_WORKSHOP_RATE_SECONDS", 60.0)
    rate_threads = harness.env_int("BENCH_WORKSHOP_RATE_THREADS", 200)
    if min(participants, page_requests, rate_posts, action_calls, repeat, rate_threads) < 1:
        raise harness.BenchError("the BENCH_WORKSHOP_* counts must be at least 1")
    if not 0 <= raters <= participants or not 0 < rate_seconds <= 600:
        raise harness.BenchError(
            "BENCH_WORKSHOP_RATERS must be 0 to BENCH_WORKSHOP_PARTICIPANTS, BENCH_WORKSHOP_RATE_SECONDS 0–600"
        )
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    with harness.bench_database() as database_url:
        env = harness.production_env(database_url)
        harness.prepare_app(env)
        data = snippet(
            SETUP_CODE,
            env,
            PARTICIPANTS=participants,
            GOALS=GOALS,
            EFFECTS=EFFECTS,
            ACTIVITIES=ACTIVITIES,
            ACTIVITY_LINKS=ACTIVITY_LINKS,
            DONT_KNOW_SHARE=DONT_KNOW_SHARE,
            SEED=SEED,
            RATERS=raters,
        )
        public_id = data["workshop"]
        results_path, rate_path, step_path = (f"/w/{public_id}/{page}/" for page in ("results", "rate", "step"))
        csrf = (str(data["csrf_cookie_name"]), token)
        rng = random.Random(SEED)
        forms = [rate_form(data, rng) for _ in range(rate_posts + 2)]
        facts = harness.machine_facts(database_url)

        actions = snippet(
            VERIFY_CODE + RATE_CODE,
            env,
            PARTICIPANT=data["action_participant"],
            CALLS=action_calls,
            SEED=SEED,
            GUEST=data["guest"],
            GUEST_COOKIE=data["guest_cookie"],
            RATE_PATH=rate_path,
            FORM=forms[0],
        )
        if actions["rate_post"]["status"] != 302 or actions["rate_post"]["mismatches"]:
            raise harness.BenchError(
                f"the rate page's POST (in process) did not save the ratings: {actions['rate_post']}"
            )

        crowd = rate_crowd(env, data, rate_path, csrf, seconds=rate_seconds, threads=rate_threads) if raters else None

        with harness.gunicorn(env, workers=WORKERS, worker_timeout=WORKER_TIMEOUT) as server:
            # Rating first: once the results are shown, a workshop never returns to rating.
            posts = []
            for form in forms[1 : rate_posts + 2]:
                response = post(server, rate_path, data["guest_cookie"], csrf, form)
                check_status(response, {302}, "the rate page's POST", server)
                if not response.headers.get("location", "").endswith(rate_path):
                    raise harness.BenchError(f"the rate page's POST redirected to {response.headers.get('location')}")
                posts.append(response)
            step = post(server, step_path, data["leader_cookie"], csrf, {"step": "decide"})
            check_status(step, {302}, "setting the step to decide (this computes the results)", server)
            closing_s = step.seconds
            pages = []
            for _ in range(page_requests + 1):
                page = harness.request(
                    "GET", server.url(results_path), {"Cookie": data["leader_cookie"]}, timeout=REQUEST_TIMEOUT
                )
                check_status(page, {200}, "the results page", server)
                if data["title"].encode() not in page.body:
                    raise harness.BenchError(f"the results page does not name the workshop:\n{page.excerpt()}")
                pages.append(page)

        split = snippet(
            VERIFY_CODE + SPLIT_CODE,
            env,
            WORKSHOP=public_id,
            REPEAT=repeat,
            PROFILE=20,
            LEADER_COOKIE=data["leader_cookie"],
            RESULTS_PATH=results_path,
            GUEST=data["guest"],
            FORM=forms[rate_posts + 1],
        )
    if split["outcome"].get("rate_post_mismatches"):
        raise harness.BenchError(
            "the last rate POST through gunicorn was not saved (was the step still rate?): "
            f"{split['outcome']['rate_post_mismatches'][:5]}"
        )
    facts["closing rating (POST step, computes the results) s"] = round(closing_s, 3)
    result = report(data, actions, pages, posts, split, facts, page_requests=page_requests, repeat=repeat)
    if crowd is not None:
        add_crowd(result, crowd, actions["rate_post"]["queries"])
    return result


def rate_crowd(
    env: dict[str, str], data: dict, rate_path: str, csrf: tuple[str, str], *, seconds: float, threads: int
) -> dict[str, object]:
    """Every rater posts their whole page once within `seconds`, against the default number of gunicorn workers;
    then every stored rating is compared with the pages posted. The bare view under load first, as the floor."""
    fields = page_fields(data)
    rng = random.Random(SEED + 1)
    raters = [(str(public_id), str(cookie)) for public_id, cookie in data["raters"]]
    forms = {public_id: rate_form(data, rng) for public_id, _cookie in raters}
    token = csrf[1]
    bodies = {
        public_id: urlencode({"csrfmiddlewaretoken": token, **form}).encode() for public_id, form in forms.items()
    }
    workers = harness.default_workers()
    floor_settings = harness.LoadSettings(concurrency=4, warmup=1.0, duration=5.0, max_requests=500_000)
    with harness.gunicorn(env, workers=workers, worker_timeout=WORKER_TIMEOUT) as server:
        bare_url = server.url("/bare/")
        harness.expect_ok(bare_url, what="the bare view", server=server)
        bare = harness.load(bare_url, floor_settings)
        # Two untimed pages per worker first (imports, first queries), by the first rater, who posts again later.
        first_cookie = raters[0][1]
        for _ in range(2 * workers):
            warm = post(server, rate_path, first_cookie, csrf, rate_form(data, rng))
            check_status(warm, {302}, "a warm-up POST of the rate page", server)
        posts, wall = raters_load(
            server, rate_path, csrf, raters, bodies, seconds=seconds, threads=threads, seed=SEED + 2
        )
        failed = [entry for entry in posts if entry.status != 302 or not entry.location.endswith(rate_path)]
        if failed:
            example = failed[0]
            raise harness.BenchError(
                f"{len(failed)} of {len(posts)} raters' POSTs did not redirect back to the page "
                f"(first: status {example.status}, location {example.location!r})\n--- server log (end) ---\n"
                f"{server.log_tail()}"
            )
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="tillit-bench-pages-", delete=False) as file:
        json.dump({public_id: compact(fields, form) for public_id, form in forms.items()}, file)
        pages_file = file.name
    try:
        stored = snippet(LOAD_VERIFY_CODE, env, WORKSHOP=data["workshop"], FIELDS=fields, PAGES_FILE=pages_file)
    finally:
        os.unlink(pages_file)
    if stored["wrong_raters"]:
        raise harness.BenchError(
            f"after the load, {stored['wrong_raters']} raters' ratings differ from what they posted: "
            f"{stored['missing']} missing, {stored['different']} different, {stored['extra']} not removed "
            f"(e.g. participants {stored['wrong_examples']})"
        )
    return {
        "posts": posts,
        "wall_s": wall,
        "seconds": seconds,
        "workers": workers,
        "threads": threads,
        "bare": bare,
        "stored": stored,
        "selects": len(fields),
    }


def add_crowd(result: dict[str, object], crowd: dict, post_queries: int) -> None:
    """The crowd's rows, figures and facts, added to the benchmark's result."""
    posts: list[RatedPost] = crowd["posts"]
    bare, stored = crowd["bare"], crowd["stored"]
    latency = harness.timings([entry.latency for entry in posts])
    lag = harness.timings([entry.started - entry.scheduled for entry in posts])
    p99 = harness.percentile(sorted(entry.latency for entry in posts), 0.99)
    rate = len(posts) / crowd["wall_s"] if crowd["wall_s"] else 0.0
    met = latency["p95_ms"] / 1000 < RATE_TARGET_P95_S and stored["stored"] == stored["expected"]
    rows = result["rows"]
    assert isinstance(rows, list)
    rows[:0] = [
        {
            "measure": f"bare view, {bare['concurrency']} connections, {bare['duration_s']:.0f} s (floor, 0 queries)",
            "n": bare["ok"],
            "median ms": bare["median_ms"],
            "p95 ms": bare["p95_ms"],
            "p99 ms": bare["p99_ms"],
            "per s": bare["throughput_rps"],
        },
        {
            "measure": (
                f"rate page POST, {len(posts):,} raters within {crowd['seconds']:.0f} s, {crowd['selects']} selects "
                f"({post_queries} queries)"
            ),
            "n": latency["n"],
            "median ms": latency["median_ms"],
            "p95 ms": latency["p95_ms"],
            "p99 ms": round(p99 * 1000, 2),
            "per s": round(rate, 1),
            "target": f"p95 < {RATE_TARGET_P95_S * 1000:.0f} ms, all stored",
            "met": "yes" if met else "NO",
        },
    ]
    facts = result["facts"]
    assert isinstance(facts, dict)
    facts["raters"] = (
        f"{len(posts):,}, each POSTs the whole page once at a moment drawn uniformly within {crowd['seconds']:.0f} s "
        f"(open loop, {crowd['threads']} client threads), against {crowd['workers']} gunicorn workers (sync)"
    )
    facts["raters' ratings stored / expected"] = f"{stored['stored']:,} / {stored['expected']:,}"
    facts["raters' client lag p95 ms"] = lag["p95_ms"]
    figures = result["figures"]
    assert isinstance(figures, dict)
    crowd_figures = {
        "raters' POST p50 ms": latency["median_ms"],
        "raters' POST p95 ms": latency["p95_ms"],
        "raters' POST p95 / bare p95": round(latency["p95_ms"] / bare["p95_ms"], 1) if bare["p95_ms"] else 0.0,
        "raters' posts/s": round(rate, 1),
        "raters' last answer after s": round(crowd["wall_s"], 1),
        "ratings stored": stored["stored"],
        "ratings expected": stored["expected"],
        "queries per rate POST": post_queries,
        "bare view p50 ms": bare["median_ms"],
        "bare view p95 ms": bare["p95_ms"],
    }
    result["figures"] = {**crowd_figures, **figures}
    result["target"] = {**result["target"], "rate_post_p95_s": RATE_TARGET_P95_S, "rate_post_met": met}
    raw = result["raw"]
    assert isinstance(raw, dict)
    raw["raters"] = {
        "latency": latency,
        "client_lag": lag,
        "wall_s": round(crowd["wall_s"], 3),
        "stored": stored,
        "bare": bare,
        "latency_s": [round(entry.latency, 4) for entry in posts],
    }
    if not met:
        warnings = result["warnings"]
        assert isinstance(warnings, list)
        warnings.append(
            f"the raters' POST p95 is {latency['p95_ms']:.0f} ms (target < {RATE_TARGET_P95_S * 1000:.0f} ms); "
            f"{stored['stored']:,} of {stored['expected']:,} ratings stored"
        )


def time_budget(parts: dict[str, list[float]]) -> dict[str, float]:
    """Where the results view spends its time (seconds), from the best of the in-process repeats.

    The best, not the median: the parts are pure computation, and with so few repeats the median
    still carries whatever else ran on the machine, which the subtractions below would amplify.
    """

    def part(*names: str) -> float:
        return sum(min(parts[name]) for name in names if name in parts)

    budget = {
        "loading the ratings": part("workshop_ratings"),
        "bootstrap": part("rank_activities", "rank_effects")
        - part("rank_activities_no_bootstrap", "rank_effects_no_bootstrap"),
        "packing and exact estimates": part("rank_activities_no_bootstrap", "rank_effects_no_bootstrap")
        + part("contribution_matrix"),
        "group tables": part("group_means"),
        "anonymity: one disclosure per measure": part("disclosure"),
        "cards and links": part("effect_chain"),
    }
    if "workshop_results" in parts:
        budget["rest of workshop_results"] = max(0.0, part("workshop_results") - sum(budget.values()))
    if "view_without_results" in parts:
        budget["view without workshop_results"] = part("view_without_results")
    return budget


def median_s(seconds: list[float]) -> float:
    return harness.timings(seconds)["median_ms"] / 1000


def report(
    data: dict,
    actions: dict,
    pages: list[harness.Response],
    posts: list[harness.Response],
    split: dict,
    facts: dict[str, object],
    *,
    page_requests: int,
    repeat: int,
) -> dict[str, object]:
    counts, build = data["counts"], data["build"]
    parts: dict[str, list[float]] = split["parts"]
    page = harness.timings([response.seconds for response in pages[1:]])
    rate_post = harness.timings([response.seconds for response in posts[1:]])
    effect = harness.timings(actions["rate_effect"]["seconds"])
    contribution = harness.timings(actions["rate_contribution"]["seconds"])
    whole_page = harness.timings(actions["rate_page"]["seconds"])
    met = page["median_ms"] / 1000 < RESULTS_TARGET_S
    total = median_s(parts["workshop_results"]) if "workshop_results" in parts else 0.0

    rows: list[dict[str, object]] = [
        {
            "measure": "results page GET (HTTP)",
            "n": page["n"],
            "cold ms": ms(pages[0].seconds),
            "median ms": page["median_ms"],
            "p95 ms": page["p95_ms"],
            "min ms": page["min_ms"],
            "target": f"< {RESULTS_TARGET_S * 1000:.0f} ms",
            "met": "yes" if met else "NO",
        },
        {
            "measure": f"rate page POST, all {len(data['effects']) * 2 + len(data['links'])} selects (HTTP)",
            "n": rate_post["n"],
            "cold ms": ms(posts[0].seconds),
            "median ms": rate_post["median_ms"],
            "p95 ms": rate_post["p95_ms"],
            "min ms": rate_post["min_ms"],
        },
        {
            "measure": f"rate_effect, one effect (in process, {actions['rate_effect']['queries']} queries)",
            "n": effect["n"],
            "median ms": effect["median_ms"],
            "p95 ms": effect["p95_ms"],
            "min ms": effect["min_ms"],
        },
        {
            "measure": f"rate_contribution, one link (in process, {actions['rate_contribution']['queries']} queries)",
            "n": contribution["n"],
            "median ms": contribution["median_ms"],
            "p95 ms": contribution["p95_ms"],
            "min ms": contribution["min_ms"],
        },
        {
            "measure": f"rate_page, the whole page (in process, {actions['rate_page']['queries']} queries)",
            "n": whole_page["n"],
            "median ms": whole_page["median_ms"],
            "p95 ms": whole_page["p95_ms"],
            "min ms": whole_page["min_ms"],
        },
    ]
    labels = [
        ("view", "results view, whole (in process, test client)"),
        ("view_without_results", "  view without workshop_results: access, template, decisions"),
        ("workshop_results", "  queries.workshop_results"),
        ("workshop_results_without_gc", "  (queries.workshop_results, garbage collector off)"),
        ("effect_chain", "    effect_chain (cards and links)"),
        ("workshop_ratings", "    workshop_ratings: load and check the ratings"),
        ("fetch_rows", "      of which the three rating queries alone"),
        ("ratings_validation", "      of which ranking.Ratings validation"),
        ("rank_activities", "    rank_activities, bootstrap"),
        ("rank_activities_no_bootstrap", "      of which without the bootstrap"),
        ("rank_effects", "    rank_effects, bootstrap"),
        ("rank_effects_no_bootstrap", "      of which without the bootstrap"),
        ("contribution_matrix", "    contribution_matrix"),
        ("group_means", "    group_means ×4 (the group tables)"),
        ("disclosure", "    disclosure: one Population.disclose per measure"),
        ("pack_contribution", "    (one _Packed of the contributions)"),
        ("pack_effects", "    (one _Packed of the effect ratings)"),
    ]
    for key, label in labels:
        if key in parts:
            summary = harness.timings(parts[key])
            row: dict[str, object] = {
                "measure": label,
                "n": summary["n"],
                "median ms": summary["median_ms"],
                "min ms": summary["min_ms"],
            }
            if total and not key.startswith(("view", "workshop_results")):
                row["% of workshop_results"] = round(100 * summary["median_ms"] / 1000 / total, 1)
            rows.append(row)

    outcome = split["outcome"]
    row_counts = outcome.get("rows") or {}
    facts.update(
        {
            "gunicorn workers": f"{WORKERS} (sync), requests one after the other",
            "data": (
                f"{counts['participants']:,} participants ({counts['participants'] - 1:,} guests + the leader), "
                f"{counts['goals']} goals, {counts['effects']} effects, {counts['activities']} activities, "
                f"{counts['activity_links']} activity→effect + {counts['effect_links']} effect→goal links"
            ),
            "ratings": (
                f"{counts['importance']:,} importance, {counts['achievement']:,} achievement, "
                f"{counts['contribution']:,} contribution ({DONT_KNOW_SHARE:.0%} vet ej)"
            ),
            "anonymity threshold k": data["k"],
            "data build s": " + ".join(f"{name} {seconds:.1f}" for name, seconds in build.items() if name != "total")
            + f" = {build['total']:.1f}",
            "results page bytes": len(pages[0].body),
            "results view queries": f"{outcome.get('view_queries', '?')} ({outcome.get('view_query_ms', '?')} ms in the database)",
            "rate POST queries": actions["rate_post"]["queries"],
            "in-process repeats": repeat,
        }
    )
    if row_counts:
        facts["rows the page loads"] = f"{sum(row_counts.values()):,} ratings in 3 queries"
    budget = time_budget(parts)
    figures: dict[str, object] = {
        "results page median s": round(page["median_ms"] / 1000, 3),
        "results page p95 s": round(page["p95_ms"] / 1000, 3),
        "results page cold s": round(pages[0].seconds, 3),
        "results page / target": round(page["median_ms"] / 1000 / RESULTS_TARGET_S, 2),
        "workshop_results median s (in process)": round(total, 3),
        "workshop_results best s, of which:": round(min(parts["workshop_results"]), 3)
        if "workshop_results" in parts
        else 0.0,
        **{f"  {label} s": round(seconds, 3) for label, seconds in budget.items()},
        "workshop_results best s, garbage collector off": round(min(parts["workshop_results_without_gc"]), 3)
        if "workshop_results_without_gc" in parts
        else 0.0,
        "rate page POST median ms": rate_post["median_ms"],
        "rate_effect median ms": effect["median_ms"],
        "rate_contribution median ms": contribution["median_ms"],
        "rate_page median ms": whole_page["median_ms"],
        "data build s": build["total"],
    }
    warnings = [f"in-process part failed: {error}" for error in split["errors"]]
    if not met:
        largest = sorted(budget.items(), key=lambda entry: -entry[1])[:3]
        warnings.append(
            f"the results page takes {page['median_ms'] / 1000:.2f} s (median), "
            f"{page['median_ms'] / 1000 / RESULTS_TARGET_S:.1f}× the {RESULTS_TARGET_S} s target; most of it: "
            + ", ".join(f"{label} {seconds:.2f} s" for label, seconds in largest)
        )
    return {
        "title": TITLE,
        "facts": facts,
        "rows": rows,
        "figures": figures,
        "warnings": warnings,
        "target": {"results_page_s": RESULTS_TARGET_S, "met": met},
        "raw": {
            "results_page_s": [round(response.seconds, 4) for response in pages],
            "rate_post_s": [round(response.seconds, 4) for response in posts],
            "rate_effect": {**effect, "queries": actions["rate_effect"]["queries"]},
            "rate_contribution": {**contribution, "queries": actions["rate_contribution"]["queries"]},
            "rate_page": {**whole_page, "queries": actions["rate_page"]["queries"]},
            "rate_post_in_process": {key: actions["rate_post"][key] for key in ("seconds", "queries", "status")},
            "split_s": {name: [round(value, 4) for value in values] for name, values in parts.items()},
            "outcome": outcome,
            "build_s": build,
            "counts": counts,
            "page_requests": page_requests,
        },
        "profile": split["profile"],
    }
