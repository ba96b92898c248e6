"""What the database holds that an import compares its rows with: every officer by collar number,
their legacy fields (when the sheet has legacy columns) and their monthly totals of hours (for the
sheet's months), read once per import."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.core.formats import collar_key
from desktop.core.models import Duty, LegacyField, Officer
from desktop.excel.headers import LEGACY, Column
from desktop.importing.limits import OFFICER_FIELDS


@dataclass
class Held:
    # collar_key -> the officer's id and fields, as stored
    officers: dict[str, dict[str, Any]] = field(default_factory=dict)
    # officer id -> legacy field name -> value
    legacy: dict[int, dict[str, str | None]] = field(default_factory=lambda: defaultdict(dict))
    # (officer id, "YYYY-MM") -> the monthly total held
    hours: dict[tuple[int, str], float] = field(default_factory=dict)


def load_held(s: Session, columns: Sequence[Column]) -> Held:
    held = Held()
    cols = [getattr(Officer, f) for f in OFFICER_FIELDS]
    for row in s.execute(select(Officer.id, *cols)):
        rec = row._asdict()
        held.officers[collar_key(rec["collar"])] = rec
    if not held.officers:
        return held
    if any(c.target == LEGACY for c in columns):
        for oid, name, value in s.execute(
            select(LegacyField.officer_id, LegacyField.name, LegacyField.value)
        ):
            held.legacy[oid][name] = value
    months = sorted({dt.date(int(c.month[:4]), int(c.month[5:]), 1) for c in columns if c.month})
    if months:
        q = select(Duty.officer_id, Duty.date, Duty.hours).where(
            Duty.is_monthly_total.is_(True), Duty.date.in_(months)
        )
        for oid, day, hours in s.execute(q):
            held.hours[(oid, f"{day.year:04d}-{day.month:02d}")] = hours
    return held
