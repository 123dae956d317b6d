from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0003_copy_anonymity_threshold"),
    ]

    operations = [
        migrations.AddField(
            model_name="workshop",
            name="guest_places",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="How many may join as guests with the code. 0 lets nobody in until you open places.",
                verbose_name="guest places",
            ),
        ),
        migrations.AddConstraint(
            model_name="workshop",
            constraint=models.CheckConstraint(
                condition=models.Q(("guest_places__lte", 500)), name="workshop_guest_places_within_limit"
            ),
        ),
    ]
