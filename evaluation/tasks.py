"""Celery task of the annual evaluation: a year's run, as a job with progress."""

from celery import shared_task
from django.http import QueryDict

from core.jobs import job_task
from core.models import Bureau
from evaluation import excel, services
from evaluation.models import Evaluation


@shared_task
@job_task
def evaluate_year(job, progress, bureau, year):
    """A user's run from the evaluations page: the year's draft, replaced in one
    transaction."""
    evaluation = services.evaluate_year(Bureau.objects.get(pk=bureau), year, progress)
    return {"evaluation": evaluation.pk, "version": evaluation.version}


@shared_task
@job_task
def export_sheet(job, progress, sheet, evaluation, query):
    """An evaluation's workbook (*sheet*: a key of excel.EXPORTS) too big to stream in
    the request (core.exports)."""
    evaluation_ = Evaluation.objects.select_related("bureau").get(pk=evaluation)
    export = excel.EXPORTS[sheet](job.role, QueryDict(query), evaluation_)
    return {"sheet": sheet, "rows": export.keep(job, progress)}
