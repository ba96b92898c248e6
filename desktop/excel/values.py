"""Parsing the values of legacy spreadsheets: dates, month headers, numbers, text and phone numbers.

Every parser takes what a reader returned for a cell (str, int, float, bool, date, datetime, time,
timedelta, or "" for an empty cell) and returns a clean value, or raises :class:`BadValue` with a
plain reason ("there is no 31 February 2020"). Dates are read day first, never month first.

Formats only: the words of the domain (column names, ranks, statuses, leaving reasons, yes and no)
are desktop.importing.words.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from typing import Any

from desktop.core.formats import (
    MONTHS,
    DateError,
    full_year,
    looks_like_day_month_year,
    parse_uk_date,
)

EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_SERIAL = 2958465  # 31/12/9999


class BadValue(ValueError):
    """A cell that cannot be read; the message is the plain reason."""


def norm(text: Any) -> str:
    """A key for matching words: lower case, accents and punctuation and spaces removed."""
    s = unicodedata.normalize("NFKD", str(text)).casefold()
    return "".join(ch for ch in s if ch.isalnum())


# Control characters no text cell should hold: C0 except tab, line feed and carriage return (harmless
# in notes and addresses, and folded into spaces in names), DEL and C1. Excel files cannot hold them
# (openpyxl refuses to write them) and they do not show on screen.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_chars(text: str) -> bool:
    return CONTROL_CHARS.search(text) is not None


def strip_control_chars(text: str) -> str:
    """``text`` without the characters of :data:`CONTROL_CHARS`."""
    return CONTROL_CHARS.sub("", text)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as the text a user would see, for messages and legacy fields."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)  # nan and inf as nan, inf
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


def serial_to_date(serial: float) -> dt.date:
    """An Excel serial day number (1900 system) as a date."""
    if not 1 <= serial <= MAX_SERIAL:
        raise BadValue(f"{cell_text(serial)} is not a date")
    days = int(serial)
    if days < 60:  # Excel's phantom 29/02/1900 sits at 60
        days += 1
    return EXCEL_EPOCH + dt.timedelta(days=days)


def parse_date(value: Any) -> dt.date | None:
    """A cell as a date; None for an empty cell; BadValue when it cannot be read or does not exist.
    Text is read by the one UK date reader (desktop.core.formats); a number is an Excel serial."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise BadValue(f"{cell_text(value)} is not a date")
    if isinstance(value, int | float):
        return serial_to_date(float(value))
    text = str(value).strip()
    try:
        return parse_uk_date(text)
    except DateError as exc:
        if not exc.impossible and re.fullmatch(r"\d+(\.0+)?", text):
            return serial_to_date(float(text))
        raise BadValue(str(exc)) from None


# ---------------------------------------------------------------------------------------------
# Month headers
# ---------------------------------------------------------------------------------------------

_MON_Y = re.compile(r"^([A-Za-z]+)\.?[\s\-/.,']*(\d{2}|\d{4})$")
_Y_M = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
_M_Y = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$")


def parse_month(value: Any) -> str | None:
    """A header naming a month ("Apr-26", "April 2026", "2026-04", "04/2026", a date cell) as
    ``YYYY-MM``; None when the header is not a month."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if not isinstance(value, str):
        return None
    text = value.strip()
    # A trailing word such as "hours" or "hrs" is allowed: "Apr-26 hours".
    text = re.sub(r"\s*\(?(hours|hrs|hours worked|duty hours)\)?$", "", text, flags=re.IGNORECASE)
    m = _MON_Y.match(text)
    if m:
        month = MONTHS.get(m.group(1).lower())
        if month is None:
            return None
        year = full_year(m.group(2))
    else:
        m = _Y_M.match(text) or None
        if m:
            year, month = int(m.group(1)), int(m.group(2))
        else:
            m = _M_Y.match(text)
            if m:
                year, month = int(m.group(2)), int(m.group(1))
            else:
                try:
                    day = parse_date(text) if looks_like_day_month_year(text) else None
                except BadValue:
                    return None
                if day is None:
                    return None
                year, month = day.year, day.month
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        return None
    return f"{year:04d}-{month:02d}"


def hours_in_month(month: str) -> int:
    year, mon = (int(p) for p in month.split("-"))
    return calendar.monthrange(year, mon)[1] * 24


# ---------------------------------------------------------------------------------------------
# Numbers and text
# ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


# Cells that say "nothing here" in words or a dash.
_NOTHING = {"-", "–", "—", "n/a", "N/A", "n/k", "N/K"}


def parse_number(value: Any) -> float | None:
    """A number, also when stored as text ("12", " 7.5 ", "1,024"); a duration cell as hours."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadValue(f"{cell_text(value)} is not a number")
    if isinstance(value, float):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 3600
    if isinstance(value, dt.time):
        return value.hour + value.minute / 60 + value.second / 3600
    if isinstance(value, dt.date):
        raise BadValue(f"{cell_text(value)} is a date, not a number")
    text = str(value).strip()
    if not text:
        return None
    if text in _NOTHING:
        return None  # "-" or "n/a" in an hours cell: nothing recorded, like an empty cell
    m = re.fullmatch(r"(\d+)\s*h\s*([0-5]\d)\s*(?:m|min|mins)?", text, flags=re.IGNORECASE)
    if m:  # 7h30 -> 7.5 hours
        return int(m.group(1)) + int(m.group(2)) / 60
    cleaned = re.sub(r"\s*(hours|hrs|hr|h)$", "", text, flags=re.IGNORECASE)
    m = re.fullmatch(r"(\d+):([0-5]\d)", cleaned)  # 7:30 -> 7.5 hours
    if m:
        return int(m.group(1)) + int(m.group(2)) / 60
    if cleaned and _NUMBER.match(cleaned) and any(ch.isdigit() for ch in cleaned):
        return float(cleaned.replace(",", ""))
    raise BadValue(f"{text!r} is not a number")


def parse_text(value: Any) -> str | None:
    """Text as kept: trimmed, inner runs of spaces made one; numbers without a trailing .0.
    A number that is not finite (NaN, infinity: a damaged cell) is no text at all."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        text = " ".join(value.split())
        return text or None
    text = cell_text(value)
    return text or None


def parse_phone(value: Any) -> str | None:
    """A phone number; an Excel number loses its leading 0, so 7700900123 becomes 07700900123."""
    if isinstance(value, float) and not math.isfinite(value):
        raise BadValue(f"{cell_text(value)} is not a phone number")
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = str(int(value))
        if len(digits) == 10 and digits[0] in "1237":
            digits = "0" + digits
        return digits
    return parse_text(value)
