"""Specialist units and attachments: units and their requirements, eligibility, request/start/end,
per-unit and per-officer lists, and "who could join?".

Plain data in and out; each call owns its session; the ORM audit hook records every change.

Rules, exactly (docs/domain.md "Specialist units and attachments"):

- **Dates.** An attachment occupies its unit from ``start_date`` up to, not including, ``end_date``
  (no end date: open-ended). So an attachment ending on 1 June frees its place *on* 1 June, and an
  attachment of the same officer may start that day without overlapping.
- **Serving.** An officer who has left or is suspended cannot be attached.
- **Independent patrol.** A unit that requires it needs ``Officer.independent_patrol`` on or before the
  start date. Without it, only this rule is reported (the "months since" rule cannot be judged too).
- **Months since independent patrol.** The start must be on or after ``add_months(ip, minimum)``:
  exactly the minimum is allowed (IP 31 Jan + 1 month: 28/29 Feb is allowed).
- **Qualifications.** Each required qualification must be valid on the start date: a record achieved on
  or before the start and expiring on or after it (``expires_on`` is the last valid day, as in
  ``qualifications.officer_flags``). **A qualification expiring on the start date is valid**; one
  expiring the day before is not. Any record of the type may satisfy it (a renewal, an older one).
- **Driving grade.** The officer's grade is the highest ``driving_level`` among their driving
  qualifications (types with a driving level) valid on the start date. Only when the officer has no
  driving qualification record at all does the roster's ``Officer.driving`` text count, mapped by its
  index in ``domain.DRIVING_GRADES`` (none 0, basic 1, response 2, advanced 3, pursuit 4). An officer
  whose driving records have all expired has grade 0: an old roster text does not revive them.
- **Overlap.** Another attachment of the same officer to the same unit, in any state, whose dates
  intersect the requested ones (ended ones by their end date).
- **Capacity.** Places taken on a day = attachments of the unit (requested, active, or ended but not yet
  at their end date) occupying that day. The unit is full when that count is at or above capacity on
  the start date, or on any later day the new attachment would cover (a requested attachment starting
  next month already holds its place then).

Every failing rule is returned (:func:`check_eligibility`); request/start refuse with an
:class:`EligibilityError` listing all of them unless a non-empty ``override_reason`` is given, which is
saved with the attachment (``override_reason``, ``overridden_by``) and in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop.core import audit, month_locks
from desktop.core.db import Database
from desktop.core.domain import DRIVING_GRADES, add_months
from desktop.core.errors import CipDeskError, ConflictError, NotFoundError, ValidationError
from desktop.core.formats import full_name, long_date
from desktop.core.models import (
    Attachment,
    Duty,
    Officer,
    OfficerQualification,
    QualificationType,
    Unit,
    UnitRequirement,
)

# Rule codes of RuleFailure.code
NOT_SERVING = "not_serving"
INDEPENDENT_PATROL = "independent_patrol"
QUALIFICATION_MISSING = "qualification_missing"
QUALIFICATION_EXPIRED = "qualification_expired"
DRIVING_GRADE = "driving_grade"
TOO_SOON_AFTER_IP = "too_soon_after_ip"
OVERLAP = "overlap"
UNIT_FULL = "unit_full"

NOT_SERVING_STATUSES = ("left", "suspended")
OPEN_STATES = ("requested", "active")
STATE_LABELS = {"requested": "Requested", "active": "Active", "ended": "Ended"}


def fmt_date(day: dt.date | None) -> str:
    """UK style, unambiguous: 3 Jun 2026."""
    return long_date(day, "no date")


def grade_name(level: int | None) -> str:
    level = level or 0
    return DRIVING_GRADES[level] if 0 <= level < len(DRIVING_GRADES) else f"level {level}"


def driving_text_level(text: str | None) -> int:
    """The roster's Driving text as a grade: 'Response' -> 2; unknown or empty -> 0."""
    if not text:
        return 0
    word = text.strip().lower().split(" ")[0].rstrip(":,;")
    return DRIVING_GRADES.index(word) if word in DRIVING_GRADES else 0


# ---------------------------------------------------------------------------------------------
# Plain data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleFailure:
    """One failed rule: ``code`` (see module constants), a full sentence and a short table label."""

    code: str
    message: str
    short: str


@dataclass
class UnitInfo:
    id: int
    name: str
    code: str | None
    description: str | None
    capacity: int | None
    requires_independent_patrol: bool
    min_months_since_ip: int | None
    min_driving_level: int | None
    active: bool
    qualification_ids: list[int] = field(default_factory=list)
    qualification_names: list[str] = field(default_factory=list)
    active_count: int = 0
    requested_count: int = 0
    attachment_count: int = 0  # every attachment on record, ended ones too

    @property
    def used(self) -> int:
        return self.active_count + self.requested_count

    @property
    def free(self) -> int | None:
        """Places left today (capacity - active - requested), None when the unit has no limit."""
        return None if self.capacity is None else max(self.capacity - self.used, 0)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name

    def requirements(self) -> list[str]:
        """The requirements as short phrases, for lists and tooltips."""
        out: list[str] = []
        if self.min_months_since_ip:
            out.append(f"Independent patrol for {self.min_months_since_ip}+ months")
        elif self.requires_independent_patrol:
            out.append("Independent patrol")
        if self.min_driving_level:
            out.append(f"Driving: {grade_name(self.min_driving_level)} or above")
        out.extend(self.qualification_names)
        return out

    def requirements_summary(self) -> str:
        items = self.requirements()
        return "; ".join(items) if items else "no requirements"


