"""Nothing saved is ever lost: the window's writes survive file dialogs, other CiP Desk processes,
a quit, a logout (SIGTERM) and a hard stop (kill -9).

Most tests run the real window in a process of its own (tests/window_process.py), because what is
being proved is about processes: SQLite's locks belong to a process, and a second process that
believes it is the database's last user checkpoints and deletes the WAL. The test process itself
never holds the database open while it reads the files' bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import selectors
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from desktop.core import instance_lock, roster
from desktop.core.paths import db_url
from desktop.core.startup import open_database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes and signals")

WINDOW = Path(__file__).resolve().parents[1] / "window_process.py"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Every process of a test keeps its data, logs, settings and documents under tmp_path."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DOCUMENTS_DIR": str(home / "Documents"),
        "PYTHONPATH": str(ROOT),
    }


@pytest.fixture
def force(tmp_path: Path) -> Path:
    """A database with three officers, closed again (nobody holds it)."""
    path = tmp_path / "force" / "cipdesk.sqlite"
    path.parent.mkdir()
    db = open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    from desktop.core import settings

    settings.set_value(db, "backup_folder", str(tmp_path / "backups"))
    for collar, surname in (("101", "Adams"), ("102", "Baker"), ("103", "Clarke")):
        roster.create_officer(db, {"collar": collar, "surname": surname, "joined": dt.date(2020, 1, 6)})
    db.close()
    return path


class WindowProcess:
    """The real window in its own process, driven by lines on its stdin."""

    def __init__(self, db_path: Path, env: dict[str, str], *, wrap: list[str] | None = None):
        self.proc = subprocess.Popen(
            [*(wrap or []), sys.executable, str(WINDOW), str(db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self._sel = selectors.DefaultSelector()
        assert self.proc.stdout is not None
        self._sel.register(self.proc.stdout, selectors.EVENT_READ)
        ready = self.reply(timeout=60)
        assert ready.startswith("ready"), ready + self._stderr()

    def _stderr(self) -> str:
        if self.proc.poll() is None:
            return ""
        assert self.proc.stderr is not None
        return "\n" + self.proc.stderr.read()

    def reply(self, timeout: float = 30) -> str:
        assert self.proc.stdout is not None
        if not self._sel.select(timeout):
            raise AssertionError(f"the window did not answer within {timeout} s")
        line = self.proc.stdout.readline().strip()
        if not line:
            raise AssertionError("the window ended" + self._stderr())
        return line

    def send(self, line: str, timeout: float = 30) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.reply(timeout)
        assert answer.startswith("ok"), f"{line}: {answer}"
        return answer

    def wait(self, timeout: float = 20) -> int:
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


@pytest.fixture
def windows():
    started: list[WindowProcess] = []
    yield started
    for window in started:
        window.stop()


def cipdesk(db_path: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def read_fresh(db_path: Path, sql: str) -> list[tuple]:
    """What a brand-new process reading the file sees (read-only, through any WAL)."""
    code = textwrap.dedent(
        f"""
        import json, sqlite3, sys
        conn = sqlite3.connect("file:{db_path.as_posix()}?mode=ro", uri=True)
        print(json.dumps(conn.execute(sys.argv[1]).fetchall()))
        """
    )
    out = subprocess.run([sys.executable, "-c", code, sql], capture_output=True, text=True, check=True)
    return [tuple(r) for r in json.loads(out.stdout)]


def main_file_alone(db_path: Path, tmp_path: Path, sql: str) -> list[tuple]:
    """What a copy of just the .sqlite file holds (a stick, an e-mail to IT)."""
    copy = tmp_path / "copied-alone" / db_path.name
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(db_path, copy)
    return read_fresh(copy, sql)


def wal_bytes(db_path: Path) -> int:
    wal = db_path.with_name(db_path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def phone_of(db_path: Path, collar: str) -> str | None:
    rows = read_fresh(db_path, f"SELECT phone FROM officers WHERE collar = '{collar}'")
    return rows[0][0] if rows else None


def files_bytes(db_path: Path) -> dict[str, bytes]:
    return {
        suffix: Path(str(db_path) + suffix).read_bytes()
        for suffix in ("", "-wal")
        if Path(str(db_path) + suffix).exists()
    }


def month_now() -> str:
    import datetime as dt

    return f"{dt.date.today():%Y-%m}"


# ---------------------------------------------------------------------------------------------
# The reproduction: stray descriptors in the writer, a command-line reader, a hard exit
# ---------------------------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import os, subprocess, sys
    from pathlib import Path
    from desktop.core import roster
    from desktop.core.startup import open_database
    from desktop.core.instance_lock import InstanceLock
    from desktop.core.paths import db_url
    path = sys.argv[1]
    lock = InstanceLock(Path(path))
    lock.acquire()                                   # as the window does
    db = open_database(db_url(path), backup_dir=Path(path).parent / "backups")
    for i in range(3):
        roster.create_officer(db, {"collar": f"W{i}", "surname": "Writer"})
    for suffix in ("", "-wal", "-shm"):                # other code in this process opens and closes them
        with open(path + suffix, "rb") as fh:
            fh.read(16)
    reader = subprocess.run([sys.executable, "-m", "desktop", "--db", path, "return", sys.argv[2], "--json"],
                            capture_output=True, text=True)
    print("reader", reader.returncode, os.path.exists(path + "-wal"), flush=True)
    for i in range(3, 10):
        roster.create_officer(db, {"collar": f"W{i}", "surname": "Writer"})
    os._exit(0)                                      # no clean close: a crash, a kill, a power cut
    """
)


