"""Released votes kept packed (`tillit.dialogues.loading`): `VoteBatch` and `VoteTally`.

A dialogue analysed before has no tally yet: its next analysis packs its released votes once. On PostgreSQL the
packed bytes are stored uncompressed (ids compress a little, and compressing and decompressing 40 MB values costs more time than it saves).
"""

import django.db.models.deletion
from django.db import migrations, models


def store_uncompressed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE dialogues_votebatch ALTER COLUMN votes SET STORAGE EXTERNAL")


class Migration(migrations.Migration):
    dependencies = [
        ("dialogues", "0007_analysis_lease"),
    ]

    operations = [
        migrations.CreateModel(
            name="VoteBatch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("count", models.PositiveIntegerField()),
                ("votes", models.BinaryField()),
                (
                    "dialogue",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="dialogues.dialogue"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="VoteTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("votes", models.PositiveBigIntegerField(default=0)),
                ("by_statement", models.JSONField(default=dict)),
                (
                    "dialogue",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="dialogues.dialogue"
                    ),
                ),
            ],
        ),
        migrations.RunPython(store_uncompressed, migrations.RunPython.noop),
    ]