@dataclass
class AttachmentRow:
    id: int
    officer_id: int
    collar: str
    officer_name: str
    team: str | None
    unit_id: int
    unit_name: str
    start_date: dt.date
    end_date: dt.date | None
    supervisor: str | None
    state: str
    override_reason: str | None
    overridden_by: str | None
    note: str | None
    version: int

    @property
    def officer_label(self) -> str:
        return f"{self.collar} {self.officer_name}"

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)


@dataclass
class UnitAttachments:
    unit: UnitInfo
    current: list[AttachmentRow]
    requested: list[AttachmentRow]
    history: list[AttachmentRow]


@dataclass
class Candidate:
    officer_id: int
    collar: str
    name: str
    team: str | None
    rank: str
    failures: list[RuleFailure]

    @property
    def missing(self) -> str:
        return "; ".join(f.short for f in self.failures)


@dataclass
class JoinCandidates:
    unit: UnitInfo
    on: dt.date
    eligible: list[Candidate]
    near: list[Candidate]  # miss by exactly one rule
    full: RuleFailure | None  # the unit is full on that date (then nobody is eligible)
    considered: int  # serving officers not already attached on that date


class EligibilityError(ValidationError):
    """The attachment breaks rules; ``failures`` lists every one. A reason allows an override."""

    def __init__(self, failures: Sequence[RuleFailure], what: str = "The attachment was not saved"):
        self.failures = list(failures)
        errors: dict[str, str] = {}
        for i, failure in enumerate(self.failures):
            key = failure.code if failure.code not in errors else f"{failure.code}_{i}"
            errors[key] = failure.message
        self.errors = errors
        lines = "\n".join(f"- {f.message}" for f in self.failures)
        CipDeskError.__init__(
            self,
            f"{what}: it breaks {len(self.failures)} rule{'s' if len(self.failures) != 1 else ''}.\n"
            f"{lines}\nA supervisor can override with a recorded reason.",
        )


# ---------------------------------------------------------------------------------------------
# Facts loaded for the rules (a few queries), then pure evaluation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _OfficerFacts:
    id: int
    collar: str
    name: str
    status: str
    independent_patrol: dt.date | None
    driving: str | None
    team: str | None = None
    rank: str = ""

    @property
    def label(self) -> str:
        return f"{self.collar} {self.name}"


@dataclass(frozen=True)
class _UnitFacts:
    id: int
    name: str
    capacity: int | None
    requires_ip: bool
    min_months: int | None
    min_driving: int | None
    required: tuple[tuple[int, str], ...]  # (qualification type id, name)


@dataclass(frozen=True)
class _Span:
    id: int
    officer_id: int
    start: dt.date
    end: dt.date | None
    state: str


# (achieved_on, expires_on) per qualification type, for one officer
_QualRecords = dict[int, list[tuple[dt.date, dt.date | None]]]


def _name(surname: str, forenames: str | None) -> str:
    return full_name(surname, forenames)


def _unit_facts(s: Session, unit: Unit) -> _UnitFacts:
    required = s.execute(
        select(QualificationType.id, QualificationType.name)
        .join(UnitRequirement, UnitRequirement.qualification_type_id == QualificationType.id)
        .where(UnitRequirement.unit_id == unit.id)
        .order_by(QualificationType.name)
    ).all()
    return _UnitFacts(
        id=unit.id,
        name=unit.name,
        capacity=unit.capacity,
        requires_ip=bool(unit.requires_independent_patrol),
        min_months=unit.min_months_since_ip or None,
        min_driving=unit.min_driving_level or None,
        required=tuple((r.id, r.name) for r in required),
    )


def _officer_select() -> Any:
    return select(
        Officer.id,
        Officer.collar,
        Officer.surname,
        Officer.forenames,
        Officer.status,
        Officer.independent_patrol,
        Officer.driving,
        Officer.team,
        Officer.rank,
    )


def _officer_facts(row: Any) -> _OfficerFacts:
    return _OfficerFacts(
        id=row.id,
        collar=row.collar,
        name=_name(row.surname, row.forenames),
        status=row.status,
        independent_patrol=row.independent_patrol,
        driving=row.driving,
        team=row.team,
        rank=row.rank,
    )


def _driving_types(s: Session) -> dict[int, int]:
    """Qualification type id -> driving level, for types that carry one."""
    return {
        tid: level
        for tid, level in s.execute(
            select(QualificationType.id, QualificationType.driving_level).where(
                QualificationType.driving_level.is_not(None)
            )
        )
        if level
    }


def _qual_records(
    s: Session, type_ids: Iterable[int], officer_id: int | None = None
) -> dict[int, _QualRecords]:
    """officer id -> type id -> [(achieved, expires)] for the given types (one query)."""
    ids = sorted(set(type_ids))
    out: dict[int, _QualRecords] = defaultdict(lambda: defaultdict(list))
    if not ids:
        return out
    query = select(
        OfficerQualification.officer_id,
        OfficerQualification.type_id,
        OfficerQualification.achieved_on,
        OfficerQualification.expires_on,
    ).where(OfficerQualification.type_id.in_(ids))
    if officer_id is not None:
        query = query.where(OfficerQualification.officer_id == officer_id)
    for oid, tid, achieved, expires in s.execute(query):
        out[oid][tid].append((achieved, expires))
    return out


