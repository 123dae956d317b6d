"""Answering a barometer round: the personal link, the open link, pausing on the device, and thanks.

No account is needed, and these pages are not behind the organisation's door: the link carries the right to
answer. A personal link holds a one-time token (only its hash is stored, on the invitation); the round's open link
holds the round's `open_key`, and the respondent chooses their unit, and optionally their level and actor group,
before the questionnaire.

The token is in the address only once. The first visit of `/b/<round>/svar/<token>/` (from the e-mail) checks
it, keeps it in a signed HttpOnly cookie scoped to `/b/<round>/svar/`, and redirects to that address without the
token; the questionnaire, its drafts and the sending all live there and read the token from the cookie. So the
token appears in at most one logged address per visit from the e-mail, and never in the address of the request
that stores the answer. Nothing on the server keeps the token. What the device keeps is in `cookies`.

What the server stores is what `actions.answer_with_invitation` and `actions.answer_openly` store: no person,
token, session, address, browser or time (see models.py).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tillit.barometer import actions, cookies, queries
from tillit.barometer.cookies import ANSWERED_COOKIE, DRAFT_TEXT_LIMIT, Link
from tillit.barometer.forms import SCALE_OPTIONS, PostedAnswers, RespondentForm, field_name
from tillit.barometer.models import OPEN_ANSWER_MAX_LENGTH, Item, Round, Theme
from tillit.core.ratelimit import allow
from tillit.privacy.masking import removal_notice

# Per network address and hour, on the open link: high enough for a workplace behind one address, low enough to
# stop a script.
OPEN_ANSWERS_PER_ADDRESS_PER_HOUR = settings.BAROMETER_OPEN_ANSWERS_PER_ADDRESS_PER_HOUR

SAVE, SUBMIT, CHOOSE = "save", "submit", "choose"  # the buttons' values


# The questionnaire ----------------------------------------------------------------------------------------------------


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


def sections(items: list[Item], values: Mapping[str, str], errors: Mapping[str, str]) -> list[Section]:
    """The questionnaire as one fieldset per theme, in the instrument's order, filled with `values` by field."""
    labels = dict(Theme.choices)
    by_theme: dict[str, Section] = {}
    for item in items:
        name = field_name(item)
        section = by_theme.setdefault(item.theme, Section(item.theme, str(labels.get(item.theme, item.theme))))
        section.questions.append(Question(item, name, values.get(name, ""), errors.get(name, "")))
    return list(by_theme.values())


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
    if round.is_upcoming:
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
    draft, value = cookies.draft_from(link, items, request.POST)
    if value is None:
        messages.error(request, _("Your answers are too many to save on this device. Send them when you are ready."))
        respondent_form = RespondentForm(request.POST, round=link.round) if link.is_open else None
        values = PostedAnswers.from_data(request.POST).field_values()
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
    cookies.keep(response, link.round, cookies.DRAFT_COOKIE, value)
    return response


def _clean(link: Link, posted: PostedAnswers) -> tuple[actions.Answers | None, list[str]]:
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
    cookies.forget_draft(response, link.round)
    return response


def _already_answered(request: HttpRequest, link: Link) -> HttpResponse:
    response = _state_page(request, link.round, "answered", 409 if request.method == "POST" else 200)
    cookies.forget_draft(response, link.round)
    return response


@never_cache
def respond(request: HttpRequest, round: UUID, token: str) -> HttpResponse:
    """The personal link from the invitation e-mail. Its token is checked, kept in a cookie on this device, and the
    browser is sent on to the same questionnaire at an address without the token (a form sent to this address,
    from a page opened before, is sent on with a 307, which repeats the POST)."""
    found = queries.round_named_by(round)
    invitation = queries.invitation_for_token(found, token) if found is not None else None
    if found is None or invitation is None:
        return _invalid_link(request)
    response = redirect(cookies.answer_path(found))
    if request.method == "POST":
        response.status_code = 307
    cookies.keep_token(response, found, token)
    return response


@never_cache
def answer(request: HttpRequest, round: UUID) -> HttpResponse:
    """The questionnaire of a personal link, without the token in its address: the token is in the cookie that the
    link's first visit set. Without that cookie, the link is not valid here."""
    found = queries.round_named_by(round)
    token = cookies.token_from_cookie(request, found) if found is not None else None
    invitation = queries.invitation_for_token(found, token) if found is not None and token else None
    if found is None or token is None or invitation is None:
        return _invalid_link(request)
    link = Link(found, cookies.answer_path(found), invitation, cookies.draft_salt(found, token))
    if invitation.answered:
        return _already_answered(request, link)
    unavailable = _unavailable(request, found)
    if unavailable is not None:
        return unavailable
    items = queries.questionnaire_items(found)
    if request.method != "POST":
        return _questionnaire(request, link, items, values=cookies.load_draft(request, link))
    if request.POST.get("action") == SAVE:
        return _after_saving(request, link, items)
    posted = PostedAnswers.from_data(request.POST)
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
    found = queries.round_named_by(round)
    if found is None or not hmac.compare_digest(key.encode(), found.open_key.encode()):
        return _invalid_link(request)
    url = reverse("barometer:respond_open", args=[found.public_id, key])
    link = Link(found, url, None, None)
    if request.COOKIES.get(ANSWERED_COOKIE):
        return _state_page(request, found, "answered_here", 409 if request.method == "POST" else 200)
    unavailable = _unavailable(request, found)
    if unavailable is not None:
        return unavailable
    if queries.has_personal_link(found, request.user):
        # One person, one door: someone invited who also answered here would be counted twice.
        return _state_page(request, found, "use_personal_link", 403 if request.method == "POST" else 200)
    items = queries.questionnaire_items(found)
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
    posted = PostedAnswers.from_data(request.POST)
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
    cookies.keep(response, found, ANSWERED_COOKIE, "1")
    return response


def _unit_page(request: HttpRequest, link: Link, form: RespondentForm, *, status: int = 200) -> HttpResponse:
    context = {"round": link.round, "organisation": link.round.organisation, "link": link, "form": form}
    return render(request, "barometer/respond_unit.html", context, status=status)


def thanks(request: HttpRequest, round: UUID) -> HttpResponse:
    found = queries.round_named_by(round)
    if found is None:
        return _invalid_link(request)
    return render(request, "barometer/thanks.html", {"round": found, "organisation": found.organisation})
