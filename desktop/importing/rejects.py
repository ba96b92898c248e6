"""Workbooks of rows to look at again: the original rows with a first column saying why.

- rejected rows (:func:`write_rejects`), "Reason rejected" first: fix them and import that workbook;
- rows imported with warnings (:func:`write_warnings`), "Import warnings" first: what was assumed.

Both first columns are left out when such a workbook is imported ("ignore_columns" in
resources/import_synonyms.json).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from desktop.core.private_files import private_output
from desktop.excel.writer import write_cell

REASON_HEADER = "Reason rejected"
WARNING_HEADER = "Import warnings"


def _cell(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 3600
    return value


def write_rows(
    path: str | Path,
    plan: Any,
    rows: Sequence[Any],
    *,
    title: str,
    first_header: str,
    first_cell: Callable[[Any], str],
) -> int:
    """Write the header row of ``plan`` (an ImportPlan) and ``rows`` (its RowPlans) as they were read,
    each after ``first_cell(row)``; returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = title
    width = plan.width or len(plan.header)
    write_cell(ws, 1, 1, first_header)
    for i in range(width):
        value = plan.header[i] if i < len(plan.header) else None
        cell = write_cell(ws, 1, i + 2, _cell(value))
        if isinstance(value, dt.date):
            cell.number_format = "mmm-yy"
    for c in ws[1]:
        c.font = Font(bold=True)
    for n, row in enumerate(rows, start=2):
        first = write_cell(ws, n, 1, first_cell(row))
        first.alignment = Alignment(wrap_text=True, vertical="top")
        for i, value in enumerate(row.original):
            cell = write_cell(ws, n, i + 2, _cell(value))
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    ws.column_dimensions["A"].width = 60
    ws.freeze_panes = "B2"
    with private_output(path) as tmp:
        wb.save(str(tmp))
    return len(rows)


def write_rejects(path: str | Path, plan: Any) -> int:
    """Every rejected row of ``plan`` with its reasons; returns the rows written."""
    return write_rows(
        path,
        plan,
        plan.rejected_rows,
        title="Rejected rows",
        first_header=REASON_HEADER,
        first_cell=lambda row: f"Row {row.row_number}: {row.reason_text}",
    )


def write_warnings(path: str | Path, plan: Any) -> int:
    """Every imported row of ``plan`` that carries warnings, with them; returns the rows written."""
    return write_rows(
        path,
        plan,
        plan.warned_rows,
        title="Rows with warnings",
        first_header=WARNING_HEADER,
        first_cell=lambda row: f"Row {row.row_number}: {row.warning_text}",
    )
