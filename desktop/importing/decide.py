"""Reading a roster and deciding every row; nothing is written (the preview, ``--dry-run``, and the
first step of the write, inside its transaction).

    result = plan(db, "roster.xlsx")

The steps, in order: which sheet and which header row (desktop.importing.sheet), what each column
holds (the user's mapping on top: :func:`_columns`), what the database holds
(desktop.importing.held), then every row below the header by desktop.importing.rows, and whether
the same file was imported before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.core import ranks
from desktop.core.db import Database
from desktop.core.models import ImportBatch
from desktop.core.progress import Progress, report
from desktop.excel.headers import IGNORE, LEGACY, Column, header_block, map_columns
from desktop.excel.reader import FileRefused, Workbook, open_workbook, sha256_of
from desktop.excel.values import hours_in_month
from desktop.importing.cells import column_parsers, legacy_specs
from desktop.importing.held import load_held
from desktop.importing.model import ImportPlan, RowPlan
from desktop.importing.rows import RowDecider
from desktop.importing.sheet import locate_header
from desktop.importing.words import FIELD_LABEL, Synonyms, ValueWords, force_synonyms

PROGRESS_EVERY = 1000


def plan(
    db: Database,
    path: str | Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: dict[int, str] | None = None,
    value_map: dict[str, dict[str, str]] | None = None,
    progress: Progress | None = None,
    workbook: Workbook | None = None,
    today: dt.date | None = None,
) -> ImportPlan:
    """Read ``path`` and decide every row; nothing is written.

    ``header_row`` (1-based) overrides the detected header; ``mapping`` maps a 0-based column index
    to a target (a field name, ``"month:YYYY-MM"``, ``"legacy"`` or ``"ignore"``); ``value_map``
    maps, per field (rank, status, leaving_reason, driving), a cell text to a stored value.
    Raises FileRefused for a file that cannot be imported.
    """
    wb = workbook or open_workbook(path)
    try:
        with db.read() as s:
            return decide(s, wb, sheet, header_row, mapping, value_map, progress, today)
    finally:
        if workbook is None:
            wb.close()


@dataclass
class _Layout:
    """Where the roster is in the workbook: its sheet, the header, what each column holds."""

    sheet: str
    rows: Sequence[Sequence[Any]]
    header: list[Any]
    last_header_row: int  # 0-based; the data starts below it
    width: int
    columns: list[Column]

    @property
    def data_rows(self) -> Sequence[Sequence[Any]]:
        return self.rows[self.last_header_row + 1 :]

    @property
    def first_data_row(self) -> int:
        """The sheet's row number (1-based) of the first data row."""
        return self.last_header_row + 2


def decide(
    s: Session,
    wb: Workbook,
    sheet: str | None,
    header_row: int | None,
    mapping: dict[int, str] | None,
    value_map: dict[str, dict[str, str]] | None,
    progress: Progress | None,
    today: dt.date | None,
) -> ImportPlan:
    """Every row of the roster in ``wb`` decided against what session ``s`` holds."""
    today = today or dt.date.today()
    syn = force_synonyms(s)
    report(progress, 0, 0, f"Reading {wb.name}")
    layout = _layout(wb, syn, sheet, header_row, mapping, progress)
    sha = sha256_of(wb.path)
    data_rows = layout.data_rows
    total = len(data_rows)
    report(progress, 0, total, f"Checking {total:,} rows")
    decider = _decider(s, layout, syn, ValueWords(syn, value_map), today)
    out: list[RowPlan] = []
    first = layout.first_data_row
    for i, raw in enumerate(data_rows):
        if i % PROGRESS_EVERY == 0 and i:
            report(progress, i, total, f"Checking row {i:,} of {total:,}")
        out.append(decider.decide(first + i, raw))
    report(progress, total, total, "Checked")
    return ImportPlan(
        path=str(wb.path),
        file_name=wb.name,
        sheet=layout.sheet,
        sheet_names=list(wb.sheet_names),
        sha256=sha,
        header_row=layout.last_header_row + 1,
        header=layout.header,
        columns=layout.columns,
        rows=out,
        unknown_values={k: dict(v) for k, v in decider.unknown.items()},
        previous_batch=_previous_batch(s, sha),
        width=layout.width,
    )


def _layout(
    wb: Workbook,
    syn: Synonyms,
    sheet: str | None,
    header_row: int | None,
    mapping: dict[int, str] | None,
    progress: Progress | None,
) -> _Layout:
    """The sheet and its header row (found, or the one the user chose), over two rows where it is
    written so, and the column mapping."""
    name, found = locate_header(wb, syn, sheet, progress)
    rows = wb.rows(name, progress)
    if header_row is not None:
        if not 1 <= header_row <= len(rows):
            raise FileRefused(f"Row {header_row} is outside the sheet {name!r} of {wb.name}.")
        hdr = header_row - 1
    else:
        hdr = found
    width = max(len(r) for r in rows)
    header, hdr = header_block(rows, syn, hdr)
    return _Layout(name, rows, header, hdr, width, _columns(header, syn, width, mapping))


def _columns(header: list[Any], syn: Synonyms, width: int, mapping: dict[int, str] | None) -> list[Column]:
    """What each column holds: as its header says, then as the user mapped it. A field mapped twice
    keeps its first column; the later ones become legacy fields."""
    columns = map_columns(header, syn, width)
    if mapping:
        for col in columns:
            if col.index in mapping:
                col.target = mapping[col.index]
        _dedupe_targets(columns)
    return columns


def _dedupe_targets(columns: list[Column]) -> None:
    used: set[str] = set()
    for col in columns:
        if col.target in (LEGACY, IGNORE):
            continue
        if col.target in used:
            col.target = LEGACY
        used.add(col.target)


def _decider(s: Session, layout: _Layout, syn: Synonyms, words: ValueWords, today: dt.date) -> RowDecider:
    """The row decider for this sheet: each column's parser, what the database holds."""
    columns = layout.columns
    field_cols = [c for c in columns if c.target in FIELD_LABEL]
    return RowDecider(
        fields=column_parsers(field_cols, words, syn, layout.data_rows, layout.first_data_row),
        months=[(c.index, c.header, c.month, hours_in_month(c.month)) for c in columns if c.month],
        legacy=legacy_specs([c for c in columns if c.target == LEGACY]),
        held=load_held(s, columns),
        words=words,
        totals_words=syn.totals,
        header_of={c.target: c.header for c in field_cols},
        lowest_rank=ranks.lowest(s),
        today=today,
    )


def _previous_batch(s: Session, sha: str) -> dict[str, Any] | None:
    """The last import of the same file (by its contents) that was not undone, if any."""
    previous = s.execute(
        select(ImportBatch.id, ImportBatch.started_at, ImportBatch.file_name)
        .where(ImportBatch.sha256 == sha, ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.id.desc())
        .limit(1)
    ).first()
    return previous._asdict() if previous else None
