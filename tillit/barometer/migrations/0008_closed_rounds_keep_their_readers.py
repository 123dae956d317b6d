"""Rounds that closed before the setting existed keep the readers their results were published to: process leaders,
administrators and managers. Who reads a result is decided before it is published, never after."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone


def keep_the_readers_of_closed_rounds(apps, schema_editor):
    Round = apps.get_model("barometer", "Round")
    today = timezone.localdate()
    closed = Q(closed_at__isnull=False) | Q(opened_at__isnull=False, closes_on__lt=today)
    Round.objects.filter(closed).update(results_readers="leaders")


class Migration(migrations.Migration):
    dependencies = [
        ("barometer", "0007_round_results_readers"),
    ]

    operations = [
        # Backwards the field itself goes with 0007; nothing to undo here.
        migrations.RunPython(keep_the_readers_of_closed_rounds, migrations.RunPython.noop),
    ]