def test_writes_after_a_stray_descriptor_and_a_command_line_read_reach_the_disk(force, env):
    result = subprocess.run(
        [sys.executable, "-c", WRITER, str(force), month_now()], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["reader", "0", "True"], result.stdout + result.stderr
    rows = read_fresh(force, "SELECT count(*) FROM officers WHERE surname = 'Writer'")
    assert rows == [(10,)]
    assert read_fresh(force, "PRAGMA integrity_check") == [("ok",)]


# ---------------------------------------------------------------------------------------------
# The window in this process: the real Save dialog into the database's folder
# ---------------------------------------------------------------------------------------------

from desktop.ui import dialogs as _dialogs  # noqa: E402

REAL_SAVE_FILE = _dialogs.save_file


def test_a_pdf_saved_into_the_database_folder_then_a_command_line_read_loses_no_later_edit(
    force, env, tmp_path, qapp, qtbot, monkeypatch
):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

    from desktop import app
    from desktop.ui import dialogs, tasks

    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DOCUMENTS_DIR"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.setattr(dialogs, "save_file", REAL_SAVE_FILE)
    opened = app.open_for_window(db_url(str(force)))
    assert opened is not None
    window = app.build_window(opened)
    try:
        (force.parent / "last month.pdf").write_bytes(b"%PDF-1.4\n")  # a neighbour for the list to show
        tab = window.tab_widgets["Returns"]
        window.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: tab.figures is not None and not tasks.busy(), timeout=20_000)
        listed: list[int] = []

        def drive() -> None:
            dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog)), None)
            if dialog is None or not dialog.isVisible():
                QTimer.singleShot(50, drive)
                return
            dialog.setDirectory(str(force.parent))  # the database's own folder, listed by the dialog
            try:
                qtbot.waitUntil(lambda: _listed(dialog, listed), timeout=10_000)
            finally:
                dialog.findChild(QLineEdit, "fileNameEdit").setText("return.pdf")
                dialog.accept()

        QTimer.singleShot(0, drive)
        tab.save_pdf()
        qtbot.waitUntil(lambda: (force.parent / "return.pdf").exists() and not tasks.busy(), timeout=20_000)
        assert listed == [1]  # the folder was really browsed: its one visible file is the old PDF

        reader = cipdesk(force, "return", month_now(), "--json", env=env)
        assert reader.returncode == 0, reader.stderr
        assert json.loads(reader.stdout)["headcount"]["total"] == 3

        officer = roster.find_by_collar(opened.db, "102")
        roster.update_officer(opened.db, officer, {"phone": "07700 900123"})
        assert phone_of(force, "102") == "07700 900123"  # a new process sees it while the window is open
    finally:
        window.close()
        opened.close()
    assert wal_bytes(force) == 0
    assert main_file_alone(force, tmp_path, "SELECT phone FROM officers WHERE collar = '102'") == [
        ("07700 900123",)
    ]


