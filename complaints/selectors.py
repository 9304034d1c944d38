"""Reading complaints: the querysets pages, the API and the dashboard share."""

import datetime

from complaints.models import Complaint, ComplaintStatus

OPEN_STATUSES = [ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED, ComplaintStatus.VERIFYING]

# The list's "progress" filter: not concluded, or due soon: open and due within this
# many days (not overdue yet).
OPEN, SOON = "open", "soon"
SOON_DAYS = 7


def open_complaints(queryset=None):
    return (Complaint.objects.all() if queryset is None else queryset).filter(
        status__in=OPEN_STATUSES
    )


def overdue(today, queryset=None):
    return open_complaints(queryset).filter(due_on__lt=today)


def due_soon(today: datetime.date, queryset=None):
    """Open complaints due today or within the coming week."""
    end = today + datetime.timedelta(days=SOON_DAYS)
    return open_complaints(queryset).filter(due_on__range=(today, end))
