"""Qualifications: types with validity, officers' records, expiry warnings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from desktop.core import settings
from desktop.core.db import Database
from desktop.core.models import OfficerQualification


def officer_flags(db: Database, on: dt.date | None = None) -> dict[int, str]:
    """Per officer: "expired" if any current qualification has expired on ``on`` (default today),
    else "expiring" if one expires within the warning window (setting, default 60 days).

    Only the latest record of each (officer, type) counts: a renewal clears the old expiry.
    """
    on = on or dt.date.today()
    window = int(settings.get(db, "expiry_warning_days") or 60)
    with db.read() as s:
        latest = (
            select(
                OfficerQualification.officer_id,
                OfficerQualification.type_id,
                func.max(OfficerQualification.achieved_on).label("achieved"),
            )
            .group_by(OfficerQualification.officer_id, OfficerQualification.type_id)
            .subquery()
        )
        rows = s.execute(
            select(OfficerQualification.officer_id, OfficerQualification.expires_on)
            .join(
                latest,
                (OfficerQualification.officer_id == latest.c.officer_id)
                & (OfficerQualification.type_id == latest.c.type_id)
                & (OfficerQualification.achieved_on == latest.c.achieved),
            )
            .where(OfficerQualification.expires_on.is_not(None))
        )
        flags: dict[int, str] = {}
        for officer_id, expires in rows:
            if expires is None:
                continue
            if expires < on:
                flags[officer_id] = "expired"
            elif expires <= on + dt.timedelta(days=window) and flags.get(officer_id) != "expired":
                flags[officer_id] = "expiring"
    return flags
