"""What an import decides: a :class:`RowPlan` for every sheet row, an :class:`ImportPlan` for the
file (the preview, ``--dry-run`` and the write all read it), an :class:`ImportResult` once written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.excel.headers import Column

OUTCOMES = ("created", "updated", "unchanged", "skipped", "rejected")
# Outcomes of rows that were imported (and may carry warnings).
IMPORTED = ("created", "updated", "unchanged")


def reason(column: str, value: str, why: str) -> dict[str, str]:
    """One reason a row is rejected or skipped, or one warning: the column, its value, why."""
    return {"column": column, "value": value, "why": why}


@dataclass(slots=True)
class RowPlan:
    """What happens to one sheet row."""

    row_number: int  # the sheet's own row number (1-based, as Excel shows it)
    outcome: str
    collar: str | None = None
    name: str = ""
    officer_id: int | None = None
    reasons: list[dict[str, str]] = field(default_factory=list)
    # What was assumed to import the row, in the shape of the reasons: {"column", "value", "why"}.
    warnings: list[dict[str, str]] = field(default_factory=list)
    # The date of the pathway's independent-patrol stage to record (a status "IPS" set the date).
    ip_stage: dt.date | None = None
    # For updated rows: "field" / "legacy:Name" / "hours:YYYY-MM" -> [old, new].
    changes: dict[str, list[Any]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # officer fields read from the row
    legacy: dict[str, str] = field(default_factory=dict)
    hours: dict[str, float] = field(default_factory=dict)  # "YYYY-MM" -> hours
    original: Sequence[Any] = ()

    @property
    def reason_text(self) -> str:
        return _joined(self.reasons)

    @property
    def warning_text(self) -> str:
        return _joined(self.warnings)


def _joined(items: list[dict[str, str]]) -> str:
    return "; ".join(f"{r['column']}: {r['why']}" if r.get("column") else r["why"] for r in items)


@dataclass
class ImportPlan:
    """Everything the import would do, for the preview, --dry-run and the write."""

    path: str
    file_name: str
    sheet: str
    sheet_names: list[str]
    sha256: str
    header_row: int  # 1-based
    header: list[Any]
    columns: list[Column]
    rows: list[RowPlan]
    unknown_values: dict[str, dict[str, int]]  # field -> cell text -> rows
    previous_batch: dict[str, Any] | None = None
    width: int = 0

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(OUTCOMES, 0)
        for r in self.rows:
            out[r.outcome] += 1
        return out

    @property
    def hours_entries(self) -> int:
        total = 0
        for r in self.rows:
            if r.outcome == "created":
                total += len(r.hours)
            elif r.outcome == "updated":
                total += sum(1 for k in r.changes if k.startswith("hours:"))
        return total

    @property
    def mapping(self) -> dict[str, str]:
        return {str(c.index): c.target for c in self.columns}

    @property
    def rejected_rows(self) -> list[RowPlan]:
        return [r for r in self.rows if r.outcome == "rejected"]

    @property
    def warned_rows(self) -> list[RowPlan]:
        """Imported rows (created, updated, unchanged) that carry at least one warning."""
        return [r for r in self.rows if r.warnings and r.outcome in IMPORTED]

    @property
    def warning_count(self) -> int:
        return sum(1 for r in self.rows if r.warnings and r.outcome in IMPORTED)

    def summary(self, batch: int | None = None) -> dict[str, Any]:
        """The object of ``cipdesk import --json``, key for key."""
        counts = self.counts
        return {
            "file": self.path,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows": len(self.rows),
            **counts,
            "hours_entries": self.hours_entries,
            "batch": batch,
            "warnings": self.warning_count,
        }


@dataclass
class ImportResult:
    batch_id: int
    plan: ImportPlan
    backup: str | None = None
    # Signed-off month -> what in its return the import changed (see month_locks).
    signed_off: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class RowDraft:
    """One sheet row while it is being decided: what its cells say so far, and what is wrong."""

    number: int  # the sheet's own row number
    raw: Sequence[Any]
    values: dict[str, Any] = field(default_factory=dict)  # officer fields read from the row
    reasons: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    hours: dict[str, float] = field(default_factory=dict)
    legacy: dict[str, str] = field(default_factory=dict)
    status_text: str | None = None  # the status cell as written
    independent: bool = False  # the status cell also said independent patrol ("IPS")
    collar: str | None = None
    old: dict[str, Any] | None = None  # the officer held with this collar number, if any
    merged: dict[str, Any] = field(default_factory=dict)  # the officer as the row would leave them
