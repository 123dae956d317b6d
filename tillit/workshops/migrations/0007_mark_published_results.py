"""Workshops already in the results or closed step have shown their results: from now on they are frozen."""

from django.db import migrations
from django.utils import timezone


def mark_published(apps, schema_editor):
    Workshop = apps.get_model("workshops", "Workshop")
    Workshop.objects.filter(step__in=["decide", "closed"], results_published_at=None).update(
        results_published_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0006_workshop_results_published_at"),
    ]

    # Backwards the column is dropped by 0006's reversal: nothing to restore.
    operations = [migrations.RunPython(mark_published, migrations.RunPython.noop)]
