"""Finance's Celery tasks (imported at start-up by subsidies.web, so a worker knows
them): a settlement's workbook too big to stream in the request, and its job kind."""

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from core.job_kinds import ANY_ROLE, JobKind, download_url, register
from core.jobs import job_task
from subsidies.excel import FinanceExport, revealed_fields
from subsidies.models import Settlement


def _numbers_still_visible(job, role) -> bool:
    """A workbook with numbers in full stays its owner's only while they are finance."""
    return not job.result.get("revealed") or bool(revealed_fields(role, True))


# A workbook is its owner's alone: what they chose (payer, numbers in full).
register(
    JobKind(
        name="finance_workbook",
        label=_("Finance workbook"),
        roles=ANY_ROLE,
        result=download_url,
        still_allowed=_numbers_still_visible,
    )
)


@shared_task
@job_task
def export_finance_workbook(job, progress, settlement, payer="", reveal=False):
    settlement = Settlement.objects.select_related("bureau", "rule_version").get(pk=settlement)
    export = FinanceExport(job.role, settlement, payer, reveal)
    rows = export.keep(job, progress)
    return {"rows": rows, "revealed": sorted(export.revealed)}
