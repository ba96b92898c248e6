"""Start the window: QApplication, crash handling, the database, the main window."""

from __future__ import annotations

import logging
import sys
import tempfile
import traceback
from pathlib import Path
from types import TracebackType

log = logging.getLogger("cipdesk")


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Uncaught exceptions: logged, then shown with copyable details (plain words when known)."""
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("Uncaught exception:\n%s", details)
    from desktop.core.errors import plain_message
    from desktop.ui import dialogs

    message = plain_message(exc)
    if message is not None:
        dialogs.error(None, "CiP Desk", message)
    else:
        dialogs.error(
            None,
            "CiP Desk: something went wrong",
            "CiP Desk met an unexpected problem. Your saved data is safe. The details below are also in "
            "the log file; please send them to your support contact.",
            details=details,
        )


def make_app(argv: list[str] | None = None):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("CiP Desk")
    app.setOrganizationName("CiPDesk")
    from desktop.core.paths import resources_dir

    icon = resources_dir() / "icons" / "cipdesk.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def run_gui(db_url: str | None, *, demo: bool = False) -> int:
    app = make_app()
    sys.excepthook = _excepthook
    from desktop.core.db import open_database
    from desktop.core.errors import CipDeskError, plain_message
    from desktop.ui import dialogs

    try:
        if demo:
            folder = Path(tempfile.mkdtemp(prefix="cipdesk-demo-"))
            from desktop.core.paths import db_url as to_url

            db = open_database(to_url(str(folder / "demo.sqlite")), backup_dir=folder / "backups")
            from desktop.core import demo as demo_data

            demo_data.generate(db, officers=400, years=3, seed=1)
        else:
            assert db_url is not None
            db = open_database(db_url)
    except Exception as exc:
        message = plain_message(exc) if not isinstance(exc, CipDeskError) else str(exc)
        if message is None:
            raise
        dialogs.error(None, "CiP Desk cannot open the database", message)
        return 2
    from desktop.ui.context import AppContext
    from desktop.ui.main_window import MainWindow

    window = MainWindow(AppContext(db))
    window.show()
    return app.exec()
