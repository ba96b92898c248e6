"""Signed-off months: the one rule that decides whether a change touches one, which, and why.

A signed-off month keeps the figures of its return as printed. Any later change that would make
the return come out differently needs a reason (the window asks for one; the command line names
the months), whatever record or field it changes.

What a month's return is made of (``desktop.core.returns.compute``): every figure is a sum or a
list over officers, and each officer's share comes from that officer's own records only:

- who they are in its lists: collar number, surname, forenames, team;
- whether they serve at month end, and with which rank and status: joining and leaving dates, the
  dated rank and status history (an undated entry holds since joining), the current rank and status
  where there is no history;
- joiners and leavers of the month, and the leaving reason;
- attested and independent-patrol dates, from the roster or the pathway's attestation and
  independent-patrol stages (earliest recorded), for the minimum-hours rule and the patrol counts;
- hours: every duty dated in the month (by duty type and unit), in the financial year up to the
  month's end, and in the three months to its end (the "inactive" list);
- attachments started, ended or active at month end (not requests, nor withdrawn ones);
- qualifications achieved by month end whose latest record has expired or expires within the
  warning days, for officers serving then;
- the notes about gaps (no joining date, no attestation date) that the printed return carries.

So the rule is: a change touches signed-off month M exactly when some officer's part of M's return
(:func:`part`) is different after it. Fields that are in none of the lists above (phone, email,
address, employer, station, date of birth, notes, legacy fields, the note or assessor of a record,
a supervisor's name) never need a reason; a team change needs one for every signed-off month the
officer is in; a duty needs one for its own month and for the later signed-off months whose
year-to-date or three-month figures include it.

Services call :func:`guard` around their changes; the import asks :func:`import_touches` about its
plan before writing. Force settings (minimum hours, units, qualification types, the pathway's
stage marks) are not officers' records and are outside this rule.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.core.compliance import minimum_applies, rag_status
from desktop.core.domain import DEFAULT_SETTINGS, add_months, financial_year_start, month_bounds
from desktop.core.errors import CipDeskError
from desktop.core.formats import full_name, month_label
from desktop.core.models import (
    Attachment,
    Duty,
    MonthLock,
    Officer,
    OfficerQualification,
    PathwayStage,
    QualificationType,
    RankChange,
    Setting,
    StageAchieved,
    StatusChange,
    Unit,
)

NO_TEAM = "(no team)"
NO_UNIT = "(no unit)"
_CHUNK = 500

# The parts of a return, as a sentence names them ("this change alters its headcount and hours").
ASPECT_WORDS = {
    "headcount": "headcount",
    "row": "list of officers",
    "joiner": "joiners",
    "leaver": "leavers",
    "patrol": "independent-patrol figures",
    "hours": "hours",
    "duty_types": "hours by duty type and unit",
    "compliance": "minimum-hours figures",
    "notes": "notes",
    "attachments": "attachments",
    "qualifications": "qualifications",
}


class LockedMonthError(CipDeskError):
    """A change would alter the figures of signed-off months and no reason was given for it.

    ``month`` is the first such month, ``months`` all of them (oldest first), ``aspects`` what
    would change (month -> words such as "hours")."""

    def __init__(
        self,
        month: str | Sequence[str],
        what: str = "make this change",
        aspects: dict[str, list[str]] | None = None,
    ):
        self.months = [month] if isinstance(month, str) else list(month)
        self.month = self.months[0]
        self.aspects = dict(aspects or {})
        self.what = what
        super().__init__(f"{self.describe()} Give a reason to {what}; the reason is kept in the audit log.")

    def names(self) -> str:
        labels = [month_label(m) for m in self.months]
        if len(labels) <= 4:
            return _and(labels)
        return f"{', '.join(labels[:3])} and {len(labels) - 3} more months"

    def describe(self) -> str:
        """Which months, and what in them: "March 2025 has been signed off and locked: this change
        alters its hours and headcount." """
        first = month_label(self.month)
        words = _and(_words(self.aspects))
        if len(self.months) == 1:
            head = f"{first} has been signed off and locked"
            tail = f": this change alters its {words}." if words else "."
        else:
            others = LockedMonthError(self.months[1:]).names()
            head = f"{first} has been signed off and locked, and so {'have' if len(self.months) > 2 else 'has'} {others}"
            tail = f": this change alters their {words}." if words else "."
        return head + tail


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _words(aspects: dict[str, list[str]]) -> list[str]:
    seen: list[str] = []
    for names in aspects.values():
        for name in names:
            word = ASPECT_WORDS.get(name, name)
            if word not in seen:
                seen.append(word)
    return seen


