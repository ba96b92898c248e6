"""Start the window: QApplication, crash handling, the database, the main window.

Opening a SQLite database for the window:
1. the single-writer lock (``instance_lock``): if another copy holds it, the user is told who and may
   open the database read-only, or not at all;
2. SQLite's quick check; a damaged file offers the latest good backup;
3. migrations (backed up first) and the first-run seed;
4. the daily backup (first start of each day).
A PostgreSQL database is shared by design: no lock, no file check, no daily file backup.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

log = logging.getLogger("cipdesk")


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Uncaught exceptions: logged, then shown with copyable details (plain words when known)."""
    from desktop.core.errors import plain_message
    from desktop.ui import dialogs

    message = plain_message(exc)
    if message is not None:  # the message may name an officer: the log gets only its kind
        log.warning("refused with a message to the user: %s", exc_type.__name__)
        dialogs.error(None, "CiP Desk", message)
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))  # shown to the user only
    from desktop.core.logs import redacted_traceback

    log.error("Uncaught exception:\n%s", redacted_traceback(exc))  # no message: it may quote a name
    dialogs.error(
        None,
        "CiP Desk: something went wrong",
        "CiP Desk met an unexpected problem. Your saved data is safe. The details below are also in "
        "the log file; please send them to your support contact.",
        details=details,
    )


def make_app(argv: list[str] | None = None):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("CiP Desk")
    app.setOrganizationName("CiPDesk")
    from desktop.core.paths import resources_dir

    app.setWindowIcon(app_icon(resources_dir() / "icons"))
    return app


