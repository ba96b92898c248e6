"""The expiring / expired qualifications list as an Excel workbook (through desktop.excel.writer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from desktop.core.qualifications import ExpiringRow
from desktop.excel.writer import Book, banner

HEADERS = ("Collar number", "Name", "Team", "Qualification", "Achieved", "Expires", "Status", "Days left")
WIDTHS = (14, 30, 20, 30, 12, 12, 14, 10)
HEADER = banner("1F4E79")
DATE_FORMAT = "DD/MM/YYYY"
EXPIRED_FILL = "F8CBAD"
EXPIRING_FILL = "FFE699"


def export_expiring(
    rows: Sequence[ExpiringRow], path: str | Path, *, on: dt.date | None = None, window: int = 60
) -> Path:
    """Write ``rows`` to ``path`` (one sheet, header in row 1, real dates, filters, frozen header)."""
    on = on or dt.date.today()
    book = Book()
    sheet = book.sheet("Qualifications")
    sheet.header(HEADERS, HEADER)
    sheet.widths(dict(enumerate(WIDTHS, start=1)))
    for r, row in enumerate(rows, start=2):
        sheet.put(r, 1, row.collar)
        sheet.put(r, 2, row.name)
        sheet.put(r, 3, row.team or "")
        sheet.put(r, 4, row.type_name)
        sheet.put(r, 5, row.achieved_on, DATE_FORMAT)
        sheet.put(r, 6, row.expires_on, DATE_FORMAT)
        expired = row.status == "expired"
        sheet.put(r, 7, "Expired" if expired else "Expiring")
        sheet.shade(r, 7, EXPIRED_FILL if expired else EXPIRING_FILL)
        sheet.put(r, 8, row.days_left)
    sheet.freeze("A2")
    sheet.filters(len(HEADERS), len(rows))
    about = book.sheet("About")
    about.put(1, 1, "Qualifications expired or expiring")
    about.bold(1, 1)
    about.put(2, 1, f"As at {on:%d/%m/%Y}; expiring means within {window} days.")
    about.put(3, 1, f"{len(rows)} qualification(s) listed.")
    about.widths({1: 60})
    return book.save(path)
