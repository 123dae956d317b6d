"""Reports stored before every figure was a cell (`privacy.codec`, report format 2) are redone by the worker.

Such a report held hidden figures as null and the others as bare numbers. It is never read as results again
(`reporting.publication` reads it as being updated); marking its analysis dirty has the worker write it anew, in
format 2, as the next release audited against the last. Nothing else changes.
"""

from django.db import migrations

FORMAT = 2  # reporting.FORMAT when this migration was written


def mark_old_reports(apps, schema_editor):
    DialogueAnalysis = apps.get_model("dialogues", "DialogueAnalysis")
    old = [
        pk
        for pk, report in DialogueAnalysis.objects.values_list("pk", "report").iterator()
        if report and not (isinstance(report, dict) and report.get("format") == FORMAT)
    ]
    DialogueAnalysis.objects.filter(pk__in=old).update(dirty=True)


class Migration(migrations.Migration):
    dependencies = [("dialogues", "0003_threshold_from_organisation")]

    operations = [
        # Backwards nothing needs undoing: an analysis marked dirty is only computed again.
        migrations.RunPython(mark_old_reports, migrations.RunPython.noop),
    ]
