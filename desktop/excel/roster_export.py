"""``export roster``: the roster as one workbook, sheet "Roster", in CLI.md's columns and order.

Header in row 1, one officer a row; dates are real Excel dates; then one column per legacy field.
User text that begins with = + - or @ is written as text (desktop.excel.safe). Importing this file
into an empty database and exporting again gives the same values.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.core.db import Database
from desktop.core.domain import STATUS_LABELS
from desktop.core.models import LegacyField, Officer, RankDef
from desktop.core.private_files import private_output
from desktop.core.progress import Progress, report
from desktop.excel.writer import write_cell

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
DATE_FORMAT = "dd/mm/yyyy"


def _capital(text: str | None) -> str | None:
    return text[:1].upper() + text[1:] if text else text


def roster_rows(db: Database) -> tuple[list[str], list[list[Any]]]:
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
    return header, rows


def export_roster(db: Database, path: str | Path, progress: Progress | None = None) -> int:
    """Write the roster to ``path``; returns the number of officers written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header, rows = roster_rows(db)
    wb = Workbook()
    ws = wb.active
    ws.title = "Roster"
    bold = Font(bold=True)
    for c, label in enumerate(header, start=1):
        write_cell(ws, 1, c, label).font = bold
    total = len(rows)
    for r, row in enumerate(rows, start=2):
        if r % 1000 == 0:
            report(progress, r, total, f"Writing officer {r:,} of {total:,}")
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = write_cell(ws, r, c, value)
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    widths = [14, 18, 18, 20, 16, 16, 16, 12, 12, 12, 12, 22, 16, 28, 20, 6, 12]
    for c in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(c)].width = widths[c - 1] if c <= len(widths) else 18
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, total + 1)}"
    with private_output(path) as tmp:
        wb.save(str(tmp))
    report(progress, total, total, "Saved")
    return total