def _listed(dialog, out: list[int]) -> bool:
    from PySide6.QtWidgets import QListView

    view = dialog.findChild(QListView, "listView")
    count = view.model().rowCount(view.rootIndex()) if view is not None else 0
    names = [view.model().index(r, 0, view.rootIndex()).data() for r in range(count)]
    if "cipdesk.sqlite" in names or any(str(n).endswith(("-wal", "-shm")) for n in names):
        raise AssertionError(f"the dialog shows the database's own files: {names}")
    if count:
        out[:] = [count]
    return bool(count)


def test_file_dialogs_open_in_documents_never_the_database_folder(force, env, qapp, monkeypatch):
    from desktop import app
    from desktop.ui import dialogs

    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_DOCUMENTS_DIR"):
        monkeypatch.setenv(name, env[name])
    opened = app.open_for_window(db_url(str(force)))
    try:
        documents = Path(env["XDG_DOCUMENTS_DIR"]).resolve()
        assert dialogs.start_folder("pdf") == documents
        dialogs.remember_folder("pdf", str(force.parent / "return.pdf"))  # saved there once
        assert dialogs.start_folder("pdf") == documents  # still never reopens beside the database
        elsewhere = force.parent.parent / "exports"
        elsewhere.mkdir()
        dialogs.remember_folder("excel", str(elsewhere / "roster.xlsx"))
        assert dialogs.start_folder("excel") == elsewhere.resolve()
        assert dialogs.start_folder("pdf", force.parent) == documents
    finally:
        opened.close()


# ---------------------------------------------------------------------------------------------
# One owner at a time
# ---------------------------------------------------------------------------------------------


def _spreadsheet(tmp_path: Path, officers: int = 3) -> Path:
    from tests.helpers_import import write_xlsx

    rows = [["Collar No.", "Surname", "First Name(s)", "Date Joined"]]
    rows += [[f"9{n:03d}", f"Newcomer{n}", "Sam", "03/04/2019"] for n in range(officers)]
    return write_xlsx(tmp_path / "roster.xlsx", rows)


def test_command_line_writes_are_refused_while_the_window_holds_the_database(force, env, tmp_path, windows):
    window = WindowProcess(force, env)
    windows.append(window)
    window.send("phone 101 01234")  # the window's latest work is in its WAL
    before = files_bytes(force)
    sheet = _spreadsheet(tmp_path)
    backup = tmp_path / "saved.sqlite"
    shutil.copyfile(force, backup)
    for args in (
        ("import", str(sheet)),
        ("import", str(sheet), "--json"),
        ("restore", str(backup)),
        ("demo-data", "--officers", "5"),
    ):
        result = cipdesk(force, *args, env=env)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert "already open in CiP Desk by" in lines[0] and "close it there first" in lines[0]
        assert "nothing was changed" in lines[0]
        if "--json" in args:
            assert json.loads(result.stdout) == {"file": str(sheet), "refused": lines[0].split(": ", 1)[1]}
        assert files_bytes(force) == before, args


