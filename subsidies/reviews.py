"""Case review (以奖代补): the queue of closed cases waiting for a reviewer, and the
review itself, which also decides the case's open anomaly flags."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import Case, CaseFlag
from mediation.models.choices import CaseStatus
from registry.reports import Area, area_digits, area_names
from subsidies.models import CaseReview, SettledCase


def open_flags(case_field="pk"):
    return Exists(CaseFlag.objects.filter(case=OuterRef(case_field), reviewed_at__isnull=True))


def queue():
    """Closed cases of the active jurisdiction not reviewed yet, oldest first, with
    whether each has open anomaly flags."""
    # NOT EXISTS rather than a LEFT JOIN … IS NULL: PostgreSQL then walks the closed
    # cases in date order and stops at a page (2 ms for a province), where it joined
    # and sorted every closed case (7 s).
    reviewed = CaseReview._base_manager.filter(case=OuterRef("pk"))
    return (
        Case.objects.filter(status=CaseStatus.CLOSED)
        .filter(~Exists(reviewed))
        .annotate(flagged=open_flags())
        .select_related("committee", "lead_mediator")
        .order_by("closed_on", "pk")
    )


def queue_counts():
    """The queue's size and its cases with open flags per county (per township once
    the jurisdiction is a county, as the roster's reports group), and in all: one
    aggregate query, kept as a snapshot for a large jurisdiction (subsidies.snapshots).
    Rows: {"area": registry.reports.Area, "waiting": n, "flagged": n}."""
    digits = area_digits()
    rows = (
        queue()
        .order_by()
        .values(area=Substr("region_id", 1, digits))
        .annotate(waiting=Count("pk"), flagged=Count("pk", filter=Q(flagged=True)))
        .order_by("area")
    )
    names = area_names()
    return [{**row, "area": Area.of(row["area"], names)} for row in rows]


def save_review(review: CaseReview, user) -> CaseReview:
    """Store *review* (new or changed) by *user*. A case must be closed; open anomaly
    flags need the reviewer's decision, which closes them; a case already counted by
    a settlement is no longer reviewed again."""
    case = review.case
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(_("Only a closed case is reviewed."))
    if SettledCase._base_manager.filter(case=case).exists():
        raise ValidationError(_("A settlement has already counted this case; its review is final."))
    flags = CaseFlag.objects.filter(case=case, reviewed_at__isnull=True)
    note = (review.flags_decision or "").strip()
    if flags.exists() and not note:
        raise ValidationError(
            {"flags_decision": _("The case has open anomaly flags: record your decision on them.")}
        )
    review.reviewed_by = user
    review.full_clean(exclude=["case", "reviewed_by"])
    try:
        with transaction.atomic():
            review.save()
            for flag in flags:
                flag.reviewed_by, flag.reviewed_at = user, timezone.now()
                flag.review_note = note[:300]
                flag.save()
    except IntegrityError as exc:
        raise ValidationError(_("This case has already been reviewed.")) from exc
    return review
