"""Grading's kinds of job (see core.job_kinds): the eligibility list of a round and
the round's big workbooks."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.job_kinds import ANY_ROLE, JobKind, download_url, register
from core.models.roles import BUREAU_WRITERS

# The list is the bureau's, not its starter's: colleagues who could start it follow it.
# Its result is the round's page (grading's web part), which shows the list.
register(
    JobKind(
        name="grading_eligibility",
        label=_("Grading eligibility"),
        roles=frozenset(BUREAU_WRITERS),
        shared_with=frozenset(BUREAU_WRITERS),
        result=lambda job: reverse("grading:round_detail", args=[job.result["round"]]),
    )
)

# A workbook is its owner's alone, as the roster's exports are: the file is what that
# user's filters chose.
register(
    JobKind(
        name="grading_export",
        label=_("Grading workbook"),
        roles=ANY_ROLE,
        result=download_url,
    )
)
