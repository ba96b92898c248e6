"""``export roster``: the roster's rows (desktop.core.roster_export) as one workbook, sheet "Roster".

Header in row 1, one officer a row; dates are real Excel dates; then one column per legacy field.
Written through desktop.excel.writer (user text that begins with = + - or @ stays text). Importing
this file into an empty database and exporting again gives the same values.
"""

from __future__ import annotations

from pathlib import Path

from desktop.core.progress import Progress, report
from desktop.core.roster_export import RosterTable
from desktop.excel.writer import BOLD, Book

# The widths of the command line's columns, in their order; legacy fields get LEGACY_WIDTH.
WIDTHS = (14, 18, 18, 20, 16, 16, 16, 12, 12, 12, 12, 22, 16, 28, 20, 6, 12)
LEGACY_WIDTH = 18


def export_roster(table: RosterTable, path: str | Path, progress: Progress | None = None) -> int:
    """Write the roster to ``path``; returns the number of officers written."""
    book = Book()
    sheet = book.sheet("Roster")
    sheet.header(table.header, BOLD)
    total = len(table.rows)
    put = sheet.put
    for r, row in enumerate(table.rows, start=2):
        if r % 1000 == 0:
            report(progress, r, total, f"Writing officer {r:,} of {total:,}")
        for c, value in enumerate(row, start=1):
            if value is not None:
                put(r, c, value)
    columns = len(table.header)
    sheet.widths({c: WIDTHS[c - 1] if c <= len(WIDTHS) else LEGACY_WIDTH for c in range(1, columns + 1)})
    sheet.freeze("C2")
    sheet.filters(columns, total)
    book.save(path)
    report(progress, total, total, "Saved")
    return total
