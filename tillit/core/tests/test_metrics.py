"""Metrics for Prometheus: requests and latency, and the background queue, behind a bearer token."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tillit.core import tasks

pytestmark = pytest.mark.django_db

TOKEN = "a-metrics-token-0123456789"


def test_metrics_are_not_found_without_the_token(client, settings):
    settings.METRICS_TOKEN = TOKEN

    assert client.get(reverse("metrics")).status_code == 404
    assert client.get(reverse("metrics"), headers={"Authorization": "Bearer wrong"}).status_code == 404


def test_metrics_are_not_found_when_no_token_is_set(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get(reverse("metrics"), headers={"Authorization": "Bearer "}).status_code == 404


def test_metrics_give_requests_and_the_background_queue(client, settings):
    settings.METRICS_TOKEN = TOKEN
    DBTaskResult.objects.all().delete()
    tasks.prune_finished_tasks.enqueue()
    tasks.prune_finished_tasks.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=2))
    client.get(reverse("health"))

    text = client.get(reverse("metrics"), headers={"Authorization": f"Bearer {TOKEN}"}).content.decode()

    assert "django_http_requests_total_by_view_transport_method_total" in text
    assert "tillit_background_tasks_due 2.0" in text
    oldest = float(
        next(line for line in text.splitlines() if line.startswith("tillit_background_oldest_due_seconds")).split()[1]
    )
    assert 119 < oldest < 600
    assert "norrby" not in text
