"""The real CiP Desk window (offscreen) in a process of its own, driven line by line on stdin.

    python tests/window_process.py DB_PATH

Opens DB_PATH as ``cipdesk --db DB_PATH`` does (lock, checks, migrations, daily backup, window,
shutdown handling), prints ``ready <pid>``, then runs one command per line and answers ``ok ...``
when it is done (or ``error ...``):

    phone COLLAR NUMBER   change an officer's phone number (saved)
    officer COLLAR NAME   add an officer (saved)
    duties COLLAR N       record N duties of 2 hours for the officer (saved, one save each)
    savepdf FOLDER NAME   save the Returns tab's PDF through the real Save dialog, browsing into FOLDER
    stray                 open and close the database, -wal and -shm with Python (what a careless
                          library would do): the window must stay safe even then
    modal                 open a modal message box (it stays open)
    checkdb               File > Check database (SQLite's full integrity check)
    backupnow             a backup into the backup folder (as File > Back up now and the daily one)
    drop FILE             a spreadsheet dropped on the Roster tab (the import wizard opens and reads it)
    import FILE           import a spreadsheet (the service the wizard runs)
    preview               the Returns tab's print preview, opened and closed
    count                 how many officers the window sees
    quit                  File > Quit
    crash                 end at once, without any clean-up (as a power cut would, for the process)

Run with QT_QPA_PLATFORM=offscreen (set here if missing).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QObject, QTimer, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog  # noqa: E402

from desktop import app as appmod  # noqa: E402
from desktop.core import hours, roster  # noqa: E402
from desktop.core.paths import db_url  # noqa: E402


class Commands(QObject):
    line = Signal(str)

    def __init__(self, window, path: Path):
        super().__init__()
        self.window = window
        self.db = window.ctx.db
        self.path = path
        self.line.connect(self.run)

    def say(self, text: str) -> None:
        print(text, flush=True)

    def run(self, line: str) -> None:
        words = line.split()
        if not words:
            return
        try:
            getattr(self, "do_" + words[0])(*words[1:])
        except Exception as exc:  # noqa: BLE001 - reported to the test
            self.say(f"error {type(exc).__name__}: {exc}")

    def _id(self, collar: str) -> int:
        officer_id = roster.find_by_collar(self.db, collar)
        assert officer_id is not None, collar
        return officer_id

    def do_phone(self, collar: str, number: str) -> None:
        roster.update_officer(self.db, self._id(collar), {"phone": number})
        self.window.ctx.notify("officers")
        self.say("ok phone")

    def do_officer(self, collar: str, surname: str) -> None:
        roster.create_officer(self.db, {"collar": collar, "surname": surname, "joined": dt.date(2020, 1, 6)})
        self.window.ctx.notify("officers")
        self.say("ok officer")

    def do_duties(self, collar: str, count: str) -> None:
        officer_id = self._id(collar)
        day = dt.date.today() - dt.timedelta(days=40)
        for n in range(int(count)):
            hours.add_duty(
                self.db,
                {
                    "officer_id": officer_id,
                    "date": day + dt.timedelta(days=n % 28),
                    "hours": 2,
                    "duty_type": "patrol",
                },
            )
        self.window.ctx.notify("duties")
        self.say("ok duties")

    def do_stray(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with open(str(self.path) + suffix, "rb") as fh:
                fh.read(16)
        self.say("ok stray")

    def do_count(self) -> None:
        self.say(f"ok {len(roster.list_officers(self.db))}")

    def do_modal(self) -> None:
        from desktop.ui import dialogs

        QTimer.singleShot(0, lambda: dialogs.info(self.window, "A question", "A modal box stays open."))
        QTimer.singleShot(300, lambda: self.say("ok modal"))

    def do_savepdf(self, folder: str, name: str) -> None:
        tab = self.window.tab_widgets["Returns"]
        self.window.tabs.setCurrentWidget(tab)
        waited = [0]

        def when_loaded() -> None:
            from desktop.ui import tasks

            if tab.figures is None or tasks.busy():
                waited[0] += 1
                if waited[0] > 200:
                    self.say("error the return never loaded")
                    return
                QTimer.singleShot(50, when_loaded)
                return
            QTimer.singleShot(0, drive_dialog)
            tab.save_pdf()  # opens the real Save dialog (modal) through desktop.ui.dialogs
            QTimer.singleShot(100, wait_for_pdf)

        def drive_dialog() -> None:
            dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog)), None)
            if dialog is None or not dialog.isVisible():
                QTimer.singleShot(50, drive_dialog)
                return
            dialog.setDirectory(folder)  # browse into the database's own folder: it lists it

            def accept() -> None:
                from PySide6.QtWidgets import QLineEdit

                box = dialog.findChild(QLineEdit, "fileNameEdit")
                if box is not None:
                    box.setText(name)
                else:
                    dialog.selectFile(name)
                dialog.accept()

            QTimer.singleShot(800, accept)

        def wait_for_pdf() -> None:
            from desktop.ui import tasks

            if tasks.busy() or not (Path(folder) / name).exists():
                QTimer.singleShot(50, wait_for_pdf)
                return
            self.say("ok savepdf")

        when_loaded()

    def do_checkdb(self) -> None:
        from desktop.core import integrity

        result = integrity.integrity_check(self.db)
        self.say(f"ok {result.ok}")

    def do_backupnow(self) -> None:
        from desktop.core import backup

        self.say(f"ok {backup.backup_before(self.db, 'manual')}")

    def do_import(self, path: str) -> None:
        from desktop import importing as importer

        result = importer.run(self.db, path)
        self.window.ctx.notify("imports")
        self.say(f"ok {result.plan.counts['created']}")

    def do_drop(self, path: str) -> None:
        from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
        from PySide6.QtGui import QDropEvent

        from desktop.ui import tasks

        tab = self.window.tab_widgets["Roster"]
        self.window.tabs.setCurrentWidget(tab)
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(path)])
        event = QDropEvent(
            QPoint(5, 5),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        tab.dropEvent(event)

        def when_read() -> None:
            from desktop.ui.importing.wizard import ImportWizard

            wizard = next((w for w in QApplication.topLevelWidgets() if isinstance(w, ImportWizard)), None)
            if wizard is None or tasks.busy() or wizard.wb is None:
                QTimer.singleShot(50, when_read)
                return
            wizard.reject()
            self.say("ok drop")

        QTimer.singleShot(50, when_read)

    def do_preview(self) -> None:
        from PySide6.QtPrintSupport import QPrintPreviewDialog

        tab = self.window.tab_widgets["Returns"]
        self.window.tabs.setCurrentWidget(tab)

        def close_it() -> None:
            dialog = next(
                (w for w in QApplication.topLevelWidgets() if isinstance(w, QPrintPreviewDialog)), None
            )
            if dialog is None or not dialog.isVisible():
                QTimer.singleShot(50, close_it)
                return
            QTimer.singleShot(500, dialog.reject)

        def when_loaded() -> None:
            from desktop.ui import tasks

            if tab.figures is None or tasks.busy():
                QTimer.singleShot(50, when_loaded)
                return
            QTimer.singleShot(0, close_it)
            tab.print_preview()
            self.say("ok preview")

        when_loaded()

    def do_quit(self) -> None:
        self.say("ok quit")
        self.window.close()
        QApplication.instance().quit()

    def do_crash(self) -> None:
        print("ok crash", flush=True)
        os._exit(0)


def main() -> int:
    path = Path(sys.argv[1]).resolve()
    qapp = appmod.make_app()
    opened = appmod.open_for_window(db_url(str(path)))
    assert opened is not None
    window = appmod.start_window(qapp, opened)
    commands = Commands(window, path)

    def read_stdin() -> None:
        for line in sys.stdin:
            commands.line.emit(line.strip())

    threading.Thread(target=read_stdin, daemon=True).start()
    print(f"ready {os.getpid()}", flush=True)
    return appmod.run_event_loop(qapp, opened)


if __name__ == "__main__":
    sys.exit(main())
