"""Grading's part of the dashboard (registered by grading's web start-up): what waits
for each role in the grading workflow, and the levels by area as a chart whose report
is the grading overview page (the target and who is close to the next level)."""

from django.utils.translation import gettext_lazy as _

from core import dashboard
from core.dashboard import BUREAU_KINDS, CLERKS, DIRECTORS
from grading.models import ApplicationStatus, ObjectionStatus


def _levels_chart(request):
    from grading.overview import levels_chart

    return levels_chart(request.active_role.home_bureau)


def register():
    for key, label, status, roles, order in (
        (
            "grading_to_check",
            _("Grading applications to check"),
            ApplicationStatus.SUBMITTED,
            BUREAU_KINDS | CLERKS,
            70,
        ),
        (
            "grading_to_review",
            _("Grading applications awaiting the first review"),
            ApplicationStatus.COMMITTEE_CHECKED,
            BUREAU_KINDS | CLERKS,
            71,
        ),
        (
            "grading_to_decide",
            _("Grading applications before the panel"),
            ApplicationStatus.OFFICE_REVIEWED,
            BUREAU_KINDS,
            72,
        ),
    ):
        dashboard.register(
            key,
            label,
            "grading:application_list",
            roles=roles,
            order=order,
            query=f"status={status}",
        )
    dashboard.register(
        "grading_objections",
        _("Open objections to grading notices"),
        "grading:objection_list",
        roles=BUREAU_KINDS,
        order=73,
        query=f"status={ObjectionStatus.OPEN}",
        alert=True,
    )
    dashboard.register_chart(
        "grading-chart",
        _("Mediators by level"),
        _levels_chart,
        roles=DIRECTORS,
        order=40,
        url_name="grading:overview",
    )
