"""The monthly return (PRODUCT.md "Monthly return"): one service for the tab, the printout, the Excel
export and ``cipdesk return``.

``compute(db, "YYYY-MM")`` returns plain, JSON-ready data. The keys of CLI.md are always present;
extra keys carry what PRODUCT.md asks for and CLI.md does not list, and what the printout needs:

- ``joiners``: list of {collar, name, date, rank, team}; ``joiners_count``.
- ``leavers``: list of {collar, name, date, reason, rank, team}; ``leavers_count``,
  ``leavers_by_reason`` {reason: count} (every reason of domain.LEAVING_REASONS, zeros included,
  except "not recorded", listed only when a leaver has it).
- ``inactive_3_months``: list of {collar, name, rank, team}; ``inactive_3_months_count``.
- ``independent_patrol``: {total, new, new_officers: [{collar, name, date}]}.
- ``attachments``: {active_by_unit {unit: count}, started [{collar, name, unit, date}], ended [...],
  active_total, started_count, ended_count}.
- ``qualifications``: {expired [{collar, name, qualification, expires}], expiring_60_days [...],
  expired_count, expiring_count, warning_days}.
- ``teams``: [{team, headcount, hours, applies, met, below, zero}] and ``units``: [{unit, active,
  started, ended, hours}] for the Teams and Units sheets.
- ``officers`` rows also carry ``status`` and ``applies``; they list who served at month end and anyone
  else with hours this month or this financial year (so ``ytd_hours`` adds up to the year's total).
- ``rank_names`` {code: name}, ``as_at``, ``first_day``, ``year_start`` (ISO dates),
  ``notes``: plain sentences about gaps in the data that affected the figures.

Dates are ISO strings (the figures are stored as JSON when a month is signed off); hours are floats
rounded to 2 places; ranks by short code; statuses as domain.STATUSES.

Rules (all as at the last day of M): rank and status come from the dated history (a change without a
date counts from joining); serving = joined on or before month end and not left by then; an officer
with no joining date counts as serving unless left or an applicant (legacy rosters), and an
officer with no attestation date counts as attested when active, on LOA or suspended at month end;
both are reported in ``notes``. The minimum applies to officers attested by month end, serving, and
not on LOA or suspended. Duties count on their start date; monthly totals on the 1st of their month.
Hours are summed in SQL over date ranges (the covering index on duties(date, officer_id, hours)).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError

from desktop.core import audit, compliance, settings
from desktop.core.db import Database
from desktop.core.domain import (
    DUTY_TYPES,
    LEAVING_REASONS,
    NOT_RECORDED,
    STATUSES,
    add_months,
    financial_year_start,
    month_bounds,
    month_label,
)
from desktop.core.errors import CipDeskError, ConflictError, ValidationError
from desktop.core.models import (
    Attachment,
    Duty,
    MonthLock,
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

NO_TEAM = "(no team)"
NO_UNIT = "(no unit)"
SERVING_STATUSES = tuple(s for s in STATUSES if s != "left")
# Reasons every return lists, zeros included; "not recorded" (a leaver imported without a reason)
# shows only when a leaver has it, so returns signed off before it existed keep their figures.
_LISTED_REASONS = tuple(r for r in LEAVING_REASONS if r != NOT_RECORDED)
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


def _name(surname: str, forenames: str | None) -> str:
    return f"{surname}, {forenames}" if forenames else surname


def _h(value: float | None) -> float:
    return round(float(value or 0.0), 2)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# ---------------------------------------------------------------------------------------------
# SQL pieces
# ---------------------------------------------------------------------------------------------


def _hours_per_officer(c: Connection, first: dt.date, last: dt.date) -> dict[int, float]:
    rows = c.execute(
        select(Duty.officer_id, func.sum(Duty.hours))
        .where(Duty.date >= first, Duty.date <= last)
        .group_by(Duty.officer_id)
    )
    return {oid: float(total or 0.0) for oid, total in rows}


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


def _stage_dates(c: Connection, flag: Any) -> dict[int, dt.date]:
    """Earliest date each officer achieved a pathway stage marked by ``flag``."""
    rows = c.execute(
        select(StageAchieved.officer_id, func.min(StageAchieved.achieved_on))
        .join(PathwayStage, PathwayStage.id == StageAchieved.stage_id)
        .where(flag.is_(True))
        .group_by(StageAchieved.officer_id)
    )
    return {oid: day for oid, day in rows if day is not None}


# ---------------------------------------------------------------------------------------------
# The return
# ---------------------------------------------------------------------------------------------


def compute(db: Database, month: str) -> dict[str, Any]:
    """Every figure of the monthly return for ``month`` (``YYYY-MM``). See the module docstring."""
    month = parse_month(month)
    first, last = month_bounds(month)
    year_start = financial_year_start(last)
    three_back = add_months(first, -2)
    minimum = settings.minimum_hours(db)
    warning_days = int(settings.get(db, "expiry_warning_days") or 60)
    notes: list[str] = []

    with db.read() as s:
        c = s.connection()  # Core rows: no ORM loading for plain columns
        rank_defs = list(c.execute(select(RankDef.code, RankDef.name).order_by(RankDef.position)))
        officers = c.execute(
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
        rank_at = _as_at(c, RankChange, RankChange.rank, last)
        status_at = _as_at(c, StatusChange, StatusChange.status, last)
        leave_reasons = {
            oid: reason
            for oid, reason in c.execute(
                select(StatusChange.officer_id, StatusChange.reason).where(
                    StatusChange.status == "left", StatusChange.reason.is_not(None)
                )
            )
        }
        # Leavers of the month from the dated history, so a leaver who later rejoined still counts here.
        left_in_month = {
            oid: (day, reason)
            for oid, day, reason in c.execute(  # effective is not NULL here: filtered by the range
                select(StatusChange.officer_id, StatusChange.effective, StatusChange.reason)
                .where(
                    StatusChange.status == "left",
                    StatusChange.effective >= first,
                    StatusChange.effective <= last,
                )
                .order_by(StatusChange.effective, StatusChange.id)
            )
        }
        attest_stage = _stage_dates(c, PathwayStage.is_attestation)
        ip_stage = _stage_dates(c, PathwayStage.is_independent_patrol)

        # One scan of the covering index (date, officer_id, hours) from the earlier of 1 April and
        # M-2 to month end gives each officer's month, year-to-date and three-month hours.
        scan_from = min(year_start, three_back)
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
            .where(Duty.date >= scan_from, Duty.date <= last)
            .group_by(Duty.officer_id)
        ):
            if in_month:
                month_hours[oid] = float(in_month)
            if in_year:
                ytd_hours[oid] = float(in_year)
            if in_three and in_three > 0:
                active_3.add(oid)
        # Duty type and unit in one pass over the month's duties.
        unit_name_by_id = dict(c.execute(select(Unit.id, Unit.name)).all())
        type_unit_rows = c.execute(
            select(Duty.duty_type, Duty.unit_id, func.sum(Duty.hours))
            .where(Duty.date >= first, Duty.date <= last)
            .group_by(Duty.duty_type, Duty.unit_id)
        ).all()
        by_type_acc: defaultdict[str, float] = defaultdict(float)
        by_unit_acc: defaultdict[str, float] = defaultdict(float)
        for duty_type, unit_id, total in type_unit_rows:
            by_type_acc[duty_type or "other"] += float(total or 0)
            if unit_id is not None:
                by_unit_acc[unit_name_by_id.get(unit_id, NO_UNIT)] += float(total or 0)
        units = [
            name for (name,) in c.execute(select(Unit.name).where(Unit.active.is_(True)).order_by(Unit.name))
        ]

        active_att = c.execute(
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
        started_rows = c.execute(
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
        ended_rows = c.execute(
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

        # Latest record of each (officer, qualification) achieved by month end: a renewal replaces
        # the old expiry. Picked in Python over the qualification rows (a few per officer); the
        # equivalent join on a grouped subquery takes SQLite seconds on a large force.
        qual_names = dict(c.execute(select(QualificationType.id, QualificationType.name)).all())
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
        qual_rows = [
            (oid, qual_names.get(type_id, "?"), expires)
            for (oid, type_id), (_, expires) in latest.items()
            if expires is not None and expires <= horizon
        ]

    # -- one pass over officers -------------------------------------------------------------------
    rank_order = [code for code, _ in rank_defs]
    by_rank: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    by_team: Counter[str] = Counter()
    joiners: list[dict[str, Any]] = []
    leavers: list[dict[str, Any]] = []
    inactive: list[dict[str, Any]] = []
    officer_rows: list[dict[str, Any]] = []
    new_ip: list[dict[str, Any]] = []
    ip_total = 0
    applies_n = met = below = zero = 0
    team_hours: defaultdict[str, float] = defaultdict(float)
    team_stats: defaultdict[str, Counter[str]] = defaultdict(Counter)
    info: dict[int, tuple[str, str]] = {}
    no_joined = assumed_attested = 0

    for o in officers:
        name = _name(o.surname, o.forenames)
        info[o.id] = (o.collar, name)
        team = o.team or NO_TEAM
        rank = rank_at.get(o.id, o.rank)
        status = status_at.get(o.id, o.status)
        left = o.left_date is not None and o.left_date <= last
        if left:
            status = "left"
        # no joining date (legacy rosters): serving unless left, or still an applicant (not yet joined)
        joined_ok = o.joined <= last if o.joined is not None else status not in ("left", "applicant")
        serving = joined_ok and not left and status != "left"
        if serving and o.joined is None:
            no_joined += 1
        hours = month_hours.get(o.id, 0.0)
        team_hours[team] += hours

        if o.joined is not None and first <= o.joined <= last:
            joiners.append(
                {"collar": o.collar, "name": name, "date": o.joined.isoformat(), "rank": rank, "team": o.team}
            )
        left_here = left_in_month.get(o.id)
        if left_here is None and o.left_date is not None and first <= o.left_date <= last:
            left_here = (o.left_date, o.leaving_reason or leave_reasons.get(o.id))
        if left_here is not None:
            leavers.append(
                {
                    "collar": o.collar,
                    "name": name,
                    "date": _iso(left_here[0]),
                    "reason": left_here[1] or o.leaving_reason or "other",
                    "rank": rank,
                    "team": o.team,
                }
            )
        ip_date = o.independent_patrol or ip_stage.get(o.id)
        if ip_date is not None and first <= ip_date <= last:
            new_ip.append({"collar": o.collar, "name": name, "date": ip_date.isoformat()})

        # Listed: who served at month end, and anyone else whose hours are in this return's figures
        # (this month or this financial year), so the year-to-date column adds up to the total.
        if not serving and hours == 0 and not ytd_hours.get(o.id):
            continue

        applies = False
        if serving:
            by_rank[rank] += 1
            by_status[status] += 1
            by_team[team] += 1
            team_stats[team]["headcount"] += 1
            if ip_date is not None and ip_date <= last:
                ip_total += 1
            attested = o.attested or attest_stage.get(o.id)
            applies, _why = compliance.minimum_applies(
                joined=o.joined, left=o.left_date, attested=attested, status_at_end=status, month_end=last
            )
            assumed_attested += attested is None and applies

        rag = compliance.rag_status(hours, minimum, applies)
        if applies:
            applies_n += 1
            team_stats[team]["applies"] += 1
            if rag == "green":
                met += 1
                team_stats[team]["met"] += 1
            elif rag == "amber":
                below += 1
                team_stats[team]["below"] += 1
            else:
                zero += 1
                team_stats[team]["zero"] += 1
            if o.id not in active_3:
                inactive.append({"collar": o.collar, "name": name, "rank": rank, "team": o.team})
        officer_rows.append(
            {
                "collar": o.collar,
                "name": name,
                "rank": rank,
                "team": o.team,
                "status": status,
                "hours": _h(hours),
                "ytd_hours": _h(ytd_hours.get(o.id, 0.0)),
                "rag": rag,
                "applies": applies,
            }
        )

    today = dt.date.today()
    if first > today:
        notes.append(
            f"{month_label(month)} has not started yet: these figures show only who is on the roster, "
            "and no hours can have been recorded."
        )
    elif last >= today:
        notes.append(
            f"{month_label(month)} is not over yet: figures as at {today:%d/%m/%Y}, with the hours "
            "recorded so far."
        )
    if no_joined:
        plural = no_joined != 1
        notes.append(
            f"{no_joined} serving officer{'s have' if plural else ' has'} no joining date and "
            f"{'are' if plural else 'is'} counted as serving."
        )
    if assumed_attested:
        notes.append(
            f"{assumed_attested} active officer{'s have' if assumed_attested != 1 else ' has'} no attestation "
            "date; the minimum hours are applied to them as attested."
        )

    # -- rank, status, team tables ---------------------------------------------------------------
    rank_counts = {code: by_rank.get(code, 0) for code in rank_order}
    for code in sorted(set(by_rank) - set(rank_counts)):
        rank_counts[code] = by_rank[code]
    status_counts = {st: by_status.get(st, 0) for st in SERVING_STATUSES}
    teams_all = sorted(set(by_team) | {t for t, h in team_hours.items() if h}, key=_team_key)
    team_counts = {t: by_team.get(t, 0) for t in teams_all if by_team.get(t, 0)}
    hours_by_team = {t: _h(team_hours[t]) for t in teams_all if team_hours.get(t)}

    duty_types = {dt_: 0.0 for dt_ in DUTY_TYPES}
    for duty_type, total in by_type_acc.items():
        duty_types[duty_type] = duty_types.get(duty_type, 0.0) + total
    hours_by_type = {k: _h(v) for k, v in duty_types.items()}
    hours_by_unit = {name: _h(total) for name, total in sorted(by_unit_acc.items())}
    total_hours = _h(sum(month_hours.values()))

    # -- attachments -----------------------------------------------------------------------------
    active_by_unit = {u: 0 for u in units}
    for unit, count in active_att:
        active_by_unit[unit] = int(count)
    started = [
        {"collar": info[oid][0], "name": info[oid][1], "unit": str(unit), "date": _iso(day)}
        for oid, unit, day in started_rows
        if oid in info
    ]
    ended = [
        {"collar": info[oid][0], "name": info[oid][1], "unit": str(unit), "date": _iso(day)}
        for oid, unit, day in ended_rows
        if oid in info
    ]
    started_by_unit: Counter[str] = Counter(str(a["unit"]) for a in started)
    ended_by_unit: Counter[str] = Counter(str(a["unit"]) for a in ended)
    unit_names = list(active_by_unit)
    for extra in sorted((set(started_by_unit) | set(ended_by_unit) | set(hours_by_unit)) - set(unit_names)):
        unit_names.append(extra)

    # -- qualifications (serving officers only) ---------------------------------------------------
    serving_ids = {o.id for o in officers if _serving_now(o, status_at, last)}
    expired: list[dict[str, Any]] = []
    expiring: list[dict[str, Any]] = []
    for oid, qname, expires in sorted(qual_rows, key=lambda r: (r[2], info.get(r[0], ("", ""))[1], r[1])):
        if oid not in serving_ids or expires is None:
            continue
        row = {
            "collar": info[oid][0],
            "name": info[oid][1],
            "qualification": qname,
            "expires": expires.isoformat(),
        }
        (expired if expires < last else expiring).append(row)

    return {
        "month": month,
        "minimum_hours": minimum,
        "headcount": {
            "total": sum(by_rank.values()),
            "by_rank": rank_counts,
            "by_status": status_counts,
            "by_team": team_counts,
        },
        "joiners": joiners,
        "joiners_count": len(joiners),
        "leavers": leavers,
        "leavers_count": len(leavers),
        "leavers_by_reason": {
            reason: sum(1 for lv in leavers if lv["reason"] == reason)
            for reason in _LISTED_REASONS
            + tuple(sorted({lv["reason"] for lv in leavers} - set(_LISTED_REASONS)))
        },
        "hours": {
            "total": total_hours,
            "by_team": hours_by_team,
            "by_duty_type": hours_by_type,
            "by_unit": hours_by_unit,
            "year_to_date": _h(sum(ytd_hours.values())),
        },
        "compliance": {"applies": applies_n, "met": met, "below": below, "zero": zero},
        "inactive_3_months": inactive,
        "inactive_3_months_count": len(inactive),
        "independent_patrol": {"total": ip_total, "new": len(new_ip), "new_officers": new_ip},
        "attachments": {
            "active_by_unit": active_by_unit,
            "active_total": sum(active_by_unit.values()),
            "started": started,
            "started_count": len(started),
            "ended": ended,
            "ended_count": len(ended),
        },
        "qualifications": {
            "expired": expired,
            "expiring_60_days": expiring,
            "expired_count": len(expired),
            "expiring_count": len(expiring),
            "warning_days": warning_days,
        },
        "officers": officer_rows,
        "teams": [
            {
                "team": t,
                "headcount": team_stats[t]["headcount"],
                "hours": _h(team_hours.get(t, 0.0)),
                "applies": team_stats[t]["applies"],
                "met": team_stats[t]["met"],
                "below": team_stats[t]["below"],
                "zero": team_stats[t]["zero"],
            }
            for t in teams_all
        ],
        "units": [
            {
                "unit": u,
                "active": active_by_unit.get(u, 0),
                "started": started_by_unit.get(u, 0),
                "ended": ended_by_unit.get(u, 0),
                "hours": hours_by_unit.get(u, 0.0),
            }
            for u in unit_names
        ],
        "rank_names": {code: name for code, name in rank_defs},
        "first_day": first.isoformat(),
        "as_at": last.isoformat(),
        "year_start": year_start.isoformat(),
        "notes": notes,
    }


def _later(a: dt.date | None, b: dt.date | None) -> bool:
    """Whether expiry ``a`` is later than ``b`` (no expiry is latest)."""
    if a is None:
        return b is not None
    return b is not None and a > b


def _team_key(team: str) -> tuple[int, str]:
    return (team == NO_TEAM, team.lower())


def _serving_now(o: Any, status_at: dict[int, Any], last: dt.date) -> bool:
    if o.left_date is not None and o.left_date <= last:
        return False
    status = status_at.get(o.id, o.status)
    if status == "left":
        return False
    return o.joined <= last if o.joined is not None else status != "applicant"


# ---------------------------------------------------------------------------------------------
# Sign-off, locks and drift
# ---------------------------------------------------------------------------------------------


def sign_off(db: Database, month: str, note: str | None = None) -> dict[str, Any]:
    """Store today's figures for ``month`` as signed off by the OS user; returns them.

    ConflictError if the month is already signed off (the stored figures are never replaced).
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
                MonthLock(month=month, signed_off_by=audit.current_user(), figures=figures, note=note or None)
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


