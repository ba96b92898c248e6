"""Backups: online copies while writing, daily backups, retention, restore and refused restores."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from desktop import cli
from desktop.core import backup, integrity, roster, settings
from desktop.core.errors import NewerDatabaseError
from desktop.core.paths import db_url
from desktop.core.startup import open_database


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path, monkeypatch):
    """Default backups and logs go under the test's own folder, never the real user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def folder(db, tmp_path) -> Path:
    path = tmp_path / "share" / "backups"
    settings.set_value(db, "backup_folder", str(path))
    return path


def _officers(db, n: int, start: int = 1) -> list[int]:
    return [roster.create_officer(db, {"collar": str(start + i), "surname": f"Officer{i}"}) for i in range(n)]


def _collars(database) -> list[str]:
    return [r.collar for r in roster.list_officers(database)]


def test_backup_while_another_connection_writes(db, db_path, tmp_path):
    _officers(db, 3)
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        conn = sqlite3.connect(str(db_path), timeout=10)
        try:
            while not stop.is_set():
                with conn:
                    conn.execute(
                        "INSERT INTO duties (officer_id, date, hours, duty_type, is_monthly_total, source, version,"
                        " created_at) VALUES (1, '2025-01-01', 4.0, 'patrol', 0, 'manual', 1, '2025-01-01')"
                    )
                written[0] += 1
        finally:
            conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 20:  # the writer is under way
            pass
        copies = [backup.backup_to(db, tmp_path / f"copy{i}.sqlite") for i in range(4)]
    finally:
        stop.set()
        thread.join()
    assert written[0] > 20
    counts = []
    for copy in copies:
        assert integrity.check_file(copy, full=True).ok
        info = backup.inspect_backup(copy)
        assert info.officers == 3
        conn = sqlite3.connect(str(copy))
        counts.append(conn.execute("SELECT count(*) FROM duties").fetchone()[0])
        conn.close()
    assert counts == sorted(counts) and counts[-1] <= written[0]


@pytest.mark.sqlite_only
def test_backup_before_goes_to_the_configured_folder_private(db, folder):
    _officers(db, 2)
    path = backup.backup_before(db, "import")
    assert path is not None and path.parent == folder
    assert path.name.startswith("cipdesk-before-import-")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert backup.inspect_backup(path).officers == 2
    assert not list(folder.glob(".partial-*"))


def test_database_is_private(db_path, db):
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_log_file_is_private(tmp_path, monkeypatch):
    import logging

    from desktop.core import logs

    monkeypatch.setattr(logs, "_configured", False)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = logs.setup(tmp_path)
        assert path is not None
        logging.getLogger("cipdesk.test").warning("collar 4521 saved")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()


@pytest.mark.sqlite_only
def test_daily_backup_once_a_day(db, folder):
    today = dt.date.today()
    first = backup.daily_backup(db, today)
    assert first is not None and "-daily-" in first.name
    assert backup.daily_backup(db, today) is None
    assert backup.daily_backup(db, today + dt.timedelta(days=1)) is not None
    assert [b.why for b in backup.backups_of(db)] == ["daily", "daily"]


def _fake(folder: Path, stem: str, when: dt.datetime, why: str = "daily") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}-{why}-{when:%Y%m%d-%H%M%S-%f}.sqlite"
    path.write_bytes(b"")
    return path


def test_retention_keeps_last_30_and_month_ends_for_a_year(tmp_path):
    folder = tmp_path / "b"
    now = dt.datetime(2026, 6, 15, 12, 0)
    made = [_fake(folder, "cipdesk", now - dt.timedelta(days=d, hours=1)) for d in range(0, 800)]
    other = _fake(folder, "otherdb", now - dt.timedelta(days=700))
    mine = folder / "my own copy.sqlite"
    mine.write_bytes(b"")
    backup.prune(folder, "cipdesk", now)
    kept = sorted(b.taken for b in backup.list_backups(folder, "cipdesk"))
    newest_30 = sorted(now - dt.timedelta(days=d, hours=1) for d in range(30))
    assert set(newest_30) <= set(kept)
    month_ends = [t for t in kept if t not in newest_30]
    # 12 months back from June 2026 are July 2025 .. June 2026; the last backup of each of those months
    # older than the newest 30 is kept: 31 July 2025 .. 30 April 2026 (May/June are in the newest 30).
    assert [(t.year, t.month, t.day) for t in month_ends] == [
        (2025, 7, 31),
        (2025, 8, 31),
        (2025, 9, 30),
        (2025, 10, 31),
        (2025, 11, 30),
        (2025, 12, 31),
        (2026, 1, 31),
        (2026, 2, 28),
        (2026, 3, 31),
        (2026, 4, 30),
    ]
    assert len(made) == 800 and other.exists() and mine.exists()


def test_restore_round_trip(db, db_path, folder, tmp_path):
    _officers(db, 3)
    saved = backup.backup_to(db, tmp_path / "saved.sqlite")
    _officers(db, 2, start=100)
    roster.update_officer(db, roster.find_by_collar(db, "1"), {"surname": "Changed"})
    assert len(_collars(db)) == 5
    result = backup.restore(db, saved)
    assert sorted(_collars(db)) == ["1", "2", "3"]
    assert roster.get_officer(db, roster.find_by_collar(db, "1"))["surname"] == "Officer0"
    assert result.info.officers == 3
    assert "3 officers" in result.describe()
    # the database as it was is kept, and can itself be restored
    assert result.safety_backup is not None and result.safety_backup.parent == folder
    backup.restore(db, result.safety_backup)
    assert len(_collars(db)) == 5
    # the same engine keeps working; a fresh open sees the same
    db2 = open_database(db_url(str(db_path)))
    assert len(_collars(db2)) == 5
    db2.dispose()


