"""What the return of one month reads from the database, in one read transaction.

Plain Core rows (no ORM loading), summed in SQL over date ranges: hours use the covering index on
duties (date, officer_id, hours). Nothing here decides a figure; ``compute`` does that from these facts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from desktop.core import settings
from desktop.core.db import Database
from desktop.core.domain import add_months, financial_year_start, month_bounds
from desktop.core.models import (
    Attachment,
    Duty,
    Officer,
    OfficerQualification,
    PathwayStage,
    QualificationType,
    RankChange,
    RankDef,
    StageAchieved,
    StatusChange,
    Unit,
)

NO_UNIT = "(no unit)"


@dataclass(frozen=True)
class Period:
    """The days a month's return looks at."""

    month: str  # YYYY-MM
    first: dt.date
    last: dt.date  # every figure is as at this day
    year_start: dt.date  # 1 April of the financial year that holds ``last``
    three_back: dt.date  # first day of the month two months before (the "inactive" window)

    @classmethod
    def of(cls, month: str) -> Period:
        first, last = month_bounds(month)
        return cls(month, first, last, financial_year_start(last), add_months(first, -2))

    def holds(self, day: dt.date | None) -> bool:
        return day is not None and self.first <= day <= self.last


@dataclass
class DutyHours:
    """Each officer's hours in the month, in the financial year to month end, and whether they did
    any in the three months to month end; the month's hours by duty type and by unit name."""

    month: dict[int, float]
    year: dict[int, float]
    active_3_months: set[int]
    by_duty_type: dict[str, float]
    by_unit: dict[str, float]


@dataclass
class AttachmentRows:
    active_by_unit: list[tuple[str, int]]  # unit name, attachments active at month end
    started: list[tuple[int, str, dt.date | None]]  # officer id, unit name, start date
    ended: list[tuple[int, str, dt.date | None]]  # officer id, unit name, end date
    active_units: list[str]  # every active unit, by name


@dataclass
class MonthFacts:
    period: Period
    minimum_hours: float
    warning_days: int
    ranks: list[tuple[str, str]]  # (code, name), lowest rank first
    officers: list[Any]  # Core rows of every officer, by surname, forenames, collar
    rank_at: dict[int, str]  # officer id -> rank held at month end (from the dated history)
    status_at: dict[int, str]  # officer id -> status held at month end
    leaving_reasons: dict[int, str | None]  # officer id -> reason of a "left" status change
    left_in_month: dict[
        int, tuple[dt.date | None, str | None]
    ]  # officer id -> (day, reason) left in the month
    attested: dict[int, dt.date]  # earliest pathway stage marked as attestation
    independent_patrol: dict[int, dt.date]  # earliest pathway stage marked as independent patrol
    hours: DutyHours
    attachments: AttachmentRows
    qualifications: list[tuple[int, str, dt.date]]  # officer id, name, expiry up to the warning horizon


def read_facts(db: Database, period: Period) -> MonthFacts:
    """Everything the return of ``period`` reads: settings, then one read transaction."""
    minimum = settings.minimum_hours(db)
    warning_days = int(settings.get(db, "expiry_warning_days") or 60)
    with db.read() as s:
        c = s.connection()
        return MonthFacts(
            period=period,
            minimum_hours=minimum,
            warning_days=warning_days,
            ranks=[
                (code, name)
                for code, name in c.execute(select(RankDef.code, RankDef.name).order_by(RankDef.position))
            ],
            officers=_officers(c),
            rank_at=_as_at(c, RankChange, RankChange.rank, period.last),
            status_at=_as_at(c, StatusChange, StatusChange.status, period.last),
            leaving_reasons=_leaving_reasons(c),
            left_in_month=_left_in_month(c, period),
            attested=_stage_dates(c, PathwayStage.is_attestation),
            independent_patrol=_stage_dates(c, PathwayStage.is_independent_patrol),
            hours=_hours(c, period),
            attachments=_attachments(c, period),
            qualifications=_qualifications_due(c, period.last, warning_days),
        )