def lock_info(db: Database, month: str) -> dict[str, Any] | None:
    """{month, signed_off_by, signed_off_at (datetime), note, figures} or None."""
    month = parse_month(month)
    with db.read() as s:
        lock = s.scalar(select(MonthLock).where(MonthLock.month == month))
        if lock is None:
            return None
        return {
            "month": lock.month,
            "signed_off_by": lock.signed_off_by,
            "signed_off_at": lock.signed_off_at,
            "note": lock.note,
            "figures": lock.figures,
        }


def locked(db: Database, month: str) -> dict[str, Any] | None:
    """The figures stored when ``month`` was signed off, or None when it is not locked."""
    info = lock_info(db, month)
    return info["figures"] if info else None


_SKIP = {"notes", "rank_names", "signed_off"}
_ROW_KEYS = ("qualification", "unit")


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """Rows of officers (by collar[/qualification|unit]), teams or units as a dict by key, so that
    one new row is one difference; None for other lists."""
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    if all("collar" in i for i in items):
        field = "collar"
    elif all("team" in i for i in items):
        field = "team"
    elif all("unit" in i for i in items):
        field = "unit"
    else:
        return None
    out: dict[str, Any] = {}
    for item in items:
        key = str(item[field])
        if field == "collar":
            for extra in _ROW_KEYS:
                if extra in item:
                    key += f"/{item[extra]}"
        while key in out:
            key += "+"
        out[key] = item
    return out


