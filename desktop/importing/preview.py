"""What the preview tells before anything is written: the signed-off months whose figures the import
would change, and monthly totals that would sit beside duties already recorded that month."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop.core import month_locks
from desktop.core.db import Database
from desktop.core.domain import month_bounds
from desktop.core.models import Duty
from desktop.importing.model import ImportPlan
from desktop.importing.write import DUTY_TYPE


def signed_off_months(db: Database, p: ImportPlan) -> list[str]:
    """The signed-off months ("YYYY-MM") whose figures this import would change (see month_locks)."""
    return sorted(signed_off_changes(db, p))


def signed_off_changes(db: Database, p: ImportPlan) -> dict[str, list[str]]:
    """Signed-off month -> what in its return this import would change (see month_locks)."""
    with db.read() as s:
        return month_locks.import_touches(s, p.rows, duty_type=DUTY_TYPE)


def totals_over_duties(db: Database, p: ImportPlan) -> list[tuple[str, str, float]]:
    """(collar, "YYYY-MM", hours) where the import sets a monthly total for an officer who already has
    duties recorded that month: the total is added to them, so the month may count twice."""
    wanted: dict[int, tuple[str, set[str]]] = {}
    for r in p.rows:
        if r.outcome == "updated" and r.officer_id is not None and r.changes:
            months = {key[6:] for key in r.changes if key.startswith("hours:")}
            if months:
                wanted[r.officer_id] = (r.collar or "", months)
    if not wanted:
        return []
    all_months = sorted(set().union(*(m for _, m in wanted.values())))
    first, last = month_bounds(all_months[0])[0], month_bounds(all_months[-1])[1]
    found: dict[tuple[int, str], float] = {}
    with db.read() as s:
        rows = s.execute(
            select(Duty.officer_id, Duty.date, func.sum(Duty.hours))
            .where(
                Duty.officer_id.in_(list(wanted)),
                Duty.is_monthly_total.is_(False),
                Duty.date >= first,
                Duty.date <= last,
            )
            .group_by(Duty.officer_id, Duty.date)
        )
        for oid, day, total in rows:
            key = (oid, f"{day.year:04d}-{day.month:02d}")
            found[key] = found.get(key, 0.0) + float(total or 0)
    return sorted(
        (wanted[oid][0], month, round(total, 2))
        for (oid, month), total in found.items()
        if month in wanted[oid][1] and total > 0
    )
