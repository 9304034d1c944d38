"""The annual evaluation's kinds of job (see core.job_kinds): a year's run and the
big workbooks."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.job_kinds import ANY_ROLE, JobKind, download_url, register
from core.models.roles import BUREAU_WRITERS

# The run is the bureau's, not its starter's: colleagues who could start it follow it.
register(
    JobKind(
        name="evaluate_year",
        label=_("Annual evaluation"),
        roles=frozenset(BUREAU_WRITERS),
        shared_with=frozenset(BUREAU_WRITERS),
        result=lambda job: reverse("evaluation:evaluation_detail", args=[job.result["evaluation"]]),
    )
)
# A workbook is its owner's alone, as the roster's exports are.
register(
    JobKind(
        name="evaluation_export",
        label=_("Evaluation workbook"),
        roles=ANY_ROLE,
        result=download_url,
    )
)
