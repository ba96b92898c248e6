"""A subject access export as a workbook: one officer's whole record (the tables of
desktop.core.data_protection.subject_access_data), one sheet per kind of record, through
desktop.excel.writer (nothing a user typed turns into a formula)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from desktop.core.errors import CipDeskError
from desktop.excel.writer import BOLD, Book

log = logging.getLogger(__name__)

COVER = "About this export"
NONE_HELD = "None held."


def write_subject_access(sheets: Mapping[str, Sequence[Sequence[Any]]], out: str | Path) -> Path:
    """Write ``sheets`` (sheet name -> rows, the first row its header) to the workbook ``out``
    (replaced if it exists). The cover sheet's first row is a title, not a frozen header."""
    book = Book()
    for title, rows in sheets.items():
        sheet = book.sheet(title, fit=True)
        if rows:
            sheet.header(rows[0], BOLD)
        sheet.rows(rows[1:])
        sheet.fit_widths(max((len(row) for row in rows), default=0))
        if title != COVER:
            sheet.freeze("A2")
        if len(rows) == 1:
            sheet.put(2, 1, NONE_HELD)
    out = Path(out)
    try:
        book.save(out)
    except OSError as exc:
        raise CipDeskError(
            f"Cannot write {out}: {exc.strerror}. Choose another folder or close the file."
        ) from exc
    log.info("subject access export written (%d sheets)", len(sheets))
    return out
