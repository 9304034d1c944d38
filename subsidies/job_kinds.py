"""Subsidies' kind of job (see core.job_kinds): settling a bureau's month."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.job_kinds import JobKind, register
from subsidies.roles import PREPARERS

# The settlement is the bureau's: colleagues who could start it follow it.
register(
    JobKind(
        name="subsidy_settlement",
        label=_("Monthly subsidy settlement"),
        roles=PREPARERS,
        shared_with=PREPARERS,
        result=lambda job: reverse("subsidies:settlement_detail", args=[job.result["settlement"]]),
    )
)