def describe(touched: dict[str, list[str]]) -> str:
    """The months (oldest first) and what in them, as one sentence (see LockedMonthError)."""
    return LockedMonthError(sorted(touched), aspects=touched).describe() if touched else ""


# ---------------------------------------------------------------------------------------------
# Which months are signed off
# ---------------------------------------------------------------------------------------------


def signed_off(db: Any) -> set[str]:
    """Every signed-off month ("YYYY-MM")."""
    with db.read() as s:
        return set(s.scalars(select(MonthLock.month)))


def is_signed_off(db: Any, month: str) -> bool:
    with db.read() as s:
        return s.scalar(select(MonthLock.id).where(MonthLock.month == month)) is not None


def _locked(s: Session) -> list[str]:
    return sorted(s.scalars(select(MonthLock.month)))


# ---------------------------------------------------------------------------------------------
# One officer's records, as the return reads them
# ---------------------------------------------------------------------------------------------


@dataclass
class Facts:
    """What the return reads about one officer (see the module text)."""

    id: int
    collar: str
    surname: str
    forenames: str | None = None
    team: str | None = None
    rank: str = "SC"
    status: str = "active"
    joined: dt.date | None = None
    attested: dt.date | None = None
    independent_patrol: dt.date | None = None
    left_date: dt.date | None = None
    leaving_reason: str | None = None
    # (effective, order, value[, reason]): order is the row id (creation order).
    ranks: list[tuple[dt.date | None, int, str]] = field(default_factory=list)
    statuses: list[tuple[dt.date | None, int, str, str | None]] = field(default_factory=list)
    attest_stage: dt.date | None = None
    ip_stage: dt.date | None = None
    # "YYYY-MM" -> (duty type, unit name or None) -> hours
    hours: dict[str, dict[tuple[str, str | None], float]] = field(default_factory=dict)
    # (unit name, start, end, state, withdrawn)
    attachments: list[tuple[str, dt.date, dt.date | None, str, bool]] = field(default_factory=list)
    # (type id, type name, achieved, expires)
    qualifications: list[tuple[int, str, dt.date, dt.date | None]] = field(default_factory=list)

    _monthly: list[tuple[dt.date, float, dict[tuple[str, str | None], float]]] | None = field(
        default=None, init=False, compare=False, repr=False
    )

    @property
    def name(self) -> str:
        return full_name(self.surname, self.forenames)

    def monthly(self) -> list[tuple[dt.date, float, dict[tuple[str, str | None], float]]]:
        """(first day, hours, hours by type and unit) of each month with hours (worked out once)."""
        if self._monthly is None:
            self._monthly = [
                (dt.date(int(key[:4]), int(key[5:]), 1), sum(per.values()), per)
                for key, per in self.hours.items()
            ]
        return self._monthly


@dataclass(frozen=True)
class Settings:
    minimum_hours: float
    warning_days: int


def _settings(s: Session) -> Settings:
    values = {row.key: row.value for row in s.scalars(select(Setting))}
    minimum = values.get("minimum_hours", DEFAULT_SETTINGS["minimum_hours"])
    warning = values.get("expiry_warning_days", DEFAULT_SETTINGS["expiry_warning_days"])
    return Settings(
        16.0 if minimum is None or minimum == "" else float(minimum),  # type: ignore[arg-type]
        int(warning or 60),  # type: ignore[call-overload]
    )


def _month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _span(months: Sequence[str]) -> tuple[dt.date, dt.date]:
    """The days whose duties can count in these months' returns (year to date, last three months)."""
    earliest = min(
        min(financial_year_start(month_bounds(m)[1]), add_months(month_bounds(m)[0], -2)) for m in months
    )
    return earliest, max(month_bounds(m)[1] for m in months)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield list(ids[i : i + _CHUNK])


