"""The one way CiP Desk writes a workbook: every export (roster, return, rejected rows and warnings,
qualifications, subject access) goes through :class:`Book` and :class:`Sheet`.

    book = Book()
    sheet = book.sheet("Roster")
    sheet.header(["Collar number", "Surname"])
    sheet.put(2, 1, "4521")
    sheet.freeze("A2")
    book.save(path)

What every workbook gets from here:

- user-text safety: text that begins with ``=``, ``+``, ``-`` or ``@`` is written as text, never as a
  formula, and control characters (a BEL or NUL pasted into a name, perhaps stored by an older
  version) are left out, so an export never fails on what the database holds;
- real dates and numbers: a date cell is a date (``dd/mm/yyyy``, with the time ``dd/mm/yyyy hh:mm``)
  unless the caller names another format; numbers stay numbers;
- a header row in one of two styles (:data:`BOLD`, or white on a colour: :func:`banner`), frozen
  panes, filters, fixed widths or widths fitted to what the cells show;
- a private, atomic save: the file is written to a temporary file beside the target, readable by its
  user only, and renamed over it once complete, so a failure leaves the file that was there.

openpyxl is imported only when a workbook is made (it is slow to import).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from desktop.core.private_files import private_output
from desktop.excel.values import CONTROL_CHARS

FORMULA_STARTS = ("=", "+", "-", "@")
DATE = "dd/mm/yyyy"
DATE_TIME = "dd/mm/yyyy hh:mm"
# What a fitted column is given: two characters beside the longest text it shows, within these bounds.
NARROWEST = 8
WIDEST = 60
# A date in a format other than DATE (a month name, a time) is taken to show this many characters.
OTHER_DATE_CHARS = 14


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


def shown_length(value: Any, number_format: str | None = None) -> int:
    """How many characters a cell shows: for fitting a column's width to its contents."""
    if value is None:
        return 0
    if isinstance(value, dt.date):
        shown = number_format or (DATE_TIME if isinstance(value, dt.datetime) else DATE)
        return len(shown) if shown in (DATE, DATE_TIME) else OTHER_DATE_CHARS
    if isinstance(value, float):
        return len(f"{value:g}")
    return len(str(value))


def fitted_width(longest: int) -> int:
    """The width of a column whose longest cell shows ``longest`` characters."""
    return min(max(longest + 2, NARROWEST), WIDEST)


@dataclass(frozen=True)
class HeaderStyle:
    """How a header row looks: bold, optionally white on a colour, optionally centred vertically."""

    fill: str | None = None  # the background colour, RGB hex ("1F3B5C"); None: none
    colour: str | None = None  # the text colour; None: the default
    vertical: str | None = None  # "center" to centre the text vertically


BOLD = HeaderStyle()


def banner(fill: str, *, vertical: str | None = None) -> HeaderStyle:
    """White bold text on ``fill``."""
    return HeaderStyle(fill=fill, colour="FFFFFF", vertical=vertical)


@cache
def _font(bold: bool, colour: str | None) -> Any:
    from openpyxl.styles import Font

    return Font(bold=bold, color=colour) if colour else Font(bold=bold)


@cache
def solid_fill(colour: str) -> Any:
    """A solid background of ``colour`` (RGB hex), for a cell that stands out (a status, a RAG)."""
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=colour)


@cache
def _alignment(horizontal: str | None, vertical: str | None, wrap: bool) -> Any:
    from openpyxl.styles import Alignment

    options: dict[str, Any] = {}
    if horizontal:
        options["horizontal"] = horizontal
    if vertical:
        options["vertical"] = vertical
    if wrap:
        options["wrap_text"] = True
    return Alignment(**options)


