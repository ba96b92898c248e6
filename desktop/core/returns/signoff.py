"""Signing a month's return off: its figures are stored as they are that day, and kept.

A signed-off month is locked: its stored figures are what the return shows and prints from then on,
and any later change that would alter them needs a reason (``desktop.core.month_locks``).
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desktop.core import audit
from desktop.core.db import Database
from desktop.core.domain import month_bounds
from desktop.core.errors import ConflictError, ValidationError
from desktop.core.formats import month_label
from desktop.core.models import MonthLock
from desktop.core.returns.figures import ReturnFigures, SignedOff
from desktop.core.returns.months import parse_month
from desktop.core.returns.sections import compute


class LockInfo(TypedDict):
    """A month's sign-off as recorded: who, when, their note, and the figures stored."""

    month: str
    signed_off_by: str
    signed_off_at: dt.datetime
    note: str | None
    figures: ReturnFigures  # with ``signed_off`` set


def sign_off(db: Database, month: str, note: str | None = None) -> ReturnFigures:
    """Store today's figures for ``month`` as signed off by the OS user; returns them.

    ValidationError for a month not over yet; ConflictError if the month is already signed off (the
    stored figures are never replaced).
    """
    month = parse_month(month)
    _first, last = month_bounds(month)
    if last >= dt.date.today():
        raise ValidationError(
            {
                "month": f"{month_label(month)} is not over yet: its return can be signed off from "
                f"{last + dt.timedelta(days=1):%d/%m/%Y}, once every duty is in."
            }
        )
    figures = compute(db, month)
    try:
        with db.session(reason=f"monthly return {month} signed off") as s:
            existing = s.scalar(select(MonthLock).where(MonthLock.month == month))
            if existing is not None:
                raise ConflictError(_already_text(existing))
            s.add(
                MonthLock(
                    month=month,
                    signed_off_by=audit.current_user(),
                    figures=figures.to_json(),
                    note=note or None,
                )
            )
    except IntegrityError as exc:  # someone else signed it off in the same moment
        info = lock_info(db, month)
        who = f" by {info['signed_off_by']}" if info else ""
        raise ConflictError(f"The return for {month_label(month)} was signed off{who} just now.") from exc
    return figures


def _already_text(lock: MonthLock) -> str:
    return (
        f"The return for {month_label(lock.month)} was already signed off by {lock.signed_off_by} "
        f"on {lock.signed_off_at:%d/%m/%Y at %H:%M}. Its figures are kept as signed off."
    )


def lock_info(db: Database, month: str) -> LockInfo | None:
    """The sign-off of ``month``, or None when it is not signed off."""
    month = parse_month(month)
    with db.read() as s:
        lock = s.scalar(select(MonthLock).where(MonthLock.month == month))
        if lock is None:
            return None
        signed = SignedOff(by=lock.signed_off_by, at=lock.signed_off_at, note=lock.note)
        # Stored by whichever version signed the month off: read tolerantly (see figures.py).
        figures = ReturnFigures.from_json({"month": lock.month, **lock.figures})
        figures.signed_off = signed
        return LockInfo(
            month=lock.month,
            signed_off_by=lock.signed_off_by,
            signed_off_at=lock.signed_off_at,
            note=lock.note,
            figures=figures,
        )


def locked(db: Database, month: str) -> ReturnFigures | None:
    """The figures stored when ``month`` was signed off (``signed_off`` says by whom and when), or
    None when it is not signed off."""
    info = lock_info(db, month)
    return info["figures"] if info else None
