"""What grading's pages add at start-up (called from GradingConfig.ready): the
dashboard's items and chart, and the link from a finished eligibility job to the
round's eligibility list."""

import dataclasses

from django.urls import reverse

from core import job_kinds


def _eligibility_list(job) -> str:
    return reverse("grading:eligibility_list", args=[job.result["round"]])


def ready():
    from grading import dashboard

    dashboard.register()
    kind = job_kinds.get("grading_eligibility")
    if kind.result is None:
        job_kinds.register(dataclasses.replace(kind, result=_eligibility_list))
