from django.db import migrations, models

from core.personal import mask_bank_account, mask_id_number, mask_phone

MASKS = {"id_number": mask_id_number, "phone": mask_phone, "bank_account": mask_bank_account}
CHUNK = 5000
UPDATE = (
    "UPDATE registry_mediator SET id_number_masked = %s, phone_masked = %s, "
    "bank_account_masked = %s WHERE id = %s"
)


def mask_stored_numbers(apps, schema_editor):
    """Each stored mediator's masked numbers, from its numbers decrypted once here:
    read a keyset batch at a time as plain values, written back with one prepared
    UPDATE per row (bulk_update's CASE expressions took minutes for a province)."""
    Mediator = apps.get_model("registry", "Mediator")
    rows = Mediator._base_manager.order_by("pk").values_list("pk", *MASKS)
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while batch := list(rows.filter(pk__gt=last)[:CHUNK]):
            cursor.executemany(UPDATE, [(*_masked(numbers), pk) for pk, *numbers in batch])
            last = batch[-1][0]


def _masked(numbers) -> tuple:
    return tuple(mask(n or "") for mask, n in zip(MASKS.values(), numbers, strict=True))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_fewer_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="mediator",
            name="bank_account_masked",
            field=models.CharField(blank=True, editable=False, max_length=12),
        ),
        migrations.AddField(
            model_name="mediator",
            name="id_number_masked",
            field=models.CharField(blank=True, editable=False, max_length=18),
        ),
        migrations.AddField(
            model_name="mediator",
            name="phone_masked",
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.RunPython(mask_stored_numbers, migrations.RunPython.noop, elidable=True),
    ]
