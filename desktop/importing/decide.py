"""Legacy roster import: read a spreadsheet, decide every row, write it in one transaction, undo it.

    result = plan(db, "roster.xlsx")            # reads and decides, writes nothing (preview, --dry-run)
    batch = run(db, "roster.xlsx")              # decides again inside one transaction and writes
    undo_batch(db, batch.batch_id)              # restores what the batch changed, removes what it made

Every row of the sheet below the header ends as created, updated, unchanged, skipped (blank or
totals row) or rejected (with every reason: column, value, why), numbered as the sheet numbers it.
A row is rejected only for the product's reasons (no collar number, no surname, a date that cannot
be read or does not exist, a value that cannot be mapped, negative or impossible hours, dates out of
order, a collar number used by an earlier row); any other doubt imports the row with a *warning*
(column, value, what was assumed), e.g. a leaver with no recorded reason gets the reason
"not recorded". Every cell is fitted to what the database keeps before anything is written (control
characters removed, over-long text cut), so SQLite and PostgreSQL store the same thing.
An empty cell never blanks a stored value. Unknown columns become legacy fields. Month columns of
hours become one monthly-total duty per officer and month (dated the 1st, type patrol, source
import); importing again replaces that entry. Writes are bulk Core statements, audited by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from desktop.core import audit, month_locks, ranks
from desktop.core.db import Database
from desktop.core.domain import (
    DRIVING_GRADES,
    LEAVING_REASONS,
    MONTH_NAMES,
    NOT_RECORDED,
    STATUS_LABELS,
    STATUSES,
    collar_key,
    month_bounds,
    normalise_collar,
)
from desktop.core.errors import CipDeskError, NotFoundError
from desktop.core.models import (
    AuditEvent,
    Duty,
    ImportBatch,
    ImportRow,
    LegacyField,
    Officer,
    RankChange,
    RankDef,
    StageAchieved,
    StatusChange,
    utcnow,
)
from desktop.core.progress import Progress, report
from desktop.core.roster import DATE_FIELDS, FIELDS, implausible_dates
from desktop.excel.headers import (
    FIELD_LABEL,
    IGNORE,
    LEGACY,
    Column,
    find_header_row,
    header_block,
    header_signature,
    map_columns,
)
from desktop.excel.reader import (
    FileRefused,
    SheetRefused,
    Workbook,
    open_workbook,
    sha256_of,
    sheet_is_empty,
)
from desktop.excel.values import (
    CONTROL_CHARS,
    BadValue,
    Synonyms,
    cell_text,
    day_month_parts,
    hours_in_month,
    load_synonyms,
    month_label,
    norm,
    parse_bool,
    parse_date,
    parse_number,
    parse_phone,
    parse_text,
    strip_control_chars,
)

OUTCOMES = ("created", "updated", "unchanged", "skipped", "rejected")
MAPPED_VALUE_FIELDS = ("rank", "status", "leaving_reason", "driving")
# Officer fields an import may set: the roster service's own list.
OFFICER_FIELDS = FIELDS
DUTY_TYPE = "patrol"
PROGRESS_EVERY = 1000
# A cell of these fields that cannot be read rejects the row (a date, a mapped value, the collar
# number); any other field that cannot be read is left out with a warning.
REJECT_UNREADABLE = frozenset(("collar", *DATE_FIELDS, *MAPPED_VALUE_FIELDS))
# Outcomes of rows that were imported (and may carry warnings).
IMPORTED = ("created", "updated", "unchanged")
# Who recorded a pathway stage the import adds.
IMPORT_ASSESSOR = "imported"


def _length(model: Any, column: str) -> int | None:
    """The length of a text column in the models (None for unlimited text)."""
    length = getattr(model.__table__.c[column].type, "length", None)
    return int(length) if length else None


# The longest text each officer field holds: one check in the import fits every cell to it, so
# SQLite (which would store anything) and PostgreSQL (which would refuse the whole import) agree.
TEXT_LIMITS = {f: n for f in OFFICER_FIELDS if (n := _length(Officer, f)) is not None}
COLLAR_LIMIT = TEXT_LIMITS["collar"]
LEGACY_NAME_LIMIT = _length(LegacyField, "name") or 200
SHEET_NAME_LIMIT = _length(ImportBatch, "sheet") or 120
AUDIT_FIELD_LIMIT = _length(AuditEvent, "field") or 60
# How a damaged cell or a program writes a number that is not one: impossible hours.
_NOT_FINITE = {"nan", "-nan", "inf", "infinity", "-inf", "+inf", "-infinity", "+infinity"}


class UndoRefused(CipDeskError):
    """The batch cannot be undone; the message says why."""


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
        """The object of ``cipdesk import --json`` (CLI.md), key for key."""
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


@dataclass
class BatchInfo:
    id: int
    file_name: str
    sheet: str | None
    user: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    rejected: int
    hours_entries: int
    undone_at: dt.datetime | None
    undone_by: str | None
    sha256: str | None

    @property
    def undone(self) -> bool:
        return self.undone_at is not None


# ---------------------------------------------------------------------------------------------
# Deciding
# ---------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 3600
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


# json.dumps(..., ensure_ascii=False, default=_jsonable) without a new encoder for every officer.
_SNAPSHOT_JSON = json.JSONEncoder(ensure_ascii=False, default=_jsonable).encode


def _synonyms(s: Session) -> Synonyms:
    ranks = [(code, name) for code, name in s.execute(select(RankDef.code, RankDef.name))]
    return load_synonyms().with_ranks(ranks)


def choose_sheet(wb: Workbook, syn: Synonyms, sheet: str | None, progress: Progress | None = None) -> str:
    """The named sheet, else the first sheet whose header is recognised. A sheet that cannot be
    read (damaged) is passed over; the file is refused with its reason only when no other sheet
    holds a roster."""
    if sheet is not None:
        if sheet in wb.sheet_names:
            return sheet
        same = [n for n in wb.sheet_names if n.strip().casefold() == sheet.strip().casefold()]
        if len(same) == 1:
            return same[0]
        raise FileRefused(
            f"{wb.name} has no sheet called {sheet!r}. Its sheets are: {', '.join(wb.sheet_names)}."
        )
    any_data = False
    unreadable: list[SheetRefused] = []
    for name in wb.sheet_names:
        try:
            rows = wb.rows(name, progress)
        except SheetRefused as exc:
            unreadable.append(exc)
            continue
        if sheet_is_empty(rows):
            wb.forget(name)
            continue
        any_data = True
        if find_header_row(rows, syn) is not None:
            return name
        wb.forget(name)
    if unreadable and not any_data:
        raise unreadable[0]
    if unreadable:
        names = " and ".join(repr(e.sheet) for e in unreadable[:3])
        raise FileRefused(
            f"No header row found in {wb.name}: {'the sheets' if len(unreadable) > 1 else 'the sheet'} "
            f"{names} cannot be read (damaged), and no other sheet has column names such as Collar "
            "number and Surname in its first 20 rows. Open the file in Excel and save it again, or ask "
            "for a fresh copy."
        )
    if not any_data:
        raise FileRefused(f"{wb.name} has no data: every sheet is empty.")
    sheets = ", ".join(repr(n) for n in wb.sheet_names)
    raise FileRefused(
        f"No header row found in {wb.name} (sheets {sheets}): CiP Desk looks in the first 20 rows for "
        f"a row of column names such as Collar number and Surname. {_ADD_HEADER}"
    )


_ADD_HEADER = "Add such a row above the data and import the file again."


def locate_header(
    wb: Workbook, syn: Synonyms | None = None, sheet: str | None = None, progress: Progress | None = None
) -> tuple[str, int]:
    """The sheet to import and its header row (0-based), or FileRefused with the sentence to show.

    The one decision of whether a file can be imported at all, for the command line and the
    wizard alike: a sheet with no row of column names in its first 20 rows is refused (a user may
    then choose another row as the header only of a sheet where one was found)."""
    syn = syn or load_synonyms()
    name = choose_sheet(wb, syn, sheet, progress)
    rows = wb.rows(name, progress)
    if sheet_is_empty(rows):
        raise FileRefused(f"The sheet {name!r} of {wb.name} is empty: there is nothing to import.")
    found = find_header_row(rows, syn)
    if found is None:
        raise FileRefused(
            f"No header row found in the first 20 rows of sheet {name!r} in {wb.name}: CiP Desk looks "
            f"for a row of column names such as Collar number and Surname. {_ADD_HEADER}"
        )
    return name, found


class _Lookup:
    """Value words -> stored values for rank, status, leaving reason, driving; with user overrides."""

    def __init__(self, syn: Synonyms, value_map: dict[str, dict[str, str]] | None):
        self.syn = syn
        self.tables: dict[str, dict[str, str]] = {
            "rank": dict(syn.ranks),
            "status": dict(syn.statuses),
            "leaving_reason": dict(syn.leaving_reasons),
            "driving": dict(syn.driving),
        }
        for status in STATUSES:
            self.tables["status"].setdefault(norm(status), status)
        for reason in LEAVING_REASONS:
            self.tables["leaving_reason"].setdefault(norm(reason), reason)
        for grade in DRIVING_GRADES:
            self.tables["driving"].setdefault(norm(grade), grade)
        for fld, mapping in (value_map or {}).items():
            table = self.tables.setdefault(fld, {})
            for text, target in mapping.items():
                table[norm(text)] = target
        self._seen: dict[tuple[str, str], str | None] = {}

    def find(self, fld: str, text: str) -> str | None:
        key = (fld, text)
        try:
            return self._seen[key]
        except KeyError:
            found = self._seen[key] = self.tables[fld].get(norm(text))
            return found


_WHAT = {
    "rank": "rank",
    "status": "status",
    "leaving_reason": "leaving reason",
    "driving": "driving grade",
}


def plan(
    db: Database,
    path: str | Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: dict[int, str] | None = None,
    value_map: dict[str, dict[str, str]] | None = None,
    progress: Progress | None = None,
    workbook: Workbook | None = None,
    today: dt.date | None = None,
) -> ImportPlan:
    """Read ``path`` and decide every row; nothing is written.

    ``header_row`` (1-based) overrides the detected header; ``mapping`` maps a 0-based column index
    to a target (a field name, ``"month:YYYY-MM"``, ``"legacy"`` or ``"ignore"``); ``value_map``
    maps, per field (rank, status, leaving_reason, driving), a cell text to a stored value.
    Raises FileRefused for a file that cannot be imported.
    """
    wb = workbook or open_workbook(path)
    try:
        with db.read() as s:
            return _decide(s, wb, sheet, header_row, mapping, value_map, progress, today)
    finally:
        if workbook is None:
            wb.close()


def _decide(
    s: Session,
    wb: Workbook,
    sheet: str | None,
    header_row: int | None,
    mapping: dict[int, str] | None,
    value_map: dict[str, dict[str, str]] | None,
    progress: Progress | None,
    today: dt.date | None,
) -> ImportPlan:
    today = today or dt.date.today()
    syn = _synonyms(s)
    report(progress, 0, 0, f"Reading {wb.name}")
    sheet, found = locate_header(wb, syn, sheet, progress)
    rows = wb.rows(sheet, progress)
    if header_row is not None:
        if not 1 <= header_row <= len(rows):
            raise FileRefused(f"Row {header_row} is outside the sheet {sheet!r} of {wb.name}.")
        hdr = header_row - 1
    else:
        hdr = found
    width = max(len(r) for r in rows)
    header, hdr = header_block(rows, syn, hdr)
    columns = map_columns(header, syn, width)
    if mapping:
        for col in columns:
            if col.index in mapping:
                col.target = mapping[col.index]
        _dedupe_targets(columns)
    lookup = _Lookup(syn, value_map)
    sha = sha256_of(wb.path)
    data_rows = rows[hdr + 1 :]
    total = len(data_rows)
    report(progress, 0, total, f"Checking {total:,} rows")

    # What the database holds.
    existing: dict[str, dict[str, Any]] = {}
    cols = [getattr(Officer, f) for f in OFFICER_FIELDS]
    for row in s.execute(select(Officer.id, *cols)):
        rec = row._asdict()
        existing[collar_key(rec["collar"])] = rec
    legacy_cols = [c for c in columns if c.target == LEGACY]
    month_cols = [c for c in columns if c.month]
    field_cols = [c for c in columns if c.target in FIELD_LABEL]
    existing_legacy: dict[int, dict[str, str | None]] = defaultdict(dict)
    if legacy_cols and existing:
        for oid, name, value in s.execute(
            select(LegacyField.officer_id, LegacyField.name, LegacyField.value)
        ):
            existing_legacy[oid][name] = value
    existing_hours: dict[tuple[int, str], float] = {}
    if month_cols and existing:
        firsts = sorted({dt.date(int(c.month[:4]), int(c.month[5:]), 1) for c in month_cols if c.month})
        q = select(Duty.officer_id, Duty.date, Duty.hours).where(
            Duty.is_monthly_total.is_(True), Duty.date.in_(firsts)
        )
        for d_oid, day, d_hours in s.execute(q):
            existing_hours[(d_oid, f"{day.year:04d}-{day.month:02d}")] = d_hours

    collar_col = next((c for c in field_cols if c.target == "collar"), None)
    surname_col = next((c for c in field_cols if c.target == "surname"), None)
    collar_header = collar_col.header if collar_col else "Collar number"
    surname_header = surname_col.header if surname_col else "Surname"
    header_of = {c.target: c.header for c in field_cols}
    totals_words = syn.totals
    seen: dict[str, tuple[int, str]] = {}
    unknown: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    out: list[RowPlan] = []

    parsers = [(c, _field_parser(c.target, lookup, syn)) for c in field_cols]
    for i, (c, parse) in enumerate(parsers):
        if c.target in DATE_FIELDS:
            hint = _month_first_hint(data_rows, c.index, hdr + 2)
            if hint is not None:
                parsers[i] = (c, _refuse_ambiguous(parse, *hint))
    month_specs = [(c.index, c.header, c.month, hours_in_month(c.month)) for c in month_cols if c.month]
    legacy_specs = _legacy_specs(legacy_cols)
    status_header = header_of.get("status", "Status")

    for i, raw in enumerate(data_rows):
        if i % PROGRESS_EVERY == 0 and i:
            report(progress, i, total, f"Checking row {i:,} of {total:,}")
        rn = hdr + 2 + i
        n = len(raw)
        first = None
        for v in raw:
            if v is None or v == "" or (isinstance(v, str) and not v.strip()):
                continue
            first = v
            break
        if first is None:
            out.append(RowPlan(rn, "skipped", reasons=[_reason("", "", "blank row")], original=raw))
            continue
        if isinstance(first, str) and _is_totals(norm(first), totals_words):
            out.append(
                RowPlan(rn, "skipped", reasons=[_reason("", _shown(first), "totals row")], original=raw)
            )
            continue
        reasons: list[dict[str, str]] = []
        warnings: list[dict[str, str]] = []
        vals: dict[str, Any] = {}
        independent = False
        status_text = None
        for col, parse in parsers:
            v = raw[col.index] if col.index < n else ""
            if v == "" or v is None:
                continue
            if type(v) is str and CONTROL_CHARS.search(v):
                if col.target == "collar":
                    reasons.append(_reason(col.header, _shown(v), _CONTROL_IN_COLLAR))
                    continue
                v = strip_control_chars(v)
                warnings.append(_reason(col.header, _shown(v), _CONTROL_REMOVED))
                if not v.strip():
                    continue
            try:
                parsed = parse(v)
            except BadValue as exc:
                if col.target in REJECT_UNREADABLE:
                    reasons.append(_reason(col.header, cell_text(v), str(exc)))
                    if col.target in MAPPED_VALUE_FIELDS:
                        unknown[col.target][cell_text(v)] += 1
                else:
                    warnings.append(_reason(col.header, _shown(v), f"{exc}: left out, so it stays as it was"))
                continue
            if parsed is None:
                continue
            if type(parsed) is str:
                limit = TEXT_LIMITS.get(col.target)
                if limit is not None and len(parsed) > limit:
                    if col.target == "collar":
                        reasons.append(
                            _reason(
                                col.header,
                                _shown(parsed),
                                f"is {len(parsed):,} characters long, but a collar number has at most {limit}",
                            )
                        )
                        continue
                    warnings.append(
                        _reason(
                            col.header,
                            _shown(parsed),
                            f"is {len(parsed):,} characters long: only the first {limit} are kept",
                        )
                    )
                    parsed = parsed[:limit].rstrip()
            if col.target == "status":
                status_text = cell_text(v)
                if parsed == "__ips__":
                    independent = True
                    parsed = "active"
            vals[col.target] = parsed
        hours: dict[str, float] = {}
        for idx, header_text, month, limit in month_specs:
            v = raw[idx] if idx < n else ""
            if v == "" or v is None:
                continue
            if type(v) is str and CONTROL_CHARS.search(v):
                v = strip_control_chars(v)
                warnings.append(_reason(header_text, _shown(v), _CONTROL_REMOVED))
            try:
                h = v if type(v) is float else parse_number(v)
            except BadValue as exc:
                if isinstance(v, str) and v.strip().casefold() in _NOT_FINITE:
                    reasons.append(_reason(header_text, cell_text(v), _NOT_HOURS))
                else:
                    warnings.append(
                        _reason(
                            header_text,
                            _shown(v),
                            f"{exc}: no hours taken for {month_label(month)} (any already held are kept)",
                        )
                    )
                continue
            if h is None:
                continue
            if not math.isfinite(h):
                reasons.append(_reason(header_text, cell_text(v), _NOT_HOURS))
            elif h < 0:
                reasons.append(_reason(header_text, cell_text(v), "negative hours"))
            elif h > limit:
                reasons.append(
                    _reason(
                        header_text,
                        cell_text(v),
                        f"more hours than {month_label(month)} has ({limit})",
                    )
                )
            else:
                hours[month] = h
        legacy: dict[str, str] = {}
        for idx, legacy_name, note in legacy_specs:
            v = raw[idx] if idx < n else ""
            if v == "" or v is None:
                continue
            text = cell_text(v)
            if text and CONTROL_CHARS.search(text):
                text = strip_control_chars(text).strip()
                warnings.append(_reason(legacy_name, _shown(text), _CONTROL_REMOVED))
            if text:
                legacy[legacy_name] = text
                if note:
                    warnings.append(_reason(legacy_name, "", note))

        collar = vals.get("collar")
        key = collar_key(collar) if collar else ""
        if not collar:
            if not any(r["column"] == collar_header for r in reasons):
                reasons.insert(0, _reason(collar_header, "", "no collar number"))
        elif key in seen:
            first_rn, first_collar = seen[key]
            as_written = "" if first_collar == collar else f" (as {first_collar}: leading zeros do not count)"
            reasons.insert(
                0,
                _reason(
                    collar_header,
                    collar,
                    f"collar number {collar} is already used by row {first_rn} of this file{as_written}",
                ),
            )
        else:
            seen[key] = (rn, collar)
        old = existing.get(key) if collar else None
        if old is not None and old["collar"] != collar:
            vals["collar"] = collar = old["collar"]  # 611 in the sheet is officer 0611: kept as stored
        if not vals.get("surname") and old is None:
            if not any(r["column"] == surname_header for r in reasons):
                reasons.append(_reason(surname_header, "", "no surname"))
        # Status words for leavers ("Resigned", "Retired") give the leaving reason when none is given.
        if vals.get("status") == "left" and "leaving_reason" not in vals and status_text:
            reason_word = lookup.find("leaving_reason", status_text)
            if reason_word and norm(status_text) != norm("left"):
                vals["leaving_reason"] = reason_word
        if "left_date" in vals and "status" not in vals:
            vals["status"] = "left"
        merged = dict(old) if old else {}
        merged.update(vals)
        _check_order(merged, vals, header_of, reasons, warnings, old, status_text, today)
        if vals.get("status") != "active":
            independent = False  # the row's status was not applied, or it is a leaver (_check_order)
        name = _name(merged)
        if reasons:
            out.append(
                RowPlan(rn, "rejected", collar, name, old["id"] if old else None, reasons, original=raw)
            )
            continue
        ip_stage = None
        if independent:
            if not merged.get("independent_patrol"):
                day, what = _assumed_ip_date(merged, today)
                vals["independent_patrol"] = merged["independent_patrol"] = day
                warnings.append(
                    _reason(
                        status_header,
                        status_text or "",
                        f"independent patrol with no date: taken as {_fmt(day)} ({what})",
                    )
                )
            if "independent_patrol" in vals and (
                old is None or old["independent_patrol"] != vals["independent_patrol"]
            ):
                ip_stage = vals["independent_patrol"]
        if old is None:
            vals.setdefault("rank", ranks.lowest(s))
            vals.setdefault("status", "active")
            out.append(
                RowPlan(
                    rn, "created", collar, name, None, [], warnings, ip_stage, {}, vals, legacy, hours, raw
                )
            )
            continue
        oid = old["id"]
        changes: dict[str, list[Any]] = {}
        for key, value in vals.items():
            if old[key] != value:
                changes[key] = [old[key], value]
        if legacy:
            held = existing_legacy.get(oid, {})
            for key, value in legacy.items():
                if held.get(key) != value:
                    changes["legacy:" + key] = [held.get(key), value]
        for month, h in hours.items():
            before = existing_hours.get((oid, month))
            if before is None or abs(before - h) > 1e-9:
                changes["hours:" + month] = [before, h]
        outcome = "updated" if changes else "unchanged"
        out.append(
            RowPlan(rn, outcome, collar, name, oid, [], warnings, ip_stage, changes, vals, legacy, hours, raw)
        )
    report(progress, total, total, "Checked")
    previous = s.execute(
        select(ImportBatch.id, ImportBatch.started_at, ImportBatch.file_name)
        .where(ImportBatch.sha256 == sha, ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.id.desc())
        .limit(1)
    ).first()
    return ImportPlan(
        path=str(wb.path),
        file_name=wb.name,
        sheet=sheet,
        sheet_names=list(wb.sheet_names),
        sha256=sha,
        header_row=hdr + 1,
        header=header,
        columns=columns,
        rows=out,
        unknown_values={k: dict(v) for k, v in unknown.items()},
        previous_batch=previous._asdict() if previous else None,
        width=width,
    )


def _is_totals(word: str, totals_words: set[str]) -> bool:
    """A totals row: its first cell is one of the words ("Total", "Average"...) or begins with
    total ("TOTAL HOURS", "Sub-total for A team")."""
    return word in totals_words or word.startswith(("total", "subtotal", "grandtotal"))


def _dedupe_targets(columns: list[Column]) -> None:
    used: set[str] = set()
    for col in columns:
        if col.target in (LEGACY, IGNORE):
            continue
        if col.target in used:
            col.target = LEGACY
        used.add(col.target)


def _reason(column: str, value: str, why: str) -> dict[str, str]:
    return {"column": column, "value": value, "why": why}


def _name(values: dict[str, Any]) -> str:
    surname = values.get("surname") or ""
    forenames = values.get("forenames")
    return f"{surname}, {forenames}" if forenames and surname else surname or (forenames or "")


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


_CONTROL_REMOVED = "hidden control characters removed (they cannot be shown, printed or exported)"
_CONTROL_IN_COLLAR = "has hidden control characters, so it is not a collar number as written: type it again"
_NOT_HOURS = "is not a number of hours"
SHOWN_VALUE_LIMIT = 60


def _shown(value: Any) -> str:
    """A cell for a message: its text, control characters removed, cut to a readable length."""
    text = cell_text(value)
    if CONTROL_CHARS.search(text):
        text = strip_control_chars(text)
    return text if len(text) <= SHOWN_VALUE_LIMIT else text[: SHOWN_VALUE_LIMIT - 1] + "…"


def _legacy_specs(columns: list[Column]) -> list[tuple[int, str, str | None]]:
    """(column index, legacy field name, warning or None) for the columns kept as legacy fields.

    The name is the header as written, without control characters and cut to what the database
    holds; a second column with the same name is told apart by its letter, so no cell of it is lost.
    """
    out: list[tuple[int, str, str | None]] = []
    used: set[str] = set()
    for c in columns:
        name = strip_control_chars(c.header).strip() or f"Column {c.letter}"
        note = None
        if len(name) > LEGACY_NAME_LIMIT:
            name = name[:LEGACY_NAME_LIMIT].rstrip()
            note = (
                f"the column heading is longer than the {LEGACY_NAME_LIMIT} characters kept: the value is "
                "kept under its first characters"
            )
        if name in used:
            tag = f" (column {c.letter})"
            name = name[: LEGACY_NAME_LIMIT - len(tag)] + tag
        used.add(name)
        out.append((c.index, name, note))
    return out


def _assumed_ip_date(merged: dict[str, Any], today: dt.date) -> tuple[dt.date, str]:
    """The independent-patrol date taken for a status "IPS" given without one, and where it came from."""
    if merged.get("attested"):
        return merged["attested"], "the attestation date"
    if merged.get("joined"):
        return merged["joined"], "the joining date"
    return today, "the day of this import"


def _check_order(
    merged: dict[str, Any],
    vals: dict[str, Any],
    header_of: dict[str, str],
    reasons: list[dict[str, str]],
    warnings: list[dict[str, str]],
    old: dict[str, Any] | None,
    status_text: str | None,
    today: dt.date,
) -> None:
    """Dates out of order (a rejection); odd dates and leavers without a date or reason (warnings).

    May change ``vals`` (and ``merged``): a leaver with no recorded reason gets "not recorded"; a
    leaving date in the row with another status makes the officer a leaver; a status that would
    undo a leaving already recorded is not applied."""
    joined, attested = merged.get("joined"), merged.get("attested")
    ip, left = merged.get("independent_patrol"), merged.get("left_date")

    def header(fld: str) -> str:
        return header_of.get(fld, FIELD_LABEL.get(fld, fld))

    def add(fld: str, why: str) -> None:
        col = fld if fld in vals else next((f for f in ("joined", "attested") if f in vals), fld)
        value = merged.get(col)
        reasons.append(_reason(header(col), _fmt(value) if value else "", why))

    for fld, why in implausible_dates(merged, today).items():
        if fld in vals or (fld == "date_of_birth" and "joined" in vals):
            warnings.append(
                _reason(header(fld), _fmt(merged[fld]), f"{why}: imported as written, to be checked")
            )
    if attested and joined and attested < joined:
        add("attested", f"attested ({_fmt(attested)}) before joining ({_fmt(joined)})")
    if ip and joined and ip < joined:
        add("independent_patrol", f"independent patrol ({_fmt(ip)}) before joining ({_fmt(joined)})")
    elif ip and attested and ip < attested:
        add("independent_patrol", f"independent patrol ({_fmt(ip)}) before attestation ({_fmt(attested)})")
    if left and joined and left < joined:
        add("left_date", f"left ({_fmt(left)}) before joining ({_fmt(joined)})")
    if not ("status" in vals or "left_date" in vals or old is None):
        return
    status = merged.get("status")
    if status != "left" and left and "status" in vals:
        said = status_text or STATUS_LABELS.get(str(status), str(status))
        if "left_date" in vals:
            # A leaving date is entered when someone leaves; a status column is often not kept up.
            vals["status"] = merged["status"] = status = "left"
            warnings.append(
                _reason(
                    header("status"),
                    said,
                    f"the row gives a leaving date ({_fmt(left)}): taken as left on that date",
                )
            )
        else:
            # The officer left before (the date is held): a status alone does not undo that.
            del vals["status"]
            merged["status"] = status = old["status"] if old else "left"
            warnings.append(
                _reason(
                    header("status"),
                    said,
                    f"the officer left on {_fmt(left)}: status not changed (record a rejoining in "
                    "their record)",
                )
            )
    if status != "left":
        return
    changing = old is None or old.get("status") != "left"
    if not left and ("status" in vals or old is None):
        if old is None:
            why = (
                "a leaver with no leaving date: imported as left with the date not recorded, so not "
                "counted as serving in any month (add the date in their record)"
            )
        elif changing:
            why = (
                f"a leaver with no leaving date: recorded as left from {_fmt(today)}, the day of this "
                "import (add the date in their record)"
            )
        else:
            why = "a leaver with no leaving date recorded (add the date in their record)"
        warnings.append(_reason(header("left_date"), "", why))
    if not merged.get("leaving_reason"):
        vals["leaving_reason"] = merged["leaving_reason"] = NOT_RECORDED
        warnings.append(
            _reason(
                header("leaving_reason"),
                "",
                'no leaving reason given: recorded as "Not recorded", to follow up (Roster: '
                '"Leaving reason not recorded")',
            )
        )


def _month_first_hint(rows: Sequence[Sequence[Any]], index: int, first_row: int) -> tuple[int, str] | None:
    """The first cell of a date column that can only be month first ("04/15/2019"), as (sheet row,
    text); None when the column has none. Such a column was typed the American way."""
    for i, raw in enumerate(rows):
        if index < len(raw):
            parts = day_month_parts(raw[index])
            if parts is not None and parts[0] <= 12 < parts[1] <= 31:
                return first_row + i, str(raw[index]).strip()
    return None


def _refuse_ambiguous(parse: Callable[[Any], Any], row: int, example: str) -> Callable[[Any], Any]:
    """In a column with month-first dates, a date that reads both ways ("04/03/2019") is refused
    rather than guessed."""

    def guarded(v: Any) -> Any:
        parts = day_month_parts(v)
        if parts is not None and parts[0] <= 12 and parts[1] <= 12 and parts[0] != parts[1]:
            d, m = parts
            raise BadValue(
                f"could be {d} {MONTH_NAMES[m - 1]} or {m} {MONTH_NAMES[d - 1]}: this column also has "
                f"month-first dates such as {example} (row {row}); write the month as a word (3 Apr 2019)"
            )
        return parse(v)

    return guarded


def _field_parser(target: str, lookup: _Lookup, syn: Synonyms) -> Callable[[Any], Any]:
    if target == "collar":

        def collar(v: Any) -> str | None:
            if type(v) is str and v.isalnum():  # no spaces or dots: normalise_collar only upper-cases
                return v.upper()
            if type(v) is float and not math.isfinite(v):  # a damaged number cell
                raise BadValue(f"{cell_text(v)} is not a collar number")
            return normalise_collar(v) or None

        return collar
    if target in DATE_FIELDS:

        def date(v: Any) -> dt.date | None:
            if type(v) is dt.date:
                return v
            return parse_date(v)

        return date
    if target == "esp":
        return lambda v: parse_bool(v, syn)
    if target == "phone":
        return parse_phone
    if target == "email":

        def email(v: Any) -> str | None:
            text = parse_text(v)
            return text.replace(" ", "") if text else None

        return email
    if target in MAPPED_VALUE_FIELDS:
        what = _WHAT[target]
        independent = syn.independent

        def mapped(v: Any) -> str | None:
            text = parse_text(v)
            if text is None:
                return None
            found = lookup.find(target, text)
            if found is None and target == "status" and norm(text) in independent:
                return "__ips__"
            if found is None:
                raise BadValue(f"unknown {what} {text!r}: map it to a known {what} or correct the cell")
            return found

        return mapped
    return parse_text


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def run(
    db: Database,
    path: str | Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: dict[int, str] | None = None,
    value_map: dict[str, dict[str, str]] | None = None,
    progress: Progress | None = None,
    expected_sha256: str | None = None,
    backup: bool = True,
    today: dt.date | None = None,
    lock_reason: str | None = None,
) -> ImportResult:
    """Import ``path``: decide every row and write the valid ones in ONE transaction.

    A refused file raises FileRefused before anything is written; any error or Cancel rolls the
    whole import back. ``expected_sha256`` (from the preview's plan) refuses a file changed since.
    """
    today = today or dt.date.today()
    wb = open_workbook(path)
    try:
        if expected_sha256 is not None and sha256_of(wb.path) != expected_sha256:
            raise FileRefused(f"{wb.name} has changed since it was checked. Check it again before importing.")
        # Refuse unreadable files before the backup and the transaction.
        with db.read() as s:
            locate_header(wb, _synonyms(s), sheet, progress)
        saved = None
        if backup:
            from desktop.core.backup import backup_before

            where = backup_before(db, "import")
            saved = str(where) if where else None
        why = f"import of {wb.name}" + (
            f"; {lock_reason.strip()}" if lock_reason and lock_reason.strip() else ""
        )
        with db.session(reason=why) as s:
            the_plan = _decide(s, wb, sheet, header_row, mapping, value_map, progress, today)
            # Only rejected and skipped rows, and rows with warnings, keep their cells (for the
            # rejects and warnings workbooks); let the sheet go before writing to keep the peak
            # memory down.
            wb.forget()
            for r in the_plan.rows:
                if r.outcome not in ("rejected", "skipped") and not r.warnings:
                    r.original = ()
            touched = month_locks.import_touches(s, the_plan.rows, today=today, duty_type=DUTY_TYPE)
            batch_id = _write(s, the_plan, progress, today)
        return ImportResult(batch_id, the_plan, saved, touched)
    finally:
        wb.close()


class _Bulk:
    """Bulk inserts: on SQLite straight to the driver's executemany with values already in SQLite's
    storage format (SQLAlchemy's own: ISO dates, 'YYYY-MM-DD HH:MM:SS.ffffff' datetimes); on other
    databases through Core ``insert()``. MEASURED.md: the driver is ~2.5x faster than Core."""

    def __init__(self, conn: Any):
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"

    def date(self, value: dt.date | None) -> Any:
        if value is None or not self.sqlite:
            return value
        return value.isoformat()

    def stamp(self, value: dt.datetime) -> Any:
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value

    def json(self, value: Any) -> Any:
        if value is None or not self.sqlite:
            return value
        return json.dumps(value)

    def insert(
        self,
        model: Any,
        columns: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        consts: dict[str, Any] | None = None,
    ) -> None:
        """Insert ``rows`` (tuples in ``columns`` order), each also given the ``consts`` values.

        On SQLite the constants are written into the statement as literals, so the driver binds
        only what varies per row (a third of the cost of the 240,000 hours entries of a big roster).
        """
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return
        consts = consts or {}
        table = model.__table__
        if self.sqlite:
            names = ", ".join(f'"{c}"' for c in (*columns, *consts))
            marks = ", ".join(["?"] * len(columns) + [_sql_literal(v) for v in consts.values()])
            self.conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', rows)
        else:
            self.conn.execute(insert(table), [dict(zip(columns, r, strict=True)) | consts for r in rows])


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (for columns of a set length)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _stored_cell(value: Any) -> Any:
    """A sheet cell as kept with the import record: JSON-safe, with no control characters."""
    value = _jsonable(value)
    if isinstance(value, str) and CONTROL_CHARS.search(value):
        return strip_control_chars(value)
    return value


def _ip_stage_id(s: Session) -> int | None:
    """The independent-patrol stage of the pathway in use (setting "pathway"; the first pathway
    when that names none), or None when there is no such stage."""
    from desktop.core.domain import DEFAULT_SETTINGS
    from desktop.core.models import Pathway, PathwayStage, Setting

    setting = s.get(Setting, "pathway")
    key = setting.value if setting is not None else DEFAULT_SETTINGS["pathway"]
    pathway_id = s.scalar(select(Pathway.id).where(Pathway.key == key))
    if pathway_id is None:
        pathway_id = s.scalar(select(Pathway.id).order_by(Pathway.id).limit(1))
    if pathway_id is None:
        return None
    return s.scalar(
        select(PathwayStage.id)
        .where(PathwayStage.pathway_id == pathway_id, PathwayStage.is_independent_patrol.is_(True))
        .order_by(PathwayStage.position)
        .limit(1)
    )


def _write_ip_stages(
    s: Session,
    conn: Any,
    bulk: _Bulk,
    created: list[RowPlan],
    updated: list[RowPlan],
    events: list[dict[str, Any]],
    reason: str,
    bid: int,
    now: dt.datetime,
    now_v: Any,
) -> None:
    """Record the pathway's independent-patrol stage (assessor "imported") for rows whose status
    "IPS" set the independent-patrol date, so the Pathway board agrees with the roster. An officer
    who already has that stage recorded has its date moved to the roster's. Undo removes both."""
    wanted = [r for r in (*created, *updated) if r.ip_stage is not None and r.officer_id is not None]
    if not wanted:
        return
    stage_id = _ip_stage_id(s)
    if stage_id is None:
        return
    held: dict[int, tuple[int, dt.date]] = {}
    ids = [r.officer_id for r in updated if r.ip_stage is not None]
    for i in range(0, len(ids), 500):
        q = select(StageAchieved.officer_id, StageAchieved.id, StageAchieved.achieved_on).where(
            StageAchieved.stage_id == stage_id, StageAchieved.officer_id.in_(ids[i : i + 500])
        )
        for oid, sid, on in conn.execute(q):
            held[oid] = (sid, on)
    fresh: list[tuple[Any, ...]] = []
    for r in wanted:
        oid, day = r.officer_id, r.ip_stage
        assert oid is not None and day is not None
        have = held.get(oid)
        if r.outcome == "created":
            fresh.append((oid, bulk.date(day)))
        elif have is None:
            sid = conn.execute(
                insert(StageAchieved).returning(StageAchieved.id),
                {
                    "officer_id": oid,
                    "stage_id": stage_id,
                    "achieved_on": day,
                    "assessor": IMPORT_ASSESSOR,
                    "created_at": now,
                },
            ).scalar_one()
            r.changes["_ip_stage"] = [None, sid]
        elif have[1] != day:
            conn.execute(update(StageAchieved).where(StageAchieved.id == have[0]).values(achieved_on=day))
            r.changes["_ip_stage_moved"] = [have[1].isoformat(), have[0]]
        else:
            continue
        events.append(
            audit.event_row(
                "stages_achieved",
                None,
                "create" if have is None else "update",
                field="achieved_on",
                old=have[1] if have else None,
                new=day,
                officer_id=oid,
                reason=reason,
                batch_id=bid,
                at=now,
            )
        )
    bulk.insert(
        StageAchieved,
        ("officer_id", "achieved_on"),
        fresh,
        {"stage_id": stage_id, "assessor": IMPORT_ASSESSOR, "created_at": now_v},
    )


def _sql_literal(value: Any) -> str:
    """A constant of our own making (flag, id, code word, timestamp) as a SQLite literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"not a constant for a bulk insert: {value!r}")


AUDIT_COLUMNS = (
    "at",
    "user",
    "machine",
    "entity",
    "entity_id",
    "officer_id",
    "action",
    "field",
    "old",
    "new",
    "reason",
    "batch_id",
)


def _write(s: Session, p: ImportPlan, progress: Progress | None, today: dt.date) -> int:
    conn = s.connection()
    bulk = _Bulk(conn)
    return _write_rows(s, conn, bulk, p, progress, today)


def _write_rows(
    s: Session, conn: Any, bulk: _Bulk, p: ImportPlan, progress: Progress | None, today: dt.date
) -> int:
    now = utcnow()
    now_v = bulk.stamp(now)
    user = audit.current_user()
    counts = p.counts
    batch = ImportBatch(
        file_name=p.file_name,
        file_path=p.path,
        sheet=_cut(strip_control_chars(p.sheet), SHEET_NAME_LIMIT),
        sha256=p.sha256,
        header_row=p.header_row,
        mapping={
            "columns": [{"index": c.index, "header": c.header, "target": c.target} for c in p.columns],
            "signature": header_signature(p.header),
        },
        user=user,
        started_at=now,
        rows=len(p.rows),
        **counts,
        hours_entries=p.hours_entries,
    )
    s.add(batch)
    s.flush()  # from here this transaction holds the database's write lock
    bid = batch.id
    reason = s.info.get("audit_reason") or f"import of {p.file_name}"
    total = len(p.rows)
    report(progress, 0, total, "Saving officers")
    events: list[dict[str, Any]] = []

    # -- new officers --------------------------------------------------------------------------
    created = [r for r in p.rows if r.outcome == "created"]
    if created:
        # Constant per batch: literals in the statement on SQLite, merged into each row elsewhere.
        officer_consts = {
            "anonymised": False,
            "created_batch_id": bid,
            "created_at": now_v,
            "updated_at": now_v,
            "version": 1,
        }
        columns = (*OFFICER_FIELDS, "updated_by")
        date_idx = [OFFICER_FIELDS.index(f) for f in DATE_FIELDS]
        joined_i, left_i = OFFICER_FIELDS.index("joined"), OFFICER_FIELDS.index("left_date")
        esp_i = OFFICER_FIELDS.index("esp")
        to_date = bulk.date
        values: list[list[Any]] = []
        for r in created:
            get = r.values.get
            row = [get(f) for f in OFFICER_FIELDS]
            for i in date_idx:
                if row[i] is not None:
                    row[i] = to_date(row[i])
            row[esp_i] = bool(row[esp_i])
            row.append(user)
            values.append(row)
        if bulk.sqlite:
            first_id = int(s.scalar(select(func.coalesce(func.max(Officer.id), 0))) or 0) + 1
            ids: Sequence[int] = range(first_id, first_id + len(values))
            bulk.insert(
                Officer,
                ("id", *columns),
                [(i, *t) for i, t in zip(ids, values, strict=True)],
                officer_consts,
            )
        else:
            ids = list(
                conn.execute(
                    insert(Officer).returning(Officer.id, sort_by_parameter_order=True),
                    [dict(zip(columns, t, strict=True)) | officer_consts for t in values],
                ).scalars()
            )
        report(progress, len(created) // 3, total, "Saving history")
        rank_rows: list[tuple[Any, ...]] = []
        status_rows: list[tuple[Any, ...]] = []
        created_events: list[tuple[Any, ...]] = []
        snapshot_json = _SNAPSHOT_JSON
        for r, oid, row in zip(created, ids, values, strict=True):
            r.officer_id = oid
            v = r.values
            joined = v.get("joined")
            left = v.get("left_date")
            joined_v, left_v = row[joined_i], row[left_i]
            status = v["status"]
            rank_rows.append((oid, v["rank"], joined_v))
            if status == "left" and left and (not joined or joined < left):
                status_rows.append((oid, "active", joined_v, None))  # serving until they left
            # A leaver with no leaving date: left, undated (held since joining), so never serving.
            if status == "left":
                status_rows.append((oid, status, left_v, v.get("leaving_reason")))
            else:
                status_rows.append((oid, status, joined_v, None))
            snapshot = {k: x for k, x in v.items() if x is not None}
            if r.legacy:
                snapshot["legacy fields"] = r.legacy
            if r.hours:
                snapshot["monthly hours"] = r.hours
            created_events.append((oid, oid, snapshot_json(snapshot)))
        del values
        history_consts = {"created_at": now_v}
        bulk.insert(
            RankChange,
            ("officer_id", "rank", "effective"),
            rank_rows,
            {"acting": False, **history_consts},
        )
        bulk.insert(
            StatusChange, ("officer_id", "status", "effective", "reason"), status_rows, history_consts
        )
        del rank_rows, status_rows
        # One "create" event per officer, with everything the row gave it (audit.event_row's shape).
        bulk.insert(
            AuditEvent,
            ("entity_id", "officer_id", "new", "user", "machine", "reason"),
            [(*e, user, audit.current_machine(), reason) for e in created_events],
            {"at": now_v, "entity": "officers", "action": "create", "batch_id": bid},
        )
        del created_events

    # -- existing officers -----------------------------------------------------------------------
    updated = [r for r in p.rows if r.outcome == "updated"]
    by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    rank_hist: list[tuple[RowPlan, dict[str, Any]]] = []
    status_hist: list[tuple[RowPlan, dict[str, Any]]] = []
    for r in updated:
        u_oid = r.officer_id
        fields = tuple(sorted(k for k in r.changes if ":" not in k))
        if fields:
            by_fields[fields].append({"b_id": u_oid, **{"b_" + f: r.changes[f][1] for f in fields}})
        for key, (old, new) in r.changes.items():
            entity = (
                "officers" if ":" not in key else ("legacy_fields" if key.startswith("legacy:") else "duties")
            )
            events.append(
                audit.event_row(
                    entity,
                    u_oid if entity == "officers" else None,
                    "update" if old is not None else "create",
                    field=_cut(key, AUDIT_FIELD_LIMIT),
                    old=old,
                    new=new,
                    officer_id=u_oid,
                    reason=reason,
                    batch_id=bid,
                    at=now,
                )
            )
        if "rank" in r.changes:
            rank_hist.append(
                (
                    r,
                    {
                        "officer_id": u_oid,
                        "rank": r.changes["rank"][1],
                        "effective": today,
                        "created_at": now,
                    },
                )
            )
        if "status" in r.changes:
            new_status = r.changes["status"][1]
            left = r.values.get("left_date")
            status_hist.append(
                (
                    r,
                    {
                        "officer_id": u_oid,
                        "status": new_status,
                        "effective": left if new_status == "left" and left else today,
                        "reason": r.values.get("leaving_reason") if new_status == "left" else None,
                        "created_at": now,
                    },
                )
            )
    for fields, param_rows in by_fields.items():
        stmt = (
            update(Officer)
            .where(Officer.id == bindparam("b_id"))
            .values(
                {f: bindparam("b_" + f) for f in fields}
                | {"version": Officer.version + 1, "updated_at": now, "updated_by": user}
            )
        )
        conn.execute(stmt, param_rows)
    for table, pairs, key in (
        (RankChange, rank_hist, "_rank_change"),
        (StatusChange, status_hist, "_status_change"),
    ):
        for r, d in pairs:  # few: one per changed rank or status
            hid = conn.execute(insert(table).returning(table.id), d).scalar_one()
            r.changes[key] = [None, hid]

    # -- legacy fields ---------------------------------------------------------------------------
    report(progress, total // 2, total, "Saving legacy fields and hours")
    legacy_new: list[tuple[Any, ...]] = []
    legacy_upd: list[dict[str, Any]] = []
    for r in created:
        for name, value in r.legacy.items():
            legacy_new.append((r.officer_id, name, value))
    for r in updated:
        for key, (old, new) in r.changes.items():
            if key.startswith("legacy:"):
                if old is None:
                    legacy_new.append((r.officer_id, key[7:], new))
                else:
                    legacy_upd.append({"b_oid": r.officer_id, "b_name": key[7:], "b_value": new})
    bulk.insert(LegacyField, ("officer_id", "name", "value"), legacy_new)
    if legacy_upd:
        conn.execute(
            update(LegacyField)
            .where(LegacyField.officer_id == bindparam("b_oid"), LegacyField.name == bindparam("b_name"))
            .values(value=bindparam("b_value")),
            legacy_upd,
        )

    # -- hours ---------------------------------------------------------------------------------
    firsts: dict[str, dt.date] = {}
    firsts_v: dict[str, Any] = {}
    for month in {c.month for c in p.columns if c.month}:
        firsts[month] = dt.date(int(month[:4]), int(month[5:]), 1)
        firsts_v[month] = bulk.date(firsts[month])
    duty_upd: list[dict[str, Any]] = []
    # Created officers' entries come in officer order (fresh ids: the officer index only appends).
    duty_new: list[tuple[Any, ...]] = [
        (r.officer_id, firsts_v[month], h) for r in created for month, h in r.hours.items()
    ]
    for r in updated:
        for key, (old, new) in r.changes.items():
            if not key.startswith("hours:"):
                continue
            month = key[6:]
            if old is None:
                duty_new.append((r.officer_id, firsts_v[month], new))
            else:
                duty_upd.append({"b_oid": r.officer_id, "b_date": firsts[month], "b_hours": new})
    report(progress, total * 6 // 10, total, f"Saving {len(duty_new):,} hours entries")
    bulk.insert(
        Duty,
        ("officer_id", "date", "hours"),
        duty_new,
        {
            "duty_type": DUTY_TYPE,
            "is_monthly_total": True,
            "source": "import",
            "import_batch_id": bid,
            "created_at": now_v,
            "version": 1,
        },
    )
    del duty_new
    if duty_upd:
        conn.execute(
            update(Duty)
            .where(
                Duty.officer_id == bindparam("b_oid"),
                Duty.date == bindparam("b_date"),
                Duty.is_monthly_total.is_(True),
            )
            .values(hours=bindparam("b_hours"), version=Duty.version + 1),
            duty_upd,
        )

    # -- the rows of the batch, the audit trail, the counts ---------------------------------------
    # -- the pathway's independent-patrol stage, for a status "IPS" --------------------------------
    _write_ip_stages(s, conn, bulk, created, updated, events, reason, bid, now, now_v)

    report(progress, total * 9 // 10, total, "Saving the import record")
    import_rows = []
    for r in p.rows:
        keep_original = r.outcome in ("rejected", "skipped")
        changes = {k: [_jsonable(o), _jsonable(n)] for k, (o, n) in r.changes.items()} if r.changes else None
        # Rejected and skipped rows keep why; imported rows keep their warnings in the same column.
        notes = r.reasons if r.outcome in ("rejected", "skipped") else r.warnings
        import_rows.append(
            (
                r.row_number,
                r.outcome,
                r.officer_id if r.outcome != "rejected" else None,
                _cut(r.collar, COLLAR_LIMIT) if r.collar else None,
                bulk.json(notes or None),
                bulk.json(changes),
                bulk.json([_stored_cell(v) for v in r.original]) if keep_original else None,
            )
        )
    bulk.insert(
        ImportRow,
        ("row_number", "outcome", "officer_id", "collar", "reasons", "changes", "original"),
        import_rows,
        {"batch_id": bid},
    )
    bulk.insert(
        AuditEvent,
        AUDIT_COLUMNS,
        [tuple(now_v if c == "at" else e[c] for c in AUDIT_COLUMNS) for e in events],
    )
    batch.finished_at = utcnow()
    s.flush()
    report(progress, total, total, "Saved")
    return bid


# ---------------------------------------------------------------------------------------------
# History and undo
# ---------------------------------------------------------------------------------------------


def signed_off_months(db: Database, p: ImportPlan) -> list[str]:
    """The signed-off months ("YYYY-MM") whose figures this import would change (see month_locks)."""
    return sorted(signed_off_changes(db, p))


def signed_off_changes(db: Database, p: ImportPlan) -> dict[str, list[str]]:
    """Signed-off month -> what in its return this import would change (see month_locks)."""
    with db.read() as s:
        return month_locks.import_touches(s, p.rows, duty_type=DUTY_TYPE)


def totals_over_duties(db: Database, p: ImportPlan) -> list[tuple[str, str, float]]:
    """(collar, "YYYY-MM", hours) where the import sets a monthly total for an officer who already has
    duties recorded that month: the total is added to them, so the month may count twice."""
    wanted: dict[int, tuple[str, set[str]]] = {}
    for r in p.rows:
        if r.outcome == "updated" and r.officer_id is not None and r.changes:
            months = {key[6:] for key in r.changes if key.startswith("hours:")}
            if months:
                wanted[r.officer_id] = (r.collar or "", months)
    if not wanted:
        return []
    all_months = sorted(set().union(*(m for _, m in wanted.values())))
    first, last = month_bounds(all_months[0])[0], month_bounds(all_months[-1])[1]
    found: dict[tuple[int, str], float] = {}
    with db.read() as s:
        rows = s.execute(
            select(Duty.officer_id, Duty.date, func.sum(Duty.hours))
            .where(
                Duty.officer_id.in_(list(wanted)),
                Duty.is_monthly_total.is_(False),
                Duty.date >= first,
                Duty.date <= last,
            )
            .group_by(Duty.officer_id, Duty.date)
        )
        for oid, day, total in rows:
            key = (oid, f"{day.year:04d}-{day.month:02d}")
            found[key] = found.get(key, 0.0) + float(total or 0)
    return sorted(
        (wanted[oid][0], month, round(total, 2))
        for (oid, month), total in found.items()
        if month in wanted[oid][1] and total > 0
    )


def list_batches(db: Database) -> list[BatchInfo]:
    """Every import, newest first."""
    with db.read() as s:
        rows = s.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).all()
        return [
            BatchInfo(
                b.id,
                b.file_name,
                b.sheet,
                b.user,
                b.started_at,
                b.finished_at,
                b.rows,
                b.created,
                b.updated,
                b.unchanged,
                b.skipped,
                b.rejected,
                b.hours_entries,
                b.undone_at,
                b.undone_by,
                b.sha256,
            )
            for b in rows
        ]


def batch_rows(db: Database, batch_id: int) -> list[dict[str, Any]]:
    """The outcome of every row of a batch, in sheet order."""
    with db.read() as s:
        q = select(ImportRow).where(ImportRow.batch_id == batch_id).order_by(ImportRow.row_number)
        return [
            {
                "row": r.row_number,
                "outcome": r.outcome,
                "collar": r.collar,
                "officer_id": r.officer_id,
                "reasons": (r.reasons or []) if r.outcome not in IMPORTED else [],
                "warnings": (r.reasons or []) if r.outcome in IMPORTED else [],
                "changes": r.changes or {},
                "original": r.original,
            }
            for r in s.scalars(q)
        ]


def _when(at: dt.datetime | None) -> str:
    return at.strftime("%d/%m/%Y %H:%M") if at else "an unknown time"


def undo_check(s: Session, batch: ImportBatch) -> str | None:
    """Why ``batch`` cannot be undone, or None when it can."""
    if batch.undone_at is not None:
        return f"Import {batch.id} ({batch.file_name}) was already undone on {_when(batch.undone_at)}."
    touched = select(ImportRow.officer_id).where(
        ImportRow.batch_id == batch.id,
        ImportRow.outcome.in_(("created", "updated")),
        ImportRow.officer_id.is_not(None),
    )
    later = s.execute(
        select(ImportBatch.id, ImportBatch.file_name, ImportBatch.started_at)
        .join(ImportRow, ImportRow.batch_id == ImportBatch.id)
        .where(
            ImportBatch.id > batch.id,
            ImportBatch.undone_at.is_(None),
            ImportRow.outcome.in_(("created", "updated")),
            ImportRow.officer_id.in_(touched),
        )
        .order_by(ImportBatch.id.desc())
        .limit(1)
    ).first()
    if later is not None:
        return (
            f"Import {later.id} ({later.file_name}, {_when(later.started_at)}) changed the same officers "
            f"afterwards. Undo import {later.id} first."
        )
    edit = s.execute(
        select(AuditEvent.at, AuditEvent.user, AuditEvent.officer_id, AuditEvent.field)
        .where(
            AuditEvent.officer_id.in_(touched),
            AuditEvent.at >= batch.started_at,
            or_(
                AuditEvent.batch_id.is_(None),
                and_(
                    AuditEvent.batch_id != batch.id,
                    AuditEvent.batch_id.not_in(
                        select(ImportBatch.id).where(ImportBatch.undone_at.is_not(None))
                    ),
                ),
            ),
        )
        .order_by(AuditEvent.at.desc())
        .limit(1)
    ).first()
    if edit is not None:
        collar = s.scalar(select(Officer.collar).where(Officer.id == edit.officer_id)) or "an officer"
        return (
            f"Officer {collar} was edited by {edit.user} on {_when(edit.at)}, after import {batch.id}. "
            "Undoing it would lose that edit, so it cannot be undone."
        )
    return None


def can_undo(db: Database, batch_id: int) -> str | None:
    with db.read() as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is None:
            return f"There is no import {batch_id}."
        return undo_check(s, batch)


def _from_json(key: str, value: Any) -> Any:
    if value is not None and key in DATE_FIELDS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def undo_batch(
    db: Database,
    batch_id: int,
    *,
    progress: Progress | None = None,
    backup: bool = True,
    lock_reason: str | None = None,
) -> int:
    """Undo an import: restore the values it changed and remove what it created, in one transaction.

    Returns the number of officers restored or removed. Raises UndoRefused with the reason when a
    later import or edit depends on it, and LockedMonthError (nothing undone) when undoing it would
    change a signed-off month's figures and no ``lock_reason`` is given.
    """
    reason_text = can_undo(db, batch_id)
    if reason_text:
        raise UndoRefused(reason_text)
    if backup:
        from desktop.core.backup import backup_before

        backup_before(db, "undo-import")
    now = utcnow()
    user = audit.current_user()
    with db.session(reason=f"undo of import {batch_id}", batch_id=batch_id) as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFoundError(f"There is no import {batch_id}.")
        why = undo_check(s, batch)
        if why:
            raise UndoRefused(why)
        conn = s.connection()
        reason = f"undo of import {batch_id} ({batch.file_name})"
        if lock_reason and lock_reason.strip():
            reason += f"; {lock_reason.strip()}"
        events: list[dict[str, Any]] = []
        rows = s.execute(
            select(ImportRow.officer_id, ImportRow.outcome, ImportRow.changes, ImportRow.collar).where(
                ImportRow.batch_id == batch_id, ImportRow.outcome.in_(("created", "updated"))
            )
        ).all()
        with month_locks.guard(s, [r.officer_id for r in rows], lock_reason, what="undo this import"):
            return _undo_rows(s, conn, batch, rows, reason, events, now, user, progress)


def _undo_rows(
    s: Session,
    conn: Any,
    batch: ImportBatch,
    rows: Sequence[Any],
    reason: str,
    events: list[dict[str, Any]],
    now: dt.datetime,
    user: str,
    progress: Progress | None,
) -> int:
    batch_id = batch.id
    report(progress, 0, len(rows), "Undoing")
    created_ids = [r.officer_id for r in rows if r.outcome == "created" and r.officer_id is not None]
    for r in rows:
        if r.outcome == "created" and r.officer_id is not None:
            events.append(
                audit.event_row(
                    "officers",
                    r.officer_id,
                    "undo",
                    old=r.collar,
                    officer_id=r.officer_id,
                    reason=reason,
                    batch_id=batch_id,
                    at=now,
                )
            )
    restored = 0
    for r in rows:
        if r.outcome != "updated" or r.officer_id is None:
            continue
        oid = r.officer_id
        changes = r.changes or {}
        restored += 1
        fields = {
            k: _from_json(k, old)
            for k, (old, _new) in changes.items()
            if ":" not in k and not k.startswith("_")
        }
        if fields:
            conn.execute(
                update(Officer)
                .where(Officer.id == oid)
                .values(**fields, version=Officer.version + 1, updated_at=now, updated_by=user)
            )
        for key, (old, new) in changes.items():
            if key == "_rank_change":
                conn.execute(delete(RankChange).where(RankChange.id == new))
                continue
            if key == "_status_change":
                conn.execute(delete(StatusChange).where(StatusChange.id == new))
                continue
            if key in ("_ip_stage", "_ip_stage_moved"):
                if key == "_ip_stage":
                    conn.execute(delete(StageAchieved).where(StageAchieved.id == new))
                else:
                    conn.execute(
                        update(StageAchieved)
                        .where(StageAchieved.id == new)
                        .values(achieved_on=dt.date.fromisoformat(old))
                    )
                events.append(
                    audit.event_row(
                        "stages_achieved",
                        new,
                        "undo",
                        field="achieved_on",
                        new=old,
                        officer_id=oid,
                        reason=reason,
                        batch_id=batch_id,
                        at=now,
                    )
                )
                continue
            if key.startswith("legacy:"):
                cond = and_(LegacyField.officer_id == oid, LegacyField.name == key[7:])
                if old is None:
                    conn.execute(delete(LegacyField).where(cond))
                else:
                    conn.execute(update(LegacyField).where(cond).values(value=old))
            elif key.startswith("hours:"):
                month = key[6:]
                day = dt.date(int(month[:4]), int(month[5:]), 1)
                cond = and_(Duty.officer_id == oid, Duty.date == day, Duty.is_monthly_total.is_(True))
                if old is None:
                    conn.execute(delete(Duty).where(cond, Duty.import_batch_id == batch_id))
                else:
                    conn.execute(update(Duty).where(cond).values(hours=old, version=Duty.version + 1))
            events.append(
                audit.event_row(
                    "officers"
                    if ":" not in key
                    else ("legacy_fields" if key.startswith("legacy") else "duties"),
                    oid if ":" not in key else None,
                    "undo",
                    field=_cut(key, AUDIT_FIELD_LIMIT),
                    old=new,
                    new=old,
                    officer_id=oid,
                    reason=reason,
                    batch_id=batch_id,
                    at=now,
                )
            )
    if created_ids:
        chunk = 500
        for i in range(0, len(created_ids), chunk):
            part = created_ids[i : i + chunk]
            conn.execute(delete(Duty).where(Duty.officer_id.in_(part)))
            conn.execute(delete(LegacyField).where(LegacyField.officer_id.in_(part)))
            conn.execute(delete(RankChange).where(RankChange.officer_id.in_(part)))
            conn.execute(delete(StatusChange).where(StatusChange.officer_id.in_(part)))
            conn.execute(delete(StageAchieved).where(StageAchieved.officer_id.in_(part)))
            conn.execute(update(ImportRow).where(ImportRow.officer_id.in_(part)).values(officer_id=None))
            conn.execute(delete(Officer).where(Officer.id.in_(part)))
            report(progress, i, len(rows), "Removing officers the import created")
    # Any other monthly totals the batch created.
    conn.execute(delete(Duty).where(Duty.import_batch_id == batch_id))
    if events:
        conn.execute(insert(AuditEvent), events)
    batch.undone_at = now
    batch.undone_by = user
    s.flush()
    return len(created_ids) + restored


def remembered_mapping(db: Database, header: Sequence[Any]) -> dict[int, str] | None:
    """The column mapping last used for a file with the same headers (settings "import_mappings")."""
    from desktop.core import settings

    saved = settings.get(db, "import_mappings") or {}
    found = saved.get(header_signature(header))
    return {int(k): v for k, v in found.items()} if found else None


def remember_mapping(db: Database, header: Sequence[Any], mapping: dict[int, str]) -> None:
    from desktop.core import settings

    saved = dict(settings.get(db, "import_mappings") or {})
    saved[header_signature(header)] = {str(k): v for k, v in mapping.items()}
    if len(saved) > 50:  # keep the newest 50
        saved = dict(list(saved.items())[-50:])
    settings.set_value(db, "import_mappings", saved, reason="import column mapping remembered")


def count_officers(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count(Officer.id))) or 0)
