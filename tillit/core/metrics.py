"""Metrics for a Prometheus scrape: `/metrics/` with the bearer token METRICS_TOKEN (404 without it, so that the
address says nothing to others).

Requests and their latency by view and status come from django-prometheus's middleware (with several gunicorn
workers, set PROMETHEUS_MULTIPROC_DIR to an empty directory shared by them, as prometheus-client's multiprocess mode
asks). The background queue is read from the database at each scrape, so every app process gives the same figures:
how many tasks are due and waiting, how long the oldest of them has waited, and how many failed in the last hour.
No metric carries a person, an organisation or an address."""

from __future__ import annotations

import datetime
import hmac
import os
from collections.abc import Iterator

import prometheus_client
from django.conf import settings
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


class BackgroundQueue(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        due = DBTaskResult.objects.ready()
        figures = due.aggregate(oldest=Min("enqueued_at"))
        waiting = due.count()
        oldest = figures["oldest"]
        failed = DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - datetime.timedelta(hours=1)
        ).count()
        yield GaugeMetricFamily("tillit_background_tasks_due", "Background tasks due and not started.", value=waiting)
        yield GaugeMetricFamily(
            "tillit_background_oldest_due_seconds",
            "Seconds the oldest due background task has waited since it was enqueued (0 when none waits).",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )
        yield GaugeMetricFamily(
            "tillit_background_tasks_failed_last_hour", "Background tasks that failed in the last hour.", value=failed
        )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = prometheus_client.REGISTRY
    queue = prometheus_client.CollectorRegistry()
    queue.register(BackgroundQueue())
    body = prometheus_client.generate_latest(requests) + prometheus_client.generate_latest(queue)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
