"""Reading cases: the querysets the case list, its filters and the dashboard share."""

import datetime

from django.db.models import BooleanField, DateField, ExpressionWrapper, Q, Value, When
from django.db.models import Case as SqlCase

from core.policy_sql import bureau_rules, overrides
from mediation.models import Case, CaseStatus

OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.MEDIATING)


def open_cases(queryset=None):
    """Cases not closed yet (received, or in mediation)."""
    return (Case.objects.all() if queryset is None else queryset).filter(status__in=OPEN_STATUSES)


def overdue_cutoff(today: datetime.date):
    """For each case, the day before which it should have been received to be closed
    by now: today less its governing bureau's case_close_days, as an SQL CASE on the
    case's region (a date per row, so the comparison is the same on every database)."""
    rules = bureau_rules("case_close_days")
    whens = [
        When(region__code__startswith=prefix, then=Value(today - datetime.timedelta(days=days)))
        for prefix, days in overrides(rules)
    ]
    default = Value(today - datetime.timedelta(days=rules[""]))
    return SqlCase(*whens, default=default, output_field=DateField())


def overdue_cases(queryset=None, today: datetime.date | None = None):
    """Open cases received longer ago than their bureau's time to close a case."""
    cutoff = overdue_cutoff(today or datetime.date.today())
    return open_cases(queryset).filter(received_on__lt=cutoff)


def with_overdue(queryset, today: datetime.date | None = None):
    """Annotate ``overdue``: whether each case is open past its bureau's time to close."""
    cutoff = overdue_cutoff(today or datetime.date.today())
    late = Q(status__in=OPEN_STATUSES, received_on__lt=cutoff)
    return queryset.annotate(overdue=ExpressionWrapper(late, output_field=BooleanField()))
