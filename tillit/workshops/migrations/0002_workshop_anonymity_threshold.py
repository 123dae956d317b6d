from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="workshop",
            name="anonymity_threshold",
            field=models.PositiveSmallIntegerField(default=5, verbose_name="anonymity threshold"),
        ),
        migrations.AddConstraint(
            model_name="workshop",
            constraint=models.CheckConstraint(
                condition=models.Q(("anonymity_threshold__gte", 3)),
                name="workshop_anonymity_threshold_at_least_three",
            ),
        ),
    ]
