"""Celery task: the case ledger when it is too big to stream in the request."""

from celery import shared_task
from django.http import QueryDict

from core.jobs import job_task
from mediation.ledger import CaseLedger


@shared_task
@job_task
def export_case_ledger(job, progress, query):
    """The ledger of the cases the list's query string selected, kept as the job's
    download."""
    return {"rows": CaseLedger(job.role, QueryDict(query)).keep(job, progress)}
