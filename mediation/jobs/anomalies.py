"""Celery tasks: the daily anomaly flags (beat: mediation.jobs.anomalies.flag_anomalies),
a system job fanned out to every bureau that numbers cases, each under its own rules."""

from celery import shared_task

from core.models import Bureau
from core.tenancy import all_regions, with_jurisdiction
from mediation import reporting
from mediation.models import Case


@shared_task
def flag_anomalies():
    # Every bureau's cases, on purpose: a system job across jurisdictions.
    with all_regions():
        bureaus = list(Case.objects.order_by().values_list("bureau_id", flat=True).distinct())
    for bureau_id in bureaus:
        flag_bureau_anomalies.delay(bureau_id=bureau_id)
    return len(bureaus)


@shared_task
@with_jurisdiction
def flag_bureau_anomalies(*, bureau_id):
    bureau = Bureau.objects.select_related("region").get(pk=bureau_id)
    return reporting.flag_anomalies(bureau)
