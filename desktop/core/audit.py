"""The audit log: every change to a record, who made it (the OS user), when, old and new value.

ORM changes are audited automatically by an ``after_flush`` hook on the application's sessions,
so a service only has to change objects. Bulk Core writes (imports, demo data) bypass the ORM and
write their events with :func:`event_row` themselves.

``session.info`` may carry ``audit_reason`` and ``audit_batch`` to annotate the events of a flush.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import platform
from functools import cache
from typing import Any

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session

from desktop.core.models import AuditEvent, Base, ImportRow, Officer, utcnow

# Housekeeping columns whose change is not itself worth an audit line.
_QUIET = {"updated_at", "updated_by", "version", "created_at"}
_NOT_AUDITED = (AuditEvent, ImportRow)


@cache
def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (service account, odd container)
        return "unknown"


@cache
def current_machine() -> str:
    return platform.node() or "unknown"


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def event_row(
    entity: str,
    entity_id: int | None,
    action: str,
    *,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    officer_id: int | None = None,
    reason: str | None = None,
    batch_id: int | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """One audit event as a dict, for bulk ``insert(AuditEvent)``."""
    return {
        "at": at or utcnow(),
        "user": current_user(),
        "machine": current_machine(),
        "entity": entity,
        "entity_id": entity_id,
        "officer_id": officer_id,
        "action": action,
        "field": field,
        "old": as_text(old),
        "new": as_text(new),
        "reason": reason,
        "batch_id": batch_id,
    }


def _officer_id(obj: Any) -> int | None:
    if isinstance(obj, Officer):
        return obj.id
    return getattr(obj, "officer_id", None)


def _snapshot(obj: Base) -> str:
    mapper = inspect(obj).mapper
    values = {
        attr.key: as_text(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in _QUIET and getattr(obj, attr.key) is not None
    }
    return json.dumps(values, ensure_ascii=False)


def _after_flush(session: Session, _flush_context: Any) -> None:
    reason = session.info.get("audit_reason")
    batch = session.info.get("audit_batch")
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, _NOT_AUDITED):
            continue
        table = obj.__tablename__
        rows.append(
            event_row(
                table,
                getattr(obj, "id", None),
                "create",
                new=_snapshot(obj),
                officer_id=_officer_id(obj),
                reason=reason,
                batch_id=batch,
                at=now,
            )
        )
    for obj in session.dirty:
        if isinstance(obj, _NOT_AUDITED) or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if attr.key in _QUIET:
                continue
            hist = state.attrs[attr.key].history
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if as_text(old) == as_text(new):
                continue
            rows.append(
                event_row(
                    obj.__tablename__,
                    getattr(obj, "id", None),
                    "update",
                    field=attr.key,
                    old=old,
                    new=new,
                    officer_id=_officer_id(obj),
                    reason=reason,
                    batch_id=batch,
                    at=now,
                )
            )
    for obj in session.deleted:
        if isinstance(obj, _NOT_AUDITED):
            continue
        rows.append(
            event_row(
                obj.__tablename__,
                getattr(obj, "id", None),
                "delete",
                old=_snapshot(obj),
                officer_id=_officer_id(obj),
                reason=reason,
                batch_id=batch,
                at=now,
            )
        )
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def install(session_factory: Any) -> None:
    """Audit every flush of sessions made by ``session_factory`` (a sessionmaker)."""
    from sqlalchemy import event

    event.listen(session_factory, "after_flush", _after_flush)
