"""Qualifications: types with validity, officers' records, expiry warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.core import month_locks, settings
from desktop.core.db import Database
from desktop.core.domain import add_months
from desktop.core.errors import NotFoundError, ValidationError
from desktop.core.formats import full_name, uk_date
from desktop.core.models import Officer, OfficerQualification, QualificationType, Unit, UnitRequirement


def _latest_ids(s: Session) -> set[int]:
    """Ids of the records that are each officer's latest of their type (a later achieved date, or
    the same date with a higher id, supersedes a record). Reduced in Python over the small
    (officer, type, date, id) tuples: a NOT EXISTS or GROUP BY join took 5 s on SQLite with 6,000
    records because its planner walks the type index."""
    best: dict[tuple[int, int], tuple[dt.date, int]] = {}
    for officer_id, type_id, achieved, rid in s.execute(
        select(
            OfficerQualification.officer_id,
            OfficerQualification.type_id,
            OfficerQualification.achieved_on,
            OfficerQualification.id,
        )
    ):
        key = (officer_id, type_id)
        if key not in best or (achieved, rid) > best[key]:
            best[key] = (achieved, rid)
    return {rid for _achieved, rid in best.values()}


def officer_flags(db: Database, on: dt.date | None = None) -> dict[int, str]:
    """Per officer: "expired" if any current qualification has expired on ``on`` (default today),
    else "expiring" if one expires within the warning window (setting, default 60 days).

    Only the latest record of each (officer, type) counts: a renewal clears the old expiry.
    """
    on = on or dt.date.today()
    window = int(settings.get(db, "expiry_warning_days") or 60)
    with db.read() as s:
        latest = _latest_ids(s)
        rows = s.execute(
            select(
                OfficerQualification.id, OfficerQualification.officer_id, OfficerQualification.expires_on
            ).where(OfficerQualification.expires_on.is_not(None))
        )
        flags: dict[int, str] = {}
        for rid, officer_id, expires in rows:
            if expires is None or rid not in latest:
                continue
            if expires < on:
                flags[officer_id] = "expired"
            elif expires <= on + dt.timedelta(days=window) and flags.get(officer_id) != "expired":
                flags[officer_id] = "expiring"
    return flags


# ---------------------------------------------------------------------------------------------
# Plain data
# ---------------------------------------------------------------------------------------------

STATUS_LABELS = {
    "expired": "Expired",
    "expiring": "Expiring soon",
    "valid": "Valid",
    "no_expiry": "Does not expire",
}


def warning_days(db: Database) -> int:
    try:
        return max(0, int(settings.get(db, "expiry_warning_days") or 60))
    except (TypeError, ValueError):
        return 60


def status_of(expires_on: dt.date | None, on: dt.date, window: int) -> str:
    """ "expired" after the expiry date, "expiring" up to ``window`` days before it (the expiry day
    itself included: a qualification is still valid on the day it expires), else "valid"."""
    if expires_on is None:
        return "no_expiry"
    if expires_on < on:
        return "expired"
    if expires_on <= on + dt.timedelta(days=window):
        return "expiring"
    return "valid"


@dataclass
class QualType:
    id: int
    name: str
    validity_months: int | None
    category: str | None
    driving_level: int | None
    active: bool
    in_use: int = 0  # records held by officers

    @property
    def validity_text(self) -> str:
        if not self.validity_months:
            return "Does not expire"
        months = self.validity_months
        if months % 12 == 0:
            years = months // 12
            return f"{years} year" if years == 1 else f"{years} years"
        return f"{months} months"


@dataclass
class QualRecord:
    id: int
    officer_id: int
    type_id: int
    type_name: str
    achieved_on: dt.date
    expires_on: dt.date | None
    note: str | None
    status: str
    days_left: int | None
    current: bool  # the latest record of its type for the officer

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class ExpiringRow:
    officer_id: int
    collar: str
    name: str
    team: str | None
    type_name: str
    achieved_on: dt.date
    expires_on: dt.date
    status: str  # "expired" | "expiring"
    days_left: int  # negative once expired


# ---------------------------------------------------------------------------------------------
# Types (Settings)
# ---------------------------------------------------------------------------------------------


def list_types(db: Database, *, include_inactive: bool = True) -> list[QualType]:
    with db.read() as s:
        used = dict(
            s.execute(  # type: ignore[arg-type]
                select(OfficerQualification.type_id, func.count()).group_by(OfficerQualification.type_id)
            ).all()
        )
        q = select(QualificationType).order_by(QualificationType.name)
        if not include_inactive:
            q = q.where(QualificationType.active.is_(True))
        return [
            QualType(
                t.id,
                t.name,
                t.validity_months,
                t.category,
                t.driving_level,
                bool(t.active),
                used.get(t.id, 0),
            )
            for t in s.scalars(q)
        ]


def _clean_type(
    s: Session, name: str, validity_months: int | None, type_id: int | None
) -> tuple[str, int | None]:
    text = " ".join((name or "").split())
    if not text:
        raise ValidationError({"name": "A qualification type needs a name."})
    if len(text) > 120:
        raise ValidationError({"name": "A qualification name can be at most 120 characters."})
    clash = s.scalar(select(QualificationType).where(func.lower(QualificationType.name) == text.lower()))
    if clash is not None and clash.id != type_id:
        raise ValidationError({"name": f"There is already a qualification type called {clash.name!r}."})
    months = validity_months or None
    if months is not None and (months < 0 or months > 600):
        raise ValidationError({"validity_months": "Validity must be between 1 and 600 months, or none."})
    return text, months


def add_type(
    db: Database,
    name: str,
    validity_months: int | None,
    *,
    category: str | None = None,
    driving_level: int | None = None,
) -> int:
    with db.session() as s:
        text, months = _clean_type(s, name, validity_months, None)
        row = QualificationType(
            name=text,
            validity_months=months,
            category=(category or "").strip() or None,
            driving_level=driving_level or None,
            active=True,
        )
        s.add(row)
        s.flush()
        return row.id


def _type_row(s: Session, type_id: int) -> QualificationType:
    row = s.get(QualificationType, type_id)
    if row is None:
        raise NotFoundError(f"No qualification type with id {type_id}: it may have been deleted.")
    return row


def update_type(
    db: Database,
    type_id: int,
    *,
    name: str,
    validity_months: int | None,
    category: str | None = None,
    driving_level: int | None = None,
    active: bool = True,
) -> None:
    """Change a type. Existing records keep their expiry dates; new records use the new validity."""
    with db.session() as s:
        row = _type_row(s, type_id)
        text, months = _clean_type(s, name, validity_months, type_id)
        values = {
            "name": text,
            "validity_months": months,
            "category": (category or "").strip() or None,
            "driving_level": driving_level or None,
            "active": bool(active),
        }
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)


def set_type_active(db: Database, type_id: int, active: bool) -> None:
    with db.session() as s:
        row = _type_row(s, type_id)
        if bool(row.active) != active:
            row.active = active


def delete_type(db: Database, type_id: int) -> None:
    """Delete a type nobody holds and no unit requires; otherwise it can only be deactivated."""
    with db.session() as s:
        row = _type_row(s, type_id)
        held = s.scalar(select(func.count()).where(OfficerQualification.type_id == type_id)) or 0
        if held:
            records = "record" if held == 1 else "records"
            raise ValidationError(
                {
                    "type": f"{row.name} cannot be deleted: officers hold {held} {records} of it. "
                    "Untick Active instead, so it is no longer offered."
                }
            )
        units = list(
            s.scalars(
                select(Unit.name)
                .join(UnitRequirement, UnitRequirement.unit_id == Unit.id)
                .where(UnitRequirement.qualification_type_id == type_id)
            )
        )
        if units:
            raise ValidationError(
                {
                    "type": f"{row.name} cannot be deleted: required by {', '.join(units)}. "
                    "Remove it from those units first, or untick Active."
                }
            )
        s.delete(row)


# ---------------------------------------------------------------------------------------------
# Officers' qualifications
# ---------------------------------------------------------------------------------------------


def expiry_for(db: Database, type_id: int, achieved_on: dt.date) -> dt.date | None:
    with db.read() as s:
        months = _type_row(s, type_id).validity_months
    return add_months(achieved_on, months) if months else None


def record(
    db: Database,
    officer_id: int,
    type_id: int,
    achieved_on: dt.date,
    note: str | None = None,
    *,
    today: dt.date | None = None,
    locked_reason: str | None = None,
) -> int:
    """Record (or renew: a later date of a type already held) a qualification; expiry from validity.

    One dated back into a signed-off month can change its expired and expiring lists: then it needs
    ``locked_reason`` (LockedMonthError)."""
    today = today or dt.date.today()
    with db.session() as s:
        if s.get(Officer, officer_id) is None:
            raise NotFoundError(f"No officer with id {officer_id}.")
        qtype = _type_row(s, type_id)
        if not qtype.active:
            raise ValidationError(
                {"type": f"{qtype.name} is no longer in use. Tick Active for it in Settings to record it."}
            )
        if achieved_on > today:
            raise ValidationError({"achieved_on": f"{uk_date(achieved_on)} is in the future."})
        same = s.scalar(
            select(OfficerQualification).where(
                OfficerQualification.officer_id == officer_id,
                OfficerQualification.type_id == type_id,
                OfficerQualification.achieved_on == achieved_on,
            )
        )
        if same is not None:
            raise ValidationError(
                {"achieved_on": f"{qtype.name} achieved on {uk_date(achieved_on)} is already recorded."}
            )
        with month_locks.guard(s, [officer_id], locked_reason, what="record this qualification"):
            row = OfficerQualification(
                officer_id=officer_id,
                type_id=type_id,
                achieved_on=achieved_on,
                expires_on=add_months(achieved_on, qtype.validity_months) if qtype.validity_months else None,
                note=(note or "").strip() or None,
            )
            s.add(row)
        return row.id


def renew(
    db: Database,
    officer_id: int,
    type_id: int,
    achieved_on: dt.date,
    note: str | None = None,
    *,
    today: dt.date | None = None,
    locked_reason: str | None = None,
) -> int:
    """Renew a held qualification: the new date must be after the latest one."""
    with db.read() as s:
        latest = s.scalar(
            select(func.max(OfficerQualification.achieved_on)).where(
                OfficerQualification.officer_id == officer_id, OfficerQualification.type_id == type_id
            )
        )
        name = _type_row(s, type_id).name
    if latest is not None and achieved_on <= latest:
        raise ValidationError(
            {"achieved_on": f"A renewal must be after the last {name} ({uk_date(latest)})."}
        )
    return record(db, officer_id, type_id, achieved_on, note, today=today, locked_reason=locked_reason)


def remove_record(db: Database, record_id: int, *, reason: str, locked_reason: str | None = None) -> None:
    """Remove a record entered by mistake; the reason is kept in the audit log. When that changes
    a signed-off month's figures, ``locked_reason`` is needed too (LockedMonthError)."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError(
            {"reason": "Say why you are removing this record (it is kept in the audit log)."}
        )
    with db.session(reason=text) as s:
        row = s.get(OfficerQualification, record_id)
        if row is None:
            raise NotFoundError("That qualification record no longer exists.")
        with month_locks.guard(s, [row.officer_id], locked_reason, what="remove this record"):
            s.delete(row)


