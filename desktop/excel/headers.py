"""Finding the header row of a legacy roster and what each column holds.

A column maps to a *target*: an officer field name (``"surname"``), ``"month:YYYY-MM"`` (the hours
of that month), ``"legacy"`` (kept with the officer under its header text) or ``"ignore"``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from desktop.core.formats import month_label
from desktop.excel.read_worker import column_letter  # 0 -> A, 25 -> Z, 26 -> AA
from desktop.excel.values import cell_text, is_blank, norm, parse_month

HEADER_SEARCH_ROWS = 20
# A header names a column in a few words: longer text in a cell (a note, a pasted paragraph) is
# never a column name, and is not worked through word by word.
MAX_HEADER_CHARS = 200
_NUMERIC = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
LEGACY = "legacy"
IGNORE = "ignore"


class HeaderWords(Protocol):
    """The words a header row is recognised by (desktop.importing.words.Synonyms has them): normalised
    column name -> target, and the normalised names of columns to leave out."""

    columns: dict[str, str]
    ignore_columns: set[str]


@dataclass
class Column:
    index: int  # 0-based column of the sheet
    header: str  # the header text as shown ("Column F" when the header cell is blank)
    target: str

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def month(self) -> str | None:
        return self.target[6:] if self.target.startswith("month:") else None


def classify(value: Any, syn: HeaderWords) -> str | None:
    """The target a header cell names by itself, or None when it is not a known column."""
    if isinstance(value, str) and len(value) > MAX_HEADER_CHARS:
        return None
    if is_blank(value):
        return None
    month = parse_month(value)
    if month is not None:
        return f"month:{month}"
    if isinstance(value, str):
        key = norm(value)
        if key in syn.ignore_columns:
            return IGNORE
        return syn.columns.get(key)
    return None


def score_row(row: Sequence[Any], syn: HeaderWords) -> int:
    """How header-like a row is: the number of distinct known fields (months count once)."""
    fields: set[str] = set()
    months = 0
    for value in row:
        target = classify(value, syn)
        if target is None:
            continue
        if target.startswith("month:"):
            months += 1
        elif target != IGNORE:
            fields.add(target)
    if not fields:
        return 0
    return len(fields) + (1 if months else 0)


def find_header_row(rows: Sequence[Sequence[Any]], syn: HeaderWords) -> int | None:
    """The 0-based index of the header row within the first 20 rows, or None.

    The row naming the most known columns wins; it must name at least two, one of them the collar
    number or the surname.
    """
    best, best_score = None, 1
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = score_row(row, syn)
        if score > best_score:
            targets = {classify(v, syn) for v in row}
            if "collar" in targets or "surname" in targets:
                best, best_score = i, score
    return best


def map_columns(header: Sequence[Any], syn: HeaderWords, width: int | None = None) -> list[Column]:
    """One :class:`Column` per column of the header row.

    A field named twice keeps the first column; the later one is kept as a legacy field under its
    own header. Unknown headers are legacy fields; blank headers are legacy fields named by letter
    (so nothing under them is dropped; empty cells add nothing).
    """
    width = max(width or 0, len(header))
    used: set[str] = set()
    columns: list[Column] = []
    for i in range(width):
        value = header[i] if i < len(header) else ""
        text = cell_text(value)
        target = classify(value, syn)
        if target is None or target in used:
            target = LEGACY
        elif target != IGNORE:
            used.add(target)
        if target.startswith("month:") and not isinstance(value, str):
            text = month_label(target[6:])
        columns.append(Column(i, text or f"Column {column_letter(i)}", target))
    return columns


def header_signature(header: Sequence[Any]) -> str:
    """A key for remembering a mapping: the normalised header texts joined."""
    return "|".join(norm(cell_text(v)) for v in header).rstrip("|")


# ---------------------------------------------------------------------------------------------
# Headers over two rows
# ---------------------------------------------------------------------------------------------


def _cell(row: Sequence[Any], index: int) -> Any:
    return row[index] if index < len(row) else ""


def _known(target: str | None) -> bool:
    """A field or a month (what a sub-header row or a merged-down header brings); not "ignore"."""
    return target is not None and target != IGNORE


def _title_cell(value: Any, upper: bool) -> bool:
    """Whether a non-blank cell can sit in a header row: text or a date cell (a month header);
    in the upper row also a year (a group title such as 2023 over months). Numbers (also typed as
    text), yes/no cells, times and durations are what data rows hold."""
    if isinstance(value, dt.date):
        return True
    if isinstance(value, bool):
        return False
    number: float | None = None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if len(text) > 40 or not _NUMERIC.fullmatch(text):
            return True
        number = float(text)
    if number is None:
        return False
    return upper and number.is_integer() and 1900 <= number <= 2200


def is_two_row_header(upper: Sequence[Any], lower: Sequence[Any], syn: HeaderWords) -> bool:
    """Whether ``upper`` and ``lower`` (two adjacent rows) are one header written over two rows.

    Merged cells read as their top-left cell with blanks elsewhere, so such a header looks like:
    names merged down (upper row filled, lower blank), group titles merged across (upper row,
    with blanks to their right) and the names under them in the lower row. It is one when:

    - every filled cell of both rows is header-like (text or a date cell; no numbers, yes/no);
    - under every cell of the upper row that names a column (a field, a month, an ignored
      column) the lower row is blank; a data row has a value there (its collar number, ...);
    - the upper row names at least one field (a month alone is not enough: a title row
      "Roster at 01/05/2023" is not a header) and the lower row names at least one field or month.
    """
    width = max(len(upper), len(lower))
    upper_names_field = lower_names = False
    for j in range(width):
        u, lo = _cell(upper, j), _cell(lower, j)
        if not is_blank(u) and not _title_cell(u, upper=True):
            return False
        if not is_blank(lo) and not _title_cell(lo, upper=False):
            return False
        cu = classify(u, syn)
        if cu is not None:
            if not is_blank(lo):
                return False
            if cu != IGNORE and not cu.startswith("month:"):
                upper_names_field = True
        elif _known(classify(lo, syn)):
            lower_names = True
    return upper_names_field and lower_names


def _group_title(upper: Sequence[Any], lower: Sequence[Any], j: int) -> str:
    """The group title over column ``j`` of a two-row header, or "".

    A title merged across reads as its first column only; that column has a name under it in the
    lower row, and so does every column up to ``j`` (a name merged down leaves the lower row blank,
    which ends the group)."""
    k = j
    while k >= 0:
        if is_blank(_cell(lower, k)):
            return ""
        u = _cell(upper, k)
        if not is_blank(u):
            return cell_text(u)
        k -= 1
    return ""


def combine_header_rows(upper: Sequence[Any], lower: Sequence[Any], syn: HeaderWords) -> list[Any]:
    """One header cell per column of a two-row header (see :func:`is_two_row_header`).

    The lower row's cell when it names a column (a field, a month, an ignored column), else the
    upper row's when it does; for a column neither names, the text a legacy field is kept under:
    "Group / Name" for a name under a group title (so "2022 / Duties" and "2023 / Duties" stay
    two fields), the lower or upper text alone otherwise, "" when both are blank (map_columns then
    calls it "Column F"). Cells are returned as read, so a month given as a date cell stays a date.
    """
    width = max(len(upper), len(lower))
    out: list[Any] = []
    for j in range(width):
        u, lo = _cell(upper, j), _cell(lower, j)
        if classify(lo, syn) is not None:
            out.append(lo)
        elif classify(u, syn) is not None:
            out.append(u)
        elif is_blank(lo):
            out.append(cell_text(u))
        else:
            group = _group_title(upper, lower, j)
            out.append(f"{group} / {cell_text(lo)}" if group else cell_text(lo))
    return out


def header_block(rows: Sequence[Sequence[Any]], syn: HeaderWords, hdr: int) -> tuple[list[Any], int]:
    """The header cells to map (one per column) and the 0-based index of the last header row.

    ``hdr`` is the header row found by :func:`find_header_row` (or chosen by the user). When it is
    the upper row of a header written over two rows (:func:`is_two_row_header` with the row below),
    or the lower one (with the row above), the two rows are combined by
    :func:`combine_header_rows` and the data starts after the lower row. Otherwise the row comes
    back unchanged: ``(list(rows[hdr]), hdr)``. Either row of a two-row header gives the same answer,
    so a header row reported as the last one and given back by the user finds the same block.
    """
    if hdr + 1 < len(rows) and is_two_row_header(rows[hdr], rows[hdr + 1], syn):
        return combine_header_rows(rows[hdr], rows[hdr + 1], syn), hdr + 1
    if hdr >= 1 and is_two_row_header(rows[hdr - 1], rows[hdr], syn):
        return combine_header_rows(rows[hdr - 1], rows[hdr], syn), hdr
    return list(rows[hdr]), hdr
