"""What the hostile-input walks share: the world with one object of every model, and
a fingerprint of the database that any write changes."""

from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.forms.models import model_to_dict

from core.tenancy import all_regions
from tests.factories import FACTORIES


def own_objects(world) -> dict:
    """One object of every model, in unit "a" (the walking users' own)."""
    with all_regions():
        return {model: make(world, "a") for model, make in FACTORIES.items()}


def _project_tables() -> list[str]:
    return [
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_config.name in settings.PROJECT_APPS
    ]


def fingerprint(obj=None) -> tuple:
    """Rows per project table, audited writes (an update changes no count), and the
    state of *obj*: equal before and after a request that wrote nothing."""
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(table)})" for table in _project_tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        rows = cursor.fetchone()
    writes = LogEntry.objects.exclude(action=LogEntry.Action.ACCESS).count()
    state = None
    if obj is not None:
        with all_regions():
            state = model_to_dict(type(obj)._base_manager.get(pk=obj.pk))
    return rows, writes, state
