"""Domain words of docs/domain.md as constants and small pure helpers (no database, no Qt)."""

from __future__ import annotations

import datetime as dt
import re

STATUSES: tuple[str, ...] = ("applicant", "in training", "active", "LOA", "suspended", "left")
STATUS_LABELS: dict[str, str] = {
    "applicant": "Applicant",
    "in training": "In training",
    "active": "Active",
    "LOA": "Leave of absence",
    "suspended": "Suspended",
    "left": "Left",
}
LEAVING_REASONS: tuple[str, ...] = (
    "resigned",
    "joined the regulars",
    "transferred to another force",
    "dismissed",
    "retired",
    "other",
    "not recorded",
)
# The leaving reason of a leaver whose reason no one recorded (a legacy roster without that column):
# a reason of its own so such leavers can be listed and followed up.
NOT_RECORDED = "not recorded"
DUTY_TYPES: tuple[str, ...] = (
    "patrol",
    "response",
    "neighbourhood",
    "event",
    "training",
    "specialist attachment",
    "admin",
)
ATTACHMENT_STATES: tuple[str, ...] = ("requested", "active", "ended")
DRIVING_GRADES: tuple[str, ...] = ("none", "basic", "response", "advanced", "pursuit")
RAG = ("red", "amber", "green", "grey")

DEFAULT_SETTINGS: dict[str, object] = {
    "force_name": "Example Constabulary",
    "minimum_hours": 16,
    "pathway": "college",
    "retention_years": 6,
    "expiry_warning_days": 60,
    "backup_folder": None,
}


def normalise_collar(value: object) -> str:
    """Collar number as kept: trimmed, upper-cased, inner spaces removed; 4521.0 -> "4521"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value).upper()
    if isinstance(value, int):
        return str(value)
    text = re.sub(r"\s+", "", str(value)).upper()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``YYYY-MM``."""
    year, mon = (int(p) for p in month.split("-"))
    first = dt.date(year, mon, 1)
    nxt = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def financial_year_start(day: dt.date) -> dt.date:
    """1 April of the financial year that contains ``day``."""
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the end of the target month (31 Jan + 1 = 28/29 Feb)."""
    total = day.year * 12 + day.month - 1 + months
    year, mon = divmod(total, 12)
    mon += 1
    last = month_bounds(f"{year:04d}-{mon:02d}")[1].day
    return dt.date(year, mon, min(day.day, last))


def is_serving(joined: dt.date | None, left: dt.date | None, on: dt.date) -> bool:
    """Serving on ``on``: joined on or before it and not left by then."""
    return joined is not None and joined <= on and (left is None or left > on)
