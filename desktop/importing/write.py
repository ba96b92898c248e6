"""Writing an import: decide every row again inside ONE transaction and write the valid ones.

    batch = run(db, "roster.xlsx")              # batch.batch_id, batch.plan

The write goes in steps (:func:`write`), each a few bulk statements, audited by hand (the ORM's
audit hook sees none of them):

1. the batch record (its flush takes the database's write lock);
2. new officers, each with its first rank and status (held since joining; a leaver serving until
   leaving) and one "create" event with everything the row gave;
3. changed officers: their fields, one event per change, a dated rank or status change;
4. legacy fields, then the monthly totals of hours (one duty per officer and month, dated the 1st);
5. the pathway's independent-patrol stage for a status "IPS";
6. one record per sheet row (outcome, reasons or warnings, changes, and the cells of the rows to look
   at again), the audit events, the batch's finishing time.

Any error or Cancel rolls the whole import back: nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from desktop.core import audit, month_locks
from desktop.core.db import Database
from desktop.core.domain import DEFAULT_SETTINGS
from desktop.core.models import (
    AuditEvent,
    Duty,
    ImportBatch,
    ImportRow,
    LegacyField,
    Officer,
    Pathway,
    PathwayStage,
    RankChange,
    Setting,
    StageAchieved,
    StatusChange,
    utcnow,
)
from desktop.core.progress import Progress, report
from desktop.core.roster import DATE_FIELDS
from desktop.excel.headers import header_signature
from desktop.excel.reader import FileRefused, open_workbook, sha256_of
from desktop.excel.values import strip_control_chars
from desktop.importing.bulk import SNAPSHOT_JSON, Bulk, jsonable, stored_cell
from desktop.importing.decide import decide
from desktop.importing.limits import AUDIT_FIELD_LIMIT, COLLAR_LIMIT, OFFICER_FIELDS, SHEET_NAME_LIMIT, cut
from desktop.importing.model import ImportPlan, ImportResult, RowPlan
from desktop.importing.sheet import locate_header
from desktop.importing.words import force_synonyms

# The monthly totals an import writes: one duty of this type per officer and month.
DUTY_TYPE = "patrol"
# Who recorded a pathway stage the import adds.
IMPORT_ASSESSOR = "imported"
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
            locate_header(wb, force_synonyms(s), sheet, progress)
        saved = None
        if backup:
            from desktop.core.backup import backup_before

            where = backup_before(db, "import")
            saved = str(where) if where else None
        why = f"import of {wb.name}" + (
            f"; {lock_reason.strip()}" if lock_reason and lock_reason.strip() else ""
        )
        with db.session(reason=why) as s:
            the_plan = decide(s, wb, sheet, header_row, mapping, value_map, progress, today)
            # Only rejected and skipped rows, and rows with warnings, keep their cells (for the
            # rejects and warnings workbooks); let the sheet go before writing to keep the peak
            # memory down.
            wb.forget()
            for r in the_plan.rows:
                if r.outcome not in ("rejected", "skipped") and not r.warnings:
                    r.original = ()
            touched = month_locks.import_touches(s, the_plan.rows, today=today, duty_type=DUTY_TYPE)
            batch_id = write(s, the_plan, progress, today)
        return ImportResult(batch_id, the_plan, saved, touched)
    finally:
        wb.close()


def write(s: Session, p: ImportPlan, progress: Progress | None, today: dt.date) -> int:
    """Write plan ``p`` in session ``s`` (the caller commits); returns the batch id."""
    w = _BatchWriter(s, p, progress, today)
    created = [r for r in p.rows if r.outcome == "created"]
    updated = [r for r in p.rows if r.outcome == "updated"]
    if created:
        w.new_officers(created)
    w.changed_officers(updated)
    report(progress, w.total // 2, w.total, "Saving legacy fields and hours")
    w.legacy_fields(created, updated)
    w.hours(created, updated)
    w.ip_stages(created, updated)
    report(progress, w.total * 9 // 10, w.total, "Saving the import record")
    w.import_rows()
    w.finish()
    report(progress, w.total, w.total, "Saved")
    return w.bid


class _BatchWriter:
    """One import batch being written: what every step shares (the batch, who, when, the events)."""

    def __init__(self, s: Session, p: ImportPlan, progress: Progress | None, today: dt.date):
        self.s = s
        self.conn = s.connection()
        self.bulk = Bulk(self.conn)
        self.plan = p
        self.progress = progress
        self.today = today
        self.now = utcnow()
        self.now_v = self.bulk.stamp(self.now)
        self.user = audit.current_user()
        self.total = len(p.rows)
        self.events: list[dict[str, Any]] = []
        self.batch = self._open_batch()
        self.bid = self.batch.id
        self.reason = s.info.get("audit_reason") or f"import of {p.file_name}"
        report(progress, 0, self.total, "Saving officers")

    def _open_batch(self) -> ImportBatch:
        p = self.plan
        batch = ImportBatch(
            file_name=p.file_name,
            file_path=p.path,
            sheet=cut(strip_control_chars(p.sheet), SHEET_NAME_LIMIT),
            sha256=p.sha256,
            header_row=p.header_row,
            mapping={
                "columns": [{"index": c.index, "header": c.header, "target": c.target} for c in p.columns],
                "signature": header_signature(p.header),
            },
            user=self.user,
            started_at=self.now,
            rows=len(p.rows),
            **p.counts,
            hours_entries=p.hours_entries,
        )
        self.s.add(batch)
        self.s.flush()  # from here this transaction holds the database's write lock
        return batch

    def _event(self, entity: str, entity_id: int | None, action: str, **values: Any) -> None:
        self.events.append(
            audit.event_row(
                entity, entity_id, action, reason=self.reason, batch_id=self.bid, at=self.now, **values
            )
        )

    # -- 2. new officers ----------------------------------------------------------------------------

    def new_officers(self, created: list[RowPlan]) -> None:
        values = self._officer_values(created)
        ids = self._insert_officers(values)
        report(self.progress, len(created) // 3, self.total, "Saving history")
        for r, oid in zip(created, ids, strict=True):
            r.officer_id = oid
        self._first_history(created, values)
        del values
        self._created_events(created)

    def _officer_values(self, created: list[RowPlan]) -> list[list[Any]]:
        """One row of officer columns (OFFICER_FIELDS, then updated_by) per new officer, dates in the
        database's storage format."""
        date_idx = [OFFICER_FIELDS.index(f) for f in DATE_FIELDS]
        esp_i = OFFICER_FIELDS.index("esp")
        to_date = self.bulk.date
        user = self.user
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
        return values

    def _insert_officers(self, values: list[list[Any]]) -> Sequence[int]:
        """Insert the new officers; their ids in the same order. On SQLite the ids are given (the
        next ones after the highest), elsewhere the database returns them."""
        # Constant per batch: literals in the statement on SQLite, merged into each row elsewhere.
        consts = {
            "anonymised": False,
            "created_batch_id": self.bid,
            "created_at": self.now_v,
            "updated_at": self.now_v,
            "version": 1,
        }
        columns = (*OFFICER_FIELDS, "updated_by")
        if self.bulk.sqlite:
            first_id = int(self.s.scalar(select(func.coalesce(func.max(Officer.id), 0))) or 0) + 1
            ids = range(first_id, first_id + len(values))
            self.bulk.insert(
                Officer, ("id", *columns), [(i, *t) for i, t in zip(ids, values, strict=True)], consts
            )
            return ids
        return list(
            self.conn.execute(
                insert(Officer).returning(Officer.id, sort_by_parameter_order=True),
                [dict(zip(columns, t, strict=True)) | consts for t in values],
            ).scalars()
        )

    def _first_history(self, created: list[RowPlan], values: list[list[Any]]) -> None:
        """A new officer's rank and status held since joining; a leaver serving from joining until the
        leaving date (a leaver with no leaving date: left, undated, so never serving)."""
        joined_i, left_i = OFFICER_FIELDS.index("joined"), OFFICER_FIELDS.index("left_date")
        rank_rows: list[tuple[Any, ...]] = []
        status_rows: list[tuple[Any, ...]] = []
        for r, row in zip(created, values, strict=True):
            oid, v = r.officer_id, r.values
            joined, left = v.get("joined"), v.get("left_date")
            joined_v, left_v = row[joined_i], row[left_i]
            status = v["status"]
            rank_rows.append((oid, v["rank"], joined_v))
            if status == "left" and left and (not joined or joined < left):
                status_rows.append((oid, "active", joined_v, None))  # serving until they left
            if status == "left":
                status_rows.append((oid, status, left_v, v.get("leaving_reason")))
            else:
                status_rows.append((oid, status, joined_v, None))
        history_consts = {"created_at": self.now_v}
        self.bulk.insert(
            RankChange, ("officer_id", "rank", "effective"), rank_rows, {"acting": False, **history_consts}
        )
        del rank_rows
        self.bulk.insert(
            StatusChange, ("officer_id", "status", "effective", "reason"), status_rows, history_consts
        )

    def _created_events(self, created: list[RowPlan]) -> None:
        """One "create" event per officer, with everything the row gave it (audit.event_row's shape)."""
        machine = audit.current_machine()
        rows: list[tuple[Any, ...]] = []
        for r in created:
            snapshot = {k: x for k, x in r.values.items() if x is not None}
            if r.legacy:
                snapshot["legacy fields"] = r.legacy
            if r.hours:
                snapshot["monthly hours"] = r.hours
            rows.append(
                (r.officer_id, r.officer_id, SNAPSHOT_JSON(snapshot), self.user, machine, self.reason)
            )
        self.bulk.insert(
            AuditEvent,
            ("entity_id", "officer_id", "new", "user", "machine", "reason"),
            rows,
            {"at": self.now_v, "entity": "officers", "action": "create", "batch_id": self.bid},
        )

    # -- 3. changed officers ------------------------------------------------------------------------

    def changed_officers(self, updated: list[RowPlan]) -> None:
        """Each changed field, grouped by which fields change (one statement per group), an event per
        change, and a rank or status change dated today (a leaving: its date)."""
        by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        ranks: list[tuple[RowPlan, dict[str, Any]]] = []
        statuses: list[tuple[RowPlan, dict[str, Any]]] = []
        for r in updated:
            fields = tuple(sorted(k for k in r.changes if ":" not in k))
            if fields:
                by_fields[fields].append(
                    {"b_id": r.officer_id, **{"b_" + f: r.changes[f][1] for f in fields}}
                )
            self._change_events(r)
            if "rank" in r.changes:
                ranks.append((r, self._rank_change(r)))
            if "status" in r.changes:
                statuses.append((r, self._status_change(r)))
        for fields, param_rows in by_fields.items():
            stmt = (
                update(Officer)
                .where(Officer.id == bindparam("b_id"))
                .values(
                    {f: bindparam("b_" + f) for f in fields}
                    | {"version": Officer.version + 1, "updated_at": self.now, "updated_by": self.user}
                )
            )
            self.conn.execute(stmt, param_rows)
        for table, pairs, key in (
            (RankChange, ranks, "_rank_change"),
            (StatusChange, statuses, "_status_change"),
        ):
            for r, d in pairs:  # few: one per changed rank or status
                hid = self.conn.execute(insert(table).returning(table.id), d).scalar_one()
                r.changes[key] = [None, hid]  # what undo removes

    def _change_events(self, r: RowPlan) -> None:
        oid = r.officer_id
        for key, (old, new) in r.changes.items():
            entity = (
                "officers" if ":" not in key else ("legacy_fields" if key.startswith("legacy:") else "duties")
            )
            self._event(
                entity,
                oid if entity == "officers" else None,
                "update" if old is not None else "create",
                field=cut(key, AUDIT_FIELD_LIMIT),
                old=old,
                new=new,
                officer_id=oid,
            )

    def _rank_change(self, r: RowPlan) -> dict[str, Any]:
        return {
            "officer_id": r.officer_id,
            "rank": r.changes["rank"][1],
            "effective": self.today,
            "created_at": self.now,
        }

    def _status_change(self, r: RowPlan) -> dict[str, Any]:
        new_status = r.changes["status"][1]
        left = r.values.get("left_date")
        return {
            "officer_id": r.officer_id,
            "status": new_status,
            "effective": left if new_status == "left" and left else self.today,
            "reason": r.values.get("leaving_reason") if new_status == "left" else None,
            "created_at": self.now,
        }

    # -- 4. legacy fields and hours -----------------------------------------------------------------

    def legacy_fields(self, created: list[RowPlan], updated: list[RowPlan]) -> None:
        fresh: list[tuple[Any, ...]] = []
        changed: list[dict[str, Any]] = []
        for r in created:
            for name, value in r.legacy.items():
                fresh.append((r.officer_id, name, value))
        for r in updated:
            for key, (old, new) in r.changes.items():
                if key.startswith("legacy:"):
                    if old is None:
                        fresh.append((r.officer_id, key[7:], new))
                    else:
                        changed.append({"b_oid": r.officer_id, "b_name": key[7:], "b_value": new})
        self.bulk.insert(LegacyField, ("officer_id", "name", "value"), fresh)
        if changed:
            self.conn.execute(
                update(LegacyField)
                .where(LegacyField.officer_id == bindparam("b_oid"), LegacyField.name == bindparam("b_name"))
                .values(value=bindparam("b_value")),
                changed,
            )

    def hours(self, created: list[RowPlan], updated: list[RowPlan]) -> None:
        """One monthly total per officer and month, dated the 1st; a total held is replaced."""
        firsts: dict[str, dt.date] = {}
        firsts_v: dict[str, Any] = {}
        for month in {c.month for c in self.plan.columns if c.month}:
            firsts[month] = dt.date(int(month[:4]), int(month[5:]), 1)
            firsts_v[month] = self.bulk.date(firsts[month])
        changed: list[dict[str, Any]] = []
        # Created officers' entries come in officer order (fresh ids: the officer index only appends).
        fresh: list[tuple[Any, ...]] = [
            (r.officer_id, firsts_v[month], h) for r in created for month, h in r.hours.items()
        ]
        for r in updated:
            for key, (old, new) in r.changes.items():
                if not key.startswith("hours:"):
                    continue
                month = key[6:]
                if old is None:
                    fresh.append((r.officer_id, firsts_v[month], new))
                else:
                    changed.append({"b_oid": r.officer_id, "b_date": firsts[month], "b_hours": new})
        report(self.progress, self.total * 6 // 10, self.total, f"Saving {len(fresh):,} hours entries")
        self.bulk.insert(
            Duty,
            ("officer_id", "date", "hours"),
            fresh,
            {
                "duty_type": DUTY_TYPE,
                "is_monthly_total": True,
                "source": "import",
                "import_batch_id": self.bid,
                "created_at": self.now_v,
                "version": 1,
            },
        )
        del fresh
        if changed:
            self.conn.execute(
                update(Duty)
                .where(
                    Duty.officer_id == bindparam("b_oid"),
                    Duty.date == bindparam("b_date"),
                    Duty.is_monthly_total.is_(True),
                )
                .values(hours=bindparam("b_hours"), version=Duty.version + 1),
                changed,
            )

    # -- 5. the pathway's independent-patrol stage, for a status "IPS" ------------------------------

    def ip_stages(self, created: list[RowPlan], updated: list[RowPlan]) -> None:
        """Record the pathway's independent-patrol stage (assessor "imported") for rows whose status
        "IPS" set the independent-patrol date, so the Pathway board agrees with the roster. An officer
        who already has that stage recorded has its date moved to the roster's. Undo removes both."""
        wanted = [r for r in (*created, *updated) if r.ip_stage is not None and r.officer_id is not None]
        if not wanted:
            return
        stage_id = _ip_stage_id(self.s)
        if stage_id is None:
            return
        held = self._held_stages(stage_id, [r.officer_id for r in updated if r.ip_stage is not None])
        fresh: list[tuple[Any, ...]] = []
        for r in wanted:
            oid, day = r.officer_id, r.ip_stage
            assert oid is not None and day is not None
            have = held.get(oid)
            if r.outcome == "created":
                fresh.append((oid, self.bulk.date(day)))
            elif have is None:
                r.changes["_ip_stage"] = [None, self._add_stage(stage_id, oid, day)]
            elif have[1] != day:
                self.conn.execute(
                    update(StageAchieved).where(StageAchieved.id == have[0]).values(achieved_on=day)
                )
                r.changes["_ip_stage_moved"] = [have[1].isoformat(), have[0]]
            else:
                continue
            self._event(
                "stages_achieved",
                None,
                "create" if have is None else "update",
                field="achieved_on",
                old=have[1] if have else None,
                new=day,
                officer_id=oid,
            )
        self.bulk.insert(
            StageAchieved,
            ("officer_id", "achieved_on"),
            fresh,
            {"stage_id": stage_id, "assessor": IMPORT_ASSESSOR, "created_at": self.now_v},
        )

    def _held_stages(self, stage_id: int, ids: list[int | None]) -> dict[int, tuple[int, dt.date]]:
        """Officer id -> (record id, date) of the stage already recorded, for ``ids``."""
        held: dict[int, tuple[int, dt.date]] = {}
        for i in range(0, len(ids), 500):
            q = select(StageAchieved.officer_id, StageAchieved.id, StageAchieved.achieved_on).where(
                StageAchieved.stage_id == stage_id, StageAchieved.officer_id.in_(ids[i : i + 500])
            )
            for oid, sid, on in self.conn.execute(q):
                held[oid] = (sid, on)
        return held

    def _add_stage(self, stage_id: int, oid: int, day: dt.date) -> int:
        return int(
            self.conn.execute(
                insert(StageAchieved).returning(StageAchieved.id),
                {
                    "officer_id": oid,
                    "stage_id": stage_id,
                    "achieved_on": day,
                    "assessor": IMPORT_ASSESSOR,
                    "created_at": self.now,
                },
            ).scalar_one()
        )

    # -- 6. the rows of the batch, the audit trail, the counts --------------------------------------

    def import_rows(self) -> None:
        """One record per sheet row: rejected and skipped rows keep why and their cells (to save them
        again); imported rows keep their warnings in the same column, and their changes."""
        bulk = self.bulk
        rows = []
        for r in self.plan.rows:
            keep_original = r.outcome in ("rejected", "skipped")
            changes = (
                {k: [jsonable(o), jsonable(n)] for k, (o, n) in r.changes.items()} if r.changes else None
            )
            notes = r.reasons if keep_original else r.warnings
            rows.append(
                (
                    r.row_number,
                    r.outcome,
                    r.officer_id if r.outcome != "rejected" else None,
                    cut(r.collar, COLLAR_LIMIT) if r.collar else None,
                    bulk.json(notes or None),
                    bulk.json(changes),
                    bulk.json([stored_cell(v) for v in r.original]) if keep_original else None,
                )
            )
        bulk.insert(
            ImportRow,
            ("row_number", "outcome", "officer_id", "collar", "reasons", "changes", "original"),
            rows,
            {"batch_id": self.bid},
        )

    def finish(self) -> None:
        """The audit events of the batch, and its finishing time."""
        self.bulk.insert(
            AuditEvent,
            AUDIT_COLUMNS,
            [tuple(self.now_v if c == "at" else e[c] for c in AUDIT_COLUMNS) for e in self.events],
        )
        self.batch.finished_at = utcnow()
        self.s.flush()


def _ip_stage_id(s: Session) -> int | None:
    """The independent-patrol stage of the pathway in use (setting "pathway"; the first pathway
    when that names none), or None when there is no such stage."""
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
