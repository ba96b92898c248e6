"""Force settings: read with defaults, write audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from desktop.core.db import Database
from desktop.core.domain import DEFAULT_SETTINGS
from desktop.core.models import RankDef, Setting


def get_all(db: Database) -> dict[str, Any]:
    values = dict(DEFAULT_SETTINGS)
    with db.read() as s:
        values.update({row.key: row.value for row in s.scalars(select(Setting))})
    return values


def get(db: Database, key: str) -> Any:
    with db.read() as s:
        row = s.get(Setting, key)
        return row.value if row is not None else DEFAULT_SETTINGS.get(key)


def set_value(db: Database, key: str, value: Any, *, reason: str | None = None) -> None:
    with db.session(reason=reason) as s:
        row = s.get(Setting, key)
        if row is None:
            s.add(Setting(key=key, value=value))
        else:
            row.value = value


def minimum_hours(db: Database) -> float:
    """The minimum hours a month (a setting; 0 is a valid setting, only a missing value means 16)."""
    value = get(db, "minimum_hours")
    return 16.0 if value is None or value == "" else float(value)


def ranks(db: Database) -> list[tuple[str, str]]:
    """The force's ranks, lowest first, as (code, name)."""
    with db.read() as s:
        return [(r.code, r.name) for r in s.scalars(select(RankDef).order_by(RankDef.position))]
