"""Files that would crash, hang or exhaust the reader are refused in one plain sentence.

Each file here is small and generated. Through ``cipdesk import`` (a real process): exit 2, one
sentence naming the file and what is wrong, no traceback or Rust message, the database unchanged.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop import importing as importer
from desktop.core.paths import db_url
from desktop.core.startup import open_database
from desktop.excel import read_worker, reader
from desktop.excel.headers import find_header_row
from desktop.excel.read_worker import Limits
from desktop.excel.reader import FileRefused, SheetRefused, open_workbook
from desktop.importing.words import load_synonyms
from tests import helpers_hostile as hostile
from tests.helpers_import import db_fingerprint, use_tmp_backups, write_csv

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dbfile(tmp_path: Path) -> Path:
    path = tmp_path / "force.sqlite"
    db = open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    use_tmp_backups(db, tmp_path / "backups")
    db.dispose()
    return path


def _cipdesk(tmp_path: Path, dbfile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ, XDG_DATA_HOME=str(tmp_path / "xdg-data"), XDG_STATE_HOME=str(tmp_path / "xdg-state")
    )
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(dbfile), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def _refused(tmp_path: Path, dbfile: Path, path: Path) -> str:
    """Import ``path`` on the command line: refused, plainly, the database as it was. Its sentence."""
    before = db_fingerprint(dbfile)
    result = _cipdesk(tmp_path, dbfile, "import", str(path))
    err = result.stderr.strip()
    assert result.returncode == 2, err
    assert "Traceback" not in err and "panicked" not in err and "RUST" not in err
    assert (
        err.count("\n") == 0 and err.startswith("cipdesk import: ") and err.endswith("Nothing was changed.")
    )
    assert path.name in err
    assert db_fingerprint(dbfile) == before
    return err


def test_a_value_in_the_sheets_last_cell_is_refused_naming_that_cell(tmp_path, dbfile):
    path = hostile.far_cell_xlsx(tmp_path / "far.xlsx")
    err = _refused(tmp_path, dbfile, path)
    assert "XFD1048576" in err and "Delete what lies beyond the roster" in err


def test_a_sheet_too_big_to_scan_stops_its_reader_not_the_caller(tmp_path):
    """Sheets too big to scan first are read under the memory limit: asking for 549 GB ends the
    reading process (python-calamine aborts), and the caller refuses the file and carries on."""
    path = hostile.far_cell_xlsx(tmp_path / "far.xlsx")
    wb = open_workbook(path, limits=Limits(scan_sheets_below=0))
    try:
        with pytest.raises(SheetRefused) as info:
            wb.rows("Roster")
    finally:
        wb.close()
    text = str(info.value)
    assert text.startswith("far.xlsx cannot be read")
    if sys.platform.startswith("linux"):
        assert "needs more memory than CiP Desk allows" in text


def test_a_truncated_xls_that_makes_the_reader_panic_is_refused(tmp_path, dbfile):
    path = hostile.truncated_xls(tmp_path / "cut.xls")
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, python_calamine as pc\n"
            "try:\n"
            "    pc.CalamineWorkbook.from_path(sys.argv[1])\n"
            "except Exception as e: print('Exception', type(e).__name__)\n"
            "except BaseException as e: print('BaseException', type(e).__name__)\n",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.stdout.strip() == "BaseException PanicException"  # what `except Exception` misses
    err = _refused(tmp_path, dbfile, path)
    assert "damaged" in err


def test_a_400_mb_shared_string_is_refused_without_reading_it(tmp_path, dbfile):
    path = hostile.giant_string_xlsx(tmp_path / "giant.xlsx")
    assert path.stat().st_size < 1_000_000
    err = _refused(tmp_path, dbfile, path)
    assert "far more than any roster" in err


def test_a_shared_string_longer_than_a_cell_can_hold_is_refused(tmp_path):
    path = hostile.giant_string_xlsx(tmp_path / "long.xlsx", size=1_000_000)
    with pytest.raises(FileRefused, match="holds more than 32,767 characters"):
        open_workbook(path)


def test_a_damaged_xls_asking_for_gigabytes_is_refused(tmp_path, dbfile):
    path = hostile.damaged_xls(tmp_path / "damaged.xls")
    assert path.stat().st_size < 20_000
    err = _refused(tmp_path, dbfile, path)
    assert "damaged" in err


def test_an_8_mb_header_cell_is_refused(tmp_path, dbfile):
    path = hostile.long_header_xlsx(tmp_path / "header.xlsx")
    err = _refused(tmp_path, dbfile, path)
    assert "more than 32,767 characters" in err


def test_header_matching_passes_over_long_text():
    syn = load_synonyms()
    rows = [["Roster"], ["9" * 32_767 + "x", "Collar No.", "Surname"], ["", "4521", "Smith"]]
    assert find_header_row(rows, syn) == 1
    from desktop.excel.headers import header_block, map_columns

    header, last = header_block(rows, syn, 1)
    assert last == 1 and [c.target for c in map_columns(header, syn)][1:] == ["collar", "surname"]


def test_a_csv_field_longer_than_the_csv_module_allows_is_refused_with_its_row(tmp_path, dbfile):
    path = hostile.long_field_csv(tmp_path / "notes.csv")
    err = _refused(tmp_path, dbfile, path)
    assert "row 3" in err and "more than 32,767 characters" in err


def test_a_csv_field_a_cell_can_hold_imports(db, tmp_path):
    use_tmp_backups(db, tmp_path / "backups")
    path = write_csv(
        tmp_path / "ok.csv", [["Collar No.", "Surname", "Notes"], ["4521", "Smith", "n" * 30_000]]
    )
    result = importer.run(db, path)
    assert result.plan.counts["created"] == 1


def test_a_damaged_sheet_the_roster_does_not_need_is_passed_over(db, tmp_path, caplog):
    use_tmp_backups(db, tmp_path / "backups")
    path = hostile.xxe_sheet_xlsx(tmp_path / "with-readme.xlsx")
    with caplog.at_level(logging.INFO, logger="desktop.excel.reader"):
        result = importer.run(db, path)
    assert result.plan.sheet == "Roster" and result.plan.counts["created"] == 5
    assert "unrecognized entity" in caplog.text  # the parser's words are in the log


def test_a_damaged_roster_sheet_is_refused_without_the_parsers_words(db, tmp_path, caplog):
    path = hostile.xxe_sheet_xlsx(tmp_path / "readme-only.xlsx", roster_too=False)
    with caplog.at_level(logging.INFO, logger="desktop.excel.reader"), pytest.raises(FileRefused) as info:
        importer.plan(db, path)
    text = str(info.value)
    assert text == (
        "readme-only.xlsx: the sheet 'Read me' is damaged and cannot be read. Open the file in Excel "
        "and save it again, or ask for a fresh copy."
    )
    assert "unrecognized entity" in caplog.text


# Reading processes that misbehave (spawned by name, so they live at module level).


def _abort_at_once(conn, *args):
    read_worker._quiet_stderr(args[-1])
    os.abort()


def _fail_in_the_reader(conn, *args):
    read_worker._quiet_stderr(args[-1])
    raise RuntimeError("something nobody foresaw")


def _hang(conn, *args):
    time.sleep(60)


def test_a_reader_that_aborts_or_fails_is_a_refusal(tmp_path, monkeypatch):
    path = hostile.xxe_sheet_xlsx(tmp_path / "any.xlsx")
    for target in (_abort_at_once, _fail_in_the_reader):
        monkeypatch.setattr(reader, "_TARGET", target)
        with pytest.raises(FileRefused, match="any.xlsx is damaged or incomplete"):
            open_workbook(path)


def test_a_reader_that_hangs_is_stopped_and_the_file_refused(tmp_path, monkeypatch):
    path = hostile.xxe_sheet_xlsx(tmp_path / "slow.xlsx")
    monkeypatch.setattr(reader, "_TARGET", _hang)
    monkeypatch.setattr(reader, "OPEN_SECONDS", 1.0)
    monkeypatch.setattr(reader, "SECONDS_PER_MB", 0.0)
    started = time.monotonic()
    with pytest.raises(FileRefused, match="slow.xlsx cannot be read: opening it took too long"):
        open_workbook(path)
    assert time.monotonic() - started < 30


def test_an_unforeseen_reader_failure_exits_2_with_nothing_changed(tmp_path, dbfile, monkeypatch, capsys):
    from desktop import cli

    path = hostile.xxe_sheet_xlsx(tmp_path / "odd.xlsx")
    before = db_fingerprint(dbfile)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setattr(reader, "_TARGET", _fail_in_the_reader)
    assert cli.main(["--db", str(dbfile), "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "odd.xlsx is damaged or incomplete" in err and "Traceback" not in err
    assert db_fingerprint(dbfile) == before


def test_a_long_cell_in_a_sheet_too_big_to_scan_is_refused_naming_the_cell(tmp_path):
    path = hostile.long_header_xlsx(tmp_path / "header.xlsx", size=40_000)
    wb = open_workbook(path, limits=Limits(scan_sheets_below=0))
    try:
        with pytest.raises(
            SheetRefused, match="cell A1 of the sheet 'Roster' holds more than 32,767 characters"
        ):
            wb.rows("Roster")
    finally:
        wb.close()
