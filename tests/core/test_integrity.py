"""Integrity: the quick check on start, the full check on demand, and what a damaged file leads to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.core import backup, integrity, roster, settings


def _fill(db, n: int = 40) -> None:
    for i in range(n):
        roster.create_officer(db, {"collar": str(1000 + i), "surname": "Surname" * 8, "notes": "x" * 200})


def _corrupt(path: Path, page: int = 20) -> None:
    """Overwrite one whole page in the middle of the file with garbage."""
    with path.open("r+b") as fh:
        fh.seek(4096 * page)
        fh.write(b"\xa5" * 4096)


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path, monkeypatch):
    """Default backups and logs go under the test's own folder, never the real user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def folder(db, tmp_path) -> Path:
    path = tmp_path / "backups-here"
    settings.set_value(db, "backup_folder", str(path))
    return path


def test_sound_database_passes_both_checks(db):
    _fill(db, 5)
    assert integrity.quick_check(db).ok
    result = integrity.integrity_check(db)
    assert result.ok and result.checked == "full"
    assert "passed" in result.message()


def test_damaged_copy_fails_with_a_plain_message(db, db_path, tmp_path):
    _fill(db)
    db.dispose()
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(db_path, copy)
    _corrupt(copy)
    for full in (False, True):
        result = integrity.check_file(copy, full=full)
        assert not result.ok
        assert result.problems and not any(p.startswith("***") for p in result.problems)
        message = result.message()
        assert message.startswith("copy.sqlite is damaged") and "Restore the latest good backup" in message
    assert integrity.check_file(db_path).ok  # the original is untouched


def test_not_a_database_fails(tmp_path):
    path = tmp_path / "roster.sqlite"
    path.write_text("Collar,Surname\n")
    result = integrity.check_file(path)
    assert not result.ok and "not a SQLite database" in result.message()


@pytest.mark.sqlite_only
def test_latest_good_backup_skips_damaged_ones(db, folder):
    _fill(db)
    good = backup.backup_before(db, "daily")
    bad = backup.backup_before(db, "import")
    assert good and bad
    _corrupt(bad)
    found = backup.latest_good_backup(folder, "cipdesk")
    assert found is not None and found.path == good


def test_start_up_offers_the_latest_good_backup(db, db_path, qapp, monkeypatch):
    """A damaged file at start: the window offers the latest good backup and restores it."""
    from desktop import app
    from desktop.ui import dialogs
    from desktop.ui.safety import backup as backup_ui

    _fill(db)
    good = backup.backup_before(db, "daily")
    roster.create_officer(db, {"collar": "LATE", "surname": "Afterbackup"})
    db.dispose()
    _corrupt(db_path)
    offered: list[str] = []
    monkeypatch.setattr(backup_ui, "ask_restore_damaged", lambda _p, msg, info: offered.append(msg) or True)
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda _p, _t, text: told.append(text))
    opened = app.open_for_window(f"sqlite:///{db_path}")
    try:
        assert offered and "damaged" in offered[0]
        assert "Restored the backup" in told[0] and "damaged file was kept" in told[0]
        assert integrity.quick_check(opened.db).ok
        collars = [r.collar for r in roster.list_officers(opened.db)]
        assert len(collars) == 40 and "LATE" not in collars
        assert good is not None
    finally:
        opened.lock.release()
        opened.db.dispose()


def test_start_up_damaged_without_backup_says_so(db, db_path, qapp, monkeypatch):
    from desktop import app
    from desktop.ui import dialogs

    _fill(db)
    db.dispose()
    _corrupt(db_path)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda _p, _t, text, details=None: errors.append(text))
    assert app.open_for_window(f"sqlite:///{db_path}") is None
    assert "damaged" in errors[0] and "No good backup was found" in errors[0]


@pytest.mark.sqlite_only
def test_check_database_menu(ctx, db, qtbot, monkeypatch):
    from desktop.ui import dialogs
    from desktop.ui.safety import backup as backup_ui

    shown: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda _p, _t, text: shown.append(text))
    backup_ui.check_integrity(None, ctx)
    qtbot.waitUntil(lambda: bool(shown))
    assert "passed SQLite's full integrity check" in shown[0]


@pytest.mark.sqlite_only
def test_check_database_menu_on_damage_offers_restore(ctx, db, folder, qtbot, monkeypatch):
    from desktop.ui import dialogs
    from desktop.ui.safety import backup as backup_ui

    _fill(db)
    backup.backup_before(db, "daily")
    monkeypatch.setattr(
        backup_ui.integrity,
        "integrity_check",
        lambda _db: integrity.CheckResult(False, ["Page 21: btreeInitPage() returns error code 11"], "full"),
    )
    offered: list[str] = []
    monkeypatch.setattr(backup_ui, "ask_restore_damaged", lambda _p, msg, info: offered.append(msg) or False)
    backup_ui.check_integrity(None, ctx)
    qtbot.waitUntil(lambda: bool(offered))
    assert "btreeInitPage" in offered[0]
    assert dialogs  # no other dialog was reached
