"""Deciding one sheet row: created, updated, unchanged, skipped or rejected, with every reason.

:meth:`RowDecider.decide` goes through the steps in order:

1. a blank row or a totals row is skipped;
2. the officer fields are read, each cell by its column's parser (desktop.importing.cells): a cell of
   REJECT_UNREADABLE that cannot be read rejects the row, any other is left out with a warning;
   control characters are removed and over-long text cut, with a warning;
3. the months of hours, then the legacy fields;
4. the collar number (missing, or used by an earlier row of the file) and the surname (a new officer
   needs one);
5. a leaver's reason from the status word ("Resigned"), a leaving date making a leaver;
6. the dates against each other and the status (desktop.importing.order);
7. a status "IPS" records independent patrol (dated as attested or joined when no date is given);
8. against what the database holds: a new officer, or the changes (old -> new) to one held.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from desktop.core.formats import collar_key, full_name, month_label, uk_date
from desktop.core.roster import DATE_FIELDS
from desktop.excel.headers import Column
from desktop.excel.values import CONTROL_CHARS, BadValue, cell_text, norm, parse_number, strip_control_chars
from desktop.importing.cells import (
    CONTROL_IN_COLLAR,
    CONTROL_REMOVED,
    INDEPENDENT_STATUS,
    NOT_FINITE,
    NOT_HOURS,
    Parser,
    shown,
)
from desktop.importing.held import Held
from desktop.importing.limits import TEXT_LIMITS
from desktop.importing.model import RowDraft, RowPlan, reason
from desktop.importing.order import check_order
from desktop.importing.words import MAPPED_VALUE_FIELDS, ValueWords

# A cell of these fields that cannot be read rejects the row (a date, a mapped value, the collar
# number); any other field that cannot be read is left out with a warning.
REJECT_UNREADABLE = frozenset(("collar", *DATE_FIELDS, *MAPPED_VALUE_FIELDS))

MonthSpec = tuple[int, str, str, int]  # column index, header, "YYYY-MM", the hours the month has
LegacySpec = tuple[int, str, str | None]  # column index, legacy field name, warning or None


def is_totals(word: str, totals_words: set[str]) -> bool:
    """A totals row: its first cell is one of the words ("Total", "Average"...) or begins with
    total ("TOTAL HOURS", "Sub-total for A team")."""
    return word in totals_words or word.startswith(("total", "subtotal", "grandtotal"))


def display_name(values: dict[str, Any]) -> str:
    return full_name(values.get("surname"), values.get("forenames"))


def assumed_ip_date(merged: dict[str, Any], today: dt.date) -> tuple[dt.date, str]:
    """The independent-patrol date taken for a status "IPS" given without one, and where it came from."""
    if merged.get("attested"):
        return merged["attested"], "the attestation date"
    if merged.get("joined"):
        return merged["joined"], "the joining date"
    return today, "the day of this import"


def _first_value(raw: Sequence[Any]) -> Any:
    """The row's first cell that is not empty, or None for a blank row."""
    for v in raw:
        if v is None or v == "" or (isinstance(v, str) and not v.strip()):
            continue
        return v
    return None


