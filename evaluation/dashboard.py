"""The annual evaluation's part of the dashboard: evaluations waiting for review or
publication, and renewal decisions the bureau has not taken."""

from django.utils.translation import gettext_lazy as _

from core import dashboard
from core.dashboard import BUREAU_KINDS
from evaluation.models import EvaluationStatus, RenewalDecision


def register():
    dashboard.register(
        "evaluation_to_review",
        _("Annual evaluations to review"),
        "evaluation:evaluation_list",
        roles=BUREAU_KINDS,
        order=75,
        query=f"status={EvaluationStatus.DRAFT}",
    )
    dashboard.register(
        "evaluation_to_publish",
        _("Reviewed evaluations to publish"),
        "evaluation:evaluation_list",
        roles=BUREAU_KINDS,
        order=76,
        query=f"status={EvaluationStatus.REVIEWED}",
    )
    dashboard.register(
        "renewal_to_decide",
        _("Renewal decisions pending"),
        "evaluation:candidate_list",
        roles=BUREAU_KINDS,
        order=77,
        query=f"decision={RenewalDecision.PENDING}",
    )
