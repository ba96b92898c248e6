"""A row is rejected only for the product's reasons; any other doubt imports it with a warning
(column, value, what was assumed). Leavers without a reason, a status "IPS" and the pathway."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from desktop import importing as importer
from desktop.core import pathway, returns, roster, settings
from desktop.core.db import Database
from desktop.core.domain import LEAVING_REASONS, NOT_RECORDED
from desktop.core.models import AuditEvent, StageAchieved
from desktop.importing.rejects import WARNING_HEADER, write_warnings
from tests.helpers_import import use_tmp_backups, write_xlsx

TODAY = dt.date(2026, 7, 1)


@pytest.fixture
def idb(db: Database, tmp_path: Path) -> Database:
    use_tmp_backups(db, tmp_path / "backups")
    return db


def row(plan: importer.ImportPlan, number: int) -> importer.RowPlan:
    return next(r for r in plan.rows if r.row_number == number)


def officer(db: Database, collar: str) -> dict:
    oid = roster.find_by_collar(db, collar)
    assert oid is not None, collar
    return roster.get_officer(db, oid).values


# A nominal roll as most are kept: leavers with a date but no leaving-reason column.
ROLL = [
    ["Collar No.", "Surname", "Forenames", "Status", "Date Joined", "Date Left", "Jun-26"],
    ["101", "Ahmed", "Sara", "Left", "01/02/2018", "15/05/2026", 6],
    ["102", "Brown", "Tom", "Left", "01/02/2019", "10/06/2026", 4],
    ["103", "Clark", "Ann", "Active", "01/02/2019", None, 20],
]


def test_leavers_without_a_reason_import_as_not_recorded_and_are_listed(
    idb: Database, tmp_path: Path
) -> None:
    result = importer.run(idb, write_xlsx(tmp_path / "roll.xlsx", ROLL), today=TODAY)
    plan = result.plan
    assert plan.counts == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0, "rejected": 0}
    summary = plan.summary(result.batch_id)
    assert summary["warnings"] == 2
    assert summary["rows"] == sum(summary[k] for k in importer.OUTCOMES)
    warning = row(plan, 2).warnings
    assert warning == [
        {
            "column": "Leaving reason",
            "value": "",
            "why": 'no leaving reason given: recorded as "Not recorded", to follow up (Roster: '
            '"Leaving reason not recorded")',
        }
    ]
    assert row(plan, 4).warnings == []
    ahmed = officer(idb, "101")
    assert (ahmed["status"], ahmed["left_date"], ahmed["leaving_reason"]) == (
        "left",
        dt.date(2026, 5, 15),
        NOT_RECORDED,
    )
    # Listed for follow-up.
    assert sorted(r.collar for r in roster.list_officers(idb) if r.reason_not_recorded) == ["101", "102"]
    # Their hours are in the month's figures, and the leaver of the month is counted by reason.
    figures = returns.compute(idb, "2026-06").to_json()
    assert figures["hours"]["total"] == 30
    assert [lv["collar"] for lv in figures["leavers"]] == ["102"]
    assert figures["leavers_by_reason"][NOT_RECORDED] == 1
    # A reason of its own: it can be chosen like the others, and a later month without such a
    # leaver does not list it.
    assert NOT_RECORDED in LEAVING_REASONS
    assert NOT_RECORDED not in returns.compute(idb, "2026-03").to_json()["leavers_by_reason"]
    # The same file again changes nothing.
    again = importer.run(idb, write_xlsx(tmp_path / "roll.xlsx", ROLL), today=TODAY)
    assert again.plan.counts["unchanged"] == 3 and again.plan.summary()["warnings"] == 0


def test_a_leaving_reason_written_as_unknown_is_not_recorded(idb: Database, tmp_path: Path) -> None:
    rows = [["Collar", "Surname", "Status", "Joined", "Left", "Reason for leaving"]]
    rows.append(["1", "A", "Left", "01/01/2015", "01/01/2020", "Unknown"])
    plan = importer.plan(idb, write_xlsx(tmp_path / "u.xlsx", rows), today=TODAY)
    assert plan.rows[0].outcome == "created" and plan.rows[0].values["leaving_reason"] == NOT_RECORDED
    assert plan.rows[0].warnings == []  # the file says so: nothing was assumed


def test_every_doubt_not_on_the_list_imports_with_a_warning(idb: Database, tmp_path: Path) -> None:
    header = ["Collar", "Surname", "Status", "Joined", "Left", "DOB", "ESP", "Apr-26"]
    rows = [
        header,
        ["301", "Serial", "Active", 1, None, None, None, None],  # 2: a cell holding 1 is 01/01/1900
        ["302", "Esp", "Active", None, None, None, "Sometimes", None],  # 3
        ["303", "Sick", "Active", None, None, None, None, "sick"],  # 4
        ["304", "Stale", "Active", "01/01/2015", "01/01/2020", None, None, None],  # 5
        ["305", "NoDate", "Left", "01/01/2015", None, None, None, 3],  # 6
        ["306", "Young", "Active", "01/02/2020", None, "01/01/2010", None, None],  # 7
        ["307", "DateHours", "Active", None, None, None, None, dt.date(2026, 4, 3)],  # 8
    ]
    plan = importer.plan(idb, write_xlsx(tmp_path / "w.xlsx", rows), today=TODAY)
    assert {r.row_number: r.outcome for r in plan.rows} == dict.fromkeys(range(2, 9), "created")

    def warned(n: int) -> list[tuple[str, str]]:
        return [(w["column"], w["why"]) for w in row(plan, n).warnings]

    assert warned(2) == [
        ("Joined", "is before 1950, which cannot be right: imported as written, to be checked")
    ]
    assert warned(3) == [
        ("ESP", "'Sometimes' is not yes or no (use Y or N): left out, so it stays as it was")
    ]
    assert warned(4) == [
        ("Apr-26", "'sick' is not a number: no hours taken for April 2026 (any already held are kept)")
    ]
    assert [c for c, _ in warned(5)] == ["Status", "Leaving reason"]
    assert "taken as left on that date" in warned(5)[0][1]
    assert [c for c, _ in warned(6)] == ["Left", "Leaving reason"]
    assert "not counted as serving in any month" in warned(6)[0][1]
    assert warned(7) == [
        ("DOB", "makes them 10 when they joined on 01/02/2020: imported as written, to be checked")
    ]
    assert warned(8)[0][0] == "Apr-26" and "is a date, not a number" in warned(8)[0][1]
    assert plan.summary()["warnings"] == 7 and plan.counts["rejected"] == 0

    importer.run(idb, write_xlsx(tmp_path / "w.xlsx", rows), today=TODAY)
    assert officer(idb, "301")["joined"] == dt.date(1900, 1, 1)  # as written
    assert officer(idb, "302")["esp"] is False
    stale = officer(idb, "304")
    assert (stale["status"], stale["left_date"], stale["leaving_reason"]) == (
        "left",
        dt.date(2020, 1, 1),
        NOT_RECORDED,
    )
    gone = roster.get_officer(idb, roster.find_by_collar(idb, "305"))
    assert gone["status"] == "left" and gone["left_date"] is None
    assert [(h.value, h.effective) for h in gone.status_history] == [("left", None)]
    figures = returns.compute(idb, "2026-04").to_json()
    serving = {o["collar"] for o in figures["officers"] if o.get("status") != "left"}
    assert "305" not in serving and "304" not in serving and "303" in serving
    assert figures["hours"]["total"] == 3  # the leaver's hours still count; 'sick' added none


def test_a_status_never_undoes_a_recorded_leaving(idb: Database, tmp_path: Path) -> None:
    header = ["Collar", "Surname", "Status", "Joined", "Left", "Leaving reason"]
    importer.run(
        idb,
        write_xlsx(
            tmp_path / "a.xlsx", [header, ["401", "Gone", "Left", "01/01/2015", "01/01/2020", "Retired"]]
        ),
        today=TODAY,
    )
    plan = importer.plan(
        idb, write_xlsx(tmp_path / "b.xlsx", [header, ["401", "Gone", "Active", "", "", ""]]), today=TODAY
    )
    first = plan.rows[0]
    assert first.outcome == "unchanged" and "status" not in first.values
    assert first.warnings[0]["column"] == "Status" and "status not changed" in first.warnings[0]["why"]
    assert plan.summary()["warnings"] == 1


def test_an_officer_recorded_as_left_without_a_date_leaves_from_the_import(
    idb: Database, tmp_path: Path
) -> None:
    header = ["Collar", "Surname", "Status", "Joined"]
    importer.run(
        idb, write_xlsx(tmp_path / "a.xlsx", [header, ["402", "Goes", "Active", "01/01/2015"]]), today=TODAY
    )
    result = importer.run(
        idb, write_xlsx(tmp_path / "b.xlsx", [header, ["402", "Goes", "Left", ""]]), today=TODAY
    )
    only = result.plan.rows[0]
    assert only.outcome == "updated"
    assert "recorded as left from 01/07/2026" in only.warnings[0]["why"]
    record = roster.get_officer(idb, roster.find_by_collar(idb, "402"))
    assert record["status"] == "left" and record["leaving_reason"] == NOT_RECORDED
    assert record.status_history[-1].value == "left" and record.status_history[-1].effective == TODAY


def test_warnings_workbook_holds_the_original_rows_and_imports_again(idb: Database, tmp_path: Path) -> None:
    result = importer.run(idb, write_xlsx(tmp_path / "roll.xlsx", ROLL), today=TODAY)
    out = tmp_path / "warnings.xlsx"
    assert write_warnings(out, result.plan) == 2
    got = list(load_workbook(out).active.iter_rows(values_only=True))
    assert got[0][:3] == (WARNING_HEADER, "Collar No.", "Surname")
    assert got[1][0].startswith("Row 2: Leaving reason: no leaving reason given")
    assert got[1][1:5] == ("101", "Ahmed", "Sara", "Left")
    assert len(got) == 3
    # The warnings column is not taken for a legacy field when the workbook is imported.
    again = importer.plan(idb, out, today=TODAY)
    assert [c.target for c in again.columns][0] == "ignore"
    assert again.counts["unchanged"] == 2
    # Each imported row's warnings are kept with the import.
    rows = importer.batch_rows(idb, result.batch_id)
    assert [len(r["warnings"]) for r in rows] == [1, 1, 0] and all(r["reasons"] == [] for r in rows)


@pytest.mark.parametrize("pathway_key", ["college", "older"])
def test_status_ips_records_the_pathway_stage_and_undo_removes_it(
    idb: Database, tmp_path: Path, pathway_key: str
) -> None:
    settings.set_value(idb, "pathway", pathway_key)
    header = ["Collar", "Surname", "Status", "Joined", "Attested", "Ind. Patrol Date"]
    rows = [
        header,
        ["501", "Undated", "IPS", "01/01/2018", "01/06/2018", None],
        ["502", "Dated", "Independent", "01/01/2018", "01/06/2018", "01/01/2019"],
        ["503", "Plain", "Active", "01/01/2018", "01/06/2018", None],
    ]
    path = write_xlsx(tmp_path / "ips.xlsx", rows)
    first = importer.run(idb, path, today=TODAY)
    assert row(first.plan, 2).warnings[0]["why"] == (
        "independent patrol with no date: taken as 01/06/2018 (the attestation date)"
    )
    ip = pathway.get_pathway(idb).ip_stage
    assert ip is not None and ip.code == ("qsc" if pathway_key == "college" else "ips")
    for collar, day in (("501", dt.date(2018, 6, 1)), ("502", dt.date(2019, 1, 1))):
        progress = pathway.officer_progress(idb, roster.find_by_collar(idb, collar), today=TODAY)
        entry = progress.entries[-1]
        assert (entry.stage_code, entry.achieved_on, entry.source, entry.assessor) == (
            ip.code,
            day,
            "record",
            "imported",
        )
        assert officer(idb, collar)["independent_patrol"] == day  # the roster agrees
    board = pathway.board(idb, today=TODAY)
    at_ip = next(c for c in board.columns if c.stage and c.stage.code == ip.code)
    assert sorted(card.collar for card in at_ip.cards) == ["501", "502"]
    with idb.read() as s:
        assert s.scalar(select(func.count()).select_from(StageAchieved)) == 2
        audited = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity == "stages_achieved", AuditEvent.batch_id == first.batch_id)
        )
        assert audited == 2

    # The same file again changes nothing.
    second = importer.run(idb, path, today=TODAY)
    assert second.plan.counts == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0, "rejected": 0}

    # An officer already on the roster whose status now says IPS.
    later = write_xlsx(tmp_path / "later.xlsx", [header, ["503", "Plain", "IPS", "", "", "01/03/2019"]])
    third = importer.run(idb, later, today=TODAY)
    assert third.plan.rows[0].outcome == "updated"
    with idb.read() as s:
        assert s.scalar(select(func.count()).select_from(StageAchieved)) == 3
    importer.undo_batch(idb, third.batch_id, backup=False)
    assert officer(idb, "503")["independent_patrol"] is None
    with idb.read() as s:
        assert s.scalar(select(func.count()).select_from(StageAchieved)) == 2
    importer.undo_batch(idb, second.batch_id, backup=False)
    importer.undo_batch(idb, first.batch_id, backup=False)
    with idb.read() as s:
        assert s.scalar(select(func.count()).select_from(StageAchieved)) == 0
    assert importer.count_officers(idb) == 0


def test_status_ips_moves_a_stage_recorded_with_another_date(idb: Database, tmp_path: Path) -> None:
    header = ["Collar", "Surname", "Status", "Joined", "Attested", "Ind. Patrol Date"]
    importer.run(
        idb,
        write_xlsx(
            tmp_path / "a.xlsx", [header, ["601", "A", "IPS", "01/01/2018", "01/06/2018", "01/01/2019"]]
        ),
    )
    result = importer.run(
        idb, write_xlsx(tmp_path / "b.xlsx", [header, ["601", "A", "IPS", "", "", "01/02/2019"]])
    )
    oid = roster.find_by_collar(idb, "601")
    assert pathway.officer_progress(idb, oid).entries[-1].achieved_on == dt.date(2019, 2, 1)
    importer.undo_batch(idb, result.batch_id, backup=False)
    assert pathway.officer_progress(idb, oid).entries[-1].achieved_on == dt.date(2019, 1, 1)
    assert officer(idb, "601")["independent_patrol"] == dt.date(2019, 1, 1)
