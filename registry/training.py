"""Training attendance and leave approval: the writes the training pages and the API
share, so each rule lives once; and the attendee count both list."""

from django.db import transaction

from core.subqueries import count_per_row
from registry.models import TrainingAttendance


def attendee_count():
    """A session's attendees the user may see (the scoped manager: those of the
    active jurisdiction), as a subquery per session row: the database counts them for
    the rows of a page only, not for every session before it is cut."""
    return count_per_row(TrainingAttendance.objects.all(), "session")


@transaction.atomic
def add_attendance(session, mediators) -> list[TrainingAttendance]:
    """Record that *mediators* attended *session*; those already recorded are left
    as they are, so adding the same list twice changes nothing. Returns the new rows."""
    present = set(
        TrainingAttendance.objects.filter(session=session, mediator__in=mediators).values_list(
            "mediator_id", flat=True
        )
    )
    added = []
    for mediator in mediators:
        if mediator.pk in present:
            continue
        # save(), not bulk_create: each row gets its region and an audit entry.
        attendance = TrainingAttendance(session=session, mediator=mediator)
        attendance.save()
        present.add(mediator.pk)
        added.append(attendance)
    return added


def approve_leave(leave) -> None:
    if not leave.approved:
        leave.approved = True
        leave.save(update_fields=["approved"])
