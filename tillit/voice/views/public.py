"""The public page of a service (`/r/<code>/`): no account, works without JavaScript, plain language in Swedish,
English, Finnish or Arabic (`voice.languages`: each view here renders in the visitor's language).

Outside the door on purpose (docs/architecture.md): the code on the poster is the way in, and nothing of the person
who answers is kept (no account, session row, address or time beyond the day)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tillit.core.ratelimit import allow, exceeded
from tillit.privacy.masking import removal_notice, removed_in
from tillit.voice import actions, languages, queries, reporting
from tillit.voice.forms import EDIT, PREVIEW, SEND, SuggestionForm
from tillit.voice.languages import in_visitor_language
from tillit.voice.models import TEXT_MAX_LENGTH, ServicePage


def _unknown(request: HttpRequest) -> HttpResponse:
    return render(request, "voice/unknown.html", status=404)


def _closed(request: HttpRequest, page: ServicePage) -> HttpResponse:
    return render(request, "voice/closed.html", {"service": page}, status=410)


CODE_SCOPE = "voice-code"


def _service(request: HttpRequest, code: str) -> ServicePage | HttpResponse:
    """The page the code names, or the answer instead of it: 429 once this network has missed too many codes in
    the hour (guessing), 404 with a way on for a code that does not exist (counted as a miss)."""
    limit = settings.VOICE_CODE_MISSES_PER_ADDRESS_PER_HOUR
    if exceeded(request, CODE_SCOPE, limit=limit, seconds=3600):
        return render(request, "voice/too_many.html", status=429)
    page = queries.page_by_code(code)
    if page is None:
        allow(request, CODE_SCOPE, limit=limit, seconds=3600)
        return _unknown(request)
    return page


@never_cache
@in_visitor_language
def suggest(request: HttpRequest, code: str) -> HttpResponse:
    page = _service(request, code)
    if isinstance(page, HttpResponse):
        return page
    if not page.takes_suggestions:
        return _closed(request, page)
    if request.method != "POST":
        return render(request, "voice/suggest.html", {"service": page, "form": SuggestionForm()})
    form = SuggestionForm(request.POST)
    step = request.POST.get("step", PREVIEW)
    if step == EDIT or not form.is_valid():
        return _form(request, page, form, status=200 if step == EDIT else 422)
    if form.cleaned_data["extra_note"]:
        return _thanks(request, page)  # a program filled the hidden field: nothing is stored
    helps, hinders = actions.prepare(form.cleaned_data["helps"], form.cleaned_data["hinders"])
    for name, masked in (("helps", helps), ("hinders", hinders)):
        if len(masked.text) > TEXT_MAX_LENGTH:  # the placeholders are longer than what they replace
            form.add_error(name, _("Write at most %(limit)s characters in each box.") % {"limit": TEXT_MAX_LENGTH})
    if form.errors:
        return _form(request, page, form, status=422)
    if step != SEND:
        removed = removed_in(helps, hinders)
        context = {
            "service": page,
            "form": form,
            "helps": helps.text,
            "hinders": hinders.text,
            "removed": removal_notice(removed) if removed else "",
        }
        return render(request, "voice/preview.html", context)
    if not allow(request, "voice-suggestion", limit=settings.VOICE_SUGGESTIONS_PER_ADDRESS_PER_HOUR, seconds=3600):
        # Their text stays in the form, so that it can be sent later or copied.
        form.add_error(None, _("Many suggestions have come from this network in the last hour. Try again later."))
        return _form(request, page, form, status=429)
    try:
        actions.submit(
            page=page,
            helps=form.cleaned_data["helps"],
            hinders=form.cleaned_data["hinders"],
            theme=form.cleaned_data["theme"],
            respondent=form.cleaned_data["respondent"],
            contact=form.cleaned_data["contact"],
            language=(get_language() or "sv")[:2],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _form(request, page, form, status=422)
    return _thanks(request, page)


def _form(request: HttpRequest, page: ServicePage, form: SuggestionForm, *, status: int) -> HttpResponse:
    return render(request, "voice/suggest.html", {"service": page, "form": form}, status=status)


def _thanks(request: HttpRequest, page: ServicePage) -> HttpResponse:
    """To the thank-you page, in the language the suggestion was written in."""
    return redirect(reverse("voice:thanks", kwargs={"code": page.code}))  # its language: the cookie just set


@in_visitor_language
def thanks(request: HttpRequest, code: str) -> HttpResponse:
    """The same page for every code, so that it confirms none (the service's name is not on it)."""
    return render(request, "voice/thanks.html", {"code": code.strip().lower()[:16]})


@in_visitor_language
def you_said(request: HttpRequest, code: str) -> HttpResponse:
    """*Ni sa – vi gjorde*: what the service's users said and what came of it."""
    page = _service(request, code)
    if isinstance(page, HttpResponse):
        return page
    report = reporting.you_said(page, queries.published_on(page))
    return render(request, "voice/you_said.html", {"service": page, "report": report})


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """The public pages' language list: remember the language chosen and go back to the page it was chosen on (a
    public page's path only; anything else goes to the start). A language that is not offered changes nothing."""
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and back.startswith("/r/")
    response = redirect(back if safe else "/")
    language = languages.known(request.POST.get(languages.PARAMETER))
    if language:
        languages.remember(response, language)
    return response
