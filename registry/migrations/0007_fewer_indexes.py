import django.db.models.deletion
from django.db import migrations, models

# The posts' own indexes on mediator and committee, which (mediator, ends_on) and
# (committee, ends_on) already serve. Dropped by name rather than by AlterField: on
# PostgreSQL Django's AlterField of a foreign key's db_index also drops every other
# index it finds on the column, the partial unique index one_open_fulltime_post with
# them (the database's backstop of one open full-time post).
POST_INDEXES = {
    "registry_appointment_committee_id_8780592d": "committee_id",
    "registry_appointment_mediator_id_be5b69fb": "mediator_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_reportsnapshot"),
        ("registry", "0006_mediator_by_level"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appointment",
                    name="committee",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appointments",
                        to="registry.committee",
                        verbose_name="committee",
                    ),
                ),
                migrations.AlterField(
                    model_name="appointment",
                    name="mediator",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appointments",
                        to="registry.mediator",
                        verbose_name="mediator",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    reverse_sql=f"CREATE INDEX {name} ON registry_appointment ({column})",
                )
                for name, column in POST_INDEXES.items()
            ],
        ),
        migrations.AlterField(
            model_name="mediator",
            name="phone_digest",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name="mediator",
            index=models.Index(fields=["phone_digest"], name="mediator_by_phone_digest"),
        ),
    ]
