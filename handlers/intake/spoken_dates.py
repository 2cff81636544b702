"""When a deed happened, as people write it in a chat: "15/3", "hôm qua", "tháng 3",
"tháng trước", "năm 2019", "ngày 15 tháng 3 năm 2024", "15/03/2026", "3/2026", "2019".

The answer is as precise as what was said: a day (2026-03-15), a month (2026-03) or a
year (2026). A day or month said without its year is the last one that has already
come: "15/3" typed in February means last March, since a deed is in the past.
"""

import re
from datetime import date, timedelta

from storage.shared.folding import fold

_WORDS = re.compile(r"[^\w/.\-]+")
_PUNCTUATION_AROUND = re.compile(r"^[.\-/]+|[.\-/]+$")
# Politeness and filler around the date: "hôm qua ạ", "vào khoảng tháng 3", "chắc là 2019".
_FILLER = {"a", "vao", "khoang", "tam", "chac", "la", "hinh", "nhu", "nhe", "roi", "ngay",
           "hoi", "luc", "on", "in", "around", "about", "da", "the"}
_RELATIVE_DAYS = {"hom nay": 0, "today": 0, "hom qua": 1, "yesterday": 1, "hom kia": 2,
                  "bua nay": 0, "bua qua": 1}
_RELATIVE_MONTHS = {"thang nay": 0, "this month": 0, "thang truoc": 1, "last month": 1,
                    "thang roi": 1}
_RELATIVE_YEARS = {"nam nay": 0, "this year": 0, "nam ngoai": 1, "nam truoc": 1,
                   "last year": 1, "nam roi": 1}
_ENGLISH_MONTHS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"), start=1)}

_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2}|\d{4}))?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_SPOKEN_DAY = re.compile(r"^(\d{1,2}) thang (\d{1,2})(?: nam (\d{4}))?$")
_SPOKEN_MONTH = re.compile(r"^thang (\d{1,2})(?:(?: nam |[/.\-])(\d{4}))?$")
_YEAR = re.compile(r"^(?:nam )?(\d{4})$")


class NotADate(ValueError):
    """Nothing a date could be read from."""


class InFuture(ValueError):
    """A date that has not come yet."""


def read_date(text: str, *, today: date) -> str:
    """ISO day, "YYYY-MM" or "YYYY"; raises NotADate or InFuture."""
    said = _said(text)
    if said in _RELATIVE_DAYS:
        return (today - timedelta(days=_RELATIVE_DAYS[said])).isoformat()
    if said in _RELATIVE_MONTHS:
        year, month = _months_back(today, _RELATIVE_MONTHS[said])
        return f"{year:04d}-{month:02d}"
    if said in _RELATIVE_YEARS:
        return f"{today.year - _RELATIVE_YEARS[said]:04d}"
    said = _english_month(said)
    try:
        return _numeric(said, today)
    except (InFuture, NotADate):
        raise
    except ValueError as exc:  # 31/02 and friends
        raise NotADate(text) from exc


def _said(text: str) -> str:
    words = [_PUNCTUATION_AROUND.sub("", word) for word in _WORDS.sub(" ", fold(text)).split()]
    words = [word for word in words if word]
    while words and words[0] in _FILLER:
        words.pop(0)
    while words and words[-1] in _FILLER:
        words.pop()
    return " ".join(words)


def _english_month(said: str) -> str:
    """"March 2024" / "march" → "thang 3 nam 2024" / "thang 3": one grammar for both."""
    words = said.split()
    if words and words[0] in _ENGLISH_MONTHS:
        rest = f" nam {words[1]}" if len(words) == 2 and words[1].isdigit() else ""
        if len(words) <= 2:
            return f"thang {_ENGLISH_MONTHS[words[0]]}{rest}"
    return said


def _numeric(said: str, today: date) -> str:
    if match := _MONTH_YEAR.match(said):
        month, year = int(match.group(1)), int(match.group(2))
        return _month(year, month, today)
    if match := _DAY_MONTH_YEAR.match(said) or _SPOKEN_DAY.match(said):
        day, month = int(match.group(1)), int(match.group(2))
        raw_year = match.group(3)
        if raw_year is None:
            return _last_such_day(day, month, today).isoformat()
        year = int(raw_year) + (2000 if len(raw_year) == 2 else 0)
        return _day(date(year, month, day), today)
    if match := _SPOKEN_MONTH.match(said):
        month = int(match.group(1))
        if match.group(2) is None:
            year = today.year if month <= today.month else today.year - 1
            return _month(year, month, today)
        return _month(int(match.group(2)), month, today)
    if match := _YEAR.match(said):
        year = int(match.group(1))
        _check_year(year)
        if year > today.year:
            raise InFuture(said)
        return f"{year:04d}"
    raise NotADate(said)


def _check_year(year: int) -> None:
    if year < 1900:
        raise NotADate(str(year))


def _day(day: date, today: date) -> str:
    _check_year(day.year)
    if day > today:
        raise InFuture(day.isoformat())
    return day.isoformat()


def _month(year: int, month: int, today: date) -> str:
    if not 1 <= month <= 12:
        raise NotADate(f"{year}-{month}")
    _check_year(year)
    if (year, month) > (today.year, today.month):
        raise InFuture(f"{year}-{month}")
    return f"{year:04d}-{month:02d}"


def _last_such_day(day: int, month: int, today: date) -> date:
    this_year = date(today.year, month, day)  # ValueError for 31/2: not a date
    if this_year <= today:
        return this_year
    return date(today.year - 1, month, day)


def _months_back(today: date, months: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - months
    return index // 12, index % 12 + 1
