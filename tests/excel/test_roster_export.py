"""`export roster`: docs/cli.md's columns in order, real dates, legacy fields, risky text, round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from desktop import importing as importer
from desktop.core import roster
from desktop.core.paths import db_url
from desktop.core.roster_export import roster_table
from desktop.core.startup import open_database
from desktop.excel.roster_export import export_roster
from tests.helpers_import import messy_rows, use_tmp_backups, write_xlsx

COLUMNS = ["Collar number", "Surname", "Forenames", "Rank", "Status", "Team", "Station", "Joined", "Attested",
           "Independent patrol", "Left", "Leaving reason", "Phone", "Email", "Employer", "ESP", "Driving"]  # fmt: skip


def values(path: Path) -> list[tuple]:
    return list(load_workbook(path)["Roster"].iter_rows(values_only=True))


def test_columns_dates_legacy_fields_and_risky_text(db, tmp_path: Path) -> None:
    use_tmp_backups(db, tmp_path / "b")
    importer.run(db, write_xlsx(tmp_path / "m.xlsx", messy_rows()))
    oid = roster.find_by_collar(db, "4521")
    roster.update_officer(db, oid, {"team": '=HYPERLINK("x")', "employer": "+44 Ltd"})
    out = tmp_path / "r.xlsx"
    assert export_roster(roster_table(db), out) == 4  # the leaver without a leaving date too
    wb = load_workbook(out)
    assert wb.sheetnames == ["Roster"]
    ws = wb["Roster"]
    rows = values(out)
    assert list(rows[0]) == [*COLUMNS, "Shoe size"]
    smith = next(r for r in rows if r[0] == "4521")
    assert smith[7] == dt.datetime(2019, 4, 3)  # a real date
    assert smith[3] == "Special Constable" and smith[4] == "Active" and smith[15] == "No"
    assert smith[17] == "9"
    row = next(i for i, r in enumerate(rows, start=1) if r[0] == "4521")
    assert ws.cell(row, 6).data_type == "s" and ws.cell(row, 6).value == '=HYPERLINK("x")'
    assert ws.cell(row, 8).is_date


def test_export_import_export_round_trip(db, tmp_path: Path) -> None:
    use_tmp_backups(db, tmp_path / "b")
    importer.run(db, write_xlsx(tmp_path / "m.xlsx", messy_rows()))
    leaver = [["Collar", "Surname", "Status", "Joined", "Left", "Leaving reason", "ESP", "Driving", "Employer"],
              ["77", "Gone", "Left", "01/01/2015", "01/01/2020", "Joined the regulars", "Y", "Response", "NHS"]]  # fmt: skip
    importer.run(db, write_xlsx(tmp_path / "l.xlsx", leaver))
    first = tmp_path / "first.xlsx"
    export_roster(roster_table(db), first)

    other = open_database(db_url(str(tmp_path / "empty.sqlite")), backup_dir=tmp_path / "b2")
    use_tmp_backups(other, tmp_path / "b2")
    result = importer.run(other, first)
    assert result.plan.counts["rejected"] == 0 and result.plan.counts["created"] == 5
    second = tmp_path / "second.xlsx"
    export_roster(roster_table(other), second)
    other.dispose()
    assert values(first) == values(second)
