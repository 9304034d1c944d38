from celery import shared_task

from registry import services
from registry.excel import tasks as excel_tasks  # noqa: F401  (registers the Excel jobs)


@shared_task
def warn_expiring_terms():
    """Daily (celery beat): raise a warning for every committee term that ends within
    its bureau's warning period. A system job over every bureau; idempotent."""
    return services.raise_term_warnings()