class RowDecider:
    """Decides the rows of one sheet, in order (a collar number is checked against the rows before)."""

    def __init__(
        self,
        *,
        fields: list[tuple[Column, Parser]],
        months: list[MonthSpec],
        legacy: list[LegacySpec],
        held: Held,
        words: ValueWords,
        totals_words: set[str],
        header_of: dict[str, str],
        lowest_rank: str,
        today: dt.date,
    ):
        self.fields = fields
        self.months = months
        self.legacy = legacy
        self.held = held
        self.words = words
        self.totals_words = totals_words
        self.header_of = header_of
        self.collar_header = header_of.get("collar", "Collar number")
        self.surname_header = header_of.get("surname", "Surname")
        self.status_header = header_of.get("status", "Status")
        self.lowest_rank = lowest_rank
        self.today = today
        self.seen: dict[str, tuple[int, str]] = {}  # collar key -> (first row, collar as written)
        self.unknown: dict[str, dict[str, int]] = {}  # field -> cell text -> rows

    def decide(self, number: int, raw: Sequence[Any]) -> RowPlan:
        skipped = self._skipped(number, raw)
        if skipped is not None:
            return skipped
        row = RowDraft(number, raw)
        self._read_fields(row)
        self._read_hours(row)
        self._read_legacy(row)
        self._check_collar(row)
        self._check_surname(row)
        self._leaving_from_status(row)
        row.merged = dict(row.old) if row.old else {}
        row.merged.update(row.values)
        check_order(row, self.header_of, self.today)
        if row.values.get("status") != "active":
            row.independent = False  # the row's status was not applied, or it is a leaver (check_order)
        name = display_name(row.merged)
        if row.reasons:
            old_id = row.old["id"] if row.old else None
            return RowPlan(number, "rejected", row.collar, name, old_id, row.reasons, original=raw)
        ip_stage = self._independent_patrol(row)
        if row.old is None:
            return self._created(row, name, ip_stage)
        return self._compared(row, name, ip_stage)

    # -- 1. blank and totals rows -----------------------------------------------------------------

    def _skipped(self, number: int, raw: Sequence[Any]) -> RowPlan | None:
        first = _first_value(raw)
        if first is None:
            return RowPlan(number, "skipped", reasons=[reason("", "", "blank row")], original=raw)
        if isinstance(first, str) and is_totals(norm(first), self.totals_words):
            return RowPlan(number, "skipped", reasons=[reason("", shown(first), "totals row")], original=raw)
        return None

    # -- 2. officer fields ------------------------------------------------------------------------

    def _read_fields(self, row: RowDraft) -> None:
        raw, n, vals = row.raw, len(row.raw), row.values
        for col, parse in self.fields:
            v = raw[col.index] if col.index < n else ""
            if v == "" or v is None:
                continue
            if type(v) is str and CONTROL_CHARS.search(v):
                v = self._without_control_chars(row, col, v)
                if v is None:
                    continue
            try:
                parsed = parse(v)
            except BadValue as exc:
                self._unreadable(row, col, v, exc)
                continue
            if parsed is None:
                continue
            if type(parsed) is str:
                limit = TEXT_LIMITS.get(col.target)
                if limit is not None and len(parsed) > limit:
                    parsed = self._fitted(row, col, parsed, limit)
                    if parsed is None:
                        continue
            if col.target == "status":
                row.status_text = cell_text(v)
                if parsed == INDEPENDENT_STATUS:
                    row.independent = True
                    parsed = "active"
            vals[col.target] = parsed

    @staticmethod
    def _without_control_chars(row: RowDraft, col: Column, v: str) -> str | None:
        """The cell without its control characters (with a warning); None when nothing is left, or
        for a collar number, which is then not as written (a rejection)."""
        if col.target == "collar":
            row.reasons.append(reason(col.header, shown(v), CONTROL_IN_COLLAR))
            return None
        v = strip_control_chars(v)
        row.warnings.append(reason(col.header, shown(v), CONTROL_REMOVED))
        return v if v.strip() else None

    def _unreadable(self, row: RowDraft, col: Column, v: Any, exc: BadValue) -> None:
        if col.target in REJECT_UNREADABLE:
            row.reasons.append(reason(col.header, cell_text(v), str(exc)))
            if col.target in MAPPED_VALUE_FIELDS:
                counts = self.unknown.setdefault(col.target, {})
                text = cell_text(v)
                counts[text] = counts.get(text, 0) + 1
        else:
            row.warnings.append(reason(col.header, shown(v), f"{exc}: left out, so it stays as it was"))

    @staticmethod
    def _fitted(row: RowDraft, col: Column, text: str, limit: int) -> str | None:
        """Text longer than its field holds: cut, with a warning; None for a collar number (rejected)."""
        if col.target == "collar":
            row.reasons.append(
                reason(
                    col.header,
                    shown(text),
                    f"is {len(text):,} characters long, but a collar number has at most {limit}",
                )
            )
            return None
        row.warnings.append(
            reason(
                col.header, shown(text), f"is {len(text):,} characters long: only the first {limit} are kept"
            )
        )
        return text[:limit].rstrip()

    # -- 3. hours and legacy fields ---------------------------------------------------------------

    def _read_hours(self, row: RowDraft) -> None:
        raw, n = row.raw, len(row.raw)
        for idx, header_text, month, limit in self.months:
            v = raw[idx] if idx < n else ""
            if v == "" or v is None:
                continue
            if type(v) is str and CONTROL_CHARS.search(v):
                v = strip_control_chars(v)
                row.warnings.append(reason(header_text, shown(v), CONTROL_REMOVED))
            try:
                h = v if type(v) is float else parse_number(v)
            except BadValue as exc:
                self._unreadable_hours(row, header_text, month, v, exc)
                continue
            if h is None:
                continue
            problem = _hours_problem(h, month, limit)
            if problem is None:
                row.hours[month] = h
            else:
                row.reasons.append(reason(header_text, cell_text(v), problem))

    @staticmethod
    def _unreadable_hours(row: RowDraft, header_text: str, month: str, v: Any, exc: BadValue) -> None:
        """Not a number: "nan" or "inf" (a damaged cell) rejects the row; other text is left out with a
        warning, and any hours already held for the month are kept."""
        if isinstance(v, str) and v.strip().casefold() in NOT_FINITE:
            row.reasons.append(reason(header_text, cell_text(v), NOT_HOURS))
        else:
            row.warnings.append(
                reason(
                    header_text,
                    shown(v),
                    f"{exc}: no hours taken for {month_label(month)} (any already held are kept)",
                )
            )

    def _read_legacy(self, row: RowDraft) -> None:
        raw, n = row.raw, len(row.raw)
        for idx, legacy_name, note in self.legacy:
            v = raw[idx] if idx < n else ""
            if v == "" or v is None:
                continue
            text = cell_text(v)
            if text and CONTROL_CHARS.search(text):
                text = strip_control_chars(text).strip()
                row.warnings.append(reason(legacy_name, shown(text), CONTROL_REMOVED))
            if text:
                row.legacy[legacy_name] = text
                if note:
                    row.warnings.append(reason(legacy_name, "", note))

    # -- 4. collar number and surname -------------------------------------------------------------

    def _check_collar(self, row: RowDraft) -> None:
        """No collar number, or one an earlier row used, rejects the row; the officer held under it
        (leading zeros do not count) keeps the collar number as stored."""
        collar = row.collar = row.values.get("collar")
        if not collar:
            if not any(r["column"] == self.collar_header for r in row.reasons):
                row.reasons.insert(0, reason(self.collar_header, "", "no collar number"))
            return
        key = collar_key(collar)
        if key in self.seen:
            first_rn, first_collar = self.seen[key]
            as_written = "" if first_collar == collar else f" (as {first_collar}: leading zeros do not count)"
            row.reasons.insert(
                0,
                reason(
                    self.collar_header,
                    collar,
                    f"collar number {collar} is already used by row {first_rn} of this file{as_written}",
                ),
            )
        else:
            self.seen[key] = (row.number, collar)
        old = row.old = self.held.officers.get(key)
        if old is not None and old["collar"] != collar:
            row.values["collar"] = row.collar = old[
                "collar"
            ]  # 611 in the sheet is officer 0611: kept as stored

    def _check_surname(self, row: RowDraft) -> None:
        if not row.values.get("surname") and row.old is None:
            if not any(r["column"] == self.surname_header for r in row.reasons):
                row.reasons.append(reason(self.surname_header, "", "no surname"))

    # -- 5. leavers -------------------------------------------------------------------------------

    def _leaving_from_status(self, row: RowDraft) -> None:
        """Status words for leavers ("Resigned", "Retired") give the leaving reason when none is
        given; a leaving date with no status makes the officer a leaver."""
        vals, status_text = row.values, row.status_text
        if vals.get("status") == "left" and "leaving_reason" not in vals and status_text:
            reason_word = self.words.find("leaving_reason", status_text)
            if reason_word and norm(status_text) != norm("left"):
                vals["leaving_reason"] = reason_word
        if "left_date" in vals and "status" not in vals:
            vals["status"] = "left"

    # -- 7. independent patrol --------------------------------------------------------------------

    def _independent_patrol(self, row: RowDraft) -> dt.date | None:
        """The date of the pathway's independent-patrol stage to record for a status "IPS", or None."""
        if not row.independent:
            return None
        vals, merged, old = row.values, row.merged, row.old
        if not merged.get("independent_patrol"):
            day, what = assumed_ip_date(merged, self.today)
            vals["independent_patrol"] = merged["independent_patrol"] = day
            row.warnings.append(
                reason(
                    self.status_header,
                    row.status_text or "",
                    f"independent patrol with no date: taken as {uk_date(day)} ({what})",
                )
            )
        if "independent_patrol" in vals and (
            old is None or old["independent_patrol"] != vals["independent_patrol"]
        ):
            return vals["independent_patrol"]
        return None

    # -- 8. against the database ------------------------------------------------------------------

    def _created(self, row: RowDraft, name: str, ip_stage: dt.date | None) -> RowPlan:
        vals = row.values
        vals.setdefault("rank", self.lowest_rank)
        vals.setdefault("status", "active")
        return RowPlan(
            row.number,
            "created",
            row.collar,
            name,
            warnings=row.warnings,
            ip_stage=ip_stage,
            values=vals,
            legacy=row.legacy,
            hours=row.hours,
            original=row.raw,
        )

    def _compared(self, row: RowDraft, name: str, ip_stage: dt.date | None) -> RowPlan:
        """Updated with every change (old -> new), or unchanged."""
        old = row.old
        assert old is not None
        oid = old["id"]
        changes: dict[str, list[Any]] = {}
        for key, value in row.values.items():
            if old[key] != value:
                changes[key] = [old[key], value]
        if row.legacy:
            held = self.held.legacy.get(oid, {})
            for key, value in row.legacy.items():
                if held.get(key) != value:
                    changes["legacy:" + key] = [held.get(key), value]
        held_hours = self.held.hours
        for month, h in row.hours.items():
            before = held_hours.get((oid, month))
            if before is None or abs(before - h) > 1e-9:
                changes["hours:" + month] = [before, h]
        outcome = "updated" if changes else "unchanged"
        return RowPlan(
            row.number,
            outcome,
            row.collar,
            name,
            oid,
            warnings=row.warnings,
            ip_stage=ip_stage,
            changes=changes,
            values=row.values,
            legacy=row.legacy,
            hours=row.hours,
            original=row.raw,
        )


def _hours_problem(h: float, month: str, limit: int) -> str | None:
    """Why ``h`` cannot be a month's hours (not a number, negative, more than the month has), or None."""
    if not math.isfinite(h):
        return NOT_HOURS
    if h < 0:
        return "negative hours"
    if h > limit:
        return f"more hours than {month_label(month)} has ({limit})"
    return None
