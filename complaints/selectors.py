"""Reading complaints: the querysets pages, the API and the dashboard share."""

from complaints.models import Complaint, ComplaintStatus

OPEN_STATUSES = [ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED, ComplaintStatus.VERIFYING]


def open_complaints():
    return Complaint.objects.filter(status__in=OPEN_STATUSES)


def overdue(today):
    return open_complaints().filter(due_on__lt=today)
