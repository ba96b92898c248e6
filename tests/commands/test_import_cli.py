"""`cipdesk import` and `cipdesk export roster` as docs/cli.md says: exit codes, --json, --dry-run, --rejects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.paths import db_url
from desktop.core.startup import open_database
from tests.helpers_import import db_fingerprint, messy_rows, use_tmp_backups, write_encrypted, write_xlsx

KEYS = ["file", "sheet", "header_row", "rows", "created", "updated", "unchanged", "skipped", "rejected",
        "hours_entries", "batch", "warnings"]  # fmt: skip


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
        4,
        4,
        2,
        4,
    )
    assert summary["warnings"] == 1  # row 13: a leaver with no leaving date
    assert (
        summary["hours_entries"] == 5 and isinstance(summary["batch"], int) and summary["sheet"] == "Roster"
    )
    assert "messy.xlsx row 9, column 'Date Joined', value '31/02/2020': there is no 31 February 2020." in err
    assert "messy.xlsx row 10, column 'Collar No.', value '4521'" in err

    from openpyxl import load_workbook

    ws = load_workbook(rejects).active
    got = list(ws.iter_rows(values_only=True))
    assert got[0][:3] == ("Reason rejected", "Collar No.", "SURNAME")
    assert len(got) == 5
    assert got[1][0].startswith("Row 9: Rank: unknown rank 'Special Bobby'")
    assert got[1][1:3] == ("4524", "Brown")

    # The same file again: nothing created, nothing changed.
    assert cli(dbfile, "import", str(path), "--json") == 1
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["updated"], again["unchanged"], again["hours_entries"]) == (0, 0, 4, 0)


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
    locked = write_encrypted(tmp_path / "locked.xlsx")
    assert cli(dbfile, "import", str(locked), "--json") == 2
    out, err = capsys.readouterr()
    assert "locked.xlsx is password-protected" in err and "Nothing was changed." in err
    assert len(err.strip().splitlines()) == 1
    # --json still prints one object: the file and the sentence.
    refused = json.loads(out)
    assert list(refused) == ["file", "refused"] and refused["file"] == str(locked)
    assert refused["refused"].startswith("locked.xlsx is password-protected")
    assert refused["refused"] in err
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
    assert "Exported 4 officers" in capsys.readouterr().err
    from openpyxl import load_workbook

    ws = load_workbook(out)["Roster"]
    assert ws.cell(1, 1).value == "Collar number" and ws.cell(1, 18).value == "Shoe size"


def test_leavers_without_reasons_import_and_warnings_follow_the_rejections(
    dbfile: Path, tmp_path: Path, capsys
) -> None:
    rows = [
        ["Collar No.", "Surname", "Status", "Date Joined", "Date Left", "ESP"],
        ["101", "Ahmed", "Left", "01/02/2018", "15/05/2026", None],
        ["102", "Brown", "Left", "01/02/2019", "10/06/2026", "Maybe"],
        [None, "Nocollar", "Active", "01/02/2019", None, None],
        ["103", "Clark", "Active", "01/02/2019", None, None],
    ]
    path = write_xlsx(tmp_path / "roll.xlsx", rows)
    assert cli(dbfile, "import", str(path), "--json") == 1
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert (summary["created"], summary["rejected"], summary["warnings"]) == (3, 1, 2)
    assert summary["rows"] == sum(
        summary[k] for k in ("created", "updated", "unchanged", "skipped", "rejected")
    )
    lines = err.splitlines()
    rejected = lines.index("roll.xlsx row 4, column 'Collar No.': no collar number.")
    warnings = [i for i, line in enumerate(lines) if line.startswith("Warning: roll.xlsx row ")]
    assert warnings and min(warnings) > rejected  # after the rejections
    assert (
        "Warning: roll.xlsx row 2, column 'Leaving reason': no leaving reason given: recorded as "
        '"Not recorded", to follow up (Roster: "Leaving reason not recorded").'
    ) in lines
    assert (
        "Warning: roll.xlsx row 3, column 'ESP', value 'Maybe': 'Maybe' is not yes or no (use Y or N): "
        "left out, so it stays as it was."
    ) in lines
    assert "2 imported with warnings" in err


def test_a_file_with_no_header_is_refused_with_one_json_object(dbfile: Path, tmp_path: Path, capsys) -> None:
    path = write_xlsx(tmp_path / "numbers.xlsx", [[4521, 12, 3], [4522, 8, 0], [4523, 16, 4]])
    before = db_fingerprint(dbfile)
    assert cli(dbfile, "import", str(path), "--json") == 2
    out, err = capsys.readouterr()
    refused = json.loads(out)
    assert refused["file"] == str(path)
    assert refused["refused"].startswith("No header row found in numbers.xlsx")
    assert err.strip() == f"cipdesk import: {refused['refused']}"
    assert db_fingerprint(dbfile) == before
