"""The live channel across real server processes: two uvicorn processes serving `config.asgi:application` and sharing
Redis (127.0.0.1:6379, as in production and CI; this test needs it running) and one database, as two app servers
behind a load balancer do. A vote taken by one process reaches a big screen connected to the other, and a change made
by a third process (a moderator's request served elsewhere) reaches phones on the first. Then Redis unavailable: a
process whose REDIS_URL points at a closed port refuses sockets (the page polls) and still stores votes and answers
the page's polling.

The test database of pytest-django lives in this process only, so the servers share a SQLite file made here (WAL,
as `make demo` runs); Redis's publish/subscribe names carry a digest of that file's path (config/settings.py), so two
runs of this test at once do not hear each other."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import websockets
from django.conf import settings

from tillit.live.tests.servers import uvicorn_command

ROOT = Path(settings.BASE_DIR)
REDIS_URL = "redis://127.0.0.1:6379/12"  # its cache keys only; publish/subscribe is scoped by the database's digest
WAIT = 10.0  # seconds for anything to arrive: far above what it takes, so a slow machine does not fail the test

SETUP = """
import json

import django

django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from conftest import Members, build_norrby, cast_member
from tillit.live import actions
from tillit.live.models import Activity

organisation = build_norrby()
leader = cast_member(Members(), "facilitator", organisation)
session = actions.create_session(organisation=organisation, title="Forum Tillit")
poll = actions.add_activity(session, kind=Activity.Kind.POLL, prompt="Vad tar mest tid?", options=["Möten", "Rapporter"])
scale = actions.add_activity(session, kind=Activity.Kind.SCALE, prompt="Hur stort är förtroendet?")
actions.start_session(session)
actions.show(session, poll)
tokens = [actions.new_participant_token() for _each in range(3)]
for token in tokens:
    actions.join(session, token=token)
# The process leader signed in: a session row as the sign-in page makes it.
store = SessionStore()
store[SESSION_KEY] = str(leader.pk)
store[BACKEND_SESSION_KEY] = "tillit.accounts.backends.EmailBackend"
store[HASH_SESSION_KEY] = leader.get_session_auth_hash()
store.create()
print("MEETING " + json.dumps({
    "code": session.code, "session": str(session.public_id), "session_pk": session.pk, "poll": str(poll.public_id),
    "poll_pk": poll.pk, "scale": str(scale.public_id), "tokens": tokens, "sessionid": store.session_key,
}))
"""

ADVANCE = """
import sys

import django

django.setup()
from tillit.live import actions
from tillit.live.models import Activity, LiveSession

session = LiveSession.objects.get(public_id=sys.argv[1])
actions.show(session, Activity.objects.get(public_id=sys.argv[2]))
"""


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(database: Path, redis_url: str) -> dict[str, str]:
    inherited = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "SECRET_KEY": "a-secret-key-for-the-live-processes-test-0123456789-abcdefghijklmnop",
        "DATA_KEY": "a-data-key-for-the-live-processes-test-0123456789-abcdefghijklmnopq",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": redis_url,
    }


def python(script: str, *args: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class Server:
    """One app process: uvicorn serving config.asgi:application, as `make demo` and each gunicorn worker do."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            uvicorn_command(self.port),
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, self.output()
            try:
                with urllib.request.urlopen(f"{self.url}/health/", timeout=2) as response:  # noqa: S310 - our own
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def socket(self, path: str, cookies: dict[str, str]):
        cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
        return websockets.connect(
            f"ws://127.0.0.1:{self.port}{path}",
            origin=self.url,
            additional_headers={"Cookie": cookie},
            open_timeout=WAIT,
        )

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """The shared database, migrated and with a meeting on its first activity, and the two servers A and B."""
    folder = tmp_path_factory.mktemp("live-processes")
    database = folder / "tillit.sqlite3"
    env = environment(database, REDIS_URL)
    python(
        "from django.core.management import execute_from_command_line; execute_from_command_line(['manage.py', 'migrate', '--noinput'])",
        env=env,
    )
    meeting = json.loads(python(SETUP, env=env).split("MEETING ", 1)[1])
    servers = []
    try:
        servers.append(Server(env, folder / "a.log"))
        servers.append(Server(env, folder / "b.log"))
        yield {"database": database, "env": env, "folder": folder, "meeting": meeting, "a": servers[0], "b": servers[1]}
    finally:
        for server in servers:
            server.stop()


class Fetched:
    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body


def fetch(url: str, *, headers: dict[str, str], data: bytes | None = None) -> Fetched:
    """A request as live.js makes it (`X-Live: 1`), to one of the servers started here."""
    request = urllib.request.Request(url, data=data, headers={**headers, "X-Live": "1"})  # noqa: S310 - 127.0.0.1
    with urllib.request.urlopen(request, timeout=WAIT) as response:  # noqa: S310 - http://127.0.0.1 of this test
        return Fetched(response.status, response.headers, response.read())


def answers_to(database: Path, activity_pk: int) -> int:
    with closing(sqlite3.connect(database, timeout=20)) as connection:
        return connection.execute("SELECT count(*) FROM live_answer WHERE activity_id = ?", (activity_pk,)).fetchone()[
            0
        ]


