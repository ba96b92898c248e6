"""Hours service: duties of officers, the month grid, and the minimum-hours status (RAG).

Plain data in (dicts) and out (dataclasses); each call owns its session. Every ORM change is audited
by the session hook; a reason (``reason=``) is recorded with the audit events and is required when a
duty is added to, changed in or removed from a month that has been signed off (``MonthLock``).

A duty counts on its start date (an overnight 22:00-06:00 duty is 8 hours on the day it started).
A legacy monthly total (``is_monthly_total``) is one entry dated the 1st of its month.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop.core import month_locks, settings
from desktop.core.compliance import minimum_applies, rag_status, status_on  # noqa: F401 (re-exported)
from desktop.core.db import Database
from desktop.core.domain import DUTY_TYPES, month_bounds
from desktop.core.errors import ConflictError, NotFoundError, ValidationError
from desktop.core.formats import DateError, full_name, hours_text, parse_uk_date, spoken_name
from desktop.core.models import Duty, MonthLock, Officer, PathwayStage, StageAchieved, StatusChange, Unit
from desktop.core.month_locks import LockedMonthError  # noqa: F401 (re-exported)

ATTACHMENT_TYPE = "specialist attachment"
MAX_DUTY_HOURS = 24.0
# Field names of a duty as the dialogs and ``add_duty`` know them.
DUTY_FIELDS = ("officer_id", "date", "start_time", "end_time", "hours", "duty_type", "unit_id", "note")
RAG_LABELS = {"green": "Met", "amber": "Below", "red": "Zero", "grey": "n/a"}


# ---------------------------------------------------------------------------------------------
# Small pure helpers (also used by the window)
# ---------------------------------------------------------------------------------------------


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def shift_month(month: str, delta: int) -> str:
    year, mon = (int(p) for p in month.split("-"))
    total = year * 12 + mon - 1 + delta
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def format_hours(value: float | None) -> str:
    """8.0 -> "8", 7.5 -> "7.5", 7.25 -> "7.25"; None or 0 -> ""."""
    return hours_text(value, zero="")


def duty_hours(start: dt.time, end: dt.time) -> float:
    """Hours from ``start`` to ``end``; an end before the start runs overnight (22:00-06:00 is 8).

    ``end == start`` is not a duty (it would be 0 or 24 hours): ValueError.
    """
    s = start.hour * 60 + start.minute
    e = end.hour * 60 + end.minute
    if e == s:
        raise ValueError("end equals start")
    minutes = e - s if e > s else e + 24 * 60 - s
    return round(minutes / 60.0, 4)


_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.h]?(\d{2}))?$")


def parse_time_text(text: str) -> dt.time | None:
    """``22:00``, ``2200``, ``22``, ``6``, ``6:30``, ``06.30`` -> time; blank -> None.

    ``24:00`` is midnight. Raises ValueError with a plain reason when it cannot be read.
    """
    raw = (text or "").strip().lower().replace(" ", "")
    if not raw:
        return None
    m = _TIME_RE.match(raw)
    if m and len(raw) in (3, 4) and raw.isdigit():  # 630, 2200
        hh, mm = int(raw[:-2]), int(raw[-2:])
    elif m:
        hh, mm = int(m.group(1)), int(m.group(2) or 0)
    else:
        raise ValueError(f"{text.strip()!r} is not a time: type it as 22:00 or 2200.")
    if hh == 24 and mm == 0:
        hh = 0
    if not (0 <= hh <= 23 and 0 <= mm <= 59):
        raise ValueError(f"{text.strip()!r} is not a time of day (00:00 to 23:59).")
    return dt.time(hh, mm)


def parse_hours_text(text: str) -> float | None:
    """``7.5``, ``7,5``, ``7:30`` (hours:minutes), ``8h`` -> hours; blank -> None."""
    raw = (text or "").strip().lower().replace(" ", "").rstrip("h").replace(",", ".")
    if not raw:
        return None
    if ":" in raw:
        hh, _, mm = raw.partition(":")
        if hh.isdigit() and mm.isdigit() and len(mm) == 2 and int(mm) < 60:
            return int(hh) + int(mm) / 60.0
        raise ValueError(f"{text.strip()!r} is not a number of hours: type 7.5 or 7:30.")
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(f"{text.strip()!r} is not a number of hours: type 7.5 or 7:30.")
    return value


_DATE_SPLIT = re.compile(r"[/.\-\s]+")


def parse_date_text(text: str, default: dt.date | None = None) -> dt.date | None:
    """A UK date as typed: ``12`` (day of ``default``'s month), ``12/5`` (that year), or any full date
    the one UK date reader takes (``12/05/26``, ``12/05/2026``, ``2026-05-12``, ``12 May 2026``).
    Blank -> None. Raises ValueError with a plain reason."""
    raw = (text or "").strip()
    if not raw:
        return None
    base = default or dt.date.today()
    parts = [p for p in _DATE_SPLIT.split(raw) if p]
    try:
        if 1 <= len(parts) <= 2 and all(p.isdigit() for p in parts):  # the short forms of quick entry
            return dt.date(base.year, int(parts[1]) if len(parts) > 1 else base.month, int(parts[0]))
        return parse_uk_date(raw)
    except DateError as exc:
        if not exc.impossible:
            raise ValueError(f"{raw!r} is not a date: type it as 12/05/2026 (day/month/year).") from None
    except ValueError:
        pass
    raise ValueError(f"{raw!r} is not a date that exists (day/month/year).")


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclass
class DutyRecord:
    id: int
    officer_id: int
    collar: str
    name: str
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    hours: float
    duty_type: str
    unit_id: int | None
    unit_name: str | None
    is_monthly_total: bool
    source: str
    note: str | None
    version: int

    @property
    def times_text(self) -> str:
        if self.is_monthly_total:
            return "monthly total"
        if self.start_time is None or self.end_time is None:
            return ""
        text = f"{self.start_time:%H:%M}–{self.end_time:%H:%M}"
        if self.end_time <= self.start_time:
            text += " (overnight)"
        return text

    @property
    def type_text(self) -> str:
        if self.is_monthly_total:
            return "Monthly total"
        text = self.duty_type.capitalize()
        if self.unit_name:
            text += f" ({self.unit_name})"
        return text


@dataclass
class OfficerChoice:
    """One officer for pickers and type-ahead."""

    id: int
    collar: str
    name: str
    team: str | None
    status: str
    joined: dt.date | None
    left_date: dt.date | None

    @property
    def label(self) -> str:
        text = f"{self.collar}  {self.name}"
        if self.team:
            text += f"  ·  {self.team}"
        if self.left_date is not None:
            text += f"  (left {self.left_date:%d/%m/%Y})"
        return text


@dataclass
class Refusal:
    officer_id: int
    collar: str
    name: str
    errors: dict[str, str]

    @property
    def text(self) -> str:
        return f"{self.collar} {self.name}: " + " ".join(self.errors.values())


@dataclass
class EventResult:
    saved: list[DutyRecord] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


@dataclass
class GridRow:
    officer_id: int
    collar: str
    name: str
    team: str | None
    days: list[float]  # hours on day 1..N (monthly-total entries not included)
    monthly_total: float  # hours entered as a monthly total for the month
    total: float  # all hours of the month (days + monthly total)
    rag: str  # red / amber / green / grey
    rag_reason: str  # why grey, or the hours against the minimum
    first_day: int  # first day of the month the officer served (1 if before)
    last_day: int  # last day of the month the officer served (N if after)


@dataclass
class MonthGrid:
    month: str
    first: dt.date
    last: dt.date
    minimum_hours: float
    locked: bool
    rows: list[GridRow]
    teams: list[str]  # every team of the month's officers (before the team filter)
    officers_in_database: int

    @property
    def days(self) -> int:
        return self.last.day

    def counts(self) -> dict[str, int]:
        out = {"green": 0, "amber": 0, "red": 0, "grey": 0}
        for row in self.rows:
            out[row.rag] += 1
        return out

    @property
    def total_hours(self) -> float:
        return sum(r.total for r in self.rows)


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def _name(o: Officer) -> str:
    return full_name(o.surname, o.forenames)


def _spoken(o: Officer) -> str:
    """The name as said in a sentence: "Jo Smith"."""
    return spoken_name(o.surname, o.forenames)


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date_text(str(value))


def _as_time(value: Any) -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    return parse_time_text(str(value))


def _normalise(data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Typed values from ``data`` (dates, times and hours may be text as typed); reasons go to errors."""
    out: dict[str, Any] = {}
    for key in DUTY_FIELDS:
        if key not in data:
            continue
        value = data[key]
        try:
            if key == "date":
                value = _as_date(value)
            elif key in ("start_time", "end_time"):
                value = _as_time(value)
            elif key == "hours":
                if isinstance(value, str):
                    value = parse_hours_text(value)
                value = None if value is None else float(value)
            elif key == "note":
                value = (str(value).strip() or None) if value is not None else None
            elif key == "duty_type":
                value = (str(value).strip().lower() or None) if value is not None else None
            elif key == "unit_id":
                value = int(value) if value not in (None, "") else None
        except (TypeError, ValueError) as exc:
            errors[key] = str(exc)
            continue
        out[key] = value
    return out


def _validate_officer(s: Session, values: dict[str, Any], errors: dict[str, str]) -> Officer | None:
    """The officer exists and was serving on the duty's date (joined on or before it, not left before)."""
    oid = values.get("officer_id")
    if oid is None:
        errors.setdefault("officer_id", "Choose the officer.")
        return None
    officer = s.get(Officer, oid)
    if officer is None:
        errors.setdefault("officer_id", f"No officer with id {oid}.")
        return None
    day = values.get("date")
    if day is not None:
        if officer.joined is not None and day < officer.joined:
            errors.setdefault(
                "date", f"{day:%d/%m/%Y} is before {_spoken(officer)} joined ({officer.joined:%d/%m/%Y})."
            )
        elif officer.left_date is not None and day > officer.left_date:
            errors.setdefault(
                "date", f"{day:%d/%m/%Y} is after {_spoken(officer)} left ({officer.left_date:%d/%m/%Y})."
            )
    return officer


def _validate_duty(
    s: Session, values: dict[str, Any], errors: dict[str, str], *, monthly_total: bool = False
) -> None:
    """Check the duty itself (date, times or hours, type, unit) and fill ``values['hours']``."""
    day = values.get("date")
    if day is None:
        errors.setdefault("date", "Enter the date of the duty.")
    elif day > dt.date.today() and not monthly_total:
        errors.setdefault("date", f"{day:%d/%m/%Y} is in the future: record hours once the duty is done.")
    start, end, hours = values.get("start_time"), values.get("end_time"), values.get("hours")
    if monthly_total:
        values["start_time"] = values["end_time"] = None
        limit = float(month_bounds(month_key(day))[1].day * 24) if day else 31 * 24.0
        if hours is None:
            errors.setdefault("hours", "Enter the hours of the month.")
        elif not math.isfinite(hours) or hours <= 0 or hours > limit:
            errors.setdefault("hours", f"A monthly total must be more than 0 and at most {limit:g} hours.")
    elif start is not None or end is not None:
        if start is None:
            errors.setdefault("start_time", "Enter the start time too, or clear the end time.")
        elif end is None:
            errors.setdefault("end_time", "Enter the end time too, or clear the start time.")
        else:
            try:
                computed = duty_hours(start, end)
            except ValueError:
                errors.setdefault(
                    "end_time", "The end time equals the start time: a duty cannot last 0 hours."
                )
            else:
                if hours is not None and abs(hours - computed) > 0.01:
                    errors.setdefault(
                        "hours",
                        f"{start:%H:%M} to {end:%H:%M} is {format_hours(computed)} hours, not "
                        f"{format_hours(hours) or hours}: clear Hours or correct the times.",
                    )
                values["hours"] = computed
    elif hours is None:
        errors.setdefault("hours", "Enter start and end times, or the hours.")
    elif not math.isfinite(hours) or hours <= 0:
        errors.setdefault("hours", "Hours must be more than 0.")
    elif hours > MAX_DUTY_HOURS:
        errors.setdefault("hours", "A duty cannot be more than 24 hours: record longer work as two duties.")
    duty_type = values.get("duty_type")
    if not monthly_total:
        if not duty_type:
            errors.setdefault("duty_type", "Choose the duty type.")
        elif duty_type not in DUTY_TYPES:
            errors.setdefault(
                "duty_type", f"Unknown duty type {duty_type!r}: choose one of {', '.join(DUTY_TYPES)}."
            )
    unit_id = values.get("unit_id")
    if unit_id is not None and s.get(Unit, unit_id) is None:
        errors.setdefault("unit_id", f"No specialist unit with id {unit_id}.")
    elif unit_id is None and duty_type == ATTACHMENT_TYPE:
        errors.setdefault("unit_id", "A specialist attachment duty needs its unit.")


def _validate(
    s: Session, values: dict[str, Any], errors: dict[str, str], *, monthly_total: bool = False
) -> Officer | None:
    officer = _validate_officer(s, values, errors)
    _validate_duty(s, values, errors, monthly_total=monthly_total)
    return officer


def _record(d: Duty, officer: Officer | None, unit_name: str | None) -> DutyRecord:
    return DutyRecord(
        id=d.id,
        officer_id=d.officer_id,
        collar=officer.collar if officer else "",
        name=_name(officer) if officer else "",
        date=d.date,
        start_time=d.start_time,
        end_time=d.end_time,
        hours=float(d.hours),
        duty_type=d.duty_type,
        unit_id=d.unit_id,
        unit_name=unit_name,
        is_monthly_total=bool(d.is_monthly_total),
        source=d.source,
        note=d.note,
        version=d.version,
    )


def _unit_name(s: Session, unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    unit = s.get(Unit, unit_id)
    return unit.name if unit else None


# ---------------------------------------------------------------------------------------------
# Add, edit, delete
# ---------------------------------------------------------------------------------------------


def validate_duty(db: Database, data: dict[str, Any]) -> dict[str, str]:
    """Every problem with a new duty as field -> reason (empty when it would be saved)."""
    errors: dict[str, str] = {}
    values = _normalise({**{"duty_type": "patrol"}, **data}, errors)
    with db.read() as s:
        _validate(s, values, errors)
    return errors


def _new_duty(officer_id: int, values: dict[str, Any]) -> Duty:
    """A duty entered in the window, from checked ``values``."""
    return Duty(
        officer_id=officer_id,
        date=values["date"],
        start_time=values.get("start_time"),
        end_time=values.get("end_time"),
        hours=values["hours"],
        duty_type=values["duty_type"],
        unit_id=values.get("unit_id"),
        note=values.get("note"),
        source="manual",
    )


def add_duty(db: Database, data: dict[str, Any], *, reason: str | None = None) -> DutyRecord:
    """Record one duty. ``data``: officer_id, date, start_time and end_time (overnight allowed) or
    hours, duty_type (default patrol), unit_id (required for a specialist attachment duty), note.

    Raises ValidationError (field -> reason) or LockedMonthError (a signed-off month, no reason).
    """
    errors: dict[str, str] = {}
    values = _normalise({**{"duty_type": "patrol"}, **data}, errors)
    with db.session(reason=_clean_reason(reason)) as s:
        officer = _validate(s, values, errors)
        if errors:
            raise ValidationError(errors)
        with month_locks.guard(s, [values["officer_id"]], reason, what="record this duty"):
            duty = _new_duty(values["officer_id"], values)
            s.add(duty)
        return _record(duty, officer, _unit_name(s, duty.unit_id))


def add_event_duties(
    db: Database, officer_ids: Iterable[int], data: dict[str, Any], *, reason: str | None = None
) -> EventResult:
    """One duty each for many officers (an event). Officers whose duty cannot be saved (not serving
    on the date, unknown) are refused with their reasons; the others are saved together.

    Problems with the duty itself (no date, bad times, unknown type) refuse the whole event with a
    ValidationError, as does a locked month without a reason (LockedMonthError).
    """
    ids = list(dict.fromkeys(officer_ids))
    if not ids:
        raise ValidationError({"officer_id": "Tick at least one officer."})
    common_errors: dict[str, str] = {}
    common = _normalise({**{"duty_type": "event"}, **data}, common_errors)
    result = EventResult()
    with db.session(reason=_clean_reason(reason)) as s:
        _validate_duty(s, common, common_errors)
        if common_errors:
            raise ValidationError(common_errors)
        s.scalars(select(Officer).where(Officer.id.in_(ids))).all()  # one query fills the identity map
        new: list[tuple[Duty, Officer]] = []
        with month_locks.guard(s, ids, reason, what="record these duties"):
            for oid in ids:
                values = dict(common, officer_id=oid)
                errors: dict[str, str] = {}
                officer = _validate_officer(s, values, errors)
                if errors:
                    result.refused.append(
                        Refusal(
                            oid,
                            officer.collar if officer else "?",
                            _name(officer) if officer else "?",
                            errors,
                        )
                    )
                    continue
                assert officer is not None
                duty = _new_duty(oid, values)
                s.add(duty)
                new.append((duty, officer))
        unit_name = _unit_name(s, common.get("unit_id"))
        result.saved = [_record(d, o, unit_name) for d, o in new]
    return result


def update_duty(
    db: Database,
    duty_id: int,
    data: dict[str, Any],
    *,
    version: int | None = None,
    reason: str | None = None,
) -> DutyRecord:
    """Change a duty (audited field by field). Give both times to change them, or hours with both
    times cleared (None) to make it an hours-only duty. ``version`` guards against a concurrent edit."""
    errors: dict[str, str] = {}
    changes = _normalise(data, errors)
    try:
        with db.session(reason=_clean_reason(reason)) as s:
            duty = s.get(Duty, duty_id)
            if duty is None:
                raise NotFoundError("That duty no longer exists: someone may have deleted it.")
            if version is not None and duty.version != version:
                raise ConflictError(
                    "This duty was changed by someone else since you opened it. Close and open it again."
                )
            merged: dict[str, Any] = {
                "officer_id": duty.officer_id,
                "date": duty.date,
                "start_time": duty.start_time,
                "end_time": duty.end_time,
                "hours": None if duty.start_time is not None else duty.hours,
                "duty_type": duty.duty_type,
                "unit_id": duty.unit_id,
                "note": duty.note,
            }
            if "start_time" in changes or "end_time" in changes:
                merged["hours"] = None
            if changes.get("hours") is not None and "start_time" not in changes and "end_time" not in changes:
                merged["start_time"] = merged["end_time"] = None  # new hours alone: an hours-only duty
            merged.update(changes)
            officer = _validate(s, merged, errors, monthly_total=bool(duty.is_monthly_total))
            if errors:
                raise ValidationError(errors)
            with month_locks.guard(
                s, [duty.officer_id, merged["officer_id"]], reason, what="change this duty"
            ):
                for key in (
                    "officer_id",
                    "date",
                    "start_time",
                    "end_time",
                    "hours",
                    "duty_type",
                    "unit_id",
                    "note",
                ):
                    if getattr(duty, key) != merged[key]:
                        setattr(duty, key, merged[key])
            return _record(duty, officer, _unit_name(s, duty.unit_id))
    except StaleDataError as exc:
        raise ConflictError(
            "This duty was changed or deleted by someone else while you saved. Open it again."
        ) from exc


def delete_duty(db: Database, duty_id: int, *, reason: str | None = None) -> None:
    """Remove a duty (the audit log keeps what it was)."""
    with db.session(reason=_clean_reason(reason)) as s:
        duty = s.get(Duty, duty_id)
        if duty is None:
            raise NotFoundError("That duty no longer exists: someone may have deleted it.")
        with month_locks.guard(s, [duty.officer_id], reason, what="remove this duty"):
            s.delete(duty)


def _clean_reason(reason: str | None) -> str | None:
    return reason.strip() if reason and reason.strip() else None


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def get_duty(db: Database, duty_id: int) -> DutyRecord:
    with db.read() as s:
        duty = s.get(Duty, duty_id)
        if duty is None:
            raise NotFoundError("That duty no longer exists: someone may have deleted it.")
        return _record(duty, s.get(Officer, duty.officer_id), _unit_name(s, duty.unit_id))


def list_duties(db: Database, officer_id: int, first: dt.date, last: dt.date) -> list[DutyRecord]:
    """The officer's duties dated ``first``..``last`` (inclusive), oldest first, monthly totals first
    within their day."""
    with db.read() as s:
        officer = s.get(Officer, officer_id)
        if officer is None:
            raise NotFoundError(f"No officer with id {officer_id}.")
        units = {uid: name for uid, name in s.execute(select(Unit.id, Unit.name))}
        duties = s.scalars(
            select(Duty)
            .where(Duty.officer_id == officer_id, Duty.date >= first, Duty.date <= last)
            .order_by(
                Duty.date,
                Duty.is_monthly_total.desc(),
                Duty.start_time.is_not(None),
                Duty.start_time,
                Duty.id,
            )
        ).all()
        return [_record(d, officer, units.get(d.unit_id) if d.unit_id else None) for d in duties]


def day_duties(db: Database, officer_id: int, day: dt.date) -> list[DutyRecord]:
    """The officer's duties that count on ``day`` (not the month's monthly-total entry)."""
    return [d for d in list_duties(db, officer_id, day, day) if not d.is_monthly_total]


def officer_choices(db: Database) -> list[OfficerChoice]:
    """Every officer, by collar number, for pickers (leavers too: their old duties can be entered)."""
    with db.read() as s:
        rows = s.execute(
            select(
                Officer.id,
                Officer.collar,
                Officer.surname,
                Officer.forenames,
                Officer.team,
                Officer.status,
                Officer.joined,
                Officer.left_date,
            ).order_by(Officer.collar)
        ).all()
    return [
        OfficerChoice(
            r.id,
            r.collar,
            full_name(r.surname, r.forenames),
            r.team,
            r.status,
            r.joined,
            r.left_date,
        )
        for r in rows
    ]


def units(db: Database) -> list[tuple[int, str]]:
    """Specialist units (id, name), active ones, by name."""
    with db.read() as s:
        return [
            (u.id, u.name) for u in s.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name))
        ]


