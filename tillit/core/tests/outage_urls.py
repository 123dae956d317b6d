"""The site's addresses plus two that fail as a database outage and as a wrong query do (tests only)."""

from django.db import OperationalError, ProgrammingError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as site_patterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def database_gone(request: HttpRequest) -> HttpResponse:
    try:
        raise ConnectionRefusedError("connection refused")
    except ConnectionRefusedError as refused:
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed") from refused


def wrong_query(request: HttpRequest) -> HttpResponse:
    raise ProgrammingError('relation "nothing" does not exist')


urlpatterns = [path("outage/", database_gone), path("wrong-query/", wrong_query), *site_patterns]
