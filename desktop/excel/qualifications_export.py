"""The expiring / expired qualifications list as an Excel workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from desktop.core.private_files import private_output
from desktop.core.qualifications import ExpiringRow
from desktop.excel.writer import write_cell

HEADERS = ("Collar number", "Name", "Team", "Qualification", "Achieved", "Expires", "Status", "Days left")
WIDTHS = (14, 30, 20, 30, 12, 12, 14, 10)


def export_expiring(
    rows: Sequence[ExpiringRow], path: str | Path, *, on: dt.date | None = None, window: int = 60
) -> Path:
    """Write ``rows`` to ``path`` (one sheet, header in row 1, real dates, filters, frozen header)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    on = on or dt.date.today()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Qualifications"
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    for col, title in enumerate(HEADERS, start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font = header_font
        cell.fill = header_fill
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS[col - 1]
    red = PatternFill("solid", fgColor="F8CBAD")
    amber = PatternFill("solid", fgColor="FFE699")
    for r, row in enumerate(rows, start=2):
        write_cell(ws, r, 1, row.collar)
        write_cell(ws, r, 2, row.name)
        write_cell(ws, r, 3, row.team or "")
        write_cell(ws, r, 4, row.type_name)
        for col, day in ((5, row.achieved_on), (6, row.expires_on)):
            cell = ws.cell(row=r, column=col, value=day)
            cell.number_format = "DD/MM/YYYY"
        status = ws.cell(row=r, column=7, value="Expired" if row.status == "expired" else "Expiring")
        status.fill = red if row.status == "expired" else amber
        ws.cell(row=r, column=8, value=row.days_left)
    ws.freeze_panes = "A2"
    last = max(1, len(rows) + 1)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{last}"
    about = wb.create_sheet("About")
    about.cell(row=1, column=1, value="Qualifications expired or expiring").font = Font(bold=True)
    about.cell(row=2, column=1, value=f"As at {on:%d/%m/%Y}; expiring means within {window} days.")
    about.cell(row=3, column=1, value=f"{len(rows)} qualification(s) listed.")
    about.column_dimensions["A"].width = 60
    target = Path(path)
    with private_output(target) as tmp:
        wb.save(tmp)
    return target
