"""Request middleware that knows nothing of the domain."""

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

log = logging.getLogger(__name__)
V = TypeVar("V", bound=Callable[..., Any])


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Swedish unless the person chose another language with the language button.

    Django's LocaleMiddleware also follows the browser's Accept-Language; many
    Swedish public employees have English browsers, and the service is Swedish first.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


BODY_LIMIT_ATTRIBUTE = "accepts_body_up_to"


def accepts_body_up_to(max_bytes: Callable[[], int]) -> Callable[[V], V]:
    """A view decorator: requests to this view may carry a body of up to `max_bytes()` bytes (an upload; read at
    each request, so a setting can give it), more than the REQUEST_BODY_MAX_BYTES that every other view is held to."""

    def decorate(view: V) -> V:
        setattr(view, BODY_LIMIT_ATTRIBUTE, max_bytes)
        return view

    return decorate


def body_limit(view: Callable[..., Any]) -> int:
    limit = getattr(view, BODY_LIMIT_ATTRIBUTE, None)
    return int(limit()) if limit is not None else settings.REQUEST_BODY_MAX_BYTES


class RequestBodyLimitMiddleware:
    """Refuses a request whose body is larger than its view accepts, before anything reads it.

    Django bounds the form fields it keeps in memory (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams files of any size to
    disk, for any view that reads request.POST, the sign-in form included. This looks at the declared length before
    the body is read, so nothing is read or written; a body without a declared length is not read by Django at all.
    Must come before every middleware that reads the body (CSRF does)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = body_limit(view)
        if declared <= limit:
            return None
        log.warning("Refused a request body of %d bytes (limit %d) to %s", declared, limit, request.path)
        return too_large(request, limit)


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    return render(
        request, "413.html", {"limit_kilobytes": max(1, limit // 1024)}, status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    )
