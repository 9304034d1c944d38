"""Celery tasks of the public roster: a publication a user asked for (a job with
progress), and the scheduled republication run by celery beat."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from core import policy
from core.jobs import job_task
from core.models import Bureau
from core.tenancy import all_regions
from publication import selectors, services
from publication.models import RosterPublication

logger = logging.getLogger(__name__)


def _result(publication) -> dict:
    return {
        "publication": publication.pk,
        "url": publication.get_absolute_url(),
        "version": publication.version,
        "mediator_count": publication.mediator_count,
        "committee_count": publication.committee_count,
    }


@shared_task
@job_task
def publish_roster(job, progress, publication_id):
    """A publication on demand, from the preview page or the API: write the snapshot
    and make it live."""
    with all_regions():
        publication = RosterPublication.objects.get(pk=publication_id)
    return _result(services.publish(publication, progress))


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Calendar months from *earlier*'s month to *later*'s (Nov → Dec is 1)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def is_due(bureau, today: datetime.date) -> bool:
    """Whether the schedule republishes *bureau*'s roster today: its interval is not 0
    (on demand only), it has something to publish, and nothing is live or the live
    version was published that many calendar months ago or more."""
    months = policy.value(bureau, "roster_publication_months")
    if not months:
        return False
    live = selectors.live_publication(bureau)
    if live is not None and live.published_at is not None:
        published = timezone.localtime(live.published_at).date()
        if months_between(published, today) < months:
            return False
    # A bureau with no serving mediator has no roster to publish.
    return services.serving_posts(bureau, today).exists()


@shared_task
def publish_due_rosters():
    """Celery beat, daily: republish every bureau's roster whose interval has passed.

    Each bureau publishes its own roster (a city's covers its counties). A scheduled
    publication carries the period ("2026-11"), so a second run in the month finds it
    and publishes nothing new; one that failed is retried on the next run. A bureau's
    failure is logged and leaves its previous version live and the others unharmed.
    """
    today = timezone.localdate()
    period = today.strftime("%Y-%m")
    with all_regions():
        bureaus = list(Bureau.objects.select_related("region").order_by("region_id"))
    published, failed = [], []
    for bureau in bureaus:
        try:
            if not is_due(bureau, today):
                continue
            publication = services.request_publication(bureau, period=period)
            publication = services.publish(publication)
        except Exception:
            logger.exception("Publishing the roster of bureau %s (%s) failed", bureau.pk, bureau)
            failed.append(bureau.pk)
        else:
            published.append(publication.pk)
    return {"period": period, "published": published, "failed": failed}
