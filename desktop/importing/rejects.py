"""Workbooks of rows to look at again: the original rows with a first column saying why.

- rejected rows (:func:`write_rejects`), "Reason rejected" first: fix them and import that workbook;
- rows imported with warnings (:func:`write_warnings`), "Import warnings" first: what was assumed.

Both first columns are left out when such a workbook is imported ("ignore_columns" in
resources/import_synonyms.json). Written through desktop.excel.writer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from desktop.excel.writer import BOLD, DATE, Book

REASON_HEADER = "Reason rejected"
WARNING_HEADER = "Import warnings"
# A month heading of the original header row is shown as a month, a date in a row as a day.
MONTH_HEADING = "mmm-yy"
FIRST_COLUMN_WIDTH = 60


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
    book = Book()
    sheet = book.sheet(title)
    width = plan.width or len(plan.header)
    header = [_cell(plan.header[i]) if i < len(plan.header) else None for i in range(width)]
    sheet.header([first_header, *header], BOLD, dates=MONTH_HEADING)
    for n, row in enumerate(rows, start=2):
        sheet.put(n, 1, first_cell(row))
        sheet.align(n, 1, vertical="top", wrap=True)
        for i, value in enumerate(row.original, start=2):
            value = _cell(value)
            sheet.put(n, i, value, DATE if isinstance(value, dt.date) else None)
    sheet.widths({1: FIRST_COLUMN_WIDTH})
    sheet.freeze("B2")
    book.save(path)
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