def officer_qualifications(db: Database, officer_id: int, *, on: dt.date | None = None) -> list[QualRecord]:
    """Every record of the officer, newest first within each type; ``current`` marks the latest."""
    on = on or dt.date.today()
    window = warning_days(db)
    with db.read() as s:
        rows = s.execute(
            select(OfficerQualification, QualificationType.name)
            .join(QualificationType, QualificationType.id == OfficerQualification.type_id)
            .where(OfficerQualification.officer_id == officer_id)
            .order_by(
                QualificationType.name,
                OfficerQualification.achieved_on.desc(),
                OfficerQualification.id.desc(),
            )
        ).all()
        out: list[QualRecord] = []
        seen: set[int] = set()
        for q, name in rows:
            current = q.type_id not in seen
            seen.add(q.type_id)
            status = status_of(q.expires_on, on, window)
            out.append(
                QualRecord(
                    id=q.id,
                    officer_id=q.officer_id,
                    type_id=q.type_id,
                    type_name=name,
                    achieved_on=q.achieved_on,
                    expires_on=q.expires_on,
                    note=q.note,
                    status=status,
                    days_left=(q.expires_on - on).days if q.expires_on else None,
                    current=current,
                )
            )
    return out


def expiring(
    db: Database,
    *,
    on: dt.date | None = None,
    window: int | None = None,
    include_leavers: bool = False,
) -> list[ExpiringRow]:
    """Every current qualification expired or expiring within ``window`` days (default: setting),
    soonest first. Only the latest record of each officer and type counts."""
    on = on or dt.date.today()
    window = warning_days(db) if window is None else window
    horizon = on + dt.timedelta(days=window)
    with db.read() as s:
        latest = _latest_ids(s)
        q = (
            select(
                OfficerQualification.id,
                Officer.id,
                Officer.collar,
                Officer.surname,
                Officer.forenames,
                Officer.team,
                QualificationType.name,
                OfficerQualification.achieved_on,
                OfficerQualification.expires_on,
            )
            .select_from(OfficerQualification)
            .join(Officer, Officer.id == OfficerQualification.officer_id)
            .join(QualificationType, QualificationType.id == OfficerQualification.type_id)
            .where(
                OfficerQualification.expires_on.is_not(None),
                OfficerQualification.expires_on <= horizon,
            )
            .order_by(OfficerQualification.expires_on, Officer.surname, Officer.collar)
        )
        if not include_leavers:
            q = q.where(Officer.status != "left")
        rows = s.execute(q).all()
    out = []
    for rid, oid, collar, surname, forenames, team, type_name, achieved, expires in rows:
        if expires is None or rid not in latest:
            continue
        out.append(
            ExpiringRow(
                officer_id=oid,
                collar=collar,
                name=full_name(surname, forenames),
                team=team,
                type_name=type_name,
                achieved_on=achieved,
                expires_on=expires,
                status="expired" if expires < on else "expiring",
                days_left=(expires - on).days,
            )
        )
    return out
