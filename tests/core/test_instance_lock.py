"""One writer per SQLite file: a second copy (another process) is told who holds the database."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop.core import instance_lock, roster
from desktop.core.audit import current_machine, current_user
from desktop.core.errors import CipDeskError

HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from desktop.core.instance_lock import InstanceLock
    lock = InstanceLock(Path(sys.argv[1]))
    lock.acquire()
    print("held", flush=True)
    sys.stdin.read()  # hold until the test closes our stdin (or kills us)
    lock.release()
    """
)


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path, monkeypatch):
    """Default backups and logs go under the test's own folder, never the real user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def holder(db_path: Path, db):
    """Another process holding the database's lock."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_second_process_is_told_who_holds_it(db_path, holder):
    with pytest.raises(instance_lock.DatabaseInUse) as err:
        instance_lock.InstanceLock(db_path).acquire()
    who = err.value.holder
    assert who is not None
    assert (who.user, who.machine, who.pid) == (current_user(), current_machine(), holder.pid)
    assert who.since is not None
    text = str(err.value)
    assert f"by {current_user()} on {current_machine()} since" in text and "one copy" in text


def test_lock_is_free_again_when_the_holder_ends_or_crashes(db_path, holder):
    holder.kill()  # a crash: no release, the lock file stays behind
    holder.wait()
    assert instance_lock.lock_path(db_path).exists()
    with instance_lock.InstanceLock(db_path) as lock:
        assert lock.held
        assert instance_lock.read_holder(db_path).pid == os.getpid()


def test_holder_in_this_process_refuses_a_command_line_restore(db, db_path, tmp_path):
    from desktop.core import backup

    saved = backup.backup_to(db, tmp_path / "saved.sqlite")
    with instance_lock.InstanceLock(db_path):
        result = subprocess.run(
            [sys.executable, "-m", "desktop", "--db", str(db_path), "restore", str(saved)],
            capture_output=True,
            text=True,
            env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")},
        )
    assert result.returncode == 2
    assert f"already open in CiP Desk by {current_user()}" in result.stderr
    assert "nothing was changed" in result.stderr


def test_window_opens_read_only_when_held(db, db_path, holder, qapp, monkeypatch):
    from desktop import app
    from desktop.ui.safety import backup as backup_ui

    roster.create_officer(db, {"collar": "1", "surname": "Smith"})
    asked = []
    monkeypatch.setattr(backup_ui, "ask_open_read_only", lambda _p, exc: asked.append(exc) or True)
    opened = app.open_for_window(f"sqlite:///{db_path}")
    assert opened is not None and asked
    try:
        assert opened.lock is None and opened.read_only_because.startswith(current_user())
        assert [r.collar for r in roster.list_officers(opened.db)] == ["1"]
        with pytest.raises(CipDeskError, match="read-only"):
            roster.create_officer(opened.db, {"collar": "2", "surname": "Jones"})
        window = app.build_window(opened)
        assert window.windowTitle().endswith("(read-only)")
        window.close()
    finally:
        opened.db.dispose()


def test_window_not_opened_when_user_declines(db, db_path, holder, qapp, monkeypatch):
    from desktop import app
    from desktop.ui.safety import backup as backup_ui

    monkeypatch.setattr(backup_ui, "ask_open_read_only", lambda _p, exc: False)
    assert app.open_for_window(f"sqlite:///{db_path}") is None


def test_window_takes_the_lock_and_makes_the_daily_backup(db, db_path, tmp_path, qapp):
    from desktop import app
    from desktop.core import backup, settings

    settings.set_value(db, "backup_folder", str(tmp_path / "b"))
    opened = app.open_for_window(f"sqlite:///{db_path}")
    try:
        assert opened.lock is not None and opened.lock.held
        assert [b.why for b in backup.list_backups(tmp_path / "b", "cipdesk")] == ["daily"]
        with pytest.raises(instance_lock.DatabaseInUse):
            instance_lock.InstanceLock(db_path).acquire()
    finally:
        opened.lock.release()
        opened.db.dispose()
    instance_lock.check_free(db_path)


def test_lock_dialog_text(qapp, db_path):
    import datetime as dt

    from desktop.ui.safety import backup as backup_ui

    exc = instance_lock.DatabaseInUse(
        db_path,
        instance_lock.Holder("jbloggs", "HQ-LT-0412", 12, dt.datetime.now().replace(hour=9, minute=14)),
    )
    dialog = backup_ui.in_use_dialog(None, exc)
    from PySide6.QtWidgets import QLabel

    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "<b>jbloggs</b> on the computer <b>HQ-LT-0412</b> (since 09:14 today)" in text
    assert dialog.yes_button.text() == "Open read-only" and dialog.no_button.text() == "Close"
    assert dialog.windowTitle() == "CiP Desk is already open"