async def next_message(connection, kind: str) -> dict:
    """The next message of `kind` (others, such as "answers" while waiting for "session", are passed over)."""
    async with asyncio.timeout(WAIT):
        while True:
            message = json.loads(await connection.recv())
            if message["type"] == kind:
                return message


def phone_cookies(meeting: dict, token: str) -> dict[str, str]:
    return {f"tillit_live_{meeting['code']}": token, settings.LANGUAGE_COOKIE_NAME: "en"}


def test_a_vote_taken_by_one_process_reaches_a_screen_connected_to_the_other(deployment):
    meeting, a, b = deployment["meeting"], deployment["a"], deployment["b"]
    before = answers_to(deployment["database"], meeting["poll_pk"])

    async def scenario():
        screen_path = f"/ws/live/skarm/{meeting['session']}/"
        async with a.socket(screen_path, {settings.SESSION_COOKIE_NAME: meeting["sessionid"]}) as screen:
            state = await next_message(screen, "session")
            async with b.socket(f"/ws/live/{meeting['code']}/", phone_cookies(meeting, meeting["tokens"][0])) as phone:
                await next_message(phone, "session")
                sent = time.monotonic()
                await phone.send(json.dumps({"type": "answer", "activity": meeting["poll"], "data": {"choice": ["1"]}}))
                reply = await next_message(phone, "answered")
            heard = await next_message(screen, "answers")
            return state, reply, heard, time.monotonic() - sent

    state, reply, heard, seconds = asyncio.run(scenario())

    assert state["type"] == "session"
    assert reply == {"type": "answered", "ok": True, "message": "Thank you. Your answer is saved."}, b.output()
    assert heard == {"type": "answers", "activity": meeting["poll"]}, a.output() + b.output()
    assert seconds < WAIT
    assert answers_to(deployment["database"], meeting["poll_pk"]) == before + 1


def test_a_change_made_in_another_process_reaches_the_phones_and_screens_of_both(deployment):
    meeting, a, b = deployment["meeting"], deployment["a"], deployment["b"]

    async def scenario():
        phone_path = f"/ws/live/{meeting['code']}/"
        screen_path = f"/ws/live/skarm/{meeting['session']}/"
        async with (
            a.socket(phone_path, phone_cookies(meeting, meeting["tokens"][1])) as on_a,
            b.socket(phone_path, phone_cookies(meeting, meeting["tokens"][2])) as on_b,
            b.socket(screen_path, {settings.SESSION_COOKIE_NAME: meeting["sessionid"]}) as screen,
        ):
            before = await next_message(on_a, "session")
            await next_message(on_b, "session")
            await next_message(screen, "session")
            # The moderator's request served by a third process (here a script): it publishes through Redis.
            await asyncio.to_thread(python, ADVANCE, meeting["session"], meeting["scale"], env=deployment["env"])
            return (
                before,
                await next_message(on_a, "session"),
                await next_message(on_b, "session"),
                await next_message(screen, "session"),
            )

    before, pushed_a, pushed_b, to_screen = asyncio.run(scenario())

    for pushed in (pushed_a, pushed_b):
        assert pushed["version"] > before["version"]
        assert "Hur stort är förtroendet?" in pushed["html"]
    assert to_screen == {"type": "session", "version": pushed_a["version"]}


def test_without_redis_sockets_are_refused_and_votes_are_stored_through_the_page(deployment):
    """Redis unavailable: REDIS_URL names a port nobody listens on (the shared cache and the channel layer both)."""
    meeting = deployment["meeting"]
    env = {**deployment["env"], "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    server = Server(env, deployment["folder"] / "without-redis.log")
    try:
        token = meeting["tokens"][2]
        cookies = phone_cookies(meeting, token)

        async def open_socket():
            async with server.socket(f"/ws/live/{meeting['code']}/", cookies) as phone:
                return await phone.recv()

        with pytest.raises(websockets.InvalidStatus):  # the handshake is refused: live.js polls
            asyncio.run(open_socket())

        # The page, its polling and an answer posted as live.js posts it without a socket.
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        page = fetch(f"{server.url}/l/{meeting['code']}/", headers={"Cookie": header})
        jar = SimpleCookie()
        for value in page.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        csrf = jar["csrftoken"].value
        state = json.loads(fetch(f"{server.url}/l/{meeting['code']}/lage/", headers={"Cookie": header}).body)
        before = answers_to(deployment["database"], meeting["poll_pk"])
        # The meeting may have moved on in an earlier test: answer the poll after showing it again.
        python(ADVANCE, meeting["session"], meeting["poll"], env=env)
        answered = fetch(
            f"{server.url}/l/{meeting['code']}/svar/",
            headers={"Cookie": f"{header}; csrftoken={csrf}", "X-CSRFToken": csrf},
            data=f"activity={meeting['poll']}&choice=0&csrfmiddlewaretoken={csrf}".encode(),
        )
        reply = json.loads(answered.body)
    finally:
        server.stop()

    assert page.status == 200
    assert "html" in state
    assert state["version"] >= 1
    assert reply == {"ok": True, "message": "Thank you. Your answer is saved."}, server.output()
    assert answers_to(deployment["database"], meeting["poll_pk"]) == before + 1
    assert "a push could not be sent" in server.output()
    assert '"WebSocket /ws/live/' not in server.output()  # no participant's address or path in the log
