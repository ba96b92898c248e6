"""A restore checks the whole backup on a staged copy before it replaces anything.

A file it cannot use (another program's database that happens to have tables of the same names, a
CiP Desk file missing a table, one that fails its migration) is refused in one sentence, the live
database stays as it was byte for byte, and nothing is left behind.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import cli
from desktop.core import backup, migrate, roster, settings
from desktop.core.paths import db_url
from desktop.core.startup import open_database


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def folder(db, tmp_path) -> Path:
    path = tmp_path / "backups"
    settings.set_value(db, "backup_folder", str(path))
    return path


def _officers(db, n: int, start: int = 100) -> None:
    for i in range(n):
        roster.create_officer(db, {"collar": str(start + i), "surname": f"Officer{i}"})


def _bytes(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def foreign_file(path: Path) -> Path:
    """Another program's SQLite file that happens to have tables named alembic_version (at
    revision '0001') and officers."""
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    conn.execute("CREATE TABLE officers (id INTEGER PRIMARY KEY, badge TEXT, name TEXT)")
    conn.executemany("INSERT INTO officers (badge, name) VALUES (?, ?)", [("A1", "Kirk"), ("B2", "Spock")])
    conn.commit()
    conn.close()
    return path


def without_duties(db, path: Path) -> Path:
    """A real CiP Desk backup with its duties table dropped."""
    backup.backup_to(db, path)
    conn = sqlite3.connect(str(path))
    conn.execute("DROP TABLE duties")
    conn.commit()
    conn.close()
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".restore-", ".partial-")))


@pytest.mark.sqlite_only
@pytest.mark.parametrize("kind", ["foreign", "no duties"])
def test_command_line_restore_of_a_file_it_cannot_use_changes_nothing(
    db, db_path, folder, tmp_path, kind, capsys
):
    _officers(db, 3)
    src = (
        foreign_file(tmp_path / "other.sqlite")
        if kind == "foreign"
        else without_duties(db, tmp_path / "old.sqlite")
    )
    db.dispose()
    before = _bytes(db_path)
    assert cli.main(["--db", str(db_path), "restore", str(src)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(
        f"cipdesk restore: {src.name} cannot be restored: it is not a complete CiP Desk database"
    )
    assert err.endswith("Nothing was changed: the database is as it was.") and "\n" not in err
    assert ("it has no table duties" if kind == "no duties" else "tables CiP Desk keeps, such as") in err
    assert _bytes(db_path) == before
    assert _leftovers(db_path.parent) == []
    assert not folder.exists() or _leftovers(folder) == []
    # every command still works on the database
    assert cli.main(["--db", str(db_path), "export", "roster", str(tmp_path / "r.xlsx")]) == 0
    assert len(roster.list_officers(db)) == 3


def test_restore_from_the_window_refuses_a_foreign_file_before_anything_is_replaced(db, tmp_path):
    _officers(db, 2)
    src = foreign_file(tmp_path / "other.sqlite")
    with pytest.raises(backup.RestoreError, match="not a complete CiP Desk database") as info:
        backup.restore(db, src)
    assert "Nothing was changed" in str(info.value)
    assert sorted(r.collar for r in roster.list_officers(db)) == ["100", "101"]


@pytest.mark.sqlite_only
def test_window_restore_dialog_says_why_in_plain_words(ctx, db, tmp_path, monkeypatch):
    from desktop.ui import dialogs
    from desktop.ui.safety import backup as backup_ui

    shown: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda _p, _t, text, **_k: shown.append(text))
    backup_ui.restore_backup(None, ctx, path=without_duties(db, tmp_path / "cut.sqlite"))
    assert shown and "cut.sqlite cannot be restored" in shown[0] and "duties" in shown[0]


@pytest.mark.sqlite_only
def test_a_backup_that_fails_its_migration_leaves_the_database_as_it_was(
    db, db_path, folder, tmp_path, monkeypatch
):
    _officers(db, 2)
    src = backup.backup_to(db, tmp_path / "saved.sqlite")
    conn = sqlite3.connect(str(src))
    conn.execute("UPDATE alembic_version SET version_num = '0001'")  # claims to be older than it is
    conn.commit()
    conn.close()
    db.dispose()
    before = _bytes(db_path)
    with pytest.raises(backup.RestoreError) as info:
        backup.restore(db, src)
    text = str(info.value)
    assert "saved.sqlite cannot be restored" in text and "Nothing was changed" in text
    db.dispose()
    assert _bytes(db_path) == before
    assert _leftovers(db_path.parent) == []


@pytest.mark.sqlite_only
def test_a_swap_that_fails_says_so_and_where_the_copy_of_the_database_is(
    db, db_path, folder, tmp_path, monkeypatch
):
    _officers(db, 2)
    src = backup.backup_to(db, tmp_path / "saved.sqlite")
    _officers(db, 1, start=500)

    def busy(staged, live):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(backup, "_backup_into", busy)
    db.dispose()
    before = _bytes(db_path)
    with pytest.raises(backup.RestoreError) as info:
        backup.restore(db, src)
    text = str(info.value)
    assert text.startswith("Restoring saved.sqlite failed (the database is busy")
    assert "Nothing was changed: the database is as it was." in text
    kept = text.split("is kept in ")[1].rstrip(".")
    assert Path(kept).parent == folder and backup.inspect_backup(Path(kept)).officers == 3
    db.dispose()
    assert _bytes(db_path) == before
    assert len(roster.list_officers(db)) == 3


@pytest.mark.sqlite_only
def test_the_latest_good_backup_offered_at_start_is_a_complete_one(db, folder):
    _officers(db, 2)
    good = backup.backup_before(db, "daily")
    newer = backup.backup_before(db, "import")
    assert good and newer
    conn = sqlite3.connect(str(newer))
    conn.execute("DROP TABLE duties")
    conn.commit()
    conn.close()
    found = backup.latest_good_backup(folder, "cipdesk")
    assert found is not None and found.path == good


def test_postgresql_restore_checks_the_file_before_replacing_any_row(pg_db, tmp_path):
    roster.create_officer(pg_db, {"collar": "1", "surname": "Kept"})
    for src in (foreign_file(tmp_path / "other.sqlite"), without_duties(pg_db, tmp_path / "cut.sqlite")):
        with pytest.raises(backup.RestoreError, match="not a complete CiP Desk database"):
            backup.restore(pg_db, src)
    assert [r.collar for r in roster.list_officers(pg_db)] == ["1"]


def test_the_expected_tables_come_from_the_migrations():
    first = backup.expected_shape("0001")
    head = backup.expected_shape(migrate.head())
    assert {"officers", "duties", "alembic_version"} <= set(head.columns)
    assert "collar" in head.columns["officers"] and ("collar",) in head.unique["officers"]
    assert set(first.columns) <= set(head.columns)


def test_a_journal_file_is_never_taken_for_a_backup(db_path, tmp_path):
    with pytest.raises(backup.RestoreError, match="journal file"):
        backup.inspect_backup(tmp_path / "cipdesk.sqlite-wal")


# ---------------------------------------------------------------------------------------------
# Leftovers
# ---------------------------------------------------------------------------------------------

KILLED_RESTORE = r"""
import os, sys
from pathlib import Path
from desktop.core import backup
backup.prepare_restore(Path(sys.argv[1]), Path(sys.argv[2]))  # staged, checked ... and then killed
os._exit(9)
"""


@pytest.mark.sqlite_only
def test_a_killed_restores_copy_and_a_failed_backups_file_are_removed_at_the_next_start(
    db, db_path, folder, tmp_path
):
    _officers(db, 2)
    src = backup.backup_to(db, tmp_path / "saved.sqlite")
    db.dispose()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_RESTORE, str(src), str(db_path.parent)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert killed.returncode == 9, killed.stderr
    staged = [p for p in db_path.parent.iterdir() if p.name.startswith(".restore-")]
    assert len(staged) == 1 and backup.inspect_backup(staged[0]).officers == 2  # a full copy of the data
    folder.mkdir(parents=True, exist_ok=True)
    dead = staged[0].name.split("-")[2]
    partial = folder / f".partial-{backup._machine_tag()}-{dead}-abc123.sqlite"
    partial.write_bytes(b"half a backup")
    (folder / (partial.name + "-journal")).write_bytes(b"x")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        in_progress = folder / f".partial-{backup._machine_tag()}-{sleeper.pid}-def456.sqlite"
        in_progress.write_bytes(b"being written")
        unowned = db_path.parent / ".restore-zz9plural.sqlite"
        unowned.write_bytes(b"fresh, owner unknown")
        again = open_database(db_url(str(db_path)))
        again.dispose()
        assert _leftovers(db_path.parent) == [unowned.name]
        assert _leftovers(folder) == [in_progress.name]
    finally:
        sleeper.kill()
        sleeper.wait()


def test_old_leftovers_of_unknown_owners_are_removed(tmp_path):
    import datetime as dt
    import os

    old = tmp_path / ".restore-abcdefgh.sqlite"
    old.write_bytes(b"x")
    hour_ago = (dt.datetime.now() - dt.timedelta(hours=2)).timestamp()
    os.utime(old, (hour_ago, hour_ago))
    other_machine = tmp_path / ".partial-00000000-1-xyz.sqlite"
    other_machine.write_bytes(b"x")
    assert backup.remove_leftovers([tmp_path]) == [old]


@pytest.mark.sqlite_only
def test_a_backup_made_by_an_older_version_restores_and_is_brought_up_to_date(db, folder, tmp_path):
    from desktop.core.db import make_engine

    old = tmp_path / "made-by-0001.sqlite"
    engine = make_engine(db_url(str(old)))
    migrate.upgrade(engine, "0001")
    engine.dispose()
    conn = sqlite3.connect(str(old))
    conn.execute(
        "INSERT INTO officers (collar, surname, rank, status, esp, anonymised, created_at, updated_at, version) "
        "VALUES ('7', 'Old', 'SC', 'active', 0, 0, '2024-01-01 00:00:00.000000', '2024-01-01 00:00:00.000000', 1)"
    )
    conn.commit()
    conn.close()
    result = backup.restore(db, old)
    assert result.info.revision == "0001" and result.info.needs_upgrade
    assert migrate.state(db.engine).current == migrate.head()
    assert [r.collar for r in roster.list_officers(db)] == ["7"]


@pytest.mark.sqlite_only
def test_a_backup_holding_values_this_version_cannot_read_is_refused(db, db_path, folder, tmp_path):
    _officers(db, 1)
    src = backup.backup_to(db, tmp_path / "odd.sqlite")
    conn = sqlite3.connect(str(src))
    conn.execute("UPDATE officers SET created_at = 'last Tuesday'")
    conn.commit()
    conn.close()
    db.dispose()
    before = _bytes(db_path)
    with pytest.raises(backup.RestoreError, match="odd.sqlite cannot be restored"):
        backup.restore(db, src)
    db.dispose()
    assert _bytes(db_path) == before