def _officers(c: Connection) -> list[Any]:
    return list(
        c.execute(
            select(
                Officer.id,
                Officer.collar,
                Officer.surname,
                Officer.forenames,
                Officer.rank,
                Officer.status,
                Officer.team,
                Officer.joined,
                Officer.attested,
                Officer.independent_patrol,
                Officer.left_date,
                Officer.leaving_reason,
            ).order_by(Officer.surname, Officer.forenames, Officer.collar)
        ).all()
    )


def _as_at(c: Connection, model: Any, column: Any, last: dt.date) -> dict[int, Any]:
    """Per officer, the value of the latest history row effective on or before ``last``.

    A row without a date counts from joining (before any dated row). When every row of an officer
    is dated after ``last``, the earliest one is taken (the first value known).
    """
    rows = c.execute(select(model.officer_id, column, model.effective, model.id))
    held: dict[int, tuple[tuple[dt.date, int], Any]] = {}
    first_known: dict[int, tuple[tuple[dt.date, int], Any]] = {}
    for oid, value, effective, row_id in rows:
        key = (effective or dt.date.min, row_id)
        if effective is None or effective <= last:
            if oid not in held or key > held[oid][0]:
                held[oid] = (key, value)
        elif oid not in first_known or key < first_known[oid][0]:
            first_known[oid] = (key, value)
    out = {oid: value for oid, (_, value) in first_known.items()}
    out.update({oid: value for oid, (_, value) in held.items()})
    return out


def _leaving_reasons(c: Connection) -> dict[int, str | None]:
    return {
        oid: reason
        for oid, reason in c.execute(
            select(StatusChange.officer_id, StatusChange.reason).where(
                StatusChange.status == "left", StatusChange.reason.is_not(None)
            )
        )
    }


def _left_in_month(c: Connection, period: Period) -> dict[int, tuple[dt.date | None, str | None]]:
    """Leavers of the month from the dated history, so a leaver who later rejoined still counts."""
    return {
        oid: (day, reason)
        for oid, day, reason in c.execute(  # effective is not NULL here: filtered by the range
            select(StatusChange.officer_id, StatusChange.effective, StatusChange.reason)
            .where(
                StatusChange.status == "left",
                StatusChange.effective >= period.first,
                StatusChange.effective <= period.last,
            )
            .order_by(StatusChange.effective, StatusChange.id)
        )
    }


def _stage_dates(c: Connection, flag: Any) -> dict[int, dt.date]:
    """Earliest date each officer achieved a pathway stage marked by ``flag``."""
    rows = c.execute(
        select(StageAchieved.officer_id, func.min(StageAchieved.achieved_on))
        .join(PathwayStage, PathwayStage.id == StageAchieved.stage_id)
        .where(flag.is_(True))
        .group_by(StageAchieved.officer_id)
    )
    return {oid: day for oid, day in rows if day is not None}


def _hours(c: Connection, period: Period) -> DutyHours:
    # One scan of the covering index (date, officer_id, hours) from the earlier of 1 April and
    # M-2 to month end gives each officer's month, year-to-date and three-month hours.
    first, last, year_start, three_back = period.first, period.last, period.year_start, period.three_back
    month_hours: dict[int, float] = {}
    ytd_hours: dict[int, float] = {}
    active_3: set[int] = set()
    for oid, in_month, in_year, in_three in c.execute(
        select(
            Duty.officer_id,
            func.sum(case((Duty.date >= first, Duty.hours), else_=0.0)),
            func.sum(case((Duty.date >= year_start, Duty.hours), else_=0.0)),
            func.sum(case((Duty.date >= three_back, Duty.hours), else_=0.0)),
        )
        .where(Duty.date >= min(year_start, three_back), Duty.date <= last)
        .group_by(Duty.officer_id)
    ):
        if in_month:
            month_hours[oid] = float(in_month)
        if in_year:
            ytd_hours[oid] = float(in_year)
        if in_three and in_three > 0:
            active_3.add(oid)
    # Duty type and unit in one pass over the month's duties.
    unit_names = dict(c.execute(select(Unit.id, Unit.name)).all())
    by_type: defaultdict[str, float] = defaultdict(float)
    by_unit: defaultdict[str, float] = defaultdict(float)
    for duty_type, unit_id, total in c.execute(
        select(Duty.duty_type, Duty.unit_id, func.sum(Duty.hours))
        .where(Duty.date >= first, Duty.date <= last)
        .group_by(Duty.duty_type, Duty.unit_id)
    ).all():
        by_type[duty_type or "other"] += float(total or 0)
        if unit_id is not None:
            by_unit[unit_names.get(unit_id, NO_UNIT)] += float(total or 0)
    return DutyHours(month_hours, ytd_hours, active_3, dict(by_type), dict(by_unit))


