"""Files a command writes are checked before any work: a missing folder, a path under a regular file
(which even root cannot write) or a folder given for a file is one plain sentence and exit 2, and
nothing is imported or written."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.output_paths import OutputPathError, check_output_path
from desktop.core.paths import db_url
from desktop.core.startup import open_database
from tests.helpers_import import db_fingerprint, messy_rows, use_tmp_backups, write_xlsx


@pytest.fixture
def dbfile(tmp_path: Path) -> Path:
    path = tmp_path / "cli.sqlite"
    db = open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    use_tmp_backups(db, tmp_path / "backups")
    db.dispose()
    return path


@pytest.fixture
def afile(tmp_path: Path) -> Path:
    """A regular file: nothing can be written 'inside' it, whoever runs the test."""
    path = tmp_path / "afile"
    path.write_text("not a folder")
    return path


def cli(dbfile: Path, *args: str) -> int:
    return main(["--db", str(dbfile), *args])


def one_sentence(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_the_check_names_the_path_and_why(tmp_path: Path, afile: Path) -> None:
    with pytest.raises(OutputPathError, match="the folder .*missing does not exist"):
        check_output_path(tmp_path / "missing" / "out.xlsx")
    with pytest.raises(OutputPathError, match="afile is a file, not a folder"):
        check_output_path(afile / "out.xlsx")
    with pytest.raises(OutputPathError, match="afile is a file, not a folder"):
        check_output_path(afile / "deeper" / "out.xlsx")
    with pytest.raises(OutputPathError, match="is a folder; give a file name"):
        check_output_path(tmp_path, example_name="roster.xlsx")
    with pytest.raises(OutputPathError, match="is the file being read"):
        check_output_path(afile, not_same_as=[str(afile)])
    assert check_output_path(tmp_path / "fine.xlsx") == tmp_path / "fine.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]  # the check leaves nothing behind


@pytest.mark.parametrize("where", ["missing folder", "under a file"])
def test_import_with_an_unwritable_rejects_path_imports_nothing(
    dbfile: Path, tmp_path: Path, afile: Path, capsys, where: str
) -> None:
    path = write_xlsx(tmp_path / "messy.xlsx", messy_rows())
    out = (tmp_path / "nowhere" if where == "missing folder" else afile) / "rejects.xlsx"
    before = db_fingerprint(dbfile)
    assert cli(dbfile, "import", str(path), "--rejects", str(out)) == 2
    sentence = one_sentence(capsys.readouterr().err)
    assert str(out) in sentence and "Nothing was imported." in sentence
    assert db_fingerprint(dbfile) == before  # no import, no batch
    # With --json the refusal is still one object on stdout.
    assert cli(dbfile, "import", str(path), "--rejects", str(out), "--json") == 2
    refused = json.loads(capsys.readouterr().out)
    assert refused == {"file": str(path), "refused": sentence.removeprefix("cipdesk import: ")}
    assert not out.exists()


def test_rejects_cannot_overwrite_the_file_being_imported(dbfile: Path, tmp_path: Path, capsys) -> None:
    path = write_xlsx(tmp_path / "messy.xlsx", messy_rows())
    assert cli(dbfile, "import", str(path), "--rejects", str(path)) == 2
    assert "is the file being read" in one_sentence(capsys.readouterr().err)


def test_export_roster_to_an_unwritable_path_writes_nothing(
    dbfile: Path, tmp_path: Path, afile: Path, capsys
) -> None:
    for out in (tmp_path / "nowhere" / "roster.xlsx", afile / "roster.xlsx"):
        assert cli(dbfile, "export", "roster", str(out)) == 2
        sentence = one_sentence(capsys.readouterr().err)
        assert sentence.startswith("cipdesk export: Cannot write ") and str(out) in sentence
    assert cli(dbfile, "export", "roster", str(tmp_path)) == 2
    assert "is a folder; give a file name" in one_sentence(capsys.readouterr().err)


def test_return_checks_both_files_before_writing_either(
    dbfile: Path, tmp_path: Path, afile: Path, capsys
) -> None:
    pdf, xlsx = tmp_path / "return.pdf", afile / "return.xlsx"
    assert cli(dbfile, "return", "2026-05", "--pdf", str(pdf), "--xlsx", str(xlsx)) == 2
    sentence = one_sentence(capsys.readouterr().err)
    assert str(xlsx) in sentence and "is a file, not a folder" in sentence
    assert not pdf.exists()  # the good one was not written either
    assert cli(dbfile, "return", "2026-05", "--pdf", str(tmp_path / "no" / "r.pdf")) == 2
    assert "does not exist" in one_sentence(capsys.readouterr().err)


def test_backup_to_an_unwritable_path_is_refused(dbfile: Path, tmp_path: Path, afile: Path, capsys) -> None:
    out = afile / "copy.sqlite"
    assert cli(dbfile, "backup", str(out)) == 2
    sentence = one_sentence(capsys.readouterr().err)
    assert sentence.startswith("cipdesk backup: Cannot write") and "Nothing was backed up." in sentence
    assert cli(dbfile, "backup", str(tmp_path / "missing" / "copy.sqlite")) == 2
    assert "does not exist" in one_sentence(capsys.readouterr().err)


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder no one may create a file in: /proc on Linux (root too), else one made read-only."""
    if sys.platform.startswith("linux"):
        return Path("/proc")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


def test_a_read_only_folder_is_refused_before_any_work(dbfile: Path, tmp_path: Path, capsys) -> None:
    folder = _read_only_folder(tmp_path)
    path = write_xlsx(tmp_path / "messy.xlsx", messy_rows())
    before = db_fingerprint(dbfile)
    assert cli(dbfile, "import", str(path), "--rejects", str(folder / "rejects.xlsx")) == 2
    sentence = one_sentence(capsys.readouterr().err)
    assert f"may not write to the folder {folder}" in sentence
    assert db_fingerprint(dbfile) == before
    assert cli(dbfile, "export", "roster", str(folder / "roster.xlsx")) == 2
    assert "may not write to the folder" in one_sentence(capsys.readouterr().err)
