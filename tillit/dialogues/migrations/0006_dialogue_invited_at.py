from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dialogues", "0005_dialogue_closed_early"),
    ]

    operations = [
        migrations.AddField(
            model_name="dialogue",
            name="invited_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="invitations sent"),
        ),
    ]