def _attachments(c: Connection, period: Period) -> AttachmentRows:
    first, last = period.first, period.last
    active = c.execute(
        select(Unit.name, func.count(Attachment.id))
        .join(Unit, Unit.id == Attachment.unit_id)
        .where(
            Attachment.state != "requested",
            Attachment.withdrawn.is_(False),
            Attachment.start_date <= last,
            # end_date is the day the place becomes free: ending on the last day is not active then
            or_(
                and_(Attachment.end_date.is_(None), Attachment.state == "active"),
                Attachment.end_date > last,
            ),
        )
        .group_by(Unit.name)
    ).all()
    started = c.execute(
        select(Attachment.officer_id, Unit.name, Attachment.start_date)
        .join(Unit, Unit.id == Attachment.unit_id)
        .where(
            Attachment.state != "requested",
            Attachment.withdrawn.is_(False),
            Attachment.start_date >= first,
            Attachment.start_date <= last,
        )
        .order_by(Attachment.start_date, Unit.name)
    ).all()
    ended = c.execute(
        select(Attachment.officer_id, Unit.name, Attachment.end_date)
        .join(Unit, Unit.id == Attachment.unit_id)
        .where(
            Attachment.state == "ended",
            Attachment.withdrawn.is_(False),
            Attachment.end_date >= first,
            Attachment.end_date <= last,
        )
        .order_by(Attachment.end_date, Unit.name)
    ).all()
    units = [
        name for (name,) in c.execute(select(Unit.name).where(Unit.active.is_(True)).order_by(Unit.name))
    ]
    return AttachmentRows(
        active_by_unit=[(name, int(n)) for name, n in active],
        started=[(oid, str(unit), day) for oid, unit, day in started],
        ended=[(oid, str(unit), day) for oid, unit, day in ended],
        active_units=units,
    )


def _qualifications_due(c: Connection, last: dt.date, warning_days: int) -> list[tuple[int, str, dt.date]]:
    """(officer id, qualification, expiry) of each officer's latest record of each qualification
    achieved by month end, where it expires within ``warning_days`` of month end or earlier.

    A renewal replaces the old expiry. Picked in Python over the qualification rows (a few per
    officer); the equivalent join on a grouped subquery takes SQLite seconds on a large force."""
    names = dict(c.execute(select(QualificationType.id, QualificationType.name)).all())
    latest: dict[tuple[int, int], tuple[dt.date, dt.date | None]] = {}
    for oid, type_id, achieved, expires in c.execute(
        select(
            OfficerQualification.officer_id,
            OfficerQualification.type_id,
            OfficerQualification.achieved_on,
            OfficerQualification.expires_on,
        ).where(OfficerQualification.achieved_on <= last)
    ):
        key = (oid, type_id)
        held = latest.get(key)
        if held is None or achieved > held[0] or (achieved == held[0] and _later(expires, held[1])):
            latest[key] = (achieved, expires)
    horizon = last + dt.timedelta(days=warning_days)
    return [
        (oid, names.get(type_id, "?"), expires)
        for (oid, type_id), (_, expires) in latest.items()
        if expires is not None and expires <= horizon
    ]


def _later(a: dt.date | None, b: dt.date | None) -> bool:
    """Whether expiry ``a`` is later than ``b`` (no expiry is latest)."""
    if a is None:
        return b is not None
    return b is not None and a > b
