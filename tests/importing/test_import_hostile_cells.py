"""Cells no database or workbook can hold as they are: control characters (BEL, NUL), NaN and
infinite hours, text longer than its field. One check in the import fits them on SQLite and
PostgreSQL alike (a rejection for a collar number and for impossible hours, a warning where text
can be cleaned or cut), and no export fails on what the database holds."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from desktop import importing as importer
from desktop.core import returns, roster, settings
from desktop.core.db import Database
from desktop.core.logs import redacted_traceback
from desktop.core.models import Duty, ImportRow, LegacyField, Officer
from desktop.core.roster_export import roster_table
from desktop.excel.return_export import export_return
from desktop.excel.roster_export import export_roster
from tests.helpers_import import patch_xlsx, use_tmp_backups, write_csv, write_xlsx

TODAY = dt.date(2026, 7, 1)
LONG_HEADING = "Notes from the old system " + "h" * 250


@pytest.fixture
def idb(db: Database, tmp_path: Path) -> Database:
    use_tmp_backups(db, tmp_path / "backups")
    return db


def row(plan: importer.ImportPlan, number: int) -> importer.RowPlan:
    return next(r for r in plan.rows if r.row_number == number)


def hostile_workbook(path: Path) -> Path:
    """Long fields, a NUL and a BEL (written as a workbook holds them, _x0000_ and _x0007_), a NaN
    hours cell (<v>NaN</v>) and an infinite one."""
    header = ["Collar", "Surname", "Forenames", "Team", "Notes", LONG_HEADING, "Apr-26"]
    rows = [
        header,
        ["1" * 40, "Toolong", None, None, None, None, None],  # 2: collar over 32
        ["601", "S" * 130, "F" * 170, "T" * 130, "N" * 10_000, "kept", 5],  # 3: cut, with warnings
        ["602", "NulPLACEHOLDER1", "Ann", None, "line one\nline two", None, 6],  # 4: NUL stripped
        ["60PLACEHOLDER23", "Collar", None, None, None, None, None],  # 5: NUL in the collar
        ["604", "Nan", None, None, None, None, 12345.25],  # 6: NaN hours
        ["605", "Bell", None, None, None, None, "inf"],  # 7: infinite hours
        ["606", "BelPLACEHOLDER3l", None, None, None, None, 2],  # 8: BEL stripped
    ]
    write_xlsx(path, rows)
    return patch_xlsx(
        path,
        {
            "NulPLACEHOLDER1": "Nul_x0000_",
            "60PLACEHOLDER23": "60_x0000_3",
            "<v>12345.25</v>": "<v>NaN</v>",
            "BelPLACEHOLDER3l": "Bel_x0007_l",
        },
    )


def test_long_fields_nul_and_nan_are_caught_by_the_import_on_every_database(
    idb: Database, tmp_path: Path
) -> None:
    path = hostile_workbook(tmp_path / "hostile.xlsx")
    result = importer.run(idb, path, today=TODAY)  # no database error, on SQLite or PostgreSQL
    plan = result.plan
    assert {r.row_number: r.outcome for r in plan.rows} == {
        2: "rejected",
        3: "created",
        4: "created",
        5: "rejected",
        6: "rejected",
        7: "rejected",
        8: "created",
    }
    assert row(plan, 2).reasons[0]["why"] == "is 40 characters long, but a collar number has at most 32"
    assert "control characters" in row(plan, 5).reasons[0]["why"]
    assert row(plan, 6).reasons == [{"column": "Apr-26", "value": "nan", "why": "is not a number of hours"}]
    assert row(plan, 7).reasons[0]["why"] == "is not a number of hours"
    cut = {w["column"]: w["why"] for w in row(plan, 3).warnings}
    assert cut["Surname"] == "is 130 characters long: only the first 120 are kept"
    assert cut["Forenames"] == "is 170 characters long: only the first 160 are kept"
    assert cut["Team"] == "is 130 characters long: only the first 120 are kept"
    assert "Notes" not in cut  # notes hold any length
    assert "longer than the 200 characters kept" in cut[LONG_HEADING[:200]]
    assert [w["column"] for w in row(plan, 4).warnings] == ["Surname"]
    assert row(plan, 4).warnings[0]["why"].startswith("hidden control characters removed")
    assert row(plan, 8).warnings[0]["value"] == "Bell"

    with idb.read() as s:
        stored = {o.collar: o for o in s.scalars(select(Officer))}
        assert sorted(stored) == ["601", "602", "606"]
        assert stored["601"].surname == "S" * 120 and len(stored["601"].forenames or "") == 160
        assert stored["601"].notes == "N" * 10_000
        assert stored["602"].surname == "Nul"
        assert stored["602"].notes == "line one line two"  # a line break is harmless: no warning
        assert stored["606"].surname == "Bell"
        names = set(s.scalars(select(LegacyField.name)))
        assert names == {LONG_HEADING[:200]}
        hours = [h for (h,) in s.execute(select(Duty.hours))]
        assert sorted(hours) == [2.0, 5.0, 6.0]  # no NaN, no infinity
        assert s.scalar(select(func.count()).select_from(ImportRow)) == 7
    # The figures stay numbers: --json is valid JSON.
    json.dumps(returns.compute(idb, "2026-04").to_json(), allow_nan=False)


def test_a_csv_with_a_nul_after_its_first_lines_imports_with_a_warning(idb: Database, tmp_path: Path) -> None:
    rows = [["Collar", "Surname", "Locker"]]
    rows += [[str(700 + i), f"Name{i}", "x" * 200] for i in range(30)]  # past the first 4 KB
    rows.append(["799", "Late\x00Nul", "tab\there"])
    result = importer.run(idb, write_csv(tmp_path / "nul.csv", rows), today=TODAY)
    late = result.plan.rows[-1]
    assert late.outcome == "created" and late.values["surname"] == "LateNul"
    assert late.warnings[0]["column"] == "Surname"
    assert late.legacy == {"Locker": "tab\there"}  # a tab is harmless: kept, no warning
    assert len(late.warnings) == 1


def test_control_characters_then_export(idb: Database, tmp_path: Path) -> None:
    """A BEL in an imported name is removed with a warning naming the cell; text stored before with
    control characters (an older version stored it) never stops a roster or return workbook."""
    path = write_xlsx(
        tmp_path / "bel.xlsx",
        [["Collar", "Surname", "Forenames", "Team", "Apr-26"], ["801", "SmithPH", "Jo", "Response A", 20]],
    )
    patch_xlsx(path, {"SmithPH": "Smith_x0007_"})
    result = importer.run(idb, path, today=TODAY)
    warning = result.plan.rows[0].warnings[0]
    assert (warning["column"], warning["value"]) == ("Surname", "Smith")
    assert roster.get_officer(idb, roster.find_by_collar(idb, "801"))["surname"] == "Smith"
    # Text an older version stored as it came.
    oid = roster.find_by_collar(idb, "801")
    with idb.session() as s:
        o = s.get(Officer, oid)
        o.forenames = "Jo\x07\x1b"
        o.team = "Response\x0bA"
    roster.set_legacy_field(idb, oid, "Shoe\x07size", "9\x08")

    out = tmp_path / "roster.xlsx"
    assert export_roster(roster_table(idb), out) == 1
    got = list(load_workbook(out)["Roster"].iter_rows(values_only=True))
    assert got[0][-1] == "Shoesize"
    assert got[1][2] == "Jo" and got[1][5] == "ResponseA" and got[1][-1] == "9"

    figures = returns.compute(idb, "2026-04")
    ret = tmp_path / "return.xlsx"
    export_return(figures, settings.get_all(idb), ret)
    officers = list(load_workbook(ret)["Officers"].iter_rows(values_only=True))
    assert officers[1][:2] == ("801", "Smith, Jo")


def test_an_import_and_an_export_log_no_personal_data(idb: Database, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    path = hostile_workbook(tmp_path / "hostile.xlsx")
    importer.run(idb, path, today=TODAY)
    export_roster(roster_table(idb), tmp_path / "roster.xlsx")
    logged = caplog.text
    assert "SSSSS" not in logged and "Nul" not in logged and "Bell" not in logged


PERSON = ("Smith, Jo", "07700 900123")


def test_a_logged_failure_keeps_the_frames_but_not_the_message() -> None:
    def fail(name: str, phone: str) -> None:
        try:
            raise KeyError(phone)
        except KeyError as exc:
            raise ValueError(f"{name} cannot be used in worksheets") from exc

    with pytest.raises(ValueError) as info:
        fail(*PERSON)
    text = redacted_traceback(info.value)
    assert "Smith" not in text and "07700" not in text
    assert "ValueError" in text and "KeyError" in text and "in fail" in text


def test_two_columns_with_the_same_heading_both_keep_their_cells(idb: Database, tmp_path: Path) -> None:
    rows = [["Collar", "Surname", "Locker", "Locker"], ["901", "Twice", "first note", "second note"]]
    result = importer.run(idb, write_xlsx(tmp_path / "twice.xlsx", rows), today=TODAY)
    assert result.plan.rows[0].legacy == {"Locker": "first note", "Locker (column D)": "second note"}
    record = roster.get_officer(idb, roster.find_by_collar(idb, "901"))
    assert record.legacy_fields == [("Locker", "first note"), ("Locker (column D)", "second note")]
