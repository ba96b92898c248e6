"""The roster as plain rows for ``export roster``: one officer a row, in the command line's columns
and order, then one column per legacy field (written to a workbook by desktop.excel.roster_export).

Values are as a user reads them (rank names, status labels, Yes/No) and dates stay dates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from desktop.core.db import Database
from desktop.core.domain import STATUS_LABELS
from desktop.core.models import LegacyField, Officer, RankDef

COLUMNS: tuple[tuple[str, str], ...] = (
    ("Collar number", "collar"),
    ("Surname", "surname"),
    ("Forenames", "forenames"),
    ("Rank", "rank"),
    ("Status", "status"),
    ("Team", "team"),
    ("Station", "station"),
    ("Joined", "joined"),
    ("Attested", "attested"),
    ("Independent patrol", "independent_patrol"),
    ("Left", "left_date"),
    ("Leaving reason", "leaving_reason"),
    ("Phone", "phone"),
    ("Email", "email"),
    ("Employer", "employer"),
    ("ESP", "esp"),
    ("Driving", "driving"),
)


@dataclass
class RosterTable:
    """The header and one row an officer, as plain values (None: an empty cell)."""

    header: list[str]
    rows: list[list[Any]]


def _capital(text: str | None) -> str | None:
    return text[:1].upper() + text[1:] if text else text


def roster_table(db: Database) -> RosterTable:
    """The header and the rows of the export, as plain values."""
    with db.read() as s:
        rank_names = dict(s.execute(select(RankDef.code, RankDef.name)).all())
        legacy: dict[int, dict[str, str | None]] = defaultdict(dict)
        names: set[str] = set()
        for oid, name, value in s.execute(
            select(LegacyField.officer_id, LegacyField.name, LegacyField.value)
        ):
            legacy[oid][name] = value
            names.add(name)
        fields = [getattr(Officer, f) for _, f in COLUMNS]
        officers = s.execute(
            # No forenames first on every database (SQLite puts NULLs first, PostgreSQL last).
            select(Officer.id, *fields).order_by(
                Officer.surname, Officer.forenames.is_not(None), Officer.forenames, Officer.collar
            )
        ).all()
    legacy_names = sorted(names, key=str.casefold)
    header = [label for label, _ in COLUMNS] + legacy_names
    rows: list[list[Any]] = []
    for rec in officers:
        d = rec._asdict()
        row: list[Any] = []
        for _, f in COLUMNS:
            v = d[f]
            if f == "rank":
                v = rank_names.get(v, v)
            elif f == "status":
                v = STATUS_LABELS.get(v, v)
            elif f in ("leaving_reason", "driving"):
                v = _capital(v)
            elif f == "esp":
                v = "Yes" if v else "No"
            row.append(v)
        held = legacy.get(d["id"], {})
        row.extend(held.get(n) for n in legacy_names)
        rows.append(row)
    return RosterTable(header, rows)
