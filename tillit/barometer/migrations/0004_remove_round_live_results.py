"""Results open only when a round has closed: live results are gone (a result is published once)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("barometer", "0003_round_fixed_context"),
    ]

    operations = [
        migrations.RemoveField(model_name="round", name="live_results"),
    ]
