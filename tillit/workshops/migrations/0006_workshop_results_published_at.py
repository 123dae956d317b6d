from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0005_guest_places_for_joined_guests"),
    ]

    operations = [
        migrations.AddField(
            model_name="workshop",
            name="results_published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