def load(s: Session, officer_ids: Iterable[int], months: Sequence[str]) -> dict[int, Facts]:
    """The facts of these officers that the returns of ``months`` read (officers that do not exist
    are left out)."""
    ids = sorted({int(i) for i in officer_ids if i is not None})
    out: dict[int, Facts] = {}
    if not ids or not months:
        return out
    first, last = _span(months)
    units = dict(s.execute(select(Unit.id, Unit.name)).all())
    for chunk in _chunks(ids):
        for row in s.execute(
            select(
                Officer.id,
                Officer.collar,
                Officer.surname,
                Officer.forenames,
                Officer.team,
                Officer.rank,
                Officer.status,
                Officer.joined,
                Officer.attested,
                Officer.independent_patrol,
                Officer.left_date,
                Officer.leaving_reason,
            ).where(Officer.id.in_(chunk))
        ):
            out[row.id] = Facts(*row)
        for oid, effective, rid, rank in s.execute(
            select(RankChange.officer_id, RankChange.effective, RankChange.id, RankChange.rank).where(
                RankChange.officer_id.in_(chunk)
            )
        ):
            if oid in out:
                out[oid].ranks.append((effective, rid, rank))
        for oid, effective, rid, status, reason in s.execute(
            select(
                StatusChange.officer_id,
                StatusChange.effective,
                StatusChange.id,
                StatusChange.status,
                StatusChange.reason,
            ).where(StatusChange.officer_id.in_(chunk))
        ):
            if oid in out:
                out[oid].statuses.append((effective, rid, status, reason))
        for oid, day, is_att, is_ip in s.execute(
            select(
                StageAchieved.officer_id,
                StageAchieved.achieved_on,
                PathwayStage.is_attestation,
                PathwayStage.is_independent_patrol,
            )
            .join(PathwayStage, PathwayStage.id == StageAchieved.stage_id)
            .where(
                StageAchieved.officer_id.in_(chunk),
                (PathwayStage.is_attestation.is_(True)) | (PathwayStage.is_independent_patrol.is_(True)),
            )
        ):
            f = out.get(oid)
            if f is None or day is None:
                continue
            if is_att and (f.attest_stage is None or day < f.attest_stage):
                f.attest_stage = day
            if is_ip and (f.ip_stage is None or day < f.ip_stage):
                f.ip_stage = day
        for oid, day, duty_type, unit_id, total in s.execute(
            select(Duty.officer_id, Duty.date, Duty.duty_type, Duty.unit_id, func.sum(Duty.hours))
            .where(Duty.officer_id.in_(chunk), Duty.date >= first, Duty.date <= last)
            .group_by(Duty.officer_id, Duty.date, Duty.duty_type, Duty.unit_id)
        ):
            f = out.get(oid)
            if f is None:
                continue
            unit = None if unit_id is None else units.get(unit_id, NO_UNIT)
            month = f.hours.setdefault(_month_key(day), {})
            key = (duty_type or "other", unit)
            month[key] = month.get(key, 0.0) + float(total or 0.0)
        for oid, unit, start, end, state, withdrawn in s.execute(
            select(
                Attachment.officer_id,
                Unit.name,
                Attachment.start_date,
                Attachment.end_date,
                Attachment.state,
                Attachment.withdrawn,
            )
            .join(Unit, Unit.id == Attachment.unit_id)
            .where(Attachment.officer_id.in_(chunk))
        ):
            if oid in out:
                out[oid].attachments.append((str(unit), start, end, state, bool(withdrawn)))
        for oid, type_id, qname, achieved, expires in s.execute(
            select(
                OfficerQualification.officer_id,
                OfficerQualification.type_id,
                QualificationType.name,
                OfficerQualification.achieved_on,
                OfficerQualification.expires_on,
            )
            .join(QualificationType, QualificationType.id == OfficerQualification.type_id)
            .where(OfficerQualification.officer_id.in_(chunk), OfficerQualification.achieved_on <= last)
        ):
            if oid in out:
                out[oid].qualifications.append((type_id, qname, achieved, expires))
    return out


# ---------------------------------------------------------------------------------------------
# One officer's part of one month's return
# ---------------------------------------------------------------------------------------------


def _as_at(rows: Sequence[tuple[Any, ...]], last: dt.date) -> Any:
    """The value (index 2) of the latest row effective by ``last`` (undated rows count from
    joining); when every row is later, the earliest one; None without rows. As the return reads it."""
    held: tuple[tuple[dt.date, int], Any] | None = None
    first_known: tuple[tuple[dt.date, int], Any] | None = None
    for row in rows:
        effective, order, value = row[0], row[1], row[2]
        key = (effective or dt.date.min, order)
        if effective is None or effective <= last:
            if held is None or key > held[0]:
                held = (key, value)
        elif first_known is None or key < first_known[0]:
            first_known = (key, value)
    if held is not None:
        return held[1]
    return first_known[1] if first_known is not None else None


