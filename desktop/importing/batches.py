"""Import history: every batch with its counts, the outcome of each of its rows, and the column
mapping remembered for a file with the same headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from desktop.core import settings
from desktop.core.db import Database
from desktop.core.models import ImportBatch, ImportRow, Officer
from desktop.excel.headers import header_signature
from desktop.importing.model import IMPORTED


@dataclass
class BatchInfo:
    id: int
    file_name: str
    sheet: str | None
    user: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    rejected: int
    hours_entries: int
    undone_at: dt.datetime | None
    undone_by: str | None
    sha256: str | None

    @property
    def undone(self) -> bool:
        return self.undone_at is not None


def list_batches(db: Database) -> list[BatchInfo]:
    """Every import, newest first."""
    with db.read() as s:
        rows = s.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).all()
        return [
            BatchInfo(
                b.id,
                b.file_name,
                b.sheet,
                b.user,
                b.started_at,
                b.finished_at,
                b.rows,
                b.created,
                b.updated,
                b.unchanged,
                b.skipped,
                b.rejected,
                b.hours_entries,
                b.undone_at,
                b.undone_by,
                b.sha256,
            )
            for b in rows
        ]


def batch_rows(db: Database, batch_id: int) -> list[dict[str, Any]]:
    """The outcome of every row of a batch, in sheet order."""
    with db.read() as s:
        q = select(ImportRow).where(ImportRow.batch_id == batch_id).order_by(ImportRow.row_number)
        return [
            {
                "row": r.row_number,
                "outcome": r.outcome,
                "collar": r.collar,
                "officer_id": r.officer_id,
                "reasons": (r.reasons or []) if r.outcome not in IMPORTED else [],
                "warnings": (r.reasons or []) if r.outcome in IMPORTED else [],
                "changes": r.changes or {},
                "original": r.original,
            }
            for r in s.scalars(q)
        ]


def remembered_mapping(db: Database, header: Sequence[Any]) -> dict[int, str] | None:
    """The column mapping last used for a file with the same headers (settings "import_mappings")."""
    saved = settings.get(db, "import_mappings") or {}
    found = saved.get(header_signature(header))
    return {int(k): v for k, v in found.items()} if found else None


def remember_mapping(db: Database, header: Sequence[Any], mapping: dict[int, str]) -> None:
    saved = dict(settings.get(db, "import_mappings") or {})
    saved[header_signature(header)] = {str(k): v for k, v in mapping.items()}
    if len(saved) > 50:  # keep the newest 50
        saved = dict(list(saved.items())[-50:])
    settings.set_value(db, "import_mappings", saved, reason="import column mapping remembered")


def count_officers(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count(Officer.id))) or 0)
