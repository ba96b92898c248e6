"""`cipdesk import` and `cipdesk export roster` as CLI.md says: exit codes, --json, --dry-run, --rejects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.db import open_database
from desktop.core.paths import db_url
from tests.helpers_import import db_fingerprint, messy_rows, use_tmp_backups, write_encrypted, write_xlsx

KEYS = ["file", "sheet", "header_row", "rows", "created", "updated", "unchanged", "skipped", "rejected",
        "hours_entries", "batch"]  # fmt: skip


@pytest.fixture
def dbfile(tmp_path: Path) -> Path:
    path = tmp_path / "cli.sqlite"
    db = open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    use_tmp_backups(db, tmp_path / "backups")
    db.dispose()
    return path


def cli(dbfile: Path, *args: str) -> int:
    return main(["--db", str(dbfile), *args])


def test_import_with_rejects_exits_1_and_prints_the_summary(dbfile: Path, tmp_path: Path, capsys) -> None:
    path = write_xlsx(tmp_path / "messy.xlsx", messy_rows())
    rejects = tmp_path / "rejects.xlsx"
    assert cli(dbfile, "import", str(path), "--json", "--rejects", str(rejects)) == 1
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert list(summary) == KEYS
    assert summary["rows"] == sum(
        summary[k] for k in ("created", "updated", "unchanged", "skipped", "rejected")
    )
    assert (summary["created"], summary["rejected"], summary["skipped"], summary["header_row"]) == (
        3,
        5,
        2,
        4,
    )
    assert (
        summary["hours_entries"] == 5 and isinstance(summary["batch"], int) and summary["sheet"] == "Roster"
    )
    assert "messy.xlsx row 9, column 'Date Joined', value '31/02/2020': there is no 31 February 2020." in err
    assert "messy.xlsx row 10, column 'Collar No.', value '4521'" in err

    from openpyxl import load_workbook

    ws = load_workbook(rejects).active
    got = list(ws.iter_rows(values_only=True))
    assert got[0][:3] == ("Reason rejected", "Collar No.", "SURNAME")
    assert len(got) == 6
    assert got[1][0].startswith("Row 9: Rank: unknown rank 'Special Bobby'")
    assert got[1][1:3] == ("4524", "Brown")

    # The same file again: nothing created, nothing changed.
    assert cli(dbfile, "import", str(path), "--json") == 1
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["updated"], again["unchanged"], again["hours_entries"]) == (0, 0, 3, 0)


def test_rejects_workbook_imports_again_once_fixed(dbfile: Path, tmp_path: Path, capsys) -> None:
    path = write_xlsx(tmp_path / "messy.xlsx", messy_rows())
    rejects = tmp_path / "rejects.xlsx"
    cli(dbfile, "import", str(path), "--rejects", str(rejects))
    capsys.readouterr()
    from openpyxl import load_workbook

    wb = load_workbook(rejects)
    ws = wb.active
    ws["E2"] = "SC"  # row 9's rank
    ws["G2"] = "28/02/2020"
    ws["M2"] = 3
    wb.save(rejects)
    assert cli(dbfile, "import", str(rejects), "--json") == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["created"] == 1 and summary["header_row"] == 1


def test_clean_import_exits_0_and_dry_run_writes_nothing(dbfile: Path, tmp_path: Path, capsys) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", [["Collar", "Surname", "Apr-26"], ["1", "Ok", 3]])
    before = db_fingerprint(dbfile)
    assert cli(dbfile, "import", str(path), "--dry-run", "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["created"] == 1 and summary["batch"] is None and summary["hours_entries"] == 1
    assert db_fingerprint(dbfile) == before
    assert cli(dbfile, "import", str(path)) == 0
    assert "1 created" in capsys.readouterr().err


def test_refused_file_exits_2_with_one_sentence(dbfile: Path, tmp_path: Path, capsys) -> None:
    before = db_fingerprint(dbfile)
    assert cli(dbfile, "import", str(write_encrypted(tmp_path / "locked.xlsx")), "--json") == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "locked.xlsx is password-protected" in err and "Nothing was changed." in err
    assert len(err.strip().splitlines()) == 1
    assert cli(dbfile, "import", str(tmp_path / "missing.xlsx")) == 2
    assert "does not exist" in capsys.readouterr().err
    path = write_xlsx(tmp_path / "ok.xlsx", [["Collar", "Surname"], ["1", "Ok"]])
    assert cli(dbfile, "import", str(path), "--sheet", "Nope") == 2
    assert "no sheet called 'Nope'" in capsys.readouterr().err
    assert db_fingerprint(dbfile) == before


def test_export_roster(dbfile: Path, tmp_path: Path, capsys) -> None:
    cli(dbfile, "import", str(write_xlsx(tmp_path / "m.xlsx", messy_rows())))
    out = tmp_path / "roster.xlsx"
    assert cli(dbfile, "export", "roster", str(out)) == 0
    assert "Exported 3 officers" in capsys.readouterr().err
    from openpyxl import load_workbook

    ws = load_workbook(out)["Roster"]
    assert ws.cell(1, 1).value == "Collar number" and ws.cell(1, 18).value == "Shoe size"