def _h(value: float) -> float:
    return round(float(value or 0.0), 2)


def _later(a: dt.date | None, b: dt.date | None) -> bool:
    if a is None:
        return b is not None
    return b is not None and a > b


@functools.lru_cache(maxsize=512)
def _bounds(month: str) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """First and last day of the month, the start of its financial year, and of its last three months."""
    first, last = month_bounds(month)
    return first, last, financial_year_start(last), add_months(first, -2)


def _attachments(
    f: Facts, first: dt.date, last: dt.date
) -> tuple[Counter[str], list[tuple[str, dt.date]], list[tuple[str, dt.date]]]:
    """Units active at month end, and attachments started and ended in the month (the return's rules)."""
    active = Counter(
        unit
        for unit, start, end, state, withdrawn in f.attachments
        if state != "requested"
        and not withdrawn
        and start <= last
        and ((end is None and state == "active") or (end is not None and end > last))
    )
    started = sorted(
        (unit, start)
        for unit, start, _end, state, withdrawn in f.attachments
        if state != "requested" and not withdrawn and first <= start <= last
    )
    ended = sorted(
        (unit, end)
        for unit, _start, end, state, withdrawn in f.attachments
        if state == "ended" and not withdrawn and end is not None and first <= end <= last
    )
    return active, started, ended


@dataclass(frozen=True)
class _Standing:
    """Who the officer is at the month's end: rank, status, whether serving, team."""

    rank: str
    status: str
    serving: bool
    team: str


def _standing(f: Facts, last: dt.date) -> _Standing:
    rank = _as_at(f.ranks, last)
    rank = f.rank if rank is None else rank
    status = _as_at(f.statuses, last)
    status = f.status if status is None else status
    left = f.left_date is not None and f.left_date <= last
    if left:
        status = "left"
    joined_ok = f.joined <= last if f.joined is not None else status not in ("left", "applicant")
    return _Standing(rank, status, joined_ok and not left and status != "left", f.team or NO_TEAM)


def _hours(
    f: Facts, first: dt.date, last: dt.date, year_start: dt.date, three_back: dt.date
) -> tuple[float, float, float, dict[tuple[str, str | None], float]]:
    """Hours in the month, the financial year to date and the last three months; the month by type."""
    month_hours = ytd = three = 0.0
    by_type: dict[tuple[str, str | None], float] = {}
    for m_first, total, per_type in f.monthly():
        if m_first > last:
            continue
        if m_first >= first:
            month_hours += total
            for k, v in per_type.items():
                by_type[k] = by_type.get(k, 0.0) + v
        if m_first >= year_start:
            ytd += total
        if m_first >= three_back:
            three += total
    return month_hours, ytd, three, by_type


def _leaving(f: Facts, first: dt.date, last: dt.date) -> tuple[dt.date | None, str | None] | None:
    """The leaving the month's return lists (date, reason), from the dated history first."""
    lefts = [row for row in f.statuses if row[2] == "left" and row[0] is not None and first <= row[0] <= last]
    if lefts:
        latest_left = max(lefts, key=lambda row: (row[0], row[1]))
        return latest_left[0], latest_left[3]
    if f.left_date is not None and first <= f.left_date <= last:
        reasons = sorted((row for row in f.statuses if row[2] == "left" and row[3]), key=lambda row: row[1])
        return f.left_date, f.leaving_reason or (reasons[-1][3] if reasons else None)
    return None


def _movement(f: Facts, first: dt.date, last: dt.date, rank: str, out: dict[str, Any]) -> None:
    """Joined or left in the month."""
    if f.joined is not None and first <= f.joined <= last:
        out["joiner"] = (f.collar, f.name, f.joined, rank, f.team)
    left_here = _leaving(f, first, last)
    if left_here is not None:
        reason = left_here[1] or f.leaving_reason or "other"
        out["leaver"] = (f.collar, f.name, left_here[0], reason, rank, f.team)


def _attachment_part(f: Facts, first: dt.date, last: dt.date, out: dict[str, Any]) -> None:
    """Attachments name the officer whether or not they serve."""
    if not f.attachments:
        return
    active, started, ended = _attachments(f, first, last)
    if active or started or ended:
        who = (f.collar, f.name) if started or ended else None
        out["attachments"] = (who, tuple(sorted(active.items())), tuple(started), tuple(ended))


