"""Celery task of subsidies: computing a settlement (a job with progress)."""

from celery import shared_task

from core.jobs import job_task
from subsidies import settle
from subsidies.models import Settlement


@shared_task
@job_task
def settle_month_job(job, progress, settlement):
    settlement = Settlement.objects.select_related("bureau__region").get(pk=settlement)
    settled = settle.compute(settlement, job.created_by, progress)
    return {"settlement": settled.pk, "lines": settled.lines.count()}
