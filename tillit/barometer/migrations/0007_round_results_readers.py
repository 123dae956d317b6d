"""Who reads a round's results: a setting per round, by default the whole steering chain."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("barometer", "0006_pendingresponse"),
    ]

    operations = [
        migrations.AddField(
            model_name="round",
            name="results_readers",
            field=models.CharField(
                choices=[
                    ("leaders", "Process leaders, administrators, and managers for their units"),
                    ("politicians", "As above, and politicians the whole organisation's results"),
                    (
                        "chain",
                        "The whole steering chain: as above, and every member the whole organisation's results "
                        "and their own unit's",
                    ),
                ],
                default="chain",
                max_length=12,
                verbose_name="who reads the results",
            ),
        ),
    ]
