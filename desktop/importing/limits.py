"""What the database keeps: the longest text of each column the import writes. Every cell is fitted
to these before anything is written, so SQLite (which would store anything) and PostgreSQL (which
would refuse the whole import) store the same thing."""

from __future__ import annotations

from typing import Any

from desktop.core.models import AuditEvent, ImportBatch, LegacyField, Officer
from desktop.core.roster import FIELDS

# Officer fields an import may set: the roster service's own list.
OFFICER_FIELDS = FIELDS


def _length(model: Any, column: str) -> int | None:
    """The length of a text column in the models (None for unlimited text)."""
    length = getattr(model.__table__.c[column].type, "length", None)
    return int(length) if length else None


TEXT_LIMITS = {f: n for f in OFFICER_FIELDS if (n := _length(Officer, f)) is not None}
COLLAR_LIMIT = TEXT_LIMITS["collar"]
LEGACY_NAME_LIMIT = _length(LegacyField, "name") or 200
SHEET_NAME_LIMIT = _length(ImportBatch, "sheet") or 120
AUDIT_FIELD_LIMIT = _length(AuditEvent, "field") or 60


def cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (for columns of a set length)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