def test_command_line_reads_work_beside_the_window_and_leave_its_wal_alone(force, env, tmp_path, windows):
    window = WindowProcess(force, env)
    windows.append(window)
    window.send("officer 104 Davies")
    window.send("phone 101 01234")
    wal_before = wal_bytes(force)
    assert wal_before > 0
    result = cipdesk(force, "return", month_now(), "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["headcount"]["total"] == 4  # the window's new officer counts
    assert "its latest changes are read from its journal" in result.stderr
    out = tmp_path / "roster.xlsx"
    assert cipdesk(force, "export", "roster", str(out), env=env).returncode == 0
    copy = tmp_path / "copy.sqlite"
    assert cipdesk(force, "backup", str(copy), env=env).returncode == 0
    assert read_fresh(copy, "SELECT phone FROM officers WHERE collar = '101'") == [("01234",)]
    dry = cipdesk(force, "import", str(_spreadsheet(tmp_path)), "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert force.with_name(force.name + "-wal").exists() and wal_bytes(force) >= wal_before
    window.send("phone 102 05678")  # and the window goes on saving as before
    window.send("crash")
    window.wait()
    assert phone_of(force, "101") == "01234" and phone_of(force, "102") == "05678"


def test_a_stray_descriptor_in_the_window_then_a_command_line_read_loses_nothing(force, env, windows):
    window = WindowProcess(force, env)
    windows.append(window)
    window.send("phone 101 111")
    window.send("stray")  # the window's own SQLite locks are gone now
    assert cipdesk(force, "return", month_now(), "--json", env=env).returncode == 0
    assert cipdesk(force, "export", "roster", str(force.parent.parent / "r.xlsx"), env=env).returncode == 0
    window.send("phone 102 222")
    window.send("duties 103 20")
    window.send("crash")
    window.wait()
    assert phone_of(force, "101") == "111" and phone_of(force, "102") == "222"
    assert read_fresh(force, "SELECT count(*) FROM duties") == [(20,)]


def test_two_imports_at_once_one_waits_its_turn_or_is_refused_plainly(force, env, tmp_path):
    sheet = _spreadsheet(tmp_path, officers=400)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "desktop", "--db", str(force), "import", str(sheet), "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    results = [(p.wait(120), *p.communicate()) for p in procs]
    codes = sorted(code for code, _out, _err in results)
    assert codes in ([0, 0], [0, 2]), results
    for code, out, err in results:
        assert "Traceback" not in err
        summary = json.loads(out)
        if code == 2:
            assert "in use by another CiP Desk command (cipdesk import" in summary["refused"]
    assert read_fresh(force, "SELECT count(*) FROM officers") == [(403,)]


# ---------------------------------------------------------------------------------------------
# Quit, logout, hard stops
# ---------------------------------------------------------------------------------------------


def test_quit_leaves_everything_in_the_main_file(force, env, tmp_path, windows):
    window = WindowProcess(force, env)
    windows.append(window)
    window.send("phone 101 999")
    window.send("duties 102 20")
    window.send("quit")
    assert window.wait() == 0
    assert wal_bytes(force) == 0
    assert main_file_alone(force, tmp_path, "SELECT phone FROM officers WHERE collar = '101'") == [("999",)]
    assert main_file_alone(force, tmp_path, "SELECT count(*) FROM duties") == [(20,)]
    instance_lock.check_free(force)


@pytest.mark.parametrize("with_dialog_open", [False, True], ids=["idle", "dialog-open"])
def test_sigterm_closes_the_window_cleanly_within_seconds(force, env, tmp_path, windows, with_dialog_open):
    window = WindowProcess(force, env)
    windows.append(window)
    window.send("phone 101 555")
    if with_dialog_open:
        window.send("modal")
    started = time.monotonic()
    window.proc.send_signal(signal.SIGTERM)
    assert window.wait(timeout=10) == 0
    assert time.monotonic() - started < 5
    assert wal_bytes(force) == 0
    assert main_file_alone(force, tmp_path, "SELECT phone FROM officers WHERE collar = '101'") == [("555",)]
    instance_lock.check_free(force)  # the single-writer lock was released


def test_kill_9_right_after_a_save_keeps_the_save(force, env, windows):
    window = WindowProcess(force, env)
    windows.append(window)
    window.send("phone 101 777")
    window.send("officer 105 Evans")
    window.proc.kill()
    window.wait()
    assert phone_of(force, "101") == "777"
    assert read_fresh(force, "SELECT surname FROM officers WHERE collar = '105'") == [("Evans",)]
    assert read_fresh(force, "PRAGMA integrity_check") == [("ok",)]
    instance_lock.check_free(force)


@pytest.mark.slow
def test_kill_9_mid_import_keeps_all_of_it_or_none_at_twenty_moments(force, env, tmp_path):
    from desktop.core import integrity

    sheet = _spreadsheet(tmp_path, officers=1500)
    started = time.monotonic()
    probe = tmp_path / "probe.sqlite"
    shutil.copyfile(force, probe)
    assert cipdesk(probe, "import", str(sheet), env=env).returncode == 0
    whole = time.monotonic() - started
    rng = random.Random(20261202)
    outcomes = []
    for _ in range(20):
        target = tmp_path / "kill.sqlite"
        for extra in ("", "-wal", "-shm", ".lock"):
            Path(str(target) + extra).unlink(missing_ok=True)
        shutil.copyfile(force, target)
        proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--db", str(target), "import", str(sheet)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        time.sleep(rng.uniform(0.2, whole))
        proc.kill()
        proc.wait()
        assert integrity.check_file(target, full=True).ok
        count = read_fresh(target, "SELECT count(*) FROM officers")[0][0]
        assert count in (3, 1503), count
        if count == 3:
            assert read_fresh(target, "SELECT count(*) FROM import_batches") == [(0,)]
        outcomes.append(count)
        instance_lock.check_free(target)
    assert 3 in outcomes  # at least one kill landed mid-import


# ---------------------------------------------------------------------------------------------
# strace: nothing but SQLite opens the database's files
# ---------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (CI installs it)")
def test_strace_shows_only_sqlite_opening_the_database_files(force, env, tmp_path, windows):
    trace = tmp_path / "trace.txt"
    window = WindowProcess(force, env, wrap=["strace", "-f", "-qq", "-e", "trace=openat", "-o", str(trace)])
    windows.append(window)
    sheet = _spreadsheet(force.parent)  # a spreadsheet beside the database, dropped and imported
    window.send("savepdf " + str(force.parent) + " browse.pdf", timeout=60)
    window.send("preview", timeout=60)
    window.send("drop " + str(sheet), timeout=60)
    window.send("import " + str(sheet), timeout=60)
    window.send("checkdb", timeout=60)
    window.send("backupnow", timeout=60)
    window.send("phone 101 3")
    window.send("quit")
    window.wait(timeout=30)
    names = {str(force) + s for s in ("", "-wal", "-shm", "-journal")}
    opens = [
        line
        for line in trace.read_text().splitlines()
        if (m := re.search(r'openat\([^,]+, "([^"]+)", ([A-Z_|]+)', line)) and m[1] in names
    ]
    assert opens, "the trace saw no opens of the database at all"
    # SQLite's unix VFS opens every file with O_NOFOLLOW; Python's open() and Qt never do.
    strays = [line for line in opens if "O_NOFOLLOW" not in line]
    assert not strays, "\n".join(strays)
    assert (force.parent / "browse.pdf").exists()


def test_the_database_itself_cannot_be_imported_or_restored_from_inside_the_window(force, tmp_path):
    from desktop.core import backup
    from desktop.excel.reader import FileRefused, open_workbook

    db = open_database(db_url(str(force)), backup_dir=tmp_path / "backups")
    try:
        for name in (force, Path(str(force) + "-wal"), Path(str(force) + "-shm")):
            if name.exists():
                with pytest.raises(FileRefused, match="own database"):
                    open_workbook(name)
        with pytest.raises(backup.RestoreError, match="the database CiP Desk has open"):
            backup.inspect_backup(force)
    finally:
        db.close()
    conn = sqlite3.connect(force)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


def test_the_window_copies_its_journal_into_the_main_file_after_an_import_and_when_idle(
    force, tmp_path, qapp, qtbot
):
    from desktop import app
    from desktop.ui import shutdown

    opened = app.open_for_window(db_url(str(force)))
    assert opened is not None
    window = app.build_window(opened)
    upkeep = shutdown.Upkeep(window)
    try:
        officer = roster.find_by_collar(opened.db, "101")
        roster.update_officer(opened.db, officer, {"phone": "1"})
        assert wal_bytes(force) > 0
        window.ctx.notify("all")  # what an import, an undo and a restore announce
        qtbot.waitUntil(lambda: wal_bytes(force) == 0, timeout=5_000)
        upkeep.timer.setInterval(100)
        roster.update_officer(opened.db, officer, {"phone": "2"})
        window.ctx.notify("officers")  # an ordinary save: copied in once the window is idle
        assert wal_bytes(force) > 0
        qtbot.waitUntil(lambda: wal_bytes(force) == 0, timeout=5_000)
        assert main_file_alone(force, tmp_path, "SELECT phone FROM officers WHERE collar = '101'") == [("2",)]
    finally:
        window.close()
        opened.close()
