"""Answering a barometer round: the personal link, the open link, pausing on the device, and thanks.

No account is needed: the link carries the right to answer. A personal link holds a one-time token (only its
hash is stored, on the invitation); the round's open link holds the round's `open_key`, and the respondent
chooses their unit, and optionally their level and actor group, before the questionnaire.

The token is in the address only once. The first visit of `/b/<round>/svar/<token>/` (from the e-mail) checks
it, keeps it in a signed HttpOnly cookie scoped to `/b/<round>/svar/`, and redirects to that address without the
token; the questionnaire, its drafts and the sending all live there and read the token from the cookie. So the
token appears in at most one logged address per visit from the e-mail, and never in the address of the request
that stores the answer. Nothing on the server keeps the token.

What the respondent's device keeps, in HttpOnly cookies scoped to the round's path (the token's to the
questionnaire's address within it), and never on the server:
- on a personal link, the token (above), and a draft of partial answers when they choose "save and continue
  later": signed (salt per round and link, so a draft made through one link is ignored through another),
  compressed, and kept under the browser's 4 KB limit by shortening the open answers. The draft holds neither
  the token nor anything derived from it.
- after an answer through the open link, a mark that this device has answered.

What the server stores is what `actions.answer_with_invitation` and `actions.answer_openly` store: no person,
token, session, address, browser or time (see models.py).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from tillit.barometer import actions
from tillit.barometer.models import OPEN_ANSWER_MAX_LENGTH, SCALE_MAX, SCALE_MIN, Invitation, Item, Round, Theme
from tillit.core.ratelimit import allow
from tillit.core.text import normalise_text
from tillit.organisations.models import ActorGroup, Level, Unit
from tillit.organisations.queries import unit_tree
from tillit.privacy.masking import removal_notice

# Per network address and hour, on the open link: high enough for a workplace behind one address, low enough to
# stop a script.
OPEN_ANSWERS_PER_ADDRESS_PER_HOUR = settings.BAROMETER_OPEN_ANSWERS_PER_ADDRESS_PER_HOUR

DRAFT_COOKIE = "barometer_draft"
ANSWERED_COOKIE = "barometer_answered"
LINK_COOKIE = "barometer_link"  # the personal link's token, after its first visit
# Browsers keep at most 4096 bytes of a cookie's name, value and attributes; this leaves room for the rest.
DRAFT_COOKIE_MAX_BYTES = 3800
# How much of each open answer a draft keeps, and the shorter limits tried when the draft still will not fit.
DRAFT_TEXT_LIMIT = 1000
DRAFT_TEXT_FALLBACK_LIMITS = (DRAFT_TEXT_LIMIT, 600, 300, 100, 0)
COOKIE_DAYS_AFTER_CLOSE = 1

DONT_KNOW = "dont_know"
SCALE_FIELD_PREFIX = "scale_"
OPEN_FIELD_PREFIX = "open_"
SAVE, SUBMIT, CHOOSE = "save", "submit", "choose"  # the buttons' values

SCALE_OPTIONS = (
    ("1", gettext_lazy("Not at all true")),
    ("2", gettext_lazy("Mostly not true")),
    ("3", gettext_lazy("Partly true")),
    ("4", gettext_lazy("Mostly true")),
    ("5", gettext_lazy("Completely true")),
    (DONT_KNOW, gettext_lazy("Don’t know")),
)
SCALE_VALUES = frozenset({*(str(value) for value in range(SCALE_MIN, SCALE_MAX + 1)), DONT_KNOW})


# The link -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """The way in: a personal invitation, or the round's open link (invitation None)."""

    round: Round
    url: str
    invitation: Invitation | None
    # Binds a draft's signature to this link. Derived from the secret in the link; never stored anywhere. None on
    # the open link, which keeps no drafts (see respond_open).
    draft_salt: str | None

    @property
    def is_open(self) -> bool:
        return self.invitation is None


def _round(public_id: UUID) -> Round | None:
    return Round.objects.select_related("organisation", "instrument").filter(public_id=public_id).first()


def round_path(round: Round) -> str:
    """The path every page of the round lives under ("/b/<id>/"): the scope of its cookies."""
    thanks = reverse("barometer:thanks", kwargs={"round": round.public_id})
    return thanks[: thanks.index(str(round.public_id))] + f"{round.public_id}/"


