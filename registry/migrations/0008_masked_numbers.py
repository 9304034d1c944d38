from django.db import migrations, models

from core.personal import mask_bank_account, mask_id_number, mask_phone

MASKS = {"id_number": mask_id_number, "phone": mask_phone, "bank_account": mask_bank_account}
CHUNK = 2000


def mask_stored_numbers(apps, schema_editor):
    """Each stored mediator's masked numbers, from its numbers decrypted once here."""
    Mediator = apps.get_model("registry", "Mediator")
    rows = Mediator._base_manager.only("pk", *MASKS).order_by("pk").iterator(chunk_size=CHUNK)
    batch = []
    for mediator in rows:
        for field, mask in MASKS.items():
            setattr(mediator, f"{field}_masked", mask(getattr(mediator, field) or ""))
        batch.append(mediator)
        if len(batch) == CHUNK:
            Mediator._base_manager.bulk_update(batch, [f"{f}_masked" for f in MASKS])
            batch = []
    Mediator._base_manager.bulk_update(batch, [f"{f}_masked" for f in MASKS])


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
