from django.db import migrations, models


def pack_existing_answers(apps, schema_editor):
    """Fill `scale_answers` of responses stored before it existed, from their answer rows."""
    Response = apps.get_model("barometer", "Response")
    Answer = apps.get_model("barometer", "Answer")
    Item = apps.get_model("barometer", "Item")
    order: dict[int, list[int]] = {}
    for response in Response.objects.select_related("round").iterator():
        instrument_id = response.round.instrument_id
        if instrument_id not in order:
            order[instrument_id] = list(
                Item.objects.filter(instrument_id=instrument_id, kind="scale")
                .order_by("position", "pk")
                .values_list("pk", flat=True)
            )
        values = dict(Answer.objects.filter(response_id=response.pk).values_list("item_id", "value"))
        response.scale_answers = bytes(
            0 if item_id not in values else 6 if values[item_id] is None else values[item_id]
            for item_id in order[instrument_id]
        )
        response.save(update_fields=["scale_answers"])


class Migration(migrations.Migration):
    dependencies = [
        ("barometer", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="scale_answers",
            field=models.BinaryField(default=b""),
        ),
        migrations.RunPython(pack_existing_answers, migrations.RunPython.noop),
    ]