def _qualification_part(f: Facts, last: dt.date, force: Settings, out: dict[str, Any]) -> None:
    """Qualifications expired at month end, or expiring within the warning days."""
    latest: dict[int, tuple[str, dt.date, dt.date | None]] = {}
    for type_id, qname, achieved, expires in f.qualifications:
        if achieved > last:
            continue
        held = latest.get(type_id)
        if held is None or achieved > held[1] or (achieved == held[1] and _later(expires, held[2])):
            latest[type_id] = (qname, achieved, expires)
    horizon = last + dt.timedelta(days=force.warning_days)
    rows = sorted(
        (qname, expires, expires < last)
        for qname, _achieved, expires in latest.values()
        if expires is not None and expires <= horizon
    )
    if rows:
        out["qualifications"] = ((f.collar, f.name), tuple(rows))


def part(f: Facts | None, month: str, force: Settings) -> dict[str, Any]:
    """Everything the return of ``month`` takes from this officer, by aspect (see ASPECT_WORDS).

    An officer who is not in the month's return at all has every aspect empty, as has an officer
    who does not exist (``None``). The steps follow ``returns.compute`` one for one."""
    out: dict[str, Any] = dict.fromkeys(ASPECT_WORDS)
    if f is None:
        return out
    first, last, year_start, three_back = _bounds(month)
    who = _standing(f, last)
    month_hours, ytd, three, by_type = _hours(f, first, last, year_start, three_back)
    if month_hours or ytd:
        out["hours"] = (_h(month_hours), _h(ytd), who.team)
    if by_type:
        out["duty_types"] = tuple(sorted((k[0], k[1] or "", _h(v)) for k, v in by_type.items()))
    _movement(f, first, last, who.rank, out)
    ip_date = f.independent_patrol or f.ip_stage
    new_ip = (f.collar, f.name, ip_date) if ip_date is not None and first <= ip_date <= last else None
    _attachment_part(f, first, last, out)
    if not who.serving and not month_hours and not ytd:
        out["patrol"] = (new_ip, False) if new_ip else None
        return out

    applies = ip_counted = False
    if who.serving:
        out["headcount"] = (who.rank, who.status, who.team)
        ip_counted = ip_date is not None and ip_date <= last
        attested = f.attested or f.attest_stage
        applies, _why = minimum_applies(
            joined=f.joined, left=f.left_date, attested=attested, status_at_end=who.status, month_end=last
        )
        assumed = attested is None and applies
        if f.joined is None or assumed:
            out["notes"] = (f.joined is None, assumed)
    if new_ip or ip_counted:
        out["patrol"] = (new_ip, ip_counted)
    rag = rag_status(month_hours, force.minimum_hours, applies)
    if applies:
        out["compliance"] = (rag, three <= 0)
    out["row"] = (f.collar, f.name, who.rank, f.team, who.status, _h(month_hours), _h(ytd), rag, applies)
    if who.serving and f.qualifications:
        _qualification_part(f, last, force, out)
    return out


def changes(
    before: dict[int, Facts], after: dict[int, Facts], months: Sequence[str], force: Settings
) -> dict[str, list[str]]:
    """Month -> the aspects of its return that differ between the two sets of facts."""
    out: dict[str, list[str]] = {}
    ids = [oid for oid in set(before) | set(after) if before.get(oid) != after.get(oid)]
    for month in months:
        differ: list[str] = []
        for oid in ids:
            a, b = part(before.get(oid), month, force), part(after.get(oid), month, force)
            for name in ASPECT_WORDS:
                if a[name] != b[name] and name not in differ:
                    differ.append(name)
        if differ:
            out[month] = [name for name in ASPECT_WORDS if name in differ]
    return out


# ---------------------------------------------------------------------------------------------
# Services: one guard around every change to officers' records
# ---------------------------------------------------------------------------------------------


@dataclass
class Watch:
    """The officers a guarded change may alter. Name them all when the guard starts; ``add`` only
    officers the change itself creates (they held nothing before)."""

    ids: set[int] = field(default_factory=set)
    touched: dict[str, list[str]] = field(default_factory=dict)

    def add(self, officer_id: int | None) -> None:
        if officer_id is not None:
            self.ids.add(int(officer_id))


def _clean(reason: str | None) -> str | None:
    return reason.strip() if reason and reason.strip() else None


