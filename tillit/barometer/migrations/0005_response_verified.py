"""Whether a response came through a personal link. Responses stored before this are marked as verified: older
answers through the open link cannot be told apart from them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("barometer", "0004_remove_round_live_results"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="verified",
            field=models.BooleanField(default=True),
            preserve_default=False,
        ),
    ]
