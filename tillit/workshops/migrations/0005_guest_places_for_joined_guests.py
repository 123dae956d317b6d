"""Existing workshops get as many guest places as guests have joined: nobody already in is turned
away, and no one else joins until the process leader opens more places."""

from django.db import migrations
from django.db.models import Count, Q

MAX_GUEST_PLACES = 500  # as in the model's constraint


def places_for_joined_guests(apps, schema_editor):
    Workshop = apps.get_model("workshops", "Workshop")
    counted = Workshop.objects.annotate(guests=Count("participants", filter=Q(participants__membership__isnull=True)))
    for workshop in counted.filter(guests__gt=0):
        Workshop.objects.filter(pk=workshop.pk).update(guest_places=min(workshop.guests, MAX_GUEST_PLACES))


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0004_workshop_guest_places"),
    ]

    # Backwards the column is dropped by 0004's reversal: nothing to restore.
    operations = [migrations.RunPython(places_for_joined_guests, migrations.RunPython.noop)]
