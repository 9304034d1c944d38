"""Months as the settlement speaks of them: a date holding the month's first day."""

import datetime


def first_day(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def last_day(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def previous(month: datetime.date) -> datetime.date:
    return first_day(month.replace(day=1) - datetime.timedelta(days=1))


def has_ended(month: datetime.date, today: datetime.date | None = None) -> bool:
    return last_day(month) < (today or datetime.date.today())
