"""Exports hold names, phone numbers and e-mail addresses: each is written readable by its user only
(0600), in one rename, so a failure half way leaves the file that was there and no partial copy."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from desktop import importing as importer
from desktop.core import data_protection, qualifications, returns, roster, settings
from desktop.core.roster_export import roster_table
from desktop.excel.qualifications_export import export_expiring
from desktop.excel.return_export import export_return
from desktop.excel.roster_export import export_roster
from desktop.excel.subject_access import write_subject_access
from desktop.importing.rejects import write_rejects
from tests.helpers_import import messy_rows, write_xlsx
from tests.helpers_returns import MONTH, build_march_2025


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def officer(db) -> int:
    return roster.create_officer(
        db, {"collar": "4521", "surname": "Smith", "phone": "07700 900123", "email": "j.smith@example.org"}
    )


def _writers(db, officer, tmp_path):
    """Every export, as (file name, a function writing it to a path)."""
    plan = importer.plan(db, write_xlsx(tmp_path / "in" / "messy.xlsx", messy_rows()))
    figures = returns.compute(db, MONTH)
    force = settings.get_all(db)
    expiring = qualifications.expiring(db, on=dt.date(2025, 3, 31))

    from desktop.reports import return_report

    return {
        "roster.xlsx": lambda p: export_roster(roster_table(db), p),
        "rejects.xlsx": lambda p: write_rejects(p, plan),
        "return.xlsx": lambda p: export_return(figures, force, p),
        "return.pdf": lambda p: return_report.write_pdf(figures, force, p),
        "qualifications.xlsx": lambda p: export_expiring(expiring, p, on=dt.date(2025, 3, 31), window=60),
        "subject-access.xlsx": lambda p: write_subject_access(
            data_protection.subject_access_data(db, officer), p
        ),
    }


def test_every_export_is_readable_by_its_user_only(db, officer, tmp_path, qapp, umask_022):
    (tmp_path / "in").mkdir()
    build_march_2025(db)
    out = tmp_path / "out"
    out.mkdir()
    for name, write in _writers(db, officer, tmp_path).items():
        target = out / name
        target.write_bytes(b"an older export, readable by everyone")
        os.chmod(target, 0o644)
        write(target)
        assert _mode(target) == 0o600, name
        assert target.read_bytes() != b"an older export, readable by everyone"
    assert _only(out) == sorted(_writers(db, officer, tmp_path))  # no partial files beside them


def test_an_export_that_fails_half_way_leaves_the_file_that_was_there(db, officer, tmp_path, monkeypatch):
    from openpyxl import Workbook

    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "roster.xlsx"
    target.write_bytes(b"last week's roster")

    def fails(self, filename):
        Path(filename).write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", fails)
    with pytest.raises(OSError):
        export_roster(roster_table(db), target)
    assert target.read_bytes() == b"last week's roster"
    assert _only(tmp_path / "out") == ["roster.xlsx"]


def test_command_line_exports_are_private(db, db_path, tmp_path, qapp, umask_022):
    from desktop import cli

    build_march_2025(db)
    db.dispose()
    roster_out, pdf, xlsx = tmp_path / "r.xlsx", tmp_path / "r.pdf", tmp_path / "ret.xlsx"
    assert cli.main(["--db", str(db_path), "export", "roster", str(roster_out)]) == 0
    assert cli.main(["--db", str(db_path), "return", MONTH, "--pdf", str(pdf), "--xlsx", str(xlsx)]) == 0
    assert [_mode(p) for p in (roster_out, pdf, xlsx)] == [0o600, 0o600, 0o600]