@contextlib.contextmanager
def guard(
    s: Session,
    officer_ids: Iterable[int | None],
    reason: str | None,
    *,
    what: str = "make this change",
) -> Iterator[Watch]:
    """Around a service's changes to officers' records in session ``s``: when they alter a
    signed-off month's figures and no ``reason`` is given, LockedMonthError (the session rolls
    back); with a reason, the reason joins the audit events. ``watch.touched`` says what changed."""
    watch = Watch()
    for oid in officer_ids:
        watch.add(oid)
    why = _clean(reason)
    if why:
        held = s.info.get("audit_reason")
        if not held or why not in held:
            s.info["audit_reason"] = "; ".join(x for x in (held, why) if x)
    months = _locked(s)
    if not months:
        yield watch
        s.flush()
        return
    force = _settings(s)
    before = load(s, watch.ids, months)
    yield watch
    s.flush()
    after = load(s, watch.ids, months)
    watch.touched = changes(before, after, months, force)
    if watch.touched and not why:
        raise LockedMonthError(list(watch.touched), what, watch.touched)


# ---------------------------------------------------------------------------------------------
# The import: its plan, before anything is written
# ---------------------------------------------------------------------------------------------


_OFFICER_ATTRS = (
    "collar",
    "surname",
    "forenames",
    "team",
    "rank",
    "status",
    "joined",
    "attested",
    "independent_patrol",
    "left_date",
    "leaving_reason",
)


def _planned_hours(facts: Facts, month: str, old: float | None, new: float | None, duty_type: str) -> None:
    per = facts.hours.setdefault(month, {})
    key = (duty_type, None)
    per[key] = per.get(key, 0.0) - float(old or 0.0) + float(new or 0.0)
    if abs(per[key]) < 1e-9:
        del per[key]
    if not per:
        del facts.hours[month]


def import_touches(
    s: Session, rows: Iterable[Any], *, today: dt.date | None = None, duty_type: str = "patrol"
) -> dict[str, list[str]]:
    """Month -> aspects, for the signed-off months whose figures an import plan would change.

    ``rows`` are the plan's rows (``outcome``, ``officer_id``, ``values``, ``changes``, ``hours``),
    applied the way the import writes them: a created officer holds rank and status since joining
    (a leaver serving until leaving); an updated field takes its new value, a new rank or status
    from today (a leaving from its date); each month of hours is one monthly total of ``duty_type``
    dated the 1st, replacing the one held."""
    months = _locked(s)
    rows = [r for r in rows if r.outcome in ("created", "updated")]
    if not months or not rows:
        return {}
    today = today or dt.date.today()
    force = _settings(s)
    updated = [r for r in rows if r.outcome == "updated" and r.officer_id is not None and r.changes]
    before = load(s, [r.officer_id for r in updated], months)
    after: dict[int, Facts] = {}
    for r in updated:
        held = before.get(r.officer_id)
        if held is None:
            continue
        f = replace(
            held,
            ranks=list(held.ranks),
            statuses=list(held.statuses),
            hours={k: dict(v) for k, v in held.hours.items()},
        )
        for key, (old, new) in r.changes.items():
            if key.startswith("hours:"):
                _planned_hours(f, key[6:], old, new, duty_type)
            elif key in _OFFICER_ATTRS:
                setattr(f, key, new)
        order = 1 << 62  # after every row held
        if "rank" in r.changes:
            f.ranks.append((today, order, r.changes["rank"][1]))
        if "status" in r.changes:
            new_status = r.changes["status"][1]
            when = f.left_date if new_status == "left" and f.left_date else today
            f.statuses.append((when, order, new_status, f.leaving_reason if new_status == "left" else None))
        after[r.officer_id] = f
    fake = -1
    for r in rows:
        if r.outcome != "created":
            continue
        v = r.values
        f = Facts(
            id=fake,
            collar=v.get("collar") or "",
            surname=v.get("surname") or "",
            **{
                k: v.get(k) for k in _OFFICER_ATTRS if k not in ("collar", "surname") and v.get(k) is not None
            },
        )
        f.ranks.append((f.joined, 1, f.rank))
        if f.status == "left":
            if f.joined is None or f.left_date is None or f.joined < f.left_date:
                f.statuses.append((f.joined, 1, "active", None))
            f.statuses.append((f.left_date, 2, "left", f.leaving_reason))
        else:
            f.statuses.append((f.joined, 1, f.status, None))
        for month, hours in (r.hours or {}).items():
            _planned_hours(f, month, None, hours, duty_type)
        after[fake] = f
        fake -= 1
    by_month: dict[str, list[str]] = defaultdict(list)
    for month, names in changes(before, after, months, force).items():
        by_month[month] = names
    return dict(by_month)
