from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0007_mark_published_results"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="joined_as_guest",
            field=models.BooleanField(default=False, editable=False),
        ),
    ]
