"""The import service: every row accounted for, every reason given, nothing half-written, undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop import importing as importer
from desktop.core import roster
from desktop.core.db import Database
from desktop.core.errors import Cancelled
from desktop.core.models import (
    AuditEvent,
    Duty,
    ImportBatch,
    ImportRow,
    LegacyField,
    Officer,
    RankChange,
    StatusChange,
)
from desktop.excel.reader import FileRefused
from tests.helpers_import import (
    db_fingerprint,
    messy_rows,
    use_tmp_backups,
    write_csv,
    write_encrypted,
    write_ods,
    write_xls,
    write_xlsx,
)

TODAY = dt.date(2026, 7, 1)


@pytest.fixture
def idb(db: Database, tmp_path: Path) -> Database:
    use_tmp_backups(db, tmp_path / "backups")
    return db


def outcomes(plan: importer.ImportPlan) -> dict[int, str]:
    return {r.row_number: r.outcome for r in plan.rows}


def reasons(plan: importer.ImportPlan, row: int) -> list[str]:
    return [r["why"] for r in next(p for p in plan.rows if p.row_number == row).reasons]


def officer(db: Database, collar: str) -> dict:
    oid = roster.find_by_collar(db, collar)
    assert oid is not None, collar
    return roster.get_officer(db, oid).values


def test_messy_workbook_every_row_accounted_for(idb: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "messy.xlsx", messy_rows())
    plan = importer.plan(idb, path)
    assert plan.sheet == "Roster" and plan.header_row == 4
    assert outcomes(plan) == {
        5: "created", 6: "created", 7: "created", 8: "skipped", 9: "rejected", 10: "rejected",
        11: "rejected", 12: "rejected", 13: "created", 14: "skipped",
    }  # fmt: skip
    summary = plan.summary()
    assert summary["rows"] == sum(summary[k] for k in importer.OUTCOMES) == 10
    assert reasons(plan, 8) == ["blank row"]
    assert reasons(plan, 14) == ["totals row"]
    assert reasons(plan, 9) == [
        "unknown rank 'Special Bobby': map it to a known rank or correct the cell",
        "there is no 31 February 2020",
        "negative hours",
    ]
    first = next(p for p in plan.rows if p.row_number == 9).reasons
    assert first[0] == {
        "column": "Rank",
        "value": "Special Bobby",
        "why": "unknown rank 'Special Bobby': map it to a known rank or correct the cell",
    }
    assert reasons(plan, 10) == ["collar number 4521 is already used by row 5 of this file"]
    assert reasons(plan, 11) == ["no collar number"]
    assert reasons(plan, 12) == [
        "more hours than April 2026 has (720)",
        "attested (01/01/2020) before joining (01/05/2020)",
    ]
    # A leaver with no leaving date imports, with a warning saying what was assumed.
    gone = next(p for p in plan.rows if p.row_number == 13)
    assert gone.reasons == [] and [w["column"] for w in gone.warnings] == ["Left"]
    assert "no leaving date" in gone.warnings[0]["why"]
    assert gone.values["leaving_reason"] == "resigned"  # from the status word
    assert summary["warnings"] == 1
    assert plan.unknown_values == {"rank": {"Special Bobby": 1}}

    result = importer.run(idb, path, today=TODAY)
    assert result.plan.counts == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 2, "rejected": 4}
    smith = officer(idb, "4521")
    assert (smith["surname"], smith["forenames"], smith["rank"]) == ("Smith", "John", "SC")
    assert smith["joined"] == dt.date(2019, 4, 3) and smith["attested"] == dt.date(2019, 7, 3)
    assert smith["phone"] == "07700 900123" and smith["email"] == "j.smith@example.org"
    oneil = officer(idb, "SC0452")  # " sc 0452 " normalised
    assert (oneil["surname"], oneil["forenames"], oneil["rank"]) == ("O'Neil", "Siân", "SSgt")
    assert oneil["status"] == "active" and oneil["independent_patrol"] == dt.date(2019, 1, 1)  # "IPS"
    assert oneil["joined"] == dt.date(2018, 4, 3) and oneil["attested"] == dt.date(2018, 6, 1)
    jones = officer(idb, "4523")  # collar 4523.0, joined as serial 43500
    assert jones["joined"] == dt.date(2019, 2, 4) and jones["status"] == "LOA" and jones["forenames"] == "Zoë"


def test_monthly_hours_legacy_fields_history_and_audit(idb: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "messy.xlsx", messy_rows())
    batch = importer.run(idb, path, today=TODAY).batch_id
    with idb.read() as s:
        smith = s.scalar(select(Officer).where(Officer.collar == "4521"))
        duties = s.execute(
            select(
                Duty.date,
                Duty.hours,
                Duty.is_monthly_total,
                Duty.source,
                Duty.duty_type,
                Duty.import_batch_id,
            )
            .where(Duty.officer_id == smith.id)
            .order_by(Duty.date)
        ).all()
        assert [(d.date, d.hours) for d in duties] == [
            (dt.date(2026, 4, 1), 12.0),
            (dt.date(2026, 5, 1), 16.0),  # "16" stored as text
            (dt.date(2026, 6, 1), 0.0),  # 0 records zero
        ]
        assert {(d.is_monthly_total, d.source, d.duty_type, d.import_batch_id) for d in duties} == {
            (True, "import", "patrol", batch)
        }
        # O'Neil: May blank adds nothing.
        oneil = s.scalar(select(Officer).where(Officer.collar == "SC0452"))
        assert s.scalar(select(func.count()).select_from(Duty).where(Duty.officer_id == oneil.id)) == 2
        assert [(lf.name, lf.value) for lf in smith.legacy_fields] == [("Shoe size", "9")]
        assert [(r.rank, r.effective) for r in smith.rank_changes] == [("SC", dt.date(2019, 4, 3))]
        assert [(c.status, c.effective) for c in smith.status_changes] == [("active", dt.date(2019, 4, 3))]
        assert smith.created_batch_id == batch
        events = s.scalars(select(AuditEvent).where(AuditEvent.officer_id == smith.id)).all()
        assert [(e.action, e.batch_id) for e in events] == [("create", batch)]
        assert "Shoe size" in events[0].new
        stored = s.scalars(
            select(ImportRow).where(ImportRow.batch_id == batch).order_by(ImportRow.row_number)
        )
        rows = {r.row_number: r for r in stored}
        assert len(rows) == 10 and rows[9].outcome == "rejected" and rows[9].original[3] == "Special Bobby"
        b = s.get(ImportBatch, batch)
        assert (b.rows, b.created, b.rejected, b.skipped, b.hours_entries) == (10, 4, 4, 2, 5)
        assert rows[13].outcome == "created" and "no leaving date" in rows[13].reasons[0]["why"]
        assert len(b.sha256) == 64 and b.header_row == 4 and b.sheet == "Roster"


def test_reimport_of_the_same_file_changes_nothing(idb: Database, tmp_path: Path, db_path: Path) -> None:
    path = write_xlsx(tmp_path / "messy.xlsx", messy_rows())
    importer.run(idb, path, today=TODAY)
    with idb.read() as s:
        before = {
            t.__tablename__: s.scalar(select(func.count()).select_from(t))
            for t in (Officer, Duty, LegacyField, RankChange, StatusChange)
        }
        versions = dict(s.execute(select(Officer.collar, Officer.version)).all())
    second = importer.run(idb, path, today=TODAY)
    assert second.plan.counts == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 2, "rejected": 4}
    assert second.plan.hours_entries == 0
    assert second.plan.previous_batch is not None
    with idb.read() as s:
        after = {
            t.__tablename__: s.scalar(select(func.count()).select_from(t))
            for t in (Officer, Duty, LegacyField, RankChange, StatusChange)
        }
        assert after == before
        assert dict(s.execute(select(Officer.collar, Officer.version)).all()) == versions


def test_update_changes_only_what_differs_and_empty_never_blanks(idb: Database, tmp_path: Path) -> None:
    header = ["Collar", "Surname", "Forenames", "Rank", "Team", "Mobile", "Locker", "Apr-26", "May-26"]
    first = write_xlsx(
        tmp_path / "a.xlsx",
        [header, ["100", "Patel", "Raj", "SC", "Response A", "0123", "7", 10, 5]],
    )
    importer.run(idb, first, today=TODAY)
    second = write_csv(
        tmp_path / "b.csv",
        [header, ["100", "", "Rajesh", "Special Sergeant", "", "", "8", "12", ""]],
    )
    plan = importer.plan(idb, second, today=TODAY)
    row = plan.rows[0]
    assert row.outcome == "updated"
    assert row.changes == {
        "forenames": ["Raj", "Rajesh"],
        "rank": ["SC", "SSgt"],
        "legacy:Locker": ["7", "8"],
        "hours:2026-04": [10.0, 12.0],
    }
    importer.run(idb, second, today=TODAY)
    o = officer(idb, "100")
    assert (o["surname"], o["team"], o["phone"], o["rank"]) == ("Patel", "Response A", "0123", "SSgt")
    oid = roster.find_by_collar(idb, "100")
    record = roster.get_officer(idb, oid)
    assert [(h.value, h.effective) for h in record.rank_history] == [("SC", None), ("SSgt", TODAY)]
    with idb.read() as s:
        hours = dict(s.execute(select(Duty.date, Duty.hours).where(Duty.officer_id == oid)).all())
        assert hours == {dt.date(2026, 4, 1): 12.0, dt.date(2026, 5, 1): 5.0}  # replaced; blank kept
        fields = {e.field for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "update"))}
        assert {"forenames", "rank", "legacy:Locker", "hours:2026-04"} <= fields


def test_every_rejection_reason(idb: Database, tmp_path: Path) -> None:
    header = [
        "Collar",
        "Surname",
        "Rank",
        "Status",
        "Joined",
        "Attested",
        "Left",
        "Leaving reason",
        "Apr-26",
        "Feb-26",
    ]
    rows = [
        header,
        ["", "NoCollar", "", "", "", "", "", "", "", ""],  # 2
        ["201", "", "", "", "", "", "", "", "", ""],  # 3 no surname
        ["202", "BadDate", "", "", "31/02/2020", "", "", "", "", ""],  # 4
        ["203", "BadRank", "Chief Bobby", "", "", "", "", "", "", ""],  # 5
        ["204", "Negative", "", "", "", "", "", "", -1, ""],  # 6
        ["205", "TooMany", "", "", "", "", "", "", "", 673],  # 7 Feb 2026 has 672 hours
        ["206", "EarlyAttest", "", "", "01/05/2020", "01/04/2020", "", "", "", ""],  # 8
        ["207", "EarlyLeft", "", "Left", "01/05/2020", "", "01/01/2020", "Resigned", "", ""],  # 9
        ["208", "First", "", "", "", "", "", "", "", ""],  # 10
        ["208", "Again", "", "", "", "", "", "", "", ""],  # 11 duplicate
        ["209", "Unreadable", "", "", "sometime", "", "", "", "", ""],  # 12
        ["210", "BadStatus", "", "Gone fishing", "", "", "", "", "", ""],  # 13
        ["211", "Fine", "", "", "", "", "", "", "", 672],  # 14 exactly the month's hours
    ]
    plan = importer.plan(idb, write_xlsx(tmp_path / "bad.xlsx", rows))
    whys = {r.row_number: [x["why"] for x in r.reasons] for r in plan.rows}
    assert whys[2] == ["no collar number"]
    assert whys[3] == ["no surname"]
    assert whys[4] == ["there is no 31 February 2020"]
    assert whys[5] == ["unknown rank 'Chief Bobby': map it to a known rank or correct the cell"]
    assert whys[6] == ["negative hours"]
    assert whys[7] == ["more hours than February 2026 has (672)"]
    assert whys[8] == ["attested (01/04/2020) before joining (01/05/2020)"]
    assert whys[9] == ["left (01/01/2020) before joining (01/05/2020)"]
    assert whys[11] == ["collar number 208 is already used by row 10 of this file"]
    assert whys[12] == ["'sometime' is not a date CiP Desk can read (use dd/mm/yyyy)"]
    assert whys[13] == ["unknown status 'Gone fishing': map it to a known status or correct the cell"]
    assert outcomes(plan)[10] == "created" and outcomes(plan)[14] == "created"
    bad = next(r for r in plan.rows if r.row_number == 4).reasons[0]
    assert bad == {"column": "Joined", "value": "31/02/2020", "why": "there is no 31 February 2020"}


def test_value_map_and_column_mapping_overrides(idb: Database, tmp_path: Path) -> None:
    rows = [["Collar", "Surname", "Rank", "Grade points"], ["300", "Khan", "Chief Bobby", "12"]]
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    plan = importer.plan(idb, path, value_map={"rank": {"Chief Bobby": "SInsp"}}, mapping={3: "ignore"})
    assert plan.rows[0].outcome == "created" and plan.rows[0].values["rank"] == "SInsp"
    assert plan.rows[0].legacy == {}
    plan = importer.plan(idb, path, value_map={"rank": {"Chief Bobby": "SInsp"}})
    assert plan.rows[0].legacy == {"Grade points": "12"}


def test_sheet_choice_and_header_row_override(idb: Database, tmp_path: Path) -> None:
    notes = [["These are notes"], ["Nothing to see"]]
    path = write_xlsx(
        tmp_path / "s.xlsx", [["Warrant No", "Family Name"], ["1", "A"]], before={"Notes": notes}
    )
    assert importer.plan(idb, path).sheet == "Roster"  # first sheet whose header is recognised
    with pytest.raises(FileRefused, match="no sheet called 'Other'"):
        importer.plan(idb, path, sheet="Other")
    with pytest.raises(FileRefused, match="No header row found"):
        importer.plan(idb, path, sheet="Notes")
    # A sheet with no header is refused even when a row is given as the header (the wizard's
    # choice): its first row is data, and would be lost as headings.
    with pytest.raises(FileRefused, match="No header row found"):
        importer.plan(idb, path, sheet="Notes", header_row=1, mapping={0: "surname"})
    # Where a header is found, another row may be chosen as the header.
    plan = importer.plan(idb, path, sheet="Roster", header_row=2, mapping={0: "surname"})
    assert plan.header_row == 2 and plan.rows == []


@pytest.mark.parametrize("kind", ["xls", "ods", "csv-bom", "csv-1252"])
def test_other_formats_import_the_same(idb: Database, tmp_path: Path, kind: str) -> None:
    rows = [
        ["Roster"],
        ["Shoulder No", "Last Name", "Given Names", "Start Date", "Status", "Apr 2026"],
        ["4521", "Brontë", "Zoë", dt.date(2019, 4, 3), "Career break", 12],
        ["4522", "O'Neil", "Siân", "3 April 2019", "Resigned", ""],
    ]
    writers = {
        "xls": lambda: write_xls(tmp_path / "r.xls", rows),
        "ods": lambda: write_ods(tmp_path / "r.ods", rows),
        "csv-bom": lambda: write_csv(tmp_path / "r.csv", _as_text(rows), encoding="utf-8-sig"),
        "csv-1252": lambda: write_csv(tmp_path / "r.csv", _as_text(rows), encoding="cp1252", delimiter=";"),
    }
    plan = importer.plan(idb, writers[kind]())
    assert plan.header_row == 2
    # A leaver with no leaving date imports with a warning.
    assert [r.outcome for r in plan.rows] == ["created", "created"]
    assert [w["column"] for w in plan.rows[1].warnings] == ["Left"]
    first = plan.rows[0]
    assert first.values["surname"] == "Brontë" and first.values["forenames"] == "Zoë"
    assert first.values["joined"] == dt.date(2019, 4, 3) and first.values["status"] == "LOA"
    assert first.hours == {"2026-04": 12.0}


def _as_text(rows: list[list]) -> list[list]:
    return [[v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in r] for r in rows]


def test_leaver_reason_from_status_word(idb: Database, tmp_path: Path) -> None:
    rows = [
        ["Collar", "Surname", "Status", "Joined", "Date Left"],
        ["400", "Gone", "Joined regulars", "01/01/2015", "01/01/2020"],
    ]
    importer.run(idb, write_xlsx(tmp_path / "l.xlsx", rows), today=TODAY)
    o = officer(idb, "400")
    assert (o["status"], o["leaving_reason"], o["left_date"]) == (
        "left",
        "joined the regulars",
        dt.date(2020, 1, 1),
    )
    record = roster.get_officer(idb, roster.find_by_collar(idb, "400"))
    assert [(h.value, h.effective) for h in record.status_history] == [
        ("active", dt.date(2015, 1, 1)),
        ("left", dt.date(2020, 1, 1)),
    ]


@pytest.mark.parametrize(
    "make",
    [
        lambda p: write_encrypted(p / "locked.xlsx"),
        lambda p: _truncated(p),
        lambda p: _text_xlsx(p),
        lambda p: write_xlsx(p / "empty.xlsx", []),
        lambda p: write_xlsx(p / "noheader.xlsx", [["a", "b"], [1, 2]]),
    ],
)
def test_refused_files_leave_the_database_byte_for_byte_unchanged(
    idb: Database, tmp_path: Path, db_path: Path, make
) -> None:
    importer.run(idb, write_xlsx(tmp_path / "ok.xlsx", messy_rows()), today=TODAY)
    idb.dispose()
    before = db_fingerprint(db_path)
    path = make(tmp_path)
    with pytest.raises(FileRefused) as info:
        importer.run(idb, path, today=TODAY)
    assert path.name in str(info.value)
    idb.dispose()
    assert db_fingerprint(db_path) == before


def _truncated(folder: Path) -> Path:
    data = write_xlsx(folder / "whole.xlsx", messy_rows()).read_bytes()
    path = folder / "cut.xlsx"
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def _text_xlsx(folder: Path) -> Path:
    path = folder / "text.xlsx"
    path.write_text("Collar,Surname\n1,Smith\n")
    return path


def test_cancel_midway_writes_nothing(idb: Database, tmp_path: Path, db_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", messy_rows())
    seen = []

    def progress(done: int, total: int, text: str) -> None:
        seen.append(text)
        if text.startswith("Saving legacy"):
            raise Cancelled()

    with pytest.raises(Cancelled):
        importer.run(idb, path, progress=progress, today=TODAY)
    assert "Saving officers" in seen
    with idb.read() as s:
        assert s.scalar(select(func.count()).select_from(Officer)) == 0
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_undo_restores_changes_and_removes_what_it_created(idb: Database, tmp_path: Path) -> None:
    header = ["Collar", "Surname", "Rank", "Status", "Locker", "Apr-26"]
    a = importer.run(
        idb, write_xlsx(tmp_path / "a.xlsx", [header, ["1", "Keep", "SC", "Active", "1", 4]]), today=TODAY
    )
    b = importer.run(
        idb,
        write_xlsx(
            tmp_path / "b.xlsx",
            [header, ["1", "Keep", "Spec Sgt", "LOA", "2", 6], ["2", "New", "SC", "", "", 3]],
        ),
        today=TODAY,
    )
    assert b.plan.counts["updated"] == 1 and b.plan.counts["created"] == 1
    assert importer.can_undo(idb, a.batch_id) is not None  # b changed the same officer afterwards
    with pytest.raises(importer.UndoRefused, match=f"Undo import {b.batch_id} first"):
        importer.undo_batch(idb, a.batch_id)
    importer.undo_batch(idb, b.batch_id)
    o = officer(idb, "1")
    assert (o["rank"], o["status"]) == ("SC", "active")
    assert roster.find_by_collar(idb, "2") is None
    oid = roster.find_by_collar(idb, "1")
    record = roster.get_officer(idb, oid)
    assert record.legacy_fields == [("Locker", "1")]
    assert [h.value for h in record.rank_history] == ["SC"]
    assert [h.value for h in record.status_history] == ["active"]
    with idb.read() as s:
        assert s.execute(select(Duty.hours).where(Duty.officer_id == oid)).scalars().all() == [4.0]
        assert s.get(ImportBatch, b.batch_id).undone_at is not None
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "undo")) >= 4
    with pytest.raises(importer.UndoRefused, match="already undone"):
        importer.undo_batch(idb, b.batch_id)
    importer.undo_batch(idb, a.batch_id)
    assert importer.count_officers(idb) == 0
    batches = importer.list_batches(idb)
    assert [x.id for x in batches] == [b.batch_id, a.batch_id] and all(x.undone for x in batches)


def test_undo_refused_after_a_later_edit(idb: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["Collar", "Surname"], ["1", "Edited"]])
    batch = importer.run(idb, path, today=TODAY).batch_id
    oid = roster.find_by_collar(idb, "1")
    roster.update_officer(idb, oid, {"team": "Response B"})
    with pytest.raises(importer.UndoRefused, match="Officer 1 was edited by .* after import"):
        importer.undo_batch(idb, batch)
    assert officer(idb, "1")["team"] == "Response B"


def test_mapping_is_remembered_for_the_same_headers(idb: Database) -> None:
    header = ["Collar", "Surname", "Odd"]
    assert importer.remembered_mapping(idb, header) is None
    importer.remember_mapping(idb, header, {0: "collar", 1: "surname", 2: "ignore"})
    assert importer.remembered_mapping(idb, [" collar ", "SURNAME", "odd"]) == {
        0: "collar",
        1: "surname",
        2: "ignore",
    }
