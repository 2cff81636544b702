"""Parsing what a person typed. Each parser returns the value or raises Invalid(hint key)."""

import re
from datetime import date

import phonenumbers

from handlers.intake.spoken_dates import InFuture, NotADate, read_date


class Invalid(Exception):
    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint


_LETTER = re.compile(r"[^\W\d_]")
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
    """A day, a month or a year as people write them (handlers/intake/spoken_dates.py);
    stored as ISO, never in the future."""
    try:
        return read_date(text, today=today)
    except InFuture as exc:
        raise Invalid("invalid.date_future") from exc
    except NotADate as exc:
        raise Invalid("invalid.date") from exc


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
