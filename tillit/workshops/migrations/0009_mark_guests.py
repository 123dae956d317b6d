"""Until now a guest was a participant without a membership; say so in its own column, so that a member's
participation can outlive their membership without turning into a guest's."""

from django.db import migrations


def mark_guests(apps, schema_editor):
    Participant = apps.get_model("workshops", "Participant")
    Participant.objects.filter(membership__isnull=True).update(joined_as_guest=True)


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0008_participant_joined_as_guest"),
    ]

    # Backwards the column is dropped by 0008's reversal: nothing to restore.
    operations = [migrations.RunPython(mark_guests, migrations.RunPython.noop)]