def _diff(stored: Any, now: Any, parts: list[str], out: list[dict[str, Any]]) -> None:
    if isinstance(stored, list) and isinstance(now, list):
        ks, kn = _keyed(stored), _keyed(now)
        if (ks is not None or not stored) and (kn is not None or not now) and (ks or kn):
            stored, now = ks or {}, kn or {}
    if isinstance(stored, dict) and isinstance(now, dict):
        for key in list(stored) + [k for k in now if k not in stored]:
            if not parts and key in _SKIP:
                continue
            sub = [*parts, str(key)]
            if key not in stored or key not in now:
                if _zero(stored.get(key, now.get(key))):
                    continue  # a rank, unit or team added or removed since, counted nowhere then or now
                out.append(
                    {"path": ".".join(sub), "parts": sub, "stored": stored.get(key), "now": now.get(key)}
                )
            else:
                _diff(stored[key], now[key], sub, out)
        return
    if isinstance(stored, int | float) and isinstance(now, int | float) and not isinstance(stored, bool):
        if abs(float(stored) - float(now)) > 0.005:
            out.append({"path": ".".join(parts), "parts": parts, "stored": stored, "now": now})
        return
    if stored != now:
        out.append({"path": ".".join(parts), "parts": parts, "stored": stored, "now": now})