def answer_path(round: Round) -> str:
    """The personal link's address without the token ("/b/<id>/svar/"): the questionnaire and the scope of the
    cookie that holds the token."""
    return reverse("barometer:answer", kwargs={"round": round.public_id})


def _draft_salt(round: Round, secret: str) -> str:
    return f"tillit.barometer.draft:{round.public_id}:{actions.hash_token('draft:' + secret)}"


def _link_salt(round: Round) -> str:
    return f"tillit.barometer.link:{round.public_id}"


def _token_from_cookie(request: HttpRequest, round: Round) -> str | None:
    """The token the first visit of the personal link kept on this device, if its signature holds."""
    token = request.get_signed_cookie(LINK_COOKIE, default=None, salt=_link_salt(round))
    return token if isinstance(token, str) and token else None


# The questionnaire ----------------------------------------------------------------------------------------


@dataclass
class Question:
    item: Item
    name: str  # the form field
    value: str = ""
    error: str = ""

    @property
    def html_id(self) -> str:
        return f"q-{self.item.code}"


@dataclass
class Section:
    theme: str
    label: str
    questions: list[Question] = field(default_factory=list)

    @property
    def has_open_questions(self) -> bool:
        return any(not question.item.is_scale for question in self.questions)


def items_of(round: Round) -> list[Item]:
    return list(round.instrument.items.all())


def sections(items: list[Item], values: Mapping[str, str], errors: Mapping[str, str]) -> list[Section]:
    """The questionnaire as one fieldset per theme, in the instrument's order, filled with `values` by field."""
    labels = dict(Theme.choices)
    by_theme: dict[str, Section] = {}
    for item in items:
        name = (SCALE_FIELD_PREFIX if item.is_scale else OPEN_FIELD_PREFIX) + item.code
        section = by_theme.setdefault(item.theme, Section(item.theme, str(labels.get(item.theme, item.theme))))
        section.questions.append(Question(item, name, values.get(name, ""), errors.get(name, "")))
    return list(by_theme.values())


@dataclass(frozen=True)
class Posted:
    """Raw answers from a form, by item code."""

    scale: dict[str, str]
    texts: dict[str, str]

    @classmethod
    def from_data(cls, data: QueryDict) -> Posted:
        scale = {
            key.removeprefix(SCALE_FIELD_PREFIX): data.get(key, "")
            for key in data
            if key.startswith(SCALE_FIELD_PREFIX)
        }
        texts = {
            key.removeprefix(OPEN_FIELD_PREFIX): data.get(key, "") for key in data if key.startswith(OPEN_FIELD_PREFIX)
        }
        return cls(scale, texts)

    def field_values(self) -> dict[str, str]:
        return {SCALE_FIELD_PREFIX + code: value for code, value in self.scale.items()} | {
            OPEN_FIELD_PREFIX + code: text for code, text in self.texts.items()
        }

    def field_errors(self) -> dict[str, str]:
        """Messages next to the fields a person can correct; `actions.clean_answers` stays the authority."""
        errors = {}
        for code, value in self.scale.items():
            if value and value not in SCALE_VALUES:
                errors[SCALE_FIELD_PREFIX + code] = _("Choose one of the answers on the scale, or “don’t know”.")
        for code, text in self.texts.items():
            length = len(normalise_text(text))
            if length > OPEN_ANSWER_MAX_LENGTH:
                errors[OPEN_FIELD_PREFIX + code] = _("At most %(limit)d characters (now %(count)d).") % {
                    "limit": OPEN_ANSWER_MAX_LENGTH,
                    "count": length,
                }
        return errors


# The respondent's unit, on the open link --------------------------------------------------------------------


