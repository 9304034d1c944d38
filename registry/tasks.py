import datetime

from celery import shared_task
from django.conf import settings

from registry import services
from registry.excel import tasks as excel_tasks  # noqa: F401  (registers the Excel jobs)
from registry.excel.tasks import purge_imports


@shared_task
def warn_expiring_terms():
    """Daily (celery beat): raise a warning for every committee term that ends within
    its bureau's warning period. A system job over every bureau; idempotent."""
    return services.raise_term_warnings()


@shared_task
def purge_stale_imports():
    """Hourly (celery beat): delete uploaded workbooks that passed their check but were
    never imported. They hold personal numbers in clear, so they must not linger."""
    return purge_imports(older_than=datetime.timedelta(hours=settings.IMPORT_KEEP_HOURS))
