"""Undoing an import: the values it changed restored and what it created removed, in one
transaction, audited; refused while a later import or edit depends on it.

    undo_batch(db, batch_id)

The batch's row records say what to undo: for each updated officer, ``changes`` holds old and new of
every field, legacy field ("legacy:Name") and month of hours ("hours:YYYY-MM"), and the history the
import added (``_rank_change``, ``_status_change``, ``_ip_stage``, ``_ip_stage_moved``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from desktop.core import audit, month_locks
from desktop.core.db import Database
from desktop.core.errors import CipDeskError, NotFoundError
from desktop.core.models import (
    AuditEvent,
    Duty,
    ImportBatch,
    ImportRow,
    LegacyField,
    Officer,
    RankChange,
    StageAchieved,
    StatusChange,
    utcnow,
)
from desktop.core.progress import Progress, report
from desktop.core.roster import DATE_FIELDS
from desktop.importing.limits import AUDIT_FIELD_LIMIT, cut

# Officers removed in one statement.
CHUNK = 500


class UndoRefused(CipDeskError):
    """The batch cannot be undone; the message says why."""


def _when(at: dt.datetime | None) -> str:
    return at.strftime("%d/%m/%Y %H:%M") if at else "an unknown time"


def undo_check(s: Session, batch: ImportBatch) -> str | None:
    """Why ``batch`` cannot be undone, or None when it can."""
    if batch.undone_at is not None:
        return f"Import {batch.id} ({batch.file_name}) was already undone on {_when(batch.undone_at)}."
    touched = select(ImportRow.officer_id).where(
        ImportRow.batch_id == batch.id,
        ImportRow.outcome.in_(("created", "updated")),
        ImportRow.officer_id.is_not(None),
    )
    later = s.execute(
        select(ImportBatch.id, ImportBatch.file_name, ImportBatch.started_at)
        .join(ImportRow, ImportRow.batch_id == ImportBatch.id)
        .where(
            ImportBatch.id > batch.id,
            ImportBatch.undone_at.is_(None),
            ImportRow.outcome.in_(("created", "updated")),
            ImportRow.officer_id.in_(touched),
        )
        .order_by(ImportBatch.id.desc())
        .limit(1)
    ).first()
    if later is not None:
        return (
            f"Import {later.id} ({later.file_name}, {_when(later.started_at)}) changed the same officers "
            f"afterwards. Undo import {later.id} first."
        )
    edit = s.execute(
        select(AuditEvent.at, AuditEvent.user, AuditEvent.officer_id, AuditEvent.field)
        .where(
            AuditEvent.officer_id.in_(touched),
            AuditEvent.at >= batch.started_at,
            or_(
                AuditEvent.batch_id.is_(None),
                and_(
                    AuditEvent.batch_id != batch.id,
                    AuditEvent.batch_id.not_in(
                        select(ImportBatch.id).where(ImportBatch.undone_at.is_not(None))
                    ),
                ),
            ),
        )
        .order_by(AuditEvent.at.desc())
        .limit(1)
    ).first()
    if edit is not None:
        collar = s.scalar(select(Officer.collar).where(Officer.id == edit.officer_id)) or "an officer"
        return (
            f"Officer {collar} was edited by {edit.user} on {_when(edit.at)}, after import {batch.id}. "
            "Undoing it would lose that edit, so it cannot be undone."
        )
    return None


def can_undo(db: Database, batch_id: int) -> str | None:
    with db.read() as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is None:
            return f"There is no import {batch_id}."
        return undo_check(s, batch)


def _from_json(key: str, value: Any) -> Any:
    if value is not None and key in DATE_FIELDS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def undo_batch(
    db: Database,
    batch_id: int,
    *,
    progress: Progress | None = None,
    backup: bool = True,
    lock_reason: str | None = None,
) -> int:
    """Undo an import: restore the values it changed and remove what it created, in one transaction.

    Returns the number of officers restored or removed. Raises UndoRefused with the reason when a
    later import or edit depends on it, and LockedMonthError (nothing undone) when undoing it would
    change a signed-off month's figures and no ``lock_reason`` is given.
    """
    reason_text = can_undo(db, batch_id)
    if reason_text:
        raise UndoRefused(reason_text)
    if backup:
        from desktop.core.backup import backup_before

        backup_before(db, "undo-import")
    now = utcnow()
    user = audit.current_user()
    with db.session(reason=f"undo of import {batch_id}", batch_id=batch_id) as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFoundError(f"There is no import {batch_id}.")
        why = undo_check(s, batch)
        if why:
            raise UndoRefused(why)
        reason = f"undo of import {batch_id} ({batch.file_name})"
        if lock_reason and lock_reason.strip():
            reason += f"; {lock_reason.strip()}"
        rows = s.execute(
            select(ImportRow.officer_id, ImportRow.outcome, ImportRow.changes, ImportRow.collar).where(
                ImportRow.batch_id == batch_id, ImportRow.outcome.in_(("created", "updated"))
            )
        ).all()
        with month_locks.guard(s, [r.officer_id for r in rows], lock_reason, what="undo this import"):
            return _Undo(s, batch, reason, now, user, progress).undo(rows)


class _Undo:
    """One batch being undone: what every step shares (who, when, why, the audit events)."""

    def __init__(
        self,
        s: Session,
        batch: ImportBatch,
        reason: str,
        now: dt.datetime,
        user: str,
        progress: Progress | None,
    ):
        self.s = s
        self.conn = s.connection()
        self.batch = batch
        self.batch_id = batch.id
        self.reason = reason
        self.now = now
        self.user = user
        self.progress = progress
        self.events: list[dict[str, Any]] = []

    def undo(self, rows: Sequence[Any]) -> int:
        """Undo the batch's ``rows`` (its created and updated rows); the number of officers restored
        or removed."""
        report(self.progress, 0, len(rows), "Undoing")
        created_ids = [r.officer_id for r in rows if r.outcome == "created" and r.officer_id is not None]
        for r in rows:
            if r.outcome == "created" and r.officer_id is not None:
                self._event("officers", r.officer_id, old=r.collar, officer_id=r.officer_id)
        restored = 0
        for r in rows:
            if r.outcome == "updated" and r.officer_id is not None:
                self._restore(r.officer_id, r.changes or {})
                restored += 1
        self._remove_created(created_ids, len(rows))
        self._finish()
        return len(created_ids) + restored

    def _event(self, entity: str, entity_id: int | None, **values: Any) -> None:
        self.events.append(
            audit.event_row(
                entity, entity_id, "undo", reason=self.reason, batch_id=self.batch_id, at=self.now, **values
            )
        )

    def _restore(self, oid: int, changes: dict[str, Any]) -> None:
        """An updated officer as before the import: fields, legacy fields, hours, history."""
        fields = {
            k: _from_json(k, old)
            for k, (old, _new) in changes.items()
            if ":" not in k and not k.startswith("_")
        }
        if fields:
            self.conn.execute(
                update(Officer)
                .where(Officer.id == oid)
                .values(**fields, version=Officer.version + 1, updated_at=self.now, updated_by=self.user)
            )
        for key, (old, new) in changes.items():
            if key in ("_rank_change", "_status_change"):
                table = RankChange if key == "_rank_change" else StatusChange
                self.conn.execute(delete(table).where(table.id == new))
            elif key in ("_ip_stage", "_ip_stage_moved"):
                self._undo_ip_stage(oid, key, old, new)
            else:
                if key.startswith("legacy:"):
                    self._undo_legacy(oid, key[7:], old)
                elif key.startswith("hours:"):
                    self._undo_hours(oid, key[6:], old)
                self._event(
                    "officers"
                    if ":" not in key
                    else ("legacy_fields" if key.startswith("legacy") else "duties"),
                    oid if ":" not in key else None,
                    field=cut(key, AUDIT_FIELD_LIMIT),
                    old=new,
                    new=old,
                    officer_id=oid,
                )

    def _undo_ip_stage(self, oid: int, key: str, old: Any, new: Any) -> None:
        """The independent-patrol stage the import recorded removed, or its date moved back."""
        if key == "_ip_stage":
            self.conn.execute(delete(StageAchieved).where(StageAchieved.id == new))
        else:
            self.conn.execute(
                update(StageAchieved)
                .where(StageAchieved.id == new)
                .values(achieved_on=dt.date.fromisoformat(old))
            )
        self._event("stages_achieved", new, field="achieved_on", new=old, officer_id=oid)

    def _undo_legacy(self, oid: int, name: str, old: Any) -> None:
        cond = and_(LegacyField.officer_id == oid, LegacyField.name == name)
        if old is None:
            self.conn.execute(delete(LegacyField).where(cond))
        else:
            self.conn.execute(update(LegacyField).where(cond).values(value=old))

    def _undo_hours(self, oid: int, month: str, old: Any) -> None:
        day = dt.date(int(month[:4]), int(month[5:]), 1)
        cond = and_(Duty.officer_id == oid, Duty.date == day, Duty.is_monthly_total.is_(True))
        if old is None:
            self.conn.execute(delete(Duty).where(cond, Duty.import_batch_id == self.batch_id))
        else:
            self.conn.execute(update(Duty).where(cond).values(hours=old, version=Duty.version + 1))

    def _remove_created(self, created_ids: list[int], total: int) -> None:
        """The officers the import created, with everything recorded about them; their row records
        stay, without the officer."""
        conn = self.conn
        for i in range(0, len(created_ids), CHUNK):
            part = created_ids[i : i + CHUNK]
            conn.execute(delete(Duty).where(Duty.officer_id.in_(part)))
            conn.execute(delete(LegacyField).where(LegacyField.officer_id.in_(part)))
            conn.execute(delete(RankChange).where(RankChange.officer_id.in_(part)))
            conn.execute(delete(StatusChange).where(StatusChange.officer_id.in_(part)))
            conn.execute(delete(StageAchieved).where(StageAchieved.officer_id.in_(part)))
            conn.execute(update(ImportRow).where(ImportRow.officer_id.in_(part)).values(officer_id=None))
            conn.execute(delete(Officer).where(Officer.id.in_(part)))
            report(self.progress, i, total, "Removing officers the import created")

    def _finish(self) -> None:
        """Any other monthly totals the batch created, the audit events, the batch marked undone."""
        self.conn.execute(delete(Duty).where(Duty.import_batch_id == self.batch_id))
        if self.events:
            self.conn.execute(insert(AuditEvent), self.events)
        self.batch.undone_at = self.now
        self.batch.undone_by = self.user
        self.s.flush()
