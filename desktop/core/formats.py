"""The small words of the domain, each written and read in one place.

- Dates shown: :func:`uk_date` (``03/04/2019``, tables and messages) and :func:`long_date`
  (``3 Apr 2019``, sentences and the printout, never ambiguous).
- Hours shown: :func:`hours_text` (``1,234.5``; a zero as the caller's ``zero``).
- Months: :func:`month_label` (``March 2025``, whatever the computer's language).
- Names: :func:`full_name` (``Surname, Forenames``, lists) and :func:`spoken_name` (``Jo Smith``,
  sentences).
- Collar numbers: :func:`collar_key` (which collar numbers are the same officer) and
  :func:`collar_sort_key` (``SC2`` before ``SC10``).
- UK dates written as text, typed or in a spreadsheet cell: :func:`parse_uk_date`, day first,
  never month first, with one rule for two-digit years (:func:`full_year`).

No database, no Qt.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# English month names, independent of the locale (Qt sets the process locale on start).
MONTH_NAMES: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_ABBR: tuple[str, ...] = tuple(name[:3] for name in MONTH_NAMES)
# Month words as rosters write them -> month number.
MONTHS: dict[str, int] = {
    **{name.lower(): n for n, name in enumerate(MONTH_NAMES, start=1)},
    **{name.lower(): n for n, name in enumerate(MONTH_ABBR, start=1)},
    "sept": 9,
}


# ---------------------------------------------------------------------------------------------
# Showing
# ---------------------------------------------------------------------------------------------


def uk_date(day: dt.date | None, blank: str = "") -> str:
    """``03/04/2019``; ``blank`` for no date."""
    return day.strftime("%d/%m/%Y") if day else blank


def long_date(day: dt.date | None, blank: str = "") -> str:
    """``3 Apr 2019``: day first and the month in words, so nobody can read it month first."""
    return f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}" if day else blank


def hours_text(value: float | None, zero: str = "0") -> str:
    """Hours as people write them: ``8``, ``7.5``, ``7.25``, ``1,234``; no trailing zeros; ``zero``
    for none at all (a blank grid cell passes ``""``)."""
    if not value:
        return zero
    return f"{value:,.2f}".rstrip("0").rstrip(".") or zero


def month_label(month: str) -> str:
    """``2025-03`` -> ``March 2025``."""
    year, mon = month.split("-")
    return f"{MONTH_NAMES[int(mon) - 1]} {int(year)}"


def full_name(surname: str | None, forenames: str | None) -> str:
    """``Surname, Forenames`` (lists and tables); whichever part there is when one is missing."""
    surname, forenames = surname or "", forenames or ""
    if surname and forenames:
        return f"{surname}, {forenames}"
    return surname or forenames


def spoken_name(surname: str | None, forenames: str | None) -> str:
    """The name as said in a sentence: ``Jo Smith``."""
    return " ".join(part for part in (forenames, surname) if part)


# ---------------------------------------------------------------------------------------------
# Collar numbers
# ---------------------------------------------------------------------------------------------


def collar_key(collar: str) -> str:
    """What makes two collar numbers the same officer: leading zeros do not count, because a
    spreadsheet that stores 0611 as a number shows 611. Kept as written; compared by this key."""
    return collar.lstrip("0") or ("0" if collar else "")


_PARTS = re.compile(r"\d+|\D+")


def collar_sort_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order: ``SC2`` before ``SC10``; numbers before letters within a part."""
    if text.isdigit():
        return ((0, int(text), ""),)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _PARTS.findall(text.upper()))


# ---------------------------------------------------------------------------------------------
# Reading UK dates
# ---------------------------------------------------------------------------------------------


class DateError(ValueError):
    """Text that is not a date: ``impossible`` when it reads as one that does not exist
    (31/02/2020), else it cannot be read as a date at all. The message is the plain reason."""

    def __init__(self, message: str, *, impossible: bool):
        super().__init__(message)
        self.impossible = impossible


_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
# Year first is always year, month, day: 2019/04/03, 2019.04.03.
_YMD = re.compile(r"^(\d{4})([/.])(\d{1,2})\2(\d{1,2})$")
# "April 3, 2019", "Apr 3rd 2019": the month is a word, so there is no doubt which number is the day.
_MON_D_Y = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_DMY_TIME = re.compile(r"^(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4})\s+\d{1,2}:\d{2}(?::\d{2})?$")
_D_MON_Y = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*(?:of\s+)?([A-Za-z]+)\.?[\s\-/.,]*(\d{2}|\d{4})$", re.IGNORECASE
)


def full_year(text: str, today: dt.date | None = None) -> int:
    """A year as written; two digits are the nearest year no more than ten years ahead
    (``85`` is 1985, ``26`` is 2026)."""
    year = int(text)
    if len(text) == 2:
        today = today or dt.date.today()
        year += 2000
        if year > today.year + 10:
            year -= 100
    return year


def make_date(year: int, month: int, day: int, shown: str) -> dt.date:
    """The date, or DateError in words (``there is no 31 February 2020``)."""
    if not 1 <= month <= 12:
        raise DateError(
            f"{shown!r} is not a date: there is no month {month} (dates are read day first)", impossible=True
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(f"there is no {day} {MONTH_NAMES[month - 1]} {year}", impossible=True) from None


def day_month_parts(text: Any) -> tuple[int, int] | None:
    """The first two numbers of a dd/mm/yyyy-like text ("04/15/2019" -> (4, 15)); None otherwise."""
    if not isinstance(text, str):
        return None
    m = _DMY.match(text.strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


def looks_like_day_month_year(text: str) -> bool:
    """``03/04/2019`` or ``2019-04-03``-like (for telling a date from a month heading)."""
    return bool(_DMY.match(text) or _ISO.match(text))


def parse_uk_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """A date written as text, read day first: ``03/04/2019``, ``3/4/19``, ``3.4.2019``,
    ``2019-04-03``, ``2019/04/03``, ``3 Apr 2019``, ``3rd of April 2019``, ``April 3, 2019``,
    ``Wednesday 3 April 2019``, ``03/04/2019 09:00``. Blank is None; anything else DateError."""
    text = (text or "").strip()
    if not text:
        return None
    said = text
    text = _WEEKDAY.sub("", text) or text  # "Wednesday 3 April 2019": the weekday adds nothing
    m = _DMY.match(text)
    if m:
        return make_date(full_year(m.group(3), today), int(m.group(2)), int(m.group(1)), said)
    m = _YMD.match(text)
    if m:
        return make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)), said)
    m = _MON_D_Y.match(text)
    if m and MONTHS.get(m.group(1).lower()):
        return make_date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)), said)
    m = _ISO.match(text)
    if m:
        return make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    m = _DMY_TIME.match(text)
    if m:
        return parse_uk_date(m.group(1), today)
    m = _D_MON_Y.match(text)
    if m:
        month = MONTHS.get(m.group(2).lower())
        if month is None:
            raise DateError(f"{text!r} is not a date: {m.group(2)!r} is not a month", impossible=False)
        return make_date(full_year(m.group(3), today), month, int(m.group(1)), text)
    raise DateError(f"{said!r} is not a date CiP Desk can read (use dd/mm/yyyy)", impossible=False)
