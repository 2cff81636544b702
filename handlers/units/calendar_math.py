"""Deadline arithmetic on Hà Nội calendar days: when a task is next due, and which of its
reminders is due today.

A yearly day that a month lacks (29/02 outside leap years, 31/04 in a file typo) falls on
the month's last day. A reminder "L days ahead" is due from L days before the deadline up
to it: a run that finds several crossed sends only the nearest, so a bot that was down
catches up with one reminder, not a burst.
"""

import calendar
from datetime import date, datetime, timedelta

from handlers.shared.turn import TIMEZONE


def local_day(now: datetime) -> date:
    return now.astimezone(TIMEZONE).date()


def on_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_due(*, yearly: str | None, once_on: str | None, today: date) -> date | None:
    """The next deadline on or after `today`; None for a one-off date already past."""
    if once_on:
        once = date.fromisoformat(once_on)
        return once if once >= today else None
    if not yearly:
        return None
    month, day = (int(part) for part in yearly.split("-"))
    this_year = on_day(today.year, month, day)
    return this_year if this_year >= today else on_day(today.year + 1, month, day)


def reminder_due(due: date, lead_days: list[int], today: date) -> int | None:
    """The lead (days ahead) whose reminder is due today, the nearest crossed; None when
    no reminder is due yet."""
    crossed = [lead for lead in lead_days if due - timedelta(days=lead) <= today <= due]
    return min(crossed) if crossed else None