class RespondentForm(forms.Form):
    """Who answers through the open link, as far as the report needs: a unit, and optionally level and group."""

    unit = forms.ChoiceField(
        label=gettext_lazy("Your unit"),
        error_messages={
            "required": gettext_lazy("Choose the unit you work in."),
            "invalid_choice": gettext_lazy("Choose one of the organisation's units."),
        },
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Your level in the organisation (optional)"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the listed levels, or none.")},
    )
    actor_group = forms.ChoiceField(
        label=gettext_lazy("Your role (optional)"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the listed roles, or none.")},
    )

    def __init__(self, *args: object, round: Round, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        organisation = round.organisation
        # Only units of the tree the round opened with: a unit made since has no population to answer for.
        tree = [node for node in unit_tree(organisation) if round.has_unit(node.unit.pk)]
        self.units = {str(node.unit.public_id): node.unit for node in tree}
        self.levels = {str(level.public_id): level for level in Level.objects.in_organisation(organisation)}
        self.actor_groups = {str(group.public_id): group for group in ActorGroup.objects.in_organisation(organisation)}
        # Full paths ("Socialförvaltningen / Hemtjänst Norr") show where a unit sits in the tree.
        self.fields["unit"].choices = [("", _("Choose your unit"))] + [
            (str(node.unit.public_id), node.path) for node in tree
        ]
        self.fields["level"].choices = [("", _("Do not say"))] + [
            (key, level.name) for key, level in self.levels.items()
        ]
        self.fields["actor_group"].choices = [("", _("Do not say"))] + [
            (key, group.name) for key, group in self.actor_groups.items()
        ]

    def chosen(self) -> tuple[Unit, Level | None, ActorGroup | None]:
        data = self.cleaned_data
        return self.units[data["unit"]], self.levels.get(data["level"]), self.actor_groups.get(data["actor_group"])


# Drafts on the device -------------------------------------------------------------------------------------


class _CompactJSON:
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
    scale_names = {SCALE_FIELD_PREFIX + item.code for item in items if item.is_scale}
    open_names = {OPEN_FIELD_PREFIX + item.code for item in items if not item.is_scale}
    scale = {name: data[name] for name in scale_names if data.get(name) in SCALE_VALUES}
    texts = {name: data[name].strip() for name in open_names if data.get(name, "").strip()}
    for limit in DRAFT_TEXT_FALLBACK_LIMITS:
        values = scale | {name: text[:limit] for name, text in texts.items() if text[:limit]}
        value = signing.dumps(values, salt=link.draft_salt, compress=True, serializer=_CompactJSON)
        if len(value) <= DRAFT_COOKIE_MAX_BYTES:
            cut = any(len(text) > limit for text in texts.values())
            return Draft(values, limit if cut else None), value
    return Draft({}), None


def load_draft(request: HttpRequest, link: Link) -> dict[str, str]:
    """The field values saved on this device through this link, or nothing."""
    value = request.COOKIES.get(DRAFT_COOKIE, "")
    if not value or len(value) > DRAFT_COOKIE_MAX_BYTES:
        return {}
    try:
        values = signing.loads(value, salt=link.draft_salt, serializer=_CompactJSON)
    except (signing.BadSignature, ValueError):
        return {}
    if not isinstance(values, dict):
        return {}
    return {key: item for key, item in values.items() if isinstance(key, str) and isinstance(item, str)}


def _cookie_age(round: Round) -> int:
    days = (round.closes_on - timezone.localdate()).days + COOKIE_DAYS_AFTER_CLOSE
    return max(days, 1) * 24 * 3600


def _set_cookie(response: HttpResponse, round: Round, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=_cookie_age(round),
        path=round_path(round),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _forget_draft(response: HttpResponse, round: Round) -> None:
    response.delete_cookie(DRAFT_COOKIE, path=round_path(round), samesite="Lax")


# Pages ------------------------------------------------------------------------------------------------------


def _state_page(request: HttpRequest, round: Round | None, state: str, status: int) -> HttpResponse:
    """The pages that take no answers: an invalid link, a round not open, already answered, too many attempts."""
    opens_later = round is not None and round.opens_on > timezone.localdate()
    context = {"round": round, "state": state, "opens_later": opens_later}
    return render(request, "barometer/respond_state.html", context, status=status)


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return _state_page(request, None, "invalid", 404)


def _unavailable(request: HttpRequest, round: Round) -> HttpResponse | None:
    """A page saying why the round takes no answers now, or None when it does."""
    if not round.is_launched or timezone.localdate() < round.opens_on:
        return _state_page(request, round, "upcoming", 200)
    if round.is_closed:
        return _state_page(request, round, "closed", 410)
    return None


def _questionnaire(
    request: HttpRequest,
    link: Link,
    items: list[Item],
    *,
    values: Mapping[str, str],
    errors: Mapping[str, str] | None = None,
    problems: list[str] | None = None,
    respondent_form: RespondentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    round = link.round
    parts = sections(items, values, errors or {})
    context = {
        "round": round,
        "organisation": round.organisation,
        "link": link,
        "sections": parts,
        "scale_options": SCALE_OPTIONS,
        "scale_count": sum(1 for item in items if item.is_scale),
        "open_count": sum(1 for item in items if not item.is_scale),
        "open_limit": OPEN_ANSWER_MAX_LENGTH,
        "draft_text_limit": DRAFT_TEXT_LIMIT,
        "respondent_form": respondent_form,
        "problems": problems or [],
        "question_errors": [question for part in parts for question in part.questions if question.error],
        "has_errors": status == 400,
    }
    return render(request, "barometer/respond.html", context, status=status)


def _after_saving(request: HttpRequest, link: Link, items: list[Item]) -> HttpResponse:
    draft, value = draft_from(link, items, request.POST)
    if value is None:
        messages.error(request, _("Your answers are too many to save on this device. Send them when you are ready."))
        respondent_form = RespondentForm(request.POST, round=link.round) if link.is_open else None
        values = Posted.from_data(request.POST).field_values()
        return _questionnaire(request, link, items, values=values, respondent_form=respondent_form)
    if draft.text_limit == 0:
        messages.warning(
            request,
            _(
                "Your answers on the scales are saved on this device. Your open answers did not fit: copy them "
                "somewhere before you leave the page."
            ),
        )
    elif draft.shortened:
        messages.warning(
            request,
            _(
                "Your answers are saved on this device. To fit, each open answer was cut to its first "
                "%(limit)d characters: check them before you send."
            )
            % {"limit": draft.text_limit},
        )
    else:
        messages.success(
            request, _("Your answers are saved on this device. Open the same link here to continue later.")
        )
    response = redirect(link.url)
    _set_cookie(response, link.round, DRAFT_COOKIE, value)
    return response


def _clean(link: Link, posted: Posted) -> tuple[actions.Answers | None, list[str]]:
    """Checked answers, or the messages saying why they cannot be stored."""
    try:
        answers = actions.clean_answers(link.round, posted.scale, posted.texts)
    except ValidationError as error:
        return None, error.messages
    if not answers.scale and not answers.open:
        return None, [_("Answer at least one question before you send.")]
    return answers, []


def _answered(request: HttpRequest, link: Link, answers: actions.Answers) -> HttpResponse:
    if answers.removed:
        # What kinds of personal data were taken out, and how many; never the data itself.
        messages.info(request, removal_notice(answers.removed))
    response = redirect("barometer:thanks", round=link.round.public_id)
    _forget_draft(response, link.round)
    return response


def _already_answered(request: HttpRequest, link: Link) -> HttpResponse:
    response = _state_page(request, link.round, "answered", 409 if request.method == "POST" else 200)
    _forget_draft(response, link.round)
    return response


@never_cache
def respond(request: HttpRequest, round: UUID, token: str) -> HttpResponse:
    """The personal link from the invitation e-mail. Its token is checked, kept in a cookie on this device, and the
    browser is sent on to the same questionnaire at an address without the token (a form sent to this address,
    from a page opened before, is sent on with a 307, which repeats the POST)."""
    found = _round(round)
    invitation = actions.invitation_for_token(found, token) if found is not None else None
    if found is None or invitation is None:
        return _invalid_link(request)
    response = redirect(answer_path(found))
    if request.method == "POST":
        response.status_code = 307
    response.set_signed_cookie(
        LINK_COOKIE,
        token,
        salt=_link_salt(found),
        max_age=_cookie_age(found),
        path=answer_path(found),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
def answer(request: HttpRequest, round: UUID) -> HttpResponse:
    """The questionnaire of a personal link, without the token in its address: the token is in the cookie that the
    link's first visit set. Without that cookie, the link is not valid here."""
    found = _round(round)
    token = _token_from_cookie(request, found) if found is not None else None
    invitation = actions.invitation_for_token(found, token) if found is not None and token else None
    if found is None or token is None or invitation is None:
        return _invalid_link(request)
    link = Link(found, answer_path(found), invitation, _draft_salt(found, token))
    if invitation.answered:
        return _already_answered(request, link)
    unavailable = _unavailable(request, found)
    if unavailable is not None:
        return unavailable
    items = items_of(found)
    if request.method != "POST":
        return _questionnaire(request, link, items, values=load_draft(request, link))
    if request.POST.get("action") == SAVE:
        return _after_saving(request, link, items)
    posted = Posted.from_data(request.POST)
    answers, problems = _clean(link, posted)
    if answers is None:
        values, errors = posted.field_values(), posted.field_errors()
        return _questionnaire(request, link, items, values=values, errors=errors, problems=problems, status=400)
    try:
        actions.answer_with_invitation(round=found, token=token, answers=answers)
    except actions.AlreadyAnswered:
        return _already_answered(request, link)
    except ValidationError:  # the round closed a moment ago
        return _unavailable(request, found) or _invalid_link(request)
    return _answered(request, link, answers)


@never_cache
def respond_open(request: HttpRequest, round: UUID, key: str) -> HttpResponse:
    """The round's open link: the respondent chooses their unit, then answers the same questionnaire.

    A link anyone may use cannot tell two people apart without identifying them, which the barometer never does.
    So it takes one answer per device: after an answer the device keeps a cookie, and the link refuses a second
    answer from it. Someone who clears their cookies or changes device can answer again, and a shared computer
    takes one answer only; the personal link is the way to be sure of one answer per person. The rate limit per
    network address stops a script, not a determined person. What stops padding is the population: a unit takes
    no more answers, through every link, than it had members when the round opened (`actions.answer_openly`). A
    signed-in member who was invited is sent to their personal link, so one person cannot answer through both.
    The units offered are those the round opened with.
    """
    found = _round(round)
    if found is None or not hmac.compare_digest(key.encode(), found.open_key.encode()):
        return _invalid_link(request)
    url = reverse("barometer:respond_open", args=[found.public_id, key])
    link = Link(found, url, None, None)
    if request.COOKIES.get(ANSWERED_COOKIE):
        return _state_page(request, found, "answered_here", 409 if request.method == "POST" else 200)
    unavailable = _unavailable(request, found)
    if unavailable is not None:
        return unavailable
    if has_personal_link(request, found):
        # One person, one door: someone invited who also answered here would be counted twice.
        return _state_page(request, found, "use_personal_link", 403 if request.method == "POST" else 200)
    items = items_of(found)
    # No drafts here: the open link is for staff without e-mail, who often share a computer, and a draft kept in
    # its browser would greet the next person with the last one's answers. The personal link keeps drafts.
    if request.method != "POST":
        return _unit_page(request, link, RespondentForm(round=found))
    action = request.POST.get("action")
    respondent_form = RespondentForm(request.POST, round=found)
    if action == CHOOSE:
        if not respondent_form.is_valid():
            return _unit_page(request, link, respondent_form, status=400)
        return _questionnaire(request, link, items, values={}, respondent_form=respondent_form)
    posted = Posted.from_data(request.POST)
    if action == SAVE:
        return _questionnaire(
            request,
            link,
            items,
            values=posted.field_values(),
            problems=[
                _("Answers given through this shared link cannot be saved for later. Send them when you are done.")
            ],
            respondent_form=respondent_form,
            status=400,
        )
    answers, problems = _clean(link, posted)
    if not respondent_form.is_valid() or answers is None:
        values, errors = posted.field_values(), posted.field_errors()
        return _questionnaire(
            request,
            link,
            items,
            values=values,
            errors=errors,
            problems=problems,
            respondent_form=respondent_form,
            status=400,
        )
    if not allow(request, "barometer-open-answer", limit=OPEN_ANSWERS_PER_ADDRESS_PER_HOUR, seconds=3600):
        return _state_page(request, found, "too_many", 429)
    unit, level, actor_group = respondent_form.chosen()
    try:
        actions.answer_openly(round=found, unit=unit, level=level, actor_group=actor_group, answers=answers)
    except ValidationError as error:
        unavailable = _unavailable(request, found)
        if unavailable is not None:  # the round closed a moment ago
            return unavailable
        return _questionnaire(
            request,
            link,
            items,
            values=posted.field_values(),
            problems=error.messages,
            respondent_form=respondent_form,
            status=400,
        )
    response = _answered(request, link, answers)
    _set_cookie(response, found, ANSWERED_COOKIE, "1")
    return response


def has_personal_link(request: HttpRequest, round: Round) -> bool:
    """Whether the signed-in person was invited to the round with a personal link."""
    user = request.user
    return user.is_authenticated and Invitation.objects.filter(round=round, membership__user=user).exists()


def _unit_page(request: HttpRequest, link: Link, form: RespondentForm, *, status: int = 200) -> HttpResponse:
    context = {"round": link.round, "organisation": link.round.organisation, "link": link, "form": form}
    return render(request, "barometer/respond_unit.html", context, status=status)


def thanks(request: HttpRequest, round: UUID) -> HttpResponse:
    found = _round(round)
    if found is None:
        return _invalid_link(request)
    return render(request, "barometer/thanks.html", {"round": found, "organisation": found.organisation})