def letter(column: int) -> str:
    """The letter of a 1-based column (1 -> A)."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


class Sheet:
    """One worksheet being written. ``fit``: remember what each column shows, for :meth:`fit_widths`."""

    def __init__(self, ws: Any, *, fit: bool = False):
        self.ws = ws
        self._longest: dict[int, int] | None = {} if fit else None

    @property
    def title(self) -> str:
        return str(self.ws.title)

    def put(self, row: int, column: int, value: Any, number_format: str | None = None) -> Any:
        """Write one cell safely (see :func:`write_cell`); returns the openpyxl cell.

        ``number_format`` is set when given; otherwise a date is shown as :data:`DATE` and a date
        with a time as :data:`DATE_TIME`.
        """
        cell = write_cell(self.ws, row, column, value)
        if number_format is not None:
            cell.number_format = number_format
        elif isinstance(value, dt.datetime):
            cell.number_format = DATE_TIME
        elif isinstance(value, dt.date):
            cell.number_format = DATE
        if self._longest is not None:
            shown = shown_length(value, number_format)
            if shown > self._longest.get(column, 0):
                self._longest[column] = shown
        return cell

    def header(self, labels: Iterable[Any], style: HeaderStyle = BOLD, *, dates: str | None = None) -> None:
        """The header row (row 1), one label a column; ``dates``: the number format of a label that
        is a date (a month heading), else :data:`DATE`."""
        font = _font(True, style.colour)
        fill = solid_fill(style.fill) if style.fill else None
        align = _alignment(None, style.vertical, False) if style.vertical else None
        for c, label in enumerate(labels, start=1):
            cell = self.put(1, c, label, dates if dates and isinstance(label, dt.date) else None)
            cell.font = font
            if fill is not None:
                cell.fill = fill
            if align is not None:
                cell.alignment = align

    def rows(
        self, rows: Iterable[Sequence[Any]], *, first_row: int = 2, formats: Mapping[int, str] | None = None
    ) -> int:
        """Write ``rows`` from ``first_row``; ``formats``: column -> number format for its numbers and
        dates (text and empty cells keep the general format). Returns the number of rows."""
        formats = formats or {}
        put = self.put
        r = first_row - 1
        for r, row in enumerate(rows, start=first_row):
            for c, value in enumerate(row, start=1):
                fmt = formats.get(c)
                put(r, c, value, fmt if fmt and value is not None and not isinstance(value, str) else None)
        return r - first_row + 1

    def bold(self, row: int, column: int) -> None:
        self.ws.cell(row=row, column=column).font = _font(True, None)

    def shade(self, row: int, column: int, colour: str) -> None:
        """Give one cell a solid background (a status or RAG colour)."""
        self.ws.cell(row=row, column=column).fill = solid_fill(colour)

    def align(
        self,
        row: int,
        column: int,
        *,
        horizontal: str | None = None,
        vertical: str | None = None,
        wrap: bool = False,
    ) -> None:
        self.ws.cell(row=row, column=column).alignment = _alignment(horizontal, vertical, wrap)

    def set_format(self, row: int, column: int, number_format: str) -> None:
        self.ws.cell(row=row, column=column).number_format = number_format

    def widths(self, widths: Mapping[int, float]) -> None:
        """Fixed widths, column (1-based) -> width in characters."""
        for c, width in widths.items():
            self.ws.column_dimensions[letter(c)].width = width

    def fit_widths(self, columns: int) -> None:
        """Columns 1..``columns`` as wide as the longest text each shows (see :func:`fitted_width`)."""
        assert self._longest is not None, "a sheet to fit is opened with fit=True"
        self.widths({c: fitted_width(self._longest.get(c, 0)) for c in range(1, columns + 1)})

    def width(self, column: int) -> float:
        return float(self.ws.column_dimensions[letter(column)].width)

    def freeze(self, ref: str) -> None:
        """Keep the rows above and the columns left of ``ref`` in view ("A2": the header row)."""
        self.ws.freeze_panes = ref

    def zoom(self, percent: int) -> None:
        self.ws.sheet_view.zoomScale = percent

    def filters(self, columns: int, rows: int) -> None:
        """Filter buttons on the header of a table of ``columns`` and ``rows`` rows below the header."""
        self.ws.auto_filter.ref = f"A1:{letter(columns)}{max(1, rows + 1)}"


class Book:
    """One workbook being written; its sheets in the order they are asked for."""

    def __init__(self, *, title: str | None = None, creator: str | None = None):
        from openpyxl import Workbook

        self.wb = Workbook()
        self._unused = True  # the sheet a new workbook starts with, not yet given a title
        if title is not None:
            self.wb.properties.title = title
        if creator is not None:
            self.wb.properties.creator = creator

    def sheet(self, title: str, *, fit: bool = False) -> Sheet:
        if self._unused:
            self._unused = False
            ws = self.wb.active
            ws.title = title
        else:
            ws = self.wb.create_sheet(title)
        return Sheet(ws, fit=fit)

    def save(self, path: str | Path) -> Path:
        """Write the workbook to ``path`` privately and atomically (see private_files)."""
        target = Path(path)
        with private_output(target) as tmp:
            self.wb.save(str(tmp))
        return target
