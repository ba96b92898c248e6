"""Import outcomes in words, for the wizard's preview and the command line: what happens to a row
(its reasons, or old → new for each change), a field or month by its label, a value as a user reads it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop.core.formats import month_label
from desktop.importing.model import RowPlan
from desktop.importing.words import target_label


def shown_value(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def change_label(key: str) -> str:
    if key.startswith("legacy:"):
        return key[7:]
    if key.startswith("hours:"):
        return f"Hours {month_label(key[6:])}"
    return target_label(key)


def _cells(items: list[dict[str, str]]) -> str:
    parts = []
    for r in items:
        if r["column"]:
            shown = r["value"] and r["value"] not in r["why"]
            value = f" {r['value']!r}" if shown else ""
            parts.append(f"{r['column']}{value}: {r['why']}")
        else:
            parts.append(r["why"].capitalize())
    return "; ".join(parts)


def warning_details(row: RowPlan) -> str:
    """The row's warnings in words (what was assumed to import it), each marked "Warning:"; or ""."""
    return "; ".join(f"Warning: {_cells([w])}" for w in row.warnings)


def row_details(row: RowPlan) -> str:
    """What happens to the row, in words: reasons, or old → new, or the new officer's hours."""
    if row.outcome in ("rejected", "skipped"):
        return _cells(row.reasons)
    if row.outcome == "updated":
        return "; ".join(
            f"{change_label(k)}: {shown_value(old)} → {shown_value(new)}"
            for k, (old, new) in row.changes.items()
            if not k.startswith("_")
        )
    if row.outcome == "created":
        m = len(row.hours)
        extra = f", {m} month{'s' if m != 1 else ''} of hours" if m else ""
        n = len(row.legacy)
        legacy = f", {n} other field{'s' if n != 1 else ''} kept" if n else ""
        return f"New officer{extra}{legacy}"
    return "Already up to date"
