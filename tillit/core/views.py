"""Pages that belong to no domain: health, accessibility, errors."""

import sys

from django.conf import settings
from django.core.checks import ERROR
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tillit.core.keys import data_key_matches
from tillit.core.middleware import too_large


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the app can reach its database, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


_migrated = False  # once every migration is applied, a process need not look again


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """For load balancers and orchestrators: 200 when this process may take traffic (the database answers, every
    migration is applied, the database was written with this DATA_KEY), 503 with what is missing otherwise."""
    global _migrated
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrated:
            executor = MigrationExecutor(connection)
            _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not _migrated:
            problems.append("migrations not applied")
        if any(message.level >= ERROR for message in data_key_matches(None, databases=["default"])):
            problems.append("database written with another DATA_KEY")
    except Exception:  # any database failure means not ready
        problems.append("database unreachable")
    if problems:
        return JsonResponse({"status": "not ready", "problems": problems}, status=503)
    return JsonResponse({"status": "ready"})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with Retry-After when the database could not be reached. Rendered without the request's context:
    the context processors read the session and memberships, and the error may be that the database is down."""
    if database_unreachable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


def database_unreachable(error: BaseException | None) -> bool:
    """Whether an error, or one it was raised from, says the database is down, the connection broke or it is
    briefly busy (OperationalError, or InterfaceError on a closed connection), not that a query was wrong."""
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error = error.__cause__ or error.__context__
    return False


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was sent without a valid security token: usually an old tab or expired session."""
    return render(request, "403_csrf.html", status=403)


def bare(request: HttpRequest) -> HttpResponse:
    """A view that does nothing, for the benchmark's baseline (bench/)."""
    return HttpResponse("ok", content_type="text/plain")
