from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="canonical_email",
            field=models.CharField(
                default="", editable=False, max_length=254, verbose_name="canonical e-mail address"
            ),
            preserve_default=False,
        ),
    ]