def test_restore_command_line(db, db_path, folder, tmp_path, capsys):
    _officers(db, 4)
    out = tmp_path / "out.sqlite"
    assert cli.main(["--db", str(db_path), "backup", str(out)]) == 0
    assert "4 officers" in capsys.readouterr().out
    _officers(db, 1, start=50)
    db.dispose()
    assert cli.main(["--db", str(db_path), "restore", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Restored" in text and "4 officers" in text and "no duties" in text
    assert len(_collars(db)) == 4


def _refused(db_path: Path, src: Path, capsys) -> str:
    before = db_path.read_bytes()
    assert cli.main(["--db", str(db_path), "restore", str(src)]) == 2
    assert db_path.read_bytes() == before
    return capsys.readouterr().err


def test_refused_restores(db, db_path, tmp_path, capsys):
    _officers(db, 2)
    db.dispose()
    text = tmp_path / "notes.sqlite"
    text.write_text("collar,surname\n1,Smith\n")
    assert "not a SQLite file" in _refused(db_path, text, capsys)

    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(str(other))
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    assert "not a CiP Desk database" in _refused(db_path, other, capsys)

    newer = backup.backup_to(db, tmp_path / "newer.sqlite")
    conn = sqlite3.connect(str(newer))
    conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    conn.commit()
    conn.close()
    assert "newer version of CiP Desk" in _refused(db_path, newer, capsys)
    with pytest.raises(NewerDatabaseError):
        backup.inspect_backup(newer)

    corrupt = backup.backup_to(db, tmp_path / "corrupt.sqlite")
    with corrupt.open("r+b") as fh:
        fh.seek(4096 * 20)
        fh.write(b"\xa5" * 4096)
    assert "damaged" in _refused(db_path, corrupt, capsys)

    assert "does not exist" in _refused(db_path, tmp_path / "missing.sqlite", capsys)
    assert sorted(_collars(db)) == ["1", "2"]


def test_backup_command_refuses_a_damaged_database(db, db_path, tmp_path, capsys):
    _officers(db, 30)
    db.dispose()
    with db_path.open("r+b") as fh:
        fh.seek(4096 * 20)
        fh.write(b"\xa5" * 4096)
    assert cli.main(["--db", str(db_path), "backup", str(tmp_path / "x.sqlite")]) == 2
    assert "damaged" in capsys.readouterr().err


def test_restore_an_older_version_upgrades_it(db, db_path, tmp_path):
    """A backup made before a migration restores and is brought up to this version."""
    from desktop.core import migrate

    _officers(db, 1)
    old = backup.backup_to(db, tmp_path / "old.sqlite")
    info = backup.inspect_backup(old)
    assert info.revision == migrate.head() and not info.needs_upgrade
    backup.restore(db, old)
    assert migrate.state(db.engine).current == migrate.head()


@pytest.mark.sqlite_only
def test_restore_ui(ctx, db, folder, qtbot, monkeypatch):
    from desktop.ui import dialogs
    from desktop.ui.safety import backup as backup_ui
    from desktop.ui.tasks import wait_for_all

    _officers(db, 2)
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda _p, _t, text: shown.append(text))
    backup_ui.backup_now(None, ctx)
    qtbot.waitUntil(lambda: bool(shown))
    assert "backed up to" in shown[0] and str(folder) in shown[0]
    _officers(db, 3, start=10)

    dialog = backup_ui.RestoreDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 1 and "2 officers" in dialog.details.text()
    chosen = backup.backups_of(db)[0].path
    monkeypatch.setattr(backup_ui, "choose_backup", lambda _p, _c: chosen)
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text, **_k: asked.append(text) or True)
    notified: list[str] = []
    ctx.changed.connect(notified.append)
    backup_ui.restore_backup(None, ctx)
    qtbot.waitUntil(lambda: len(shown) == 2)
    wait_for_all()
    assert "2 officers" in asked[0]
    assert "Restored the backup" in shown[1] and "kept in" in shown[1]
    assert notified == ["all"] and len(_collars(db)) == 2


def test_restore_dialog_empty_state(ctx, folder, qtbot):
    from desktop.ui.safety import backup as backup_ui

    dialog = backup_ui.RestoreDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0 and not dialog.restore_button.isEnabled()
    assert "no automatic backups" in dialog.empty.text()


@pytest.mark.sqlite_only
def test_backup_folder_that_cannot_be_made_says_so(db, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    settings.set_value(db, "backup_folder", str(blocker / "sub"))
    with pytest.raises(Exception) as err:
        backup.backup_before(db, "import")
    assert "backup folder" in str(err.value) and "Settings" in str(err.value)


@pytest.mark.sqlite_only
def test_no_partial_files_left_when_backup_fails(db, folder, monkeypatch):
    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "sqlite_backup", boom)
    with pytest.raises(OSError):
        backup.backup_before(db, "import")
    assert not [p for p in os.listdir(folder)]