def month_grid(db: Database, month: str, team: str | None = None) -> MonthGrid:
    """The Hours grid for ``month`` (YYYY-MM): one row per officer serving at any point in the month
    (or with hours in it), hours per day, the month's total and the minimum-hours status.

    Hours come from one aggregate grouped by date and officer over the covering index
    ``(date, officer_id, hours)``; monthly-total entries (dated the 1st) from a second small query.
    ``team``: only that team's officers ("" for officers without a team).
    """
    first, last = month_bounds(month)
    n_days = last.day
    minimum = settings.minimum_hours(db)
    with db.read() as s:
        c = s.connection()  # Core rows: no ORM row processing for thousands of aggregate rows
        per_day = c.execute(
            select(Duty.date, Duty.officer_id, func.sum(Duty.hours))
            .where(Duty.date >= first, Duty.date <= last)
            .group_by(Duty.date, Duty.officer_id)
        ).all()
        monthly = dict(
            c.execute(
                select(Duty.officer_id, func.sum(Duty.hours))
                .where(Duty.date == first, Duty.is_monthly_total.is_(True))
                .group_by(Duty.officer_id)
            ).all()
        )
        with_hours = {oid for _day, oid, _h in per_day}
        columns = (
            Officer.id,
            Officer.collar,
            Officer.surname,
            Officer.forenames,
            Officer.team,
            Officer.status,
            Officer.joined,
            Officer.left_date,
            Officer.attested,
        )
        # Serving on some day of the month: joined on or before its last day (or no joining date
        # recorded, as the return reads legacy rosters), not left by its first day.
        officers = [
            o
            for o in c.execute(
                select(*columns).where(
                    or_(Officer.joined.is_(None), Officer.joined <= last),
                    or_(Officer.left_date.is_(None), Officer.left_date > first),
                )
            ).all()
            if not (o.joined is None and o.left_date is None and o.status == "left")
        ]
        extra = with_hours - {o.id for o in officers}
        if extra:  # hours recorded outside service: show them rather than hide them
            officers += c.execute(select(*columns).where(Officer.id.in_(extra))).all()
        changes: dict[int, list[tuple[dt.date | None, str]]] = {}
        for oid, effective, status in c.execute(
            select(StatusChange.officer_id, StatusChange.effective, StatusChange.status).order_by(
                StatusChange.officer_id,
                StatusChange.effective.is_not(None),
                StatusChange.effective,
                StatusChange.id,
            )
        ):
            changes.setdefault(oid, []).append((effective, status))
        attest_stage = {
            oid: day
            for oid, day in c.execute(
                select(StageAchieved.officer_id, func.min(StageAchieved.achieved_on))
                .join(PathwayStage, PathwayStage.id == StageAchieved.stage_id)
                .where(PathwayStage.is_attestation.is_(True))
                .group_by(StageAchieved.officer_id)
            )
        }
        locked = s.scalar(select(MonthLock.id).where(MonthLock.month == month)) is not None
        total_officers = s.scalar(select(func.count(Officer.id))) or 0

    hours: dict[int, list[float]] = {}
    for day, oid, total in per_day:
        row = hours.get(oid)
        if row is None:
            row = hours[oid] = [0.0] * n_days
        row[day.day - 1] += float(total or 0)
    rows: list[GridRow] = []
    teams: set[str] = set()
    for o in officers:
        teams.add(o.team or "")
        if team is not None and (o.team or "") != team:
            continue
        days = hours.get(o.id) or [0.0] * n_days
        mt = float(monthly.get(o.id) or 0.0)
        if mt:
            days = list(days)
            days[0] = max(0.0, days[0] - mt)
        total = round(sum(days) + mt, 4)
        status_end = status_on(changes.get(o.id, []), last, o.status)
        applies, why = minimum_applies(
            joined=o.joined,
            left=o.left_date,
            attested=o.attested or attest_stage.get(o.id),
            status_at_end=status_end,
            month_end=last,
        )
        rag = rag_status(total, minimum, applies)
        if applies:
            why = f"{format_hours(total) or '0'} of {format_hours(minimum)} hours minimum{why}"
        else:
            why = "Minimum does not apply: " + why
        first_day = o.joined.day if o.joined and first <= o.joined <= last else 1
        # Duties are allowed up to and including the leaving date.
        last_day = o.left_date.day if o.left_date and first <= o.left_date <= last else n_days
        rows.append(
            GridRow(
                officer_id=o.id,
                collar=o.collar,
                name=full_name(o.surname, o.forenames),
                team=o.team,
                days=days,
                monthly_total=mt,
                total=total,
                rag=rag,
                rag_reason=why,
                first_day=first_day,
                last_day=last_day,
            )
        )
    rows.sort(key=lambda r: (r.name.lower(), r.collar))
    return MonthGrid(
        month=month,
        first=first,
        last=last,
        minimum_hours=minimum,
        locked=locked,
        rows=rows,
        teams=sorted(teams, key=lambda t: (t == "", t.lower())),
        officers_in_database=int(total_officers),
    )


def officer_month_totals(db: Database, officer_id: int, first: dt.date, last: dt.date) -> dict[str, float]:
    """The officer's hours per month (YYYY-MM -> hours) between two dates, one aggregate."""
    with db.read() as s:
        rows = s.execute(
            select(Duty.date, func.sum(Duty.hours))
            .where(and_(Duty.officer_id == officer_id, Duty.date >= first, Duty.date <= last))
            .group_by(Duty.date)
        ).all()
    out: dict[str, float] = {}
    for day, total in rows:
        key = month_key(day)
        out[key] = out.get(key, 0.0) + float(total or 0)
    return out
