"""The acknowledgement clock: working hours in Hà Nội, across lunch, nights and weekends."""

from datetime import UTC, date, datetime, timedelta

from handlers.shared.turn import TIMEZONE
from handlers.shared.working_time import (
    is_overdue,
    is_working_day,
    working_time_back,
    working_time_between,
)


def hanoi(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TIMEZONE)  # 20/11/2026 is a Friday


def test_lunch_nights_and_weekends_do_not_count():
    assert working_time_between(hanoi(20, 11), hanoi(20, 14)) == timedelta(hours=2)
    assert working_time_between(hanoi(20, 16), hanoi(23, 9)) == timedelta(hours=2)  # Fri→Mon
    assert working_time_between(hanoi(21, 9), hanoi(22, 18)) == timedelta()  # the weekend
    assert working_time_between(hanoi(19, 8), hanoi(19, 17)) == timedelta(hours=8)


def test_a_friday_afternoon_nomination_is_due_on_monday_afternoon():
    friday = hanoi(20, 15, 30)  # 1.5 h left that day
    assert not is_overdue(friday, "submitted", hanoi(23, 15, 29))
    assert is_overdue(friday, "submitted", hanoi(23, 15, 30))  # 1.5 + 4 + 2.5 = 8 h
    assert not is_overdue(friday, "in_review", hanoi(30, 9))  # taken: the clock stopped


def test_going_back_is_the_inverse_of_going_forward():
    for end in (hanoi(23, 14, 30), hanoi(24, 8), hanoi(22, 12), hanoi(25, 12, 30)):
        start = working_time_back(end, timedelta(hours=8))
        assert working_time_between(start, end) == timedelta(hours=8)
    assert working_time_back(hanoi(23, 15, 30), timedelta(hours=8)) == hanoi(20, 15, 30)


def test_utc_times_are_read_as_hanoi_time():
    friday_0830_utc = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội
    assert working_time_between(friday_0830_utc, hanoi(20, 9, 30)) == timedelta(hours=1)


def test_public_holidays_do_not_count():
    # Giỗ Tổ Hùng Vương fell on Sunday 26/4/2026, so Monday 27/4 was the day off.
    friday = datetime(2026, 4, 24, 16, tzinfo=TIMEZONE)
    tuesday = datetime(2026, 4, 28, 16, tzinfo=TIMEZONE)  # 1 h Friday + 7 h Tuesday
    assert not is_overdue(friday, "submitted", tuesday - timedelta(minutes=1))
    assert is_overdue(friday, "submitted", tuesday)
    # Tết Bính Ngọ: Monday 16/2 to Friday 20/2/2026, the whole week.
    assert working_time_between(datetime(2026, 2, 13, 17, tzinfo=TIMEZONE),
                                datetime(2026, 2, 23, 9, tzinfo=TIMEZONE)) == timedelta(hours=1)


def test_2026_make_up_saturday_counts_and_its_bridge_monday_does_not():
    # 2/9/2026 falls on a Wednesday; Monday 31/8 was given off and Saturday 22/8 worked for it.
    assert is_working_day(date(2026, 8, 22))
    assert not is_working_day(date(2026, 8, 31))
    assert not is_working_day(date(2026, 8, 23))  # the Sunday after stays a day off
    assert not is_working_day(date(2026, 8, 29))  # an ordinary Saturday too
    friday = datetime(2026, 8, 21, 16, tzinfo=TIMEZONE)
    # 1 h on Friday, 8 h on the make-up Saturday: due on Saturday, not on Tuesday 1/9.
    assert working_time_between(friday, datetime(2026, 8, 22, 17, tzinfo=TIMEZONE)) == \
        timedelta(hours=9)
    assert is_overdue(friday, "submitted", datetime(2026, 8, 22, 16, tzinfo=TIMEZONE))
    # Over the long weekend, Friday 28/8 17:00 to Thursday 3/9 09:00: one hour, on Thursday.
    assert working_time_between(datetime(2026, 8, 28, 17, tzinfo=TIMEZONE),
                                datetime(2026, 9, 3, 9, tzinfo=TIMEZONE)) == timedelta(hours=1)