def _zero(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(float(value)) < 0.005


def differences(stored: dict[str, Any], now: dict[str, Any]) -> list[dict[str, Any]]:
    """Every difference between two sets of figures as {path, stored, now}.

    Lists of officers are compared by collar number, so one new officer is one difference.
    """
    out: list[dict[str, Any]] = []
    _diff(stored, now, [], out)
    return out


def drift(db: Database, month: str) -> list[dict[str, Any]]:
    """How today's figures differ from those signed off for ``month`` ([] if none or not locked)."""
    stored = locked(db, month)
    if stored is None:
        return []
    now = compute(db, month)
    # Returns signed off before leavers with only year-to-date hours were listed do not list them:
    # such a row is how the return is laid out now, not a change in the month's records.
    held = {r.get("collar") for r in stored.get("officers", [])}
    now["officers"] = [
        r
        for r in now.get("officers", [])
        if r["collar"] in held or r.get("status") != "left" or r.get("hours")
    ]
    return differences(stored, now)


_LABELS = {
    "headcount": "Headcount",
    "total": "total",
    "by_rank": "by rank",
    "by_status": "by status",
    "by_team": "by team",
    "by_duty_type": "by duty type",
    "by_unit": "by unit",
    "year_to_date": "year to date",
    "hours": "Hours",
    "ytd_hours": "year-to-date hours",
    "joiners": "Joiners",
    "joiners_count": "Joiners",
    "leavers": "Leavers",
    "leavers_count": "Leavers",
    "leavers_by_reason": "Leavers by reason",
    "compliance": "Minimum hours",
    "applies": "applies to",
    "met": "met",
    "below": "below",
    "zero": "zero",
    "inactive_3_months": "Inactive 3 months",
    "inactive_3_months_count": "Inactive 3 months",
    "independent_patrol": "Independent patrol",
    "new": "new",
    "new_officers": "new",
    "attachments": "Attachments",
    "active_by_unit": "active",
    "active_total": "active",
    "started": "started",
    "started_count": "started",
    "ended": "ended",
    "ended_count": "ended",
    "qualifications": "Qualifications",
    "expired": "expired",
    "expired_count": "expired",
    "expiring_60_days": "expiring",
    "expiring_count": "expiring",
    "officers": "Officer",
    "teams": "Team",
    "units": "Unit",
    "rag": "red/amber/green",
    "minimum_hours": "Minimum hours",
    "headcount_": "headcount",
}


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return f"{len(value)} entries"
    if isinstance(value, dict):
        for key in ("name", "team", "unit"):
            if key in value:
                return str(value[key])
        return "a record"
    return str(value)


_ROW_NAMES = {"officers": "Officer", "teams": "Team", "units": "Unit"}


def describe(diff: dict[str, Any]) -> str:
    """One difference in words: ``Hours › total: 312.5 when signed off, 320.5 now``."""
    parts = list(diff.get("parts") or diff["path"].split("."))
    if parts[0] in _ROW_NAMES and len(parts) > 1:
        words = [f"{_ROW_NAMES[parts[0]]} {parts[1]}"] + [_LABELS.get(p, p).lower() for p in parts[2:]]
    else:
        words = [_LABELS.get(parts[0], parts[0])] + [_LABELS.get(p, p) for p in parts[1:]]
    if diff["stored"] is None and isinstance(diff["now"], dict):
        return f"{' › '.join(words)}: new since sign-off"
    if diff["now"] is None and isinstance(diff["stored"], dict):
        return f"{' › '.join(words)}: no longer there"
    return f"{' › '.join(words)}: {_show(diff['stored'])} when signed off, {_show(diff['now'])} now"


# Paths that say the same thing as another path, so a summary lists each change once.
_ECHO = re.compile(
    r"^(teams|units|officers|joiners|leavers|inactive_3_months|attachments\.(started|ended)"
    r"|qualifications\.(expired|expiring_60_days)|independent_patrol\.new_officers)\."
)


def summarise(diffs: list[dict[str, Any]], limit: int = 8) -> list[str]:
    """The most telling differences in words: totals first, then per-officer changes."""
    headline = [d for d in diffs if not _ECHO.match(d["path"])]
    detail = [d for d in diffs if _ECHO.match(d["path"])]
    lines = [describe(d) for d in headline + detail][:limit]
    if len(diffs) > limit:
        lines.append(f"… and {len(diffs) - limit} more differences.")
    return lines


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
