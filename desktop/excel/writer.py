"""Exported text is written safely: never as a formula, never with characters a workbook cannot hold.

User text that begins with = + - or @ is written as text, never as a formula. Control characters
(a BEL or NUL pasted into a name, perhaps stored by an older version) are left out, so an export
never fails on what the database holds.
"""

from __future__ import annotations

from typing import Any

from desktop.excel.values import CONTROL_CHARS

FORMULA_STARTS = ("=", "+", "-", "@")


def is_risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def printable(value: Any) -> Any:
    """``value`` with any control characters taken out of text (other values as they are)."""
    if isinstance(value, str) and CONTROL_CHARS.search(value):
        return CONTROL_CHARS.sub("", value)
    return value


def write_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write ``value`` to an openpyxl worksheet; risky user text is stored as a string cell.

    openpyxl treats a str starting with "=" as a formula; setting ``data_type = "s"`` keeps it text.
    Other risky starts (+ - @) are already plain strings to openpyxl, but are marked the same way so
    spreadsheet programs show them as typed. Control characters are removed first (openpyxl refuses
    to write most of them).
    """
    value = printable(value)
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if is_risky(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
