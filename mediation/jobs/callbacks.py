"""Celery tasks: the monthly callback draw (beat, 1st of the month) and the
on-demand draw of a given month by bureau staff."""

import datetime

from celery import shared_task

from core.jobs import job_task
from core.models import Bureau
from core.models.bureaus import BureauLevel
from core.tenancy import all_regions, with_jurisdiction
from mediation import callbacks


@shared_task
def draw_last_month():
    """Beat: fan out one draw of last month per county-level bureau."""
    month = callbacks.last_month().isoformat()
    with all_regions():
        bureau_ids = list(
            Bureau.objects.filter(level=BureauLevel.COUNTY).values_list("pk", flat=True)
        )
    for bureau_id in bureau_ids:
        draw_bureau_month.delay(month, bureau_id=bureau_id)
    return {"month": month, "bureaus": len(bureau_ids)}


@shared_task
@with_jurisdiction
def draw_bureau_month(month, bureau_id):
    bureau = Bureau.objects.select_related("region").get(pk=bureau_id)
    draw, made = callbacks.draw_month(bureau, datetime.date.fromisoformat(month))
    return {"draw": draw.pk, "made": made, "drawn": draw.drawn}


@shared_task
@job_task
def draw_month_job(job, progress, month):
    """On demand: draw *month* for every county-level bureau in the starter's
    jurisdiction (their own county, or each county of their city)."""
    bureaus = list(
        Bureau.objects.filter(level=BureauLevel.COUNTY).select_related("region").order_by("pk")
    )
    progress(0, len(bureaus))
    made = drawn = 0
    for done, bureau in enumerate(bureaus, 1):
        draw, new = callbacks.draw_month(bureau, datetime.date.fromisoformat(month))
        made += new
        drawn += draw.drawn if new else 0
        progress(done)
    return {"month": month, "bureaus": len(bureaus), "new_draws": made, "drawn": drawn}
