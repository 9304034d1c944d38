"""Celery tasks of grading: the eligibility list of a round (a job with progress), a
round's big workbooks, and the daily beat run that puts levels into effect on their
date."""

from celery import shared_task
from django.http import QueryDict

from core.jobs import job_task
from core.models import Bureau
from core.tenancy import all_regions, with_jurisdiction
from grading import excel, services
from grading.models import GradingRound


@shared_task
@job_task
def compute_round_eligibility(job, progress, round):
    """A user's run from the round's page: the whole list, replaced in one transaction."""
    round_ = GradingRound.objects.select_related("bureau", "region").get(pk=round)
    listed = services.compute_eligibility(round_, progress)
    return {"round": round_.pk, "mediators": listed}


@shared_task
@job_task
def export_round_list(job, progress, sheet, round, query):
    """A round's workbook (*sheet*: a key of ROUND_EXPORTS) too big to stream in the
    request (core.exports)."""
    round_ = GradingRound.objects.select_related("bureau").get(pk=round)
    export = excel.ROUND_EXPORTS[sheet](job.role, QueryDict(query), round_)
    return {"sheet": sheet, "rows": export.keep(job, progress)}


@shared_task
@with_jurisdiction
def apply_bureau_levels(bureau_id):
    """One city's (or a city-less county's) share of the daily run."""
    return {"applied": services.apply_due_level_changes()}


@shared_task
def apply_due_levels():
    """Celery beat, daily: level changes whose date has come, one task per bureau at
    the top of its tree (a city bureau's run covers its counties)."""
    with all_regions():
        bureaus = list(Bureau.objects.filter(parent=None).values_list("pk", flat=True))
    for pk in bureaus:
        apply_bureau_levels.delay(bureau_id=pk)
    return {"bureaus": len(bureaus)}
