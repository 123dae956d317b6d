"""Existing dialogues keep the threshold their organisation has now; new ones take it when they are created."""

from django.db import migrations


def copy_threshold(apps, schema_editor):
    Dialogue = apps.get_model("dialogues", "Dialogue")
    for dialogue in Dialogue.objects.select_related("organisation").only("pk", "organisation__anonymity_threshold"):
        Dialogue.objects.filter(pk=dialogue.pk).update(anonymity_threshold=dialogue.organisation.anonymity_threshold)


class Migration(migrations.Migration):
    dependencies = [("dialogues", "0002_fixed_threshold_and_vote_release")]

    operations = [
        # Backwards the column goes with 0002, so nothing needs undoing here.
        migrations.RunPython(copy_threshold, migrations.RunPython.noop),
    ]
