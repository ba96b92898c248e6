"""Months as the return names them: ``YYYY-MM`` read from what a user typed, stepped, and the months
a return can be made for."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from desktop.core.db import Database
from desktop.core.domain import add_months, month_bounds
from desktop.core.errors import CipDeskError
from desktop.core.formats import month_label
from desktop.core.models import Duty, Officer

__all__ = ["MonthError", "available_months", "month_label", "opening_month", "parse_month", "shift_month"]

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class MonthError(CipDeskError):
    """A month that cannot be read."""


def parse_month(text: str) -> str:
    """``YYYY-MM`` (``2025-3`` is accepted) as a canonical ``YYYY-MM``; MonthError otherwise."""
    m = _MONTH.match(text or "")
    if m is None or not 1 <= int(m.group(2)) <= 12 or not 1900 <= int(m.group(1)) <= 2999:
        raise MonthError(f"{text!r} is not a month: write it as YYYY-MM, for example 2025-03 for March 2025.")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def shift_month(month: str, months: int) -> str:
    first, _ = month_bounds(month)
    day = add_months(first, months)
    return f"{day.year:04d}-{day.month:02d}"


def available_months(db: Database, today: dt.date | None = None) -> list[str]:
    """Months a return can be made for, newest first: from the first joining or duty up to this
    month. Empty when there are no officers at all."""
    today = today or dt.date.today()
    with db.read() as s:
        if s.scalar(select(func.count(Officer.id))) == 0:
            return []
        earliest = [
            d
            for d in (s.scalar(select(func.min(Officer.joined))), s.scalar(select(func.min(Duty.date))))
            if d is not None
        ]
    start = min(earliest) if earliest else add_months(today, -12)
    start = max(start, add_months(today, -12 * 30))  # a typo of 1905 should not make 1,400 entries
    if start > today:
        start = today
    months = []
    day = dt.date(today.year, today.month, 1)
    first = dt.date(start.year, start.month, 1)
    while day >= first:
        months.append(f"{day.year:04d}-{day.month:02d}")
        day = add_months(day, -1)
    return months


def _month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def opening_month(
    db: Database, *, batch_id: int | None = None, ended: bool = False, today: dt.date | None = None
) -> str:
    """The month the Hours and Returns tabs open on: where the work is, not an empty month.

    The latest month with hours recorded (duties or monthly totals), never after this month; with
    ``ended``, never after the last month that is over (a return is made for a finished month). With
    ``batch_id``, the latest month of that import's hours first. With no hours at all, the last
    month that is over."""
    today = today or dt.date.today()
    this_first = today.replace(day=1)
    last_complete = _month_of(this_first - dt.timedelta(days=1))
    limit = (this_first - dt.timedelta(days=1)) if ended else add_months(this_first, 1) - dt.timedelta(days=1)
    with db.read() as s:
        latest = None
        if batch_id is not None:
            latest = s.scalar(
                select(func.max(Duty.date)).where(Duty.import_batch_id == batch_id, Duty.date <= limit)
            )
        if latest is None:
            latest = s.scalar(select(func.max(Duty.date)).where(Duty.date <= limit))
    return _month_of(latest) if latest is not None else last_complete
