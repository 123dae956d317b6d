"""The languages of Brukarrösten's public pages: Swedish, English, Finnish and Arabic (right to left).

The rest of the site is in Swedish and English (`settings.LANGUAGES`); only the public pages of a service, which
service users and relatives read without an account, are offered in Finnish and Arabic too. A public view is
decorated with `@in_visitor_language`, which renders it inside `translation.override(language)`, where the language
is, in this order:

1. chosen: the `sprak` field a public form posts back (so the preview and the sending keep the language of the
   form), or `?sprak=fi` in an address someone shared;
2. remembered: the `tillit_voice_language` cookie, set by the visible language list on every public page (a form
   of buttons posting to `choose`, so it works without JavaScript and the language never appears in an address,
   where an access log would tie it to a network address and, through the suggestion's language, to a suggestion),
   by a form sent in a language, or by an address with `?sprak=`; functional: the language code only, a year,
   HttpOnly, SameSite=Lax (docs/privacy.md);
3. the site's own language choice (the `set_language` cookie of a signed-in member: Swedish or English);
4. the browser's Accept-Language: the first of Swedish, Finnish and Arabic it names. Not English: many Swedish
   speakers have English browsers, and the site ignores the header for that reason (`core.middleware`); an English
   browser is no sign that the reader wants English, a Finnish or Arabic one is;
5. Swedish.

A value that is not one of the four (a forged `?sprak=xx`, a cookie holding anything else) is ignored: the next
source decides, and nothing else happens.

The Finnish and Arabic texts are drafts that a native speaker must review before production (docs/i18n.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

__all__ = [
    "COOKIE",
    "LANGUAGES",
    "PARAMETER",
    "LanguageLink",
    "in_visitor_language",
    "language_of",
    "links",
    "remember",
]

LANGUAGES: dict[str, str] = {"sv": "Svenska", "en": "English", "fi": "Suomi", "ar": "العربية"}
"""Each language of the public pages, with its name in itself (as the language list shows it)."""
DEFAULT = "sv"
PARAMETER = "sprak"
COOKIE = "tillit_voice_language"
COOKIE_AGE = 365 * 24 * 3600
BROWSER_LANGUAGES = ("sv", "fi", "ar")  # what the Accept-Language header may choose (not English: the docstring)
_ACCEPT_LANGUAGE_MAX_LENGTH = 500  # as Django's own parser: a longer header is not read


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language list: the language's code and name, and whether the page is shown in it."""

    code: str
    name: str
    current: bool

    @property
    def direction(self) -> str:
        return "rtl" if self.code in settings.LANGUAGES_BIDI else "ltr"


def known(value: object) -> str | None:
    """`value` when it is one of the public pages' languages, else None."""
    text = value.strip().lower() if isinstance(value, str) else ""
    return text if text in LANGUAGES else None


def chosen(request: HttpRequest) -> str | None:
    """The language the visitor chose on this request (the language list's link, or the form's field), if any."""
    return known(request.GET.get(PARAMETER)) or (
        known(request.POST.get(PARAMETER)) if request.method == "POST" else None
    )


def from_browser(header: str) -> str | None:
    """The first of Swedish, Finnish and Arabic that the Accept-Language header names, by the weights it gives."""
    if not header or len(header) > _ACCEPT_LANGUAGE_MAX_LENGTH:
        return None
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _separator, parameters = item.strip().partition(";")
        weight = 1.0
        if parameters:
            name, _equals, value = parameters.strip().partition("=")
            try:
                weight = float(value) if name.strip().lower() == "q" else 1.0
            except ValueError:
                continue
        language = known(tag.split("-")[0])
        if language in BROWSER_LANGUAGES and 0 < weight <= 1:
            weighted.append((-weight, position, language))
    return min(weighted)[2] if weighted else None


def language_of(request: HttpRequest) -> str:
    """The language a public page is shown in (the order is in the module's docstring)."""
    return chosen(request) or _unchosen(request)


def _unchosen(request: HttpRequest) -> str:
    """The language without a choice on this request: remembered, the site's, the browser's, or Swedish."""
    return (
        known(request.COOKIES.get(COOKIE))
        or known(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or from_browser(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        or DEFAULT
    )


def links(current: str) -> list[LanguageLink]:
    """The language list (buttons of one form posting to `views.public.choose_language`)."""
    return [LanguageLink(code, name, code == current) for code, name in LANGUAGES.items()]


def remember(response: HttpResponse, language: str) -> None:
    """Keep the visitor's language in the functional cookie (the module's docstring)."""
    response.set_cookie(
        COOKIE,
        language,
        max_age=COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def in_visitor_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render a public view in the visitor's language, offer the language list, and remember a language chosen."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = language_of(request)
        request.page_languages = links(language)  # type: ignore[attr-defined]  # read by the header
        with translation.override(language):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()  # a lazy response renders here, in the language
        response.headers["Content-Language"] = language
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        if chosen(request) == language and request.COOKIES.get(COOKIE) != language:
            remember(response, language)  # so that the next page (the thank-you page) needs nothing in its address
        return response

    return wrapped
