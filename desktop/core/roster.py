"""Roster service: officers, their dated rank and status history, leaving, legacy fields, audit trail.

Plain data in (dicts of field -> value) and out (dataclasses); each call owns its session.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop.core import audit, month_locks, ranks
from desktop.core.db import Database
from desktop.core.domain import LEAVING_REASONS, NOT_RECORDED, STATUSES, month_bounds, normalise_collar
from desktop.core.errors import ConflictError, NotFoundError, ValidationError
from desktop.core.formats import collar_key, full_name
from desktop.core.models import AuditEvent, Duty, LegacyField, Officer, RankChange, RankDef, StatusChange

# Every editable field of an officer, in the order the dialog and the export show them.
TEXT_FIELDS = (
    "collar",
    "surname",
    "forenames",
    "preferred_name",
    "rank",
    "status",
    "team",
    "station",
    "leaving_reason",
    "phone",
    "email",
    "address",
    "employer",
    "driving",
    "notes",
)
DATE_FIELDS = ("joined", "attested", "independent_patrol", "left_date", "date_of_birth")
BOOL_FIELDS = ("esp",)
FIELDS = TEXT_FIELDS + DATE_FIELDS + BOOL_FIELDS

FIELD_LABELS = {
    "collar": "Collar number",
    "surname": "Surname",
    "forenames": "Forenames",
    "preferred_name": "Preferred name",
    "rank": "Rank",
    "status": "Status",
    "team": "Team",
    "station": "Station",
    "joined": "Joined",
    "attested": "Attested",
    "independent_patrol": "Independent patrol",
    "left_date": "Left",
    "leaving_reason": "Leaving reason",
    "date_of_birth": "Date of birth",
    "phone": "Phone",
    "email": "Email",
    "address": "Address",
    "employer": "Employer",
    "esp": "ESP",
    "driving": "Driving",
    "notes": "Notes",
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class OfficerRow:
    """One line of the roster table."""

    id: int
    collar: str
    surname: str
    forenames: str | None
    rank: str
    status: str
    team: str | None
    station: str | None
    joined: dt.date | None
    attested: dt.date | None
    independent_patrol: dt.date | None
    left_date: dt.date | None
    hours_last_month: float = 0.0
    preferred_name: str | None = None
    leaving_reason: str | None = None

    @property
    def reason_not_recorded(self) -> bool:
        """A leaver whose leaving reason is not known (imported without one): to follow up."""
        return self.status == "left" and self.leaving_reason in (None, NOT_RECORDED)

    @property
    def name(self) -> str:
        return full_name(self.surname, self.forenames)

    @property
    def serving(self) -> bool:
        return self.status != "left"


@dataclass
class HistoryEntry:
    value: str
    effective: dt.date | None
    note: str | None = None
    acting: bool = False
    reason: str | None = None


@dataclass
class AuditEntry:
    at: dt.datetime
    user: str
    entity: str
    action: str
    field: str | None
    old: str | None
    new: str | None
    reason: str | None


@dataclass
class OfficerRecord:
    id: int
    version: int
    values: dict[str, Any]
    rank_history: list[HistoryEntry] = field(default_factory=list)
    status_history: list[HistoryEntry] = field(default_factory=list)
    legacy_fields: list[tuple[str, str | None]] = field(default_factory=list)
    updated_at: dt.datetime | None = None
    updated_by: str | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in FIELDS:
            continue
        if key in TEXT_FIELDS:
            value = None if value is None else str(value).strip() or None
            if key == "collar" and value is not None:
                value = normalise_collar(value) or None
        elif key in BOOL_FIELDS:
            value = bool(value)
        out[key] = value
    return out


def _rank_codes(s: Session) -> set[str]:
    return set(s.scalars(select(RankDef.code)))


def validate(
    s: Session,
    values: dict[str, Any],
    *,
    officer_id: int | None = None,
    changed: Iterable[str] | None = None,
) -> dict[str, str]:
    """Every problem with the complete set of ``values``, as field -> reason. Implausible dates are
    only held against the ``changed`` fields (all when None), so an old record with an odd date
    stored can still have its phone number changed.

    The checks, in order (a later one may replace an earlier reason for the same field): the collar
    number (required, not another officer's), the surname, the rank, status and leaving reason
    (known values), implausible dates, dates out of order, the date of birth, a leaver's date and
    reason, the e-mail address."""
    errors: dict[str, str] = {}
    _check_collar(s, values.get("collar"), officer_id, errors)
    if not values.get("surname"):
        errors["surname"] = "Surname is required."
    _check_known_values(s, values, errors)
    errors.update(_implausible_changed(values, changed))
    _check_date_order(values, errors)
    _check_date_of_birth(values, errors)
    _check_leaving(values, errors)
    email = values.get("email")
    if email and not _EMAIL.match(email):
        errors["email"] = f"{email!r} does not look like an email address."
    return errors


def _check_collar(s: Session, collar: str | None, officer_id: int | None, errors: dict[str, str]) -> None:
    """A collar number is required and may not be another officer's (leading zeros do not count)."""
    if not collar:
        errors["collar"] = "Collar number is required."
        return
    clash = s.scalar(select(Officer).where(Officer.collar == collar))
    if clash is None and collar[:1].isdigit():
        clash = s.scalars(
            select(Officer).where(func.ltrim(Officer.collar, "0") == collar_key(collar).lstrip("0"))
        ).first()
    if clash is not None and clash.id != officer_id:
        same = "" if clash.collar == collar else f" (as {clash.collar}: leading zeros do not count)"
        errors["collar"] = f"Collar number {collar} is already used by {clash.display_name}{same}."


def _check_known_values(s: Session, values: dict[str, Any], errors: dict[str, str]) -> None:
    """The rank is one of the force's, the status and leaving reason ones CiP Desk knows."""
    rank = values.get("rank")
    if rank and rank not in _rank_codes(s):
        errors["rank"] = f"Unknown rank {rank!r}."
    status = values.get("status")
    if status and status not in STATUSES:
        errors["status"] = f"Unknown status {status!r}."
    reason = values.get("leaving_reason")
    if reason and reason not in LEAVING_REASONS:
        errors["leaving_reason"] = f"Unknown leaving reason {reason!r}."


def _implausible_changed(values: dict[str, Any], changed: Iterable[str] | None) -> dict[str, str]:
    """The implausible dates (see :func:`implausible_dates`) among the ``changed`` fields (all when
    None; a changed joining date also questions the date of birth)."""
    odd = {k: _implausible_text(values, k, w) for k, w in implausible_dates(values).items()}
    if changed is None:
        return odd
    touched = set(changed)
    if "joined" in touched:
        touched.add("date_of_birth")
    return {k: v for k, v in odd.items() if k in touched}


def _check_date_order(values: dict[str, Any], errors: dict[str, str]) -> None:
    """Attested, independent patrol and left after joining (and patrol after attestation); no
    leaving in the future."""
    joined, attested = values.get("joined"), values.get("attested")
    ip, left = values.get("independent_patrol"), values.get("left_date")
    if attested and joined and attested < joined:
        errors["attested"] = "Attested before joining: check both dates."
    if ip and attested and ip < attested:
        errors["independent_patrol"] = "Independent patrol before attestation: check both dates."
    elif ip and joined and ip < joined:
        errors["independent_patrol"] = "Independent patrol before joining: check both dates."
    if left and joined and left < joined:
        errors["left_date"] = "Left before joining: check both dates."
    elif left and left > dt.date.today():
        errors["left_date"] = (
            f"{left:%d/%m/%Y} is in the future: record the leaving on or after the day they leave "
            "(until then they are serving)."
        )


def _check_date_of_birth(values: dict[str, Any], errors: dict[str, str]) -> None:
    """Not in the future, and before joining (unless already told implausible)."""
    dob, joined = values.get("date_of_birth"), values.get("joined")
    if "date_of_birth" in errors:
        return
    if dob and dob > dt.date.today():
        errors["date_of_birth"] = "Date of birth is in the future."
    elif dob and joined and dob >= joined:
        errors["date_of_birth"] = "Date of birth is on or after the joining date: check both dates."


def _check_leaving(values: dict[str, Any], errors: dict[str, str]) -> None:
    """A leaver has a leaving date and reason; an officer with a leaving date is a leaver."""
    left = values.get("left_date")
    if values.get("status") == "left":
        if not left:
            errors["left_date"] = "A leaver needs a leaving date."
        if not values.get("leaving_reason"):
            errors["leaving_reason"] = "A leaver needs a leaving reason."
    elif left:
        errors["status"] = "An officer with a leaving date must have status Left."


# Before this no serving or recent officer joined; a date this early is a typing or reading slip (a
# spreadsheet cell holding 1 reads as 01/01/1900).
EARLIEST_SERVICE_DATE = dt.date(1950, 1, 1)
MIN_AGE_AT_JOINING = 16
DATE_WORDS = {
    "joined": "Joining date",
    "attested": "Attestation date",
    "independent_patrol": "Independent patrol date",
    "left_date": "Leaving date",
}


def _years(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def implausible_dates(values: dict[str, Any], today: dt.date | None = None) -> dict[str, str]:
    """Dates no record can have, as field -> why in a few words: service dates before 1950 or
    (joining, attesting, independent patrol) in the future, and a date of birth that makes the
    officer under 16 at joining or over 100 today. Order between the dates is checked separately."""
    today = today or dt.date.today()
    why: dict[str, str] = {}
    for name in DATE_WORDS:
        day = values.get(name)
        if not isinstance(day, dt.date):
            continue
        if day < EARLIEST_SERVICE_DATE:
            why[name] = "is before 1950, which cannot be right"
        elif name != "left_date" and day > today:
            why[name] = "is in the future"
    dob, joined = values.get("date_of_birth"), values.get("joined")
    if isinstance(dob, dt.date) and dob <= today:
        if _years(dob, today) > 100:
            why["date_of_birth"] = "makes them over 100"
        elif isinstance(joined, dt.date) and dob < joined and _years(dob, joined) < MIN_AGE_AT_JOINING:
            why["date_of_birth"] = f"makes them {_years(dob, joined)} when they joined on {joined:%d/%m/%Y}"
    return why


def _implausible_text(values: dict[str, Any], name: str, why: str) -> str:
    return f"{DATE_WORDS.get(name, 'Date of birth')} {values[name]:%d/%m/%Y} {why}: check the date."


def check_officer(db: Database, data: dict[str, Any], *, officer_id: int | None = None) -> dict[str, str]:
    """Every problem saving ``data`` would meet (field -> reason), without saving anything.

    For an existing officer ``data`` holds the changed fields only; the rest are taken as stored."""
    values = _clean(data)
    with db.read() as s:
        if officer_id is not None:
            o = s.get(Officer, officer_id)
            if o is None:
                raise NotFoundError(f"No officer with id {officer_id}.")
            merged = {name: getattr(o, name) for name in FIELDS}
            merged.update(values)
            return validate(s, merged, officer_id=officer_id, changed=values)
        values["rank"] = values.get("rank") or ranks.lowest(s)
        values["status"] = values.get("status") or "active"
        return validate(s, values)


def _record(o: Officer) -> OfficerRecord:
    return OfficerRecord(
        id=o.id,
        version=o.version,
        values={name: getattr(o, name) for name in FIELDS},
        rank_history=[HistoryEntry(r.rank, r.effective, r.note, r.acting) for r in o.rank_changes],
        status_history=[
            HistoryEntry(c.status, c.effective, c.note, reason=c.reason) for c in o.status_changes
        ],
        legacy_fields=[(lf.name, lf.value) for lf in o.legacy_fields],
        updated_at=o.updated_at,
        updated_by=o.updated_by,
    )


def get_officer(db: Database, officer_id: int) -> OfficerRecord:
    with db.read() as s:
        o = s.get(Officer, officer_id)
        if o is None:
            raise NotFoundError(f"No officer with id {officer_id}.")
        return _record(o)


def find_by_collar(db: Database, collar: str) -> int | None:
    with db.read() as s:
        return s.scalar(select(Officer.id).where(Officer.collar == normalise_collar(collar)))


def create_officer(db: Database, data: dict[str, Any], *, locked_reason: str | None = None) -> int:
    """Create an officer. Rank and status are taken to have held since joining."""
    values = _clean(data)
    values["status"] = values.get("status") or "active"
    with db.session() as s:
        values["rank"] = values.get("rank") or ranks.lowest(s)
        errors = validate(s, values)
        if errors:
            raise ValidationError(errors)
        with month_locks.guard(s, [], locked_reason, what="add this officer") as watch:
            o = Officer(**values, updated_by=audit.current_user())
            o.rank_changes.append(RankChange(rank=o.rank, effective=o.joined))
            if o.status == "left":
                # Entered as a leaver: serving from joining (undated if unknown) until the leaving
                # date, so months before they left still count them.
                if o.joined is None or o.left_date is None or o.joined < o.left_date:
                    o.status_changes.append(StatusChange(status="active", effective=o.joined))
                o.status_changes.append(
                    StatusChange(status="left", effective=o.left_date, reason=o.leaving_reason)
                )
            else:
                o.status_changes.append(StatusChange(status=o.status, effective=o.joined))
            s.add(o)
            s.flush()
            watch.add(o.id)
        return o.id


def update_officer(
    db: Database,
    officer_id: int,
    data: dict[str, Any],
    *,
    version: int | None = None,
    effective: dt.date | None = None,
    acting: bool = False,
    reason: str | None = None,
    locked_reason: str | None = None,
) -> OfficerRecord:
    """Apply changed fields. A rank or status change is dated ``effective`` (default today).

    ``version`` is the version the caller read; if someone saved since, ConflictError says who and when.
    """
    changes = _clean(data)
    try:
        with db.session(reason=reason) as s:
            o = s.get(Officer, officer_id)
            if o is None:
                raise NotFoundError(f"No officer with id {officer_id}.")
            if version is not None and o.version != version:
                raise ConflictError(_conflict_text(o))
            if o.status == "left" and changes.get("status", "left") != "left" and "left_date" not in changes:
                # Rejoining: the old leaving date and reason stay in the status history and audit log.
                changes["left_date"] = None
                changes.setdefault("leaving_reason", None)
            merged = {name: getattr(o, name) for name in FIELDS}
            merged.update(changes)
            errors = validate(s, merged, officer_id=officer_id, changed=changes)
            when = effective or dt.date.today()
            changing = merged["rank"] != o.rank or (
                merged["status"] != o.status and merged["status"] != "left"
            )
            if changing and when > dt.date.today():
                errors["effective"] = (
                    f"{when:%d/%m/%Y} is in the future: record the change on or after the day it takes "
                    "effect (it would show at once)."
                )
            if merged["rank"] != o.rank and "rank" not in errors and "effective" not in errors:
                latest = max((r.effective for r in o.rank_changes if r.effective), default=None)
                if latest and when < latest:
                    errors["effective"] = (
                        f"The new rank cannot take effect before {latest:%d/%m/%Y}, "
                        "when the current rank was recorded."
                    )
            if (
                merged["status"] != o.status
                and merged["status"] != "left"
                and "status" not in errors
                and "effective" not in errors
            ):
                latest = max((c.effective for c in o.status_changes if c.effective), default=None)
                if latest and when < latest:
                    errors["effective"] = (
                        f"The new status cannot take effect before {latest:%d/%m/%Y}, "
                        "when the current status was recorded."
                    )
            if errors:
                raise ValidationError(errors)
            with month_locks.guard(s, [officer_id], locked_reason):
                if merged["rank"] != o.rank:
                    o.rank_changes.append(
                        RankChange(rank=merged["rank"], effective=when, acting=acting, note=reason)
                    )
                if merged["status"] != o.status:
                    status_when = merged["left_date"] if merged["status"] == "left" else when
                    o.status_changes.append(
                        StatusChange(
                            status=merged["status"],
                            effective=status_when,
                            reason=merged["leaving_reason"] if merged["status"] == "left" else None,
                            note=reason,
                        )
                    )
                for name, value in changes.items():
                    if getattr(o, name) != value:
                        setattr(o, name, value)
                if s.is_modified(o):
                    o.updated_by = audit.current_user()
            return _record(o)
    except StaleDataError as exc:  # a concurrent writer won the race between read and write
        with db.read() as s2:
            current = s2.get(Officer, officer_id)
            text = _conflict_text(current) if current else "The officer was deleted by someone else."
        raise ConflictError(text) from exc


def local_time(at: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) timestamp as the computer's local time, for showing to a user."""
    return at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def _conflict_text(o: Officer) -> str:
    when = local_time(o.updated_at).strftime("%d/%m/%Y %H:%M") if o.updated_at else "an unknown time"
    return (
        f"{o.collar} {o.display_name} was changed by {o.updated_by or 'another user'} at {when} "
        "since you opened it. Reload to see their changes, then make yours again."
    )


def record_leaving(
    db: Database,
    officer_id: int,
    left_date: dt.date,
    reason: str,
    *,
    note: str | None = None,
    version: int | None = None,
    locked_reason: str | None = None,
) -> OfficerRecord:
    """An officer is never deleted: leaving sets status left with the date and reason."""
    record = update_officer(
        db,
        officer_id,
        {"status": "left", "left_date": left_date, "leaving_reason": reason},
        version=version,
        effective=left_date,
        locked_reason=locked_reason,
        reason=note,
    )
    return record


def set_legacy_field(db: Database, officer_id: int, name: str, value: str | None) -> None:
    with db.session() as s:
        row = s.scalar(
            select(LegacyField).where(LegacyField.officer_id == officer_id, LegacyField.name == name)
        )
        if row is None:
            s.add(LegacyField(officer_id=officer_id, name=name, value=value))
        else:
            row.value = value


def hours_by_officer(s: Session, first: dt.date, last: dt.date) -> dict[int, float]:
    rows = s.execute(
        select(Duty.officer_id, func.sum(Duty.hours))
        .where(Duty.date >= first, Duty.date <= last)
        .group_by(Duty.officer_id)
    )
    return {oid: float(total or 0) for oid, total in rows}


def last_month(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def list_officers(db: Database, *, hours_month: str | None = None) -> list[OfficerRow]:
    """Every officer (leavers too) with their hours in ``hours_month`` (default: last month)."""
    first, last = month_bounds(hours_month or last_month())
    with db.read() as s:
        hours = hours_by_officer(s, first, last)
        rows = s.execute(
            select(
                Officer.id,
                Officer.collar,
                Officer.surname,
                Officer.forenames,
                Officer.rank,
                Officer.status,
                Officer.team,
                Officer.station,
                Officer.joined,
                Officer.attested,
                Officer.independent_patrol,
                Officer.left_date,
                Officer.preferred_name,
                Officer.leaving_reason,
            ).order_by(Officer.surname, Officer.forenames)
        ).all()
    # Positional construction: the select lists OfficerRow's fields in order (hours, then the rest).
    make: Any = OfficerRow
    return [make(*row[:12], hours.get(row[0], 0.0), *row[12:]) for row in rows]


def distinct_values(db: Database, column: str) -> list[str]:
    """Teams or stations in use, for filters and the dialog's suggestions."""
    col = getattr(Officer, column)
    with db.read() as s:
        return sorted(v for v in s.scalars(select(col).distinct()) if v)


def audit_history(db: Database, officer_id: int) -> list[AuditEntry]:
    """Every audit event about the officer, newest first."""
    with db.read() as s:
        events = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.officer_id == officer_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
        return [AuditEntry(e.at, e.user, e.entity, e.action, e.field, e.old, e.new, e.reason) for e in events]
