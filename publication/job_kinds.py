"""The public roster's kind of job (see core.job_kinds): a publication on demand."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.job_kinds import JobKind, register
from core.models.roles import BUREAU_WRITERS

register(
    JobKind(
        name="roster_publication",
        label=_("Roster publication"),
        roles=frozenset(BUREAU_WRITERS),
        shared_with=frozenset(BUREAU_WRITERS),
        result=lambda job: reverse(
            "publication:publication_detail", args=[job.result["publication"]]
        ),
    )
)
