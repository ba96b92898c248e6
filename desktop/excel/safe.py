"""Exported user text that begins with = + - or @ is written as text, never as a formula."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@")


def is_risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def write_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write ``value`` to an openpyxl worksheet; risky user text is stored as a string cell.

    openpyxl treats a str starting with "=" as a formula; setting ``data_type = "s"`` keeps it text.
    Other risky starts (+ - @) are already plain strings to openpyxl, but are marked the same way so
    spreadsheet programs show them as typed.
    """
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if is_risky(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