def app_icon(folder: Path):  # type: ignore[no-untyped-def]
    """The CiP Desk icon (resources/icons: drawn as cipdesk.svg, shipped as PNGs of each size)."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for png in sorted(folder.glob("cipdesk-*.png")):
        icon.addFile(str(png))
    return icon


@dataclass
class Opened:
    """The database the window works on, and the lock that keeps other copies from writing."""

    db: Any  # desktop.core.db.Database
    lock: Any = None  # desktop.core.instance_lock.InstanceLock | None
    read_only_because: str | None = None  # who holds it, when opened read-only
    backup_warning: str | None = None  # the daily backup could not be made

    def close(self) -> None:
        """As the window ends: copy the WAL into the main file, close every connection, and only
        then let other copies in (the lock goes last). Safe to call twice."""
        try:
            self.db.close()
        finally:
            if self.lock is not None:
                self.lock.release()


def _read_only_database(url: str, holder_text: str) -> Any:
    """A Database over the same SQLite file opened with ``mode=ro``; any save is refused plainly."""
    from desktop.core.db import open_read_only

    return open_read_only(
        url,
        why=f"This window is read-only: {holder_text} has the database open. Nothing was saved. "
        "Close CiP Desk there, then open it again here to make changes.",
    )


def open_for_window(url: str, parent: Any = None) -> Opened | None:
    """Open ``url`` as the window needs it (see the module text). None: the user chose not to open."""
    from sqlalchemy.engine import make_url

    from desktop.core import backup, instance_lock, integrity, migrate
    from desktop.core.startup import open_database
    from desktop.ui.safety import backup as backup_ui

    if not url.startswith("sqlite"):
        return Opened(open_database(url))
    name = make_url(url).database
    if not name or name == ":memory:":
        return Opened(open_database(url))
    path = Path(name)
    lock: Any = instance_lock.InstanceLock(path)
    try:
        if path.parent.exists():
            lock.acquire()
        else:
            lock = None  # open_database creates the folder; lock after that
    except instance_lock.DatabaseInUse as exc:
        if not backup_ui.ask_open_read_only(parent, exc):
            return None
        holder = exc.holder.describe() if exc.holder else "another copy of CiP Desk"
        db = _read_only_database(url, holder)
        migrate.state(db.engine)  # refuses a newer database plainly
        return Opened(db, None, read_only_because=holder)
    except OSError as exc:  # a folder where the lock file cannot be made: carry on unlocked
        log.warning("no single-writer lock for the database (%s)", exc.strerror)
        lock = None
    try:
        if path.exists() and path.stat().st_size > 0:
            check = integrity.check_file(path)
            if not check.ok:
                if not _offer_restore(parent, path, check):
                    if lock is not None:
                        lock.release()
                    return None
        db = open_database(url)
        if lock is None and path.exists():
            lock = instance_lock.InstanceLock(path)
            try:
                lock.acquire()
            except (instance_lock.DatabaseInUse, OSError):
                lock = None
        opened = Opened(db, lock)
        try:
            backup.daily_backup(db)
        except Exception as exc:  # noqa: BLE001 - a missed backup must not stop the day's work
            from desktop.core.errors import plain_message

            log.warning("daily backup failed: %s", exc)
            opened.backup_warning = plain_message(exc) or str(exc)
        return opened
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def _offer_restore(parent: Any, path: Path, check: Any) -> bool:
    """A damaged file at start: offer the latest good backup. True when it was restored."""
    from desktop.core import backup
    from desktop.ui import dialogs
    from desktop.ui.safety import backup as backup_ui

    folder = backup.configured_folder_of(path)
    good = backup.latest_good_backup(folder, path.stem)
    if good is None:
        dialogs.error(
            parent,
            "The database is damaged",
            check.message() + f"\n\nNo good backup was found in {folder}. If you keep backups elsewhere, "
            "run CiP Desk's restore on one (cipdesk restore FILE), or ask your IT support for help.",
        )
        return False
    if not backup_ui.ask_restore_damaged(parent, check.message(), good):
        return False
    result = backup.restore_sqlite_file(path, good.path, folder)
    where = f"\n\nThe damaged file was kept as {result.safety_backup}." if result.safety_backup else ""
    dialogs.info(parent, "Backup restored", result.describe() + where)
    return True


def _build_demo(app: Any, db: Any, demo_data: Any) -> bool:
    """Fill the demo database with a progress dialog (a few seconds); False if the user cancelled."""
    from PySide6.QtWidgets import QProgressDialog

    from desktop.core.errors import Cancelled

    dialog = QProgressDialog("Building a demo force…", "Cancel", 0, 0)
    dialog.setWindowTitle("CiP Desk demo")
    dialog.setMinimumDuration(0)
    dialog.setMinimumWidth(380)
    dialog.show()
    app.processEvents()

    def progress(done: int, total: int, text: str) -> None:
        if dialog.wasCanceled():
            raise Cancelled()
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if text:
            dialog.setLabelText(text)
        app.processEvents()

    try:
        demo_data.generate(db, officers=400, years=3, seed=1, progress=progress)
    except Cancelled:
        return False
    finally:
        dialog.close()
    return True


def run_gui(db_url: str | None, *, demo: bool = False) -> int:
    app = make_app()
    sys.excepthook = _excepthook
    from desktop.core.errors import CipDeskError, plain_message
    from desktop.ui import dialogs

    demo_folder: Path | None = None
    try:
        if demo:
            from desktop.core import settings
            from desktop.core.paths import db_url as to_url
            from desktop.core.startup import open_database

            remove_old_demos()
            demo_folder = folder = Path(tempfile.mkdtemp(prefix=DEMO_PREFIX))
            db = open_database(to_url(str(folder / "demo.sqlite")), backup_dir=folder / "backups")
            settings.set_value(db, "backup_folder", str(folder / "backups"), reason="demo database")
            from desktop.core import demo as demo_data

            if not _build_demo(app, db, demo_data):
                db.close()
                _remove_demo(folder)
                return 0
            opened: Opened | None = Opened(db)
        else:
            assert db_url is not None
            opened = open_for_window(db_url)
            if opened is None:
                return 2
    except Exception as exc:
        message = plain_message(exc) if not isinstance(exc, CipDeskError) else str(exc)
        if message is None:
            raise
        dialogs.error(None, "CiP Desk cannot open the database", message)
        return 2
    start_window(app, opened)
    try:
        return run_event_loop(app, opened)
    finally:
        if demo_folder is not None:
            _remove_demo(demo_folder)


DEMO_PREFIX = "cipdesk-demo-"


def _remove_demo(folder: Path) -> None:
    """The demo database lives for one window: its folder goes when the window closes."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def remove_old_demos(older_than_hours: float = 12) -> None:
    """Demo folders a crashed or killed demo window left behind (none is in use that long)."""
    import time

    cutoff = time.time() - older_than_hours * 3600
    for folder in Path(tempfile.gettempdir()).glob(DEMO_PREFIX + "*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                _remove_demo(folder)
        except OSError:
            continue


def start_window(app: Any, opened: Opened) -> Any:
    """The main window on ``opened``, shown, with its shutdown handling installed."""
    from desktop.ui import dialogs, shutdown

    window = build_window(opened)
    shutdown.install(app, window)
    if os.environ.get("CIPDESK_QUIT_AFTER_FIRST_PAINT") == "1":
        _quit_after_first_paint(app, window)
    window.show()
    if opened.backup_warning:
        dialogs.warn(
            window,
            "Today's backup was not made",
            f"CiP Desk could not make today's automatic backup: {opened.backup_warning}\n\n"
            "Your data is safe. Check the backup folder in Settings, or use File > Back up now.",
        )
    return window


def _quit_after_first_paint(app: Any, window: Any) -> None:
    """For timing start-up from outside (``CIPDESK_QUIT_AFTER_FIRST_PAINT=1``) and for tests: the
    window quits as File > Quit does right after it has first been painted."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                QTimer.singleShot(0, window.close)
            return False

    window._first_paint = FirstPaint(window)  # kept alive with the window
    window.installEventFilter(window._first_paint)


def run_event_loop(app: Any, opened: Opened) -> int:
    """Run until File > Quit, a logout or a signal; then close the database cleanly."""
    try:
        return int(app.exec())
    finally:
        opened.close()


def build_window(opened: Opened) -> Any:
    from PySide6.QtWidgets import QLabel

    from desktop.ui.context import AppContext
    from desktop.ui.main_window import MainWindow

    ctx = AppContext(opened.db)
    window = MainWindow(ctx)
    window.opened = opened  # keeps the lock alive as long as the window
    if opened.read_only_because:
        label = QLabel(f"Read-only: {opened.read_only_because} has this database open")
        label.setStyleSheet("color: #b00020; font-weight: bold;")
        window.statusBar().addWidget(label)

        def mark_title(_what: str = "") -> None:
            if not window.windowTitle().endswith("(read-only)"):
                window.setWindowTitle(window.windowTitle() + " (read-only)")

        mark_title()
        ctx.changed.connect(mark_title)
    return window
