import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("workshops", "0009_mark_guests"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="participant",
            name="guests_are_never_process_leaders",
        ),
        migrations.AlterField(
            model_name="participant",
            name="membership",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="workshop_participations",
                to="organisations.membership",
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.CheckConstraint(
                condition=models.Q(("joined_as_guest", False), ("role", "participant"), _connector="OR"),
                name="guests_are_never_process_leaders",
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.CheckConstraint(
                condition=models.Q(("joined_as_guest", False), ("membership__isnull", True), _connector="OR"),
                name="guests_have_no_membership",
            ),
        ),
    ]
