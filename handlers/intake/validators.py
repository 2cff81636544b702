"""Parsing what a person typed. Each parser returns the value or raises Invalid(hint key)."""

import re
from datetime import date

import phonenumbers

from storage.shared.folding import fold


class Invalid(Exception):
    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint


_LETTER = re.compile(r"[^\W\d_]")
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
MIN_DEED_WORDS = 8


def clean(text: str) -> str:
    return " ".join(text.split())


def parse_name(text: str) -> str:
    value = clean(text)
    if not 2 <= len(value) <= 120 or not _LETTER.search(value):
        raise Invalid("invalid.name")
    return value


def parse_short_text(text: str) -> str:
    value = clean(text)
    if not 2 <= len(value) <= 300 or not _LETTER.search(value):
        raise Invalid("invalid.short_text")
    return value


def parse_deed(text: str) -> str:
    value = text.strip()
    if len(value.split()) < MIN_DEED_WORDS:
        raise Invalid("invalid.deed_short")
    if len(value) > 4000:
        raise Invalid("invalid.deed_long")
    return value


def parse_deed_date(text: str, *, today: date) -> str:
    """dd/mm/yyyy, mm/yyyy or yyyy (also "hôm nay"); stored as ISO, never in the future."""
    value = clean(text)
    folded = fold(value)
    if folded in {"hom nay", "today"}:
        return today.isoformat()
    try:
        if match := _DATE.match(value):
            day, month, year = (int(g) for g in match.groups())
            parsed = date(year, month, day)
            if parsed > today or year < 1900:
                raise Invalid("invalid.date_future")
            return parsed.isoformat()
        if match := _MONTH.match(value):
            month, year = (int(g) for g in match.groups())
            if not 1 <= month <= 12:
                raise Invalid("invalid.date")
            if (year, month) > (today.year, today.month) or year < 1900:
                raise Invalid("invalid.date_future")
            return f"{year:04d}-{month:02d}"
        if match := _YEAR.match(value):
            year = int(match.group(1))
            if year > today.year or year < 1900:
                raise Invalid("invalid.date_future")
            return f"{year:04d}"
    except ValueError as exc:  # 31/02/2026 and friends
        raise Invalid("invalid.date") from exc
    raise Invalid("invalid.date")


def show_date(iso: str) -> str:
    parts = iso.split("-")
    return "/".join(reversed(parts))


_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def parse_phone(text: str) -> str:
    """A Vietnamese phone number, returned in E.164 (+84…)."""
    digits = re.sub(r"[\s.\-()]", "", text)
    if not re.fullmatch(r"\+?\d{9,13}", digits):
        raise Invalid("invalid.phone")
    try:
        number = phonenumbers.parse(digits, "VN")
    except phonenumbers.NumberParseException as exc:
        raise Invalid("invalid.phone") from exc
    if (number.country_code != 84 or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) not in _PHONE_TYPES):
        raise Invalid("invalid.phone")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def show_phone(e164: str) -> str:
    number = phonenumbers.parse(e164, "VN")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
