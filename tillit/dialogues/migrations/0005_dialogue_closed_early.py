from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dialogues", "0004_redo_reports_stored_before_cells"),
    ]

    operations = [
        migrations.AddField(
            model_name="dialogue",
            name="closed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="closed early at"),
        ),
    ]
