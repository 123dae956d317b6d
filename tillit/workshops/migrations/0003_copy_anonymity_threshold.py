"""Existing workshops keep the threshold their results were computed with: the organisation's, today."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_threshold(apps, schema_editor):
    Workshop = apps.get_model("workshops", "Workshop")
    Organisation = apps.get_model("organisations", "Organisation")
    Workshop.objects.update(
        anonymity_threshold=Subquery(
            Organisation.objects.filter(pk=OuterRef("organisation_id")).values("anonymity_threshold")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("workshops", "0002_workshop_anonymity_threshold"),
    ]

    # Backwards the column is dropped by 0002's reversal: nothing to restore.
    operations = [migrations.RunPython(copy_threshold, migrations.RunPython.noop)]
