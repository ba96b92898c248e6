"""UK GDPR duties: retention review, anonymisation of leavers, and subject access export.

Retention: an officer who left more than ``retention_years`` (setting, default 6) years ago is listed
for review. Anonymising keeps every figure the force reports (hours and duties, dates of service,
rank and status history, team, pathway stages, qualifications, attachments), so old returns still
add up, and removes what identifies or describes the person: the collar number (every one they had
becomes a token such as ANON-0007, unique, in the record, its imported rows, the audit trail and
signed-off returns alike), names, contact details, address, date of birth, employer, notes (theirs
and those on their records), legacy spreadsheet fields, the cells of their imported rows (rejected
rows with their collar number too), and their personal values wherever the audit trail or a reason
written about them holds one. It is audited (one "anonymise" event per officer with who, when and
why) and a backup is made first.

Subject access: one officer's whole record as plain data, one table per kind of record
(:func:`subject_access_data`); desktop.excel.subject_access writes it as a workbook.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.core import audit, settings
from desktop.core.db import Database
from desktop.core.domain import add_months
from desktop.core.errors import NotFoundError
from desktop.core.formats import collar_key, full_name
from desktop.core.models import (
    Attachment,
    AuditEvent,
    Duty,
    ImportBatch,
    ImportRow,
    MonthLock,
    Officer,
    OfficerQualification,
    PathwayStage,
    QualificationType,
    StageAchieved,
    Unit,
)

log = logging.getLogger(__name__)

ANONYMISED_SURNAME = "Anonymised"
REDACTED = "[removed: anonymised]"

# Officer columns cleared by anonymisation (surname is replaced, not cleared: it is required).
PERSONAL_FIELDS = (
    "forenames",
    "preferred_name",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "employer",
    "notes",
)
# Columns whose values are redacted from the audit trail of an anonymised officer.
_AUDIT_PERSONAL = set(PERSONAL_FIELDS) | {"surname", "note", "value", "name"}
# Keys redacted inside JSON values (audit snapshots, import row changes, signed-off returns).
_JSON_PERSONAL = _AUDIT_PERSONAL | {"legacy fields", "legacy_fields"}


# ---------------------------------------------------------------------------------------------
# Retention review
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRow:
    id: int
    collar: str
    name: str
    rank: str
    team: str | None
    left_date: dt.date
    leaving_reason: str | None
    due: dt.date  # the day retention ended

    def years_since_leaving(self, today: dt.date) -> float:
        return round((today - self.left_date).days / 365.25, 1)


def retention_years(db: Database) -> int:
    try:
        return max(1, int(settings.get(db, "retention_years") or 6))
    except (TypeError, ValueError):
        return 6


def retention_due(db: Database, today: dt.date | None = None) -> list[RetentionRow]:
    """Leavers whose retention period has passed and who are not anonymised yet, longest gone first."""
    today = today or dt.date.today()
    years = retention_years(db)
    latest_left = add_months(today, -12 * years)
    with db.read() as s:
        rows = s.execute(
            select(
                Officer.id,
                Officer.collar,
                Officer.surname,
                Officer.forenames,
                Officer.rank,
                Officer.team,
                Officer.left_date,
                Officer.leaving_reason,
            )
            .where(
                Officer.status == "left",
                Officer.left_date.is_not(None),
                Officer.left_date <= latest_left,
                Officer.anonymised.is_(False),
            )
            .order_by(Officer.left_date, Officer.collar)
        ).all()
    return [
        RetentionRow(
            id=r.id,
            collar=r.collar,
            name=full_name(r.surname, r.forenames),
            rank=r.rank,
            team=r.team,
            left_date=r.left_date,
            leaving_reason=r.leaving_reason,
            due=add_months(r.left_date, 12 * years),
        )
        for r in rows
    ]


# ---------------------------------------------------------------------------------------------
# Anonymisation
# ---------------------------------------------------------------------------------------------


def anonymise(
    db: Database,
    officer_ids: Iterable[int],
    *,
    reason: str | None = None,
    make_backup: bool = True,
) -> int:
    """Anonymise the officers (see the module text). One transaction; returns how many changed.

    Officers already anonymised are left as they are. A backup is made first (SQLite).
    """
    ids = sorted(set(officer_ids))
    if not ids:
        return 0
    if make_backup:
        from desktop.core.backup import backup_before

        backup_before(db, "anonymise")
    why = reason or "anonymised at the end of the retention period"
    changed = 0
    with db.session(reason=why) as s:
        officers = list(s.scalars(select(Officer).where(Officer.id.in_(ids))))
        missing = set(ids) - {o.id for o in officers}
        if missing:
            raise NotFoundError(f"No officer with id {', '.join(map(str, sorted(missing)))}.")
        tokens = _tokens(s)
        held: dict[int, _Held] = {}
        for o in officers:
            if o.anonymised:
                continue
            held[o.id] = _held_values(s, o, next(tokens))
            _anonymise_one(s, o, held[o.id].token)
            changed += 1
        s.flush()  # the audit hook writes its events (with the personal old values) now
        for oid, h in held.items():
            _redact_audit(s, oid, h)
            _redact_imports(s, oid, h)
            _redact_records(s, oid, h)
        _redact_locked_returns(s, {c: h.token for h in held.values() for c in h.collars})
        for oid in held:
            s.add(
                AuditEvent(
                    **audit.event_row(
                        "officers",
                        oid,
                        "anonymise",
                        officer_id=oid,
                        reason=why,
                        new="personal data removed",
                    )
                )
            )
    log.info("anonymised %d officer(s)", changed)
    return changed


ANON_PREFIX = "ANON-"
_ANON = re.compile(r"^ANON-(\d+)$")


def _tokens(s: Session) -> Iterator[str]:
    """Collar tokens that identify no one, ANON-0001 upwards, after those already given."""
    taken = set(s.scalars(select(Officer.collar).where(Officer.collar.like(f"{ANON_PREFIX}%"))))
    n = max((int(m.group(1)) for c in taken if (m := _ANON.match(c))), default=0)
    while True:
        n += 1
        token = f"{ANON_PREFIX}{n:04d}"
        if token not in taken:
            yield token


@dataclass
class _Held:
    """What identified one officer: every collar number they had, and their personal values."""

    token: str
    collars: set[str]
    values: list[str]  # longest first

    def scrub(self, text: str, *, collars: bool = True) -> str:
        """Free text with each personal value (as a whole word or phrase) taken out, and with
        ``collars`` each old collar number (as a whole word) replaced by the token."""
        for value in self.values:
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
        if collars:
            for collar in sorted(self.collars, key=len, reverse=True):
                text = re.sub(
                    rf"(?<![\w-]){re.escape(collar)}(?![\w-])", self.token, text, flags=re.IGNORECASE
                )
        return text


def _ways_written(value: Any, *, words: bool = False) -> list[str]:
    """A personal value as it may appear in text: whole and part by part (lines, or between commas,
    as an address is written; a date both ways), and with ``words`` each word of three letters or
    more (a name's parts)."""
    if value is None or value == "":
        return []
    if isinstance(value, dt.date):
        return [value.isoformat(), f"{value:%d/%m/%Y}"]
    text = str(value).strip()
    out = [text] + [part.strip() for part in re.split(r"[\n,;]+", text)]
    if words:
        out += [w for w in re.split(r"[\s,]+", text) if len(w) >= 3]
    return [w for w in out if len(w) >= 2]


_NAME_FIELDS = ("surname", "forenames", "preferred_name")


def _held_values(s: Session, o: Officer, token: str) -> _Held:
    collars = {o.collar}
    found: set[str] = set()
    for name in (*PERSONAL_FIELDS, "surname"):
        found.update(_ways_written(getattr(o, name), words=name in _NAME_FIELDS))
    found.update(_ways_written(o.display_name))
    if o.forenames:
        found.update(_ways_written(f"{o.forenames} {o.surname}"))
    for lf in o.legacy_fields:
        found.update(_ways_written(lf.value))
    for e in s.scalars(select(AuditEvent).where(AuditEvent.officer_id == o.id)):
        if e.field == "collar":
            collars.update(v for v in (e.old, e.new) if v)
        elif e.field is not None and _personal_field(e.field) and e.field != "name":
            for value in (e.old, e.new):
                found.update(_ways_written(value, words=e.field in _NAME_FIELDS))
    collars.update(c for c in s.scalars(select(ImportRow.collar).where(ImportRow.officer_id == o.id)) if c)
    found -= {ANONYMISED_SURNAME, REDACTED}
    return _Held(token, {c for c in collars if c}, sorted(found, key=len, reverse=True))


def _anonymise_one(s: Session, o: Officer, token: str) -> None:
    o.collar = token
    o.surname = ANONYMISED_SURNAME
    for name in PERSONAL_FIELDS:
        setattr(o, name, None)
    o.anonymised = True
    o.updated_by = audit.current_user()
    for lf in list(o.legacy_fields):
        s.delete(lf)
    for change in list(o.rank_changes) + list(o.status_changes):
        change.note = None
    for model in (StageAchieved, OfficerQualification, Attachment, Duty):
        s.execute(
            update(model)
            .where(model.officer_id == o.id, model.note.is_not(None))
            .values(note=None)
            .execution_options(synchronize_session=False)
        )


def _clean_value(key: str | None, value: Any, h: _Held) -> Any:
    """One value of a record about the officer (a JSON leaf or a field's old or new value)."""
    if key == "collar":
        return h.token if value not in (None, "") else value
    if key is not None and (key in _JSON_PERSONAL or key.startswith("legacy")):
        return REDACTED if value not in (None, "") else value
    if isinstance(value, str):
        return h.scrub(value, collars=False)
    if isinstance(value, dict):
        return {k: _clean_value(k, v, h) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_value(None, v, h) for v in value]
    return value


def _clean_json_text(text: str | None, h: _Held) -> str | None:
    if not text:
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return h.scrub(text, collars=False)
    if not isinstance(data, dict | list):
        return h.scrub(text, collars=False)
    return json.dumps(_clean_value(None, data, h), ensure_ascii=False)


def _personal_field(field: str | None) -> bool:
    return field is not None and (field in _AUDIT_PERSONAL or field.startswith("legacy"))


def _redact_audit(s: Session, officer_id: int, h: _Held) -> None:
    """The officer's audit trail: personal values and old collar numbers go, from field changes,
    record snapshots and reasons alike. Figures (hours, dates, rank, status, team) stay, so the
    trail still explains the returns."""
    for e in s.scalars(select(AuditEvent).where(AuditEvent.officer_id == officer_id)):
        if e.action == "anonymise":
            continue
        if e.field is None:  # a whole-record snapshot (create, delete, import) as JSON
            e.old = _clean_json_text(e.old, h)
            e.new = _clean_json_text(e.new, h)
        elif e.field == "collar":
            e.old = (REDACTED if e.new == h.token else h.token) if e.old else e.old
            e.new = h.token if e.new else e.new
        elif _personal_field(e.field):
            e.old = REDACTED if e.old else e.old
            if not (e.entity == "officers" and e.field == "surname" and e.new == ANONYMISED_SURNAME):
                e.new = REDACTED if e.new else e.new
        if e.reason:
            e.reason = h.scrub(e.reason)


def _redact_imports(s: Session, officer_id: int, h: _Held) -> None:
    """Imported rows about the officer (kept for rejects and undo), found by officer or by any collar
    number they had (a rejected row has no officer): their cells go, their collar becomes the token."""
    keys = {collar_key(c) for c in h.collars}
    rows = list(s.scalars(select(ImportRow).where(ImportRow.officer_id == officer_id)))
    rows += [
        r
        for r in s.scalars(
            select(ImportRow).where(ImportRow.officer_id.is_(None), ImportRow.collar.is_not(None))
        )
        if collar_key(r.collar or "") in keys
    ]
    for row in rows:
        row.original = None
        row.collar = h.token if row.collar else row.collar
        if row.changes:
            row.changes = {
                k: ([None, None] if _personal_field(k) else _clean_value(k, v, h))
                for k, v in row.changes.items()
            }
        if row.reasons:
            row.reasons = [
                {
                    k: h.scrub(v) if k == "why" and isinstance(v, str) else _clean_value(k, v, h)
                    for k, v in r.items()
                }
                if isinstance(r, dict)
                else _clean_value(None, r, h)
                for r in row.reasons
            ]


def _redact_records(s: Session, officer_id: int, h: _Held) -> None:
    """Free text about the officer on their records written by others (an override's reason, an
    assessor or supervisor named as the officer)."""
    for a in s.scalars(select(Attachment).where(Attachment.officer_id == officer_id)):
        for attr in ("override_reason", "supervisor", "overridden_by"):
            value = getattr(a, attr)
            if value and h.scrub(value) != value:
                s.execute(
                    update(Attachment)
                    .where(Attachment.id == a.id)
                    .values({attr: h.scrub(value)})
                    .execution_options(synchronize_session=False)
                )
    for row in s.scalars(select(StageAchieved).where(StageAchieved.officer_id == officer_id)):
        if row.assessor and h.scrub(row.assessor) != row.assessor:
            s.execute(
                update(StageAchieved)
                .where(StageAchieved.id == row.id)
                .values(assessor=h.scrub(row.assessor))
                .execution_options(synchronize_session=False)
            )


def _redact_locked_returns(s: Session, tokens: dict[str, str]) -> None:
    """Signed-off returns keep their figures; anonymised officers in them get their token for a
    collar number and no name (Core updates: an audited ORM change would copy the old values into
    the trail)."""
    if not tokens:
        return

    def walk(data: Any) -> tuple[Any, bool]:
        if isinstance(data, dict):
            changed = False
            out = {}
            for k, v in data.items():
                v2, c = walk(v)
                out[k] = v2
                changed |= c
            collar = out.get("collar")
            token = tokens.get(collar) if isinstance(collar, str) else None
            if token is not None:
                out["collar"] = token
                if "name" in out:
                    out["name"] = ANONYMISED_SURNAME
                changed = True
            return out, changed
        if isinstance(data, list):
            items = [walk(v) for v in data]
            return [v for v, _ in items], any(c for _, c in items)
        return data, False

    for lock in s.scalars(select(MonthLock)):
        figures, changed = walk(lock.figures)
        if changed:
            s.execute(update(MonthLock).where(MonthLock.id == lock.id).values(figures=figures))
    # The audit trail's snapshot of each signed-off return holds the same collars and names.
    for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "month_locks")):
        for attr in ("old", "new"):
            text = getattr(e, attr)
            if not text or not any(c in text for c in tokens):
                continue
            try:
                snap = json.loads(text)
                inner = snap.get("figures") if isinstance(snap, dict) else None
                if isinstance(inner, str):
                    redone, changed = walk(json.loads(inner))
                    if changed:
                        snap["figures"] = json.dumps(redone, ensure_ascii=False)
                        setattr(e, attr, json.dumps(snap, ensure_ascii=False))
                else:
                    redone, changed = walk(snap)
                    if changed:
                        setattr(e, attr, json.dumps(redone, ensure_ascii=False))
            except ValueError:
                continue


