"""The rejected-rows workbook: the original rows, a Reason column first, to fix and import again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from desktop.core.private_files import private_output
from desktop.excel.safe import write_cell

# Kept out of a re-import by "ignore_columns" in resources/import_synonyms.json.
REASON_HEADER = "Reason rejected"


def _cell(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 3600
    return value


def write_rejects(path: str | Path, plan: Any) -> int:
    """Write the header row and every rejected row of ``plan`` (an ImportPlan); returns the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Rejected rows"
    width = plan.width or len(plan.header)
    write_cell(ws, 1, 1, REASON_HEADER)
    for i in range(width):
        value = plan.header[i] if i < len(plan.header) else None
        cell = write_cell(ws, 1, i + 2, _cell(value))
        if isinstance(value, dt.date):
            cell.number_format = "mmm-yy"
    for c in ws[1]:
        c.font = Font(bold=True)
    rows = plan.rejected_rows
    for n, row in enumerate(rows, start=2):
        reason = write_cell(ws, n, 1, f"Row {row.row_number}: {row.reason_text}")
        reason.alignment = Alignment(wrap_text=True, vertical="top")
        for i, value in enumerate(row.original):
            cell = write_cell(ws, n, i + 2, _cell(value))
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    ws.column_dimensions["A"].width = 60
    ws.freeze_panes = "B2"
    with private_output(path) as tmp:
        wb.save(str(tmp))
    return len(rows)
