"""Months as the settlement speaks of them: a date holding the month's first day.
The arithmetic is the reporting calendar's (mediation.reporting); this module adds
what settling asks of it."""

import datetime

from mediation.reporting import month_end as last_day
from mediation.reporting import previous_month as previous

__all__ = ["first_day", "has_ended", "last_day", "previous"]


def first_day(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def has_ended(month: datetime.date, today: datetime.date | None = None) -> bool:
    return last_day(month) < (today or datetime.date.today())
