"""The big screen of a live meeting: projector friendly, with the way in (address, code, QR code) always visible and
the activity on now with its results. The page is opened by a process leader on the presenter's computer; its
region is refreshed by live.js (a push over the socket, else polling `state`), and without JavaScript by reloading.

Both views release the activity on now first (`actions.release`: a new release only when at least k participants
answered or changed their answer since the last), then render its publication (`reporting`), never raw answers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from tillit.live import actions, queries, rendering
from tillit.live.models import Activity, LiveSession
from tillit.live.permissions import MANAGE, SESSION
from tillit.live.views.preparing import join_address
from tillit.organisations.door import Access, OrganisationRequest, through


@never_cache
@through(SESSION, MANAGE)
def screen(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    session = access.target
    context = {
        **rendering.screen_region(session, release_current(session)),
        "join_address": join_address(),
        "join_display": shown_address(join_address()),
        "code_address": code_address(session),
        "socket": socket_path(session),
    }
    return render(request, "live/screen.html", context)


@never_cache
@through(SESSION, MANAGE)
def state(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """The screen's region alone (plain HTML), for live.js to put in place."""
    session = access.target
    return HttpResponse(rendering.screen_fragment(session, release_current(session)))


def release_current(session: LiveSession) -> Activity | None:
    """The activity on now (None when nothing is shown), its answers released first if enough have come in since the
    last release: read once for the release and the region both."""
    if session.current_id is None or session.is_ended:
        return None
    activity = queries.activity_of_pk(session, session.current_id)
    if activity is None:
        return None
    try:
        actions.release(activity)
    except Activity.DoesNotExist:  # deleted between the two reads
        return None
    return activity


def socket_path(session: LiveSession) -> str:
    """The WebSocket the screens and moderators of the meeting listen on."""
    return f"/ws/live/skarm/{session.public_id}/"


def code_address(session: LiveSession) -> str:
    """The meeting's own address, which the QR code holds: the code page with the code filled in."""
    return settings.SITE_URL + reverse("live:follow", kwargs={"code": session.code})


def shown_address(address: str) -> str:
    """An address as the screen writes it for people to type: without "https://"."""
    return address.removeprefix("https://").removeprefix("http://")