# ---------------------------------------------------------------------------------------------
# Subject access export
# ---------------------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def subject_access_data(db: Database, officer_id: int) -> dict[str, list[list[Any]]]:
    """Every record held about one officer, as sheet name -> rows (first row the header)."""
    from desktop.core.roster import FIELD_LABELS, FIELDS

    with db.read() as s:
        o = s.get(Officer, officer_id)
        if o is None:
            raise NotFoundError(f"No officer with id {officer_id}.")
        details: list[list[Any]] = [["Field", "Value"]]
        details += [[FIELD_LABELS.get(name, name), _text(getattr(o, name))] for name in FIELDS]
        details += [
            ["Anonymised", _text(o.anonymised)],
            ["Record created", o.created_at],
            ["Last changed", o.updated_at],
            ["Last changed by", o.updated_by],
        ]
        ranks = [["Rank", "From", "Acting", "Note"]] + [
            [r.rank, r.effective, _text(r.acting), r.note] for r in o.rank_changes
        ]
        statuses = [["Status", "From", "Leaving reason", "Note"]] + [
            [c.status, c.effective, c.reason, c.note] for c in o.status_changes
        ]
        legacy = [["Spreadsheet column", "Value"]] + [[lf.name, lf.value] for lf in o.legacy_fields]
        pathway = [["Pathway stage", "Achieved", "Assessor", "Note"]] + [
            [name, a.achieved_on, a.assessor, a.note]
            for a, name in s.execute(
                select(StageAchieved, PathwayStage.name)
                .join(PathwayStage, PathwayStage.id == StageAchieved.stage_id)
                .where(StageAchieved.officer_id == officer_id)
                .order_by(StageAchieved.achieved_on, PathwayStage.position)
            )
        ]
        quals = [["Qualification", "Achieved", "Expires", "Note"]] + [
            [name, q.achieved_on, q.expires_on, q.note]
            for q, name in s.execute(
                select(OfficerQualification, QualificationType.name)
                .join(QualificationType, QualificationType.id == OfficerQualification.type_id)
                .where(OfficerQualification.officer_id == officer_id)
                .order_by(OfficerQualification.achieved_on)
            )
        ]
        attachments = [
            ["Unit", "Start", "End", "State", "Supervisor", "Override reason", "Overridden by", "Note"]
        ] + [
            [
                name,
                a.start_date,
                a.end_date,
                a.state,
                a.supervisor,
                a.override_reason,
                a.overridden_by,
                a.note,
            ]
            for a, name in s.execute(
                select(Attachment, Unit.name)
                .join(Unit, Unit.id == Attachment.unit_id)
                .where(Attachment.officer_id == officer_id)
                .order_by(Attachment.start_date)
            )
        ]
        units = {uid: name for uid, name in s.execute(select(Unit.id, Unit.name))}
        duties = [
            ["Date", "Start", "End", "Hours", "Duty type", "Unit", "Monthly total", "Source", "Note"]
        ] + [
            [
                d.date,
                d.start_time.strftime("%H:%M") if d.start_time else None,
                d.end_time.strftime("%H:%M") if d.end_time else None,
                d.hours,
                d.duty_type,
                units.get(d.unit_id) if d.unit_id else None,
                _text(d.is_monthly_total),
                d.source,
                d.note,
            ]
            for d in s.scalars(select(Duty).where(Duty.officer_id == officer_id).order_by(Duty.date, Duty.id))
        ]
        imports = [["File", "Sheet", "Row", "Outcome", "Imported", "Cells as read"]] + [
            [
                b.file_name,
                b.sheet,
                r.row_number,
                r.outcome,
                b.started_at,
                json.dumps(r.original, ensure_ascii=False, default=str) if r.original else None,
            ]
            for r, b in s.execute(
                select(ImportRow, ImportBatch)
                .join(ImportBatch, ImportBatch.id == ImportRow.batch_id)
                .where(ImportRow.officer_id == officer_id)
                .order_by(ImportBatch.started_at, ImportRow.row_number)
            )
        ]
        trail = [
            ["When (UTC)", "Who", "Computer", "Record", "Action", "Field", "Old value", "New value", "Reason"]
        ] + [
            [e.at, e.user, e.machine, e.entity, e.action, e.field, e.old, e.new, e.reason]
            for e in s.scalars(
                select(AuditEvent)
                .where(AuditEvent.officer_id == officer_id)
                .order_by(AuditEvent.at, AuditEvent.id)
            )
        ]
        summary_name = o.display_name
        collar = o.collar
    cover: list[list[Any]] = [
        ["Subject access export", ""],
        ["Officer", f"{collar} {summary_name}"],
        ["Made", dt.datetime.now().replace(microsecond=0)],
        ["Made by", audit.current_user()],
        [
            "Sheets",
            "Details, Rank history, Status history, Pathway, Qualifications, Attachments, Duties, "
            "Legacy fields, Imports, Audit trail",
        ],
    ]
    return {
        "About this export": cover,
        "Details": details,
        "Rank history": ranks,
        "Status history": statuses,
        "Pathway": pathway,
        "Qualifications": quals,
        "Attachments": attachments,
        "Duties": duties,
        "Legacy fields": legacy,
        "Imports": imports,
        "Audit trail": trail,
    }
