"""The round's inbox: answers wait there until a batch of them is mixed into the responses, and the invitations
whose answer waits there are marked until that batch rewrites them."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("barometer", "0005_response_verified"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingResponse",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("verified", models.BooleanField()),
                ("scale_answers", models.BinaryField(default=b"")),
                ("open_answers", models.JSONField(default=dict)),
                (
                    "actor_group",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.actorgroup",
                    ),
                ),
                (
                    "level",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.level",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_responses",
                        to="barometer.round",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.unit",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="invitation",
            name="awaiting_mix",
            field=models.BooleanField(default=False),
        ),
    ]
