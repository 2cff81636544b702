"""Working hours in Hà Nội: the clock an acknowledgement target runs on.

Staff work Monday to Friday, 08:00–12:00 and 13:00–17:00 (giờ hành chính). A nomination
not taken within 8 working hours (Hanoi's iHanoi rule) is overdue. Public holidays (Tết,
Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 and the days the government moves) are not working days.
When the government moves a bridge day off (Monday 31/8/2026), it names a Saturday to be
worked instead (22/8/2026): the `holidays` library keeps both, and its own working-day rule
is the one used here, so the clock, the digest and the reminders all count that Saturday.
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import holidays

from handlers.shared.turn import TIMEZONE

SHIFTS = ((time(8), time(12)), (time(13), time(17)))
ACKNOWLEDGE_WITHIN = timedelta(hours=8)


@cache
def _public_holidays() -> holidays.HolidayBase:
    return holidays.country_holidays("VN")


def is_working_day(day: date) -> bool:
    return _public_holidays().is_working_day(day)


def _shifts_of(day: datetime) -> list[tuple[datetime, datetime]]:
    if not is_working_day(day.date()):
        return []
    return [(day.replace(hour=a.hour, minute=a.minute, second=0, microsecond=0),
             day.replace(hour=b.hour, minute=b.minute, second=0, microsecond=0))
            for a, b in SHIFTS]


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """Working time from `start` to `end` (both aware)."""
    start, end = start.astimezone(TIMEZONE), end.astimezone(TIMEZONE)
    total = timedelta()
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day <= end:
        for shift_start, shift_end in _shifts_of(day):
            overlap = min(end, shift_end) - max(start, shift_start)
            if overlap > timedelta():
                total += overlap
        day = (day + timedelta(days=1, hours=2)).replace(hour=0)  # safe across DST
    return total


def working_time_back(end: datetime, span: timedelta) -> datetime:
    """The moment from which `span` of working time has passed by `end`."""
    end = end.astimezone(TIMEZONE)
    left = span
    day = end.replace(hour=0, minute=0, second=0, microsecond=0)
    while True:
        for shift_start, shift_end in reversed(_shifts_of(day)):
            usable_end = min(end, shift_end)
            if usable_end <= shift_start:
                continue
            available = usable_end - shift_start
            if available >= left:
                return (usable_end - left).astimezone(UTC)  # stored times are UTC
            left -= available
        day = (day - timedelta(days=1)).replace(hour=0)


def is_overdue(created_at: datetime, status: str, now: datetime) -> bool:
    return status == "submitted" and \
        working_time_between(created_at, now) >= ACKNOWLEDGE_WITHIN


def working_days_after(start: datetime, days: int) -> datetime:
    """The end (17:00, Hà Nội) of the `days`-th working day after the day of `start`:
    "acknowledged within 2 working days" of a request sent on a Friday is Tuesday 17:00."""
    day = start.astimezone(TIMEZONE).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day, SHIFTS[-1][1], TIMEZONE).astimezone(UTC)
