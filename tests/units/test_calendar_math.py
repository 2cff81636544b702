"""Deadline arithmetic: month ends, leap years, the year's turn, Hà Nội's day."""

from datetime import UTC, date, datetime

from handlers.units.calendar_math import local_day, next_due, reminder_due


def test_a_yearly_day_a_month_lacks_falls_on_its_last_day():
    assert next_due(yearly="02-29", once_on=None, today=date(2027, 1, 10)) == date(2027, 2, 28)
    assert next_due(yearly="02-29", once_on=None, today=date(2028, 1, 10)) == date(2028, 2, 29)
    assert next_due(yearly="04-31", once_on=None, today=date(2026, 4, 1)) == date(2026, 4, 30)


def test_a_passed_deadline_is_next_year_s_and_a_one_off_ends():
    assert next_due(yearly="12-31", once_on=None, today=date(2026, 12, 31)) == date(2026, 12, 31)
    assert next_due(yearly="01-15", once_on=None, today=date(2026, 12, 28)) == date(2027, 1, 15)
    assert next_due(yearly=None, once_on="2024-11-30", today=date(2026, 1, 1)) is None
    assert next_due(yearly=None, once_on="2026-11-30", today=date(2026, 11, 22)) == \
        date(2026, 11, 30)


def test_the_nearest_crossed_reminder_is_the_one_due():
    due, leads = date(2026, 12, 20), [14, 3, 0]
    assert reminder_due(due, leads, date(2026, 12, 5)) is None
    assert reminder_due(due, leads, date(2026, 12, 6)) == 14
    assert reminder_due(due, leads, date(2026, 12, 16)) == 14  # caught up after a stop
    assert reminder_due(due, leads, date(2026, 12, 17)) == 3
    assert reminder_due(due, leads, date(2026, 12, 20)) == 0
    # Across the year's turn: 15/01 is 14 days after 01/01.
    assert reminder_due(date(2027, 1, 15), leads, date(2027, 1, 1)) == 14


def test_the_day_is_hanoi_s_not_utc_s():
    assert local_day(datetime(2026, 12, 17, 16, 59, tzinfo=UTC)) == date(2026, 12, 17)
    assert local_day(datetime(2026, 12, 17, 17, 0, tzinfo=UTC)) == date(2026, 12, 18)
