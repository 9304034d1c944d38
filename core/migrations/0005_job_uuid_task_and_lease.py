import uuid
from django.db import migrations, models


def give_each_job_a_uuid(apps, schema_editor):
    Job = apps.get_model("core", "Job")
    for job in Job._base_manager.filter(uuid__isnull=True).only("pk"):
        job.uuid = uuid.uuid4()
        job.save(update_fields=["uuid"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_policy_key_choices"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="job",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last sign of life"),
        ),
        migrations.AddField(
            model_name="job",
            name="lease",
            field=models.UUIDField(blank=True, editable=False, null=True, verbose_name="lease"),
        ),
        migrations.AddField(
            model_name="job",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.AddField(
            model_name="job",
            name="task_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="task"),
        ),
        # A uuid per existing job: added nullable, filled row by row, then made unique
        # (a column default would give every existing row the same value).
        migrations.AddField(
            model_name="job",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifier"),
        ),
        migrations.RunPython(give_each_job_a_uuid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="job",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifier"
            ),
        ),
    ]
