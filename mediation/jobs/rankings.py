"""Celery tasks: the quarterly ranking, on demand (with progress) and by celery beat."""

import datetime

from celery import shared_task
from django.utils import timezone

from core.jobs import job_task
from core.models import Bureau
from core.tenancy import all_regions, with_jurisdiction
from mediation import ranking


def _result(snapshot):
    return {
        "snapshot": snapshot.pk,
        "version": snapshot.version,
        "entries": snapshot.entries.count(),
    }


@shared_task
@job_task
def rank_quarter(job, progress, bureau, year, quarter):
    """A user's run from the ranking page: the draft snapshot of (year, quarter)."""
    snapshot = ranking.rank_quarter(Bureau.objects.get(pk=bureau), year, quarter, progress)
    return _result(snapshot)


@shared_task
@with_jurisdiction
def rank_bureau_quarter(year, quarter, bureau_id):
    """One bureau's share of the quarterly beat run, in that bureau's jurisdiction."""
    snapshot = ranking.rank_quarter(Bureau.objects.get(pk=bureau_id), year, quarter)
    return _result(snapshot)


def last_quarter(today: datetime.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3  # the quarter before today's (0: last year's Q4)
    return (today.year, quarter) if quarter else (today.year - 1, 4)


@shared_task
def rank_last_quarter():
    """Celery beat, on the 1st of January, April, July and October: every bureau's
    draft ranking of the quarter just ended, one task per bureau so one bureau's
    failure leaves the others' snapshots."""
    year, quarter = last_quarter(timezone.localdate())
    with all_regions():
        bureaus = list(Bureau.objects.values_list("pk", flat=True))
    for pk in bureaus:
        rank_bureau_quarter.delay(year, quarter, bureau_id=pk)
    return {"year": year, "quarter": quarter, "bureaus": len(bureaus)}
