"""Monthly reporting and integrity: each committee's month is covered by cases or by
a zero report (零报告), the committees that have done neither by their bureau's
deadline, and anomaly flags for staff review (never a penalty by themselves)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from mediation.models import Case, ZeroReport
from registry.models import Committee, CommitteeStatus
from registry.reports import _overrides, bureau_rules


def month_end(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )


def previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


# --- Zero reports ------------------------------------------------------------------------


@transaction.atomic
def file_zero_report(*, committee, month: datetime.date, filed_by=None, today=None) -> ZeroReport:
    """File *committee*'s zero report for *month* (any day of it). Refused, with the
    error on ``month``, when the month has not ended, the committee has cases in it,
    or it was filed already."""
    today = today or datetime.date.today()
    month = month.replace(day=1)
    end = month_end(month)
    if end >= today:
        raise ValidationError({"month": _("A zero report is filed once the month has ended.")})
    cases = Case.objects.filter(committee=committee, received_on__range=(month, end)).count()
    if cases:
        raise ValidationError(
            {
                "month": _(
                    "The committee received %(count)d case(s) in this month; a zero report "
                    "is for a month without any."
                )
                % {"count": cases}
            }
        )
    report = ZeroReport(
        committee=committee, month=month, filed_by=filed_by, region=committee.region
    )
    try:
        report.validate_constraints()
    except ValidationError as exc:
        raise ValidationError({"month": _("This month's zero report is already filed.")}) from exc
    report.save()
    return report


def deadline_day():
    """Each committee's reporting deadline (policy zero_report_deadline_day of its
    governing bureau) as an SQL expression."""
    rules = bureau_rules("zero_report_deadline_day")
    whens = [When(region__code__startswith=p, then=Value(n)) for p, n in _overrides(rules)]
    return SqlCase(*whens, default=Value(rules[""]), output_field=IntegerField())


def unreported_committees(month: datetime.date | None = None, today=None):
    """Committees of the jurisdiction that have neither received a case in *month*
    (default: last month) nor filed its zero report, once their deadline (that day of
    the following month) has passed. Empty for a month whose deadline is still to come."""
    today = today or datetime.date.today()
    month = (month or previous_month(today)).replace(day=1)
    end = month_end(month)
    following = end + datetime.timedelta(days=1)
    committees = Committee.objects.filter(
        Q(status=CommitteeStatus.ACTIVE) | Q(deregistered_on__gt=end),
        Q(founded_on__isnull=True) | Q(founded_on__lte=end),
    )
    if today < following:
        return committees.none()
    if today < following + datetime.timedelta(days=31):
        # The following month is this month: only the bureaus whose day has passed.
        committees = committees.annotate(deadline=deadline_day()).filter(
            deadline__lt=(today - following).days + 1
        )
    # Subqueries on the base manager: the outer committee query is already scoped.
    cases = Case._base_manager.filter(committee=OuterRef("pk"), received_on__range=(month, end))
    reports = ZeroReport._base_manager.filter(committee=OuterRef("pk"), month=month)
    return committees.filter(~Exists(cases), ~Exists(reports))