def _unit_spans(s: Session, unit_id: int) -> list[_Span]:
    return [
        _Span(r.id, r.officer_id, r.start_date, r.end_date, r.state)
        for r in s.execute(
            select(
                Attachment.id,
                Attachment.officer_id,
                Attachment.start_date,
                Attachment.end_date,
                Attachment.state,
            ).where(Attachment.unit_id == unit_id)
        )
    ]


def _intersects(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """Half-open ranges [start, end) intersect (None: open-ended)."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def _occupies(span: _Span, day: dt.date) -> bool:
    return span.start <= day and (span.end is None or span.end > day)


def _range_text(start: dt.date, end: dt.date | None) -> str:
    return f"from {fmt_date(start)} to {fmt_date(end)}" if end else f"from {fmt_date(start)} onwards"


def _capacity_failure(
    unit: _UnitFacts,
    spans: Sequence[_Span],
    start: dt.date,
    end: dt.date | None,
    ignore_id: int | None,
) -> RuleFailure | None:
    if unit.capacity is None:
        return None
    others = [sp for sp in spans if sp.id != ignore_id]
    points = [start] + sorted(
        {sp.start for sp in others if sp.start > start and (end is None or sp.start < end)}
    )
    for day in points:
        taken = sum(1 for sp in others if _occupies(sp, day))
        if taken >= unit.capacity:
            when = f"on {fmt_date(day)}" if day == start else f"from {fmt_date(day)}"
            later = (
                "" if day == start else f" (the attachment would still run then; it starts {fmt_date(start)})"
            )
            return RuleFailure(
                UNIT_FULL,
                f"{unit.name} is full {when}: {taken} of {unit.capacity} "
                f"place{'s' if unit.capacity != 1 else ''} taken by active or requested attachments{later}.",
                f"Unit full {when} ({taken}/{unit.capacity})",
            )
    return None


def _evaluate(
    o: _OfficerFacts,
    unit: _UnitFacts,
    quals: _QualRecords,
    driving_types: dict[int, int],
    own_spans: Sequence[_Span],
    start: dt.date,
    end: dt.date | None,
    ignore_id: int | None,
    capacity: RuleFailure | None,
    today: dt.date,
) -> list[RuleFailure]:
    """Every rule ``o`` fails for ``unit`` over [start, end). Pure: facts in, failures out."""
    out: list[RuleFailure] = []
    who = o.label
    on = fmt_date(start)
    if o.status in NOT_SERVING_STATUSES:
        state = "has left" if o.status == "left" else "is suspended"
        out.append(
            RuleFailure(
                NOT_SERVING,
                f"{who} {state}, so cannot be attached to {unit.name}.",
                f"Not serving ({o.status})",
            )
        )
    ip = o.independent_patrol
    if unit.requires_ip or unit.min_months:
        months = f" and {unit.min_months} months since then" if unit.min_months else ""
        if ip is None:
            out.append(
                RuleFailure(
                    INDEPENDENT_PATROL,
                    f"{who} has no independent patrol date; {unit.name} needs independent patrol{months} "
                    f"by the start date {on}.",
                    "No independent patrol",
                )
            )
        elif ip > start:
            out.append(
                RuleFailure(
                    INDEPENDENT_PATROL,
                    f"{who} reaches independent patrol on {fmt_date(ip)}, after the start date {on}; "
                    f"{unit.name} needs it{months} first.",
                    f"Independent patrol only from {fmt_date(ip)}",
                )
            )
        elif unit.min_months:
            earliest = add_months(ip, unit.min_months)
            if start < earliest:
                out.append(
                    RuleFailure(
                        TOO_SOON_AFTER_IP,
                        f"{who} reached independent patrol on {fmt_date(ip)}; {unit.name} needs "
                        f"{unit.min_months} months since then, so the earliest start is {fmt_date(earliest)} "
                        f"(requested {on}).",
                        f"Too soon after independent patrol (from {fmt_date(earliest)})",
                    )
                )
    for type_id, type_name in unit.required:
        records = quals.get(type_id, [])
        if any(a <= start and (x is None or x >= start) for a, x in records):
            continue
        achieved_before = [(a, x) for a, x in records if a <= start]
        if achieved_before:
            last_expiry = max(x for _a, x in achieved_before if x is not None)
            verb = "expired" if last_expiry < today else "expires"
            out.append(
                RuleFailure(
                    QUALIFICATION_EXPIRED,
                    f"{who}'s {type_name} {verb} on {fmt_date(last_expiry)}, before the start date {on}; "
                    f"{unit.name} needs it valid on the start date.",
                    f"{type_name} {verb} {fmt_date(last_expiry)}",
                )
            )
        elif records:
            first = min(a for a, _x in records)
            out.append(
                RuleFailure(
                    QUALIFICATION_MISSING,
                    f"{who} {'achieved' if first <= today else 'achieves'} {type_name} only on {fmt_date(first)}, "
                    f"after the start date {on}; "
                    f"{unit.name} needs it valid on the start date.",
                    f"{type_name} only from {fmt_date(first)}",
                )
            )
        else:
            out.append(
                RuleFailure(
                    QUALIFICATION_MISSING,
                    f"{who} has no {type_name} qualification; {unit.name} needs it valid on the start date {on}.",
                    f"No {type_name}",
                )
            )
    if unit.min_driving:
        driving_records = [(driving_types[t], recs) for t, recs in quals.items() if t in driving_types]
        if driving_records:
            valid = [
                level
                for level, recs in driving_records
                if any(a <= start and (x is None or x >= start) for a, x in recs)
            ]
            grade = max(valid, default=0)
            source = (
                f"from driving qualifications valid on {on}"
                if valid
                else f"no driving qualification is valid on {on}"
            )
        else:
            grade = driving_text_level(o.driving)
            source = "from the roster's Driving field" if o.driving else "no driving qualification recorded"
        if grade < unit.min_driving:
            out.append(
                RuleFailure(
                    DRIVING_GRADE,
                    f"{who}'s driving grade is {grade_name(grade)} ({source}); {unit.name} needs "
                    f"{grade_name(unit.min_driving)} or above.",
                    f"Driving {grade_name(grade)}, needs {grade_name(unit.min_driving)}",
                )
            )
    for sp in own_spans:
        if sp.id == ignore_id or sp.officer_id != o.id:
            continue
        if _intersects(sp.start, sp.end, start, end):
            out.append(
                RuleFailure(
                    OVERLAP,
                    f"{who} already has {'an' if sp.state != 'requested' else 'a'} {sp.state} attachment to "
                    f"{unit.name} {_range_text(sp.start, sp.end)}, which overlaps the dates asked for "
                    f"({_range_text(start, end)}).",
                    f"Already {sp.state} {_range_text(sp.start, sp.end)}",
                )
            )
    if capacity is not None:
        out.append(capacity)
    return out


# ---------------------------------------------------------------------------------------------
# Eligibility
# ---------------------------------------------------------------------------------------------


def _check(
    s: Session,
    officer_id: int,
    unit_id: int,
    start: dt.date,
    end: dt.date | None,
    ignore_attachment_id: int | None,
    today: dt.date | None = None,
) -> list[RuleFailure]:
    unit = s.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(f"No unit with id {unit_id}.")
    row = s.execute(_officer_select().where(Officer.id == officer_id)).one_or_none()
    if row is None:
        raise NotFoundError(f"No officer with id {officer_id}.")
    facts = _unit_facts(s, unit)
    driving = _driving_types(s) if facts.min_driving else {}
    quals = _qual_records(s, [t for t, _n in facts.required] + list(driving), officer_id)
    spans = _unit_spans(s, unit_id)
    capacity = _capacity_failure(facts, spans, start, end, ignore_attachment_id)
    return _evaluate(
        _officer_facts(row),
        facts,
        quals.get(officer_id, {}),
        driving,
        spans,
        start,
        end,
        ignore_attachment_id,
        capacity,
        today or dt.date.today(),
    )


def check_eligibility(
    db: Database,
    officer_id: int,
    unit_id: int,
    start: dt.date,
    end: dt.date | None = None,
    *,
    ignore_attachment_id: int | None = None,
) -> list[RuleFailure]:
    """Every rule the officer fails for an attachment to the unit from ``start`` (to ``end``).

    ``ignore_attachment_id``: an attachment being started or changed does not count against itself.
    An empty list means eligible.
    """
    with db.read() as s:
        return _check(s, officer_id, unit_id, start, end, ignore_attachment_id)


# ---------------------------------------------------------------------------------------------
# Request / start / end
# ---------------------------------------------------------------------------------------------


def _clean_text(value: str | None) -> str | None:
    return None if value is None else value.strip() or None


def _row(a: Attachment, o: Officer, u: Unit) -> AttachmentRow:
    return AttachmentRow(
        id=a.id,
        officer_id=o.id,
        collar=o.collar,
        officer_name=o.display_name,
        team=o.team,
        unit_id=u.id,
        unit_name=u.name,
        start_date=a.start_date,
        end_date=a.end_date,
        supervisor=a.supervisor,
        state=a.state,
        override_reason=a.override_reason,
        overridden_by=a.overridden_by,
        note=a.note,
        version=a.version,
    )


def _apply_override(a: Attachment, failures: list[RuleFailure], reason: str | None, step: str) -> None:
    """Record the override on the attachment (appended, so earlier overrides stay visible)."""
    if not failures:
        return
    rules = ", ".join(sorted({f.code for f in failures}))
    line = f"{step} {fmt_date(dt.date.today())} ({rules}): {reason}"
    a.override_reason = f"{a.override_reason}\n{line}" if a.override_reason else line
    a.overridden_by = audit.current_user()


def _audit_reason(failures: list[RuleFailure], reason: str | None) -> str | None:
    if failures and reason:
        return "Supervisor override: " + reason + " | rules broken: " + "; ".join(f.message for f in failures)
    return None


def request(
    db: Database,
    officer_id: int,
    unit_id: int,
    start: dt.date,
    end: dt.date | None = None,
    *,
    supervisor: str | None = None,
    note: str | None = None,
    override_reason: str | None = None,
    active: bool = False,
    locked_reason: str | None = None,
) -> AttachmentRow:
    """Request an attachment (``active=True``: record one that has already started).

    Refused with :class:`EligibilityError` listing every failed rule, unless ``override_reason``;
    one that started in a signed-off month also needs ``locked_reason`` (LockedMonthError).
    """
    reason = _clean_text(override_reason)
    errors: dict[str, str] = {}
    if end is not None and end < start:
        errors["end"] = f"The end date {fmt_date(end)} is before the start date {fmt_date(start)}."
    if active and start > dt.date.today():
        errors["start"] = (
            f"An attachment starting {fmt_date(start)} has not started yet: request it, and start it on the day."
        )
    with db.read() as s:
        unit = s.get(Unit, unit_id)
        if unit is not None and not unit.active:
            errors["unit"] = f"{unit.name} is no longer in use (deactivated in Settings)."
    if errors:
        raise ValidationError(errors)
    with db.session() as s:
        failures = _check(s, officer_id, unit_id, start, end, None)
        if failures and not reason:
            raise EligibilityError(failures)
        s.info["audit_reason"] = _audit_reason(failures, reason)
        with month_locks.guard(s, [officer_id], locked_reason, what="record this attachment"):
            a = Attachment(
                officer_id=officer_id,
                unit_id=unit_id,
                start_date=start,
                end_date=end,
                supervisor=_clean_text(supervisor),
                note=_clean_text(note),
                state="active" if active else "requested",
            )
            _apply_override(a, failures, reason, "Started" if active else "Requested")
            s.add(a)
        return _row(a, s.get_one(Officer, officer_id), s.get_one(Unit, unit_id))


def _load(s: Session, attachment_id: int, version: int | None) -> Attachment:
    a = s.get(Attachment, attachment_id)
    if a is None:
        raise NotFoundError(f"No attachment with id {attachment_id}: it may have been removed.")
    if version is not None and a.version != version:
        raise ConflictError(
            "Someone else changed this attachment since you opened it. Reload the list and try again."
        )
    return a


@contextmanager
def _editing(db: Database, reason: str | None = None) -> Iterator[Session]:
    """A session for changing one attachment; a concurrent change becomes a plain ConflictError."""
    try:
        with db.session(reason=reason) as s:
            yield s
    except StaleDataError as exc:
        raise ConflictError(
            "Someone else changed this attachment at the same time. Reload and try again."
        ) from exc


def start(
    db: Database,
    attachment_id: int,
    *,
    start_date: dt.date | None = None,
    supervisor: str | None = None,
    note: str | None = None,
    override_reason: str | None = None,
    version: int | None = None,
    locked_reason: str | None = None,
) -> AttachmentRow:
    """A requested attachment becomes active (optionally on a corrected start date).

    The rules are checked again on the start date; a break needs ``override_reason``. A start in a
    signed-off month changes its figures, so it also needs ``locked_reason`` (LockedMonthError).
    """
    reason = _clean_text(override_reason)
    with _editing(db) as s:
        a = _load(s, attachment_id, version)
        if a.state != "requested":
            raise ValidationError(
                {"state": f"Only a requested attachment can be started; this one is {a.state}."}
            )
        when = start_date or a.start_date
        if when > dt.date.today():
            raise ValidationError(
                {"start": f"{fmt_date(when)} is in the future: start the attachment on or after that day."}
            )
        if a.end_date is not None and a.end_date < when:
            raise ValidationError(
                {"start": f"The start date {fmt_date(when)} is after the end date {fmt_date(a.end_date)}."}
            )
        failures = _check(s, a.officer_id, a.unit_id, when, a.end_date, a.id)
        if failures and not reason:
            raise EligibilityError(failures, "The attachment was not started")
        s.info["audit_reason"] = _audit_reason(failures, reason)
        with month_locks.guard(s, [a.officer_id], locked_reason, what="start this attachment"):
            a.state = "active"
            a.start_date = when
            if supervisor is not None:
                a.supervisor = _clean_text(supervisor)
            if _clean_text(note):
                a.note = f"{a.note}\n{note}".strip() if a.note else _clean_text(note)
            _apply_override(a, failures, reason, "Started")
        return _row(a, s.get_one(Officer, a.officer_id), s.get_one(Unit, a.unit_id))


def end(
    db: Database,
    attachment_id: int,
    *,
    end_date: dt.date | None = None,
    note: str | None = None,
    version: int | None = None,
    locked_reason: str | None = None,
) -> AttachmentRow:
    """End an active attachment, or withdraw a requested one (state ``ended``).

    ``end_date`` (default today) is the day the place becomes free. A request withdrawn before its
    start date ends on its start date, so it never held a place. An end dated in (or before) a
    signed-off month changes its figures: ``locked_reason`` is needed (LockedMonthError).
    """
    with _editing(db, reason=_clean_text(note)) as s:
        a = _load(s, attachment_id, version)
        if a.state == "ended":
            raise ValidationError({"state": f"This attachment already ended on {fmt_date(a.end_date)}."})
        today = dt.date.today()
        when = end_date or today
        if a.state == "requested" and end_date is None and when < a.start_date:
            when = a.start_date
        if when < a.start_date:
            raise ValidationError(
                {"end": f"The end date {fmt_date(when)} is before the start date {fmt_date(a.start_date)}."}
            )
        if a.state == "active" and when > today:
            raise ValidationError(
                {"end": f"{fmt_date(when)} is in the future: end the attachment on or after that day."}
            )
        withdrawn = a.state == "requested"
        with month_locks.guard(s, [a.officer_id], locked_reason, what="end this attachment"):
            a.state = "ended"
            a.withdrawn = withdrawn
            a.end_date = when
            extra = _clean_text(note)
            if withdrawn:
                extra = "Request withdrawn." + (f" {extra}" if extra else "")
            if extra:
                a.note = f"{a.note}\n{extra}" if a.note else extra
        return _row(a, s.get_one(Officer, a.officer_id), s.get_one(Unit, a.unit_id))


def correct(
    db: Database,
    attachment_id: int,
    *,
    start_date: dt.date,
    end_date: dt.date | None,
    supervisor: str | None,
    reason: str,
    override_reason: str | None = None,
    version: int | None = None,
    locked_reason: str | None = None,
    today: dt.date | None = None,
) -> AttachmentRow:
    """Correct an attachment's dates or supervisor (a mistake when it was entered); the reason is kept
    in the audit log. The rules are checked again for a requested or active attachment (a break needs
    ``override_reason``); moving the dates of one that started changes the returns of the months
    between, so a signed-off month among them also needs ``locked_reason`` (LockedMonthError)."""
    why = _clean_text(reason)
    if not why:
        raise ValidationError(
            {"reason": "Say why you are correcting this attachment (kept in the audit log)."}
        )
    override = _clean_text(override_reason)
    today = today or dt.date.today()
    with _editing(db) as s:
        a = _load(s, attachment_id, version)
        errors: dict[str, str] = {}
        if end_date is not None and end_date < start_date:
            errors["end"] = (
                f"The end date {fmt_date(end_date)} is before the start date {fmt_date(start_date)}."
            )
        if a.state == "ended" and end_date is None:
            errors["end"] = "This attachment has ended: it needs its end date."
        if a.state != "requested" and start_date > today:
            errors["start"] = (
                f"{fmt_date(start_date)} is in the future, but this attachment has already started."
            )
        if a.state == "ended" and not a.withdrawn and end_date is not None and end_date > today:
            errors["end"] = f"{fmt_date(end_date)} is in the future, but this attachment has already ended."
        if errors:
            raise ValidationError(errors)
        failures: list[RuleFailure] = []
        if a.state != "ended":
            failures = _check(s, a.officer_id, a.unit_id, start_date, end_date, a.id)
            if failures and not override:
                raise EligibilityError(failures, "The correction was not saved")
        parts = [why, _audit_reason(failures, override)]
        s.info["audit_reason"] = "; ".join(p for p in parts if p)
        with month_locks.guard(s, [a.officer_id], locked_reason, what="correct this attachment"):
            if a.start_date != start_date:
                a.start_date = start_date
            if a.end_date != end_date:
                a.end_date = end_date
            if a.supervisor != _clean_text(supervisor):
                a.supervisor = _clean_text(supervisor)
            _apply_override(a, failures, override, "Corrected")
        return _row(a, s.get_one(Officer, a.officer_id), s.get_one(Unit, a.unit_id))


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------


def _attachment_rows(s: Session, *where: Any) -> list[AttachmentRow]:
    rows = s.execute(
        select(Attachment, Officer, Unit)
        .join(Officer, Officer.id == Attachment.officer_id)
        .join(Unit, Unit.id == Attachment.unit_id)
        .where(*where)
        .order_by(Attachment.start_date.desc(), Attachment.id.desc())
    ).all()
    return [_row(a, o, u) for a, o, u in rows]


def unit_attachments(db: Database, unit_id: int) -> UnitAttachments:
    """Current members (active), requested, and history (ended, newest first) of one unit."""
    unit = get_unit(db, unit_id)
    with db.read() as s:
        rows = _attachment_rows(s, Attachment.unit_id == unit_id)
    current = sorted((r for r in rows if r.state == "active"), key=lambda r: (r.officer_name.lower(), r.id))
    requested = sorted((r for r in rows if r.state == "requested"), key=lambda r: (r.start_date, r.id))
    history = [r for r in rows if r.state == "ended"]
    history.sort(key=lambda r: (r.end_date or r.start_date, r.id), reverse=True)
    return UnitAttachments(unit, current, requested, history)


def officer_attachments(db: Database, officer_id: int) -> list[AttachmentRow]:
    """Every attachment of the officer, open ones first, then newest first."""
    with db.read() as s:
        rows = _attachment_rows(s, Attachment.officer_id == officer_id)
    order = {"active": 0, "requested": 1, "ended": 2}
    return sorted(rows, key=lambda r: (order.get(r.state, 3), -r.start_date.toordinal(), -r.id))


def get_attachment(db: Database, attachment_id: int) -> AttachmentRow:
    with db.read() as s:
        rows = _attachment_rows(s, Attachment.id == attachment_id)
    if not rows:
        raise NotFoundError(f"No attachment with id {attachment_id}.")
    return rows[0]


def officer_choices(db: Database, *, serving_only: bool = True) -> list[tuple[int, str]]:
    """(id, "collar  Surname, Forenames (team)") for pickers, by surname."""
    with db.read() as s:
        query = select(Officer.id, Officer.collar, Officer.surname, Officer.forenames, Officer.team).order_by(
            Officer.surname, Officer.forenames
        )
        if serving_only:
            query = query.where(Officer.status.not_in(NOT_SERVING_STATUSES))
        out = []
        for r in s.execute(query):
            team = f" ({r.team})" if r.team else ""
            out.append((r.id, f"{r.collar}  {_name(r.surname, r.forenames)}{team}"))
        return out


# ---------------------------------------------------------------------------------------------
# Who could join?
# ---------------------------------------------------------------------------------------------


def who_could_join(db: Database, unit_id: int, on: dt.date | None = None) -> JoinCandidates:
    """Serving officers (not left, not suspended) who meet every requirement of the unit for an
    attachment starting ``on`` (default today), and those who miss by exactly one rule.

    Officers already attached to or requested for the unit on that date are left out. Four queries
    whatever the number of officers; the rules run in Python per officer.
    """
    on = on or dt.date.today()
    with db.read() as s:
        unit = s.get(Unit, unit_id)
        if unit is None:
            raise NotFoundError(f"No unit with id {unit_id}.")
        facts = _unit_facts(s, unit)
        driving = _driving_types(s) if facts.min_driving else {}
        quals = _qual_records(s, [t for t, _n in facts.required] + list(driving))
        spans = _unit_spans(s, unit_id)
        officers = s.execute(
            _officer_select()
            .where(Officer.status.not_in(NOT_SERVING_STATUSES))
            .order_by(Officer.surname, Officer.forenames)
        ).all()
    info = get_unit(db, unit_id)
    full = _capacity_failure(facts, spans, on, None, None)
    busy = {sp.officer_id for sp in spans if _intersects(sp.start, sp.end, on, None)}
    spans_by_officer: dict[int, list[_Span]] = defaultdict(list)
    for sp in spans:
        spans_by_officer[sp.officer_id].append(sp)
    today = dt.date.today()
    eligible: list[Candidate] = []
    near: list[Candidate] = []
    considered = 0
    empty: _QualRecords = {}
    for row in officers:
        if row.id in busy:
            continue
        considered += 1
        o = _officer_facts(row)
        failures = _evaluate(
            o,
            facts,
            quals.get(o.id, empty),
            driving,
            spans_by_officer.get(o.id, []),
            on,
            None,
            None,
            full,
            today,
        )
        if len(failures) <= 1:
            cand = Candidate(o.id, o.collar, o.name, o.team, o.rank, failures)
            (eligible if not failures else near).append(cand)
    return JoinCandidates(info, on, eligible, near, full, considered)


# ---------------------------------------------------------------------------------------------
# Units (Settings)
# ---------------------------------------------------------------------------------------------

UNIT_FIELDS = (
    "name",
    "code",
    "description",
    "capacity",
    "requires_independent_patrol",
    "min_months_since_ip",
    "min_driving_level",
    "active",
)


def qualification_types(db: Database) -> list[tuple[int, str, bool]]:
    """(id, name, active) of every qualification type, by name, for the requirements picker."""
    with db.read() as s:
        return [
            (q.id, q.name, bool(q.active))
            for q in s.scalars(select(QualificationType).order_by(QualificationType.name))
        ]


def _unit_info(u: Unit, names: dict[int, str], counts: dict[tuple[int, str], int], total: int) -> UnitInfo:
    qids = sorted(
        (r.qualification_type_id for r in u.required_qualifications), key=lambda i: names.get(i, "")
    )
    return UnitInfo(
        id=u.id,
        name=u.name,
        code=u.code,
        description=u.description,
        capacity=u.capacity,
        requires_independent_patrol=bool(u.requires_independent_patrol),
        min_months_since_ip=u.min_months_since_ip,
        min_driving_level=u.min_driving_level,
        active=bool(u.active),
        qualification_ids=qids,
        qualification_names=[names.get(i, f"qualification {i}") for i in qids],
        active_count=counts.get((u.id, "active"), 0),
        requested_count=counts.get((u.id, "requested"), 0),
        attachment_count=total,
    )


def _open_counts(s: Session, today: dt.date) -> tuple[dict[tuple[int, str], int], dict[int, int]]:
    """(unit, state) -> open attachments today (no end, or ending after today); unit -> all on record."""
    open_rows = s.execute(
        select(Attachment.unit_id, Attachment.state, func.count())
        .where(
            Attachment.state.in_(OPEN_STATES),
            (Attachment.end_date.is_(None)) | (Attachment.end_date > today),
        )
        .group_by(Attachment.unit_id, Attachment.state)
    )
    counts = {(uid, state): n for uid, state, n in open_rows}
    totals = {
        uid: n for uid, n in s.execute(select(Attachment.unit_id, func.count()).group_by(Attachment.unit_id))
    }
    return counts, totals


def list_units(db: Database, *, include_inactive: bool = True) -> list[UnitInfo]:
    """Units by name with today's places used (active + requested) and their requirements."""
    today = dt.date.today()
    with db.read() as s:
        names = {i: n for i, n in s.execute(select(QualificationType.id, QualificationType.name))}
        counts, totals = _open_counts(s, today)
        query = select(Unit).order_by(Unit.name)
        if not include_inactive:
            query = query.where(Unit.active.is_(True))
        return [_unit_info(u, names, counts, totals.get(u.id, 0)) for u in s.scalars(query)]


def get_unit(db: Database, unit_id: int) -> UnitInfo:
    today = dt.date.today()
    with db.read() as s:
        u = s.get(Unit, unit_id)
        if u is None:
            raise NotFoundError(f"No unit with id {unit_id}.")
        names = {i: n for i, n in s.execute(select(QualificationType.id, QualificationType.name))}
        counts, totals = _open_counts(s, today)
        return _unit_info(u, names, counts, totals.get(u.id, 0))


def _clean_unit(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in UNIT_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key in ("name", "description"):
            value = _clean_text(None if value is None else str(value))
        elif key == "code":
            value = _clean_text(None if value is None else str(value))
            value = value.upper().replace(" ", "") if value else None
        elif key in ("requires_independent_patrol", "active"):
            value = bool(value)
        else:
            if value in (None, ""):
                value = None
            else:
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    errors[key] = f"{value!r} is not a whole number."
                    continue
        values[key] = value
    if "name" in values:
        if not values["name"]:
            errors["name"] = "A unit needs a name."
        elif len(values["name"]) > 120:
            errors["name"] = "The name is longer than 120 characters."
    if values.get("code") and len(values["code"]) > 24:
        errors["code"] = "The code is longer than 24 characters."
    cap = values.get("capacity")
    if cap is not None and cap < 1:
        errors["capacity"] = "Capacity must be at least 1 place, or no limit."
    months = values.get("min_months_since_ip")
    if months is not None:
        if months < 0:
            errors["min_months_since_ip"] = "Months since independent patrol cannot be negative."
        elif months == 0:
            values["min_months_since_ip"] = None
    level = values.get("min_driving_level")
    if level is not None:
        if not 0 <= level < len(DRIVING_GRADES):
            errors["min_driving_level"] = f"Driving grade must be one of: {', '.join(DRIVING_GRADES)}."
        elif level == 0:
            values["min_driving_level"] = None
    return values, errors


def _set_requirements(s: Session, unit: Unit, type_ids: Iterable[int], errors: dict[str, str]) -> None:
    wanted = set(int(t) for t in type_ids)
    known = set(s.scalars(select(QualificationType.id).where(QualificationType.id.in_(wanted))))
    if wanted - known:
        errors["qualifications"] = "Unknown qualification type: choose from the list."
        return
    have = {r.qualification_type_id: r for r in unit.required_qualifications}
    for tid, req in have.items():
        if tid not in wanted:
            unit.required_qualifications.remove(req)
            s.delete(req)  # explicit, so the audit hook sees it (an orphan is only found during flush)
    for tid in sorted(wanted - set(have)):
        unit.required_qualifications.append(UnitRequirement(qualification_type_id=tid))


def _name_clash(s: Session, name: str, unit_id: int | None) -> bool:
    other = s.scalar(select(Unit.id).where(func.lower(Unit.name) == name.lower()))
    return other is not None and other != unit_id


def create_unit(db: Database, data: dict[str, Any]) -> UnitInfo:
    """Create a unit. ``data``: fields of UNIT_FIELDS plus ``qualification_ids``."""
    values, errors = _clean_unit({"name": None, **data})
    with db.session(reason=_clean_text(data.get("reason"))) as s:
        if values.get("name") and _name_clash(s, values["name"], None):
            errors["name"] = f"There is already a unit called {values['name']}."
        values.setdefault("requires_independent_patrol", True)
        values.setdefault("active", True)
        unit = Unit(**values)
        _set_requirements(s, unit, data.get("qualification_ids") or [], errors)
        if errors:
            raise ValidationError(errors)
        s.add(unit)
        s.flush()
        unit_id = unit.id
    return get_unit(db, unit_id)


def update_unit(db: Database, unit_id: int, data: dict[str, Any], *, reason: str | None = None) -> UnitInfo:
    """Change a unit's fields and, if ``qualification_ids`` is given, its required qualifications."""
    values, errors = _clean_unit(data)
    with db.session(reason=_clean_text(reason)) as s:
        unit = s.get(Unit, unit_id)
        if unit is None:
            raise NotFoundError(f"No unit with id {unit_id}.")
        if values.get("name") and _name_clash(s, values["name"], unit_id):
            errors["name"] = f"There is already a unit called {values['name']}."
        if "qualification_ids" in data:
            _set_requirements(s, unit, data["qualification_ids"] or [], errors)
        if errors:
            raise ValidationError(errors)
        for key, value in values.items():
            if getattr(unit, key) != value:
                setattr(unit, key, value)
    return get_unit(db, unit_id)


def set_unit_active(db: Database, unit_id: int, active: bool) -> UnitInfo:
    return update_unit(db, unit_id, {"active": active})


def delete_unit(db: Database, unit_id: int) -> None:
    """Delete a unit that was never used. One with attachments (or duties) can only be deactivated."""
    with db.session() as s:
        unit = s.get(Unit, unit_id)
        if unit is None:
            raise NotFoundError(f"No unit with id {unit_id}.")
        attached = (
            s.scalar(select(func.count()).select_from(Attachment).where(Attachment.unit_id == unit_id)) or 0
        )
        duties = s.scalar(select(func.count()).select_from(Duty).where(Duty.unit_id == unit_id)) or 0
        if attached or duties:
            used = []
            if attached:
                used.append(f"{attached} attachment{'s' if attached != 1 else ''}")
            if duties:
                used.append(f"{duties} dut{'ies' if duties != 1 else 'y'}")
            raise ValidationError(
                {
                    "unit": f"{unit.name} has {' and '.join(used)} on record, so it cannot be deleted. "
                    "Deactivate it instead: it stays in the history but takes no new attachments."
                }
            )
        s.delete(unit)
