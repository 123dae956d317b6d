import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("workshops", "0010_participation_outlives_membership"),
    ]

    operations = [
        migrations.AlterField(
            model_name="participant",
            name="level",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.level",
            ),
        ),
    ]
