"""Working days by the official calendar: holidays and make-up workdays (调休).

Years the installed ``chinese-calendar`` knows come from it; a year it does not know
comes from a ``WorkdaySchedule`` a bureau admin entered; failing both, Monday to
Friday, and the answer says it is provisional so pages can mark the deadline.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar
from django.db import transaction
from django.dispatch import Signal

# Sent when a year's schedule is saved; receivers recount what they counted on it
# and return how many deadlines changed (the complaints app does, a lower app cannot
# call it directly).
schedule_saved = Signal()


@dataclass(frozen=True)
class Deadline:
    due_on: datetime.date
    provisional: bool


@lru_cache(maxsize=64)
def library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class _Calendar:
    """One computation's view of the schedules: entered years are read once."""

    def __init__(self):
        from core.models import WorkdaySchedule

        self.entered = {
            row.year: (set(row.holidays), set(row.workdays))
            for row in WorkdaySchedule.objects.all()
        }
        self.provisional = False

    def is_workday(self, day: datetime.date) -> bool:
        if library_knows(day.year):
            return chinese_calendar.is_workday(day)
        if day.year in self.entered:
            holidays, workdays = self.entered[day.year]
            iso = day.isoformat()
            if iso in workdays:
                return True
            if iso in holidays:
                return False
        else:
            self.provisional = True
        return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> Deadline:
    """The date *days* working days after *start* (the day of receipt does not count)."""
    calendar = _Calendar()
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if calendar.is_workday(day):
            left -= 1
    return Deadline(day, calendar.provisional)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after *start* up to and including *end* (0 when end <= start)."""
    calendar = _Calendar()
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if calendar.is_workday(day):
            count += 1
    return count


def save_schedule(schedule, *, user) -> int:
    """Save a year's holiday schedule and let deadlines counted on the week be
    recounted; returns how many changed."""
    schedule.entered_by = user
    with transaction.atomic():
        schedule.save()
        return sum(
            changed for _receiver, changed in schedule_saved.send(type(schedule), schedule=schedule)
        )
