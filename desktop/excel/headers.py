"""Finding the header row of a legacy roster and what each column holds.

A column maps to a *target*: an officer field name (``"surname"``), ``"month:YYYY-MM"`` (the hours
of that month), ``"legacy"`` (kept with the officer under its header text) or ``"ignore"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop.excel.values import Synonyms, cell_text, is_blank, month_label, norm, parse_month

HEADER_SEARCH_ROWS = 20
LEGACY = "legacy"
IGNORE = "ignore"

# Officer fields a column can be mapped to, in the order the wizard offers them.
FIELD_TARGETS: tuple[tuple[str, str], ...] = (
    ("collar", "Collar number"),
    ("surname", "Surname"),
    ("forenames", "Forenames"),
    ("preferred_name", "Preferred name"),
    ("rank", "Rank"),
    ("status", "Status"),
    ("team", "Team"),
    ("station", "Station"),
    ("joined", "Joined"),
    ("attested", "Attested"),
    ("independent_patrol", "Independent patrol"),
    ("left_date", "Left"),
    ("leaving_reason", "Leaving reason"),
    ("date_of_birth", "Date of birth"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("address", "Address"),
    ("employer", "Employer"),
    ("esp", "ESP"),
    ("driving", "Driving"),
    ("notes", "Notes"),
)
FIELD_LABEL = dict(FIELD_TARGETS)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def target_label(target: str) -> str:
    if target in FIELD_LABEL:
        return FIELD_LABEL[target]
    if target.startswith("month:"):
        return f"Hours in {month_label(target[6:])}"
    if target == LEGACY:
        return "Keep as legacy field"
    return "Ignore"


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


def classify(value: Any, syn: Synonyms) -> str | None:
    """The target a header cell names by itself, or None when it is not a known column."""
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


def score_row(row: Sequence[Any], syn: Synonyms) -> int:
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


def find_header_row(rows: Sequence[Sequence[Any]], syn: Synonyms) -> int | None:
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


def map_columns(header: Sequence[Any], syn: Synonyms, width: int | None = None) -> list[Column]:
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
