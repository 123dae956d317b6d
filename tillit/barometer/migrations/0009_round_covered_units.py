"""The units a round covers, each with everything below it: none chosen (every round so far) is the whole
organisation."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("barometer", "0008_closed_rounds_keep_their_readers"),
        ("organisations", "0002_add_pending_membership"),
    ]

    operations = [
        migrations.CreateModel(
            name="CoveredUnit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="barometer.round"
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organisations.unit"
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="round",
            name="covered_units",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                through="barometer.CoveredUnit",
                to="organisations.unit",
                verbose_name="units covered",
            ),
        ),
        migrations.AddConstraint(
            model_name="coveredunit",
            constraint=models.UniqueConstraint(fields=("round", "unit"), name="unit_covered_once_per_round"),
        ),
    ]
