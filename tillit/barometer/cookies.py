"""What a respondent's device keeps while answering (through `organisations.personal_links`' cookie helpers), in HttpOnly cookies scoped to the round's path, never on the
server: the personal link's token after its first visit, a draft of partial answers, and the mark that this device
has answered through the open link.

- The token is signed and scoped to the questionnaire's address without it (`answer_path`), so the questionnaire,
  its drafts and the sending can live at an address that holds no secret.
- A draft is signed (salt per round and link, so a draft made through one link is ignored through another),
  compressed, and kept under the browser's 4 KB limit by shortening the open answers. It holds neither the token nor
  anything derived from it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from tillit.barometer.forms import OPEN_FIELD_PREFIX, SCALE_FIELD_PREFIX, SCALE_VALUES
from tillit.barometer.models import Invitation, Item, Round
from tillit.core.tokens import hash_token
from tillit.organisations import personal_links

DRAFT_COOKIE = "barometer_draft"
ANSWERED_COOKIE = "barometer_answered"
LINK_COOKIE = "barometer_link"  # the personal link's token, after its first visit
# Browsers keep at most 4096 bytes of a cookie's name, value and attributes; this leaves room for the rest.
DRAFT_COOKIE_MAX_BYTES = 3800
# How much of each open answer a draft keeps, and the shorter limits tried when the draft still will not fit.
DRAFT_TEXT_LIMIT = 1000
DRAFT_TEXT_FALLBACK_LIMITS = (DRAFT_TEXT_LIMIT, 600, 300, 100, 0)


@dataclass(frozen=True)
class Link:
    """The way in: a personal invitation, or the round's open link (invitation None)."""

    round: Round
    url: str
    invitation: Invitation | None
    # Binds a draft's signature to this link. Derived from the secret in the link; never stored anywhere. None on
    # the open link, which keeps no drafts.
    draft_salt: str | None

    @property
    def is_open(self) -> bool:
        return self.invitation is None


def round_path(round: Round) -> str:
    """The path every page of the round lives under ("/b/<id>/"): the scope of its cookies."""
    thanks = reverse("barometer:thanks", kwargs={"round": round.public_id})
    return thanks[: thanks.index(str(round.public_id))] + f"{round.public_id}/"


def answer_path(round: Round) -> str:
    """The personal link's address without the token ("/b/<id>/svar/"): the questionnaire and the scope of the
    cookie that holds the token."""
    return reverse("barometer:answer", kwargs={"round": round.public_id})


def draft_salt(round: Round, secret: str) -> str:
    return f"tillit.barometer.draft:{round.public_id}:{hash_token('draft:' + secret)}"


def _link_salt(round: Round) -> str:
    return f"tillit.barometer.link:{round.public_id}"


def token_from_cookie(request: HttpRequest, round: Round) -> str | None:
    """The token the first visit of the personal link kept on this device, if its signature holds."""
    return personal_links.token_from_cookie(request, name=LINK_COOKIE, salt=_link_salt(round))


def keep_token(response: HttpResponse, round: Round, token: str) -> None:
    """Keep the personal link's token on the device, for the questionnaire's address only."""
    personal_links.keep_token(
        response, token, name=LINK_COOKIE, salt=_link_salt(round), path=answer_path(round), max_age=_cookie_age(round)
    )


class CompactJSON:
    """JSON for signing that keeps å, ä and ö as two bytes rather than six, so more text fits in a cookie."""

    def dumps(self, obj: object) -> bytes:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()

    def loads(self, data: bytes) -> object:
        return json.loads(data.decode())


@dataclass(frozen=True)
class Draft:
    values: dict[str, str]  # form field -> value: scale answers and open texts
    text_limit: int | None = None  # set when open answers had to be shortened to fit

    @property
    def shortened(self) -> bool:
        return self.text_limit is not None


def draft_from(link: Link, items: list[Item], data: Mapping[str, str]) -> tuple[Draft, str | None]:
    """What a draft keeps of posted data, and its signed cookie value (None if even the scale answers will not
    fit). Open answers are shortened until the draft fits in a cookie."""
    if link.draft_salt is None:
        raise ValueError("The open link keeps no drafts.")
    scale_names = {SCALE_FIELD_PREFIX + item.code for item in items if item.is_scale}
    open_names = {OPEN_FIELD_PREFIX + item.code for item in items if not item.is_scale}
    scale = {name: data[name] for name in scale_names if data.get(name) in SCALE_VALUES}
    texts = {name: data[name].strip() for name in open_names if data.get(name, "").strip()}
    for limit in DRAFT_TEXT_FALLBACK_LIMITS:
        values = scale | {name: text[:limit] for name, text in texts.items() if text[:limit]}
        value = signing.dumps(values, salt=link.draft_salt, compress=True, serializer=CompactJSON)
        if len(value) <= DRAFT_COOKIE_MAX_BYTES:
            cut = any(len(text) > limit for text in texts.values())
            return Draft(values, limit if cut else None), value
    return Draft({}), None


def load_draft(request: HttpRequest, link: Link) -> dict[str, str]:
    """The field values saved on this device through this link, or nothing."""
    value = request.COOKIES.get(DRAFT_COOKIE, "")
    if not value or len(value) > DRAFT_COOKIE_MAX_BYTES or link.draft_salt is None:
        return {}
    try:
        values = signing.loads(value, salt=link.draft_salt, serializer=CompactJSON)
    except (signing.BadSignature, ValueError):
        return {}
    if not isinstance(values, dict):
        return {}
    return {key: item for key, item in values.items() if isinstance(key, str) and isinstance(item, str)}


def _cookie_age(round: Round) -> int:
    return personal_links.cookie_age(round.closes_on)


def keep(response: HttpResponse, round: Round, name: str, value: str) -> None:
    """Keep `value` on the device under `name`, for the round's pages, until a day after the round closes."""
    personal_links.keep_cookie(response, name, value, path=round_path(round), max_age=_cookie_age(round))


def forget_draft(response: HttpResponse, round: Round) -> None:
    response.delete_cookie(DRAFT_COOKIE, path=round_path(round), samesite="Lax")
